"""CDN / reverse-proxy detection from published address ranges, CNAME suffixes, ASNs and
response headers (data/cdn_ranges.yaml), and the parsers that refresh those ranges.

A match means the CDN *fronts* the site: it answers for it, but the content lives on an
origin host behind it. Detection is pure; only `fetch_updates` touches the network.
"""
from __future__ import annotations

import datetime as _dt
import ipaddress
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from riskaudit.core.errors import UserError

DATA_PATH = Path(__file__).parent / "data" / "cdn_ranges.yaml"
UPDATE_FORMATS = ("lines", "fastly_json", "aws_json", "ip_list_json")


@dataclass
class Provider:
    id: str
    name: str
    target: str | None = None
    asns: list[int] = field(default_factory=list)
    cname_suffixes: list[str] = field(default_factory=list)
    ns_suffixes: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    networks: list = field(default_factory=list)
    ranges_source: str | None = None
    ranges_retrieved: str | None = None


@dataclass
class CdnMatch:
    provider: Provider
    signals: list[str]              # e.g. "address 104.16.1.1 in 104.16.0.0/13", "CNAME x.cdn.cloudflare.net"


def load_providers(path: str | Path | None = None) -> list[Provider]:
    path = Path(path) if path else DATA_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"{path}: cannot read the CDN ranges file ({str(exc).splitlines()[0]})") from None
    out = []
    for i, p in enumerate((data or {}).get("providers") or [], 1):
        where = f"{path}: provider {i} ({p.get('id') if isinstance(p, dict) else '?'})"
        if not isinstance(p, dict) or not p.get("id") or not p.get("name"):
            raise UserError(f"{where}: needs `id` and `name`")
        nets = []
        for r in p.get("ranges") or []:
            try:
                nets.append(ipaddress.ip_network(str(r), strict=False))
            except ValueError:
                raise UserError(f"{where}: range {r!r} is not a CIDR prefix") from None
        headers = p.get("headers") or {}
        for h, rx in headers.items():
            try:
                re.compile(rx or "")
            except re.error as exc:
                raise UserError(f"{where}: header {h} pattern {rx!r} invalid ({exc})") from None
        out.append(Provider(
            id=str(p["id"]), name=str(p["name"]), target=p.get("target"),
            asns=[int(a) for a in p.get("asns") or []],
            cname_suffixes=[s.lower().strip(".") for s in p.get("cname_suffixes") or []],
            ns_suffixes=[s.lower().strip(".") for s in p.get("ns_suffixes") or []],
            headers={str(k).lower(): str(v or "") for k, v in headers.items()},
            networks=nets, ranges_source=p.get("ranges_source"),
            ranges_retrieved=str(p["ranges_retrieved"]) if p.get("ranges_retrieved") else None))
    return out


def _suffix_match(name: str, suffixes: list[str]) -> str | None:
    name = name.lower().rstrip(".")
    for s in suffixes:
        if name == s or name.endswith("." + s):
            return s
    return None


def detect(providers: list[Provider], *, addresses: list[str] = (), cnames: list[str] = (),
           asns: dict[str, int] | None = None, headers: dict[str, str] | None = None,
           ns: list[str] = ()) -> list[CdnMatch]:
    """Providers fronting a site, with the signals that show it (strong signals only).

    Strong: an address in a published range, a CNAME under a provider suffix, an address
    announced by a provider's CDN-only ASN, a response-header signature. Name servers at a
    provider are recorded as a signal only when a strong one exists.
    """
    asns = asns or {}
    hdrs = {k.lower(): str(v) for k, v in (headers or {}).items()}
    out = []
    for p in providers:
        signals = []
        for a in addresses:
            addr = ipaddress.ip_address(a)
            net = next((n for n in p.networks if n.version == addr.version and addr in n), None)
            if net is not None:
                signals.append(f"address {a} in {p.name} range {net}")
            elif asns.get(a) in p.asns:
                signals.append(f"address {a} announced by AS{asns[a]} ({p.name})")
        for c in cnames:
            s = _suffix_match(c, p.cname_suffixes)
            if s:
                signals.append(f"CNAME {c} under {s}")
        for h, rx in p.headers.items():
            if h in hdrs and (not rx or re.search(rx, hdrs[h])):
                signals.append(f"response header {h}: {hdrs[h][:60]}")
        if signals:
            signals += [f"name server {n} under {s}" for n in ns if (s := _suffix_match(n, p.ns_suffixes))]
            out.append(CdnMatch(p, signals))
    return out


