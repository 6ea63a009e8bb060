"""`riskaudit monitor`: re-crawl, score and emit the alert feed on a schedule, in the foreground.

A plain loop (no daemon): each cycle crawls the registry, scores the run and writes the feed (and
the webhook); then it waits `--every`. SIGINT or SIGTERM stop it cleanly: while waiting at once,
during a cycle when the cycle ends (a crawl in progress finishes or is interrupted with it). A failed
cycle (a crawl error) is reported in one line and the next cycle runs on time. For unattended
use, prefer cron or a systemd timer running `riskaudit crawl`/`score`/`feed` (README).
"""
from __future__ import annotations

import re
import signal
import sys
import threading

from riskaudit.cli.commands import add_command
from riskaudit.cli.commands.feed import _describe, add_feed_options, emit_feed
from riskaudit.cli.options import add_db
from riskaudit.core.clock import iso, now_utc
from riskaudit.core.errors import UserError
from riskaudit.registry import load_registry
from riskaudit.stages.crawl import crawl
from riskaudit.stages.score import score_run

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)


def parse_interval(text: str) -> float:
    """'24h', '30m', '90s', '1d', '0.5s' or plain seconds -> seconds (> 0)."""
    m = _INTERVAL.match(text or "")
    if not m or float(m.group(1)) <= 0:
        raise UserError(f"--every {text!r}: expected a positive duration such as 24h, 30m, 90s or 1d")
    return float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]


def run(args) -> int:
    interval = parse_interval(args.every)
    registry = load_registry(args.registry)         # a bad registry fails now, not in a cycle
    registry.select(args.target or None)
    stop = threading.Event()

    def on_signal(signum, frame):
        stop.set()
        print(f"monitor: {signal.Signals(signum).name} received, stopping", flush=True)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    cycles = 0
    try:
        while not stop.is_set():
            cycles += 1
            print(f"monitor: cycle {cycles} at {iso(now_utc())}", flush=True)
            try:
                run_id, n = crawl(args.registry, args.db, allow_private=args.allow_private,
                                  target_ids=args.target or None)
                score_run(args.db, run_id)           # a finished crawl is scored and alerted even when stopping
                result = emit_feed(args.db, args.out, target_ids=args.target, run_id=run_id, webhook=args.webhook,
                                   allow_private=args.allow_private, report_url=args.report_url,
                                   self_url=args.self_url)
                print(f"monitor: {_describe(result[0], result[1], args.out, args.webhook, result[2])}", flush=True)
            except UserError as exc:
                if stop.is_set():
                    break
                print(f"monitor: cycle {cycles} failed: {exc}", file=sys.stderr, flush=True)
            if args.max_runs and cycles >= args.max_runs:
                break
            stop.wait(interval)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    print(f"monitor: stopped after {cycles} cycle{'s' if cycles != 1 else ''}", flush=True)
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "monitor",
        "Re-crawl, score and write the alert feed every --every (foreground loop; Ctrl-C or SIGTERM stops it "
        "cleanly). For unattended use see the cron and systemd-timer examples in the README.",
        ["riskaudit monitor --registry crawler/registries/real.yaml --db audit.duckdb --every 24h --out feed.xml",
         "riskaudit monitor --registry my.yaml --db a.duckdb --every 6h --out feed.xml --webhook https://hooks.example.org/x"],
        run)
    p.add_argument("--registry", required=True, metavar="FILE", help="registry YAML (validated first)")
    add_db(p)
    p.add_argument("--every", default="24h", metavar="DURATION", help="time between cycles: 24h, 30m, 1d... (default 24h)")
    p.add_argument("--out", metavar="FILE", default="feed.xml", help="the Atom feed to (re)write each cycle (default feed.xml)")
    p.add_argument("--max-runs", type=int, default=0, metavar="N", help="stop after N cycles (default: run until stopped)")
    add_feed_options(p)
