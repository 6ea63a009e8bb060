"""One module per `riskaudit` subcommand; each exposes `register(subparsers)`."""
from __future__ import annotations

import argparse


def add_command(subparsers, name: str, help_text: str, examples: list[str], func) -> argparse.ArgumentParser:
    """Add a subcommand whose --help ends with an `examples:` block."""
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
    parser = subparsers.add_parser(
        name, help=help_text, description=help_text, epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func)
    return parser
