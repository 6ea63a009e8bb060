"""Text extraction for the crawl pipeline, off the Twisted reactor thread.

Extraction (HTML parsing, language detection) costs ~10-20 ms per policy page, far more than a
download. Running it in the reactor thread would stall the crawl, so the pipeline hands bodies
to a small pool of worker processes and awaits the result, while Scrapy keeps downloading.
Workers are forked from a fork server (multiprocessing's "forkserver", never from the crawl
process itself: it runs threads) that has loaded the extractor and its language model once
(crawler/_extract_warm.py), so a worker starts warm and shares that memory with the others;
where there is no fork server (Windows, macOS defaults aside) they are spawned. RISKAUDIT_EXTRACT_WORKERS: 0 = in-process,
'auto' = one per core (max 4).

Failure policy. A worker that dies (killed, out of memory, a crash in a C extension) breaks the
whole pool: every page in flight fails with BrokenProcessPool. The pool is replaced and each of
those pages is retried in a process of its own (twice at most), so only a page that kills its own
worker every time is lost; it raises ExtractionFailed and the pipeline records it ('extract_failed: ...').
Pages are sent in batches: while every worker is busy, pages waiting for one are grouped and go
to the next free worker in one call (at most BATCH_MAX), which saves a process round trip per
page. A batch whose worker dies fails as a whole and each of its pages is retried alone, as above.
Workers never outlive the crawl: `kill_all_workers()` (called by crawler.run on SIGTERM/SIGINT)
kills them at once, and each worker exits by itself when its parent process is gone.
"""
from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import signal
import threading
import time
import weakref
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from riskaudit.extract import Extracted, extract

logger = logging.getLogger(__name__)
_LIVE: "weakref.WeakSet[Extractor]" = weakref.WeakSet()


SOLO_TRIES = 2          # attempts of a page in a process of its own after its pool broke
BATCH_MAX = 16          # pages per call to a worker at most (all of them are retried if it dies)


class ExtractionFailed(Exception):
    """A page could not be extracted (its worker process died twice, or the crawl is stopping)."""


def _extract_plain(body: bytes, content_type: str | None, url: str | None) -> tuple:
    ex = extract(body, content_type=content_type, url=url, links=False)     # the crawl stores no link list
    return ex.title, ex.text, ex.language, list(ex.warnings)


def _run_batch(func, batch: list[tuple]) -> list[tuple[bool, object]]:
    """In a worker: ``func(*args)`` for each page of a batch, as (True, result) or (False, exception)."""
    out: list[tuple[bool, object]] = []
    for args in batch:
        try:
            out.append((True, func(*args)))
        except Exception as exc:  # noqa: BLE001 - handed to that page's caller, like an unbatched call
            out.append((False, exc))
    return out


# A page that loads what extraction needs (lxml, the language model): ~0.7 s, once per worker.
_WARM_UP_PAGE = ("<html><head><title>Terms</title></head><body><main><h1>Terms of service</h1>"
                 + "<p>You may not post intimate images of another person without their consent.</p>" * 4
                 + "</main></body></html>").encode()


def warm_up() -> None:
    """Load what extraction needs (imports, the language model) by extracting a small page."""
    try:
        extract(_WARM_UP_PAGE, content_type="text/html", links=False)
    except Exception:  # noqa: BLE001 - never break a pool here: the page that needs it will say
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _worker_init(crawl_pid: int) -> None:
    """In each worker: leave Ctrl-C to the crawl process, exit when the crawl process (or the fork
    server between them) is gone, and load the extractor before the first page arrives."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()

    def watch() -> None:
        while True:
            if os.getppid() != parent or not _alive(crawl_pid):
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
    warm_up()           # at once when forked from the warm fork server


def _context():
    """The fork server, warmed by crawler/_extract_warm.py, where the platform has one; else spawn."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crawler._extract_warm"])
        return ctx
    return multiprocessing.get_context("spawn")


