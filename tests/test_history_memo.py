"""The per-clause memo of history scoring (audits/clause_memo.py) gives exactly the decisions of
scoring every state afresh: on versions that repeat clauses while their heading, lead-in, previous
sentence or the list below them change; the fixture is checked to catch a memo key without them."""
from __future__ import annotations

import datetime as dt
from dataclasses import fields

import pytest

import audits.clause_memo as clause_memo
from audits import engine
from audits.changes import compute_target, engine_fingerprint
from audits.clause_memo import ClauseMemo
from audits.engine import audit_target
from audits.model import Document
from audits.rules import activate, load_rules
from audits.rules.interpreter import Context, apply_rule, exclusion_fired, near_miss
from audits.segment import Segment, segment_documents
from riskaudit import store
from riskaudit.stages.history import prepare_target, sync
from riskaudit.store.runs import finish_run, start_run
from riskaudit.store.targets import upsert_target

ITEM = "intimate images or videos of another person shared without their consent;"
EXTENSION = "This also applies to AI-generated or digitally altered images that look like a real person."
PROHIBITING_LEAD, NEUTRAL_LEAD = "You may not post any of the following:", "We like to see the following:"
PROHIBITING_HEADING, NEUTRAL_HEADING = "Prohibited content", "Community highlights"
PROHIBITING_PREV = "You may not share nude or sexual images of another person without their consent."
NEUTRAL_PREV = "We love holiday photos."
NCII_ITEMS = ["political advertising;", "nude or sexual images of real, identifiable people;"]
OTHER_ITEMS = ["political advertising;", "fake product reviews;"]


def policy(lead=NEUTRAL_LEAD, heading=NEUTRAL_HEADING, prev=NEUTRAL_PREV, items=OTHER_ITEMS, extra=""):
    listed = "\n".join(f"- {x}" for x in items)
    return f"""# Example Terms

## {heading}

{lead}

- spam or misleading links;
- {ITEM}

{prev}

{EXTENSION}

## Creative tools

You may not use our tools to make AI-generated or digitally altered content of these kinds:

{listed}

## Reporting

Report content with the Report button under every post.{extra}
"""


# Each change turns an element on through the context of an unchanged clause, then back off.
VERSIONS = [
    policy(),
    policy(lead=PROHIBITING_LEAD),          # the item's lead-in prohibits it: ncii_prohibited
    policy(),
    policy(heading=PROHIBITING_HEADING),    # the item's heading prohibits it
    policy(),
    policy(prev=PROHIBITING_PREV),          # the extension clause inherits the sentence before it
    policy(),
    policy(items=NCII_ITEMS),               # the lead-in covers the list below it (other clauses)
    policy(extra=" We act on reports within 48 hours."),
]


def dump(res) -> dict:
    return res.decisions_json()


def score_all(memo: ClauseMemo | None) -> list[dict]:
    out = []
    for text in VERSIONS:
        docs = [Document(name="Terms", text=text)]
        kw = {"memo": memo} if memo is not None else {}
        out.append(dump(audit_target(docs, service="Example", target_id="example", kind="social", **kw)))
    return out


def test_fixture_decisions_change_with_the_context_of_unchanged_clauses():
    met = [{e for e, r in d["elements"].items() if r["met"]} for d in score_all(None)]
    assert "ncii_prohibited" in met[1] and "ncii_prohibited" in met[3] and "ncii_prohibited" not in met[0]
    assert "synthetic_intimate_covered" in met[5] and "synthetic_intimate_covered" in met[7]
    assert "synthetic_intimate_covered" not in met[6]


def test_memo_gives_the_decisions_of_scoring_afresh():
    memo = ClauseMemo()
    assert score_all(memo) == score_all(None)
    assert memo.hits > memo.misses > 0


def test_a_memo_that_starts_afresh_when_full_gives_the_same(monkeypatch):
    monkeypatch.setattr(ClauseMemo, "MAX_RESULTS", 50)
    monkeypatch.setattr(ClauseMemo, "MAX_CLAUSES", 20)
    memo = ClauseMemo()
    assert score_all(memo) == score_all(None)
    assert len(memo._results) < 400


@pytest.mark.parametrize("field", ["headings", "leads", "prev"])
def test_fixture_catches_a_key_without_a_context_field(monkeypatch, field):
    monkeypatch.setattr(ClauseMemo, "IGNORED", ClauseMemo.IGNORED | {field})
    assert score_all(ClauseMemo()) != score_all(None)


