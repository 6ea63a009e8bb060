"""The crawl stage: run the Scrapy crawl of a registry into the store and read back its counts."""
from __future__ import annotations

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
