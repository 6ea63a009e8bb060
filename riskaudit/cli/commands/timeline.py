"""`riskaudit timeline`: one service's rubric elements over time (merged intervals) and their flips."""
from __future__ import annotations

import os
import textwrap

from audits import rubric
from audits.changes import to_json
from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db
from riskaudit.core.text import terminal_safe
from riskaudit.stages.history import maybe_sync, timeline
from riskaudit.store import connect_for_reading


def _met(value) -> str:
    return "n/a" if value is None else ("met" if value else "not met")


def format_table(tl: dict) -> str:
    p = tl["period"]
    lines = [f"{terminal_safe(tl['service'])} ({terminal_safe(tl['target_id'])}, {terminal_safe(tl['kind'])}): "
             f"{p['versions']} versions, "
             f"{p['from']} → {p['last_version']}"]
    for d in tl["documents"]:
        lines.append(f"  document {terminal_safe(d['document'])}: {d['versions']} versions {d['first']} → {d['last']}")
    lines.append("")
    width = max(len(e) for e in rubric.ELEMENT_IDS)
    for el, ivs in tl["elements"].items():
        spans = "  |  ".join(f"{_met(iv['met'])} {iv['from']} → {iv['to'] or 'now'}" for iv in ivs) or "(never scored)"
        lines.append(f"  {el:<{width}}  {spans}")
    lines.append("")
    lines.append("changes:" if tl["changes"] else "changes: none")
    for c in tl["changes"]:
        lines.append(f"  {c['date']}  {c['element']}: {_met(c['from'])} → {_met(c['to'])}  [{terminal_safe(c['document'])}]")
        if c["quote"]:
            lines.append("      quote: \"" + textwrap.shorten(terminal_safe(c["quote"]), width=190, placeholder=" …") + "\""
                         + ("" if c.get("quote_in_change") else "  (quote text unchanged: context/formatting)"))
    return "\n".join(lines) + "\n"


def run(args) -> int:
    con = connect_for_reading(args.db)
    try:
        maybe_sync(con, workers=min(4, os.cpu_count() or 1))   # fold in new runs first (parallel scoring)
        tl = timeline(con, args.service)
    finally:
        con.close()
    print(to_json(tl) if args.format == "json" else format_table(tl), end="\n" if args.format == "json" else "")
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "timeline",
        "Show a service's rubric elements over time (met / not met intervals) and every flip with its quote.",
        ["riskaudit timeline --db history.duckdb --service Civitai",
         "riskaudit timeline --db history.duckdb --service civitai --format json"],
        run)
    add_db(p)
    p.add_argument("--service", required=True, help="service name or target id (case-insensitive)")
    p.add_argument("--format", choices=("table", "json"), default="table")