def test_fixture_catches_a_memo_blind_to_reads_of_other_clauses(monkeypatch):
    monkeypatch.setattr(clause_memo, "_UNWATCHED", clause_memo._UNWATCHED | {"segments", "_items_by_lead", "_sibling_index"})
    assert score_all(ClauseMemo()) != score_all(None)


class _Guarded(Segment):
    def __getattribute__(self, name):
        if name in ClauseMemo.IGNORED - {"memo"}:
            raise AssertionError(f"a rule read seg.{name}, which the clause memo does not key by")
        return object.__getattribute__(self, name)


def test_rules_never_read_where_a_clause_sits():
    rs = load_rules()
    activate(rs)
    segs = [_Guarded(**{f.name: getattr(s, f.name) for f in fields(Segment)})
            for s in segment_documents(VERSIONS[:2] + VERSIONS[5:8])]
    ctx = Context(kind="social", segments=segs)
    for rule in rs.elements.values():
        for seg in segs:
            apply_rule(rule, seg, ctx)
            exclusion_fired(rule, seg, ctx)
            near_miss(rule, seg, ctx, engine._gate_ok)


def _history_store(tmp_path):
    con = store.connect(tmp_path / "h.duckdb")
    upsert_target(con, "example", "Example", "social")
    t0 = dt.datetime(2026, 1, 5, 10, 0, tzinfo=dt.timezone.utc)
    for i, text in enumerate(VERSIONS):
        run_id = start_run(con, "crawl")
        sha = None if i % 2 else store.sha256_hex(text)       # rows stored without their hash too
        con.execute("INSERT INTO documents (run_id, target_id, doc_type, name, url, text, text_sha256, fetched_at, "
                    "source) VALUES (?, 'example', 'terms_of_service', 'Terms', 'https://example.test/terms', ?, ?, ?, "
                    "'crawl')", [run_id, text, sha, t0 + dt.timedelta(days=i)])
        finish_run(con, run_id)
    return con


def test_history_with_the_memo_equals_history_without(tmp_path, monkeypatch):
    con = _history_store(tmp_path)
    payload = prepare_target(con, "example")
    fp = engine_fingerprint()
    calls = []
    real = ClauseMemo.call
    monkeypatch.setattr(ClauseMemo, "call", lambda self, *a: calls.append(1) or real(self, *a))
    with_memo = compute_target(*payload[:4], {}, None, fp)
    assert calls
    calls.clear()
    afresh = compute_target(*payload[:4], {}, lambda docs, **kw: audit_target(docs, **kw), fp)
    assert not calls
    assert with_memo == afresh
    assert with_memo[1]["versions"] == len(VERSIONS) and with_memo[1]["flips"] >= 6
    assert sync(con)["versions"] == len(VERSIONS)          # hashes of rows stored without one
    con.close()


def test_unchanged_documents_keep_their_segments_and_the_decisions_stay_those_of_scoring_afresh():
    """A target of several documents where one changes per version: the others are segmented
    once; a document that moves to another place in the sorted list is segmented again (a clause
    knows its document's index), and every result equals the one scored without a memo."""
    guide = Document(name="Guidelines", text=policy(heading=PROHIBITING_HEADING))
    states = [[guide, Document(name="Terms", text=v)] for v in VERSIONS[:4]]
    states.append([Document(name="About", text="# About\n\nWe are a small team."), *states[-1]])   # moves both
    memo = ClauseMemo()
    fresh, memoised = [], []
    for docs in states:
        fresh.append(dump(audit_target(docs, service="Example", target_id="example", kind="social")))
        memoised.append(dump(audit_target(docs, service="Example", target_id="example", kind="social", memo=memo)))
    assert memoised == fresh
    rs = load_rules()
    first, _ = memo.segments(rs, [guide.text, VERSIONS[0]], engine._matching_view)
    again, _ = memo.segments(rs, [guide.text, VERSIONS[1]], engine._matching_view)
    n = len(segment_documents([guide.text]))
    assert all(a is b for a, b in zip(first[:n], again[:n]))          # the unchanged document's own objects
    moved, _ = memo.segments(rs, ["# About", guide.text, VERSIONS[1]], engine._matching_view)
    k = len(segment_documents(["# About"]))
    assert [s.text for s in moved[k:k + n]] == [s.text for s in again[:n]]
    assert all(s.doc == 1 and s is not a for s, a in zip(moved[k:k + n], again[:n]))
