"""`riskaudit review`: people between the machine's decisions and publication.

Subcommands: `queue` (findings to review, most useful first), `serve` (the local review page on
127.0.0.1), `export` / `import` (the spreadsheet round trip, CSV or .xlsx), `log` (every review
action and reply, append-only) and `reply` (a service's right of reply to a finding). The work is
done in `riskaudit.stages.review`, `riskaudit.stages.review_sheet` and `reports.review_web`.
Workflow: docs/review.md.
"""
from __future__ import annotations

import sys

from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_format, add_out, add_run
from riskaudit.cli.output import as_csv, as_json, as_table, write
from riskaudit.core.text import terminal_safe
from riskaudit.stages import review as review_stage
from riskaudit.stages import review_sheet
from riskaudit.store import connect, connect_for_reading

QUEUE_COLUMNS = ["target_id", "service", "element", "category", "machine", "state", "why"]
LOG_COLUMNS = ["at", "kind", "who", "target_id", "element", "what", "detail", "via"]


def run_queue(args) -> int:
    con = connect_for_reading(args.db)
    try:
        ctx = review_stage.load(con, args.run, args.db)
    finally:
        con.close()
    rows = [{"target_id": f["target_id"], "service": f["service"], "element": f["element"], "category": f["category"],
             "machine": review_stage.met_label(f["met"]), "state": f["state"], "why": f["why"],
             "needs_review": f.get("needs_review"), "margin": f.get("margin"),
             "diffs": [d for r in f["reviews"] for d in r.diffs]}
            for f in review_stage.queue(ctx, args.limit)]
    p = ctx.progress()
    if args.format == "json":
        write(as_json({"run_id": ctx.run_id, "progress": p, "queue": rows}), args.out)
    elif args.format == "csv":
        write(as_csv(rows, QUEUE_COLUMNS + ["needs_review", "margin"]), args.out)
    else:
        head = f"run {ctx.run_id}: {p['reviewed']} of {p['total']} findings reviewed; {len(rows)} listed, most useful first\n"
        diffs = "".join(f"\n{r['target_id']}/{r['element']}: what changed in {d['document']}\n"
                        + "\n".join(terminal_safe(line) for line in d["diff"].splitlines()) + "\n"
                        for r in rows for d in r["diffs"])
        write(head + as_table(rows, QUEUE_COLUMNS) + diffs, args.out)
    return 0


