"""A tiny authoritative-and-recursive-looking DNS server for tests (dnslib, UDP, 127.0.0.1).

`LocalDns(zone)` answers from a dict {(name, type): [rdata text, ...]} and follows CNAMEs the
way a recursive resolver does (the answer holds the CNAME chain and then the addresses).
Unknown names get NXDOMAIN; known names without the asked type get an empty NOERROR.
"""
from __future__ import annotations

import threading

from dnslib import QTYPE, RCODE, RR, DNSLabel
from dnslib.server import BaseResolver, DNSLogger, DNSServer


class _ZoneResolver(BaseResolver):
    def __init__(self, zone: dict[tuple[str, str], list[str]]):
        self.zone = {(n.lower().rstrip("."), t.upper()): v for (n, t), v in zone.items()}
        self.names = {n for n, _ in self.zone}
        self.queries: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    def _rrs(self, name: str, qtype: str) -> list:
        return [RR.fromZone(f"{name}. 300 IN {qtype} {value}")[0] for value in self.zone.get((name, qtype), [])]

    def resolve(self, request, handler):
        reply = request.reply()
        qname = str(request.q.qname).lower().rstrip(".")
        qtype = QTYPE[request.q.qtype]
        with self.lock:
            self.queries.append((qname, qtype))
        name, seen = qname, set()
        while True:
            if (name, qtype) in self.zone or qtype == "CNAME":
                for rr in self._rrs(name, qtype):
                    reply.add_answer(rr)
                break
            cname = self.zone.get((name, "CNAME"))
            if not cname or name in seen:
                break
            seen.add(name)
            for rr in self._rrs(name, "CNAME"):
                reply.add_answer(rr)
            name = cname[0].lower().rstrip(".")
        if not reply.rr and qname not in self.names and not any(n.endswith("." + qname) for n in self.names):
            reply.header.rcode = RCODE.NXDOMAIN
        return reply


class LocalDns:
    """Context manager: `with LocalDns(zone) as dns: dns.address -> '127.0.0.1:PORT'`."""

    def __init__(self, zone: dict[tuple[str, str], list[str]]):
        self.resolver = _ZoneResolver(zone)
        self._server = DNSServer(self.resolver, address="127.0.0.1", port=0,
                                 logger=DNSLogger(log="-request,-reply,-truncated,-error", prefix=False))

    @property
    def address(self) -> str:
        host, port = self._server.server.server_address[:2]
        return f"{host}:{port}"

    def __enter__(self) -> "LocalDns":
        self._server.start_thread()
        return self

    def __exit__(self, *exc) -> None:
        self._server.stop()
        self._server.server.server_close()


__all__ = ["LocalDns", "DNSLabel"]
