"""RDAP (RFC 9083 responses, RFC 9224 bootstrap): who holds a network, an AS or a domain.

- `Bootstrap` finds the RDAP base URL for a domain, an address or an ASN from IANA's
  bootstrap files (dns.json, ipv4.json, ipv6.json, asn.json), read from a folder the user
  gives (`--rdap-bootstrap DIR`) or downloaded from IANA_BOOTSTRAP and cached for a week.
- `RdapClient` does the HTTP GETs (stdlib urllib): riskaudit's User-Agent, a timeout, a size
  cap, redirects re-checked against the private-address guard (crawler.guards) unless
  `allow_private`. 404 / 429 / other failures are raised as `RdapError` (a UserError with one
  line naming the URL) so that callers record them as failed look-ups, never as tracebacks.
- `parse_*` are pure: RDAP JSON -> the fields a trace needs, abuse contacts found in nested
  entities (role `abuse`, vCard `email`).
"""
from __future__ import annotations

import datetime as _dt
import ipaddress
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urljoin

from riskaudit import USER_AGENT
from riskaudit.core.cache import cache_dir
from riskaudit.core.errors import UserError

IANA_BOOTSTRAP = "https://data.iana.org/rdap/"
BOOTSTRAP_FILES = ("dns.json", "ipv4.json", "ipv6.json", "asn.json")
CACHE_MAX_AGE_S = 7 * 24 * 3600
MAX_BYTES = 2_000_000
RDAP_ACCEPT = "application/rdap+json, application/json;q=0.9"


class RdapError(UserError):
    """An RDAP look-up failed in an expected way (not found, rate limited, refused, timeout)."""

    def __init__(self, message: str, *, url: str, status: int | None = None, kind: str = "error",
                 body: bytes | None = None):
        super().__init__(message)
        self.url, self.status, self.kind, self.body = url, status, kind, body


def default_cache_dir() -> Path:
    return cache_dir("rdap-bootstrap")


# ---------------------------------------------------------------- HTTP
class _GuardedRedirects(urllib.request.HTTPRedirectHandler):
    def __init__(self, allow_private: bool):
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        refusal = check_url(newurl, self.allow_private)
        if refusal:
            raise RdapError(f"{req.full_url}: redirect to {newurl} refused ({refusal})", url=req.full_url,
                            kind="private_address")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def check_url(url: str, allow_private: bool) -> str | None:
    """Why `url` must not be requested (scheme or private-address guard), or None."""
    from crawler.guards import url_refusal
    return url_refusal(url, allow_private)


@dataclass
class HttpResult:
    url: str
    status: int
    body: bytes
    content_type: str | None
    fetched_at: _dt.datetime
    headers: dict = field(default_factory=dict)


def http_get(url: str, *, allow_private: bool = False, timeout: float = 15.0, max_bytes: int = MAX_BYTES,
             accept: str = RDAP_ACCEPT) -> HttpResult:
    """GET `url` with the guards; any failure is an RdapError naming the URL."""
    refusal = check_url(url, allow_private)
    if refusal:
        raise RdapError(f"{url}: refused ({refusal}); --allow-private lifts the address guard",
                        url=url, kind="private_address")
    opener = urllib.request.build_opener(_GuardedRedirects(allow_private))
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": accept})
    fetched_at = _dt.datetime.now(_dt.timezone.utc)
    try:
        with opener.open(req, timeout=timeout) as resp:
            body = resp.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise RdapError(f"{url}: response larger than {max_bytes} bytes", url=url, kind="too_large")
            return HttpResult(url=resp.geturl(), status=resp.status, body=body,
                              content_type=resp.headers.get("Content-Type"), fetched_at=fetched_at,
                              headers={k.lower(): v for k, v in resp.headers.items()})
    except urllib.error.HTTPError as exc:
        body = exc.read(max_bytes) if exc.fp else b""
        kind = {404: "not_found", 429: "rate_limited"}.get(exc.code, "http_error")
        extra = ""
        if exc.code == 429 and exc.headers.get("Retry-After"):
            extra = f"; retry after {exc.headers.get('Retry-After')} s"
        raise RdapError(f"{url}: HTTP {exc.code} {exc.reason}{extra}", url=url, status=exc.code, kind=kind,
                        body=body) from None
    except RdapError:
        raise
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RdapError(f"{url}: request failed ({reason})", url=url, kind="unreachable") from None


