"""Downloader middlewares and the download guard: the crawler's safety and accounting layer.

Order (see settings.DOWNLOADER_MIDDLEWARES), engine side first:
 40 MediaGuardMiddleware      refuse image/video/audio URLs before any request (redirects included)
 45 PrivateAddressMiddleware  refuse literal private/loopback/... IPs and localhost (unless allowed);
                              host names are checked by the DNS resolver (crawler/resolver.py)
100 RobotsTxtObeyMiddleware   Scrapy's robots.txt check, fixed for requests that wait on the same
                              host, with RFC 9309 failure handling
540 ExchangeRecorderMiddleware records the robots.txt exchanges (the spider records all others)
550 BackoffRetryMiddleware    Scrapy's retry with exponential backoff / Retry-After
590 ResolverRefusalMiddleware a DNS failure that was the resolver refusing a private address:
                              'private_address', not retried, no attempt counted
DownloadGuard (extension) counts the requests handed to the download handler (signal
request_reached_downloader: after the per-domain slot queue, so a retry or a redirect hop is one
more attempt), aborts a download at the headers when the Content-Type is media and on the
first body bytes when they carry a media magic number, and stops robots.txt at 500 KiB.
"""
from __future__ import annotations

import email.utils
import ipaddress
import logging
import time

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler, load_object
from twisted.internet.defer import Deferred

from crawler import resolver
from crawler.exchange import exchange_details
from crawler.guards import ROBOTS_MAX_BYTES, SNIFF_BYTES, is_media_url, media_content_type, media_magic
from crawler.resolver import AddressPolicy, PrivateAddressResolved
from riskaudit.core.clock import now_utc

logger = logging.getLogger(__name__)

TRACE = "ra_trace"            # meta key: dict shared by a request, its retries and redirects
ROBOTS_FETCHED = object()     # signal: a robots.txt exchange finished (kwargs: row)


class MediaRefused(IgnoreRequest):
    """A media URL or response was refused; nothing of it is stored."""


class PrivateAddressRefused(IgnoreRequest):
    """The host resolves to a private/loopback/reserved address and allow_private is off."""


def trace(request: Request) -> dict:
    """The accounting dict of a logical fetch (created on first use, shared by copies)."""
    tr = request.meta.get(TRACE)
    if tr is None:
        tr = request.meta[TRACE] = {"attempts": 0}
    return tr


class MediaGuardMiddleware:
    """Refuse requests whose URL has a media extension (also for redirect/meta-refresh targets)."""

    def process_request(self, request: Request):
        if is_media_url(request.url):
            raise MediaRefused(f"media URL refused before request: {request.url}")
        return None


class PrivateAddressMiddleware:
    """Refuse literal private/loopback/link-local/reserved IP hosts and `localhost` before any
    request (unless allowed), and configure the process-wide `AddressPolicy` that the DNS
    resolver (crawler.resolver.GuardedResolver) and the browser guard apply to every
    connection to a host name: resolution happens once per connection, there, so the address
    checked is the address connected to."""

    def __init__(self, policy: AddressPolicy):
        self.policy = policy
        resolver.configure(policy)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(policy_from_settings(crawler.settings))

    def process_request(self, request: Request):
        if self.policy.allow_private:
            return None
        parsed = urlparse_cached(request)
        reason = literal_host_refusal(self.policy, parsed.hostname, _port(parsed))
        if reason:
            raise PrivateAddressRefused(f"private address refused ({reason}): {request.url}")
        return None


def policy_from_settings(settings) -> AddressPolicy:
    resolve = settings.get("RISKAUDIT_RESOLVE_FUNC")
    return AddressPolicy(
        allow_private=settings.getbool("RISKAUDIT_ALLOW_PRIVATE"),
        allow_hosts=frozenset(str(h) for h in settings.getlist("RISKAUDIT_ALLOW_HOSTS")),
        resolve=load_object(resolve) if resolve else resolver.system_resolve)


