"""The crawler's DNS resolver: the address that is checked is the address that is connected to.

Installed with TWISTED_DNS_RESOLVER (crawler/settings.py). Twisted asks it for the address of
every host name it connects to (each new connection, no cache), so the private-address rule is
applied to the very address the socket is opened to: a name that resolves to a public address
for a check and to 127.0.0.1 for the connection (DNS rebinding) cannot slip through, and a
failed lookup is a DNS error for that connection only (fail closed: nothing is remembered).

Literal IP addresses never reach a resolver; `PrivateAddressMiddleware` checks them (and
`localhost`) before any request. The browser (`js: true`) checks its requests with the same
`AddressPolicy` (crawler.browser).

The policy is process-wide: one crawl per process (crawler.run), configured by
`PrivateAddressMiddleware.from_crawler` from the crawl's settings; until then it refuses every
non-public address.
"""
from __future__ import annotations

import collections
import ipaddress
import socket
from dataclasses import dataclass, field

from twisted.internet import threads
from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.error import DNSLookupError
from twisted.internet.interfaces import IHostnameResolver
from zope.interface import implementer

from crawler.guards import address_refusal


def system_resolve(host: str) -> list[str]:
    """All addresses of `host` (IPv4 and IPv6) from the system resolver; raises OSError."""
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return [info[4][0] for info in infos]


@dataclass
class AddressPolicy:
    """Which addresses may be contacted. `allow_private` allows every address (--allow-private);
    `allow_hosts` (tests only, RISKAUDIT_ALLOW_HOSTS) allows exactly these 'ip' or 'ip:port'."""
    allow_private: bool = False
    allow_hosts: frozenset = field(default_factory=frozenset)
    resolve: object = system_resolve

    def refusal(self, ip: str, port: int | None = None) -> str | None:
        if self.allow_private:
            return None
        ip = ip.strip("[]")
        if ip in self.allow_hosts or (port is not None and f"{ip}:{port}" in self.allow_hosts):
            return None
        return address_refusal(ip)

    def check_name(self, host: str, port: int | None = None) -> tuple[list[str], str | None]:
        """Resolve `host` (blocking) -> (addresses, refusal reason or None): refused when any
        address is refused (for this port). Raises OSError when the name does not resolve."""
        try:
            ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
            addrs = [host.strip("[]")]                       # a literal needs no lookup
        except ValueError:
            addrs = list(self.resolve(host))
        if not addrs:
            raise OSError(f"{host}: no address")
        for ip in addrs:
            reason = self.refusal(ip.split("%", 1)[0], port)
            if reason:
                return addrs, f"{host} resolves to {reason}"
        return addrs, None


POLICY = AddressPolicy()
# Twisted turns any resolver error into a plain "no results" DNSLookupError, so the outcome of
# every failed lookup is queued here per host name (None = the name did not resolve, else the
# refusal reason) and taken, in order, by the downloader middleware that sees the failure
# (crawler.middlewares.ResolverRefusalMiddleware): `take_failure(host)`.
_FAILURES: dict[str, collections.deque] = collections.defaultdict(collections.deque)


def _key(host: str | None) -> str:
    return (host or "").lower().rstrip(".")


def take_failure(host: str | None) -> tuple[bool, str | None]:
    """(known, refusal reason) of the oldest failed lookup of `host` not taken yet."""
    queue = _FAILURES.get(_key(host))
    if not queue:
        return False, None
    return True, queue.popleft()


def configure(policy: AddressPolicy) -> None:
    global POLICY
    POLICY = policy


@implementer(IHostnameResolver)
class GuardedResolver:
    """IHostnameResolver: resolve in a thread, refuse non-public addresses (for the port
    connected to), never cache. Installed with TWISTED_DNS_RESOLVER."""

    def __init__(self, reactor, timeout: float = 20.0):
        self.reactor = reactor
        self.timeout = timeout

    @classmethod
    def from_crawler(cls, crawler, reactor):
        return cls(reactor, crawler.settings.getfloat("DNS_TIMEOUT"))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, resolutionReceiver, hostName, portNumber=0,  # noqa: N802,N803 (Twisted)
                        addressTypes=None, transportSemantics="TCP"):  # noqa: N803
        from scrapy.resolver import HostResolution

        resolution = HostResolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        policy = POLICY
        d = threads.deferToThreadPool(self.reactor, self.reactor.getThreadPool(), self._lookup,
                                      policy, hostName, portNumber)

        def resolved(addrs):
            for ip in addrs:
                cls = IPv6Address if ":" in ip else IPv4Address
                if addressTypes is None or cls in addressTypes:
                    resolutionReceiver.addressResolved(cls("TCP", ip, portNumber))
            resolutionReceiver.resolutionComplete()

        def failed(failure):
            self._note_failure(failure, hostName)
            resolutionReceiver.resolutionComplete()     # no address: Twisted's DNSLookupError

        d.addCallbacks(resolved, failed)
        return resolution

    @staticmethod
    def _note_failure(failure, name):
        reason = failure.value.reason if isinstance(failure.value, PrivateAddressResolved) else None
        _FAILURES[_key(name)].append(reason)

    @staticmethod
    def _lookup(policy: AddressPolicy, name: str, port: int | None) -> list[str]:
        try:
            addrs, reason = policy.check_name(name, port or None)
        except (OSError, UnicodeError, ValueError) as exc:
            raise DNSLookupError(f"{name}: {exc}") from None
        if reason:
            raise PrivateAddressResolved(reason)
        return [a.split("%", 1)[0] for a in addrs]


class PrivateAddressResolved(DNSLookupError):
    """A host name resolved to a refused address (raised inside Twisted's connect; Twisted
    reports it to the downloader as a plain DNS failure, see take_failure)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
