"""The ingest stage of a shared-frontier crawl (docs/scaling.md): drain the workers' messages from
the frontier into the store through the one writer, exactly once per (target, purpose, url, type).

Messages are moved to an `ingesting` list, written in one DuckDB transaction, then dropped from
it; an ingest killed in between finds them there next time, and the keys already stored make the
second write a no-op. The run is started on the first ingest of a crawl and finished when the
frontier says the crawl is complete and every message is stored.
"""
from __future__ import annotations

import json
import socket
import tempfile
import time
from pathlib import Path

from crawler.frontier import Frontier, decode_message
from riskaudit import store
from riskaudit.core.errors import UserError
from riskaudit.registry import load_registry
from riskaudit.store.crawl import CrawlWriter, crawl_summary, fetch_keys
from riskaudit.store.runs import finish_run, frontier_run, run_row, start_run
from riskaudit.store.targets import upsert_target

BATCH = 500
INTO_KEY = "riskaudit:frontier:ingest_into"     # the one store a crawl is ingested into


def _start(con, record: dict) -> int:
    options = record["options"]
    with tempfile.TemporaryDirectory(prefix="riskaudit-ingest-") as tmp:
        path = Path(tmp) / "registry.yaml"
        path.write_text(record["registry"], encoding="utf-8")
        registry = load_registry(str(path))
    settings = dict(options.get("effective") or {}, frontier_crawl=record["id"])
    run_id = start_run(con, "crawl", registry_path=record["registry_path"], registry_sha256=record["registry_sha256"],
                       settings=json.dumps(settings, sort_keys=True))
    for t in registry.select(options.get("targets") or None):
        upsert_target(con, t.id, t.name, t.kind, t.jurisdictions, t.homepage)
    return run_id


def ingest(frontier_url: str, db_path: str, *, wait: bool = False, poll_seconds: float = 2.0,
           batch: int = BATCH) -> dict:
    """Store what the workers produced; with `wait`, keep going until the crawl is complete.
    Returns {'run_id', 'stored', 'duplicates', 'finished', 'pending', 'counts'}."""
    frontier = Frontier(frontier_url)
    record = frontier.crawl()
    if record is None:
        raise UserError(f"the frontier {frontier.url} holds no crawl: seed one with "
                        f"`riskaudit crawl --registry FILE --frontier {frontier.url} --seed`")
    where = {"db": str(Path(db_path).resolve()), "host": socket.gethostname()}
    claimed = frontier.server.get(INTO_KEY)
    if claimed is not None and {k: v for k, v in json.loads(claimed).items() if k != "run_id"} != where:
        other = json.loads(claimed)
        raise UserError(f"crawl {record['id']} on {frontier.url} is stored in run {other.get('run_id')} of "
                        f"{other['db']} on {other['host']}: ingest it there (one crawl, one store)")
    con = store.connect(db_path)
    try:
        run_id = frontier_run(con, record["id"])
        if run_id is None:
            if claimed is not None:
                raise UserError(f"{db_path} has no run for crawl {record['id']}, which was being stored in it: "
                                "was the database replaced? Restore it, or seed the crawl again with --reset")
            run_id = _start(con, record)
        if claimed is None:
            frontier.server.set(INTO_KEY, json.dumps(dict(where, run_id=run_id)))
        keys = fetch_keys(con, run_id)
        stored = duplicates = 0
        finished = (run_row(con, run_id) or {}).get("status") == "finished"
        pending = frontier.ingesting()          # left by an ingest that was stopped mid-batch
        while not finished:
            messages = pending or frontier.take(batch)
            pending = None
            if messages:
                writer = CrawlWriter(con, flush_rows=1 << 30)
                for data in messages:
                    msg = decode_message(data)
                    if msg.get("crawl") != record["id"] or msg["key"] in keys:
                        duplicates += 1
                        continue
                    keys.add(msg["key"])
                    for table, row in msg["rows"]:
                        if table == "snapshot":
                            writer.snapshot(row["body"], row.get("content_type"), row["fetched_at"])
                        else:
                            writer.add(table, dict(row, run_id=run_id))
                    stored += 1
                try:
                    writer.commit()
                except store.WRITE_ERRORS as exc:
                    raise UserError(f"{store.write_failure(db_path, exc)}; the messages stay on the frontier: "
                                    "free space and run `riskaudit ingest` again") from None
                frontier.ingested()
                continue
            if frontier.is_done() and frontier.pending()["items"] == 0:
                finish_run(con, run_id, "finished")
                frontier.ingested(run_id)
                finished = True
                break
            if not wait:
                break
            time.sleep(poll_seconds)
        return {"run_id": run_id, "stored": stored, "duplicates": duplicates, "finished": finished,
                "pending": frontier.pending(), "counts": crawl_summary(con, run_id)}
    finally:
        con.close()
