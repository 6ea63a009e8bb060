"""`riskaudit export`: write the scores of a scored run as JSON or CSV (same shapes as `score-files`)."""
from __future__ import annotations

from audits.store_scoring import latest_scored_run, load_results
from riskaudit import store
from riskaudit.commands import add_command
from riskaudit.commands.score_files import write_results
from riskaudit.errors import UserError


def run(args) -> int:
    con = store.connect(args.db, create=False, read_only=True)
    try:
        run_id = args.run if args.run is not None else latest_scored_run(con)
        if run_id is None:
            raise UserError(f"{args.db}: nothing scored yet; run `riskaudit score --db {args.db}` first")
        results = load_results(con, run_id)
        if not results:
            raise UserError(f"{args.db}: run {run_id} has no scores; run `riskaudit score --db {args.db} --run {run_id}` first")
    finally:
        con.close()
    write_results(results, args.format, args.out, store.now_utc().isoformat(timespec="seconds"))
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "export",
        "Export the scores, element decisions and evidence quotes of a scored run as JSON or CSV.",
        ["riskaudit export --db riskaudit.duckdb --format json --out scores.json",
         "riskaudit export --db riskaudit.duckdb --format csv --out - --run 3"],
        run)
    p.add_argument("--db", default=store.DEFAULT_DB, help=f"DuckDB store (default {store.DEFAULT_DB})")
    p.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")
    p.add_argument("--out", default=None, help="output file ('-' or omitted: standard output)")
    p.add_argument("--run", type=int, default=None, help="run id (default: the latest scored run)")
