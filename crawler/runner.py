"""Run the `policies` spider from Python: `run_crawl(...) -> run_id`.

Each call starts a child process (`python -m crawler.run`), because Twisted's reactor cannot
be restarted inside one process; so run_crawl can be called any number of times. The registry
is validated here first, and the child's errors come back as `UserError`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from riskaudit.core.errors import UserError
from riskaudit.registry import load_registry


def crawl_command(registry_path, db_path, *, allow_private=False, target_ids=None,
                  settings=None, result_path="") -> list[str]:
    cmd = [sys.executable, "-m", "crawler.run", "--registry", str(registry_path), "--db", str(db_path),
           "--settings", json.dumps(settings or {}), "--result", str(result_path)]
    if allow_private:
        cmd.append("--allow-private")
    for target_id in target_ids or []:
        cmd += ["--target", target_id]
    return cmd


def _run_child(registry_path, db_path, cmd_args: dict, quiet: bool):
    """Run `python -m crawler.run`; return (process, its result JSON, the last lines of its log)."""
    with tempfile.TemporaryDirectory(prefix="riskaudit-crawl-") as tmp:
        result_path = Path(tmp) / "result.json"
        cmd = crawl_command(registry_path, db_path, result_path=result_path, **cmd_args)
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings")
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        if quiet:
            log_path = Path(tmp) / "crawl.log"
            with open(log_path, "wb") as log:
                proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
            log_tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        else:
            proc = subprocess.run(cmd, env=env)
            log_tail = []
        result = json.loads(result_path.read_text()) if result_path.exists() else {}
    return proc, result, log_tail


def run_crawl(registry_path: str, db_path: str, *, allow_private: bool = False,
              target_ids: list[str] | None = None, settings: dict | None = None,
              quiet: bool = True) -> int:
    """Crawl the registry's targets into the store at `db_path`; return the new run id.

    `settings` overrides Scrapy/riskaudit settings for this run (e.g. DOWNLOAD_TIMEOUT).
    With `quiet`, Scrapy's log is kept and shown only when the crawl fails.
    """
    registry = load_registry(registry_path)
    registry.select(target_ids)          # unknown ids fail before any fetch
    try:
        json.dumps(settings or {})
    except TypeError as exc:
        raise UserError(f"crawl settings must be JSON-serialisable: {exc}") from None
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    cmd_args = dict(allow_private=allow_private, target_ids=target_ids, settings=settings)
    proc, result, log_tail = _run_child(registry_path, db_path, cmd_args, quiet)
    if "error" in result:
        raise UserError(result["error"] if proc.returncode == 2 else
                        f"crawl of {registry_path} failed: {result['error']}; " + " | ".join(log_tail[-5:]))
    if proc.returncode != 0 or "run_id" not in result:
        detail = " | ".join(line.strip() for line in log_tail[-5:]) or f"exit code {proc.returncode}"
        raise UserError(f"crawl of {registry_path} into {db_path} failed "
                        f"(run {result.get('run_id', '?')}, reason {result.get('finish_reason', '?')}): {detail}")
    return int(result["run_id"])


# -- a shared frontier (docs/scaling.md) ------------------------------------------------------------
def frontier_settings(url: str, crawl_id: str) -> dict:
    """What makes a crawl child a frontier worker: scrapy-redis's scheduler (persistent: the queue
    and fingerprints outlive each worker) with the leasing queue and per-target duplicate filter."""
    from crawler.frontier import DUPEFILTER_KEY, QUEUE_KEY
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_QUEUE_CLASS": "crawler.frontier.LeasedQueue",
        "DUPEFILTER_CLASS": "crawler.frontier.TargetDupeFilter",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_SERIALIZER": "crawler.frontier_json",     # not scrapy-redis's default, pickle
        "SCHEDULER_QUEUE_KEY": QUEUE_KEY,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER_KEY,
        "REDIS_URL": url,
        "RISKAUDIT_FRONTIER": url,
        "RISKAUDIT_FRONTIER_CRAWL": crawl_id,
        "ITEM_PIPELINES": {"crawler.pipelines.FrontierPipeline": 300},
    }


CRAWL_WIDE = ("RISKAUDIT_DISCOVERY_DEPTH", "RISKAUDIT_PAGE_BUDGET")


def seed_frontier(registry_path: str, url: str, *, allow_private: bool = False,
                  target_ids: list[str] | None = None, settings: dict | None = None,
                  reset: bool = False) -> dict:
    """Coordinator: record a new crawl on the frontier at `url` and queue the registry's requests
    (documents, report channels, homepages); return {'crawl': id, 'requests': n, 'rows': n}."""
    from scrapy.http import Request
    from scrapy.settings import Settings

    from crawler.frontier import (
        DUPEFILTER_KEY,
        QUEUE_KEY,
        Frontier,
        LeasedQueue,
        claim_fingerprints,
        encode_message,
        message_key,
        page_mark,
    )
    from crawler.pipelines import channel_row, fetch_row
    from crawler.spiders.policies import PoliciesSpider, chromium_problem, effective_settings

    registry = load_registry(registry_path)
    registry.select(target_ids)
    frontier = Frontier(url)
    s = Settings()
    s.setmodule("crawler.settings", priority="project")
    s.setdict(settings or {}, priority="cmdline")
    if allow_private:
        s.set("RISKAUDIT_ALLOW_PRIVATE", True, priority="cmdline")
    spider = PoliciesSpider(registry=registry_path, allow_private=allow_private, targets=target_ids)
    spider.frontier_seeding = True
    spider.max_depth = s.getint("RISKAUDIT_DISCOVERY_DEPTH")
    spider.budget = s.getint("RISKAUDIT_PAGE_BUDGET")
    if any(d.js for t in spider.targets for d in t.documents):
        spider.js_problem = chromium_problem(s)
    options = {"allow_private": bool(allow_private), "targets": [t.id for t in spider.targets],
               "settings": {k: s.get(k) for k in CRAWL_WIDE},
               "effective": effective_settings(s, spider.targets, spider.js_problem)}
    crawl_id = frontier.start_crawl(registry, options, reset=reset)
    encoder = LeasedQueue(frontier.server, spider, QUEUE_KEY)
    n_requests = n_rows = 0
    for out in spider._start_outputs():
        if isinstance(out, Request):
            target = out.meta["ra_target"]
            claim, mark = claim_fingerprints(out)
            n_requests += frontier.commit(None, [], f"riskaudit:frontier:budget:{target}", spider.budget,
                                          [(claim, mark, out.meta["ra_purpose"] == "discovery", encoder.encode(out))])
        else:       # a row for what is deliberately not fetched (mailto:, js without a browser)
            data = dict(out)
            if data.get("purpose") == "document":     # seen, as in the single-process crawl
                frontier.server.sadd(DUPEFILTER_KEY, page_mark(data["target_id"], data["url"]))
            rows = [("fetches", fetch_row(data, None, None, False))]
            if data.get("purpose") == "channel":
                rows.append(("channel_checks", channel_row(data, None)))
            variant = data.get("channel_kind") or ""
            frontier.commit(encode_message(crawl_id, message_key(data["target_id"], data["purpose"], data["url"],
                                                                 variant), rows), [])
            n_rows += 1
    frontier.server.set("riskaudit:frontier:seeded", crawl_id)
    return {"crawl": crawl_id, "requests": n_requests, "rows": n_rows, "targets": len(spider.targets)}


def run_worker(url: str, *, allow_private: bool = False, settings: dict | None = None,
               quiet: bool = True) -> dict:
    """Worker: crawl from the frontier at `url` until its crawl is complete; return the child's result."""
    from crawler.frontier import Frontier
    frontier = Frontier(url)
    record = frontier.crawl()
    if record is None:
        raise UserError(f"the frontier {frontier.url} holds no crawl: seed it first with "
                        f"`riskaudit crawl --registry FILE --frontier {frontier.url} --seed`")
    options = record["options"]
    if options.get("allow_private") and not allow_private:
        raise UserError(f"crawl {record['id']} on {frontier.url} was seeded with --allow-private; a worker joins it only "
                        "with --allow-private too")
    merged = {**options.get("settings", {}), **(settings or {}), **frontier_settings(url, record["id"])}
    try:
        json.dumps(merged)
    except TypeError as exc:
        raise UserError(f"crawl settings must be JSON-serialisable: {exc}") from None
    with tempfile.TemporaryDirectory(prefix="riskaudit-worker-") as tmp:
        registry_path = Path(tmp) / "registry.yaml"
        registry_path.write_text(record["registry"], encoding="utf-8")
        registry = load_registry(str(registry_path))   # the coordinator validated it; refuse a damaged copy
        if options.get("effective", {}).get("js_available") and any(
                d.js for t in registry.select(options.get("targets") or None) for d in t.documents):
            from scrapy.settings import Settings

            from crawler.spiders.policies import JS_HINT, chromium_problem
            s = Settings()
            s.setmodule("crawler.settings", priority="project")
            s.setdict(settings or {}, priority="cmdline")
            problem = chromium_problem(s)
            if problem:
                raise UserError(f"crawl {record['id']} renders `js: true` documents and this worker cannot: "
                                + JS_HINT.format(why=problem))
        cmd_args = dict(allow_private=bool(options.get("allow_private")), target_ids=options.get("targets"),
                        settings=merged)
        proc, result, log_tail = _run_child(str(registry_path), "", cmd_args, quiet)
    if "error" in result or proc.returncode != 0:
        detail = result.get("error") or " | ".join(line.strip() for line in log_tail[-5:]) or f"exit code {proc.returncode}"
        raise UserError(f"frontier worker on {frontier.url} failed (reason {result.get('finish_reason', '?')}): {detail}")
    return result