# ---------------------------------------------------------------- bootstrap
class Bootstrap:
    """RDAP base URLs by TLD, IP prefix and ASN range (RFC 9224 files)."""

    def __init__(self, files: dict[str, dict], source: str):
        self.source = source
        self.dns: list[tuple[str, list[str]]] = []
        self.ip: list[tuple[ipaddress._BaseNetwork, list[str]]] = []
        self.asn: list[tuple[int, int, list[str]]] = []
        for fname, data in files.items():
            for entry in data.get("services", []):
                if not (isinstance(entry, list) and len(entry) >= 2):
                    raise UserError(f"{source}/{fname}: malformed services entry {entry!r}")
                keys, urls = entry[0], _prefer_https(entry[1])
                for key in keys:
                    try:
                        if fname == "dns.json":
                            self.dns.append((key.lower().strip("."), urls))
                        elif fname in ("ipv4.json", "ipv6.json"):
                            self.ip.append((ipaddress.ip_network(key, strict=False), urls))
                        elif fname == "asn.json":
                            lo, _, hi = key.partition("-")
                            self.asn.append((int(lo), int(hi or lo), urls))
                    except (ValueError, TypeError, AttributeError):
                        raise UserError(f"{source}/{fname}: {key!r} is not a valid "
                                        f"{'domain' if fname == 'dns.json' else 'AS range' if fname == 'asn.json' else 'prefix'}"
                                        " key (expected IANA's RDAP bootstrap format)") from None
        self.ip.sort(key=lambda t: t[0].prefixlen, reverse=True)

    @classmethod
    def from_dir(cls, folder: str | Path) -> "Bootstrap":
        folder = Path(folder)
        files = {}
        for name in BOOTSTRAP_FILES:
            p = folder / name
            if not p.exists():
                continue
            try:
                files[name] = json.loads(p.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise UserError(f"{p}: not a readable RDAP bootstrap JSON file ({exc})") from None
        if not files:
            raise UserError(f"{folder}: no RDAP bootstrap files ({', '.join(BOOTSTRAP_FILES)}) in this folder")
        return cls(files, str(folder))

    @classmethod
    def cached(cls, cache_dir: str | Path | None = None, *, allow_private: bool = False,
               base_url: str = IANA_BOOTSTRAP, max_age_s: int = CACHE_MAX_AGE_S) -> "Bootstrap":
        """IANA's files, downloaded into `cache_dir` when missing or older than `max_age_s`."""
        cache = Path(cache_dir) if cache_dir else default_cache_dir()
        try:
            cache.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"RDAP bootstrap cache {cache}: cannot create ({exc.strerror or exc}); "
                            "pass --rdap-bootstrap DIR or set XDG_CACHE_HOME to a writable folder") from None
        for name in BOOTSTRAP_FILES:
            p = cache / name
            if p.exists() and time.time() - p.stat().st_mtime < max_age_s:
                continue
            try:
                res = http_get(urljoin(base_url, name), allow_private=allow_private, accept="application/json")
                json.loads(res.body)
            except (RdapError, ValueError) as exc:
                if p.exists():       # stale but usable
                    continue
                raise UserError(f"RDAP bootstrap {urljoin(base_url, name)} unavailable ({exc}); "
                                "pass --rdap-bootstrap DIR with IANA's dns.json, ipv4.json, ipv6.json, asn.json") from None
            tmp = p.with_suffix(".tmp")
            try:
                tmp.write_bytes(res.body)
                tmp.replace(p)
            except OSError as exc:
                tmp.unlink(missing_ok=True)
                raise UserError(f"RDAP bootstrap cache {p}: cannot write ({exc.strerror or exc}); "
                                "pass --rdap-bootstrap DIR or set XDG_CACHE_HOME to a writable folder") from None
        return cls.from_dir(cache)

    def for_domain(self, name: str) -> list[str]:
        labels = name.lower().strip(".").split(".")
        for i in range(len(labels)):           # longest matching suffix wins
            suffix = ".".join(labels[i:])
            for key, urls in self.dns:
                if key == suffix:
                    return urls
        return []

    def for_ip(self, ip: str) -> list[str]:
        addr = ipaddress.ip_address(ip)
        for net, urls in self.ip:
            if net.version == addr.version and addr in net:
                return urls
        return []

    def for_asn(self, asn: int) -> list[str]:
        for lo, hi, urls in self.asn:
            if lo <= asn <= hi:
                return urls
        return []


