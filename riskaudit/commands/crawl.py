"""`riskaudit crawl`: fetch the registry's policy pages and report channels into the store."""
from __future__ import annotations

from riskaudit.commands import add_command
from riskaudit.store import DEFAULT_DB, connect


def run(args) -> int:
    from crawler.runner import run_crawl

    settings = {}
    if args.depth is not None:
        settings["RISKAUDIT_DISCOVERY_DEPTH"] = args.depth
    if args.budget is not None:
        settings["RISKAUDIT_PAGE_BUDGET"] = args.budget
    run_id = run_crawl(args.registry, args.db, allow_private=args.allow_private,
                       target_ids=args.target or None, settings=settings or None, quiet=not args.verbose)
    con = connect(args.db, create=False, read_only=True)
    try:
        n_fetch, n_ok, n_err, n_media, n_robots = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE status BETWEEN 200 AND 299), "
            "count(*) FILTER (WHERE error IS NOT NULL AND error <> 'mailto: not checked'), count(*) FILTER (WHERE media_refused), "
            "count(*) FILTER (WHERE robots_blocked) FROM fetches WHERE run_id = ?", [run_id]).fetchone()
        n_docs, n_targets = con.execute(
            "SELECT count(*), count(DISTINCT target_id) FROM documents WHERE run_id = ?", [run_id]).fetchone()
        n_private = con.execute(
            "SELECT count(*) FROM fetches WHERE run_id = ? AND error = 'private_address'", [run_id]).fetchone()[0]
        n_extract_failed, n_extract_fallback = con.execute(
            "SELECT count(*) FILTER (WHERE error LIKE 'extract_failed%'), "
            "count(*) FILTER (WHERE error LIKE 'extract_fallback%') FROM fetches WHERE run_id = ?", [run_id]).fetchone()
        n_chan, n_chan_ok = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE ok) FROM channel_checks WHERE run_id = ?", [run_id]).fetchone()
    finally:
        con.close()
    print(f"run {run_id}: {n_fetch} fetches ({n_ok} 2xx, {n_err} errors, {n_robots} robots-blocked, "
          f"{n_media} media refused); {n_docs} documents for {n_targets} targets; "
          f"{n_chan_ok}/{n_chan} report channels OK -> {args.db}")
    if n_extract_failed or n_extract_fallback:
        print(f"extraction: {n_extract_failed} extraction failures (fetched, no document stored; "
              f"fetches.error 'extract_failed: ...'), {n_extract_fallback} stored from a plain-text fallback")
    if n_private:
        print(f"note: {n_private} fetches refused because the host is a private/loopback address; "
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
    parser.add_argument("--db", default=DEFAULT_DB, metavar="FILE", help=f"DuckDB store (default {DEFAULT_DB})")
    parser.add_argument("--target", action="append", metavar="ID", help="crawl only this target id (repeatable)")
    parser.add_argument("--allow-private", action="store_true",
                        help="allow private/loopback addresses (local test sites); refused by default")
    parser.add_argument("--depth", type=int, metavar="N", help="policy-link discovery depth from the homepage (default 2)")
    parser.add_argument("--budget", type=int, metavar="N", help="discovery page budget per target (default 25)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show Scrapy's log")
