"""A hostile local HTTP server for the crawler's safety tests (127.0.0.1, ephemeral port).

`HostileServer(robots=...)` serves, from threads:
- `/m/<fmt>/<ct>`: a media body (`MEDIA_SAMPLES[fmt]`: real magic number + b"MEDIA-BYTES" filler)
  under a lying or missing Content-Type (`CONTENT_TYPES[ct]`: none, octet-stream, text/plain,
  text/html, a duplicated header, a malformed value, a list of types);
- `/redir/<fmt>`: a 302 to `/m/<fmt>/html` (extension-less, so only the body tells);
- `/big-mp4`: 8 MB of MP4 sent as text/html, 64 KB every 5 ms (the download must stop on the
  first bytes);
- `/robots.txt` per `robots=`: 'ok' (allow all but /blocked/), '404', '500', 'timeout'
  (answers after `delay` s), 'huge' (2 MB: the rules first, then comments);
- `/page`, `/blocked/page`, `/open/page`: ordinary policy pages;
- `/svg-comment`, `/noscript-comment`: policy pages with an HTML comment inside <svg>/<noscript>;
- `/js/...`: pages for the browser (a page that fetch()es/frames/redirects to other addresses
  and fetches media), see `JS_PAGES`; any extra route via `routes=`.

`keepalive=False`: HTTP/1.0, one connection per request (so every request is a new DNS lookup).
Every request is counted by path (`hits`), with the bytes sent (`bytes_sent`).

Test hooks run inside the crawl process (they are importable there: the crawl child has the
repository root on PYTHONPATH):
- `fake_resolve(host)`: a scripted DNS (RISKAUDIT_RESOLVE_FUNC), answers from the JSON in the
  environment variable RA_TEST_DNS: {"host": ["fail", "127.0.0.1", ...]} consumed one per lookup,
  the last answer repeating; 'fail' raises socket.gaierror. Unknown names fail.
- `extract_or_die(body, content_type, url)`: the crawl's extraction function (RISKAUDIT_EXTRACT_FUNC)
  that kills its worker process on b"RA-KILL-ALWAYS", on b"RA-KILL-ONCE" the first time (a flag
  file in $RA_TEST_FLAGS), and sleeps on b"RA-SLOW" (after touching $RA_TEST_FLAGS/slow-started).
"""
from __future__ import annotations

import collections
import hashlib
import http.server
import json
import os
import socket
import struct
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from tests.support.testsite import policy_page

FILLER = b"MEDIA-BYTES-" * 340          # ~4 KB after the magic number


def _bmff(brand: bytes) -> bytes:
    return struct.pack(">I", 24) + b"ftyp" + brand + b"\x00\x00\x00\x00" + brand + b"isom"


MEDIA_SAMPLES: dict[str, bytes] = {
    "mp4": _bmff(b"mp42") + struct.pack(">I", 8) + b"mdat" + FILLER,
    "heic": _bmff(b"heic") + FILLER,
    "avif": _bmff(b"avif") + FILLER,
    "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00" + FILLER,
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + FILLER,
    "gif": b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + FILLER,
    "webp": b"RIFF" + struct.pack("<I", 4000) + b"WEBPVP8 " + FILLER,
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + FILLER,
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x0a" + b"\x00" * 10 + b"\xff\xfb\x90\x64" + FILLER,
    "mp3-frames": b"\xff\xfb\x90\x64\x00" + FILLER,
    "ogg": b"OggS\x00\x02" + b"\x00" * 20 + FILLER,
    "flac": b"fLaC\x00\x00\x00\x22" + FILLER,
    "wav": b"RIFF" + struct.pack("<I", 4000) + b"WAVEfmt " + FILLER,
    "avi": b"RIFF" + struct.pack("<I", 4000) + b"AVI LIST" + FILLER,
    "bmp": b"BM" + struct.pack("<I", 4000) + b"\x00" * 4 + struct.pack("<II", 54, 40) + FILLER,
    "tiff": b"II*\x00\x08\x00\x00\x00" + FILLER,
    "ico": b"\x00\x00\x01\x00\x01\x00\x10\x10" + FILLER,
    "mpeg-ts": (b"\x47\x40\x00\x10" + b"\x00" * 184) * 3 + FILLER,
}
# Content-Type header lines sent with a media body: name -> list of header values (none = no header)
CONTENT_TYPES: dict[str, list[str]] = {
    "none": [],
    "octet": ["application/octet-stream"],
    "plain": ["text/plain; charset=utf-8"],
    "html": ["text/html; charset=utf-8"],
    "dup": ["text/html; charset=utf-8", "text/plain"],
    "malformed": [";;charset=\"utf-8; text/html/"],
    "list": ["text/html, text/plain;q=0.5"],
}
# the formats the acceptance tests crawl under every Content-Type
FORMATS = ["mp4", "jpeg", "png", "webm", "mp3", "ogg", "flac", "gif", "webp", "avif", "heic"]

