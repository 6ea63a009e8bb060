"""Build every output of `riskaudit report` (placeholder until the report lands)."""
from __future__ import annotations

from pathlib import Path


def build_report(db_path: str, out_dir: str, run_id: int | None = None) -> Path:
    """Write report.html and the exports into `out_dir`; return the path of report.html."""
    raise NotImplementedError("report not implemented yet")
