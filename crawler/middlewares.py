"""Downloader middlewares and the headers guard: the crawler's safety and accounting layer.

Order (see settings.DOWNLOADER_MIDDLEWARES), engine side first:
 40 MediaGuardMiddleware      refuse image/video/audio URLs before any request (redirects included)
 45 PrivateAddressMiddleware  refuse private/loopback/link-local/reserved hosts (unless allowed)
100 RobotsTxtObeyMiddleware   Scrapy's robots.txt check, fixed for requests that wait on the same host
540 ExchangeRecorderMiddleware records the robots.txt exchanges (the spider records all others)
550 BackoffRetryMiddleware    Scrapy's retry with exponential backoff / Retry-After
DownloadGuard (extension) counts the requests handed to the download handler (signal
request_reached_downloader: after the per-domain slot queue, so a retry or a redirect hop is one
more attempt) and aborts a download at the headers when the Content-Type is media.
"""
from __future__ import annotations

import email.utils
import logging
import time

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import Request
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

from crawler.guards import host_refusal, is_media_url, media_content_type
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
    """Resolve the host (in a thread, cached) and refuse non-public addresses unless allowed."""

    def __init__(self, allow_private: bool):
        self.allow_private = allow_private
        self._cache: dict[str, str | None] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("RISKAUDIT_ALLOW_PRIVATE"))

    async def process_request(self, request: Request):
        if self.allow_private:
            return None
        host = urlparse_cached(request).hostname
        if host not in self._cache:
            from twisted.internet import threads
            self._cache[host] = await maybe_deferred_to_future(threads.deferToThread(host_refusal, host))
        reason = self._cache[host]
        if reason:
            raise PrivateAddressRefused(f"private address refused ({reason}): {request.url}")
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
        self.crawler.signals.send_catch_log(signal=ROBOTS_FETCHED, row=row)

    def process_response(self, request, response):
        if _is_robots_request(request):
            self._emit(request, response=response)
        return response

    def process_exception(self, request, exception):
        if _is_robots_request(request):
            self._emit(request, error=classify_exception(exception))
        return None


class DownloadGuard:
    """Extension: count real download attempts; abort downloads whose headers announce media
    (StopDownload at the headers: no body byte is kept)."""

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls()
        crawler.signals.connect(ext.headers_received, signal=signals.headers_received)
        crawler.signals.connect(ext.request_reached_downloader, signal=signals.request_reached_downloader)
        return ext

    def request_reached_downloader(self, request, spider=None):
        trace(request)["attempts"] += 1

    def headers_received(self, headers, body_length, request, spider=None):
        content_type = headers.get(b"Content-Type")
        if media_content_type(content_type, request.url):
            request.meta["ra_media_type"] = content_type.decode("latin-1")
            raise StopDownload(fail=True)


def playwright_abort_request(pw_request) -> bool:
    """PLAYWRIGHT_ABORT_REQUEST: the browser never loads images, media, fonts or media URLs."""
    return pw_request.resource_type in {"image", "media", "font"} or is_media_url(pw_request.url)


def _content_type(response) -> str | None:
    if response is None:
        return None
    value = response.headers.get(b"Content-Type")
    return value.decode("latin-1") if value else None


def _latency_ms(request) -> float | None:
    latency = request.meta.get("download_latency")
    return round(latency * 1000.0, 3) if latency is not None else None


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
    if isinstance(exc, PrivateAddressRefused):
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