def _prefer_https(urls: list[str]) -> list[str]:
    return sorted(urls, key=lambda u: 0 if u.startswith("https:") else 1)


# ---------------------------------------------------------------- client
@dataclass
class RdapResponse:
    """One RDAP look-up, kept as evidence (raw body) even when it failed."""
    query_type: str            # ip | autnum | domain
    query: str
    url: str | None
    status: int | None
    data: dict | None
    body: bytes | None
    fetched_at: _dt.datetime
    error: str | None = None
    error_kind: str | None = None   # not_found | rate_limited | http_error | unreachable | private_address | no_server | bad_json


class RdapClient:
    def __init__(self, bootstrap: Bootstrap, *, allow_private: bool = False, timeout: float = 15.0,
                 max_bytes: int = MAX_BYTES, get=http_get):
        self.bootstrap, self.allow_private, self.timeout, self.max_bytes = bootstrap, allow_private, timeout, max_bytes
        self._get = get

    def _lookup(self, query_type: str, query: str, bases: list[str]) -> RdapResponse:
        now = _dt.datetime.now(_dt.timezone.utc)
        if not bases:
            return RdapResponse(query_type, query, None, None, None, None, now,
                                f"no RDAP server for {query_type} {query} in the bootstrap ({self.bootstrap.source})",
                                "no_server")
        url = urljoin(bases[0] if bases[0].endswith("/") else bases[0] + "/", f"{query_type}/{quote(query, safe='')}")
        try:
            res = self._get(url, allow_private=self.allow_private, timeout=self.timeout, max_bytes=self.max_bytes)
        except RdapError as exc:
            return RdapResponse(query_type, query, url, exc.status, None, exc.body, now, str(exc), exc.kind)
        try:
            data = json.loads(res.body)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            return RdapResponse(query_type, query, url, res.status, None, res.body, res.fetched_at,
                                f"{url}: not RDAP JSON ({exc})", "bad_json")
        return RdapResponse(query_type, query, res.url, res.status, data, res.body, res.fetched_at)

    def ip(self, ip: str) -> RdapResponse:
        return self._lookup("ip", ip, self.bootstrap.for_ip(ip))

    def autnum(self, asn: int) -> RdapResponse:
        return self._lookup("autnum", str(asn), self.bootstrap.for_asn(asn))

    def domain(self, name: str) -> RdapResponse:
        return self._lookup("domain", name, self.bootstrap.for_domain(name))


# ---------------------------------------------------------------- parsing (pure)
def vcard(entity: dict) -> dict:
    """{'fn': str|None, 'org': str|None, 'emails': [...], 'kind': ...} from an entity's jCard."""
    out = {"fn": None, "org": None, "emails": [], "kind": None}
    arr = entity.get("vcardArray")
    if not (isinstance(arr, list) and len(arr) == 2 and isinstance(arr[1], list)):
        return out
    for prop in arr[1]:
        if not (isinstance(prop, list) and len(prop) >= 4):
            continue
        name, value = str(prop[0]).lower(), prop[3]
        if isinstance(value, list):
            value = " ".join(str(v) for v in value if v)
        value = str(value).strip() if value is not None else ""
        if not value:
            continue
        if name == "email" and value not in out["emails"]:
            out["emails"].append(value.removeprefix("mailto:"))
        elif name in ("fn", "org", "kind") and out[name] is None:
            out[name] = value
    return out


def walk_entities(obj: dict, parents: tuple = ()):
    """(entity, roles of its ancestors) for every entity, nested entities included."""
    for ent in obj.get("entities") or []:
        if isinstance(ent, dict):
            yield ent, parents
            yield from walk_entities(ent, parents + tuple(ent.get("roles") or ()))


def entities_with_role(obj: dict, role: str) -> list[dict]:
    return [e for e, _ in walk_entities(obj) if role in (e.get("roles") or [])]


