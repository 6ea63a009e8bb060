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


def media_content_type(content_type, url: str = "") -> bool:
    """True when a Content-Type announces media (image/*, video/*, audio/*, or an
    octet-stream whose URL has a media extension).

    `content_type` may be one header value, a list of values (a duplicated header) or a
    comma-separated list: any media type among them counts.
    """
    if not content_type:
        return False
    if isinstance(content_type, (list, tuple)):
        return any(media_content_type(v, url) for v in content_type)
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    for part in content_type.split(","):
        mime = part.split(";", 1)[0].strip().lower()
        if mime.startswith(MEDIA_TYPE_PREFIXES) or mime in MEDIA_TYPES:
            return True
        if mime in AMBIGUOUS_TYPES and is_media_url(url):
            return True
    return False


# -- media by magic number ---------------------------------------------------------------
ROBOTS_MAX_BYTES = 500 * 1024   # RFC 9309: parse at least 500 KiB; more is not read
SNIFF_BYTES = 512        # bodies are sniffed on their first bytes (up to this many)

_RIFF_FORMS = {b"AVI ": "avi", b"AVIX": "avi", b"WAVE": "wav", b"WEBP": "webp", b"RMID": "midi",
               b"CDXA": "video-cd", b"AMV ": "amv", b"ACON": "ani"}
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"mif2"}
_AVIF_BRANDS = {b"avif", b"avis"}
_BOX_TYPES = (b"moov", b"mdat", b"free", b"skip", b"wide", b"pnot")
_PREFIXES = (   # (signature, name): unambiguous starts
    (b"\x1a\x45\xdf\xa3", "webm/matroska"), (b"OggS\x00", "ogg"), (b"fLaC", "flac"),
    (b"\xff\xd8\xff", "jpeg"), (b"\x89PNG\r\n\x1a\n", "png"), (b"GIF87a", "gif"), (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"), (b"MM\x00*", "tiff"), (b"II+\x00", "bigtiff"), (b"MM\x00+", "bigtiff"),
    (b"FLV\x01", "flv"), (b"0&\xb2u\x8ef\xcf\x11", "asf/wmv"), (b"MThd\x00\x00\x00\x06", "midi"),
    (b"\x00\x00\x01\xba", "mpeg-ps"), (b"\x00\x00\x01\xb3", "mpeg-video"), (b"\xff\x0a", "jpeg-xl"),
    (b"\x00\x00\x00\x0cJXL \r\n\x87\n", "jpeg-xl"), (b"\x00\x00\x00\x0cjP  \r\n\x87\n", "jpeg2000"),
    (b"8BPS\x00\x01", "psd"), (b".RMF\x00", "realmedia"), (b"#!AMR\n", "amr"), (b"caff\x00\x01", "caf"),
)


def _mpeg_audio_frame(h: bytes) -> bool:
    """An MPEG audio (MP1/2/3) frame header or an AAC ADTS header at the start."""
    if len(h) < 4 or h[0] != 0xFF:
        return False
    b1, b2 = h[1], h[2]
    if b1 in (0xFE, 0xFF):                # UTF-16 little-endian BOM / padding, not audio
        return False
    if (b1 & 0xF6) == 0xF0:               # ADTS: sync 12 bits, layer 00
        return ((b2 >> 2) & 0x0F) < 13    # sampling-frequency index
    if (b1 & 0xE0) != 0xE0:
        return False
    version, layer = (b1 >> 3) & 0x03, (b1 >> 1) & 0x03
    bitrate, sampling = b2 >> 4, (b2 >> 2) & 0x03
    return version != 1 and layer != 0 and bitrate not in (0, 15) and sampling != 3


def media_magic(first_bytes: bytes | None) -> str | None:
    """The media format a body starts with (by magic number), or None.

    Conservative: every signature needs bytes that text, HTML, XML, JSON or PDF never start
    with (NULs, high bytes, or a binary size/flag field next to the ASCII tag), so a policy
    page is never taken for media. Recognised: ISO-BMFF (MP4/MOV/3GP/M4A, HEIC/HEIF, AVIF),
    WebM/Matroska, RIFF (AVI, WAV, WebP), MPEG-TS/-PS, Ogg, FLAC, MP3 (ID3 tag or frame sync),
    AAC ADTS, JPEG, PNG, GIF, BMP, TIFF, ICO/CUR, JPEG XL/2000, FLV, ASF/WMV, MIDI, AIFF, PSD, AMR.
    """
    if not first_bytes:
        return None
    h = bytes(first_bytes[:SNIFF_BYTES])
    for sig, name in _PREFIXES:
        if h.startswith(sig):
            return name
    if len(h) >= 12 and h[4:8] == b"ftyp":
        size = int.from_bytes(h[:4], "big")
        if size == 1 or 8 <= size <= 4096:
            brand = h[8:12]
            if brand in _HEIF_BRANDS:
                return "heic"
            if brand in _AVIF_BRANDS:
                return "avif"
            return "quicktime" if brand == b"qt  " else "mp4"
    if len(h) >= 8 and h[0] == 0 and h[4:8] in _BOX_TYPES:
        return "quicktime"
    if len(h) >= 12 and h[:4] == b"RIFF" and h[8:12] in _RIFF_FORMS:
        return _RIFF_FORMS[h[8:12]]
    if len(h) >= 12 and h[:4] == b"FORM" and h[8:12] in (b"AIFF", b"AIFC"):
        return "aiff"
    if len(h) >= 10 and h[:3] == b"ID3" and h[3] in (2, 3, 4) and h[4] != 0xFF \
            and all(b < 0x80 for b in h[6:10]):
        return "mp3"
    if _mpeg_audio_frame(h):
        return "mpeg-audio"
    if len(h) >= 377 and h[0] == h[188] == h[376] == 0x47 and any(b < 0x20 or b >= 0x7F for b in h[1:4]):
        return "mpeg-ts"
    if len(h) >= 18 and h[:2] == b"BM" and h[6:10] == b"\x00\x00\x00\x00" \
            and int.from_bytes(h[14:18], "little") in (12, 16, 40, 52, 56, 64, 108, 124):
        return "bmp"
    if len(h) >= 6 and h[:4] in (b"\x00\x00\x01\x00", b"\x00\x00\x02\x00") and 0 < h[4] and h[5] == 0:
        return "ico"
    return None


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


def url_refusal(url: str, allow_private: bool = False) -> str | None:
    """Why a URL the tool itself requests (RDAP, a webhook) must not be: not http(s), or a
    private/loopback/reserved host unless `allow_private`. None when it may be requested."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    return None if allow_private else host_refusal(parts.hostname)


def looks_login_url(url: str) -> bool:
    path_and_query = urlsplit(url)
    return bool(LOGIN_URL_RE.search(path_and_query.path + ("?" + path_and_query.query if path_and_query.query else "")))
