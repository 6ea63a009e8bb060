"""One trace: URL or domain -> DNS -> RDAP (addresses, ASNs, domain) -> CDN detection ->
registry matching -> escalation chain. Network only through the injected clients."""
from __future__ import annotations

import datetime as _dt
import ipaddress

from riskaudit.core.errors import UserError
from riskaudit.store import traces as store_sql
from riskaudit.store.results import element_quotes
from riskaudit.trace.cdn import detect, is_cdn_address
from riskaudit.trace.chain import build_chain
from riskaudit.trace.match import email_domains, host_of, registrable
from riskaudit.trace.rdap import parse_autnum, parse_domain, parse_ip_network


def normalise_query(query: str) -> str:
    """The host name of a URL or domain argument (UserError when there is none)."""
    q = query.strip()
    if not q:
        raise UserError("empty URL or domain")
    if "://" not in q and "/" in q:
        q = "http://" + q
    host = host_of(q)
    if not host:
        raise UserError(f"{query!r}: no host name in this URL or domain")
    try:
        host = host.encode("idna").decode("ascii") if not _is_ip(host) else host
    except UnicodeError:
        raise UserError(f"{query!r}: host {host!r} is not a valid domain name") from None
    if not _is_ip(host) and "." not in host:
        raise UserError(f"{query!r}: {host!r} is not a fully qualified domain name")
    return host


def _is_ip(s: str) -> bool:
    try:
        ipaddress.ip_address(s.strip("[]"))
        return True
    except ValueError:
        return False


def _domain_candidates(host: str, zone: str | None) -> list[str]:
    labels = host.split(".")
    out = []
    for cand in [zone, registrable(host)] + [".".join(labels[i:]) for i in range(len(labels) - 1)]:
        if cand and cand.count(".") >= 1 and cand not in out and (host == cand or host.endswith("." + cand)):
            out.append(cand)
    return out