def abuse_emails(obj: dict, within_role: str | None = None) -> list[str]:
    """E-mails of entities with role `abuse` (anywhere, or only under an entity with `within_role`)."""
    out: list[str] = []
    for ent, parents in walk_entities(obj):
        if "abuse" not in (ent.get("roles") or []):
            continue
        if within_role and within_role not in parents and within_role not in (ent.get("roles") or []):
            continue
        for e in vcard(ent)["emails"]:
            if e not in out:
                out.append(e)
    return out


def entity_name(ent: dict) -> str | None:
    card = vcard(ent)
    return card["org"] or card["fn"] or ent.get("handle")


def _first_role_name(obj: dict, roles: tuple[str, ...]) -> tuple[str | None, str | None]:
    for role in roles:
        for ent in entities_with_role(obj, role):
            name = entity_name(ent)
            if name:
                return name, ent.get("handle")
    return None, None


def _event(obj: dict, action: str) -> str | None:
    for ev in obj.get("events") or []:
        if isinstance(ev, dict) and ev.get("eventAction") == action:
            return ev.get("eventDate")
    return None


def parse_ip_network(data: dict) -> dict:
    """Network fields of an RDAP `ip network` object."""
    registrant, registrant_handle = _first_role_name(data, ("registrant", "administrative", "technical"))
    cidrs = []
    for c in data.get("cidr0_cidrs") or []:
        prefix = c.get("v4prefix") or c.get("v6prefix")
        if prefix is not None and c.get("length") is not None:
            cidrs.append(f"{prefix}/{c['length']}")
    if not cidrs and data.get("startAddress") and data.get("endAddress"):
        try:
            cidrs = [str(n) for n in ipaddress.summarize_address_range(
                ipaddress.ip_address(data["startAddress"]), ipaddress.ip_address(data["endAddress"]))]
        except (ValueError, TypeError):
            cidrs = []
    origin = data.get("arin_originas0_originautnums") or []
    return {
        "handle": data.get("handle"), "name": data.get("name"), "type": data.get("type"),
        "start": data.get("startAddress"), "end": data.get("endAddress"), "cidrs": cidrs,
        "country": data.get("country"), "parent_handle": data.get("parentHandle"),
        "registrant": registrant, "registrant_handle": registrant_handle,
        "abuse_emails": abuse_emails(data), "origin_asns": [int(a) for a in origin if str(a).isdigit()],
        "port43": data.get("port43"),
    }


def parse_autnum(data: dict) -> dict:
    registrant, registrant_handle = _first_role_name(data, ("registrant", "administrative", "technical"))
    return {"handle": data.get("handle"), "name": data.get("name"), "country": data.get("country"),
            "start": data.get("startAutnum"), "end": data.get("endAutnum"), "registrant": registrant,
            "registrant_handle": registrant_handle, "abuse_emails": abuse_emails(data)}


def parse_domain(data: dict) -> dict:
    """Registrar, its IANA id and abuse contact (nested under the registrar entity), name servers."""
    registrar, registrar_handle, iana_id, url = None, None, None, None
    for ent in entities_with_role(data, "registrar"):
        registrar = entity_name(ent)
        registrar_handle = ent.get("handle")
        for pid in ent.get("publicIds") or []:
            if isinstance(pid, dict) and "iana" in str(pid.get("type", "")).lower():
                iana_id = str(pid.get("identifier"))
        for link in ent.get("links") or []:
            if isinstance(link, dict) and link.get("href", "").startswith("http") and link.get("rel") in ("about", "self", None):
                url = url or link["href"]
        break
    abuse = abuse_emails(data, within_role="registrar") or abuse_emails(data)
    registrant, _ = _first_role_name(data, ("registrant",))
    return {
        "handle": data.get("handle"), "name": (data.get("ldhName") or "").lower() or None,
        "registrar": registrar, "registrar_handle": registrar_handle, "registrar_iana_id": iana_id,
        "registrar_url": url, "abuse_emails": abuse, "registrant": registrant,
        "nameservers": sorted((ns.get("ldhName") or "").lower().rstrip(".")
                              for ns in data.get("nameservers") or [] if isinstance(ns, dict) and ns.get("ldhName")),
        "status": list(data.get("status") or []),
        "registered": _event(data, "registration"), "expires": _event(data, "expiration"),
    }
