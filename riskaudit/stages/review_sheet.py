"""The spreadsheet round trip of reviews: `riskaudit review export` writes one row per finding (CSV
through the one CSV writer, or .xlsx through openpyxl); reviewers fill in `decision`, `reason` and
`quotes`; `riskaudit review import` validates every row and appends all of them, or none.

Columns written for reading: target_id, service, element, code, category, machine_decision,
machine_reason, machine_quotes, state, review. Columns read back: target_id, element, decision
(confirm | met | not_met | not_applicable; empty = not reviewed), reason (required to override),
quotes (one verbatim passage per line; a "met" needs one). Every text cell is written through
`riskaudit.core.tabular.csv_safe` (formula injection) in both formats and read back through
`csv_unsafe`.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from riskaudit.core import tabular
from riskaudit.core.errors import UserError
from riskaudit.stages.review import Context, decision_of, record

COLUMNS = ["target_id", "service", "element", "code", "category", "machine_decision", "machine_reason",
           "machine_quotes", "state", "review", "decision", "reason", "quotes"]
REQUIRED = ("target_id", "element", "decision")
FORMATS = (".csv", ".xlsx")


def sheet_rows(ctx: Context, *, only_queue: bool = False) -> list[dict[str, Any]]:
    rows = []
    for key in ctx.keys:
        f = ctx.findings[key]
        if not f["applicable"]:
            continue
        rows.append({"target_id": f["target_id"], "service": f["service"], "element": f["element"], "code": f["code"],
                     "category": f["category"], "machine_decision": decision_of(f["met"]),
                     "machine_reason": f["reason"] or "",
                     "machine_quotes": "\n".join(e["quote"] for e in f["evidence"]),
                     "state": f["state"], "review": f["label"], "decision": "", "reason": "", "quotes": ""})
    return rows


def _format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise UserError(f"{path}: unknown sheet format {suffix or '(none)'!r}: use a .csv or .xlsx file name")
    return suffix


def write_sheet(ctx: Context, path: str | Path) -> int:
    path = Path(path)
    rows = sheet_rows(ctx)
    try:
        if _format(path) == ".csv":
            tabular.write_csv(path, COLUMNS, rows)
        else:
            _write_xlsx(path, rows)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}") from None
    return len(rows)


def _write_xlsx(path: Path, rows: list[dict[str, Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    ws.append(COLUMNS)
    for r in rows:
        # a text cell is never a formula: neutralised as in CSV, control characters openpyxl refuses removed
        ws.append([ILLEGAL_CHARACTERS_RE.sub("", tabular.csv_safe(str(r[c]))) if r[c] not in (None, "") else None
                   for c in COLUMNS])
    ws.freeze_panes = "A2"
    wb.save(path)


def read_sheet(path: str | Path) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of every non-empty data row; a missing file or column is a UserError."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    if _format(path) == ".csv":
        rows = _read_csv(path)
    else:
        rows = _read_xlsx(path)
    if not rows:
        raise UserError(f"{path}: the sheet is empty: write one with `riskaudit review export`")
    header = [str(h or "").strip().lower() for h in rows[0][1]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UserError(f"{path}: line {rows[0][0]}: missing column(s) {', '.join(missing)}: "
                        "start from a sheet written by `riskaudit review export`")
    out = []
    for line, values in rows[1:]:
        row = {h: tabular.csv_unsafe(str(v)) if v is not None else "" for h, v in zip(header, values) if h}
        if any(str(v).strip() for v in row.values()):
            out.append((line, row))
    return out


def _read_csv(path: Path) -> list[tuple[int, list]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}): save the sheet as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    out, start = [], 1
    try:
        for values in reader:
            out.append((start, values))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UserError(f"{path}: line {reader.line_num}: cannot read as CSV ({exc})") from None
    return out


def _read_xlsx(path: Path) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:        # openpyxl raises many kinds for a file that is not a workbook
        raise UserError(f"{path}: cannot read as .xlsx ({type(exc).__name__}: {exc})") from None
    try:
        ws = wb.worksheets[0]
        return [(i, list(values)) for i, values in enumerate(ws.iter_rows(values_only=True), start=1)]
    finally:
        wb.close()


def import_sheet(con, ctx: Context, path: str | Path, reviewer: str) -> dict[str, int]:
    """Validate every filled-in row of the sheet and append all reviews in one transaction; any bad
    row: nothing is written and the UserError lists one line per bad row (file:line: what)."""
    path = Path(path)
    rows = read_sheet(path)
    prepared, errors, blank = [], [], 0
    for line, row in rows:
        decision = (row.get("decision") or "").strip()
        if not decision:
            blank += 1
            continue
        target, element = (row.get("target_id") or "").strip(), (row.get("element") or "").strip()
        quotes = [q for q in (row.get("quotes") or "").splitlines() if q.strip()]
        try:
            prepared.append(ctx.prepare(target, element, reviewer=reviewer, decision=decision,
                                        reason=row.get("reason") or "", quotes=quotes, via=f"sheet {path.name}"))
        except UserError as exc:
            errors.append(f"{path}:{line}: {exc}")
    if errors:
        raise UserError(f"{path}: {len(errors)} bad row(s); nothing was imported:\n" + "\n".join(errors))
    if prepared:
        record(con, prepared)
    return {"imported": len(prepared), "blank": blank}
