"""Text helpers shared by every output: identifiers from names and terminal-safe display."""
from __future__ import annotations

import hashlib
import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def slug(name: str) -> str:
    """Target id of a service name: lower-case ASCII words joined by '-' ("Stability AI" → "stability-ai").

    Shared by `score-files` and the archive importers, so a service gets the same id everywhere;
    a name with no ASCII letters or digits gets a stable id from its hash.
    """
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "service-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]


def terminal_safe(text) -> str:
    """Crawled text may carry terminal control sequences or bidi overrides: show them, never emit them."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100
                        else f"\\u{ord(m.group(0)):04x}", "" if text is None else str(text))


_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def strip_bidi(text) -> str:
    """Remove bidirectional controls (LRM/RLM U+200E/F, embeddings and overrides U+202A-U+202E,
    isolates U+2066-U+2069): in crawled text they only serve to make text read other than it is."""
    return _BIDI.sub("", "" if text is None else str(text))


def is_web_url(url) -> bool:
    """True for an absolute http(s) URL with a host: the only kind any output links to."""
    from urllib.parse import urlsplit
    if not isinstance(url, str) or not url:
        return False
    if any(ch in url for ch in "\x00\r\n\t") or url != url.strip():
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
