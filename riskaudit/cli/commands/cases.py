"""`riskaudit cases`: import case logs, summarise observed response times, compare stated times.

Subcommands: `import` (validate + store a case-log CSV), `summary` (Kaplan–Meier time to
removal per target × channel as JSON, CSV or a table) and `stated` (response times the
policies state, per channel, and the legal-deadline findings). The work is done in
`riskaudit.importers.cases`, `audits.survival` and `audits.response_times`.
"""
from __future__ import annotations

import sys

from audits.survival import CSV_FIELDS, flat_rows
from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_out, add_run
from riskaudit.cli.output import as_csv, as_json, as_table, write
from riskaudit.importers.cases import import_cases_csv
from riskaudit.stages.cases import stated_times, stated_vs_legal, summarize, take_it_down_elements
from riskaudit.store import connect_for_reading


def run_import(args) -> int:
    n = import_cases_csv(args.db, args.file, keep_urls=args.keep_urls, replace=args.replace)
    urls = "kept in clear" if args.keep_urls else "stored as salted hashes"
    print(f"imported {n} cases from {args.file} into {args.db} (content URLs {urls})")
    return 0


def run_summary(args) -> int:
    con = connect_for_reading(args.db)
    try:
        summary = summarize(con, as_of=args.as_of, target_id=args.target)
    finally:
        con.close()
    if not summary["groups"]:
        print(f"no cases in {args.db} submitted by {summary['as_of']}"
              + (f" for target {args.target}" if args.target else "")
              + ": import a case log with `riskaudit cases import`", file=sys.stderr)
    if args.format == "json":
        write(as_json(summary), args.out)
    elif args.format == "csv":
        write(as_csv(flat_rows(summary), CSV_FIELDS), args.out)
    else:
        head = (f"as of {summary['as_of']}; hours from submission to removal (Kaplan–Meier); "
                f"small = fewer than {summary['small_sample_threshold']} cases\n")
        cols = ["target", "channel", "n", "removed", "median_hours", "median_ci_low", "median_ci_high",
                "within_24h", "within_48h", "within_7d", "acknowledged_share", "small_sample", "logrank_p"]
        write(head + as_table(flat_rows(summary), cols), args.out)
    return 0


def run_stated(args) -> int:
    con = connect_for_reading(args.db)
    try:
        stated = stated_times(con, run_id=args.run)
        findings = stated_vs_legal(con, run_id=args.run, rules_path=args.rules, today=args.today)
        take_it_down = take_it_down_elements(
            con, args.run, sorted({f["target_id"] for f in findings} | {s["target_id"] for s in stated}))
    finally:
        con.close()
    if args.format == "json":
        write(as_json({"stated": stated, "legal": findings, "take_it_down": take_it_down}), args.out)
        return 0
    if not stated and not findings:
        print(f"no scored audit in {args.db}: run `riskaudit score` first", file=sys.stderr)
        return 0
    text = "Stated response times (from the policies)\n"
    text += as_table(stated, ["target_id", "channel", "hours", "document", "quote"])
    text += "\nLegal deadlines\n"
    rows = [{**f, "in_force": "yes" if f["in_force"] else "not yet",
             "deadline_hours": f["deadline_hours"] if f["deadline_hours"] is not None else f.get("deadline_text"),
             "verify": bool(f.get("verify"))} for f in findings]
    text += as_table(rows, ["target_id", "rule_id", "deadline_hours", "trigger", "in_force", "status", "stated_hours",
                            "basis", "jurisdiction_assumed", "verify"])
    if take_it_down:
        text += "\nTAKE IT DOWN request elements asked for (statutory_ncii_process quotes)\n"
        text += as_table([{"target_id": tid, "asks_for": ", ".join(v["asks_for"]) or None,
                           "missing": ", ".join(v["missing"]) or None} for tid, v in take_it_down.items()],
                         ["target_id", "asks_for", "missing"])
    write(text, args.out)
    return 0


def run(args) -> int:
    func = getattr(args, "cases_func", None)
    if func is None:
        args.cases_parser.print_help()
        return 2
    return func(args)


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "cases",
        "Case logs: import reports filed with services and analyse observed response times.",
        ["riskaudit cases import my-log.csv --db audit.duckdb",
         "riskaudit cases summary --db audit.duckdb --format table --as-of 2026-07-01T00:00:00Z",
         "riskaudit cases summary --db audit.duckdb --format json --out times.json",
         "riskaudit cases stated --db audit.duckdb"],
        run)
    parser.set_defaults(cases_parser=parser)
    sub = parser.add_subparsers(metavar="SUBCOMMAND")

    p = sub.add_parser("import", help="validate and store a case-log CSV (see docs/response-times.md)")
    p.add_argument("file", help="CSV with columns case_id,target,channel,submitted_at,acknowledged_at,"
                   "removed_at,closed_at,outcome,jurisdiction,content_url")
    add_db(p)
    p.add_argument("--keep-urls", action="store_true",
                   help="store content URLs in clear (default: salted SHA-256 hashes only)")
    p.add_argument("--replace", action="store_true",
                   help="replace cases whose case_id is already in the database")
    p.set_defaults(cases_func=run_import)

    p = sub.add_parser("summary", help="Kaplan–Meier time to removal per target and channel")
    add_db(p)
    p.add_argument("--format", choices=["json", "csv", "table"], default="table")
    add_out(p)
    p.add_argument("--as-of", dest="as_of",
                   help="analysis time, ISO 8601 with offset (default now); open cases are censored here")
    p.add_argument("--target", help="only this target id")
    p.set_defaults(cases_func=run_summary)

    p = sub.add_parser("stated", help="stated response times per channel and legal-deadline findings")
    add_db(p)
    p.add_argument("--format", choices=["table", "json"], default="table")
    add_out(p)
    add_run(p)
    p.add_argument("--rules", help="legal deadlines YAML (default: audits/rules/legal_deadlines.yaml)")
    p.add_argument("--today", help="date to judge 'in force' (YYYY-MM-DD, default today)")
    p.set_defaults(cases_func=run_stated)
