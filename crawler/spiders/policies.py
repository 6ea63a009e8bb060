"""The `policies` spider: fetch each target's policy documents, report channels and discovered
policy pages, and yield one FetchItem per exchange (successes, HTTP errors and refusals alike).

    scrapy crawl policies -a registry=crawler/registries/real.yaml -a db=audit.duckdb \
        [-a allow_private=1] [-a targets=a,b]
"""
from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, StopDownload

from crawler.browser import REFUSED_HEADER
from crawler.discovery import policy_links
from crawler.exchange import exchange_details
from crawler.guards import SNIFF_BYTES, looks_login_url, media_content_type, media_magic
from crawler.items import FetchItem
from crawler.middlewares import MediaRefused, classify_failure, trace
from riskaudit.core.clock import now_utc
from riskaudit.registry import load_registry
from riskaudit.store import DEFAULT_DB

JS_HINT = ("JavaScript rendering unavailable ({why}); install a browser with `apt-get install chromium` "
           "and the renderer with `pip install 'riskaudit[js]'` (or set RISKAUDIT_CHROMIUM to the browser path)")
HTTP_ERROR_CODES = list(range(400, 600))   # delivered to the callback (after retries), not dropped
EFFECTIVE_KEYS = ("USER_AGENT", "ROBOTSTXT_OBEY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
                  "DOWNLOAD_DELAY", "AUTOTHROTTLE_ENABLED", "AUTOTHROTTLE_START_DELAY", "AUTOTHROTTLE_MAX_DELAY",
                  "RETRY_TIMES", "RETRY_HTTP_CODES", "DOWNLOAD_TIMEOUT", "DOWNLOAD_MAXSIZE", "REDIRECT_MAX_TIMES",
                  "RISKAUDIT_DISCOVERY_DEPTH", "RISKAUDIT_PAGE_BUDGET", "RISKAUDIT_ALLOW_PRIVATE",
                  "RISKAUDIT_RETRY_BACKOFF_BASE", "RISKAUDIT_RETRY_BACKOFF_MAX")


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def chromium_problem(settings) -> str | None:
    """Why `js: true` documents cannot be rendered here (None when they can)."""
    path = os.environ.get("RISKAUDIT_CHROMIUM") or settings.get("RISKAUDIT_CHROMIUM_PATH")
    if not path or not (os.path.isfile(path) or shutil.which(path)):
        return f"no Chromium at {path or '(unset)'}"
    try:
        import scrapy_playwright  # noqa: F401
    except ImportError:
        return "scrapy-playwright is not installed"
    return None


def effective_settings(settings, targets, js_problem) -> dict:
    """The settings a crawl run records (runs.settings)."""
    out = {k: settings.get(k) for k in EFFECTIVE_KEYS}
    out["targets"] = [t.id for t in targets]
    out["js_available"] = js_problem is None
    return out


