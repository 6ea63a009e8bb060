"""`riskaudit report`: write the HTML report, CSV/JSON/Parquet exports and summary.md for a scored run."""
from __future__ import annotations

from pathlib import Path

from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_run

OUTPUTS = ("report.html", "summary.md", "scores.csv", "elements.csv", "evidence.csv", "hosts.csv", "scores.json",
           "scores.parquet", "elements.parquet", "evidence.parquet", "hosts.parquet")


def run(args) -> int:
    from reports.build import build_report

    html = build_report(args.db, args.out, run_id=args.run, redact_urls=args.redact_urls,
                        reviewed_only=args.reviewed_only)
    out = Path(args.out)
    print(f"wrote {html} and {', '.join(o for o in OUTPUTS[1:] if (out / o).exists())} in {out}")
    return 0


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "report",
        "Write a self-contained HTML report (league table, heat map, scorecards with quoted evidence, "
        "crawl health, response times, where traced hosts stand, changes, methodology), CSV/JSON/Parquet exports and a Markdown "
        "brief for the latest scored run.",
        ["riskaudit report --db riskaudit.duckdb --out report/",
         "riskaudit report --db riskaudit.duckdb --out report-run3/ --run 3",
         "riskaudit report --db riskaudit.duckdb --out reviewed/ --reviewed-only"],
        run,
    )
    add_db(parser)
    parser.add_argument("--out", required=True, help="directory to write report.html and the exports into")
    add_run(parser)
    parser.add_argument("--redact-urls", action="store_true",
                        help="drop any URL field that comes from case logs (content URLs from case logs "
                             "are never printed, even without this flag; policy URLs are public and kept)")
    parser.add_argument("--reviewed-only", action="store_true",
                        help="score only findings a person has confirmed or overridden (`riskaudit review`); "
                             "the others are shown as pending and not scored")
