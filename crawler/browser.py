"""The browser's guard (`js: true` documents): every connection Chromium makes goes through a
small forward proxy in the crawl process, which applies the crawler's rules to it.

Chromium is launched with `proxy={"server": "http://127.0.0.1:<port>"}` (Playwright also
proxies loopback addresses then), so the main document, its redirects (also script-made ones),
frames, subresources, fetch()/XHR, WebSockets and HTTPS tunnels all reach `GuardProxy`, which
- resolves the host with the crawl's AddressPolicy (crawler.resolver: the same rule, allow-list
  and resolver function as Scrapy's downloads) and connects to the very address it checked;
  a refused one gets `403` with `X-Riskaudit-Refused: private_address` (CONNECT: `403` too);
- for plain-HTTP responses, reads the headers and the first body bytes before the browser gets
  anything: a media Content-Type or a media magic number (crawler.guards.media_magic) is not
  passed on; the browser gets `403` with `X-Riskaudit-Refused: media_refused`.
The spider turns those headers on the main document into the fetch row ('private_address' /
'media_refused', nothing stored). HTTPS bodies are tunnelled (not readable here): for them the
main document's response is checked in the page (`check_main_response`) and Playwright aborts
image/media/font requests and media URLs (crawler.middlewares.playwright_abort_request). What is stored for a `js: true`
document is the browser's final DOM (page.content()), never a subresource body.
"""
from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from urllib.parse import urlsplit

from crawler import resolver
from crawler.guards import SNIFF_BYTES, media_content_type, media_magic

logger = logging.getLogger(__name__)

REFUSED_HEADER = "X-Riskaudit-Refused"
MAX_HEAD = 64 * 1024
CONNECT_TIMEOUT = 30.0
HOP_BY_HOP = {b"proxy-connection", b"proxy-authorization", b"connection", b"keep-alive"}


class GuardProxy:
    """An HTTP/1.1 forward proxy (absolute-form requests and CONNECT) bound to 127.0.0.1.

    The listening socket is bound at construction (the port goes into Chromium's launch
    options before the reactor runs); `start()` serves it on the running asyncio loop."""

    def __init__(self, stats=None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(128)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]
        self.stats = stats
        self.server: asyncio.AbstractServer | None = None
        self.refused: list[tuple[str, str]] = []      # (url or host:port, label)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        if self.server is None:
            self.server = await asyncio.start_server(self._client, sock=self.sock, limit=MAX_HEAD)

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        try:
            self.sock.close()
        except OSError:
            pass

    def _note(self, what: str, label: str) -> None:
        self.refused.append((what, label))
        logger.info("browser request refused (%s): %s", label, what)
        if self.stats is not None:
            self.stats.inc_value(f"riskaudit/browser_refused/{label}")

    # -- address check -------------------------------------------------------------------
    async def _address(self, host: str, port: int) -> tuple[str | None, str | None]:
        """(address to connect to, refusal label or error) for host:port."""
        policy = resolver.POLICY
        host = host.strip("[]")
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
        except ValueError:
            pass
        else:
            return (None, "private_address") if policy.refusal(host, port) else (host, None)
        lower = host.lower().rstrip(".")
        if not policy.allow_private and (lower == "localhost" or lower.endswith(".localhost")) \
                and f"{lower}:{port}" not in policy.allow_hosts:
            return None, "private_address"
        loop = asyncio.get_running_loop()
        try:
            addrs, reason = await loop.run_in_executor(None, policy.check_name, host, port)
        except (OSError, UnicodeError, ValueError):
            return None, "dns"
        if reason:
            return None, "private_address"
        return addrs[0].split("%", 1)[0], None

    # -- connections ---------------------------------------------------------------------
    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_writer = None
        try:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                return
            line, _, rest = head.partition(b"\r\n")
            parts = line.split()
            if len(parts) != 3:
                await _reply(writer, 400, "bad request")
                return
            method, target, _version = parts
            if method.upper() == b"CONNECT":
                host, _, port = target.decode("latin-1").rpartition(":")
                port_n = int(port) if port.isdigit() else 443
                ip, problem = await self._address(host, port_n)
                if problem:
                    self._note(f"{host}:{port_n}", problem)
                    await _reply(writer, 403, problem, refused=problem)
                    return
                up_reader, upstream_writer = await asyncio.wait_for(
                    asyncio.open_connection(ip, port_n), CONNECT_TIMEOUT)
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await writer.drain()
                await _pipe_both(reader, writer, up_reader, upstream_writer)
                return
            url = target.decode("latin-1")
            split = urlsplit(url)
            if split.scheme != "http" or not split.hostname:
                await _reply(writer, 400, "absolute http URL expected")
                return
            port_n = split.port or 80
            ip, problem = await self._address(split.hostname, port_n)
            if problem:
                self._note(url, problem)
                await _reply(writer, 403 if problem == "private_address" else 502, problem,
                             refused=problem if problem == "private_address" else None)
                return
            up_reader, upstream_writer = await asyncio.wait_for(asyncio.open_connection(ip, port_n),
                                                                CONNECT_TIMEOUT)
            path = (split.path or "/") + (f"?{split.query}" if split.query else "")
            headers = [h for h in rest.split(b"\r\n") if h and h.split(b":", 1)[0].strip().lower() not in HOP_BY_HOP]
            upstream_writer.write(b" ".join([method, path.encode("latin-1"), b"HTTP/1.1"]) + b"\r\n"
                                  + b"".join(h + b"\r\n" for h in headers) + b"Connection: close\r\n\r\n")
            await upstream_writer.drain()
            to_upstream = asyncio.ensure_future(_pipe(reader, upstream_writer, close=False))
            try:
                await self._response(url, up_reader, writer)
            finally:
                to_upstream.cancel()
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        finally:
            for w in (upstream_writer, writer):
                if w is not None:
                    w.close()

    async def _response(self, url: str, up: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await up.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as exc:
            writer.write(exc.partial)
            await writer.drain()
            return
        status_line, _, rest = head.partition(b"\r\n")
        lines = [h for h in rest.split(b"\r\n") if h]
        ctypes = [h.split(b":", 1)[1].strip() for h in lines if h.split(b":", 1)[0].strip().lower() == b"content-type"]
        chunked = any(h.split(b":", 1)[0].strip().lower() == b"transfer-encoding" and b"chunked" in h.lower()
                      for h in lines)
        status = status_line.split()[1].decode("latin-1") if len(status_line.split()) > 1 else ""
        prefix = b""
        if media_content_type(ctypes, url):
            label = "media_refused"
        else:
            while len(prefix) < SNIFF_BYTES:
                data = await up.read(SNIFF_BYTES)
                if not data:
                    break
                prefix += data
                if len(_dechunk(prefix) if chunked else prefix) >= 16:
                    break
            label = "media_refused" if media_magic(_dechunk(prefix) if chunked else prefix) else None
        if label:
            self._note(url, label)
            await _reply(writer, 403, label, refused=label, upstream_status=status)
            return
        kept = [h for h in lines if h.split(b":", 1)[0].strip().lower() not in HOP_BY_HOP]
        writer.write(status_line + b"\r\n" + b"".join(h + b"\r\n" for h in kept) + b"Connection: close\r\n\r\n" + prefix)
        await writer.drain()
        await _pipe(up, writer, close=False)


def _dechunk(prefix: bytes) -> bytes:
    """The data of the first chunk(s) in a chunked-encoding prefix (best effort)."""
    out, pos = b"", 0
    while pos < len(prefix):
        end = prefix.find(b"\r\n", pos)
        if end < 0:
            break
        try:
            size = int(prefix[pos:end].split(b";", 1)[0].strip() or b"0", 16)
        except ValueError:
            break
        if size == 0:
            break
        out += prefix[end + 2: end + 2 + size]
        pos = end + 2 + size + 2
    return out


async def _reply(writer, status: int, reason: str, *, refused: str | None = None, upstream_status: str = "") -> None:
    body = f"refused by riskaudit: {reason}\n".encode()
    extra = f"{REFUSED_HEADER}: {refused}\r\n" if refused else ""
    if upstream_status:
        extra += f"X-Riskaudit-Upstream-Status: {upstream_status}\r\n"
    writer.write(f"HTTP/1.1 {status} Refused\r\nContent-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
                 f"{extra}Connection: close\r\n\r\n".encode("latin-1") + body)
    try:
        await writer.drain()
    except ConnectionError:
        pass


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, close: bool = True) -> None:
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError, asyncio.CancelledError):
        pass
    finally:
        if close:
            writer.close()