class PoliciesSpider(scrapy.Spider):
    name = "policies"

    def __init__(self, registry: str | None = None, db: str = DEFAULT_DB, allow_private=False,
                 targets: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not registry:
            raise ValueError("the policies spider needs -a registry=FILE")
        self.registry = load_registry(registry)
        ids = [t.strip() for t in targets.split(",") if t.strip()] if isinstance(targets, str) else targets
        self.targets = self.registry.select(ids or None)
        self.db_path = db
        self.allow_private = _truthy(allow_private)
        self.run_id: int | None = None
        self.js_problem: str | None = None
        self._seen: dict[str, set[str]] = {t.id: set() for t in self.targets}
        self._budget_used: dict[str, int] = {t.id: 0 for t in self.targets}
        self.browser_proxy = None
        self.frontier_worker = None     # a worker of a shared frontier (crawler/frontier.py)
        self.frontier_seeding = False   # requests are built to be queued on a frontier
        self._frontier_beat = None

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings   # still mutable here: per-run adjustments
        if spider.allow_private:
            settings.set("RISKAUDIT_ALLOW_PRIVATE", True, priority="spider")
        spider.max_depth = settings.getint("RISKAUDIT_DISCOVERY_DEPTH")
        spider.budget = settings.getint("RISKAUDIT_PAGE_BUDGET")
        if settings.get("RISKAUDIT_FRONTIER"):
            from crawler.frontier import Frontier, FrontierWorker
            spider.frontier_worker = FrontierWorker(Frontier(settings.get("RISKAUDIT_FRONTIER")),
                                                    settings.getint("RISKAUDIT_FRONTIER_LEASE"))
            crawler.signals.connect(spider._frontier_idle, signal=signals.spider_idle)
        if any(d.js for t in spider.targets for d in t.documents):
            spider.js_problem = chromium_problem(settings)
            if spider.js_problem is None:
                handler = "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler"
                settings.set("DOWNLOAD_HANDLERS", {"http": handler, "https": handler}, priority="spider")
                launch = dict(settings.getdict("PLAYWRIGHT_LAUNCH_OPTIONS"))
                launch["executable_path"] = os.environ.get("RISKAUDIT_CHROMIUM") or settings.get("RISKAUDIT_CHROMIUM_PATH")
                # every browser connection goes through the guard proxy (crawler/browser.py);
                # WebRTC may not send UDP around it
                from crawler.browser import GuardProxy
                spider.browser_proxy = GuardProxy()
                launch["proxy"] = {"server": spider.browser_proxy.url}
                launch["args"] = [*launch.get("args", []), "--force-webrtc-ip-handling-policy=disable_non_proxied_udp"]
                settings.set("PLAYWRIGHT_LAUNCH_OPTIONS", launch, priority="spider")
        return spider

    def effective_settings(self) -> dict:
        return effective_settings(self.crawler.settings, self.targets, self.js_problem)

    # -- requests ------------------------------------------------------------------------
    def _request(self, url: str, target_id: str, purpose: str, **meta) -> scrapy.Request:
        meta.update(ra_target=target_id, ra_purpose=purpose, handle_httpstatus_list=HTTP_ERROR_CODES)
        meta["ra_trace"] = {"attempts": 0}
        request = scrapy.Request(url, callback=self.parse_page, errback=self.on_error, meta=meta, dont_filter=True)
        if not (self.frontier_worker or self.frontier_seeding):   # a frontier queues requests serialised
            self.prepare_request(request)
        return request

    def prepare_request(self, request) -> None:
        """Attach what cannot be serialised (the browser's page callbacks); frontier queues call
        this when a request is popped."""
        if request.meta.get("playwright"):
            from scrapy_playwright.page import PageMethod

            from crawler.browser import check_main_response, page_init
            request.meta["playwright_page_init_callback"] = page_init
            request.meta["playwright_page_methods"] = [PageMethod(check_main_response(request.meta))]

    async def start(self):
        if self.browser_proxy is not None:
            self.browser_proxy.stats = self.crawler.stats
            await self.browser_proxy.start()
        if self.frontier_worker is not None:    # the coordinator seeded the shared queue
            from twisted.internet import task
            self._frontier_beat = task.LoopingCall(self._frontier_heartbeat)
            self._frontier_beat.start(max(1.0, self.frontier_worker.lease_seconds / 3), now=True)
            return
        for item_or_request in self._start_outputs():
            yield item_or_request

    def closed(self, reason):
        if self.browser_proxy is not None:
            self.browser_proxy.close()
        if self.frontier_worker is not None:
            if self._frontier_beat is not None and self._frontier_beat.running:
                self._frontier_beat.stop()
            try:
                self.frontier_worker.leave()
            except Exception as exc:  # the frontier is gone: its TTL returns the leases
                self.logger.warning("frontier: could not leave cleanly: %s", exc)

    def _frontier_heartbeat(self) -> None:
        try:
            self.frontier_worker.beat()
            self.frontier_worker.frontier.reclaim_dead()
        except Exception as exc:  # keep beating; a lost frontier shows in the commits
            self.logger.warning("frontier heartbeat failed: %s", exc)

    def _frontier_idle(self, spider=None) -> None:
        if not self.frontier_worker.try_finish():
            raise DontCloseSpider

    def _start_outputs(self):
        """Requests (and rows for what is deliberately not fetched) for every selected target."""
        for target in self.targets:
            seen = self._seen[target.id]
            for doc in target.documents:
                seen.add(doc.url)
                if doc.js and self.js_problem:
                    yield self._unfetched(target.id, "document", doc.url, JS_HINT.format(why=self.js_problem))
                    continue
                meta = {"ra_doc_type": doc.type}
                if doc.js:
                    meta.update(playwright=True)
                yield self._request(doc.url, target.id, "document", **meta)
            for channel in target.report_channels:
                if channel.url.startswith("mailto:"):
                    yield self._unfetched(target.id, "channel", channel.url, "mailto: not checked",
                                          channel_kind=channel.kind)
                    continue
                yield self._request(channel.url, target.id, "channel", ra_channel_kind=channel.kind)
            if target.homepage and self.budget > 0 and target.homepage not in seen:
                seen.add(target.homepage)
                self._budget_used[target.id] += 1
                yield self._request(target.homepage, target.id, "discovery", ra_depth=0,
                                    ra_home_host=urlsplit(target.homepage).hostname)

    def _unfetched(self, target_id, purpose, url, error, **extra) -> FetchItem:
        """A row for something deliberately not fetched (no HTTP request was sent)."""
        return FetchItem(target_id=target_id, purpose=purpose, url=url, final_url=None, status=None,
                         error=error, latency_ms=None, bytes=0, content_type=None, robots_blocked=False,
                         media_refused=False, attempts=0, fetched_at=now_utc(), **extra)

    # -- responses -----------------------------------------------------------------------
    def _base(self, request, **fields) -> FetchItem:
        meta = request.meta
        redirects = meta.get("redirect_urls") or []
        latency = meta.get("download_latency")
        item = FetchItem(target_id=meta.get("ra_target"), purpose=meta.get("ra_purpose"),
                         url=redirects[0] if redirects else request.url, final_url=request.url,
                         status=None, error=None, bytes=0, content_type=None,
                         latency_ms=round(latency * 1000.0, 3) if latency is not None else None,
                         robots_blocked=False, media_refused=False, attempts=trace(request)["attempts"],
                         fetched_at=now_utc())
        if meta.get("ra_purpose") == "channel":
            item["channel_kind"] = meta.get("ra_channel_kind")
        if self.frontier_worker is not None:
            item["leases"] = meta.get("ra_leases") or []
            item["variant"] = meta.get("ra_doc_type") or meta.get("ra_channel_kind") or ""
        item.update(fields)
        return item

    def parse_page(self, response) -> list:
        # Callbacks return lists, not generators: Scrapy re-inspects the source of generator
        # callbacks on every response (return-value warning), a measurable cost per page.
        return list(self._parse_page(response))

    def _parse_page(self, response):
        meta = response.meta
        ctypes = response.headers.getlist(b"Content-Type")
        ctype = ", ".join(v.decode("latin-1") for v in ctypes) or None
        item = self._base(response.request, final_url=response.url, status=response.status,
                          content_type=ctype, bytes=len(response.body))
        item.update(exchange_details(response))
        # Defence in depth for handlers that bypass the download guard (the browser, bodies
        # shorter than the sniffing window): media by type, by the body's magic number, or
        # recognised by the browser guard on the rendered page's main response.
        refused = response.headers.get(REFUSED_HEADER.encode()) if "playwright" in response.flags else None
        refused = refused.decode("latin-1") if refused else meta.get("ra_browser_refused")
        if refused == "private_address":      # the browser guard refused the main document (or a hop)
            item.update(error="private_address", status=None, bytes=0, content_type=None)
            yield item
            return
        if refused == "media_refused" or media_content_type(ctypes, response.url) \
                or media_magic(response.body[:SNIFF_BYTES]) or meta.get("ra_media_magic"):
            upstream = response.headers.get(b"X-Riskaudit-Upstream-Status")
            if refused and upstream and upstream.isdigit():
                item["status"] = int(upstream)
            item.update(media_refused=True, error="media_refused", bytes=0)
            yield item
            return
        ok = 200 <= response.status < 300
        purpose = meta.get("ra_purpose")
        is_html = isinstance(response, scrapy.http.HtmlResponse)
        if purpose == "channel":
            item["login_required"] = self._login_required(response, is_html)
        if ok:
            item["body"] = response.body
            if purpose == "document":
                item["doc_type"] = meta.get("ra_doc_type")
            elif purpose == "discovery" and meta.get("ra_depth", 0) > 0:
                item["doc_type"] = "discovered"
        discover = ok and purpose == "discovery" and is_html and meta.get("ra_depth", 0) < self.max_depth
        if discover and self.frontier_worker is not None:
            # claimed against the shared duplicate filter and budget when the item is committed
            item["children"] = list(self._candidates(response))
            discover = False
        yield item
        if discover:
            yield from self._discover(response)

    def _login_required(self, response, is_html: bool) -> bool:
        redirects = response.meta.get("redirect_urls") or []
        if response.status in (401, 403, 407):
            return True
        if redirects and looks_login_url(response.url):
            return True
        if is_html and response.status == 200:
            if response.css('input[type="password" i]'):
                return True
        return False

    def _policy_links(self, response) -> list[str]:
        links = []
        for a in response.css("a[href]"):
            href = a.attrib.get("href", "").strip()
            if not href or href.startswith(("mailto:", "javascript:", "tel:", "#")):
                continue
            links.append((" ".join(a.css("::text").getall()), response.urljoin(href)))
        return list(policy_links(links, response.meta["ra_home_host"]))

    def _candidates(self, response):
        """Discovery requests before the seen/budget checks (a frontier makes those atomically)."""
        depth = response.meta.get("ra_depth", 0) + 1
        for url in self._policy_links(response):
            yield self._request(url, response.meta["ra_target"], "discovery", ra_depth=depth,
                                ra_home_host=response.meta["ra_home_host"])

    def _discover(self, response):
        target_id = response.meta["ra_target"]
        seen = self._seen[target_id]
        depth = response.meta.get("ra_depth", 0) + 1
        for url in self._policy_links(response):
            if url in seen:
                continue
            if self._budget_used[target_id] >= self.budget:
                break
            seen.add(url)
            self._budget_used[target_id] += 1
            yield self._request(url, target_id, "discovery", ra_depth=depth,
                                ra_home_host=response.meta["ra_home_host"])

    def on_error(self, failure) -> list:
        return [self._error_item(failure)]

    def _error_item(self, failure) -> FetchItem:
        request = failure.request
        exc = failure.value
        item = self._base(request, error=classify_failure(exc, request))
        if self.browser_proxy is not None and request.meta.get("playwright") and "ERR_TUNNEL_CONNECTION_FAILED" in str(exc):
            host = urlsplit(request.url).hostname or ""
            if any(what.rsplit(":", 1)[0].strip("[]") == host and label == "private_address"
                   for what, label in self.browser_proxy.refused):
                item["error"] = "private_address"     # an https:// document refused by the browser guard
        if isinstance(exc, StopDownload):
            response = getattr(exc, "response", None)
            if response is not None:
                item["status"] = response.status
                item["final_url"] = response.url
                item.update(exchange_details(response, request))     # headers only: no body byte was kept
            item["content_type"] = request.meta.get("ra_media_type")
            item.update(media_refused=True, bytes=0)
        elif isinstance(exc, MediaRefused):
            item["media_refused"] = True
        elif item["error"] == "robots":
            item["robots_blocked"] = True
        elif item["error"] == "too_many_redirects":
            item["final_url"] = request.url
        if request.meta.get("ra_purpose") == "channel":
            item["login_required"] = None
        return item