def stop_fork_server() -> None:
    """Stop the extraction fork server once every pool is shut down, so that the crawl process
    reaps it (and, through it, its workers: their CPU time then counts in RUSAGE_CHILDREN)."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)   # CPython's own hook
    if stop is not None:
        try:
            stop()
        except OSError:
            pass


def worker_count(value) -> int:
    if value in (None, "", "auto"):
        return max(1, min(4, os.cpu_count() or 1))
    return max(0, int(value))


def kill_all_workers() -> None:
    """Kill the extraction processes of every Extractor in this process (crawl interrupted)."""
    for extractor in list(_LIVE):
        extractor.kill()


class Extractor:
    """`await extractor(body, content_type, url) -> Extracted` (links omitted: not needed here)."""

    def __init__(self, workers: int, func=_extract_plain):
        self.workers = workers
        self.func = func
        self._pool: ProcessPoolExecutor | None = None
        self._isolated: set[ProcessPoolExecutor] = set()
        self.killed = False
        self.replaced_pools = 0
        # Batching: pages waiting for a worker of a pool, and that pool's batches in flight.
        self._waiting: dict[ProcessPoolExecutor, list[tuple[tuple, asyncio.Future]]] = {}
        self._in_flight: dict[ProcessPoolExecutor, int] = {}
        _LIVE.add(self)

    def _new_pool(self, n: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(n, mp_context=_context(),
                                   initializer=_worker_init, initargs=(os.getpid(),))

    def start(self) -> None:
        """Spawn the workers now (the spider opens), so that they load the extractor while the
        crawl fetches robots.txt and its first pages, instead of making those pages wait."""
        if self.workers == 0 or self.killed or self._pool is not None:
            return
        self._pool = self._new_pool(self.workers)
        for _ in range(self.workers):     # the pool spawns a process per task while none is idle
            self._pool.submit(os.getpid)

    async def __call__(self, body: bytes, content_type: str | None, url: str | None) -> Extracted:
        if self.workers == 0:
            title, text, language, warnings = self.func(body, content_type, url)
        else:
            title, text, language, warnings = await self._in_worker(body, content_type, url)
        return Extracted(title=title, text=text, language=language, warnings=warnings)

    async def _in_worker(self, body, content_type, url) -> tuple:
        if self.killed:
            raise ExtractionFailed("crawl interrupted")
        if self._pool is None:
            self._pool = self._new_pool(self.workers)
        pool = self._pool
        try:
            return await self._batched(pool, (body, content_type, url))
        except BrokenProcessPool:
            if self.killed:
                raise ExtractionFailed("crawl interrupted") from None
            if self._pool is pool:          # the first page to notice replaces the pool
                logger.warning("an extraction worker died; replacing the pool and retrying its pages")
                self._pool = None
                self.replaced_pools += 1
                pool.shutdown(wait=False, cancel_futures=True)
        # Retry alone, so that a page that kills its worker takes no other page with it. The page may
        # only have been in flight when another page killed the pool, so it gets SOLO_TRIES of its own.
        for attempt in range(SOLO_TRIES):
            if self.killed:
                break
            solo = self._new_pool(1)
            self._isolated.add(solo)
            try:
                return await asyncio.wrap_future(solo.submit(self.func, body, content_type, url))
            except BrokenProcessPool:
                continue
            finally:
                self._isolated.discard(solo)
                solo.shutdown(wait=False)
        reason = "crawl interrupted" if self.killed else "the extraction worker died on every attempt at this page"
        raise ExtractionFailed(reason)

    def _batched(self, pool: ProcessPoolExecutor, args: tuple) -> asyncio.Future:
        """Queue one page for ``pool``; it is sent now if a worker is free, else with the next batch."""
        fut = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(pool, []).append((args, fut))
        if self._in_flight.get(pool, 0) < self.workers:
            self._send(pool)
        return fut

    def _send(self, pool: ProcessPoolExecutor) -> None:
        waiting = self._waiting.get(pool)
        if not waiting:
            return
        batch, waiting[:] = waiting[:BATCH_MAX], waiting[BATCH_MAX:]
        if not waiting:
            del self._waiting[pool]
        try:
            done = asyncio.wrap_future(pool.submit(_run_batch, self.func, [a for a, _ in batch]))
        except Exception as exc:  # noqa: BLE001 - a broken or shut-down pool: each page's caller sees it
            for _, fut in batch:
                if not fut.done():
                    fut.set_exception(exc)
            return
        self._in_flight[pool] = self._in_flight.get(pool, 0) + 1

        def finished(done: asyncio.Future) -> None:
            self._in_flight[pool] -= 1
            if done.cancelled():
                for _, fut in batch:
                    fut.cancel()
            elif done.exception() is not None:
                for _, fut in batch:
                    if not fut.done():
                        fut.set_exception(done.exception())
            else:
                for (_, fut), (ok, value) in zip(batch, done.result()):
                    if not fut.done():
                        if ok:
                            fut.set_result(value)
                        else:
                            fut.set_exception(value)
            if self._pool is pool and not self.killed:
                self._send(pool)     # the pages that waited meanwhile
            else:                    # the pool was replaced or the crawl stops: its pages fail over
                for _, fut in self._waiting.pop(pool, []):
                    if not fut.done():
                        fut.set_exception(BrokenProcessPool("extraction pool replaced"))
            if not self._in_flight[pool]:
                del self._in_flight[pool]

        done.add_done_callback(finished)

    def kill(self) -> None:
        """Kill every worker process now (pending extractions fail with ExtractionFailed)."""
        self.killed = True
        for pool in [self._pool, *self._isolated]:
            if pool is None:
                continue
            for proc in list((getattr(pool, "_processes", None) or {}).values()):
                try:
                    proc.kill()
                except Exception:  # noqa: BLE001 - already gone
                    pass

    def close(self) -> None:
        for waiting in self._waiting.values():   # never sent: nothing will answer them now
            for _, fut in waiting:
                if not fut.done():
                    fut.set_exception(ExtractionFailed("extraction stopped"))
        self._waiting.clear()
        if self.killed:
            for pool in [self._pool, *self._isolated]:
                if pool is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
        elif self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        _LIVE.discard(self)
