"""PDF → plain text with pypdf: lines re-flowed into paragraphs, hyphenated breaks re-joined.

pypdf yields one string per page with the visual lines of the page. They are turned into the
same Markdown-like text as HTML pages:
- lines are joined into paragraphs; a paragraph ends at a blank line, after a line that ends a
  sentence and is clearly shorter than the page's usual line, before a bullet or numbered item,
  and around short title-like lines;
- a word broken across lines with a hyphen is re-joined: without the hyphen ("pro-/hibited" →
  "prohibited") unless the hyphenated form occurs elsewhere in the document, or the first part is
  a common English prefix of hyphenated compounds ("non-/consensual" → "non-consensual");
- bullets (•, ▪, …) become ``- `` list items; bare page numbers are dropped.

Parse failures raise :class:`PdfError`; :mod:`riskaudit.extract` decides whether that is a
user error (a file) or a logged warning (a crawled body).
"""
from __future__ import annotations

import io
import logging
import re
import statistics

log = logging.getLogger(__name__)

MAX_PAGES = 500
PAGE_BREAK = "\f"


class PdfError(Exception):
    """The bytes are not a PDF pypdf can read."""


_BULLET = re.compile(r"^\s*[•●▪◦‣∙■□➢➤►▸\uf0b7\uf0a7]\s*")
_ENUM = re.compile(r"^\s*(?:\(?[0-9]{1,3}[.)]|\(?[a-zA-Z][.)]|\([ivxlc]{1,5}\)|[ivxlc]{1,5}\.)\s+\S")
_PAGE_NO = re.compile(r"^\s*(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?\s*$", re.I)
_HYPHEN_END = re.compile(r"([A-Za-zÀ-ÖØ-öø-ÿ]+)-$")
_WORD_START = re.compile(r"^([a-zà-öø-ÿ][\w’']*)")
_KEEP_HYPHEN_PREFIXES = frozenset({
    "non", "self", "co", "anti", "ex", "cross", "multi", "third", "well", "pre", "post",
    "opt", "e", "so", "sub", "semi", "quasi", "inter", "intra", "pseudo", "counter", "near",
    "over", "under", "up", "long", "short", "high", "low", "full", "part", "sign", "log",
    "follow", "check", "age", "user", "end",
})
_SENTENCE_END = re.compile(r"[.!?:;)\]\"”’]$")


def pdf_pages(body: bytes, uris: list[str] | None = None) -> list[str]:
    """Raw text of each page (pypdf). Raises PdfError when the PDF cannot be read.

    When ``uris`` is a list, the http(s)/mailto targets of the pages' link annotations are
    appended to it."""
    try:
        from pypdf import PdfReader
        from pypdf.errors import PyPdfError
    except ImportError as e:  # pragma: no cover - declared dependency
        raise PdfError(f"pypdf is not installed: {e}") from e
    # pypdf logs a warning for every recoverable flaw of a PDF: keep our logs readable.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as e:  # noqa: BLE001 - any failure means "cannot open"
                raise PdfError(f"encrypted PDF ({e})") from e
        pages = []
        for i, page in enumerate(reader.pages):
            if i >= MAX_PAGES:
                break
            try:
                pages.append(page.extract_text() or "")
            except Exception as e:  # noqa: BLE001 - a broken page must not lose the others
                log.warning("PDF page %d unreadable: %s", i + 1, e)
                pages.append("")
            if uris is not None:
                uris.extend(_page_uris(page))
        return pages
    except PdfError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError,
            OSError, RecursionError, AssertionError, ZeroDivisionError) as e:
        raise PdfError(f"{type(e).__name__}: {e}") from e


def _page_uris(page) -> list[str]:
    """http(s)/mailto targets of a page's /Link annotations (never raises)."""
    out = []
    try:
        annots = page.get("/Annots") or []
        for ref in annots:
            a = ref.get_object()
            if a.get("/Subtype") != "/Link":
                continue
            action = a.get("/A")
            action = action.get_object() if action is not None else None
            uri = action.get("/URI") if action is not None else None
            if uri:
                uri = str(uri).strip()
                if uri.lower().startswith(("http://", "https://", "mailto:")):
                    out.append(uri)
    except Exception:  # noqa: BLE001 - links are a bonus, text matters
        return out
    return out


