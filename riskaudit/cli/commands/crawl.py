"""`riskaudit crawl`: fetch the registry's policy pages and report channels into the store."""
from __future__ import annotations

from crawler import settings as defaults
from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db
from riskaudit.stages.crawl import crawl


def run(args) -> int:
    settings = {}
    if args.depth is not None:
        settings["RISKAUDIT_DISCOVERY_DEPTH"] = args.depth
    if args.budget is not None:
        settings["RISKAUDIT_PAGE_BUDGET"] = args.budget
    run_id, n = crawl(args.registry, args.db, allow_private=args.allow_private,
                      target_ids=args.target or None, settings=settings or None, quiet=not args.verbose)
    print(f"run {run_id}: {n['fetches']} fetches ({n['ok']} 2xx, {n['errors']} errors, {n['robots_blocked']} "
          f"robots-blocked, {n['media_refused']} media refused); {n['documents']} documents for {n['targets']} "
          f"targets; {n['channels_ok']}/{n['channels']} report channels OK -> {args.db}")
    if n["extract_failed"] or n["extract_fallback"]:
        print(f"extraction: {n['extract_failed']} extraction failures (fetched, no document stored; "
              f"fetches.error 'extract_failed: ...'), {n['extract_fallback']} stored from a plain-text fallback")
    if n["private_refused"]:
        print(f"note: {n['private_refused']} fetches refused because the host is a private/loopback address; "
              "pass --allow-private to crawl local test sites")
    return 0


def register(subparsers) -> None:
    parser = add_command(
        subparsers, "crawl",
        "Crawl the policy documents and report channels of a registry's targets into the DuckDB store "
        "(obeys robots.txt, never fetches media, refuses private addresses).",
        ["riskaudit crawl --registry crawler/registries/real.yaml --db audit.duckdb",
         "riskaudit crawl --registry crawler/registries/real.yaml --target reddit --target discord",
         "riskaudit crawl --registry my.yaml --db local.duckdb --allow-private --depth 1 --budget 10"],
        run,
    )
    parser.add_argument("--registry", required=True, metavar="FILE", help="registry YAML (validated first)")
    add_db(parser)
    parser.add_argument("--target", action="append", metavar="ID", help="crawl only this target id (repeatable)")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow private/loopback addresses (local test sites); refused by default")
    parser.add_argument("--depth", type=int, metavar="N", help=f"policy-link discovery depth from the homepage (default {defaults.RISKAUDIT_DISCOVERY_DEPTH})")
    parser.add_argument("--budget", type=int, metavar="N", help=f"discovery page budget per target (default {defaults.RISKAUDIT_PAGE_BUDGET})")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
