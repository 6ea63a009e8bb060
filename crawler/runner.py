"""Run the `policies` spider from Python (placeholder until the crawler lands)."""
from __future__ import annotations


def run_crawl(registry_path: str, db_path: str, *, allow_private: bool = False,
              target_ids: list[str] | None = None, settings: dict | None = None) -> int:
    """Crawl the registry's targets into the store at `db_path`; return the new run id."""
    raise NotImplementedError("crawler not implemented yet")