def literal_host_refusal(policy: AddressPolicy, host: str | None, port: int | None) -> str | None:
    """Why a URL host that needs no DNS (an IP literal, `localhost`) is refused, or None;
    None for other host names too (the resolver checks those)."""
    if policy.allow_private:
        return None
    if not host:
        return "no host"
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    else:
        return policy.refusal(host, port)
    lower = host.lower().rstrip(".")
    if lower == "localhost" or lower.endswith(".localhost"):
        if f"{lower}:{port}" in policy.allow_hosts:
            return None
        return f"{host} loopback"
    return None


def _port(parsed) -> int | None:
    try:
        return parsed.port or {"http": 80, "https": 443}.get(parsed.scheme)
    except ValueError:
        return None


REFUSED = "ra_resolver_refused"    # meta key: why the resolver refused this request's host


class ResolverRefusalMiddleware:
    """First to see a download failure (order 590, before the retries): a DNS failure that was
    the resolver refusing a private address is marked (meta REFUSED), not retried, and its
    attempt uncounted (no request was sent)."""

    def process_exception(self, request, exception):
        from scrapy.exceptions import CannotResolveHostError
        from twisted.internet.error import DNSLookupError

        if isinstance(exception, (CannotResolveHostError, DNSLookupError)):
            known, reason = resolver.take_failure(urlparse_cached(request).hostname)
            if known and reason:
                request.meta[REFUSED] = reason
                request.meta["dont_retry"] = True
                tr = trace(request)
                tr["attempts"] = max(0, tr["attempts"] - 1)
                logger.info("private address refused (%s): %s", reason, request.url)
        return None


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware plus exponential backoff (honouring Retry-After, capped)."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RISKAUDIT_RETRY_BACKOFF_BASE")
        self.cap = settings.getfloat("RISKAUDIT_RETRY_BACKOFF_MAX")

    def _delay(self, retry: Request, retry_after: float | None) -> float:
        n = int(retry.meta.get("retry_times", 1))
        delay = self.base * (2 ** (n - 1))
        if retry_after is not None:
            delay = max(delay, retry_after)
        return max(0.0, min(delay, self.cap))

    async def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            from twisted.internet import reactor, task
            await maybe_deferred_to_future(task.deferLater(reactor, seconds, lambda: None))

    async def process_response(self, request, response, spider=None):
        result = super().process_response(request, response)
        if isinstance(result, Request):
            await self._sleep(self._delay(result, _retry_after(response)))
        return result

    async def process_exception(self, request, exception, spider=None):
        result = super().process_exception(request, exception)
        if isinstance(result, Request):
            await self._sleep(self._delay(result, None))
        return result


def _retry_after(response) -> float | None:
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    value = value.decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _is_robots_request(request: Request) -> bool:
    return request.meta.get("dont_obey_robotstxt") and "ra_purpose" not in request.meta \
        and urlparse_cached(request).path == "/robots.txt"


class RobotsTxtObeyMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, made to check every request against robots.txt.

    While a host's robots.txt is being fetched, Scrapy parks the host's other requests on one
    shared Deferred. Under the asyncio reactor each waiter is adapted with `Deferred.asFuture`,
    whose callback returns None, so only the first waiter receives the parser and the others
    see None and pass unchecked. Once the Deferred has fired, `_parsers[netloc]` holds the real
    parser (or None when robots.txt failed), so a waiter that got None looks it up there.
    """

    async def robot_parser(self, request: Request):
        parser = await super().robot_parser(request)
        if parser is None:
            cached = self._parsers.get(urlparse_cached(request).netloc)
            if cached is not None and hasattr(cached, "allowed"):
                return cached
        return parser

    # RFC 9309 section 2.3.1: 2xx = parse (at most the first ROBOTS_MAX_BYTES: the download is
    # stopped there by DownloadGuard); 4xx (and a redirect chain that does not end) = "unavailable",
    # allow all; 5xx, unreachable, timeout or any other failure = "unreachable", disallow all for
    # this host during the crawl.
    async def _parse_robots(self, response, netloc, request):
        status = response.status
        if 200 <= status < 300:
            body = _robots_prefix(response.body)
        elif status >= 500:
            logger.warning("robots.txt of %s answered %s: the host is treated as fully disallowed", netloc, status)
            body = DISALLOW_ALL
        else:
            body = b""
        await super()._parse_robots(response.replace(body=body), netloc, request)

    def _robots_error(self, exc, netloc):
        label = classify_exception(exc)
        rp_dfd = self._parsers[netloc]
        if label == "private_address":
            # the host itself is refused: its pages are refused for that reason, not robots'
            parser = RefusedHost(str(exc))
        else:
            logger.warning("robots.txt of %s unreachable (%s): the host is treated as fully disallowed",
                           netloc, label)
            parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        self._parsers[netloc] = parser
        if isinstance(rp_dfd, Deferred):
            rp_dfd.callback(parser)


    def process_request_2(self, rp, request):
        if isinstance(rp, RefusedHost):
            raise PrivateAddressRefused(f"private address refused (robots.txt: {rp.reason}): {request.url}")
        return super().process_request_2(rp, request)


class RefusedHost:
    """Robots "parser" of a host whose robots.txt was refused by the address guard."""

    def __init__(self, reason: str):
        self.reason = reason

    def allowed(self, url, user_agent) -> bool:
        return False


DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


def _robots_prefix(body: bytes) -> bytes:
    """The part of a robots.txt body that is parsed: the first ROBOTS_MAX_BYTES, cut at a line end."""
    if len(body) <= ROBOTS_MAX_BYTES:
        return body
    cut = body.rfind(b"\n", 0, ROBOTS_MAX_BYTES)
    return body[: cut + 1 if cut > 0 else ROBOTS_MAX_BYTES]


class ExchangeRecorderMiddleware:
    """Record robots.txt exchanges (final outcome after retries/redirects) as fetch rows.

    The spider's callbacks/errbacks record every other request; robots.txt requests are made
    by Scrapy's RobotsTxtMiddleware without a callback, so they are recorded here.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _emit(self, request, *, response=None, error=None):
        tr = trace(request)
        redirects = request.meta.get("redirect_urls") or []
        row = {
            "target_id": None, "purpose": "robots",
            "url": redirects[0] if redirects else request.url,
            "final_url": response.url if response is not None else request.url,
            "status": response.status if response is not None else None,
            "error": error, "bytes": len(response.body) if response is not None else 0,
            "content_type": _content_type(response),
            "latency_ms": _latency_ms(request), "attempts": tr["attempts"],
            "robots_blocked": False, "media_refused": False, "fetched_at": now_utc(),
        }
        if response is not None:
            row.update(exchange_details(response, request))
        self.crawler.signals.send_catch_log(signal=ROBOTS_FETCHED, row=row)

    def process_request(self, request):
        if _is_robots_request(request):
            # DownloadGuard stops a robots.txt download after ROBOTS_MAX_BYTES and the prefix is
            # parsed (RFC 9309), so an oversized robots.txt is not a failure (= not "allow all")
            request.meta["download_maxsize"] = 0
        return None

    def process_response(self, request, response):
        if _is_robots_request(request):
            self._emit(request, response=response)
        return response

    def process_exception(self, request, exception):
        if _is_robots_request(request):
            label = classify_failure(exception, request)
            self._emit(request, error=label)
            if label == "private_address" and not isinstance(exception, IgnoreRequest):
                return _failure_as(exception, label)
        return None