def is_cdn_address(providers: list[Provider], ip: str, asn: int | None = None) -> Provider | None:
    addr = ipaddress.ip_address(ip)
    for p in providers:
        if any(n.version == addr.version and addr in n for n in p.networks) or (asn is not None and asn in p.asns):
            return p
    return None


# ---------------------------------------------------------------- updating the data file
def parse_published(body: bytes, fmt: str, service: str | None = None) -> list[str]:
    """CIDR prefixes from one provider list. Formats:
    lines (one CIDR per line; Cloudflare), fastly_json ({"addresses", "ipv6_addresses"}),
    aws_json (ip-ranges.json; `prefixes`/`ipv6_prefixes` filtered by `service`),
    ip_list_json (a JSON list of single addresses; BunnyCDN)."""
    text = body.decode("utf-8", "replace")
    if fmt == "lines":
        items = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    else:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UserError(f"not JSON ({exc})") from None
        if fmt == "fastly_json":
            items = list(data.get("addresses") or []) + list(data.get("ipv6_addresses") or [])
        elif fmt == "aws_json":
            items = [p["ip_prefix"] for p in data.get("prefixes") or [] if not service or p.get("service") == service]
            items += [p["ipv6_prefix"] for p in data.get("ipv6_prefixes") or [] if not service or p.get("service") == service]
        elif fmt == "ip_list_json":
            items = [str(x) for x in (data if isinstance(data, list) else [])]
        else:
            raise UserError(f"unknown list format {fmt!r}; use one of {', '.join(UPDATE_FORMATS)}")
    out = []
    for it in items:
        try:
            net = str(ipaddress.ip_network(it.strip(), strict=False))
        except ValueError:
            raise UserError(f"{it!r} is not an address or CIDR prefix") from None
        if net not in out:
            out.append(net)
    return out


def update_file(path: str | Path, fetched: dict[str, list[tuple[str, bytes]]],
                retrieved: str | None = None) -> dict[str, int]:
    """Rewrite the ranges of the providers in `fetched` ({id: [(source url or file, body)]}).

    Every list of a provider must parse, else the provider is left unchanged (all-or-nothing
    per provider; an empty result also leaves it unchanged). Returns {id: number of ranges}.
    The YAML is re-emitted without comments other than the header; sources and dates are kept
    in the fields.
    """
    path = Path(path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    retrieved = retrieved or _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    counts = {}
    for p in data.get("providers") or []:
        bodies = fetched.get(p["id"])
        if not bodies:
            continue
        specs = p.get("update_urls") or []
        ranges: list[str] = []
        for i, (source, body) in enumerate(bodies):
            spec = specs[i] if i < len(specs) else specs[-1] if specs else {"format": "lines"}
            try:
                ranges += [r for r in parse_published(body, spec.get("format", "lines"), spec.get("service"))
                           if r not in ranges]
            except UserError as exc:
                raise UserError(f"{source}: {exc}") from None
        if not ranges:
            continue
        p["ranges"] = ranges
        p["ranges_retrieved"] = retrieved
        p["ranges_source"] = ", ".join(s for s, _ in bodies)
        counts[p["id"]] = len(ranges)
    data["updated"] = retrieved[:10]
    header = "".join(ln + "\n" for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith("#"))
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    path.write_text(header + body, encoding="utf-8")
    return counts


def fetch_updates(path: str | Path | None = None, *, from_dir: str | Path | None = None,
                  get=None) -> dict[str, list[tuple[str, bytes]]]:
    """Bodies of every provider's `update_urls`, from the network or from files in `from_dir`
    named `<provider id>.<n>.<anything>` (n = 1, 2... in update_urls order)."""
    path = Path(path) if path else DATA_PATH
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, bytes]]] = {}
    for p in data.get("providers") or []:
        bodies = []
        for n, spec in enumerate(p.get("update_urls") or [], 1):
            if from_dir:
                files = sorted(Path(from_dir).glob(f"{p['id']}.{n}.*"))
                if not files:
                    break
                bodies.append((str(files[0]), files[0].read_bytes()))
            else:
                from riskaudit.trace.rdap import RdapError, http_get
                try:
                    res = (get or http_get)(spec["url"], accept="*/*")
                except RdapError as exc:       # this provider is left as it is; the others go on
                    print(f"warning: {p['name']} ranges not refreshed: {exc}", file=sys.stderr)
                    break
                bodies.append((spec["url"], res.body))
        else:
            if bodies:
                out[p["id"]] = bodies
    return out
