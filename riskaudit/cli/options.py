"""The options every command spells the same way: --db, --run, --format, --out."""
from __future__ import annotations

import argparse

from riskaudit.store import DEFAULT_DB


def add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"the DuckDB store (default {DEFAULT_DB})")


def add_run(p: argparse.ArgumentParser, what: str = "the latest scored run") -> None:
    p.add_argument("--run", type=int, default=None, metavar="ID", help=f"run id (default: {what})")


def add_format(p: argparse.ArgumentParser, choices: tuple[str, ...], default: str) -> None:
    p.add_argument("--format", choices=choices, default=default, help=f"output format (default {default})")


def add_out(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default=None, metavar="FILE", help="output file ('-' or omitted: standard output)")


def add_rules(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", default=None, metavar="DIR",
                   help="rules folder to score with (a copy of audits/rules with concepts/ and elements/; "
                        "default: the built-in rules)")
