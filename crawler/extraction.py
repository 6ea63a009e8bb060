"""Text extraction for the crawl pipeline, off the Twisted reactor thread.

Extraction (HTML parsing, language detection) costs ~10-20 ms per policy page, far more than a
download. Running it in the reactor thread would stall the crawl, so the pipeline hands bodies
to a small pool of worker processes (spawned, not forked: the crawl process runs threads) and
awaits the result, while Scrapy keeps downloading. RISKAUDIT_EXTRACT_WORKERS: 0 = in-process,
'auto' = one per core (max 4).
"""
from __future__ import annotations

import asyncio
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from riskaudit.extract import Extracted, extract


def _extract_plain(body: bytes, content_type: str | None, url: str | None) -> tuple:
    ex = extract(body, content_type=content_type, url=url)
    return ex.title, ex.text, ex.language


def worker_count(value) -> int:
    if value in (None, "", "auto"):
        return max(1, min(4, os.cpu_count() or 1))
    return max(0, int(value))


class Extractor:
    """`await extractor(body, content_type, url) -> Extracted` (links omitted: not needed here)."""

    def __init__(self, workers: int):
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    async def __call__(self, body: bytes, content_type: str | None, url: str | None) -> Extracted:
        if self.workers == 0:
            title, text, language = _extract_plain(body, content_type, url)
        else:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
            future = self._pool.submit(_extract_plain, body, content_type, url)
            title, text, language = await asyncio.wrap_future(future)
        return Extracted(title=title, text=text, language=language)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
