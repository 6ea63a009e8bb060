"""`riskaudit explain`: why each element of a target was decided, with its quotes, in the terminal."""
from __future__ import annotations

import shutil
import sys
import textwrap

from audits import rubric
from audits.pages import failure_text
from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_run
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe as _safe
from riskaudit.stages.score import load_results
from riskaudit.store import connect
from riskaudit.store.runs import latest_scored_run

_COLOURS = {True: "\033[32m", False: "\033[31m", None: "\033[90m"}
_RESET = "\033[0m"


def explain_lines(result, element: str | None = None, *, width: int = 100, colour: bool = False) -> list[str]:
    if not result.assessed:
        lines = [f"{_safe(result.service)} ({_safe(result.id)}, {result.kind}) — NOT ASSESSED (no score, no grade), "
                 f"rubric v{result.rubric_version}"]
        lines.extend(textwrap.wrap(_safe(result.reason), width, initial_indent="why: ", subsequent_indent="     "))
        return lines
    lines = [f"{_safe(result.service)} ({_safe(result.id)}, {result.kind}) — score {result.score} grade {result.grade}, rubric v{result.rubric_version}",
             "categories: " + ", ".join(f"{c} {'-' if v is None else v}" for c, v in result.categories.items())]
    if result.failed_documents:
        lines.extend(textwrap.wrap(_safe("documents that could not be used: " + failure_text(result.failed_documents)),
                                   width, subsequent_indent="  "))
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
    con = connect(args.db, create=False, read_only=True)
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
    add_db(p)
    p.add_argument("--target", required=True, help="target id (registry slug)")
    p.add_argument("--element", default=None, help="only this element id")
    add_run(p)