COMMENT_PAGES = {
    "/svg-comment": ("<!doctype html><html><head><title>Rules with an icon</title></head><body><main>"
                     "<h1>Rules with an icon</h1><svg viewBox='0 0 10 10'><!-- icon: shield --><path d='M0 0'/>"
                     "</svg><p>We remove intimate images shared without consent.</p></main></body></html>"),
    "/noscript-comment": ("<!doctype html><html><head><title>Rules without script</title></head><body><main>"
                          "<h1>Rules without script</h1><noscript><!-- tracking pixel --><p>Enable JS</p>"
                          "</noscript><p>Report non-consensual imagery to our safety team.</p></main></body></html>"),
}


class _Route:
    def __init__(self, status=200, headers=(), body=b"", delay=0.0, stream=b"", stream_total=0):
        self.status, self.headers, self.body = status, list(headers), body
        self.delay, self.stream, self.stream_total = delay, stream, stream_total


def _html(title: str, extra: str = "") -> bytes:
    return policy_page(title, size_kb=2).replace("</main>", extra + "</main>").encode("utf-8")


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hostile"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802
        owner: HostileServer = self.server.owner  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        with owner.lock:
            owner.hits[path] += 1
        route = owner.route(path)
        if route.delay:
            time.sleep(route.delay)
        try:
            self.send_response(route.status)
            for name, value in route.headers:
                self.send_header(name, value)
            length = route.stream_total or len(route.body)
            self.send_header("Content-Length", str(length))
            self.end_headers()
            if route.stream_total:
                sent = 0
                while sent < route.stream_total:
                    part = route.stream[: route.stream_total - sent]
                    self.wfile.write(part)
                    sent += len(part)
                    with owner.lock:
                        owner.bytes_sent[path] += len(part)
                    # ~64 KB every 5 ms: over loopback the whole body would otherwise arrive in a
                    # few milliseconds, before even a prompt client could hang up
                    time.sleep(0.005)
            else:
                self.wfile.write(route.body)
                with owner.lock:
                    owner.bytes_sent[path] += len(route.body)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True


