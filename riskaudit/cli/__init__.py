"""The `riskaudit` console script: parses arguments and dispatches to one module per command.

Each module in `riskaudit.cli.commands` exposes `register(subparsers)`, which adds its subcommand
(with help and examples) and sets `func(args) -> int`. Expected failures raise `UserError`
and are printed as a single line; the exit code is then 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from riskaudit import __version__
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe

# Order is the order shown by `riskaudit --help`.
COMMAND_MODULES = [
    "crawl",
    "ingest",
    "validate_registry",
    "demo",
    "score",
    "score_files",
    "export",
    "explain",
    "rules",
    "cases",
    "report",
    "review",
    "changes",
    "timeline",
    "import_ota",
    "import_dir",
    "trace",
    "evidence",
    "verify_evidence",
    "feed",
    "monitor",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="riskaudit",
        description="Audit online services' published policies against non-consensual intimate "
        "imagery (NCII): crawl, score against the rubric, analyse response times, report.",
        epilog="Run `riskaudit COMMAND --help` for the options and examples of each command.",
    )
    parser.add_argument("--version", action="version", version=f"riskaudit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"riskaudit.cli.commands.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        # messages quote file names, URLs and crawled text: shown, never emitted as terminal controls
        # (a multi-line list of bad rows keeps its line breaks)
        text = "\n".join(terminal_safe(line) for line in str(exc).split("\n"))
        print(f"riskaudit {args.command}: error: {text}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"riskaudit {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `riskaudit timeline ... | head`): not an error of ours.
        import os
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        # a store corrupted inside, a full disk, an unwritable file: one line, never a traceback
        from riskaudit.store import failure_message
        message = failure_message(exc, getattr(args, "db", None))
        if message is None:
            raise
        print(f"riskaudit {args.command}: error: {terminal_safe(message)}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
