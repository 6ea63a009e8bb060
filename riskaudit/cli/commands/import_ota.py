"""`riskaudit import-ota`: import the full history of an Open Terms Archive versions repository and score it.

Also holds the options and the run/report logic shared with `import-dir`.
"""
from __future__ import annotations

import os
import sys

from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db
from riskaudit.core.text import terminal_safe
from riskaudit.stages.imports import import_ota
from riskaudit.store import connect


def report(result: dict) -> None:
    for name in result.get("skipped_names") or []:
        print(f"riskaudit: warning: skipped {terminal_safe(name)}: the file name is not UTF-8 "
              "(rename it in the archive to import it)", file=sys.stderr)
    for name in result.get("skipped_links") or []:
        print(f"riskaudit: warning: skipped {terminal_safe(name)}: a symbolic link out of the imported folder",
              file=sys.stderr)
    s = result.get("scoring") or {}
    print(f"run {result['run_id']}: {len(result['services'])} services, {result['versions_read']} versions read, "
          f"{result['versions_inserted']} new, {result['versions_already_stored']} already stored")
    if s:
        print(f"scored {s['targets']} targets: {s['versions']} text versions, {s['states_scored']} states scored "
              f"({s['states_cached']} from cache), {s['flips']} element flips")


def run_import(args, importer) -> int:
    """Open the store, run `importer(con, path, ...)` with the shared options, print the summary."""
    con = connect(args.db)
    try:
        progress = (lambda m: print(terminal_safe(m), file=sys.stderr)) if args.verbose else None
        result = importer(con, args.path, kinds_path=args.kinds, services=args.service,
                          default_kind=args.default_kind, score=not args.no_score, progress=progress,
                          workers=args.workers)
    finally:
        con.close()
    report(result)
    return 0


def add_import_options(p, path_help: str) -> None:
    p.add_argument("path", help=path_help)
    add_db(p)
    p.add_argument("--kinds", help="CSV with header service,kind (social|dating|adult|host|ai_tool)")
    p.add_argument("--default-kind", help="kind for services missing from --kinds (otherwise they are an error)")
    p.add_argument("--service", action="append", help="only this service folder (repeatable)")
    p.add_argument("--no-score", action="store_true", help="import only; scoring happens at the next changes/timeline")
    p.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1),
                   help="processes scoring targets in parallel (default: %(default)s)")
    p.add_argument("-v", "--verbose", action="store_true", help="print per-target progress to stderr")


def run(args) -> int:
    return run_import(args, import_ota)


def register(subparsers) -> None:
    p = add_command(
        subparsers, "import-ota",
        "Import every version of an Open Terms Archive *versions* git repository (<Service>/<Terms type>.md; "
        "version date = committer date) and score each state.",
        ["riskaudit import-ota ../pga-versions --db history.duckdb --kinds kinds.csv",
         "riskaudit import-ota ../pga-versions --db history.duckdb --kinds kinds.csv --service Civitai --service Midjourney",
         "riskaudit import-ota ../pga-versions --db history.duckdb --default-kind social"],
        run)
    add_import_options(p, "a local clone of an OTA versions repository")
