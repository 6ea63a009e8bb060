"""`riskaudit trace`: who serves, fronts, hosts and registered a site or content URL, and the
escalation chain (platform -> CDN -> origin host -> registrar) with channels, promised times
and legal deadlines. The work is done in `riskaudit.trace`; method in docs/tracing.md.
"""
from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path

from riskaudit.cli.commands import add_command
from riskaudit.core.errors import UserError
from riskaudit.core.text import terminal_safe
from riskaudit.store import DEFAULT_DB


def _queries(args) -> list[str]:
    """The URLs/domains to trace: arguments, then --from-file lines (blank lines and # comments
    skipped). Every one is checked before anything is traced; a bad one is a UserError naming
    the file and line (or the argument)."""
    from riskaudit.trace.tracer import normalise_query
    out = [(q, f"argument {q!r}") for q in args.targets or []]
    if args.from_file:
        try:
            lines = Path(args.from_file).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise UserError(f"cannot read {args.from_file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise UserError(f"{args.from_file}: not UTF-8 text (one URL or domain per line)") from None
        out += [(ln.strip(), f"{args.from_file} line {n}") for n, ln in enumerate(lines, 1)
                if ln.strip() and not ln.lstrip().startswith("#")]
    for q, where in out:
        try:
            normalise_query(q)
        except UserError as exc:
            if where.startswith("argument"):
                raise
            raise UserError(f"{where}: {exc}; fix or remove the line") from None
    return [q for q, _ in out]


def _today(value):
    if not value:
        return _dt.date.today()
    try:
        return _dt.date.fromisoformat(value)
    except ValueError:
        raise UserError(f"--today {value!r} is not YYYY-MM-DD") from None


def run_update(args) -> int:
    from riskaudit.trace.cdn import DATA_PATH, fetch_updates, update_file
    path = Path(args.cdn_ranges) if args.cdn_ranges else DATA_PATH
    fetched = fetch_updates(path, from_dir=args.from_dir)
    if not fetched:
        where = args.from_dir or "the providers' URLs"
        raise UserError(f"no provider lists found in {where} (files are named <provider id>.<n>.<ext>)")
    counts = update_file(path, fetched)
    for pid, n in sorted(counts.items()):
        print(f"{pid}: {n} ranges")
    print(f"updated {path}", file=sys.stderr)
    return 0


def run(args) -> int:
    if args.update_cdn_ranges:
        return run_update(args)
    queries = _queries(args)
    if not queries:
        raise UserError("give a URL or domain to trace (or --from-file FILE, or --update-cdn-ranges)")
    from audits.response_times import load_rules
    from riskaudit.store import connect
    from riskaudit.store import traces as store_sql
    from riskaudit.trace.cdn import load_providers
    from riskaudit.trace.dns import DnsClient
    from riskaudit.trace.match import HostMap
    from riskaudit.trace.rdap import Bootstrap, RdapClient
    from riskaudit.trace.tracer import trace

    rules = load_rules(args.rules)
    providers = load_providers(args.cdn_ranges)
    dns = DnsClient(args.resolver, timeout=args.timeout)
    bootstrap = (Bootstrap.from_dir(args.rdap_bootstrap) if args.rdap_bootstrap
                 else Bootstrap.cached(allow_private=args.allow_private))
    rdap = RdapClient(bootstrap, allow_private=args.allow_private, timeout=args.timeout)
    con = None if args.no_store else connect(args.db)
    results = []
    try:
        for q in queries:
            host_map = HostMap.load(args.host_map or [])
            t = trace(q, dns=dns, rdap=rdap, providers=providers, host_map=host_map, con=con, rules=rules,
                      today=_today(args.today))
            if con is not None:
                t["trace_id"] = store_sql.save_trace(con, t)
            results.append(t)
    finally:
        if con is not None:
            con.close()
    if args.format == "json":
        out = [_jsonable(t) for t in results]
        sys.stdout.write(json.dumps(out if len(out) > 1 or args.from_file else out[0], indent=2,
                                    ensure_ascii=False, default=str) + "\n")
    else:
        # DNS, RDAP and crawled text come from servers we do not control: shown, never emitted as controls
        sys.stdout.write(terminal_safe("\n".join(format_table(t) for t in results)))
    return 0


def _jsonable(t: dict) -> dict:
    t = dict(t)
    t["rdap_responses"] = [{"query_type": r.query_type, "query": r.query, "url": r.url, "status": r.status,
                            "error": r.error, "fetched_at": r.fetched_at} for r in t["rdap_responses"]]
    return t


def _hours(h) -> str:
    return f"{int(h)} h" if float(h).is_integer() else f"{h:.1f} h"


def format_table(t: dict) -> str:
    """A human-readable trace: DNS, fronting CDN, the escalation chain, failed look-ups."""
    d = t["dns"]
    lines = [f"Trace of {t['query']}" + (f"  (stored as trace {t['trace_id']})" if t.get("trace_id") else "")]
    lines.append(f"  host {t['host']}; registered domain {t.get('registered_domain') or '?'}; "
                 f"resolver {t.get('resolver')}")
    if d.get("cname_chain"):
        lines.append(f"  CNAME chain: {' -> '.join([d['name']] + d['cname_chain'])}")
    addrs = ", ".join(f"{a['ip']} (AS{a['asn']}{' ' + a['asn_name'] if a.get('asn_name') else ''})"
                      if a.get("asn") else a["ip"] for a in t["addresses"]) or "none"
    lines.append(f"  addresses: {addrs}")
    if d.get("ns"):
        lines.append(f"  name servers ({d.get('zone')}): {', '.join(d['ns'])}")
    for c in t["cdn"]:
        stale = "" if c.get("ranges_retrieved") else " [bundled ranges, not refreshed]"
        lines.append(f"  fronted by {c['name']}: {'; '.join(c['signals'])}{stale}")
    lines.append("  Escalation chain:")
    for n, hop in enumerate(t["chain"], 1):
        org = hop.get("organisation") or hop.get("unknown") or "?"
        who = f"{n}. {hop['role']:<9} {org}"
        if hop.get("target_id"):
            sc = hop.get("score") or {}
            score = f", score {sc['score']:.1f} {sc.get('grade') or ''}".rstrip() if sc.get("score") is not None else ", not scored"
            who += f"  [registry: {hop['target_id']} by {hop.get('matched_by')}{score}]"
        elif hop.get("organisation"):
            who += "  [not in the registry]"
        lines.append("    " + who)
        pad = "       "
        if hop.get("addresses"):
            extra = f" AS{hop['asn']}" if hop.get("asn") else ""
            net = f", network {hop['network']}" if hop.get("network") else ""
            lines.append(f"{pad}serves {', '.join(hop['addresses'])}{extra}{net}"
                         + (f" ({hop['country']})" if hop.get("country") else ""))
        ch = hop.get("channel")
        if ch:
            live = {True: "live", False: "NOT working", None: "not checked"}[ch.get("ok")]
            when = f", checked {str(ch['checked_at'])[:10]}" if ch.get("checked_at") else ""
            lines.append(f"{pad}channel: {ch['url']} ({ch.get('kind')}, {live}{when})")
        elif hop.get("organisation"):
            lines.append(f"{pad}channel: none known")
        if hop.get("abuse_emails") and (not ch or ch.get("kind") != "rdap_abuse"):
            lines.append(f"{pad}RDAP abuse contact: {', '.join(hop['abuse_emails'])}")
        st = hop.get("stated")
        if st:
            lines.append(f"{pad}promises: {_hours(st['hours'])} ({st['basis']}) - \"{st['quote'][:90]}\"")
        elif hop.get("target_id"):
            lines.append(f"{pad}promises: no stated response time")
        if hop.get("target_id"):
            from audits.take_it_down import LABELS, missing_elements
            asked = hop.get("take_it_down_labels") or []
            if asked:
                miss = [LABELS[e] for e in missing_elements([]) if LABELS[e] not in asked]
                lines.append(f"{pad}TAKE IT DOWN request asks for: {'; '.join(asked)}"
                             + (f" (not asked: {'; '.join(miss)})" if miss else ""))
        legal = hop.get("legal") or []
        if legal:
            short = {"valid_request": "valid request", "regulator_notice": "regulator's notice", "notice": "notice"}
            parts = []
            for rule in legal:
                flags = [short.get(rule.get("trigger"), rule.get("trigger") or "")]
                if not rule["in_force"]:
                    flags.append(f"not in force until {rule['effective']}")
                if rule.get("caveat"):
                    flags.append(rule["caveat"])
                if rule.get("verify"):
                    flags.append("verify")
                parts.append(f"{rule['deadline']} {rule['rule_id']} ({', '.join(f for f in flags if f)})")
            lines.append(f"{pad}deadlines: " + "; ".join(parts))
            if any(r.get("jurisdiction_assumed") for r in legal):
                lines.append(f"{pad}  (no jurisdiction known: every rule assumed to apply)")
            else:
                lines.append(f"{pad}  (jurisdictions from {legal[0]['jurisdictions_source']})")
        lines.append(f"{pad}({hop['note']})")
    if t["errors"]:
        lines.append("  Failed look-ups:")
        lines += [f"    - {e}" for e in t["errors"]]
    return "\n".join(lines) + "\n"


def register(subparsers) -> None:
    p = add_command(
        subparsers, "trace",
        "Who can take it down: DNS, CDN, host, registrar and abuse contacts of a site or content URL, "
        "with their riskaudit scores, promised times and legal deadlines.",
        ["riskaudit trace https://example.com/some/page --db audit.duckdb",
         "riskaudit trace example.com --format json",
         "riskaudit trace --from-file urls.txt --db audit.duckdb",
         "riskaudit trace example.com --resolver 9.9.9.9 --rdap-bootstrap ./iana-bootstrap",
         "riskaudit trace --update-cdn-ranges",
         "riskaudit trace --update-cdn-ranges --from-dir ./saved-lists"],
        run)
    p.add_argument("targets", nargs="*", metavar="URL|DOMAIN", help="site or content URL, or a domain")
    p.add_argument("--from-file", help="file with one URL or domain per line (# comments allowed)")
    p.add_argument("--db", default=DEFAULT_DB, help=f"DuckDB store: registry targets, scores, and where traces are saved (default {DEFAULT_DB})")
    p.add_argument("--no-store", action="store_true", help="do not open a database: no matching scores, nothing saved")
    p.add_argument("--format", choices=["table", "json"], default="table")
    p.add_argument("--resolver", help="DNS server HOST[:PORT] (default: the system's resolver)")
    p.add_argument("--rdap-bootstrap", metavar="DIR",
                   help="folder with IANA's RDAP bootstrap files dns.json, ipv4.json, ipv6.json, asn.json "
                   "(default: downloaded from data.iana.org and cached for a week)")
    p.add_argument("--allow-private", action="store_true",
                   help="allow RDAP requests to private/loopback addresses (tests, local mirrors)")
    p.add_argument("--host-map", action="append", metavar="FILE",
                   help="extra organisation -> registry target mapping (YAML, see riskaudit/trace/data/host_map.yaml); repeatable")
    p.add_argument("--cdn-ranges", metavar="FILE", help="CDN ranges file (default: the bundled data/cdn_ranges.yaml)")
    p.add_argument("--rules", help="legal deadlines YAML (default: audits/rules/legal_deadlines.yaml)")
    p.add_argument("--today", help="date to judge 'in force' (YYYY-MM-DD, default today)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds per DNS query / RDAP request (default 10)")
    p.add_argument("--update-cdn-ranges", action="store_true",
                   help="refresh the CDN ranges file from the providers' published lists and exit")
    p.add_argument("--from-dir", help="with --update-cdn-ranges: read saved lists <provider id>.<n>.<ext> from this folder")
