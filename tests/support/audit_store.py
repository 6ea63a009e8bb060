"""A small store of crawled policy documents (no network): the fixture corpus of
tests/fixtures/audit/corpus as one finished crawl run, for the score/export/explain tests."""
from __future__ import annotations

from pathlib import Path

from riskaudit import store
from riskaudit.store.runs import finish_run, start_run
from riskaudit.store.targets import upsert_target

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "audit"

# (target id, name, kind, folder of tests/fixtures/audit/corpus)
TARGETS = [("example-social", "Example Social", "social", "Example Social"),
           ("example-gen", "Example Gen", "ai_tool", "Example Gen")]


def build_audit_store(db: Path, targets=TARGETS) -> int:
    """Create `db` with one finished crawl run holding the documents of `targets`; return the run id."""
    con = store.connect(db)
    for tid, name, kind, _ in targets:
        upsert_target(con, tid, name, kind)
    run_id = start_run(con, "crawl")
    for tid, _, _, folder in targets:
        for path in sorted((FIX / "corpus" / folder).glob("*.*")):
            if path.suffix not in (".md", ".txt"):
                continue
            text = path.read_text()
            snap = store.put_snapshot(con, text.encode(), "text/markdown")
            con.execute(
                "INSERT INTO documents (run_id, target_id, doc_type, name, url, title, text, text_sha256, snapshot_sha256, fetched_at, source) "
                "VALUES (?, ?, 'terms', ?, ?, ?, ?, ?, ?, ?, 'crawl')",
                [run_id, tid, path.name, f"https://{tid}.example/{path.stem.replace(' ', '-').lower()}", path.stem, text,
                 store.sha256_hex(text), snap, store.now_utc()])
    finish_run(con, run_id)
    con.close()
    return run_id
