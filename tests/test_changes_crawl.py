"""Change tracking across crawl runs: consecutive runs per target, version identity by extracted-text hash."""
from __future__ import annotations

import datetime as dt

from riskaudit import store
from riskaudit.stages.history import list_changes, sync, timeline
from riskaudit.store.runs import finish_run, start_run
from riskaudit.store.targets import upsert_target
from tests.support.changes_fixtures import ACME_V1, ACME_V3_DEEPFAKE, DEEPFAKE, fake_score

T0 = dt.datetime(2026, 7, 8, 9, 0, tzinfo=dt.timezone.utc)


def crawl(con, at: dt.datetime, docs: dict[str, str], snapshot: str = "s") -> int:
    run_id = start_run(con, "crawl")
    for i, (url, text) in enumerate(docs.items()):
        con.execute(
            "INSERT INTO documents (run_id, target_id, doc_type, name, url, text, text_sha256, snapshot_sha256, "
            "fetched_at, source) VALUES (?, 'acme', 'terms_of_service', ?, ?, ?, ?, ?, ?, 'crawl')",
            [run_id, url.rsplit("/", 1)[-1].title(), url, text, store.sha256_hex(text), snapshot + url,
             at + dt.timedelta(seconds=5 * i)])
    finish_run(con, run_id)
    return run_id


def test_consecutive_crawl_runs(tmp_path):
    con = store.connect(tmp_path / "c.duckdb")
    upsert_target(con, "acme", "Acme Social", "social")
    terms, help_ = "https://acme.example/terms", "https://acme.example/help"
    crawl(con, T0, {terms: ACME_V1, help_: "Contact support by e-mail."})
    # an HTML-only change: a new snapshot but the same extracted text → not a new version
    crawl(con, T0 + dt.timedelta(hours=2), {terms: ACME_V1, help_: "Contact support by e-mail."}, snapshot="s2")
    # a failed run is ignored
    failed = start_run(con, "crawl")
    finish_run(con, failed, "failed")
    crawl(con, T0 + dt.timedelta(days=1), {terms: ACME_V3_DEEPFAKE, help_: "Contact support by e-mail."})
    stats = sync(con, score_fn=fake_score)
    assert stats["targets"] == 1 and stats["versions"] == 3
    changes = list_changes(con, score_fn=fake_score)
    assert len(changes) == 1
    c = changes[0]
    assert (c["date"], c["document"], c["service"]) == ("2026-07-09", "Terms", "Acme Social")
    assert DEEPFAKE in c["added"]
    assert {f["element"]: (f["from"], f["to"], f["quote"]) for f in c["flips"]}["synthetic_intimate_covered"] == \
        (False, True, DEEPFAKE)
    # a later crawl that drops the clause, then nothing new: only new runs are folded in
    crawl(con, T0 + dt.timedelta(days=3), {terms: ACME_V1, help_: "Contact support by e-mail."})
    tl = timeline(con, "Acme Social", score_fn=fake_score)
    assert [(i["met"], i["from"], i["to"]) for i in tl["elements"]["synthetic_intimate_covered"]] == [
        (False, "2026-07-08", "2026-07-09"), (True, "2026-07-09", "2026-07-11"), (False, "2026-07-11", None)]
    assert sync(con, score_fn=fake_score)["targets"] == 0
    assert con.execute("SELECT count(*) FROM version_runs").fetchone()[0] == 4
    con.close()


def test_two_crawls_on_one_day_are_two_states(tmp_path):
    con = store.connect(tmp_path / "c.duckdb")
    upsert_target(con, "acme", "Acme Social", "social")
    crawl(con, T0, {"https://acme.example/terms": ACME_V1})
    crawl(con, T0 + dt.timedelta(hours=3), {"https://acme.example/terms": ACME_V3_DEEPFAKE})
    changes = list_changes(con, score_fn=fake_score)
    assert [c["date"] for c in changes] == ["2026-07-08"]
    assert [f["element"] for f in changes[0]["flips"]] == ["synthetic_intimate_covered"]
    con.close()


def test_new_document_and_attribution_between_two_changed_documents(tmp_path):
    con = store.connect(tmp_path / "c.duckdb")
    upsert_target(con, "acme", "Acme Social", "social")
    terms, help_, safety = ("https://acme.example/terms", "https://acme.example/help", "https://acme.example/safety")
    crawl(con, T0, {terms: ACME_V1, help_: "Contact support by e-mail."})
    # both existing documents change, and a new page appears carrying the deepfake clause
    crawl(con, T0 + dt.timedelta(days=2), {terms: ACME_V1 + "\nWe ban spam bots.\n",
                                          help_: "Contact support by e-mail. Or by post.",
                                          safety: f"# Safety\n\n{DEEPFAKE}\n"})
    changes = {c["document"]: c for c in list_changes(con, score_fn=fake_score)}
    assert set(changes) == {"Terms", "Help", "Safety"}
    assert changes["Safety"]["added"] == ["Safety", DEEPFAKE] and changes["Safety"]["removed"] == []
    assert [f["element"] for f in changes["Safety"]["flips"]] == ["synthetic_intimate_covered"]
    assert changes["Terms"]["flips"] == [] and changes["Help"]["flips"] == []
    flip = con.execute("SELECT document, quote, quote_in_change FROM element_flips").fetchall()
    assert flip == [("Safety", DEEPFAKE, True)]
    con.close()
