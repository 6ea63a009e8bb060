"""Item pipeline: write the crawl's evidence to DuckDB through one connection, in batches.

Opens the store and the `runs` row when the spider opens, upserts the targets, buffers
fetches/snapshots/documents/channel_checks rows and inserts them with Arrow batches every
RISKAUDIT_FLUSH_ROWS items and at close. A crash leaves the run 'running' (or 'failed') with
the rows flushed so far; earlier runs are never touched.
"""
from __future__ import annotations

import json
import logging

from scrapy import signals
from scrapy.utils.misc import load_object

from crawler.extraction import Extractor, worker_count
from crawler.guards import SNIFF_BYTES, media_magic
from crawler.middlewares import ROBOTS_FETCHED
from riskaudit import store
from riskaudit.core.hashing import sha256_hex
from riskaudit.store.bulk import SCHEMAS
from riskaudit.store.crawl import CrawlWriter
from riskaudit.store.runs import finish_run, start_run
from riskaudit.store.targets import upsert_target

logger = logging.getLogger(__name__)

FETCH_COLUMNS = SCHEMAS["fetches"].names


def _is_ok(status) -> bool:
    return status is not None and 200 <= int(status) < 300


def fetch_row(data: dict, run_id, snapshot: str | None, media: bool) -> dict:
    """The fetches row of a FetchItem (its body already removed)."""
    row = {k: data.get(k) for k in FETCH_COLUMNS if k not in ("run_id", "snapshot_sha256")}
    row.update(run_id=run_id, snapshot_sha256=snapshot, robots_blocked=bool(data.get("robots_blocked")),
               media_refused=media, attempts=data.get("attempts") or 0)
    return row


def channel_row(data: dict, run_id) -> dict:
    """The channel_checks row of a report-channel FetchItem."""
    status = data.get("status")
    login = data.get("login_required")
    return {
        "run_id": run_id, "target_id": data["target_id"], "channel_kind": data.get("channel_kind"),
        "url": data["url"], "status": status, "final_url": data.get("final_url"),
        "latency_ms": data.get("latency_ms"), "login_required": login,
        "ok": (status == 200 and not login) if status is not None else False,
        "error": data.get("error"), "checked_at": data["fetched_at"],
    }


class DuckDBPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.flush_rows = crawler.settings.getint("RISKAUDIT_FLUSH_ROWS")
        self.con = None
        self.run_id: int | None = None
        self.writer: CrawlWriter | None = None
        self.write_error: str | None = None      # first failed write (full disk...): the crawl then fails
        func = crawler.settings.get("RISKAUDIT_EXTRACT_FUNC")    # tests only: a replacement extraction function
        self.extractor = Extractor(worker_count(crawler.settings.get("RISKAUDIT_EXTRACT_WORKERS")),
                                   **({"func": load_object(func)} if func else {}))
        crawler.signals.connect(self.robots_fetched, signal=ROBOTS_FETCHED)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    # -- lifecycle -----------------------------------------------------------------------
    def open_spider(self, spider=None):
        spider = spider or self.crawler.spider
        try:
            self.con = store.connect(spider.db_path)
        except Exception as exc:   # e.g. the file is locked by another process: say so, stop
            spider.fatal_error = str(exc)
            raise
        registry = spider.registry
        self.run_id = start_run(self.con, "crawl", registry_path=registry.path,
                                      registry_sha256=registry.sha256,
                                      settings=json.dumps(spider.effective_settings(), sort_keys=True))
        spider.run_id = self.run_id
        self.writer = CrawlWriter(self.con, self.flush_rows)
        self.extractor.start()
        for t in spider.targets:
            upsert_target(self.con, t.id, t.name, t.kind, t.jurisdictions, t.homepage)
        logger.info("riskaudit crawl run %s started -> %s", self.run_id, spider.db_path)

    def close_spider(self, spider=None):
        """Flush the buffers; the run's status is set at `spider_closed`, which knows the reason."""
        self.flush()

    def spider_closed(self, spider=None, reason=None):
        self.extractor.close()
        if self.con is None:
            return
        try:
            self.flush()
            status = "finished" if reason == "finished" and not self.write_error else "failed"
            try:
                finish_run(self.con, self.run_id, status)
            except store.WRITE_ERRORS as exc:
                self._write_failed(exc, stop=False)    # the run stays 'running': never scored
            logger.info("riskaudit crawl run %s %s (%s)", self.run_id, status, reason)
        finally:
            self.con.close()
            self.con = None

    # -- items ---------------------------------------------------------------------------
    def robots_fetched(self, row):
        self._add("fetches", dict(row, run_id=self.run_id, snapshot_sha256=None))

    async def process_item(self, item, spider=None):
        for table, row in await self.item_rows(item):
            if table == "snapshot":
                self._snapshot(**row)
            else:
                self._add(table, row)
        return item

    async def item_rows(self, item) -> list[tuple[str, dict]]:
        """The rows one FetchItem becomes, in order: ('snapshot', body...) when the body is kept,
        then 'fetches', 'documents' (extracted), 'channel_checks'."""
        data = dict(item)
        body = data.pop("body", None)
        rows: list[tuple[str, dict]] = []
        snapshot = None
        media = bool(data.get("media_refused"))
        if body is not None and not media and media_magic(body[:SNIFF_BYTES]):
            # last line of defence: no body starting with a media magic number is ever stored
            logger.warning("media body refused at the store: %s", data.get("final_url") or data.get("url"))
            body, media = None, True
            data.update(error="media_refused", bytes=0)
            data.pop("doc_type", None)
        if body is not None and not media and _is_ok(data.get("status")):
            snapshot = sha256_hex(body)
            rows.append(("snapshot", {"body": body, "content_type": data.get("content_type"),
                                      "fetched_at": data["fetched_at"], "sha256": snapshot}))
        row = fetch_row(data, self.run_id, snapshot, media)
        rows.append(("fetches", row))
        if snapshot and data.get("doc_type"):
            document, error = await self._document(data, body, snapshot)
            row["error"] = error or row["error"]
            if document is not None:
                rows.append(("documents", document))
        if data.get("purpose") == "channel":
            rows.append(("channel_checks", self._channel(data)))
        return rows

    def _snapshot(self, body: bytes, content_type, fetched_at, sha256: str | None = None) -> str | None:
        try:
            return self.writer.snapshot(body, content_type, fetched_at, sha256)
        except store.WRITE_ERRORS as exc:
            self._write_failed(exc)
            return None

    async def _document(self, data: dict, body: bytes, snapshot: str) -> tuple[dict | None, str | None]:
        """Extract a documents row; return (row, error label when extraction fails or fell back)."""
        url = data.get("final_url") or data["url"]
        try:
            ex = await self.extractor(body, data.get("content_type"), url)
        except Exception as exc:  # extraction must never stop the crawl; the fetch row says why
            logger.warning("extraction failed for %s: %s", url, exc)
            self.crawler.stats.inc_value("riskaudit/extract_failed")
            return None, f"extract_failed: {type(exc).__name__}: {exc}"[:200]
        text = ex.text or ""
        if ex.warnings:     # stored from a plain-text fallback: the document is kept, the row says so
            self.crawler.stats.inc_value("riskaudit/extract_fallback")
        return {
            "run_id": self.run_id, "target_id": data["target_id"], "doc_type": data["doc_type"],
            "name": data.get("doc_name") or ex.title, "url": data["url"], "final_url": url,
            "title": ex.title, "language": ex.language, "text": text,
            "text_sha256": sha256_hex(text), "snapshot_sha256": snapshot,
            "fetched_at": data["fetched_at"], "source": "crawl",
        }, (ex.warnings[0][:200] if ex.warnings else None)

    def _channel(self, data: dict) -> dict:
        return channel_row(data, self.run_id)


    # -- batching ------------------------------------------------------------------------
    def _add(self, table: str, row: dict) -> None:
        if self.write_error:
            return
        try:
            self.writer.add(table, row)
        except store.WRITE_ERRORS as exc:
            self._write_failed(exc)

    def flush(self) -> None:
        if self.con is not None and self.writer is not None and not self.write_error:
            try:
                self.writer.flush()
            except store.WRITE_ERRORS as exc:
                self._write_failed(exc)

    def _write_failed(self, exc: BaseException, stop: bool = True) -> None:
        """Remember the first write failure (crawler/run.py reports it) and stop the crawl."""
        if self.write_error is None:
            self.write_error = store.write_failure(self.crawler.spider.db_path, exc)
            self.crawler.spider.write_error = self.write_error
            logger.error("%s; stopping the crawl", self.write_error)
        if stop and self.crawler.engine is not None:
            from scrapy.utils.defer import deferred_from_coro
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="write_failed"))


