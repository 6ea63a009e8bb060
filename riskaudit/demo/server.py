"""Local HTTP server for the embedded demo: one 127.0.0.1 ephemeral port per fictional service.

Each site lives in `riskaudit/demo/sites/<id>/` (read through `importlib.resources`, so it works
from an installed package) and may carry a `site.yaml` describing its behaviour:

    charset: utf-8            # appended to text/html content types; null = no charset declared
    redirects:                # path -> [status, location]  (chains are allowed)
      /rules: [301, /community/rules]
    login_wall: [/report]     # paths answered with 302 -> /login?next=<path>
    not_found: [/report-abuse]  # paths that must answer 404 even if a file existed

URL path → file: `/` → `index.html`; `/a/b` → `a/b`, else `a/b.html`, else `a/b/index.html`.
Anything else is a 404. `site.yaml` itself is never served.

Editions: a site may keep older versions of some pages under `sites/<id>/.previous/` (same
relative paths). While the server's `edition` is "previous", those files are served instead
of the current ones, so the demo can crawl the sites twice and show what changed. Dot-folders
are never reachable by URL.

Run `python -m riskaudit.demo.server` to serve every site until Ctrl-C.
"""
from __future__ import annotations

import argparse
import mimetypes
import posixpath
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import quote, urlsplit

import yaml

from riskaudit.core.errors import UserError
from riskaudit.demo import SITE_IDS

_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".xml": "application/xml",
}
_HIDDEN = {"site.yaml"}


class Site:
    """One fictional service's files and behaviour (charset, redirects, login wall, 404s)."""

    def __init__(self, site_id: str):
        self.id = site_id
        self.edition = "current"       # or "previous": serve `.previous/` overlays first
        self.root = resources.files("riskaudit.demo").joinpath("sites", site_id)
        if not self.root.is_dir():
            raise UserError(f"demo site directory riskaudit/demo/sites/{site_id}/ is missing; "
                            "reinstall riskaudit or check the site id")
        conf_ref = self.root.joinpath("site.yaml")
        conf = {}
        if conf_ref.is_file():
            try:
                conf = yaml.safe_load(conf_ref.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise UserError(f"riskaudit/demo/sites/{site_id}/site.yaml is not valid YAML: {exc}") from exc
        self.charset: str | None = conf.get("charset", "utf-8")
        self.redirects: dict[str, tuple[int, str]] = {
            p: (int(v[0]), str(v[1])) for p, v in (conf.get("redirects") or {}).items()}
        self.login_wall: set[str] = set(conf.get("login_wall") or [])
        self.not_found: set[str] = set(conf.get("not_found") or [])

    def _file(self, path: str):
        """The resource for URL path `path`, or None."""
        norm = posixpath.normpath("/" + path.lstrip("/"))
        parts = [p for p in norm.split("/") if p]
        if any(p.startswith(".") for p in parts):
            return None
        if not parts:
            candidates = [["index.html"]]
        else:
            candidates = [parts, parts[:-1] + [parts[-1] + ".html"], parts + ["index.html"]]
        roots = [self.root.joinpath(".previous"), self.root] if self.edition == "previous" else [self.root]
        for cand in candidates:
            if cand[-1] in _HIDDEN and len(cand) == 1:
                continue
            for root in roots:
                ref = root.joinpath(*cand)
                if ref.is_file():
                    return ref
        return None

    def respond(self, path: str) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body for a GET of `path` (query string already removed)."""
        if path in self.not_found:
            return self._not_found()
        if path in self.redirects:
            status, location = self.redirects[path]
            return status, {"Location": location, "Content-Type": "text/html; charset=utf-8"}, \
                f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'.encode()
        if path in self.login_wall:
            location = "/login?next=" + quote(path, safe="")
            return 302, {"Location": location, "Content-Type": "text/html; charset=utf-8"}, \
                b"<html><body>Please log in.</body></html>"
        ref = self._file(path)
        if ref is None:
            return self._not_found()
        body = ref.read_bytes()
        return 200, {"Content-Type": self._content_type(ref.name)}, body

    def _content_type(self, name: str) -> str:
        ext = posixpath.splitext(name)[1].lower()
        ctype = _TYPES.get(ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        if ctype.startswith("text/") and self.charset:
            ctype += f"; charset={self.charset}"
        return ctype

    def _not_found(self) -> tuple[int, dict[str, str], bytes]:
        ref = self.root.joinpath("404.html")
        body = ref.read_bytes() if ref.is_file() else b"<html><body><h1>404 Not Found</h1></body></html>"
        ctype = "text/html" + (f"; charset={self.charset}" if self.charset else "")
        return 404, {"Content-Type": ctype}, body


def _handler_for(site: Site):
    class Handler(BaseHTTPRequestHandler):
        server_version = "riskaudit-demo/1"
        protocol_version = "HTTP/1.1"

        def _send(self, head_only: bool) -> None:
            path = urlsplit(self.path).path or "/"
            status, headers, body = site.respond(path)
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head_only:
                self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            self._send(head_only=False)

        def do_HEAD(self) -> None:  # noqa: N802
            self._send(head_only=True)

        def log_message(self, format, *args) -> None:  # quiet
            pass

    return Handler


class DemoServer:
    """Serve the demo sites, each on its own 127.0.0.1 ephemeral port (its own robots.txt origin).

    Use as a context manager: `with DemoServer() as srv: srv.urls["chirply"]`.
    """

    def __init__(self, site_ids: tuple[str, ...] | list[str] | None = None, host: str = "127.0.0.1"):
        self.site_ids = tuple(site_ids or SITE_IDS)
        self.host = host
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._sites: list[Site] = []
        self._threads: list[threading.Thread] = []
        self.urls: dict[str, str] = {}

    def set_edition(self, edition: str) -> None:
        """Serve the "previous" or the "current" version of every site from now on."""
        if edition not in ("previous", "current"):
            raise ValueError(f"unknown demo edition {edition!r}")
        for site in self._sites:
            site.edition = edition

    def start(self) -> dict[str, str]:
        """Start every site; return {site_id: base URL without trailing slash}."""
        try:
            for sid in self.site_ids:
                site = Site(sid)
                self._sites.append(site)
                httpd = ThreadingHTTPServer((self.host, 0), _handler_for(site))
                httpd.daemon_threads = True
                self._servers[sid] = httpd
                self.urls[sid] = f"http://{self.host}:{httpd.server_address[1]}"
                thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.2},
                                          name=f"demo-{sid}", daemon=True)
                thread.start()
                self._threads.append(thread)
        except Exception:
            self.stop()
            raise
        return dict(self.urls)

    def stop(self) -> None:
        for httpd in self._servers.values():
            httpd.shutdown()
            httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._sites.clear()
        self._threads.clear()

    def __enter__(self) -> "DemoServer":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m riskaudit.demo.server",
                                     description="Serve the riskaudit demo sites on 127.0.0.1 until Ctrl-C.")
    parser.add_argument("--registry", metavar="PATH",
                        help="also write the demo registry resolved to these ports to PATH")
    args = parser.parse_args(argv)
    with DemoServer() as srv:
        for sid, url in srv.urls.items():
            print(f"{sid:12s} {url}/")
        if args.registry:
            from riskaudit.demo import resolve_registry
            print(f"registry     {resolve_registry(srv.urls, args.registry)}")
        # Handlers first, then the announcement: a signal sent right after "serving" is caught.
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, lambda *_: stop.set())
        print("serving; press Ctrl-C to stop", flush=True)
        while not stop.wait(0.5):
            pass
    print("stopped", flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
