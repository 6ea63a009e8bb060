"""audit_target: scoring per the rubric, JSON shape, determinism, verbatim evidence, loaders."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from audits import rubric
from audits.engine import audit_target
from audits.model import Document
from riskaudit.core.text import slug
from riskaudit.importers.files import load_service_dir, read_kinds

FIX = Path(__file__).parent / "fixtures" / "audit"


def docs_of(folder: str) -> list[Document]:
    return load_service_dir(FIX / "corpus" / folder)


def test_scores_follow_the_rubric():
    res = audit_target(docs_of("Example Social"), service="Example Social", target_id="example-social", kind="social")
    decisions = {k: v.met for k, v in res.elements.items()}
    assert res.categories == rubric.category_scores(decisions)
    assert res.score == rubric.overall_score(decisions)
    assert res.grade == rubric.grade(res.score)
    assert res.rubric_version == rubric.RUBRIC_VERSION
    assert decisions["provenance_marking"] is None and decisions["sexual_content_safeguards"] is None


def test_empty_documents_score_zero():
    res = audit_target([], service="Nothing", target_id="nothing", kind="host")
    assert res.score == 0.0 and res.grade == "F"
    assert all(v.met is False for k, v in res.elements.items() if rubric.applicable(k, "host"))
    assert all(v.reason.startswith("not met") for k, v in res.elements.items() if rubric.applicable(k, "host"))


def test_document_order_does_not_change_the_result():
    docs = docs_of("Example Social")
    a = audit_target(docs, service="S", target_id="s", kind="social").to_json()
    b = audit_target(list(reversed(docs)), service="S", target_id="s", kind="social").to_json()
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def test_evidence_is_verbatim_ranked_and_carries_document_metadata():
    text = "## Rules\n\nDo not post nude images of another person without their consent.\n"
    doc = Document(name="Rules.html", text=text, url="https://x.example/rules", snapshot="ab" * 32,
                   fetched_at="2026-01-01T00:00:00+00:00", document_id=7)
    res = audit_target([doc], service="X", target_id="x", kind="social")
    ev = res.elements["ncii_prohibited"].evidence
    assert len(ev) == 1 and ev[0].quote == "Do not post nude images of another person without their consent."
    assert ev[0].to_json() == {"document": "Rules.html", "url": "https://x.example/rules", "snapshot": "ab" * 32,
                               "quote": ev[0].quote, "fetched_at": "2026-01-01T00:00:00+00:00"}
    assert ev[0].document_id == 7


def test_at_most_three_distinct_quotes():
    text = "\n\n".join(f"Rule {i}: do not share intimate images of anyone without consent, variant {i}." for i in range(6))
    text += "\n\nRule 0: do not share intimate images of anyone without consent, variant 0."
    res = audit_target([Document(name="R.md", text=text)], service="X", target_id="x", kind="social")
    quotes = [e.quote for e in res.elements["ncii_prohibited"].evidence]
    assert len(quotes) == 3 and len(set(quotes)) == 3


def test_unknown_kind_rejected():
    with pytest.raises(ValueError):
        audit_target([], service="X", target_id="x", kind="robot")


def test_slug_and_kinds():
    assert slug("Stability AI") == "stability-ai"
    assert slug("WordPress.com") == "wordpress-com"
    assert slug("Café Ünïcode") == "cafe-unicode"
    assert read_kinds(FIX / "kinds.csv") == {"Example Social": "social", "Example Gen": "ai_tool"}


def test_loader_ignores_other_files():
    names = [d.name for d in docs_of("Example Gen")]
    assert names == ["Usage Policy.md"]
