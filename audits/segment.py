"""Segmentation of extracted policy text into quotable sentences and clauses, with their context.

The extracted text is Markdown-like (`#` headings, `- `/`* `/`1.`/`(a)` list items, `[text](href)`
links, paragraphs separated by blank lines). Every `Segment` maps back to an exact character span
of the document text (`text[start:end]`), so a quote is always a verbatim substring.

Context kept with each segment, used by the detectors:
- `headings`: the chain of headings above it (outermost first), including bold-only lines;
- `leads`: the lead-ins it inherits — for a list item, the sentence introducing the list
  ("You may not:") and the parent items of nested lists; for a clause cut from a long
  sentence, the part of the sentence before its first clause;
- `prev`: the previous sentence under the same heading, possibly in the previous paragraph
  (e.g. "This also covers AI-made images." after the rule it extends).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

# --- line classification -------------------------------------------------------------------

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_HR = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)([^*_].{0,150}?)\1\s*:?\s*$")
# list markers: bullets, 1. 1) 1.2. (a) a. A. i. (iv) and "- " ; the marker is followed by spaces
_ITEM = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>[-*+•·▪●◦]|\(?(?:\d{1,3}(?:\.\d{1,3})*|[a-zA-Z]|[ivxlcIVXLC]{1,6})[.)]|\((?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,6})\))[ \t]+(?=\S)"
)
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}")

_ROMAN = re.compile(r"^[ivxlc]+$", re.I)


def _marker_style(marker: str, prev_styles: dict[str, str]) -> str:
    """A coarse style key for an outline marker, so that nested legal outlines can be followed."""
    m = marker
    if m in "-*+•·▪●◦":
        return "bullet"
    paren = m.startswith("(")
    core = m.strip("().")
    suffix = "p" if paren else ("." if m.endswith(".") else ")")
    if re.fullmatch(r"\d+(?:\.\d+)*", core):
        depth = core.count(".")
        return f"num{depth}{suffix}"
    if len(core) == 1 and core.isalpha():
        low = core.lower()
        case = "U" if core.isupper() else "L"
        # "i", "v", "x" continue an alphabetic run when the previous letter precedes them
        if low in "ivxlc":
            last = prev_styles.get(f"alpha{case}{suffix}")
            if last and ord(low) - ord(last.lower()) == 1:
                return f"alpha{case}{suffix}"
            if low != "i" or last is None or last.lower() != "h":
                return f"roman{case}{suffix}"
        return f"alpha{case}{suffix}"
    if _ROMAN.match(core):
        return f"roman{'U' if core.isupper() else 'L'}{suffix}"
    return "other"


@dataclass
class Block:
    kind: str               # heading | item | para
    start: int              # span of the content (after any marker)
    end: int
    indent: int = 0
    level: int = 0          # heading level (1-7; 7 = bold-only line)
    style: str = ""         # list marker style


def _lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        yield pos, body
        pos += len(line)


def _open_link(s: str) -> bool:
    """`s` ends inside the text of a Markdown link ("[label …" not yet closed)."""
    i = s.rfind("[")
    return i >= 0 and "]" not in s[i:] and i > len(s) - 200


def blocks(text: str) -> list[Block]:
    """Split text into heading, list-item and paragraph blocks (content spans only)."""
    out: list[Block] = []
    lines = list(_lines(text))
    styles_last: dict[str, str] = {}
    cur: Block | None = None
    pending: Block | None = None      # paragraph closed by a blank line
    for idx, (pos, body) in enumerate(lines):
        stripped = body.strip()
        nxt = lines[idx + 1][1] if idx + 1 < len(lines) else ""
        if _SETEXT.match(body) and out and out[-1].kind == "para" and cur is out[-1] \
                and "\n" not in text[cur.start:cur.end]:
            # the previous line was a setext heading ("Title" underlined with === or ---)
            cur.kind, cur.level = "heading", 1 if stripped.startswith("=") else 2
            cur = None
            continue
        if not stripped or _HR.match(body) or _TABLE_SEP.match(body):
            if not stripped and cur is not None and cur.kind == "para":
                pending = cur          # a blank line may still fall inside a sentence (see below)
            else:
                pending = None
            cur = None
            continue
        m = _ATX.match(body)
        if m:
            s = pos + body.index(m.group(2)) if m.group(2) else pos
            out.append(Block("heading", s, s + len(m.group(2)), level=len(m.group(1))))
            cur = None
            continue
        m = _BOLD_LINE.match(body)
        if m and not _SETEXT.match(nxt) and not re.search(r"[.!?;]\W*$", m.group(2)):
            s = pos + body.index(m.group(2))
            out.append(Block("heading", s, s + len(m.group(2)), level=7))
            cur = None
            continue
        m = _ITEM.match(body)
        if m:
            indent = len(m.group("indent").expandtabs(4))
            marker = m.group("marker")
            style = _marker_style(marker, styles_last)
            core = marker.strip("().")
            styles_last[style] = core
            s = pos + m.end()
            e = pos + len(body.rstrip())
            cur = Block("item", s, e, indent=indent, style=style)
            out.append(cur)
            continue
        lstrip = len(body) - len(body.lstrip())
        s, e = pos + lstrip, pos + len(body.rstrip())
        if cur is None and pending is not None and pending is out[-1] and lstrip == 0 \
                and stripped[:1].islower() and re.search(r"[\w,]$", text[pending.start:pending.end]):
            cur = pending        # a paragraph cut by a blank line in the middle of a sentence
        pending = None
        if cur is not None and ((stripped[:1].islower() and not re.search(r"[.!?:;]\W*$", text[cur.start:cur.end]))
                                or _open_link(text[cur.start:cur.end])):
            cur.end = e          # soft-wrapped continuation of the same sentence (or of a link's text)
            continue
        indent = len(body[:lstrip].expandtabs(4))
        cur = Block("para", s, e, indent=indent)
        out.append(cur)
    return out


# --- sentence splitting -------------------------------------------------------------------

_PROTECT = re.compile(
    r"\[[^\[\]\n]*\]\((?:[^()\s]|\([^()\s]*\))*\)"      # [text](href)
    r"|<[^<>\s]+>"                                        # <autolink>
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                    # e-mail
    r"|\bhttps?://\S+|\bwww\.\S+"                        # bare URL
    r"|\b(?:[A-Za-z]\.){2,}"                              # U.S., e.g., i.e.
)
_ABBREV = {
    "e.g", "i.e", "etc", "inc", "ltd", "co", "corp", "no", "nos", "mr", "mrs", "ms", "dr", "st", "vs", "v",
    "incl", "approx", "sec", "art", "para", "cf", "fig", "jr", "sr", "u.s", "u.s.c", "p", "pp", "ch", "vol",
    "op", "cit", "al", "ca", "dept", "est", "min", "max", "nr", "abs", "ibid", "resp", "seq",
}
_BOUNDARY = re.compile(r"([.!?]+)([\"'”’)\]*_]*)(\s+)(?=[\"'“‘(\[*_]*[A-Z0-9¿¡À-Ý])")
_MAX_SENT = 300     # longer sentences are cut into clauses
_INLINE_ENUM = re.compile(r"(?:(?<=\s)|(?<=^))\((?:[a-zA-Z]|[ivx]{1,4}|\d{1,2})\)\s+")


# the same without the e-mail alternative (the costly one), for texts without an "@"
_PROTECT_NO_AT = re.compile(_PROTECT.pattern.replace(r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+", ""))
assert _PROTECT_NO_AT.pattern != _PROTECT.pattern


def _protected_spans(s: str) -> list[tuple[int, int]]:
    pat = _PROTECT if "@" in s else _PROTECT_NO_AT
    return [(m.start(), m.end()) for m in pat.finditer(s)]


def _in_spans(i: int, spans) -> bool:
    return any(a <= i < b for a, b in spans)


class _LazySpans:
    """`_protected_spans(s)`, computed when a cut candidate first asks (most blocks have none)."""

    __slots__ = ("_s", "_spans")

    def __init__(self, s: str):
        self._s, self._spans = s, None

    def __iter__(self):
        if self._spans is None:
            self._spans = _protected_spans(self._s)
        return iter(self._spans)


_WRAP_WORD = re.compile(r"\b(?:a|an|the|of|and|or|to|by|for|with|without|in|on|at|from|that|your|their|our|his|her|its|any|not|may|must|will|shall)\W*$", re.I)


def _soft_wrap(before: str, after: str) -> bool:
    """A line break that continues the same sentence: the line before does not end like a
    sentence, and the next line starts in lower case (or the line before ends on a comma or a
    word that cannot end a sentence, such as "of" or "without")."""
    if _open_link(before):
        return True            # inside the text of a Markdown link
    b = before.rstrip(" *_")
    if re.match(r"\W*(?:[\w.+-]+@|https?://|www\.)", after) or re.search(r"\d\W*$", b):
        return False           # an address line (post code, e-mail, URL)
    if not b or re.search(r"[.!?:;|]\W*$", b) or not after:
        return False
    if after[0] in "|#>-•*+" or re.match(r"\(?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\s", after):
        return False
    if re.match(r"[\w-]+(?: [\w-]+)?\s*:", after):
        return False           # a labelled line ("email: …")
    if after[:1].islower():
        return True
    return bool(after[:1].isalpha() and (b.endswith(",") or _WRAP_WORD.search(b)))


_LAST_WORD = re.compile(r"([\w.]+)$")


def _word_before(s: str, p: int) -> re.Match | None:
    r"""`re.search(r"([\w.]+)$", s[:p])`, reading only the tail of s[:p] unless the word is longer."""
    lo = max(0, p - 64)
    m = _LAST_WORD.search(s, lo, p)
    if m is not None and m.start() == lo and lo > 0:
        m = _LAST_WORD.search(s, 0, p)
    return m


_CACHED_BLOCK_MAX = 4096    # blocks up to this length keep their sentence spans (they recur across versions)


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (absolute offsets), links and abbreviations kept whole."""
    s = text[start:end]
    rel = _sentence_spans_cached(s) if len(s) <= _CACHED_BLOCK_MAX else _sentence_spans(s)
    return [(start + a, start + b) for a, b in rel]


