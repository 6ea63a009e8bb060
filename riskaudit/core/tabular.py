"""The one CSV writer of riskaudit: every CSV the tool writes goes through `write_csv`.

Crawled text is hostile: a cell a spreadsheet would read as a formula (text starting with
= + - @, a tab or a carriage return) gets a leading apostrophe, and every text field is quoted.
Quoting alone does not stop a spreadsheet that splits the file on ';' (or a reader that loses
track of the quoting) from starting a new cell inside a text field: so inside text, a formula
character that follows a ',', ';' or line break (optionally after '"') also gets an apostrophe
("ok;=cmd" is written "ok;'=cmd"). The text is otherwise kept verbatim.
Numbers stay unquoted numbers; booleans are `true`/`false`; times are ISO 8601 UTC; None is empty.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

from riskaudit.core.clock import iso

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# a formula character where a ';'- or ','-splitting reader would start a new cell inside the text
_INNER_FORMULA = re.compile(r'(?<=[,;\r\n])("*)(?=[=+\-@\t\r])')


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: prefix risky text with an apostrophe (at the start,
    and after every ',', ';' or line break inside the text that is followed by a formula character)."""
    if not isinstance(value, str):
        return value
    value = _INNER_FORMULA.sub(r"\1'", value)
    if value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


_INNER_NEUTRALISED = re.compile(r"(?<=[,;\r\n])(\"*)'(?=[=+\-@\t\r])")


def csv_unsafe(value: Any) -> Any:
    """Undo `csv_safe` on text read back from a file riskaudit wrote (e.g. a review sheet), so a
    quote can be compared with the stored text it was taken from."""
    if not isinstance(value, str):
        return value
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        value = value[1:]
    return _INNER_NEUTRALISED.sub(r"\1", value)


def csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, _dt.datetime):
        return iso(value, timespec="auto")
    if isinstance(value, (list, tuple)):
        return csv_safe(" ".join(str(v) for v in value))
    return csv_safe(str(value))


def write_rows(fh: IO[str], columns: Sequence[str], rows: Iterable[Sequence[Any] | dict]) -> None:
    writer = csv.writer(fh, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    writer.writerow(list(columns))
    for row in rows:
        values = [row.get(c) for c in columns] if isinstance(row, dict) else row
        writer.writerow([csv_cell(v) for v in values])


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[Any] | dict]) -> str:
    buf = io.StringIO()
    write_rows(buf, columns, rows)
    return buf.getvalue()


def write_csv(path: str | Path, columns: Sequence[str], rows: Iterable[Sequence[Any] | dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        write_rows(fh, columns, rows)
