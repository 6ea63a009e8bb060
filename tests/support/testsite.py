"""A local, request-counting HTTP server and generated policy sites, for the crawler's tests
and benchmark (never used by a real crawl).

`CountingServer(routes)` serves a dict of path -> `Route` on 127.0.0.1 (ephemeral port) from
threads and counts every request it sees by path, the bytes it sent and the User-Agents.
`policy_page()` renders a realistic policy page (nav, headings, paragraphs, footer).
"""
from __future__ import annotations

import collections
import http.server
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Route:
    status: int = 200
    body: bytes | str = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict = field(default_factory=dict)
    delay: float = 0.0                      # seconds before answering (timeouts)
    stream_bytes: int = 0                   # send this many filler bytes instead of `body`
    fail_first: int = 0                     # answer 503 this many times, then normally

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


def redirect(location: str, status: int = 302) -> Route:
    return Route(status=status, headers={"Location": location}, body=b"")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "riskaudit-testsite"

    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802
        srv: CountingServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path
        with srv.lock:
            srv.hits[path] += 1
            srv.arrivals.append((time.monotonic(), path))
            srv.user_agents.add(self.headers.get("User-Agent", ""))
            n = srv.hits[path]
        route = srv.routes.get(path) or srv.routes.get(urlsplit(path).path)
        if route is None:
            route = Route(status=404, body="<html><head><title>Not found</title></head><body><p>Not found</p></body></html>")
        if route.delay:
            time.sleep(route.delay)
        status = route.status
        if route.fail_first and n <= route.fail_first:
            status = 503
        body = route.payload()
        length = route.stream_bytes or len(body)
        try:
            self.send_response(status)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(length))
            for key, value in route.headers.items():
                self.send_header(key, value)
            self.end_headers()
            if route.stream_bytes:
                chunk = b"\x00\x00\x00\x18ftypmp42MEDIA-BYTES-" * 1638  # ~64 KB of fake video
                sent = 0
                while sent < length:
                    part = chunk[: length - sent]
                    self.wfile.write(part)
                    sent += len(part)
                    with srv.lock:
                        srv.bytes_sent[path] += len(part)
            else:
                self.wfile.write(body)
                with srv.lock:
                    srv.bytes_sent[path] += len(body)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            with srv.lock:
                srv.aborted[path] += 1
            self.close_connection = True


class CountingServer:
    """Threaded HTTP server on 127.0.0.1:<ephemeral>; use as a context manager."""

    def __init__(self, routes: dict[str, Route] | None = None):
        self.routes: dict[str, Route] = dict(routes or {})
        self.hits: collections.Counter = collections.Counter()
        self.bytes_sent: collections.Counter = collections.Counter()
        self.aborted: collections.Counter = collections.Counter()
        self.user_agents: set[str] = set()
        self.arrivals: list[tuple[float, str]] = []     # (time.monotonic(), path) of every request
        self.lock = threading.Lock()
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> "CountingServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    @property
    def total_hits(self) -> int:
        return sum(self.hits.values())


# -- generated policy pages ------------------------------------------------------------------
_WORDS = ("account content community report remove policy safety user service consent image "
          "privacy abuse review notice law request team days hours appeal violation rules share "
          "protect minors removal intimate synthetic media platform action enforcement").split()
_TOPICS = ["Prohibited content", "Intimate imagery shared without consent", "Reporting a violation",
           "How we review reports", "Appeals", "Copyright notices", "Child safety", "Law enforcement requests",
           "Transparency", "Changes to these terms"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(_WORDS) for _ in range(rng.randint(10, 22))]
    return " ".join(words).capitalize() + "."


def policy_page(title: str, *, seed: int = 0, size_kb: int = 14, links: list[tuple[str, str]] = ()) -> str:
    """A realistic policy page of about `size_kb` KB: header nav, sections, footer with links."""
    rng = random.Random(seed)
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in
                  [("Home", "/"), ("Products", "/products"), ("Blog", "/blog"), ("Help", "/help")])
    footer_links = "".join(f'<li><a href="{href}">{text}</a></li>' for text, href in links)
    parts = [f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
             f"<link rel=\"stylesheet\" href=\"/static/site.css\"></head><body>"
             f"<header><nav><ul>{nav}</ul></nav><img src=\"/static/logo.png\" alt=\"logo\"></header>"
             f"<main><article><h1>{title}</h1><p>Last updated: 1 March 2026</p>"]
    size = sum(len(p) for p in parts)
    i = 0
    while size < size_kb * 1024:
        section = f"<h2>{_TOPICS[i % len(_TOPICS)]}</h2>" + "".join(
            f"<p>{' '.join(_sentence(rng) for _ in range(rng.randint(2, 5)))}</p>" for _ in range(3))
        parts.append(section)
        size += len(section)
        i += 1
    parts.append(f"</article></main><footer><ul>{footer_links}</ul><p>&copy; 2026 Example Service</p>"
                 f"<script src=\"/static/app.js\"></script></footer></body></html>")
    return "".join(parts)


class CrashAfterPipeline:
    """Test support: an item pipeline that kills the crawl process (like `kill -9`) after
    RISKAUDIT_TEST_CRASH_AFTER items, or closes the spider with reason 'simulated_failure' when
    RISKAUDIT_TEST_CLOSE_AFTER is set. Enable it via ITEM_PIPELINES in the run settings."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.crash_after = crawler.settings.getint("RISKAUDIT_TEST_CRASH_AFTER", 0)
        self.close_after = crawler.settings.getint("RISKAUDIT_TEST_CLOSE_AFTER", 0)
        self.seen = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        import os

        self.seen += 1
        if self.crash_after and self.seen >= self.crash_after:
            os._exit(9)
        if self.close_after and self.seen == self.close_after:
            from scrapy.utils.defer import deferred_from_coro
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="simulated_failure"))
        return item
