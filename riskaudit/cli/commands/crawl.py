"""`riskaudit crawl`: fetch the registry's policy pages and report channels into the store."""
from __future__ import annotations

from crawler import settings as defaults
from riskaudit.cli.commands import add_command
from riskaudit.cli.options import add_db
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe
from riskaudit.stages.crawl import crawl, redact, seed, work


def _frontier(args, settings) -> int:
    if args.seed == args.worker:
        raise UserError("--frontier needs --seed (coordinator: queue the registry) or --worker (crawl from the queue)")
    if args.worker:
        if args.registry or args.target or args.depth is not None or args.budget is not None:
            raise UserError("a --worker takes the registry and options the coordinator seeded; drop "
                            "--registry/--target/--depth/--budget")
        result = work(args.frontier, allow_private=args.allow_private, quiet=not args.verbose)
        stats = result.get("stats", {})
        print(f"worker {terminal_safe(result['worker'])}: {stats.get('item_scraped_count', 0)} items committed to "
              f"{terminal_safe(redact(args.frontier))} ({result.get('finish_reason')}); store them with "
              f"`riskaudit ingest --frontier {terminal_safe(redact(args.frontier))} --db FILE`")
        return 0
    if not args.registry:
        raise UserError("--seed needs --registry FILE")
    n = seed(args.registry, args.frontier, allow_private=args.allow_private, target_ids=args.target or None,
             settings=settings or None, reset=args.reset)
    print(f"crawl {n['crawl']} seeded on {terminal_safe(redact(args.frontier))}: {n['requests']} requests queued, "
          f"{n['rows']} rows for what is not fetched, {n['targets']} targets; start workers with "
          f"`riskaudit crawl --frontier {terminal_safe(redact(args.frontier))} --worker`")
    return 0


def run(args) -> int:
    settings = {}
    if args.depth is not None:
        settings["RISKAUDIT_DISCOVERY_DEPTH"] = args.depth
    if args.budget is not None:
        settings["RISKAUDIT_PAGE_BUDGET"] = args.budget
    if args.frontier:
        return _frontier(args, settings)
    if args.seed or args.worker or args.reset:
        raise UserError("--seed, --worker and --reset need --frontier redis://HOST:PORT/DB")
    if not args.registry:
        raise UserError("crawl needs --registry FILE (or --frontier URL --worker)")
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
         "riskaudit crawl --registry my.yaml --db local.duckdb --allow-private --depth 1 --budget 10",
         "riskaudit crawl --registry crawler/registries/real.yaml --frontier redis://10.0.0.5:6379/0 --seed",
         "riskaudit crawl --frontier redis://10.0.0.5:6379/0 --worker"],
        run,
    )
    parser.add_argument("--registry", metavar="FILE", help="registry YAML (validated first)")
    add_db(parser)
    parser.add_argument("--target", action="append", metavar="ID", help="crawl only this target id (repeatable)")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow private/loopback addresses (local test sites); refused by default")
    parser.add_argument("--depth", type=int, metavar="N", help=f"policy-link discovery depth from the homepage (default {defaults.RISKAUDIT_DISCOVERY_DEPTH})")
    parser.add_argument("--budget", type=int, metavar="N", help=f"discovery page budget per target (default {defaults.RISKAUDIT_PAGE_BUDGET})")
    parser.add_argument("--frontier", metavar="URL",
                        help="a shared frontier on Redis (redis://HOST:PORT/DB) for crawling from several "
                             "machines; with --seed or --worker (docs/scaling.md)")
    parser.add_argument("--seed", action="store_true",
                        help="coordinator: record a new crawl of --registry on the frontier and queue its requests")
    parser.add_argument("--worker", action="store_true",
                        help="crawl from the frontier until its crawl is complete; results stay on the frontier "
                             "for `riskaudit ingest` (no --db)")
    parser.add_argument("--reset", action="store_true",
                        help="with --seed: discard the frontier's unfinished crawl and its un-ingested results")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
