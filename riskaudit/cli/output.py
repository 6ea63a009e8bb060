"""The one place commands write their results: to a file or standard output, as text tables,
JSON or CSV (through `riskaudit.core.tabular`). Crawled text is made terminal-safe in tables."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Sequence

from riskaudit.core import tabular
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe


def write(text: str, out: str | None) -> None:
    """Write `text` to `out` ('-' or None: standard output); say where it went on stderr."""
    if out in (None, "-"):
        sys.stdout.write(text)
        return
    try:
        Path(out).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
    print(f"wrote {out}", file=sys.stderr)


def as_json(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n"


def as_csv(rows: list[dict], columns: Sequence[str]) -> str:
    return tabular.csv_text(columns, rows)


def as_table(rows: list[dict], columns: Sequence[str]) -> str:
    def cell(v):
        if v is None:
            return "-"
        if isinstance(v, bool):
            return "yes" if v else ""
        return terminal_safe(v)
    cells = [[cell(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines) + "\n"
