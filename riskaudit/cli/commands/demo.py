"""`riskaudit demo`: crawl the embedded fictional sites offline, score them, import the demo case
log and build the report — the whole pipeline end to end in well under a minute.

Stages (one progress line each): serve the sites on 127.0.0.1 → write OUT/registry.yaml →
crawl into a fresh OUT/riskaudit.duckdb → score → import riskaudit/demo/cases.csv → build the
report, the evidence package (OUT/evidence.warc.gz) and the alert feed (OUT/feed.xml) → print a
summary table read from the `scores` and `channel_checks` tables.
"""
from __future__ import annotations

import time
from importlib import resources
from pathlib import Path

from crawler.runner import run_crawl
from reports.build import build_report
from riskaudit.cli.commands import add_command
from riskaudit.cli.commands.feed import emit_feed
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe
from riskaudit.demo import resolve_registry
from riskaudit.demo.server import DemoServer
from riskaudit.evidence.warc import WARC_NAME, write_warc
from riskaudit.importers.cases import import_cases_csv
from riskaudit.stages.score import score_run
from riskaudit.store import connect
from riskaudit.store.report import league_rows, not_assessed

# Local sites answer instantly: no politeness delays, short timeouts, no retries.
FAST_LOCAL_SETTINGS = {
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "DOWNLOAD_TIMEOUT": 10,
    "RETRY_TIMES": 0,
    "RISKAUDIT_RETRY_BACKOFF_BASE": 0.05,
    "RISKAUDIT_RETRY_BACKOFF_MAX": 0.2,
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "LOG_LEVEL": "WARNING",
}


def _stage(label: str):
    """Print one progress line per stage: `[n/8] label ... ok (1.2 s)`; `.note` is appended."""
    class _Stage:
        note = ""

        def __enter__(self):
            self.t0 = time.perf_counter()
            print(f"{label} ...", end="", flush=True)
            return self

        def __exit__(self, exc_type, exc, tb):
            status = "ok" if exc_type is None else "failed"
            note = f", {self.note}" if self.note else ""
            print(f" {status} ({time.perf_counter() - self.t0:.1f} s{note})", flush=True)
            return False
    return _Stage()


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def summary_rows(db_path: Path, run_id: int) -> list[tuple]:
    """(service, kind, score, grade, P, R, T, A, dead channels, login-walled channels) per target."""
    con = connect(db_path, create=False, read_only=True)
    try:
        rows = league_rows(con, run_id)
        rows.extend((service, kind, None, None, reason) for service, kind, reason in not_assessed(con, run_id))
        return rows
    finally:
        con.close()


def print_summary(rows: list[tuple]) -> None:
    header = ("service", "kind", "score", "grade", "P", "R", "T", "A", "dead ch.", "login-walled ch.")
    ranked = [r for r in rows if r[2] is not None]
    skipped = [r for r in rows if r[2] is None]      # (service, kind, None, None, reason): not assessed
    table = [header] + [
        (terminal_safe(r[0]), r[1], f"{r[2]:.1f}", r[3], _fmt(r[4]), _fmt(r[5]), _fmt(r[6]), _fmt(r[7]),
         str(r[8]), str(r[9])) for r in ranked]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print("  ".join(str(v).ljust(w) if i < 2 else str(v).rjust(w)
                        for i, (v, w) in enumerate(zip(row, widths))))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    if skipped:
        print(f"not assessed: {len(skipped)} service{'s' if len(skipped) != 1 else ''} (no score, not ranked): "
              + "; ".join(f"{terminal_safe(r[0])}: {terminal_safe(r[4])}" for r in skipped))


def run_demo(out_dir: str | Path) -> Path:
    """Run the whole demo into `out_dir`; return the path of the report."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{out}: cannot create the output directory ({exc.strerror}); pass another --out") from None
    db_path = out / "riskaudit.duckdb"
    for stale in (db_path, out / "riskaudit.duckdb.wal", out / WARC_NAME, out / "feed.xml"):
        if stale.exists():
            stale.unlink()

    with _stage("[1/8] starting the demo sites on 127.0.0.1"):
        server = DemoServer()
        server.start()
    try:
        with _stage(f"[2/8] writing the resolved registry to {out / 'registry.yaml'}"):
            registry_path = resolve_registry(server.urls, out / "registry.yaml")
        # Two crawls: the sites' previous edition first, then the current one, so the report can
        # show what changed between runs (a clause added, a promise dropped, a cosmetic edit).
        run_ids = []
        for step, edition in ((3, "previous"), (5, "current")):
            server.set_edition(edition)
            with _stage(f"[{step}/8] crawling the {edition} edition of {len(server.urls)} demo services "
                        f"into {db_path}") as stage:
                run_id = run_crawl(str(registry_path), str(db_path), allow_private=True,
                                   settings=dict(FAST_LOCAL_SETTINGS))
                stage.note = f"run {run_id}"
            with _stage(f"[{step + 1}/8] scoring run {run_id} against the rubric"):
                run_ids.append(score_run(str(db_path), run_id))
    finally:
        server.stop()
    run_id = run_ids[-1]

    cases = resources.files("riskaudit.demo").joinpath("cases.csv")
    with _stage("[7/8] importing the demo case log (riskaudit/demo/cases.csv)") as stage:
        with resources.as_file(cases) as cases_path:
            n = import_cases_csv(str(db_path), str(cases_path), replace=True)
        stage.note = f"{n} cases"

    with _stage(f"[8/8] building the report, evidence package and alert feed in {out}") as stage:
        report = build_report(str(db_path), str(out), run_id)
        con = connect(db_path, create=False)
        try:
            evidence = write_warc(con, run_id, out / WARC_NAME, db_label=str(db_path))
        finally:
            con.close()
        _, entries, _ = emit_feed(db_path, out / "feed.xml", run_id=run_id)
        stage.note = f"{evidence['findings']} findings in {WARC_NAME}, {len(entries)} alerts in feed.xml"

    print()
    print_summary(summary_rows(db_path, run_id))
    print()
    print(f"report: {report}")
    return Path(report)


def run(args) -> int:
    run_demo(args.out)
    return 0


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "demo",
        "Crawl, score and report the embedded fictional demo services, offline (127.0.0.1 only)",
        ["riskaudit demo", "riskaudit demo --out /tmp/demo-out",
         "python -m riskaudit.demo.server   # serve the demo sites by hand"],
        run)
    parser.add_argument("--out", default="demo-out", metavar="DIR",
                        help="output directory: registry.yaml, riskaudit.duckdb (recreated), report, evidence.warc.gz, "
                             "feed.xml (default: demo-out)")
