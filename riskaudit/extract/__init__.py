"""Text extraction: raw crawled bodies and local files → ``Extracted(title, text, language, links)``.

The text is Markdown-like plain text (Open Terms Archive conventions): ``#`` headings, ``- ``
list items, blank-line separated paragraphs, ``[anchor](href)`` links, ``a | b`` table rows.
The audit engine quotes it verbatim, so every normalisation happens here, once.

- HTML: :mod:`riskaudit.extract.html` (lxml), bytes decoded by
  :mod:`riskaudit.extract.encoding`, obfuscated e-mails decoded by :mod:`riskaudit.extract.email`.
- PDF: :mod:`riskaudit.extract.pdf` (pypdf).
- Markdown / plain text: kept as they are (newlines, NFC and no-break spaces normalised).

Failure policy: :func:`extract` (crawled bodies) never raises for bad input — garbage gives
empty text, an unreadable PDF gives empty text and a logged warning. :func:`extract_file` raises
:class:`~riskaudit.core.errors.UserError` for missing/unreadable files, unsupported suffixes and
unreadable PDFs. No Scrapy import here.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from riskaudit.core.errors import UserError
from riskaudit.extract.email import unmunge_emails
from riskaudit.extract.encoding import decode

log = logging.getLogger(__name__)

MAX_INPUT_BYTES = 10 * 1024 * 1024      # HTML/text bodies are truncated to this size
MAX_PDF_BYTES = 50 * 1024 * 1024        # PDFs cannot be truncated: larger ones are skipped
MAX_TEXT_CHARS = 2_000_000              # output text cap (cut at a line boundary)
MIN_LANGUAGE_LETTERS = 40               # below this, language is None
# Language is decided on the first characters: 1,800 gave the same languages as 3,000 (and
# 6,000) on all 427 documents of the dev corpora (text and HTML) and eval/dump_extract.py, in
# ~60 % of the time; 1,700 already changes one (dev/text WeChat).
LANGUAGE_SAMPLE_CHARS = 1800
SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
_SUFFIX_KIND = {".md": "text", ".markdown": "text", ".txt": "text", ".html": "html",
                ".htm": "html", ".xhtml": "html", ".pdf": "pdf"}


@dataclass
class Extracted:
    title: str | None
    text: str
    language: str | None = None          # ISO 639-1 code (py3langid), None if too little text
    links: list[tuple[str, str]] = field(default_factory=list)  # (anchor text, absolute href)
    # Set when extraction hit an unexpected error and fell back to plain text (tags stripped):
    # 'extract_fallback: <error>'; the crawl stores it in the fetch row's error.
    warnings: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------- normalisation
# Regexes, not str.translate: translate with a dict is ~15x slower on long texts.
_SPACES = re.compile("[\u00a0\u202f\u2007\u2000-\u2006\u2008-\u200a\u205f\u3000]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_TRAILING = re.compile(r"[ \t]+(?=\n|\Z)")
_BLANKS = re.compile(r"\n{3,}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# The characters of each class, for a pre-check: a substring test runs at memchr speed, ~5x faster
# than a search of the class, and most texts contain none of them.
_SPACE_CHARS = ("\u00a0", "\u202f", "\u2007", *map(chr, range(0x2000, 0x2007)), *map(chr, range(0x2008, 0x200B)),
                "\u205f", "\u3000")
_INVISIBLE_CHARS = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad")
_CONTROL_CHARS = tuple(map(chr, (*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0x7F)))


def _has_any(text: str, chars: tuple[str, ...]) -> bool:
    return any(c in text for c in chars)


def normalize_text(text: str) -> str:
    """NBSP-like spaces → space, zero-width characters removed, NFC, no trailing spaces,
    at most one blank line in a row, no leading/trailing blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    ascii_only = text.isascii()   # (constant time) then no odd space or invisible char, and NFC already
    if not ascii_only:
        if _has_any(text, _SPACE_CHARS):
            text = _SPACES.sub(" ", text)
        if _has_any(text, _INVISIBLE_CHARS):
            text = _INVISIBLE.sub("", text)
    if _has_any(text, _CONTROL_CHARS):
        text = _CONTROL.sub("", text)
    if not ascii_only:
        text = unicodedata.normalize("NFC", text)
    if " \n" in text or "\t\n" in text or text.endswith((" ", "\t")):
        text = _TRAILING.sub("", text)
    if "\n\n\n" in text:
        text = _BLANKS.sub("\n\n", text)
    return text.strip("\n")


