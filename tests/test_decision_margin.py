"""Decision margin and needs_review (issue 12): how close each machine decision came to flipping,
carried from the engine to the store, `export` and `score-files`."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from audits.engine import audit_target
from audits.model import Document
from riskaudit.cli import main

FIX = Path(__file__).parent / "fixtures" / "audit"


def _el(text: str, element: str, kind: str = "social"):
    return audit_target([Document(name="policy.md", text=text)], service="S", target_id="s", kind=kind).elements[element]


def test_an_exclusion_that_fired_makes_a_not_met_a_close_call():
    er = _el("To send a copyright complaint, use our [DMCA form](https://lumora.example/dmca).", "general_reporting_channel")
    assert er.met is False and er.needs_review
    assert "exclusion" in er.margin and "copyright_only" in er.margin and "DMCA form" in er.margin


def test_a_near_miss_needs_review_and_a_clear_not_met_does_not():
    near = _el("You must not harass, threaten or blackmail other members.", "sextortion_prohibited")
    assert near.met is False and near.needs_review and near.margin.startswith("near miss:")
    clear = _el("Our offices are open on weekdays.", "sextortion_prohibited")
    assert clear.met is False and not clear.needs_review and clear.margin == "no clause came close"


def test_two_supporting_clauses_are_not_flagged_a_weak_single_one_is():
    two = _el("Never share intimate images of someone without their consent.\n\n"
              "Posting nude photos of another person without their permission is forbidden.", "ncii_prohibited")
    assert two.met is True and not two.needs_review and two.margin.startswith("2 clauses support it")
    one = _el("See something that breaks the rules? Tap the three dots on the post and choose Report.",
              "general_reporting_channel")
    assert one.met is True and one.margin.startswith("one clause only")
    assert one.needs_review == ("weak" in one.margin)


def test_margin_and_needs_review_reach_score_files_json_and_csv(tmp_path, capsys):
    out = tmp_path / "r.json"
    assert main(["score-files", str(FIX / "corpus"), "--kinds", str(FIX / "kinds.csv"), "--out", str(out)]) == 0
    targets = json.loads(out.read_text())["targets"]
    for t in targets:
        for el, v in t["elements"].items():
            if v["met"] is None:
                assert "margin" not in v and "needs_review" not in v
            else:
                assert isinstance(v["needs_review"], bool) and v["margin"], (t["id"], el)
    capsys.readouterr()
    assert main(["score-files", str(FIX / "corpus"), "--kinds", str(FIX / "kinds.csv"), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {"needs_review", "margin"} <= set(rows[0])
    assert all(r["margin"] for r in rows if r["met"] in ("true", "false", "True", "False"))


def test_margin_is_stored_and_exported_from_the_store(tmp_path, capsys):
    from riskaudit import store
    from tests.support import review_fixture as fx

    db = tmp_path / "m.duckdb"
    fx.crawl_run(db)
    con = store.connect(db, read_only=True)
    try:
        rows = con.execute("SELECT met, margin, needs_review FROM element_results WHERE met IS NOT NULL").fetchall()
    finally:
        con.close()
    assert rows and all(m and nr is not None for _, m, nr in rows)
    out = tmp_path / "e.json"
    assert main(["export", "--db", str(db), "--format", "json", "--out", str(out)]) == 0
    exported = json.loads(out.read_text())["targets"]
    stored = {m for _, m, _ in rows}
    assert {v["margin"] for t in exported for v in t["elements"].values() if v["met"] is not None} == stored
