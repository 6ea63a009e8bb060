"""Case logs: import, validate and store the reports that advocates and victims filed.

A case log is a CSV (one report per row) saying when a report was submitted to a service,
through which channel, and when (if ever) it was acknowledged, the content removed, or the
case closed. `import_cases_csv` validates the whole file in DuckDB (no per-row Python), lists
every bad row by CSV line number, and inserts nothing unless every row is good. Content URLs
are stored as salted SHA-256 hashes unless the user keeps them (`keep_urls=True`); the salt
is generated once per database, kept in `case_settings`, and never exported.

The survival analysis of these rows lives in `audits.survival`.
"""
from __future__ import annotations

import contextlib
import csv
import hashlib
import sys
from pathlib import Path

import duckdb

from riskaudit.core.errors import UserError
from riskaudit.store import cases as case_store
from riskaudit.store import connect

COLUMNS = ("case_id", "target", "channel", "submitted_at", "acknowledged_at", "removed_at",
           "closed_at", "outcome", "jurisdiction", "content_url")
REQUIRED_VALUES = ("case_id", "target", "channel", "submitted_at", "outcome")


def import_cases_csv(db_path_or_con, csv_path, *, keep_urls: bool = False, replace: bool = False) -> int:
    """Validate and import a case-log CSV; return the number of cases imported.

    Raises UserError listing the bad rows (CSV line numbers, header = line 1) and imports
    nothing when any row is bad. Case ids already in the database are errors unless
    `replace`, which replaces those cases (same case_id) with the rows of this file.
    """
    if isinstance(db_path_or_con, duckdb.DuckDBPyConnection):
        return _import(db_path_or_con, Path(csv_path), keep_urls, replace)
    con = connect(db_path_or_con)
    try:
        return _import(con, Path(csv_path), keep_urls, replace)
    finally:
        con.close()


# DuckDB reads lines of up to 2 MB (`max_line_size`); the line-number pass must read what it read.
MAX_FIELD_CHARS = 2 * 1024 * 1024 + 1


@contextlib.contextmanager
def _field_limit(limit: int):
    """The csv module refuses fields over 131072 characters by default: raise it for one read."""
    old = csv.field_size_limit(min(limit, sys.maxsize))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _read_header(path: Path) -> list[str]:
    if not path.is_file():
        raise UserError(f"case log {path} not found: give the path of a CSV file")
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), None)
    except UnicodeDecodeError:
        raise UserError(f"{path}: not UTF-8 text: save the case log as UTF-8 CSV") from None
    except csv.Error as exc:
        raise UserError(f"{path}: line 1 (header): cannot read as CSV ({exc}): the first line must be the header "
                        f"{','.join(COLUMNS)}") from None
    if not header:
        raise UserError(f"{path}: empty file: the first line must be the header {','.join(COLUMNS)}")
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    extra = [h for h in names if h not in COLUMNS]
    dupes = sorted({h for h in names if names.count(h) > 1})
    problems = []
    if missing:
        problems.append("missing column(s) " + ", ".join(missing))
    if extra:
        problems.append("unexpected column(s) " + ", ".join(repr(e) for e in extra))
    if dupes:
        problems.append("repeated column(s) " + ", ".join(dupes))
    if problems:
        raise UserError(f"{path}: line 1 (header): {'; '.join(problems)}: the header must be exactly "
                        f"{','.join(COLUMNS)} (any order)")
    return names


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _record_lines(path: Path, wanted: set[int]) -> dict[int, int]:
    """CSV line number (header = 1) at which each wanted 0-based record starts.

    Only runs on the error path, and only reads up to the last wanted record. Blank lines are
    skipped as DuckDB skips them; quoted fields may span lines.
    """
    out: dict[int, int] = {}
    if not wanted:
        return out
    last = max(wanted)
    with path.open(encoding="utf-8-sig", newline="") as fh, _field_limit(MAX_FIELD_CHARS):
        reader = csv.reader(fh)
        try:
            next(reader, None)
            rn = 0
            for record in reader:
                if not record:
                    continue
                inner_newlines = sum(f.count("\n") for f in record)
                if rn in wanted:
                    out[rn] = reader.line_num - inner_newlines
                if rn >= last:
                    break
                rn += 1
        except csv.Error as exc:
            raise UserError(f"{path}: line {reader.line_num}: cannot read as CSV ({exc}): "
                            "shorten the field or fix its quoting") from None
    return out


def _import(con, path: Path, keep_urls: bool, replace: bool) -> int:
    names = _read_header(path)
    case_store.prepare(con)
    try:
        case_store.stage_csv(con, path, names)
        n_rows = case_store.staged_count(con)
        if n_rows == 0:
            raise UserError(f"{path}: no cases after the header line: add one row per report")
        case_store.parse_staged(con, replace)
        total, bad = case_store.error_rows(con)
        if total:
            wanted = {rn for rn, _f, _e in bad} | {f for _rn, f, _e in bad if f is not None}
            lines = _record_lines(path, wanted)
            listed = []
            for rn, first, errs in bad:
                msgs = "; ".join(e.replace("@FIRST@", str(lines.get(first, "?"))) for e in errs)
                listed.append(f"line {lines.get(rn, '?')}: {msgs}")
            if total > len(bad):
                listed.append(f"... and {total - len(bad)} more")
            body = "\n  ".join(listed)
            raise UserError(f"{path}: {total} invalid row(s) of {n_rows}, nothing imported "
                            f"(fix the rows listed):\n  {body}")
        case_store.insert_parsed(con, path, _file_sha256(path), n_rows, keep_urls, replace)
        return int(n_rows)
    finally:
        case_store.drop_staging(con)