def run_serve(args) -> int:
    from reports.review_web import make_server

    server = make_server(args.db, port=args.port, reviewer=args.reviewer or "", run_id=args.run)
    host, port = server.server_address[:2]
    print(f"review page on http://{host}:{port}/ (127.0.0.1 only; Ctrl-C stops it)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def run_export(args) -> int:
    con = connect_for_reading(args.db)
    try:
        ctx = review_stage.load(con, args.run, args.db)
    finally:
        con.close()
    n = review_sheet.write_sheet(ctx, args.out)
    print(f"wrote {n} findings of run {ctx.run_id} to {args.out}: fill in decision, reason and quotes, then "
          f"`riskaudit review import {args.out} --db {args.db} --reviewer NAME`", file=sys.stderr)
    return 0


def run_import(args) -> int:
    con = connect(args.db, create=False)
    try:
        ctx = review_stage.load(con, args.run, args.db)
        result = review_sheet.import_sheet(con, ctx, args.sheet, args.reviewer)
    finally:
        con.close()
    print(f"imported {result['imported']} review(s) by {args.reviewer} from {args.sheet} "
          f"({result['blank']} row(s) without a decision left alone)")
    return 0


def run_log(args) -> int:
    con = connect_for_reading(args.db)
    try:
        rows = review_stage.log(con, args.target)
    finally:
        con.close()
    if args.format == "json":
        write(as_json(rows), args.out)
    elif args.format == "csv":
        write(as_csv(rows, LOG_COLUMNS), args.out)
    else:
        write(as_table(rows, LOG_COLUMNS) if rows else "no review actions recorded yet\n", args.out)
    return 0


def run_reply(args) -> int:
    con = connect(args.db, create=False)
    try:
        ctx = review_stage.load(con, args.run, args.db)
        review_stage.add_reply(con, ctx, args.target, args.element, replied_on=args.date, text=args.text,
                               link=args.link, recorded_by=args.reviewer)
    finally:
        con.close()
    print(f"recorded the reply of {args.target}{'/' + args.element if args.element else ''} of {args.date}")
    return 0


def run(args) -> int:
    func = getattr(args, "review_func", None)
    if func is None:
        args.review_parser.print_help()
        return 2
    return func(args)


def _positive(value: str) -> int:
    n = int(value)
    if n < 0 or n > 65535:
        raise ValueError(value)
    return n


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "review",
        "Review the machine's findings: a queue, a local review page, a spreadsheet round trip, "
        "the append-only log and the services' right of reply (docs/review.md).",
        ["riskaudit review queue --db audit.duckdb --limit 20",
         "riskaudit review serve --db audit.duckdb --port 8765 --reviewer ana",
         "riskaudit review export --db audit.duckdb --out sheet.xlsx",
         "riskaudit review import sheet.xlsx --db audit.duckdb --reviewer ben",
         "riskaudit review log --db audit.duckdb",
         "riskaudit review reply --db audit.duckdb --target acme --element hash_matching --date 2026-12-01 "
         "--text 'We joined StopNCII in 2025.' --link https://acme.example/blog --reviewer ana"],
        run)
    parser.set_defaults(review_parser=parser)
    sub = parser.add_subparsers(metavar="SUBCOMMAND")

    p = sub.add_parser("queue", help="findings to review, most useful first")
    add_db(p)
    add_run(p)
    p.add_argument("--limit", type=int, default=None, help="list at most N findings")
    add_format(p, ("table", "json", "csv"), "table")
    add_out(p)
    p.set_defaults(review_func=run_queue)

    p = sub.add_parser("serve", help="the local review page (127.0.0.1 only)")
    add_db(p)
    add_run(p)
    p.add_argument("--port", type=_positive, default=8765, help="port on 127.0.0.1 (default 8765; 0 = any free port)")
    p.add_argument("--reviewer", default="", help="name or handle filled in on the page's forms")
    p.set_defaults(review_func=run_serve)

    p = sub.add_parser("export", help="write a review sheet (.csv or .xlsx) with one row per finding")
    add_db(p)
    add_run(p)
    p.add_argument("--out", required=True, metavar="SHEET", help="sheet.csv or sheet.xlsx")
    p.set_defaults(review_func=run_export)

    p = sub.add_parser("import", help="validate a filled-in review sheet and record every row, or none")
    p.add_argument("sheet", help="a sheet written by `riskaudit review export` (.csv or .xlsx)")
    add_db(p)
    add_run(p)
    p.add_argument("--reviewer", required=True, help="name or handle of the person whose reviews these are")
    p.set_defaults(review_func=run_import)

    p = sub.add_parser("log", help="every review action and reply, in the order recorded")
    add_db(p)
    p.add_argument("--target", default=None, help="only this target id")
    add_format(p, ("table", "json", "csv"), "table")
    add_out(p)
    p.set_defaults(review_func=run_log)

    p = sub.add_parser("reply", help="record a service's response to a finding (right of reply)")
    add_db(p)
    add_run(p)
    p.add_argument("--target", required=True, help="target id")
    p.add_argument("--element", default=None, help="element id (omit: a response to all the service's findings)")
    p.add_argument("--date", required=True, help="date of the response, YYYY-MM-DD")
    p.add_argument("--text", required=True, help="the response")
    p.add_argument("--link", default=None, help="where it was published (http(s) URL)")
    p.add_argument("--reviewer", required=True, help="who records it")
    p.set_defaults(review_func=run_reply)