class DownloadGuard:
    """Extension: count real download attempts; abort downloads that are media: at the headers
    when a Content-Type announces media, on the first body bytes when they start with a media
    magic number (whatever the headers say). StopDownload(fail=True): no body byte is kept.
    Also stops robots.txt downloads at ROBOTS_MAX_BYTES (the rest is not parsed anyway)."""

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls()
        crawler.signals.connect(ext.headers_received, signal=signals.headers_received)
        crawler.signals.connect(ext.bytes_received, signal=signals.bytes_received)
        crawler.signals.connect(ext.request_reached_downloader, signal=signals.request_reached_downloader)
        return ext

    def request_reached_downloader(self, request, spider=None):
        trace(request)["attempts"] += 1

    def headers_received(self, headers, body_length, request, spider=None):
        values = headers.getlist(b"Content-Type")
        request.meta["ra_content_type"] = ", ".join(v.decode("latin-1") for v in values) or None
        request.meta[SNIFF] = b""          # per response: a redirect copy must sniff again
        request.meta[RECEIVED] = 0
        if media_content_type(values, request.url):
            request.meta["ra_media_type"] = request.meta["ra_content_type"]
            raise StopDownload(fail=True)

    def bytes_received(self, data, request, spider=None):
        meta = request.meta
        head = meta.get(SNIFF)
        if head is not None:
            head += data[:SNIFF_BYTES]
            kind = media_magic(head)
            if kind:
                meta["ra_media_type"] = meta.get("ra_content_type")
                meta["ra_media_magic"] = kind
                logger.info("media body refused (%s magic, Content-Type %r): %s", kind,
                            meta.get("ra_content_type"), request.url)
                raise StopDownload(fail=True)
            meta[SNIFF] = None if len(head) >= SNIFF_BYTES else head
        if _is_robots_request(request):
            meta[RECEIVED] = meta.get(RECEIVED, 0) + len(data)
            if meta[RECEIVED] > ROBOTS_MAX_BYTES:
                raise StopDownload(fail=False)     # keep what arrived; only the prefix is parsed


SNIFF = "ra_sniff"            # meta key: first body bytes of the current response (None: done)
RECEIVED = "ra_received"


def playwright_abort_request(pw_request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: the browser never loads images, media, fonts or media URLs."""
    return pw_request.resource_type in {"image", "media", "font"} or is_media_url(pw_request.url)


def _failure_as(exception, label):
    """Re-raise a resolver refusal as PrivateAddressRefused (so robots.txt handling sees why)."""
    raise PrivateAddressRefused(f"private address refused ({label}): {exception}")


def _content_type(response) -> str | None:
    if response is None:
        return None
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _latency_ms(request) -> float | None:
    latency = request.meta.get("download_latency")
    return round(latency * 1000.0, 3) if latency is not None else None


def classify_failure(exc: BaseException, request: Request) -> str:
    """classify_exception, except that a DNS failure which was the resolver refusing a
    private answer (ResolverRefusalMiddleware) is 'private_address'."""
    label = classify_exception(exc)
    if label == "dns" and request.meta.get(REFUSED):
        return "private_address"
    return label


def classify_exception(exc: BaseException) -> str:
    """Short error label for a failed exchange (stored in fetches.error)."""
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadConnectionRefusedError,
        DownloadTimeoutError,
    )
    from twisted.internet import defer
    from twisted.internet import error as txerror

    if isinstance(exc, MediaRefused):
        return "media_refused"
    if isinstance(exc, (PrivateAddressRefused, PrivateAddressResolved)):
        return "private_address"
    if isinstance(exc, StopDownload):
        return "media_refused"
    if isinstance(exc, IgnoreRequest):
        msg = str(exc)
        if "robots.txt" in msg:
            return "robots"
        if "redirect" in msg:
            return "too_many_redirects"
        return f"ignored: {msg}"[:200]
    if isinstance(exc, (DownloadCancelledError, defer.CancelledError)):
        return "too_large"
    if isinstance(exc, (DownloadTimeoutError, txerror.TimeoutError, TimeoutError)):
        return "timeout"
    if isinstance(exc, (CannotResolveHostError, txerror.DNSLookupError)):
        return "dns"
    if isinstance(exc, (DownloadConnectionRefusedError, txerror.ConnectionRefusedError)):
        return "connection_refused"
    name = type(exc).__name__
    return f"{name}: {exc}"[:200]
