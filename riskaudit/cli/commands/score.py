"""`riskaudit score`: score the latest finished crawl run (or `--run ID`) of a store.

Writes `scores`, `element_results` and `evidence` (replacing that run's earlier rows) and
prints one line per target: id, kind, score, grade and category scores. `--jobs N` audits the
targets in N worker processes (default: the core count); only this process writes the store.
"""
from __future__ import annotations

from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_rules, add_run
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe
from riskaudit.stages.score import default_jobs, load_results, score_run
from riskaudit.store import connect


def _cat(v) -> str:
    return "  - " if v is None else f"{v:5.1f}"


def summary_lines(results) -> list[str]:
    lines = []
    for r in results:
        if not r.assessed:
            lines.append(f"{terminal_safe(r.id):28} {r.kind:8}   not assessed: {terminal_safe(r.reason)}")
            continue
        cats = " ".join(f"{c}{_cat(r.categories.get(c))}" for c in "PRTA")
        met = sum(1 for e in r.elements.values() if e.met)
        line = f"{terminal_safe(r.id):28} {r.kind:8} {r.score:5.1f} {r.grade}  {cats}  ({met} elements met)"
        if r.failed_documents:
            n = len(r.failed_documents)
            line += f"; {n} document{'s' if n != 1 else ''} failed"
        lines.append(line)
    return lines


def _rules_dir(args):
    if not getattr(args, "rules", None):
        return None
    from audits.rules import RuleError, load_rules
    try:
        load_rules(args.rules)
    except RuleError as exc:
        raise UserError(str(exc)) from None
    return args.rules


def run(args) -> int:
    if args.jobs is not None and args.jobs < 1:
        raise UserError(f"--jobs {args.jobs}: expected a number of worker processes, 1 or more")
    jobs = args.jobs if args.jobs is not None else default_jobs()
    run_id = score_run(args.db, args.run, rules_dir=_rules_dir(args), jobs=jobs)
    con = connect(args.db, create=False, read_only=True)
    try:
        results = load_results(con, run_id)
    finally:
        con.close()
    not_assessed = [r for r in results if not r.assessed]
    print(f"run {run_id}: scored {len(results) - len(not_assessed)} targets (rubric v"
          f"{results[0].rubric_version if results else '?'})"
          + (f"; not assessed: {len(not_assessed)} (no usable policy document)" if not_assessed else ""))
    for line in summary_lines(results):
        print(line)
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "score",
        "Score the documents of a crawl run against the NCII rubric (stores scores, element results and evidence).",
        ["riskaudit score --db riskaudit.duckdb", "riskaudit score --db riskaudit.duckdb --run 3",
         "riskaudit score --db riskaudit.duckdb --jobs 1"],
        run)
    add_db(p)
    add_run(p, "the latest finished crawl run")
    add_rules(p)
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="audit targets in N worker processes (default: the number of CPU cores; "
                        "1 = in this process); the results do not depend on N")
