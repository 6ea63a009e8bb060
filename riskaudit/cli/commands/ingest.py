"""`riskaudit ingest`: store a shared-frontier crawl's results (docs/scaling.md)."""
from __future__ import annotations

from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db
from riskaudit.core.text import terminal_safe
from riskaudit.stages.ingest import ingest


def run(args) -> int:
    r = ingest(args.frontier, args.db, wait=args.wait, poll_seconds=args.poll)
    n = r["counts"]
    left = r["pending"]
    state = ("finished" if r["finished"] else
             f"still running: {left['queued']} requests queued, {left['leased']} being fetched, "
             f"{left['items']} results not yet stored; run ingest again (or with --wait)")
    print(f"run {r['run_id']}: {r['stored']} results stored, {r['duplicates']} duplicates skipped; "
          f"{n['fetches']} fetches, {n['documents']} documents, {n['channels_ok']}/{n['channels']} report channels OK "
          f"-> {terminal_safe(args.db)}; {state}")
    return 0


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "ingest",
        "Store the results of a shared-frontier crawl (`riskaudit crawl --frontier URL --worker`) in the DuckDB "
        "store: the one writer, each page exactly once; the run finishes when the crawl is complete.",
        ["riskaudit ingest --frontier redis://10.0.0.5:6379/0 --db audit.duckdb",
         "riskaudit ingest --frontier redis://127.0.0.1:6379/0 --db audit.duckdb --wait"],
        run,
    )
    parser.add_argument("--frontier", required=True, metavar="URL", help="the frontier's Redis URL")
    add_db(parser)
    parser.add_argument("--wait", action="store_true", help="keep storing until the crawl is complete")
    parser.add_argument("--poll", type=float, default=2.0, metavar="SECONDS",
                        help="with --wait: pause between checks when nothing is waiting (default 2)")
