"""`riskaudit import-dir`: import a dated folder layout <Service>/<Document>/<YYYY-MM-DD>*.md and score it."""
from __future__ import annotations

from riskaudit.cli.commands import add_command
from riskaudit.cli.commands.import_ota import add_import_options, run_import
from riskaudit.stages.imports import import_dir


def run(args) -> int:
    return run_import(args, import_dir)


def register(subparsers) -> None:
    p = add_command(
        subparsers, "import-dir",
        "Import dated policy versions from <Service>/<Document>/<YYYY-MM-DD>*.md and score each state.",
        ["riskaudit import-dir history/ --db history.duckdb --kinds kinds.csv",
         "riskaudit import-dir history/ --db history.duckdb --kinds kinds.csv --service Reddit"],
        run)
    add_import_options(p, "folder holding <Service>/<Document>/<YYYY-MM-DD>*.md")