def _normalize_plain(text: str) -> str:
    """Markdown/plain text: only newlines, NFC and no-break spaces change."""
    text = _SPACES.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))
    return unicodedata.normalize("NFC", text)


def _cap(text: str) -> str:
    if len(text) <= MAX_TEXT_CHARS:
        return text
    cut = text.rfind("\n", 0, MAX_TEXT_CHARS)
    return text[: cut if cut > MAX_TEXT_CHARS // 2 else MAX_TEXT_CHARS].rstrip()


_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")   # controls except \t\n\r\f, U+FFFD


_BAD_CHAR_LIST = tuple(chr(c) for c in (*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20), 0xFFFD))


def _looks_binary(text: str) -> bool:
    """Decoded text that is mostly control/replacement characters is not a document."""
    sample = text[:8192]
    if not sample or not _has_any(sample, _BAD_CHAR_LIST):
        return False
    return len(_BAD_CHARS.findall(sample)) > 0.05 * len(sample)


# ------------------------------------------------------------------------- language
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_LETTERS = re.compile(r"[^\W\d_]")


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of ``text`` (py3langid's model, deterministic), None if too little text."""
    sample = _LINK_TARGET.sub("]", text[:LANGUAGE_SAMPLE_CHARS])
    if sum(1 for _ in islice(_LETTERS.finditer(sample), MIN_LANGUAGE_LETTERS)) < MIN_LANGUAGE_LETTERS:
        return None
    from riskaudit.extract.langid import classify  # py3langid's answer, counted by numpy

    return classify(sample)


# ------------------------------------------------------------------------- kinds
def detect_kind(body: bytes, content_type: str | None = None, url: str | None = None) -> str:
    """'html', 'pdf' or 'text' from magic bytes, then the Content-Type, then the URL suffix."""
    head = body[:1024]
    sniff = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    # PDF readers accept junk before the header; an HTML page merely mentioning it is not a PDF.
    if sniff.startswith(b"%pdf-") or (b"%PDF-" in head and not sniff.startswith(b"<")):
        return "pdf"
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    looks_html = sniff.startswith((b"<!doctype html", b"<html", b"<?xml")) or any(
        tag in body[:4096].lower() for tag in (b"<head", b"<body", b"<div", b"<p>", b"<title"))
    if "pdf" in ct:
        return "pdf"
    if "html" in ct or ct.endswith("xml") or ct.endswith("+xml"):
        return "html"
    if ct.startswith("text/"):
        # Servers label HTML as text/plain now and then: trust an unambiguous document start.
        return "html" if sniff.startswith((b"<!doctype html", b"<html")) else "text"
    if url:
        path = url.split("?", 1)[0].split("#", 1)[0].lower()
        for suffix, kind in _SUFFIX_KIND.items():
            if path.endswith(suffix):
                return kind
    return "html" if looks_html else "text"


# ------------------------------------------------------------------------- markdown/text
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\]\(\s*<?((?:https?://|mailto:)[^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^>\s]+)>")
_BARE_URL = re.compile(r"(?<![\w(<\[/])https?://[^\s<>()\[\]\"'`]+")
_ATX = re.compile(r"^ {0,3}#{1,6}\s+(.+?)\s*#*\s*$", re.M)
_SETEXT = re.compile(r"^(\S[^\n]*)\n=+\s*$", re.M)


def _text_title(text: str) -> str | None:
    m_atx = _ATX.search(text)
    m_set = _SETEXT.search(text)
    cands = [m for m in (m_atx, m_set) if m]
    if not cands:
        return None
    m = min(cands, key=lambda m: m.start())
    return m.group(1).strip() or None


def _text_links(text: str) -> list[tuple[str, str]]:
    out, seen = [], set()
    for m in _MD_LINK.finditer(text):
        key = (m.group(1).strip(), m.group(2))
        if key not in seen:
            seen.add(key)
            out.append(key)
    for m in _AUTOLINK.finditer(text):
        key = (m.group(1), m.group(1))
        if key not in seen:
            seen.add(key)
            out.append(key)
    hrefs = {href for _, href in out}
    for m in _BARE_URL.finditer(text):
        url = m.group(0).rstrip(".,;:!?’”")
        if url not in hrefs:
            hrefs.add(url)
            out.append((url, url))
    return out


# ------------------------------------------------------------------------- entry points
def _extract_pdf(body: bytes, source: str | None, *, strict: bool) -> Extracted:
    from riskaudit.extract.pdf import PdfError, pdf_extract

    where = source or "PDF body"
    if len(body) > MAX_PDF_BYTES:
        if strict:
            raise UserError(f"{where}: PDF larger than {MAX_PDF_BYTES // 2**20} MB; "
                            "split it or convert it to text first")
        log.warning("%s: PDF of %d bytes skipped (limit %d)", where, len(body), MAX_PDF_BYTES)
        return Extracted(title=None, text="")
    try:
        text, uris = pdf_extract(body)
    except PdfError as e:
        if strict:
            raise UserError(f"{where}: cannot read this PDF ({e}); "
                            "check the file is a complete, unencrypted PDF") from e
        log.warning("%s: unreadable PDF, extracted no text (%s)", where, e)
        return Extracted(title=None, text="")
    text = _cap(normalize_text(text))
    title = None
    for line in text.split("\n"):
        if line.strip():
            title = line.strip()[:200]
            break
    links = _text_links(text)
    seen = {href for _, href in links}
    links += [(u, u) for u in uris if u not in seen]
    return Extracted(title=title, text=text, language=detect_language(text), links=links)


def _extract_html(body: bytes, content_type: str | None, url: str | None, links: bool = True) -> Extracted:
    from riskaudit.extract.html import html_to_text

    html, _enc = decode(body, content_type, html=True)
    if _looks_binary(html):
        return Extracted(title=None, text="")
    title, text, links = html_to_text(html, url, links=links)
    text = _cap(normalize_text(unmunge_emails(text)))
    if title:
        title = normalize_text(title)
    return Extracted(title=title or None, text=text, language=detect_language(text), links=links)


def _extract_text(body: bytes, content_type: str | None) -> Extracted:
    text, _enc = decode(body, content_type, html=False)
    if _looks_binary(text):
        return Extracted(title=None, text="")
    text = _cap(_normalize_plain(text))
    return Extracted(title=_text_title(text), text=text, language=detect_language(text),
                     links=_text_links(text))


_FALLBACK_DROP = re.compile(r"<(script|style|noscript|svg|template)\b.*?</\1\s*>|<!--.*?-->", re.I | re.S)
_FALLBACK_BLOCK = re.compile(r"</?(?:p|div|h[1-6]|li|ul|ol|br|tr|td|th|table|section|article|header|footer|main|nav|"
                             r"title|head|body|html|blockquote|pre|dd|dt|dl|form|hr)\b[^>]*>", re.I)
_FALLBACK_TAG = re.compile(r"<[^>]*>")
_FALLBACK_TITLE = re.compile(r"<title\b[^>]*>(.*?)</title", re.I | re.S)


def _extract_fallback(body: bytes, content_type: str | None, error: BaseException) -> Extracted:
    """Plain-text extraction for when the real one failed: tags stripped, entities decoded."""
    import html as _html

    note = f"extract_fallback: {type(error).__name__}: {error}"[:200]
    log.warning("%s", note)
    try:
        text, _enc = decode(body[:MAX_INPUT_BYTES], content_type, html=True)
    except Exception:  # noqa: BLE001 - the fallback must not fail
        text = body[:MAX_INPUT_BYTES].decode("utf-8", "replace")
    if _looks_binary(text):
        return Extracted(title=None, text="", warnings=[note])
    m = _FALLBACK_TITLE.search(text)
    title = normalize_text(_html.unescape(_FALLBACK_TAG.sub("", m.group(1)))).strip() if m else None
    text = _FALLBACK_TAG.sub("", _FALLBACK_BLOCK.sub("\n", _FALLBACK_DROP.sub(" ", text)))
    text = "\n".join(" ".join(line.split()) for line in _html.unescape(text).split("\n"))
    text = _cap(normalize_text(text))
    return Extracted(title=title or None, text=text, language=detect_language(text), warnings=[note])


def extract(body: bytes, *, content_type: str | None = None, url: str | None = None, links: bool = True) -> Extracted:
    """Extract a crawled body. Never raises: garbage gives empty text; an unexpected error
    falls back to plain text (tags stripped) with an 'extract_fallback: …' warning.
    ``links=False`` skips the link list of an HTML page (title, text and language are the same;
    the crawl stores no link list, and listing them is a fifth of an HTML page's extraction)."""
    if not body:
        return Extracted(title=None, text="")
    if isinstance(body, str):   # be lenient with callers holding text already
        body = body.encode("utf-8")
    try:
        return _extract(body, content_type, url, links)
    except Exception as exc:  # noqa: BLE001 - a crawled document is never lost to an extractor bug
        return _extract_fallback(body, content_type, exc)


def _extract(body: bytes, content_type: str | None, url: str | None, links: bool = True) -> Extracted:
    kind = detect_kind(body, content_type, url)
    if kind == "pdf":
        return _extract_pdf(body, url, strict=False)
    if len(body) > MAX_INPUT_BYTES:
        log.warning("%s: body of %d bytes truncated to %d", url or "body", len(body), MAX_INPUT_BYTES)
        body = body[:MAX_INPUT_BYTES]
    try:
        if kind == "html":
            return _extract_html(body, content_type, url, links)
        return _extract_text(body, content_type)
    except RecursionError:
        log.warning("%s: markup nested too deeply, extracted no text", url or "body")
        return Extracted(title=None, text="")


def extract_file(path: str | Path) -> Extracted:
    """Extract a local .md/.markdown/.txt/.html/.htm/.pdf file.

    Raises UserError for missing or unreadable files, unsupported suffixes and unreadable PDFs.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    kind = _SUFFIX_KIND.get(suffix)
    if kind is None or suffix == ".xhtml":
        raise UserError(f"{p}: unsupported file type {suffix or '(no suffix)'!r}; "
                        f"use one of {', '.join(SUPPORTED_SUFFIXES)}")
    try:
        body = p.read_bytes()
    except FileNotFoundError:
        raise UserError(f"{p}: file not found; check the path") from None
    except IsADirectoryError:
        raise UserError(f"{p}: is a directory, expected a file") from None
    except OSError as e:
        raise UserError(f"{p}: cannot read file ({e.strerror or e}); check its permissions") from None
    if kind == "pdf":
        if not body.lstrip()[:1024].find(b"%PDF-") >= 0:
            raise UserError(f"{p}: not a PDF (no %PDF- header); check the file or its suffix")
        return _extract_pdf(body, str(p), strict=True)
    if len(body) > MAX_INPUT_BYTES:
        log.warning("%s: file of %d bytes truncated to %d", p, len(body), MAX_INPUT_BYTES)
        body = body[:MAX_INPUT_BYTES]
    try:
        if kind == "html":
            # No URL: relative links resolve against the page's own canonical/og:url (see
            # extract_html.HtmlExtractor._declared_url), else stay text.
            return _extract_html(body, None, None)
        return _extract_text(body, None)
    except RecursionError:
        raise UserError(f"{p}: markup nested too deeply to extract; simplify the file") from None