async def _pipe_both(r1, w1, r2, w2) -> None:
    a = asyncio.ensure_future(_pipe(r1, w2))
    b = asyncio.ensure_future(_pipe(r2, w1))
    await asyncio.wait([a, b], return_when=asyncio.FIRST_COMPLETED)
    for t in (a, b):
        t.cancel()


# -- in the page: the main document's own response (HTTPS bodies are not seen by the proxy) ------
async def page_init(page, request) -> None:
    """playwright_page_init_callback: remember the main frame's navigation responses."""
    responses = request.meta.setdefault("ra_nav_responses", [])

    def on_response(response) -> None:
        try:
            if response.request.is_navigation_request() and response.frame == page.main_frame:
                responses.append(response)
        except Exception:  # noqa: BLE001 - a detached frame: not the main document
            pass

    page.on("response", on_response)


def check_main_response(meta: dict):
    """A PageMethod callable: mark the request when its main document's response is media
    (by Content-Type or by the body's magic number) or was refused by the proxy."""
    async def check(page) -> None:
        for response in list(meta.get("ra_nav_responses") or ()):
            try:
                headers = await response.headers_array()
            except Exception:  # noqa: BLE001
                continue
            refused = [h["value"] for h in headers if h["name"].lower() == REFUSED_HEADER.lower()]
            if refused:
                meta["ra_browser_refused"] = refused[0]
                continue
            ctypes = [h["value"] for h in headers if h["name"].lower() == "content-type"]
            if media_content_type(ctypes, response.url):
                meta["ra_media_magic"] = "content-type"
                continue
            if 300 <= response.status < 400:
                continue
            try:
                body = await response.body()
            except Exception:  # noqa: BLE001 - no body (redirect, aborted)
                continue
            kind = media_magic(body[:SNIFF_BYTES])
            if kind:
                meta["ra_media_magic"] = kind
        meta.pop("ra_nav_responses", None)
    return check
