"""The crawl's extraction pool batches pages while its workers are busy, and a batch whose
worker dies loses only the page that kills it (the others are retried one by one)."""
from __future__ import annotations

import asyncio
from concurrent.futures import ProcessPoolExecutor

from crawler.extraction import ExtractionFailed, Extractor
from tests.support.hostile import extract_or_die
from tests.support.testsite import policy_page


class CountingExtractor(Extractor):
    """Counts the calls made to the shared pool (not the solo retries)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.submits = 0

    def _new_pool(self, n: int) -> ProcessPoolExecutor:
        pool = super()._new_pool(n)
        if n == self.workers and self._pool is None:
            real = pool.submit

            def submit(*args, **kwargs):
                self.submits += 1
                return real(*args, **kwargs)

            pool.submit = submit
        return pool


def _pages(n: int) -> list[bytes]:
    return [policy_page(f"Policy {i}", seed=i, size_kb=2).replace(
        "</main>", f"<p>RA-PAGE-{i}</p></main>").encode() for i in range(n)]


async def _extract_all(ex: Extractor, bodies: list[bytes]):
    return await asyncio.gather(*(ex(b, "text/html; charset=utf-8", f"http://127.0.0.1/p{i}")
                                  for i, b in enumerate(bodies)), return_exceptions=True)


def test_pages_waiting_for_a_busy_worker_go_in_one_call(monkeypatch, tmp_path):
    monkeypatch.setenv("RA_TEST_FLAGS", str(tmp_path))
    ex = CountingExtractor(1, func=extract_or_die)
    try:
        out = asyncio.run(_extract_all(ex, _pages(10)))
    finally:
        ex.close()
    assert [f"RA-PAGE-{i}" in r.text for i, r in enumerate(out)] == [True] * 10
    # the first page goes at once; the nine that arrive while it runs share the next call
    assert ex.submits == 2


def test_a_worker_dying_inside_a_batch_loses_only_its_own_page(monkeypatch, tmp_path):
    monkeypatch.setenv("RA_TEST_FLAGS", str(tmp_path))
    bodies = _pages(5)
    bodies[3] = bodies[3].replace(b"RA-PAGE-3", b"RA-KILL-ALWAYS")
    ex = CountingExtractor(1, func=extract_or_die)
    try:
        out = asyncio.run(_extract_all(ex, bodies))
    finally:
        ex.close()
    assert isinstance(out[3], ExtractionFailed)
    for i in (0, 1, 2, 4):
        assert f"RA-PAGE-{i}" in out[i].text
    assert ex.replaced_pools == 1


def test_in_process_extraction_is_unchanged():
    ex = Extractor(0)
    out = asyncio.run(_extract_all(ex, _pages(2)))
    ex.close()
    assert all("RA-PAGE-" in r.text for r in out)


def test_start_spawns_every_worker_before_the_first_page():
    ex = Extractor(2)
    try:
        ex.start()
        assert len(ex._pool._processes) == 2      # spawned (and loading the extractor) already
        pool = ex._pool
        out = asyncio.run(_extract_all(ex, _pages(3)))
        assert ex._pool is pool                   # the pages went to the pool started early
    finally:
        ex.close()
    assert [f"RA-PAGE-{i}" in r.text for i, r in enumerate(out)] == [True] * 3
