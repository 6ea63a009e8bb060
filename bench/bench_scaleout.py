"""Shared-frontier benchmark (docs/scaling.md): one and then two workers on the 310-page local
site of tests/test_scaleout.py (no page delay), a real redis-server on 127.0.0.1; reports
pages/s per run (over Scrapy's elapsed time of the slowest worker, start-up and the final idle
checks included, and over the span of the fetches' timestamps), Redis memory per queued result,
ingest rate and bytes per page in the store.

    .venv/bin/python bench/bench_scaleout.py
"""
from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from benchlib import write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    import redis

    from riskaudit import store
    from riskaudit.stages.crawl import seed
    from riskaudit.stages.ingest import ingest
    from tests.support.redis_server import RedisServer, redis_server_binary
    from tests.support.testsite import CountingServer
    from tests.test_scaleout import WORKER_SETTINGS, registry_text, site_routes, start_worker

    if redis_server_binary() is None:
        print("no redis-server: apt-get install redis-server")
        return 2
    routes = site_routes()
    for route in routes.values():
        route.delay = 0.0
    settings = dict(WORKER_SETTINGS, LOG_LEVEL="WARNING", RISKAUDIT_EXTRACT_WORKERS="auto")
    out: dict = {"pages": 310, "runs": []}
    with tempfile.TemporaryDirectory() as tmp, CountingServer(routes) as srv:
        tmp = Path(tmp)
        reg = tmp / "reg.yaml"
        reg.write_text(registry_text(srv), encoding="utf-8")
        for n_workers in (1, 2):
            with RedisServer(tmp / f"redis{n_workers}") as rs:
                r = redis.Redis.from_url(rs.url)
                base_mem = r.info("memory")["used_memory"]
                seed(str(reg), rs.url, allow_private=True)
                queued_mem = r.info("memory")["used_memory"]
                t0 = time.monotonic()
                procs = [start_worker(rs.url, tmp / f"w{n_workers}-{i}.log", settings) for i in range(n_workers)]
                for p in procs:
                    p.wait()
                wall = time.monotonic() - t0
                results = [json.loads((tmp / f"w{n_workers}-{i}.log").read_text().strip().splitlines()[-1])
                           for i in range(n_workers)]
                elapsed = max(res["stats"].get("elapsed_time_seconds", 0) for res in results)
                items_mem = r.info("memory")["used_memory"]
                n_items = r.llen("riskaudit:frontier:items")
                db = tmp / f"scale{n_workers}.duckdb"
                t1 = time.monotonic()
                ingest(rs.url, str(db))
                ingest_s = time.monotonic() - t1
                con = store.connect(db, read_only=True)
                snap_bytes, raw_bytes = con.execute("SELECT sum(octet_length(body)), sum(size) FROM snapshots").fetchone()
                text_bytes = con.execute("SELECT sum(strlen(text)) FROM documents").fetchone()[0]
                n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
                span = con.execute("SELECT epoch(max(fetched_at)) - epoch(min(fetched_at)) FROM fetches "
                                   "WHERE attempts > 0").fetchone()[0]
                con.close()
                out["runs"].append({
                    "workers": n_workers, "wall_s": round(wall, 2), "elapsed_s": round(elapsed, 2),
                    "pages_per_s": round(310 / elapsed, 1) if elapsed else None,
                    "fetch_span_s": round(span, 2), "pages_per_s_fetching": round(310 / span, 1),
                    "redis_seeded_bytes_per_request": round((queued_mem - base_mem) / 300),
                    "redis_bytes_per_result": round((items_mem - queued_mem) / max(1, n_items)),
                    "ingest_s": round(ingest_s, 2), "ingest_pages_per_s": round(310 / ingest_s, 1),
                    "documents": n_docs, "raw_bytes_per_page": round(raw_bytes / n_docs),
                    "stored_snapshot_bytes_per_page": round(snap_bytes / n_docs),
                    "text_bytes_per_page": round(text_bytes / n_docs),
                    "db_file_bytes_per_page": round(db.stat().st_size / n_docs)})
                print(json.dumps(out["runs"][-1]))
    print("->", write_result("scaleout", out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
