"""Scoring an archive import: only the latest version of each document counts, and `score`
falls back to the latest import run when the store holds no crawl."""
import datetime as dt

from riskaudit import store
from riskaudit.stages.score import score_run
from riskaudit.store.runs import finish_run, start_run
from riskaudit.store.targets import upsert_target

OLD = "# Rules\n\nYou must not post nude images of another person without their consent.\n"
NEW = "# Rules\n\nBe kind to other members.\n"


def test_archive_run_scores_latest_version_of_each_document(tmp_path):
    db = tmp_path / "archive.duckdb"
    con = store.connect(db)
    run_id = start_run(con, "import-dir")
    upsert_target(con, "examplegram", "Examplegram", "social")
    for day, text in ((1, OLD), (9, NEW)):
        con.execute("INSERT INTO documents (run_id, target_id, name, text, text_sha256, fetched_at, source) "
                    "VALUES (?, 'examplegram', 'Rules.md', ?, ?, ?, 'dir')",
                    [run_id, text, store.sha256_hex(text), dt.datetime(2026, 3, day, tzinfo=dt.timezone.utc)])
    finish_run(con, run_id)
    con.close()

    assert score_run(str(db)) == run_id        # no crawl in the store: the import run is scored
    con = store.connect(db, read_only=True)
    met = con.execute("SELECT met FROM element_results WHERE run_id = ? AND element = 'ncii_prohibited'",
                      [run_id]).fetchone()[0]
    quotes = con.execute("SELECT count(*) FROM evidence WHERE run_id = ?", [run_id]).fetchone()[0]
    con.close()
    assert met is False and quotes == 0          # the rule was dropped in the latest version
