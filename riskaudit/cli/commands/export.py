"""`riskaudit export`: write the scores of a scored run as JSON or CSV (same shapes as `score-files`)."""
from __future__ import annotations

from reports.exports import write_results
from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_format, add_out, add_run
from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError
from riskaudit.stages import review as review_stage
from riskaudit.stages.score import load_results
from riskaudit.store import connect
from riskaudit.store.runs import latest_scored_run


def run(args) -> int:
    con = connect(args.db, create=False, read_only=True)
    try:
        run_id = args.run if args.run is not None else latest_scored_run(con)
        if run_id is None:
            raise UserError(f"{args.db}: nothing scored yet; run `riskaudit score --db {args.db}` first")
        results = load_results(con, run_id)
        if not results:
            raise UserError(f"{args.db}: run {run_id} has no scores; run `riskaudit score --db {args.db} --run {run_id}` first")
        review_stage.apply_to_results(review_stage.load(con, run_id, args.db), results)   # reviewed decisions count
    finally:
        con.close()
    write_results(results, args.format, args.out, now_utc().isoformat(timespec="seconds"))
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "export",
        "Export the scores, element decisions and evidence quotes of a scored run as JSON or CSV.",
        ["riskaudit export --db riskaudit.duckdb --format json --out scores.json",
         "riskaudit export --db riskaudit.duckdb --format csv --out - --run 3"],
        run)
    add_db(p)
    add_format(p, ("json", "csv"), "json")
    add_out(p)
    add_run(p)
