"""Integration with the real engine (audits.engine.audit_target) on clear-cut invented texts."""
from __future__ import annotations

import pytest

from audits.engine import audit_target
from audits.model import Document
from riskaudit import store
from riskaudit.stages.history import list_changes
from riskaudit.stages.imports import import_ota
from tests.support.changes_fixtures import make_ota_repo

pytestmark = pytest.mark.slow

BASE = """# Example Video Terms

## Prohibited content

- You may not post sexual or intimate images or videos of another person without their consent.
- You may not post child sexual abuse material.

## Reporting

Report content that breaks these terms with the Report button under every video.
"""
REFORMAT = """Example Video Terms
===================

Prohibited content
------------------
* You may **not** post sexual or intimate images or videos of another person
  without their consent.
* You may not post child sexual abuse material.

Reporting
---------
Report content that breaks these terms with the *Report* button under every video.
"""
CLAUSE = ("You may not post deepfakes: AI-generated or digitally altered nude or sexual images "
          "of real, identifiable people are prohibited.")
WITH_CLAUSE = REFORMAT.replace("* You may not post child", f"* {CLAUSE}\n* You may not post child")

HISTORY = [
    ("2026-01-05T10:00:00+00:00", {"Example Video/Terms of Service.md": BASE}),
    ("2026-02-05T10:00:00+00:00", {"Example Video/Terms of Service.md": REFORMAT}),
    ("2026-03-05T10:00:00+00:00", {"Example Video/Terms of Service.md": WITH_CLAUSE}),
    ("2026-04-05T10:00:00+00:00", {"Example Video/Terms of Service.md": REFORMAT}),
]


def decide(text: str) -> dict:
    res = audit_target([Document(name="Terms of Service", text=text)], service="Example Video",
                       target_id="example-video", kind="social")
    return {k: v.met for k, v in res.elements.items()}


def test_real_engine_flips_match_direct_scoring(tmp_path):
    repo = make_ota_repo(tmp_path, HISTORY)
    con = store.connect(tmp_path / "e.duckdb")
    import_ota(con, repo, default_kind="social")
    changes = list_changes(con)
    assert [(c["date"], c["textual_change"]) for c in changes] == [
        ("2026-02-05", False), ("2026-03-05", True), ("2026-04-05", True)]
    assert changes[0]["flips"] == [] and changes[0]["added"] == []
    assert changes[1]["added"] == [CLAUSE] and changes[2]["removed"] == [CLAUSE]
    # every recorded flip is exactly a decision that differs when the engine scores the compared states
    # directly; the formatting-only version is never scored, so the clause is compared with BASE
    def differing(a, b):
        return {e for e in a if a[e] is not None and b[e] is not None and a[e] != b[e]}

    base, clause, back = decide(BASE), decide(WITH_CLAUSE), decide(REFORMAT)
    expected_up = {e for e in differing(base, clause) if clause[e]}
    assert {f["element"] for f in changes[1]["flips"]} == differing(base, clause)
    assert {f["element"] for f in changes[2]["flips"]} == differing(clause, back)
    for f in changes[1]["flips"] + changes[2]["flips"]:
        assert f["quote"] is None or f["quote"] in WITH_CLAUSE or f["quote"] in REFORMAT
    if "synthetic_intimate_covered" not in expected_up:
        pytest.skip("the engine does not (yet) mark the explicit deepfake clause as synthetic_intimate_covered")
    up = {f["element"]: f for f in changes[1]["flips"]}["synthetic_intimate_covered"]
    assert (up["from"], up["to"]) == (False, True) and up["quote"] and "deepfake" in up["quote"].lower()
    con.close()