_CJK_STOP = re.compile(r"[。！？]+[”」』）]*(?=.)")
_LINE_BREAK = re.compile(r"[ \t]*\n\s*")     # both hold a literal character: texts without it skip them


@lru_cache(maxsize=4096)
def _sentence_spans_cached(s: str) -> tuple[tuple[int, int], ...]:
    return _sentence_spans(s)


def _sentence_spans(s: str) -> tuple[tuple[int, int], ...]:
    """Sentence spans inside `s` (offsets in `s`)."""
    spans = _LazySpans(s)
    cuts = [0]
    for m in _BOUNDARY.finditer(s):
        p = m.start(1)
        if _in_spans(p, spans):
            continue
        word = _word_before(s, p)
        token = word.group(1).lower() if word else ""
        if token.rstrip(".") in _ABBREV or (len(token) == 1 and token.isalpha()):
            continue
        cuts.append(m.end(2))
    # CJK full stops end a sentence whatever follows
    if "。" in s or "！" in s or "？" in s:
        for m in _CJK_STOP.finditer(s):
            if not _in_spans(m.start(), spans):
                cuts.append(m.end())
    cuts = sorted(set(cuts))
    # line breaks inside a block also separate sentences (address lines, table rows), unless
    # the line is a soft wrap inside a sentence
    out: list[tuple[int, int]] = []
    bounds = cuts + [len(s)]
    has_breaks = "\n" in s
    for a, b in zip(bounds, bounds[1:]):
        piece_start = a
        for lm in _LINE_BREAK.finditer(s[a:b]) if has_breaks else ():
            nl = a + lm.start()
            if _soft_wrap(s[piece_start:nl], s[a + lm.end():b]):
                continue
            out.append((piece_start, nl))
            piece_start = a + lm.end()
        out.append((piece_start, b))
    res = []
    for a, b in out:
        a2, b2 = _trim(s, a, b)
        if b2 > a2:
            res.append((a2, b2))
    return tuple(res)


