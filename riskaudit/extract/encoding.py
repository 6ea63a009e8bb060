"""Byte → text decoding for crawled pages: declared charsets first, detection as a fallback.

Order of precedence (the WHATWG "encoding sniffing" order, simplified):
1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32);
2. the ``charset=`` parameter of the HTTP ``Content-Type`` header;
3. ``<meta charset>`` / ``<meta http-equiv="Content-Type" content="…charset=…">`` (HTML only) or
   an XML declaration's ``encoding="…"``, searched in the first 4 KB;
4. strict UTF-8 (most undeclared pages are UTF-8), or UTF-8 with a few bad bytes replaced
   when valid multi-byte characters outnumber the bad bytes ten to one;
5. charset-normalizer's best guess (windows-1252, ISO-8859-x, Shift-JIS, GB18030, …);
6. windows-1252 with replacement characters (never fails).

A declared charset that does not decode the body strictly is ignored (servers often lie), and
the legacy labels are mapped as browsers do: ``iso-8859-1``/``ascii`` → windows-1252,
``shift_jis`` → cp932, ``gb2312``/``gbk`` → gb18030, ``euc-kr`` → cp949.
"""
from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),   # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Browser-compatible aliases: what pages *mean* when they declare these legacy labels.
_ALIASES = {
    "iso-8859-1": "cp1252", "iso8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252",
    "l1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "iso_8859-1": "cp1252",
    "windows-1252": "cp1252", "x-cp1252": "cp1252",
    "iso-8859-9": "cp1254", "latin5": "cp1254",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932",
    "ms_kanji": "cp932", "windows-31j": "cp932", "csshiftjis": "cp932",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "chinese": "gb18030",
    "euc-kr": "cp949", "ks_c_5601-1987": "cp949",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    "tis-620": "cp874", "iso-8859-11": "cp874",
    # A page cannot really be UTF-16 if it declares so in an ASCII-compatible meta tag.
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
}

_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([\w.:-]+)""", re.I)


def normalize_label(label: str | None) -> str | None:
    """Return a Python codec name for a declared charset label, or None if unknown."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header value, as a codec name."""
    if not content_type:
        return None
    m = _HEADER_CHARSET.search(content_type)
    return normalize_label(m.group(1)) if m else None


def sniff_declared(body: bytes) -> str | None:
    """Charset declared inside the document (meta charset / http-equiv / XML declaration)."""
    head = body[:4096]
    m = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return normalize_label(m.group(1).decode("ascii", "replace")) if m else None


def _strict(body: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> str | None:
    """charset-normalizer's best guess for undeclared, non-UTF-8 bytes."""
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - declared dependency
        return None
    # Detection cost grows with size; the first 200 KB are plenty to decide.
    best = from_bytes(body[:200_000]).best()
    if best is None:
        return None
    # normalize_label maps ISO-8859-1 guesses to its superset windows-1252
    # (curly quotes and dashes live in 0x80–0x9F).
    return normalize_label(best.encoding)


def _mostly_utf8(body: bytes) -> str | None:
    """UTF-8 pages with a few stray bytes (a pasted windows-1252 quote, a cut multi-byte
    character at a truncation point) are still UTF-8: replace the bad bytes only."""
    text = body.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad   # valid non-ASCII characters
    return text if good >= 10 * bad else None


def decode(body: bytes, content_type: str | None = None, *, html: bool = True) -> tuple[str, str]:
    """Decode ``body``; return ``(text, encoding_used)``. Never raises."""
    for bom, enc in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(enc, "replace"), enc
    candidates = [header_charset(content_type)]
    if html:
        candidates.append(sniff_declared(body))
    for enc in candidates:
        text = _strict(body, enc)
        if text is not None:
            return text, enc  # type: ignore[return-value]
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    text = _mostly_utf8(body)
    if text is not None:
        return text, "utf-8"
    enc = _detect(body)
    text = _strict(body, enc)
    if text is not None:
        return text, enc  # type: ignore[return-value]
    declared = next((e for e in candidates if e), None)
    fallback = declared or "cp1252"
    return body.decode(fallback, "replace"), fallback
