"""`riskaudit changes`: changed policy documents, their sentence-level diff, and the element flips they caused."""
from __future__ import annotations

import os
import textwrap

from audits.changes import to_json
from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe
from riskaudit.stages.history import list_changes, maybe_sync
from riskaudit.store import connect_for_reading
from riskaudit.store.targets import target_ids

MAX_SENTENCES = 12      # per side in the table format; json lists everything


def _met(value) -> str:
    return "n/a" if value is None else ("met" if value else "not met")


def format_table(changes: list[dict]) -> str:
    if not changes:
        return "no changes recorded (a target needs at least two versions of a document)"
    lines: list[str] = []
    for c in changes:
        lines.append(f"{c['date']}  {terminal_safe(c['service'])} ({terminal_safe(c['target_id'])})  {terminal_safe(c['document'])}"
                     + (f"  [{c['versions']} versions that day]" if c["versions"] > 1 else ""))
        if not c["textual_change"]:
            lines.append("    no textual change (formatting only; not re-scored)")
        for sign, key in (("+", "added"), ("-", "removed")):
            items = c[key]
            for s in items[:MAX_SENTENCES]:
                lines.append(f"    {sign} " + textwrap.shorten(terminal_safe(s), width=150, placeholder=" …"))
            if len(items) > MAX_SENTENCES:
                lines.append(f"    {sign} … {len(items) - MAX_SENTENCES} more (use --format json)")
        for f in c["flips"]:
            lines.append(f"    ⇒ {f['element']}: {_met(f['from'])} → {_met(f['to'])} ({c['date']})")
            if f["quote"]:
                lines.append("      quote: \"" + textwrap.shorten(terminal_safe(f["quote"]), width=190, placeholder=" …") + "\""
                             + ("" if f.get("quote_in_change") else "  (quote text unchanged: context/formatting)"))
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def run(args) -> int:
    con = connect_for_reading(args.db)
    try:
        maybe_sync(con, workers=min(4, os.cpu_count() or 1))   # fold in new runs first (parallel scoring)
        known = target_ids(con)
        if args.target and args.target not in known:
            raise UserError(f"unknown target {terminal_safe(args.target)!r} in {args.db}; "
                            f"known targets: {', '.join(known) or 'none'}")
        changes = list_changes(con, target_id=args.target, since=args.since)
    finally:
        con.close()
    if args.format == "json":
        print(to_json(changes))
    else:
        print(format_table(changes), end="")
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "changes",
        "Show changed policy documents (added/removed sentences) and the rubric elements they flipped.",
        ["riskaudit changes --db riskaudit.duckdb",
         "riskaudit changes --db history.duckdb --target civitai --since 2026-01-01",
         "riskaudit changes --db history.duckdb --format json > changes.json"],
        run)
    add_db(p)
    p.add_argument("--target", help="only this target id")
    p.add_argument("--since", help="only changes on or after this date (YYYY-MM-DD)")
    p.add_argument("--format", choices=("table", "json"), default="table")
