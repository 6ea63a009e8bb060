"""`riskaudit feed`: an Atom feed (and optionally a JSON webhook POST) of what changed in the latest run:
element flips, dead or login-walled report channels, services not assessed."""
from __future__ import annotations

import hashlib
from pathlib import Path

from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db, add_run
from riskaudit.core.errors import UserError
from riskaudit.evidence import select_run
from riskaudit.evidence.feed import collect_entries, post_webhook, write_feed
from riskaudit.stages.history import maybe_sync
from riskaudit.store import connect_for_reading


def feed_id(db_path, target_ids) -> str:
    """A stable Atom feed id for one store and target selection."""
    key = str(Path(db_path).resolve()) + "|" + ",".join(sorted(target_ids or []))
    return "urn:riskaudit:feed:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def emit_feed(db_path, out, *, target_ids=None, run_id=None, webhook=None, allow_private=False,
              report_url="report.html", self_url=None) -> tuple[int, list[dict], int | None]:
    """Write the feed of `db_path` to `out` (and POST it to `webhook`); return (run id, entries, webhook status)."""
    con = connect_for_reading(db_path)
    try:
        run_id = select_run(con, run_id, target_ids, db_path)
        maybe_sync(con)            # element flips are derived: fold the new runs in first
        entries = collect_entries(con, run_id, target_ids=target_ids or None, report_url=report_url)
    finally:
        con.close()
    fid = feed_id(db_path, target_ids)
    if out:
        write_feed(out, entries, feed_id=fid, report_url=report_url, self_url=self_url)
    status = post_webhook(webhook, entries, allow_private=allow_private, feed_id=fid) if webhook else None
    return run_id, entries, status


def _describe(run_id, entries, out, webhook, status) -> str:
    kinds: dict[str, int] = {}
    for e in entries:
        kinds[e["kind"]] = kinds.get(e["kind"], 0) + 1
    detail = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(kinds.items())) or "nothing new"
    where = [str(out)] if out else []
    if webhook:
        where.append(f"POST {webhook} -> HTTP {status}")
    return f"run {run_id}: {len(entries)} alert entries ({detail}) -> {'; '.join(where)}"


def run(args) -> int:
    if not args.out and not args.webhook:
        raise UserError("nothing to write: give --out FILE (the Atom feed) and/or --webhook URL")
    run_id, entries, status = emit_feed(args.db, args.out, target_ids=args.target, run_id=args.run,
                                        webhook=args.webhook, allow_private=args.allow_private,
                                        report_url=args.report_url, self_url=args.self_url)
    print(_describe(run_id, entries, args.out, args.webhook, status))
    return 0


def add_feed_options(p) -> None:
    p.add_argument("--target", action="append", metavar="ID", help="only this target id (repeatable)")
    p.add_argument("--webhook", metavar="URL", help="also POST the entries as JSON to this URL")
    p.add_argument("--allow-private", action="store_true",
                   help="allow a webhook on a private/loopback address (refused by default)")
    p.add_argument("--report-url", default="report.html", metavar="URL",
                   help="where the report is published; entries link to its sections (default: report.html, "
                        "next to the feed)")
    p.add_argument("--self-url", metavar="URL", help="the URL the feed itself is published at (Atom rel=self)")


def register(subparsers) -> None:
    p = add_command(
        subparsers, "feed",
        "Write an Atom feed of alerts since the previous run: element flips (with the quote responsible), dead "
        "or login-walled report channels, services not assessed; optionally POST them as JSON to a webhook.",
        ["riskaudit feed --db audit.duckdb --out feed.xml",
         "riskaudit feed --db audit.duckdb --out feed.xml --target chirply --report-url https://example.org/audit/report.html",
         "riskaudit feed --db audit.duckdb --out feed.xml --webhook https://hooks.example.org/riskaudit"],
        run)
    add_db(p)
    add_run(p, "the latest scored run")
    p.add_argument("--out", metavar="FILE", help="the Atom file to write (e.g. feed.xml)")
    add_feed_options(p)