class FrontierPipeline(DuckDBPipeline):
    """A frontier worker's pipeline (docs/scaling.md): the same rows as DuckDBPipeline, extracted
    here, but committed to the frontier's item list with the request's lease release and its
    discovered requests in one atomic step; `riskaudit ingest` stores them. Never opens DuckDB."""

    def open_spider(self, spider=None):
        from crawler.frontier import QUEUE_KEY, LeasedQueue
        spider = spider or self.crawler.spider
        self.worker = spider.frontier_worker
        self.frontier = self.worker.frontier
        self.crawl_id = self.crawler.settings.get("RISKAUDIT_FRONTIER_CRAWL")
        self.budget = self.crawler.settings.getint("RISKAUDIT_PAGE_BUDGET")
        # the encoder of the scheduler's queue (SCHEDULER_SERIALIZER: crawler.frontier_json)
        self.encoder = LeasedQueue(self.frontier.server, spider, QUEUE_KEY)
        self.extractor.start()
        logger.info("riskaudit frontier worker %s joined crawl %s at %s", self.worker.id, self.crawl_id,
                    self.frontier.url)

    def spider_closed(self, spider=None, reason=None):
        self.extractor.close()

    def robots_fetched(self, row):
        from crawler.frontier import encode_message, message_key
        fetch = dict(row, run_id=None, snapshot_sha256=None)
        self._commit(encode_message(self.crawl_id, message_key(None, "robots", fetch["url"]), [("fetches", fetch)]), [])

    async def process_item(self, item, spider=None):
        from crawler.frontier import claim_fingerprints, encode_message, message_key
        rows = await self.item_rows(item)
        msg_key = message_key(item.get("target_id"), item.get("purpose"), item.get("url"), item.get("variant"))
        children = []
        for request in item.get("children") or []:
            claim, mark = claim_fingerprints(request)
            children.append((claim, mark, True, self.encoder.encode(request)))
        budget_key = f"riskaudit:frontier:budget:{item.get('target_id')}"
        self._commit(encode_message(self.crawl_id, msg_key, rows), item.get("leases") or [],
                     budget_key, self.budget, children)
        return item

    def _commit(self, message, leases, budget_key="", budget_limit=0, children=()):
        if self.write_error:
            return
        try:
            self.frontier.commit(message, leases, budget_key, budget_limit, children)
        except Exception as exc:   # the frontier is unreachable: stop; the leases stay for another worker
            self.write_error = f"cannot commit to the frontier {self.frontier.url}: {exc}"
            self.crawler.spider.write_error = self.write_error
            logger.error("%s; stopping this worker", self.write_error)
            if self.crawler.engine is not None:
                from scrapy.utils.defer import deferred_from_coro
                deferred_from_coro(self.crawler.engine.close_spider_async(reason="frontier_failed"))

    def flush(self) -> None:
        pass
