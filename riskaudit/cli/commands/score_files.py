"""`riskaudit score-files`: score folders of policy files (`DIR/<service>/<files>`) without crawling.

Output shapes are those of `riskaudit export` (reports/exports.py `write_results`).
"""
from __future__ import annotations

import sys
from pathlib import Path

from reports.exports import write_results
from riskaudit.cli.commands import add_command
from riskaudit.cli.commands.score import _rules_dir
from riskaudit.cli.options import add_format, add_out, add_rules
from riskaudit.core.clock import now_utc
from riskaudit.core.text import terminal_safe
from riskaudit.stages.score import score_dir


def run(args) -> int:
    root = Path(args.dir)
    skipped: list[tuple[Path, str]] | None = None if args.strict else []
    outside: list[Path] = []
    results = score_dir(root, Path(args.kinds), skipped=skipped, outside=outside, rules_dir=_rules_dir(args))
    for path in outside:
        print(f"riskaudit score-files: warning: skipped {terminal_safe(path)}: a symbolic link to "
              f"{terminal_safe(path.resolve())}, outside {terminal_safe(root)}", file=sys.stderr)
    for path, msg in skipped or []:
        # the message already names the file; the other files of the service are still scored
        print(f"riskaudit score-files: warning: skipped unreadable file: {terminal_safe(msg)}", file=sys.stderr)
    write_results(results, args.format, args.out, now_utc().isoformat(timespec="seconds"), skipped)
    if args.out not in (None, "-"):
        print(f"scored {len(results)} services from {root} → {args.out}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "score-files",
        "Score folders of policy files (DIR/<service>/*.md|txt|html|htm|pdf) against the rubric, without crawling.",
        ["riskaudit score-files corpus/ --kinds kinds.csv --format json --out scores.json",
         "riskaudit score-files corpus/ --kinds kinds.csv --format csv --out -"],
        run)
    p.add_argument("dir", help="folder with one sub-folder per service holding its policy files")
    p.add_argument("--kinds", required=True,
                   help="CSV with header 'service,kind' (kind: social, dating, adult, host, ai_tool); every service folder must be listed")
    add_format(p, ("json", "csv"), "json")
    add_out(p)
    add_rules(p)
    p.add_argument("--strict", action="store_true",
                   help="fail on the first unreadable file instead of skipping it with a warning "
                        "(skipped files are listed under 'skipped_files' in JSON)")