def trace(query: str, *, dns, rdap, providers, host_map, con=None, rules=None, today=None,
          headers: dict | None = None) -> dict:
    from audits.response_times import load_rules
    rules = rules if rules is not None else load_rules()
    today = today or _dt.date.today()
    started = _dt.datetime.now(_dt.timezone.utc)
    host = normalise_query(query)
    errors: list[str] = []
    responses = []

    def lookup(fn, arg, record=True):
        r = fn(arg)
        responses.append(r)
        if r.error and record:
            errors.append(r.error)
        return r

    # 1. DNS
    if _is_ip(host):
        from riskaudit.trace.dns import DnsResult
        ip = host.strip("[]")
        dres = DnsResult(name=ip, canonical=ip, a=[ip] if ":" not in ip else [], aaaa=[ip] if ":" in ip else [])
    else:
        dres = dns.resolve(host)
    errors += dres.errors

    # 2. Addresses: ASN (DNS), network and abuse contact (RDAP), AS name (RDAP autnum)
    addresses, asn_names, net_cache = [], {}, {}
    for ip in dres.addresses:
        asn_info = dns.origin_asn(ip) if dns is not None else None
        r = lookup(rdap.ip, ip)
        net = parse_ip_network(r.data) if r.data else {}
        asn = asn_info.asn if asn_info else (net.get("origin_asns") or [None])[0]
        if asn is not None and asn not in asn_names:
            a = lookup(rdap.autnum, asn)
            asn_names[asn] = parse_autnum(a.data) if a.data else {}
        cdn = is_cdn_address(providers, ip, asn)
        addresses.append({"ip": ip, "asn": asn, "asn_prefix": asn_info.prefix if asn_info else None,
                          "asn_name": (asn_names.get(asn) or {}).get("name"),
                          "network": net, "cdn": cdn.id if cdn else None,
                          "rdap_url": r.url, "rdap_error": r.error})
        net_cache[ip] = r

    # 3. Domain registration
    domain, registered = {}, None
    if not _is_ip(host):
        failed = []
        for cand in _domain_candidates(host, dres.zone):
            r = lookup(rdap.domain, cand, record=False)
            if r.data:
                domain, registered = parse_domain(r.data), cand
                domain["rdap_url"] = r.url
                break
            failed.append(r.error)
            if r.error_kind != "not_found":     # 404 for a longer name is how the registration is found
                break
        if not domain:
            errors += failed

    # 4. CDN detection
    site_headers = dict(headers or {})
    if con is not None and not site_headers:
        site_headers = store_sql.site_headers(con, host)
    matches = detect(providers, addresses=dres.addresses, cnames=dres.cname_chain,
                     asns={a["ip"]: a["asn"] for a in addresses if a["asn"] is not None},
                     headers=site_headers, ns=dres.ns)
    cdn_ids = {m.provider.id for m in matches}

    # 5. Match organisations to registry targets
    targets = store_sql.targets(con) if con is not None else {}
    if con is not None:
        host_map.add_target_urls(store_sql.target_urls(con))
    known = set(targets) or None
    hops: list[dict] = []
    platform = host_map.match_platform(host, known)
    if platform:
        hops.append({"role": "platform", "organisation": (targets.get(platform) or {}).get("name") or platform,
                     "target_id": platform, "matched_by": "url domain", "addresses": [], "abuse_emails": [],
                     "country": None})
    for m in matches:
        mine = [a for a in addresses if a["cdn"] == m.provider.id or is_cdn_address([m.provider], a["ip"], a["asn"])]
        emails = _unique(e for a in mine for e in a["network"].get("abuse_emails") or [])
        tid = m.provider.target if m.provider.target and (known is None or m.provider.target in known) else None
        how = "cdn data" if tid else None
        if not tid:
            hit = host_map.match_org(asn=next((a["asn"] for a in mine if a["asn"]), None), names=[m.provider.name],
                                     domains=email_domains(emails), known=known)
            tid, how = hit if hit else (None, None)
        hops.append({"role": "cdn", "organisation": m.provider.name, "target_id": tid, "matched_by": how,
                     "addresses": [a["ip"] for a in mine], "asn": next((a["asn"] for a in mine if a["asn"]), None),
                     "abuse_emails": emails, "signals": m.signals,
                     "country": next((a["network"].get("country") for a in mine if a["network"].get("country")), None),
                     "rdap_evidence": [a["rdap_url"] for a in mine if a["rdap_url"]]})
    origin = [a for a in addresses if not a["cdn"]]
    groups: dict[str, list[dict]] = {}
    for a in origin:
        key = a["network"].get("registrant") or (asn_names.get(a["asn"]) or {}).get("name") or \
            a["network"].get("handle") or (f"AS{a['asn']}" if a["asn"] else None)
        groups.setdefault(key or f"?{a['ip']}", []).append(a)
    for org, group in groups.items():
        net = group[0]["network"]
        if org.startswith("?"):          # neither RDAP nor the ASN look-up said who holds it
            hops.append({"role": "host", "organisation": None, "target_id": None, "matched_by": None,
                         "addresses": [a["ip"] for a in group], "abuse_emails": [], "country": None,
                         "unknown": f"holder of {group[0]['ip']} unknown ({group[0]['rdap_error'] or 'no RDAP data'})"})
            continue
        asn = group[0]["asn"]
        asrec = asn_names.get(asn) or {}
        emails = _unique(e for a in group for e in a["network"].get("abuse_emails") or []) or asrec.get("abuse_emails") or []
        hit = host_map.match_org(asn=asn, handles=[net.get("handle"), net.get("registrant_handle"), asrec.get("handle"),
                                                  asrec.get("registrant_handle")],
                                 domains=email_domains(emails), names=[org, net.get("name"), asrec.get("name"),
                                                                      asrec.get("registrant")], known=known)
        hops.append({"role": "host", "organisation": org, "target_id": hit[0] if hit else None,
                     "matched_by": hit[1] if hit else None, "addresses": [a["ip"] for a in group], "asn": asn,
                     "network": ", ".join(net.get("cidrs") or []) or net.get("handle"),
                     "network_handle": net.get("handle"), "country": net.get("country"), "abuse_emails": emails,
                     "rdap_evidence": [a["rdap_url"] for a in group if a["rdap_url"]]})
    if addresses and not origin and matches:
        hops.append({"role": "host", "organisation": None, "target_id": None, "matched_by": None, "addresses": [],
                     "abuse_emails": [], "country": None,
                     "unknown": f"origin host hidden behind {', '.join(m.provider.name for m in matches)}: "
                                f"ask the CDN to forward the report to the host or to name it"})
    if domain.get("registrar"):
        hit = host_map.match_org(handles=[domain.get("registrar_handle")],
                                 domains=email_domains(domain.get("abuse_emails") or []) +
                                 ([host_of(domain["registrar_url"])] if domain.get("registrar_url") else []),
                                 names=[domain["registrar"]], known=known)
        hops.append({"role": "registrar", "organisation": domain["registrar"], "target_id": hit[0] if hit else None,
                     "matched_by": hit[1] if hit else None, "addresses": [], "abuse_emails": domain.get("abuse_emails") or [],
                     "country": None, "registrar_iana_id": domain.get("registrar_iana_id"),
                     "rdap_evidence": [domain["rdap_url"]] if domain.get("rdap_url") else []})

    # 6. What the store knows about each matched target, and the chain
    info = {}
    for tid in {h["target_id"] for h in hops if h.get("target_id")}:
        if con is None:
            continue
        info[tid] = {"score": store_sql.latest_score(con, tid), "channels": store_sql.latest_channels(con, tid),
                     "stated_quotes": element_quotes(con, tid, "stated_response_time"),
                     "process_quotes": element_quotes(con, tid, "statutory_ncii_process")}
    chain = build_chain(hops, info, targets, rules, today)
    return {
        "query": query, "host": host, "registered_domain": registered, "platform_target_id": platform,
        "resolver": getattr(dns, "server", None), "started_at": started,
        "finished_at": _dt.datetime.now(_dt.timezone.utc), "dns": dres.as_dict(), "addresses": addresses,
        "domain": domain, "cdn": [{"provider": m.provider.id, "name": m.provider.name, "signals": m.signals,
                                   "ranges_retrieved": m.provider.ranges_retrieved} for m in matches],
        "cdn_ids": sorted(cdn_ids), "chain": chain, "errors": errors, "rdap_responses": responses,
    }


def _unique(items) -> list:
    out = []
    for x in items:
        if x and x not in out:
            out.append(x)
    return out
