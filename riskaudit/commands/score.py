"""`riskaudit score`: score the latest finished crawl run (or `--run ID`) of a store.

Writes `scores`, `element_results` and `evidence` (replacing that run's earlier rows) and
prints one line per target: id, kind, score, grade and category scores.
"""
from __future__ import annotations

from audits.store_scoring import load_results, score_run
from riskaudit import store
from riskaudit.commands import add_command


def _cat(v) -> str:
    return "  - " if v is None else f"{v:5.1f}"


def summary_lines(results) -> list[str]:
    lines = []
    for r in results:
        cats = " ".join(f"{c}{_cat(r.categories.get(c))}" for c in "PRTA")
        met = sum(1 for e in r.elements.values() if e.met)
        lines.append(f"{r.id:28} {r.kind:8} {r.score:5.1f} {r.grade}  {cats}  ({met} elements met)")
    return lines


def _rules_dir(args):
    if not getattr(args, "rules", None):
        return None
    from audits.rules import RuleError, load_rules
    from riskaudit.errors import UserError
    try:
        load_rules(args.rules)
    except RuleError as exc:
        raise UserError(str(exc)) from None
    return args.rules


def run(args) -> int:
    run_id = score_run(args.db, args.run, rules_dir=_rules_dir(args))
    con = store.connect(args.db, create=False, read_only=True)
    try:
        results = load_results(con, run_id)
    finally:
        con.close()
    print(f"run {run_id}: scored {len(results)} targets (rubric v{results[0].rubric_version if results else '?'})")
    for line in summary_lines(results):
        print(line)
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "score",
        "Score the documents of a crawl run against the NCII rubric (stores scores, element results and evidence).",
        ["riskaudit score --db riskaudit.duckdb", "riskaudit score --db riskaudit.duckdb --run 3"],
        run)
    p.add_argument("--db", default=store.DEFAULT_DB, help=f"DuckDB store (default {store.DEFAULT_DB})")
    p.add_argument("--run", type=int, default=None, help="run id (default: the latest finished crawl run)")
    p.add_argument("--rules", default=None, metavar="DIR",
                   help="rules folder to score with (a copy of audits/rules with concepts/ and elements/; default: the built-in rules)")
