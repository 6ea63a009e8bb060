"""The crawl stage: run the Scrapy crawl of a registry into the store and read back its counts."""
from __future__ import annotations

from crawler.frontier import redact  # noqa: F401  (the CLI prints frontier URLs without passwords)
from crawler.runner import run_crawl
from riskaudit.store import connect
from riskaudit.store.crawl import crawl_summary


def crawl(registry_path: str, db_path: str, *, allow_private: bool = False, target_ids: list[str] | None = None,
          settings: dict | None = None, quiet: bool = True) -> tuple[int, dict[str, int]]:
    """Crawl the registry's targets into `db_path`; return (run id, counts of the run)."""
    run_id = run_crawl(registry_path, db_path, allow_private=allow_private, target_ids=target_ids,
                       settings=settings, quiet=quiet)
    con = connect(db_path, create=False, read_only=True)
    try:
        return run_id, crawl_summary(con, run_id)
    finally:
        con.close()


def seed(registry_path: str, frontier_url: str, *, allow_private: bool = False,
         target_ids: list[str] | None = None, settings: dict | None = None, reset: bool = False) -> dict:
    """Coordinator of a shared frontier: record the crawl and queue the registry's requests."""
    from crawler.runner import seed_frontier
    return seed_frontier(registry_path, frontier_url, allow_private=allow_private, target_ids=target_ids,
                         settings=settings, reset=reset)


def work(frontier_url: str, *, allow_private: bool = False, settings: dict | None = None,
         quiet: bool = True) -> dict:
    """One worker of a shared frontier, until the crawl is complete."""
    from crawler.runner import run_worker
    return run_worker(frontier_url, allow_private=allow_private, settings=settings, quiet=quiet)
