"""`riskaudit import-dir` (not implemented yet)."""
from riskaudit.commands import add_command
from riskaudit.errors import UserError


def run(args) -> int:
    raise UserError("not implemented yet")


def register(subparsers) -> None:
    add_command(subparsers, "import-dir", "(not implemented yet)", ["riskaudit import-dir --help"], run)
