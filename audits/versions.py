"""Version identity and formatting-blind sentence normalisation of policy documents.

A document's identity over time is its *document key* (URL, else name). A new *version* starts
whenever the hash of its extracted text changes. Whether that version says anything new is
decided on *normalised sentences*: markdown markers, list bullets, heading marks, line wrapping,
whitespace, typographic quotes/dashes and letter case are removed before splitting into
sentences, and the sentences are compared as a set (so moving a paragraph or a heading is not a
change either). `sentence_diff` returns the added / removed sentences in a readable display form
(markdown stripped, case kept).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SETEXT_OR_RULE = re.compile(r"^\s*([=\-*_~]\s*){3,}$")
_LIST_ITEM = re.compile(r"^\s*(?:(?P<bullet>[-*+•·▪‣◦])|\(?(?P<ordinal>\d{1,3}|[a-zA-Z])[.)])\s+")
_BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^\"']*[\"'])?\s*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1")
_STRAY_MARK = re.compile(r"(?<![\w*])\*{1,3}|\*{1,3}(?![\w*])|`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'’”)\]]*\s+(?=[\"'‘“(\[]*[A-Z0-9])")
_TRANSLATE = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "`": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "–": "-", "—": "-", "‒": "-", "−": "-", "‐": "-", "‑": "-",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "…": "...",
})


def document_key(url: str | None, name: str | None) -> str:
    """Identity of a document across versions: its URL when it has one, else its name."""
    return (url or name or "").strip()


def _blocks(text: str) -> list[str]:
    """Split markdown/plain text into structural blocks (paragraphs, headings, list items, rows)."""
    blocks: list[str] = []
    current: list[str] = []
    in_list = False              # is `current` a list item? (a wrapped "4." inside a paragraph is not an item)

    def flush() -> None:
        if current:
            blocks.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = _BLOCKQUOTE.sub("", raw)
        if not line.strip():
            flush()
            continue
        if _SETEXT_OR_RULE.match(line) or _TABLE_SEP.match(line):
            flush()
            continue
        m = _HEADING.match(line)
        if m:
            flush()
            blocks.append(m.group(1))
            continue
        if line.lstrip().startswith("|"):
            flush()
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            blocks.append(" ".join(c for c in cells if c))
            continue
        m = _LIST_ITEM.match(line)
        if m and (not current or in_list or m.group("bullet") or m.group("ordinal") in ("1", "a", "A")):
            flush()
            in_list = True
            current.append(line[m.end():])
            continue
        if not current:
            in_list = False
        current.append(line.strip())
    flush()
    return blocks


def clean_inline(text: str) -> str:
    """Display form of a piece of text: inline markdown removed, quotes/dashes/whitespace normalised."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})" if m.group(2) and m.group(2) != m.group(1) else m.group(1), text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub(" ", text)
    for _ in range(3):
        new = _EMPHASIS.sub(r"\2", text)
        if new == text:
            break
        text = new
    text = _STRAY_MARK.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def sentence_key(display: str) -> str:
    """Comparison key of a display sentence: case-folded, whitespace collapsed."""
    return _SPACES.sub(" ", display.casefold()).strip()


def sentences(text: str) -> dict[str, str]:
    """Normalised sentences of a text: {key: display}, in document order, duplicates dropped."""
    out: dict[str, str] = {}
    for block in _blocks(text or ""):
        for key, part in (_block_sentences_cached(block) if len(block) <= 4096 else _block_sentences(block)):
            if key not in out:
                out[key] = part
    return out


@lru_cache(maxsize=4096)
def _block_sentences_cached(block: str) -> tuple[tuple[str, str], ...]:
    return _block_sentences(block)         # (most blocks recur from version to version)


def _block_sentences(block: str) -> tuple[tuple[str, str], ...]:
    """(key, display) of each sentence of one block."""
    cleaned = clean_inline(block)
    if not cleaned:
        return ()
    out = []
    for part in _SENTENCE_END.split(cleaned):
        part = part.strip()
        if not part or not any(ch.isalnum() for ch in part):
            continue
        out.append((sentence_key(part), part))
    return tuple(out)


def norm_sha256(sents: dict[str, str]) -> str:
    """Formatting-blind identity of a text: hash of its sorted sentence keys."""
    return hashlib.sha256("\n".join(sorted(sents)).encode("utf-8")).hexdigest()


def sentence_diff(old: dict[str, str], new: dict[str, str]) -> tuple[list[str], list[str]]:
    """(added, removed) display sentences between two sentence maps, each in its document order."""
    added = [d for k, d in new.items() if k not in old]
    removed = [d for k, d in old.items() if k not in new]
    return added, removed


def quote_key(quote: str) -> str:
    """Comparison key of an evidence quote (same normalisation as sentences, as one block)."""
    return sentence_key(clean_inline(" ".join(_blocks(quote or "")) or quote or ""))