class HostileServer:
    """Threaded HTTP server on 127.0.0.1:<ephemeral>; a context manager."""

    def __init__(self, robots: str = "ok", *, delay: float = 3.0, routes: dict | None = None,
                 keepalive: bool = True):
        self.robots, self.delay = robots, delay
        self.extra: dict[str, _Route] = {}
        for path, spec in (routes or {}).items():
            self.add(path, **spec)
        self.hits: collections.Counter = collections.Counter()
        self.bytes_sent: collections.Counter = collections.Counter()
        self.lock = threading.Lock()
        handler = _Handler if keepalive else type("_OneShot", (_Handler,), {"protocol_version": "HTTP/1.0"})
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.httpd.owner = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, *, body: bytes | str = b"", status: int = 200,
            content_type: str | None = "text/html; charset=utf-8", headers=(), delay: float = 0.0) -> None:
        hdrs = ([("Content-Type", content_type)] if content_type else []) + list(headers)
        self.extra[path] = _Route(status, hdrs, body.encode("utf-8") if isinstance(body, str) else body, delay)

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def __enter__(self) -> "HostileServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- routes ------------------------------------------------------------------------------
    def route(self, path: str) -> _Route:
        if path in self.extra:
            return self.extra[path]
        parts = path.strip("/").split("/")
        if path == "/robots.txt":
            return self._robots()
        if len(parts) == 3 and parts[0] == "m" and parts[1] in MEDIA_SAMPLES and parts[2] in CONTENT_TYPES:
            return _Route(200, [("Content-Type", v) for v in CONTENT_TYPES[parts[2]]], MEDIA_SAMPLES[parts[1]])
        if len(parts) == 2 and parts[0] == "redir" and parts[1] in MEDIA_SAMPLES:
            return _Route(302, [("Location", f"/m/{parts[1]}/html")])
        if path == "/big-mp4":
            return _Route(200, [("Content-Type", "text/html; charset=utf-8")],
                          stream=MEDIA_SAMPLES["mp4"] * 16, stream_total=8_000_000)
        if path in COMMENT_PAGES:
            return _Route(200, [("Content-Type", "text/html; charset=utf-8")], COMMENT_PAGES[path].encode())
        if path in ("/page", "/blocked/page", "/open/page", "/late/page") or path.startswith("/doc/"):
            return _Route(200, [("Content-Type", "text/html; charset=utf-8")], _html(f"Policy {path}"))
        return _Route(404, [("Content-Type", "text/html")], b"<html><body>not here</body></html>")

    def _robots(self) -> _Route:
        plain = [("Content-Type", "text/plain")]
        rules = b"User-agent: *\nDisallow: /blocked/\n"
        if self.robots == "404":
            return _Route(404, plain, b"no robots here")
        if self.robots == "500":
            return _Route(500, plain, b"User-agent: *\nAllow: /\n")     # an error page is no licence
        if self.robots == "timeout":
            return _Route(200, plain, b"User-agent: *\nAllow: /\n", delay=self.delay)
        if self.robots == "huge":
            pad = b"# " + b"x" * 97 + b"\n"
            return _Route(200, plain, rules + pad * 6000 + b"Disallow: /late/\n" + pad * 15000)
        return _Route(200, plain, rules)


# -- hooks that run inside the crawl process --------------------------------------------------
_dns_lock = threading.Lock()
_dns_calls: collections.Counter = collections.Counter()


def fake_resolve(host: str) -> list[str]:
    script = json.loads(os.environ.get("RA_TEST_DNS", "{}"))
    answers = script.get(host)
    with _dns_lock:
        n = _dns_calls[host]
        _dns_calls[host] += 1
    log = os.environ.get("RA_TEST_DNS_LOG")
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(host + "\n")
    if not answers:
        raise socket.gaierror(socket.EAI_NONAME, f"{host}: unknown in the test DNS")
    answer = answers[min(n, len(answers) - 1)]
    if answer == "fail":
        raise socket.gaierror(socket.EAI_AGAIN, f"{host}: temporary failure (test DNS)")
    return [answer]


def extract_or_die(body: bytes, content_type, url):
    from crawler.extraction import _extract_plain

    flags = Path(os.environ.get("RA_TEST_FLAGS", "/nonexistent"))
    if b"RA-KILL-ALWAYS" in body:
        os._exit(17)
    if b"RA-KILL-ONCE" in body:
        flag = flags / ("killed-" + hashlib.sha256(url.encode()).hexdigest()[:16])
        if not flag.exists():
            flag.write_text("x")
            os._exit(17)
    if b"RA-SLOW" in body:
        tmp = flags / f"slow-started.{os.getpid()}.tmp"      # atomic: the file never exists empty
        tmp.write_text(str(os.getpid()))
        tmp.replace(flags / "slow-started")
        time.sleep(600)
    return _extract_plain(body, content_type, url)
