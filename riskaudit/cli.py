"""The `riskaudit` console script: parses arguments and dispatches to one module per command.

Each module in `riskaudit.commands` exposes `register(subparsers)`, which adds its subcommand
(with help and examples) and sets `func(args) -> int`. Expected failures raise `UserError`
and are printed as a single line; the exit code is then 2.
"""
from __future__ import annotations

import argparse
import importlib
import sys

from riskaudit import __version__
from riskaudit.errors import UserError

# Order is the order shown by `riskaudit --help`.
COMMAND_MODULES = [
    "crawl",
    "validate_registry",
    "demo",
    "score",
    "score_files",
    "export",
    "explain",
    "rules",
    "cases",
    "report",
    "changes",
    "timeline",
    "import_ota",
    "import_dir",
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
        module = importlib.import_module(f"riskaudit.commands.{name}")
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
        print(f"riskaudit {args.command}: error: {exc}", file=sys.stderr)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
