"""`riskaudit explain`: why each element of a target was decided, with its quotes, in the terminal."""
from __future__ import annotations

import re
import shutil
import sys
import textwrap

from audits import rubric
from audits.store_scoring import latest_scored_run, load_results
from riskaudit import store
from riskaudit.commands import add_command
from riskaudit.errors import UserError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _safe(text: str) -> str:
    """Crawled text may carry terminal control sequences: show them, never emit them."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text or "")


_COLOURS = {True: "\033[32m", False: "\033[31m", None: "\033[90m"}
_RESET = "\033[0m"


def explain_lines(result, element: str | None = None, *, width: int = 100, colour: bool = False) -> list[str]:
    lines = [f"{_safe(result.service)} ({result.id}, {result.kind}) — score {result.score} grade {result.grade}, rubric v{result.rubric_version}",
             "categories: " + ", ".join(f"{c} {'-' if v is None else v}" for c, v in result.categories.items())]
    for el in rubric.ELEMENTS:
        if element and el.id != element:
            continue
        er = result.elements[el.id]
        status = {True: "MET", False: "not met", None: "n/a"}[er.met]
        head = f"[{el.category}] {el.id}: {status}"
        if colour:
            head = _COLOURS[er.met] + head + _RESET
        lines.append("")
        lines.append(head)
        if er.reason:
            # "met: … | rule: element/way | hooks: … | concepts: …" (audits.engine.decided_by)
            why, *decided = er.reason.split(" | ")
            lines.extend(textwrap.wrap(_safe(why), width, initial_indent="  why: ", subsequent_indent="       "))
            for part in decided:
                label, _, value = part.partition(": ")
                lines.extend(textwrap.wrap(_safe(value), width, initial_indent=f"  {label}: ",
                                           subsequent_indent=" " * (len(label) + 4)))
        if el.id == "stated_response_time" and er.hours:
            lines.append("  hours: " + ", ".join(f"{h:g}" for h in er.hours))
        for i, ev in enumerate(er.evidence, start=1):
            where = _safe(ev.document) + (f" <{_safe(ev.url)}>" if ev.url else "")
            lines.append(f"  {i}. {where}")
            lines.extend(textwrap.wrap("« " + " ".join(_safe(ev.quote).split()) + " »", width, initial_indent="     ", subsequent_indent="     "))
    return lines


def run(args) -> int:
    if args.element and args.element not in rubric.ELEMENT_IDS:
        raise UserError(f"unknown element {args.element!r}; use one of: {', '.join(rubric.ELEMENT_IDS)}")
    con = store.connect(args.db, create=False, read_only=True)
    try:
        run_id = args.run if args.run is not None else latest_scored_run(con)
        if run_id is None:
            raise UserError(f"{args.db}: nothing scored yet; run `riskaudit score --db {args.db}` first")
        results = {r.id: r for r in load_results(con, run_id)}
    finally:
        con.close()
    if args.target not in results:
        known = ", ".join(sorted(results)) or "none"
        raise UserError(f"{args.db}: target {args.target!r} not scored in run {run_id} (scored: {known})")
    width = max(60, min(120, shutil.get_terminal_size((100, 24)).columns - 2))
    print(f"run {run_id}")
    for line in explain_lines(results[args.target], args.element, width=width, colour=sys.stdout.isatty()):
        print(line)
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "explain",
        "Explain why each rubric element of a scored target was decided, with the quoted evidence.",
        ["riskaudit explain --db riskaudit.duckdb --target example-social",
         "riskaudit explain --db riskaudit.duckdb --target example-social --element ncii_prohibited"],
        run)
    p.add_argument("--db", default=store.DEFAULT_DB, help=f"DuckDB store (default {store.DEFAULT_DB})")
    p.add_argument("--target", required=True, help="target id (registry slug)")
    p.add_argument("--element", default=None, help="only this element id")
    p.add_argument("--run", type=int, default=None, help="run id (default: the latest scored run)")