_TRIM_CHARS = " \t\r\n*_>|"


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and s[a] in _TRIM_CHARS:
        a += 1
    while b > a and s[b - 1] in _TRIM_CHARS:
        b -= 1
    # drop an unmatched trailing "**" opener etc. already handled; keep closing quotes
    return a, b


def clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Cut a long sentence at semicolons and inline enumerations "(a) … (b) …"."""
    s = text[start:end]
    if len(s) <= _MAX_SENT:
        return [(start, end)]
    spans = _LazySpans(s)
    cuts: list[int] = []
    for m in re.finditer(r";\s+", s):
        if not _in_spans(m.start(), spans):
            cuts.append(m.end())
    enums = [m for m in _INLINE_ENUM.finditer(s) if not _in_spans(m.start(), spans)]
    if len(enums) >= 2:
        cuts.extend(m.start() for m in enums)
    cuts = sorted(set(c for c in cuts if 0 < c < len(s)))
    if not cuts:
        return [(start, end)]
    bounds = [0] + cuts + [len(s)]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        a2, b2 = _trim(s, a, b)
        if b2 - a2 >= 3:
            out.append((start + a2, start + b2))
    return out


# --- segments with context ------------------------------------------------------------------


@dataclass
class Segment:
    doc: int                 # index of the document in the list given to `segment_documents`
    start: int
    end: int
    text: str                # == document.text[start:end]
    headings: list[str] = field(default_factory=list)
    leads: list[str] = field(default_factory=list)
    prev: str = ""
    is_item: bool = False
    block: str = ""          # text of the whole block (paragraph or list item) holding the segment
    ordinal: int = 0         # position in the document (stable ordering)
    memo: dict = field(default_factory=dict, repr=False, compare=False)   # detectors' per-segment cache
    is_heading: bool = False  # the segment is a heading line

    @property
    def heading(self) -> str:
        return self.headings[-1] if self.headings else ""

    @property
    def context(self) -> str:
        """Lead-ins and own text joined (what a list item 'says' with its introduction)."""
        return " ".join(self.leads + [self.text])


def _ends_as_leadin(s: str) -> bool:
    t = s.rstrip(" *_")
    return t.endswith((":", "—", "–", " -")) or bool(re.search(r"\b(following|include|includes|including|such as)\W*$", t, re.I))


def segment(text: str, doc: int = 0) -> list[Segment]:
    """All segments of one document text, in order."""
    segs: list[Segment] = []
    heading_stack: list[tuple[int, str]] = []
    item_stack: list[tuple[int, str, str]] = []   # (indent, style, lead text of this item)
    para_lead = ""                                # last paragraph sentence usable as a list lead-in
    last_text = ""                                # last sentence under the current heading
    for blk in blocks(text):
        if blk.kind == "heading":
            htext = text[blk.start:blk.end]
            while heading_stack and heading_stack[-1][0] >= blk.level:
                heading_stack.pop()
            heading_stack.append((blk.level, htext))
            item_stack.clear()
            para_lead = ""
            segs.extend(_block_segments(text, blk, doc, [h for _, h in heading_stack[:-1]], [], is_heading=True))
            last_text = ""
            continue
        headings = [h for _, h in heading_stack]
        if blk.kind == "item":
            # nesting: by indentation first, then by outline style for flat legal outlines
            while item_stack and item_stack[-1][0] > blk.indent:
                item_stack.pop()
            same = [k for k, (ind, st, _) in enumerate(item_stack) if ind == blk.indent and st == blk.style]
            if same:
                del item_stack[same[-1]:]
            # a new outline style at the same indentation nests only under an item that introduces it
            while item_stack and item_stack[-1][0] == blk.indent and not _ends_as_leadin(item_stack[-1][2]):
                item_stack.pop()
            leads = ([para_lead] if para_lead else []) + [t for _, _, t in item_stack if t]
            sents = _block_segments(text, blk, doc, headings, leads, is_item=True, prev=last_text)
            segs.extend(sents)
            last_text = sents[-1].text if sents else last_text
            own_lead = ""
            if sents:
                last = sents[-1].text
                first = sents[0].text
                own_lead = last if _ends_as_leadin(last) else (first if len(first) <= 200 else "")
            item_stack.append((blk.indent, blk.style, own_lead))
            continue
        # paragraph
        if item_stack and blk.indent > item_stack[-1][0] and blk.indent > 0:
            leads = ([para_lead] if para_lead else []) + [t for _, _, t in item_stack if t]
            sents = _block_segments(text, blk, doc, headings, leads, is_item=True, prev=last_text)
            segs.extend(sents)
            last_text = sents[-1].text if sents else last_text
            continue
        sents = _block_segments(text, blk, doc, headings, [], prev=last_text)
        last_text = sents[-1].text if sents else last_text
        item_stack.clear()
        if sents:
            last = sents[-1].text
            para_lead = last if _ends_as_leadin(last) else ""
        segs.extend(sents)
    for i, sg in enumerate(segs):
        sg.ordinal = i
    return segs


def _block_segments(text: str, blk: Block, doc: int, headings: list[str], leads: list[str], *,
                    is_item: bool = False, is_heading: bool = False, prev: str = "") -> list[Segment]:
    out: list[Segment] = []
    block_text = text[blk.start:blk.end]
    for a, b in sentences(text, blk.start, blk.end):
        cl = clauses(text, a, b)
        for j, (ca, cb) in enumerate(cl):
            # a clause inherits what its sentence said before it (at most ~300 characters)
            before = text[max(a, ca - 300):ca].strip() if j > 0 else ""
            own_leads = leads + ([before] if before else [])
            seg = Segment(doc, ca, cb, text[ca:cb], list(headings), own_leads, prev, is_item, block_text, is_heading=is_heading)
            out.append(seg)
            prev = seg.text
    return out


def segment_documents(texts: list[str]) -> list[Segment]:
    out: list[Segment] = []
    for i, t in enumerate(texts):
        out.extend(segment(t, i))
    return out
