"""Score a stored run: read its documents from DuckDB, audit each target, write the results.

(Placeholder until the audit engine lands.)
"""
from __future__ import annotations


def score_run(db_path: str, run_id: int | None = None) -> int:
    """Score run `run_id` (latest finished crawl when None); store results; return the run id."""
    raise NotImplementedError("scoring of stored runs not implemented yet")
