"""`riskaudit validate-registry FILE`: check a YAML registry of targets without crawling."""
from __future__ import annotations

from riskaudit.cli.commands import add_command
from riskaudit.registry import load_registry


def run(args) -> int:
    for path in args.files:
        registry = load_registry(path)
        n_docs = sum(len(t.documents) for t in registry.targets)
        n_channels = sum(len(t.report_channels) for t in registry.targets)
        print(f"{path}: {len(registry.targets)} targets OK "
              f"({n_docs} documents, {n_channels} report channels)")
    return 0


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "validate-registry",
        "Validate a YAML registry of targets (fields, kinds, slugs, URLs, duplicate ids); exit 2 on the first error.",
        ["riskaudit validate-registry crawler/registries/real.yaml",
         "riskaudit validate-registry crawler/registries/demo.yaml my-targets.yaml"],
        run,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="registry YAML file(s)")
