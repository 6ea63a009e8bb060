"""`riskaudit demo` (not implemented yet)."""
from riskaudit.commands import add_command
from riskaudit.errors import UserError


def run(args) -> int:
    raise UserError("not implemented yet")


def register(subparsers) -> None:
    add_command(subparsers, "demo", "(not implemented yet)", ["riskaudit demo --help"], run)
