"""Pure safety checks used by the crawler: media URLs and types, private addresses, login walls.

No Scrapy import: the middlewares, the spider and the tests share these functions.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import unquote, urlsplit

# Image, video and audio file extensions: a URL ending with one is never requested.
MEDIA_EXTENSIONS = frozenset("""
jpg jpeg jpe jfif pjpeg pjp png apng gif webp avif svg svgz bmp ico cur tif tiff heic heif jxl jp2 psd raw
cr2 nef dng arw
mp4 m4v m4p webm mov qt avi mkv flv f4v wmv asf mpg mpeg mpe m2v m2ts mts ts 3gp 3g2 ogv vob rm rmvb divx
mp3 wav wave ogg oga opus flac aac m4a m4b wma aiff aif aifc amr mid midi weba ra caf
""".split())

MEDIA_TYPE_PREFIXES = ("image/", "video/", "audio/")
# Types that carry media without an image/video/audio prefix.
MEDIA_TYPES = frozenset({"application/ogg", "application/vnd.apple.mpegurl", "application/x-mpegurl",
                         "application/dash+xml", "application/x-shockwave-flash"})
AMBIGUOUS_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "application/binary"})

LOGIN_URL_RE = re.compile(r"(?:^|[/._?=&-])(log-?in|sign-?in|signon|auth|oauth|sso|account|accounts|session)(?:$|[/._?=&-])", re.I)


def url_extension(url: str) -> str:
    """The lower-cased extension of the URL path's last segment ('' when none)."""
    path = unquote(urlsplit(url).path)
    last = path.rsplit("/", 1)[-1]
    if "." not in last:
        return ""
    return last.rsplit(".", 1)[-1].lower().rstrip(";")


def is_media_url(url: str) -> bool:
    """True when the URL names an image/video/audio file by its extension."""
    return url_extension(url) in MEDIA_EXTENSIONS


def media_content_type(content_type: str | bytes | None, url: str = "") -> bool:
    """True when a Content-Type announces media (image/*, video/*, audio/*, or an
    octet-stream whose URL has a media extension)."""
    if not content_type:
        return False
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime.startswith(MEDIA_TYPE_PREFIXES) or mime in MEDIA_TYPES:
        return True
    return mime in AMBIGUOUS_TYPES and is_media_url(url)


def address_refusal(ip: str) -> str | None:
    """Why an IP address must not be contacted (None when it is a public address)."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return "unparseable address"
    mapped = getattr(addr, "ipv4_mapped", None) or getattr(addr, "sixtofour", None)
    if mapped is not None:
        reason = address_refusal(str(mapped))
        if reason:
            return reason
    for flag in ("is_loopback", "is_private", "is_link_local", "is_multicast", "is_reserved", "is_unspecified"):
        if getattr(addr, flag):
            return f"{addr} {flag[3:].replace('_', '-')}"
    if not addr.is_global:
        return f"{addr} not globally routable"
    return None


def host_refusal(host: str | None) -> str | None:
    """Resolve `host` (IPv4 and IPv6) and say why it must not be contacted, or None.

    A host that does not resolve is left to the downloader (recorded as a DNS error).
    Blocking: call it from a thread.
    """
    if not host:
        return "no host"
    host = host.strip("[]")
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
        return address_refusal(host)
    except ValueError:
        pass
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return f"{host} loopback"
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError, OSError):
        return None
    for info in infos:
        reason = address_refusal(info[4][0])
        if reason:
            return f"{host} resolves to {reason}"
    return None


def looks_login_url(url: str) -> bool:
    path_and_query = urlsplit(url)
    return bool(LOGIN_URL_RE.search(path_and_query.path + ("?" + path_and_query.query if path_and_query.query else "")))
