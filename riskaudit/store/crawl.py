"""What the crawler writes: fetches, snapshots, documents and channel checks, buffered in batches.

`CrawlWriter` keeps rows per table and inserts them through Arrow every `flush_rows` rows and at
close (snapshots first: the other rows reference them). `crawl_summary` reads one run's counts.
"""
from __future__ import annotations

from riskaudit.core.hashing import sha256_hex
from riskaudit.store import SNAPSHOT_COMPRESSION, Connection, pack_body
from riskaudit.store.bulk import SCHEMAS, insert_rows

FLUSH_ORDER = ("snapshots", "fetches", "documents", "channel_checks")
DOCUMENT_COLUMNS = [n for n in SCHEMAS["documents"].names if n != "document_id"]   # id from the sequence


class CrawlWriter:
    def __init__(self, con: Connection, flush_rows: int = 500):
        self.con = con
        self.flush_rows = flush_rows
        self.buffers: dict[str, list[dict]] = {t: [] for t in FLUSH_ORDER}
        self._snapshots: set[str] = set()

    def add(self, table: str, row: dict) -> None:
        self.buffers[table].append(row)
        if sum(len(b) for b in self.buffers.values()) >= self.flush_rows:
            self.flush()

    def snapshot(self, body: bytes, content_type: str | None, fetched_at, sha256: str | None = None) -> str:
        """Buffer a raw body once per crawl (content-addressed); return its sha256 (``sha256``: the
        caller computed it already from this very body)."""
        digest = sha256 or sha256_hex(body)
        if digest not in self._snapshots:
            self._snapshots.add(digest)
            self.add("snapshots", {"sha256": digest, "content_type": content_type, "size": len(body),
                                   "compression": SNAPSHOT_COMPRESSION, "body": pack_body(body),
                                   "first_seen": fetched_at})
        return digest

    def commit(self) -> None:
        """Flush every buffer in one transaction: all of a batch is stored, or none of it."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            self.flush()
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    def flush(self) -> None:
        for table in FLUSH_ORDER:
            rows = self.buffers[table]
            if not rows:
                continue
            if table == "documents":
                insert_rows(self.con, table, rows, columns=DOCUMENT_COLUMNS)
            else:
                insert_rows(self.con, table, rows, or_ignore=(table == "snapshots"))
            self.buffers[table] = []


def crawl_summary(con: Connection, run_id: int) -> dict[str, int]:
    """Counts of one crawl run for the `crawl` command's summary line."""
    n_fetch, n_ok, n_err, n_media, n_robots, n_private = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status BETWEEN 200 AND 299), "
        "count(*) FILTER (WHERE error IS NOT NULL AND error <> 'mailto: not checked'), "
        "count(*) FILTER (WHERE media_refused), count(*) FILTER (WHERE robots_blocked), "
        "count(*) FILTER (WHERE error = 'private_address') FROM fetches WHERE run_id = ?", [run_id]).fetchone()
    n_docs, n_targets = con.execute(
        "SELECT count(*), count(DISTINCT target_id) FROM documents WHERE run_id = ?", [run_id]).fetchone()
    n_extract_failed, n_extract_fallback = con.execute(
        "SELECT count(*) FILTER (WHERE error LIKE 'extract_failed%'), "
        "count(*) FILTER (WHERE error LIKE 'extract_fallback%') FROM fetches WHERE run_id = ?", [run_id]).fetchone()
    n_chan, n_chan_ok = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE ok) FROM channel_checks WHERE run_id = ?", [run_id]).fetchone()
    return {"fetches": n_fetch, "ok": n_ok, "errors": n_err, "media_refused": n_media, "robots_blocked": n_robots,
            "private_refused": n_private, "documents": n_docs, "targets": n_targets, "channels": n_chan,
            "channels_ok": n_chan_ok, "extract_failed": n_extract_failed, "extract_fallback": n_extract_fallback}


def fetch_keys(con: Connection, run_id: int) -> set[tuple]:
    """(target, purpose, url, document type or channel kind) of every fetch of a run: what a
    frontier ingest has already stored (a failed document fetch has no type: '' there)."""
    rows = con.execute(
        "SELECT coalesce(f.target_id, ''), f.purpose, f.url, "
        "coalesce(d.doc_type, c.channel_kind, '') FROM fetches f "
        "LEFT JOIN documents d ON f.purpose = 'document' AND d.run_id = f.run_id AND d.target_id = f.target_id "
        "AND d.url = f.url AND d.snapshot_sha256 = f.snapshot_sha256 "
        "LEFT JOIN channel_checks c ON f.purpose = 'channel' AND c.run_id = f.run_id AND c.target_id = f.target_id "
        "AND c.url = f.url WHERE f.run_id = ?", [run_id]).fetchall()
    return {tuple(r) for r in rows}
