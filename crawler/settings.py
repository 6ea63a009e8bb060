"""Scrapy settings of the riskaudit crawler: politeness, limits and the evidence pipeline.

Every value here can be overridden per run (`run_crawl(settings=...)`, `scrapy crawl -s`).
The `RISKAUDIT_*` keys are the crawler's own options (documented in docs/crawler.md).
"""
from riskaudit import USER_AGENT as _UA

BOT_NAME = "riskaudit"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify ourselves and obey robots.txt.
USER_AGENT = _UA
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, adaptive delays.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
# A response yields 1-2 items; Scrapy starts CONCURRENT_ITEMS asyncio workers per response, so
# the default (100) costs more than the items themselves.
CONCURRENT_ITEMS = 8
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Failures: retry transient errors with exponential backoff (crawler.middlewares.BackoffRetryMiddleware).
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 408, 429]
RISKAUDIT_RETRY_BACKOFF_BASE = 1.0     # seconds; attempt n waits base * 2**(n-1) (capped)
RISKAUDIT_RETRY_BACKOFF_MAX = 30.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024    # larger bodies are aborted and recorded as error 'too_large'
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
DNS_TIMEOUT = 20
# Resolve host names per connection and refuse non-public answers there (crawler/resolver.py):
# the address checked is the address connected to; failed lookups are not cached.
TWISTED_DNS_RESOLVER = "crawler.resolver.GuardedResolver"
LOG_LEVEL = "INFO"

DOWNLOADER_MIDDLEWARES = {
    # Before robots.txt: media URLs and private hosts are refused without any request.
    "crawler.middlewares.MediaGuardMiddleware": 40,
    "crawler.middlewares.PrivateAddressMiddleware": 45,
    # Scrapy's robots.txt check, fixed so that requests queued behind robots.txt are checked too.
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsTxtObeyMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.middlewares.BackoffRetryMiddleware": 550,
    # First to see download failures: a host name the resolver refused is not retried.
    "crawler.middlewares.ResolverRefusalMiddleware": 590,
    # After retries/redirects (response side): sees final outcomes; records robots.txt exchanges.
    "crawler.middlewares.ExchangeRecorderMiddleware": 540,
    # Frontier workers only: one per-host pace for all workers together (crawler/politeness.py).
    "crawler.politeness.SharedHostDelay": 950,
}
ITEM_PIPELINES = {"crawler.pipelines.DuckDBPipeline": 300}
EXTENSIONS = {"crawler.middlewares.DownloadGuard": 0}

# riskaudit options
RISKAUDIT_DISCOVERY_DEPTH = 2          # link hops followed from a target's homepage
RISKAUDIT_PAGE_BUDGET = 25             # discovery pages (homepage included) fetched per target
RISKAUDIT_ALLOW_PRIVATE = False        # allow private/loopback/link-local/reserved addresses
RISKAUDIT_ALLOW_HOSTS = []             # tests only: allow exactly these 'ip:port' / 'ip' / 'localhost:port'
RISKAUDIT_RESOLVE_FUNC = None          # tests only: dotted path of `resolve(host) -> [ip, ...]` (default: getaddrinfo)
RISKAUDIT_CHROMIUM_PATH = "/usr/bin/chromium"   # browser for `js: true` documents
RISKAUDIT_FLUSH_ROWS = 500             # pipeline batch size
RISKAUDIT_FRONTIER = ""                # Redis URL of a shared frontier (set for workers; docs/scaling.md)
RISKAUDIT_SHARED_HOST_DELAY = None    # frontier workers: seconds between two requests to a host, all workers together (None = DOWNLOAD_DELAY)
RISKAUDIT_FRONTIER_LEASE = 60          # seconds without a heartbeat before a worker's requests are re-queued
RISKAUDIT_EXTRACT_WORKERS = "auto"     # text-extraction processes: 'auto' (one per core, max 4) or N (0 = in-process)

# JS rendering (enabled by the spider only when a `js: true` document is crawled and Chromium exists).
PLAYWRIGHT_BROWSER_TYPE = "chromium"
PLAYWRIGHT_LAUNCH_OPTIONS = {
    "headless": True,
    "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"],
}
PLAYWRIGHT_ABORT_REQUEST = "crawler.middlewares.playwright_abort_request"
PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT = 30000

TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
