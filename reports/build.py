"""Build every output of `riskaudit report`: report.html, the CSV/JSON/Parquet exports and summary.md.

`build_report` opens the store, loads one scored run once (`riskaudit.stages.report`), and hands the same
plain data to the HTML renderer, the exporters and the brief, so all outputs agree.
"""
from __future__ import annotations

import datetime as _dt
import os
import tempfile
from pathlib import Path

from reports.brief import render_brief
from reports.exports import write_exports
from reports.html_report import render_html
from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError
from riskaudit.stages.report import load_report_data
from riskaudit.store import connect_for_reading


def _write_atomic(path: Path, text: str) -> None:
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}; free space or pick a writable --out") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"cannot write {path}: {exc.strerror or exc}; free space or pick a writable --out") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_report(db_path: str, out_dir: str, run_id: int | None = None, *, redact_urls: bool = False,
                 generated_at: _dt.datetime | None = None, reviewed_only: bool = False) -> Path:
    """Write report.html and the exports into `out_dir`; return the path of report.html."""
    db = Path(db_path)
    if not db.is_file():
        raise UserError(f"database {db} does not exist: run `riskaudit crawl --db {db}` and `riskaudit score` first")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UserError(f"output {out} is a file: pass a directory to --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output directory {out}: {exc.strerror}; pick a writable --out") from None
    generated_at = generated_at or now_utc().replace(microsecond=0)
    con = connect_for_reading(db)
    try:
        data = load_report_data(con, run_id, db_label=str(db), redact_urls=redact_urls,
                                 reviewed_only=reviewed_only)
    finally:
        con.close()
    html_path = out / "report.html"
    _write_atomic(html_path, render_html(data, generated_at))
    write_exports(data, out, generated_at)     # a failed write is a UserError naming the file
    _write_atomic(out / "summary.md", render_brief(data, generated_at))
    return html_path
