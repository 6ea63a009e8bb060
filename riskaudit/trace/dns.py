"""DNS look-ups for host tracing: A/AAAA with the CNAME chain, NS, and the origin ASN.

Everything goes through `DnsClient`, built on dnspython with an explicit resolver
(`HOST:PORT`, e.g. a local test server) or the system's. The ASN of an address is looked up
in Team Cymru's IP-to-ASN DNS zone (`<reversed ip>.origin.asn.cymru.com`, TXT
"ASN | prefix | CC | registry | date"), which works through the same resolver.
Failures (NXDOMAIN, timeouts, no answer) are recorded in `DnsResult.errors`, never raised.
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver

from riskaudit.core.errors import UserError

CYMRU_V4 = "origin.asn.cymru.com"
CYMRU_V6 = "origin6.asn.cymru.com"


@dataclass
class DnsResult:
    """What DNS says about one name."""
    name: str                                             # the name asked about (lower case, no trailing dot)
    cname_chain: list[str] = field(default_factory=list)  # aliases followed, in order (targets of each CNAME)
    canonical: str = ""                                   # the name the addresses belong to
    a: list[str] = field(default_factory=list)
    aaaa: list[str] = field(default_factory=list)
    ns: list[str] = field(default_factory=list)           # name servers of the zone holding `name`
    zone: str | None = None                               # the zone apex those NS belong to
    errors: list[str] = field(default_factory=list)

    @property
    def addresses(self) -> list[str]:
        return self.a + self.aaaa

    def as_dict(self) -> dict:
        return {"name": self.name, "cname_chain": self.cname_chain, "canonical": self.canonical,
                "a": self.a, "aaaa": self.aaaa, "ns": self.ns, "zone": self.zone, "errors": self.errors}


@dataclass
class AsnInfo:
    asn: int
    prefix: str | None = None
    country: str | None = None
    registry: str | None = None


def _plain(name) -> str:
    return str(name).rstrip(".").lower()


def parse_resolver(spec: str | None) -> tuple[str, int] | None:
    """'HOST[:PORT]' (IPv6 as [addr]:port) -> (host, port); None for the system resolver."""
    if not spec:
        return None
    spec = spec.strip()
    host, port = spec, 53
    if spec.startswith("["):
        host, _, rest = spec[1:].partition("]")
        if rest.startswith(":"):
            port = rest[1:]
    elif spec.count(":") == 1:
        host, port = spec.split(":")
    try:
        ipaddress.ip_address(host)
        port = int(port)
        if not 0 < port < 65536:
            raise ValueError
    except ValueError:
        raise UserError(f"--resolver {spec!r}: expected an IP address and optional port, e.g. 127.0.0.1:5353 or 9.9.9.9") from None
    return host, port


class DnsClient:
    """dnspython resolver with an optional explicit server, a timeout and no search domains."""

    def __init__(self, resolver: str | None = None, timeout: float = 5.0):
        server = parse_resolver(resolver)
        if server:
            self._r = dns.resolver.Resolver(configure=False)
            self._r.nameservers = [server[0]]
            self._r.port = server[1]
        else:
            try:
                self._r = dns.resolver.Resolver()
            except dns.resolver.NoResolverConfiguration:
                raise UserError("no system DNS resolver configured: pass --resolver HOST[:PORT]") from None
        self._r.timeout = timeout
        self._r.lifetime = timeout * 2
        self._r.search = []
        self.server = f"{server[0]}:{server[1]}" if server else "system"

    def _query(self, name: str, rdtype: str, errors: list[str]):
        try:
            return self._r.resolve(name, rdtype, search=False, raise_on_no_answer=False)
        except dns.resolver.NXDOMAIN:
            errors.append(f"{name} {rdtype}: NXDOMAIN")
        except dns.resolver.NoNameservers as exc:
            errors.append(f"{name} {rdtype}: no name server answered ({exc.__class__.__name__})")
        except dns.exception.Timeout:
            errors.append(f"{name} {rdtype}: timeout")
        except dns.exception.DNSException as exc:
            errors.append(f"{name} {rdtype}: {exc.__class__.__name__}")
        return None

    def _addresses(self, name: str, rdtype: str, out: DnsResult) -> list[str]:
        answer = self._query(name, rdtype, out.errors)
        if answer is None:
            return []
        # The CNAME chain is the answer section's CNAME RRsets, followed from the queried name.
        cnames = {_plain(rr.name): _plain(rr[0].target) for rr in answer.response.answer
                  if rr.rdtype == dns.rdatatype.CNAME and len(rr)}
        chain, cur = [], _plain(name)
        while cur in cnames and cnames[cur] not in chain and len(chain) < 16:
            cur = cnames[cur]
            chain.append(cur)
        if len(chain) > len(out.cname_chain):
            out.cname_chain = chain
        out.canonical = chain[-1] if chain else _plain(name)
        if answer.rrset is None:
            return []
        return sorted({r.address for r in answer.rrset})

    def zone_ns(self, name: str, errors: list[str]) -> tuple[str | None, list[str]]:
        """NS of the closest enclosing zone that has NS records (walking up the labels)."""
        labels = _plain(name).split(".")
        for i in range(len(labels) - 1):
            zone = ".".join(labels[i:])
            answer = self._query(zone, "NS", [])
            if answer is not None and answer.rrset is not None:
                return zone, sorted(_plain(r.target) for r in answer.rrset)
        errors.append(f"{name}: no NS records found for it or a parent zone")
        return None, []

    def resolve(self, name: str) -> DnsResult:
        name = _plain(name)
        out = DnsResult(name=name, canonical=name)
        out.a = self._addresses(name, "A", out)
        out.aaaa = self._addresses(name, "AAAA", out)
        if not out.a and not out.aaaa:
            out.errors.append(f"{name}: no A/AAAA records")
        out.zone, out.ns = self.zone_ns(name, out.errors)
        return out

    def origin_asn(self, ip: str) -> AsnInfo | None:
        """The origin AS of `ip` from Team Cymru's DNS zone (None when unknown)."""
        addr = ipaddress.ip_address(ip)
        rev = addr.reverse_pointer.rsplit(".", 2)[0]      # drop in-addr.arpa / ip6.arpa
        qname = f"{rev}.{CYMRU_V4 if addr.version == 4 else CYMRU_V6}"
        answer = self._query(qname, "TXT", [])
        if answer is None or answer.rrset is None:
            return None
        for r in answer.rrset:
            info = parse_cymru_txt(b"".join(r.strings).decode("ascii", "replace"))
            if info:
                return info
        return None


def parse_cymru_txt(text: str) -> AsnInfo | None:
    """'13335 | 104.16.0.0/13 | US | arin | 2014-03-28' -> AsnInfo (first ASN when several)."""
    parts = [p.strip() for p in text.split("|")]
    try:
        asn = int(parts[0].split()[0])
    except (ValueError, IndexError):
        return None
    get = lambda i: parts[i] or None if len(parts) > i else None  # noqa: E731
    return AsnInfo(asn=asn, prefix=get(1), country=get(2), registry=get(3))