def _join_hyphen(prev: str, nxt: str, vocabulary: set[str]) -> str | None:
    """If ``prev`` ends with a hyphenated word broken before ``nxt``, return the joined text."""
    m = _HYPHEN_END.search(prev)
    w = _WORD_START.match(nxt)
    if not m or not w:
        return None
    head, tail = m.group(1), w.group(1)
    hyphenated = f"{head}-{tail}".lower()
    if hyphenated in vocabulary or head.lower() in _KEEP_HYPHEN_PREFIXES:
        return prev + nxt
    return prev[:-1] + nxt


def pages_to_text(pages: list[str]) -> str:
    """Re-flow the visual lines of all pages into Markdown-like paragraphs."""
    lines: list[str] = []
    for page in pages:
        for ln in page.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
            s = ln.strip()
            if s and _PAGE_NO.match(s):
                continue
            lines.append(" ".join(s.split()))
        lines.append(PAGE_BREAK)   # a soft boundary: mid-sentence text continues across pages
    nonblank = [len(s) for s in lines if s and s != PAGE_BREAK]
    if not nonblank:
        return ""
    long_lines = [n for n in nonblank if n >= 20] or nonblank
    typical = statistics.median(long_lines)
    vocabulary = set(re.findall(r"[A-Za-zÀ-ÿ]+-[A-Za-zÀ-ÿ]+", "\n".join(lines).lower()))
    items: set[int] = set()   # indexes of paragraphs that are list items

    paragraphs: list[str] = []
    cur = ""

    def end() -> None:
        nonlocal cur
        if cur:
            if cur.startswith("- "):
                items.add(len(paragraphs))
            paragraphs.append(cur)
        cur = ""

    for i, s in enumerate(lines):
        if s == PAGE_BREAK:
            # A paragraph ends at a page break only when the text is not mid-sentence.
            if cur and (_SENTENCE_END.search(cur) or len(cur) < 0.6 * typical):
                end()
            continue
        if not s:
            # A blank line ends a paragraph unless the text obviously continues.
            nxt = next((x for x in lines[i + 1:i + 4] if x and x != PAGE_BREAK), "")
            if cur and not cur.endswith((",", "-")) and not nxt[:1].islower():
                end()
            continue
        if _BULLET.match(s):
            end()
            cur = "- " + _BULLET.sub("", s)
        elif _ENUM.match(s) and (not cur or _SENTENCE_END.search(cur)
                                 or len(lines[i - 1]) < 0.8 * typical):
            end()
            cur = s
        elif not cur:
            cur = s
        else:
            joined = _join_hyphen(cur, s, vocabulary)
            cur = joined if joined is not None else cur + " " + s
        if len(s) < 0.7 * typical and (_SENTENCE_END.search(s) or _title_like(s)):
            nxt = next((x for x in lines[i + 1:i + 3] if x), "")
            if not nxt[:1].islower():
                end()
    end()
    out: list[str] = []
    for k, para in enumerate(paragraphs):
        if out:
            # Consecutive list items stay on consecutive lines (one list block).
            out.append("\n" if k in items and k - 1 in items else "\n\n")
        out.append(para)
    return "".join(out)


def _title_like(s: str) -> bool:
    """Short line without final punctuation that looks like a heading ("1. Definitions")."""
    if len(s) > 80 or s.endswith((",", "-")):
        return False
    words = s.split()
    if not words:
        return False
    caps = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return s.isupper() or caps >= max(1.0, len(words) * 0.6)


def pdf_extract(body: bytes) -> tuple[str, list[str]]:
    """``(text, link annotation URIs)`` of a PDF. Raises PdfError."""
    uris: list[str] = []
    text = pages_to_text(pdf_pages(body, uris))
    return text, list(dict.fromkeys(uris))
