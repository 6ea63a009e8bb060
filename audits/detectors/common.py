"""Helpers shared by the detectors: prohibition/permission cues and scope checks on a segment."""
from __future__ import annotations

import re

from audits import patterns as P
from audits.segment import Segment

EXTENSION_START = re.compile(
    r"\W*(?:this|that|these|it|which|such (?:content|conduct|behaviou?r))? ?(?:also |may |can |would |will )?"
    r"(?:includes?|including|covers?|applies|extends|means|encompass\w*|examples? (?:include|are))\b|\W*(?:examples|for example|e\.g\.)", re.I)
# advice and help text under a rules heading is not itself a rule
_ADVICE = re.compile(r"^\W*(?:if|when|whether|learn|read|find|see|visit|contact|how)\b|\b(?:report(?:ing)? (?:it|this|them|to us)|resources?|help ?cent(?:er|re)|learn more|what to do|help ?lines?|hotlines?|support services?|(?:can|may) (?:contact|call|reach))\b", re.I)
_LEADING_NEG = re.compile(r"^\W*(?:no|not|never|don[’']?t|do not|nor)\b", re.I)


def own_prohibits(text: str) -> bool:
    """The sentence itself forbids (and is not a permission)."""
    cues = [m.group(0).lower() for m in P.PROHIBIT.finditer(text)]
    if cues:
        # "you can remove …" is advice to the user, not enforcement by the service
        if all(re.match(r"remov|take|retir|supprim|entfern", c) for c in cues) and re.search(r"\byou (?:can|may|could|should|might)\b", text, re.I):
            return False
        return True
    return bool(_LEADING_NEG.match(text))


def permits(text: str) -> bool:
    """A permission without any prohibition cue: "You may share nude images of yourself"."""
    return bool(P.PERMIT.search(text)) and not P.PROHIBIT.search(text)


def prohibition(seg: Segment) -> str | None:
    """Where the segment's prohibition comes from: 'sentence', 'lead-in', 'heading', or None."""
    if permits(seg.text):
        return None
    if own_prohibits(seg.text):
        return "sentence"
    if any(P.PROHIBIT.search(lead) for lead in seg.leads):
        return "lead-in"
    if EXTENSION_START.match(seg.text):
        before = seg.block[: max(0, seg.block.find(seg.text))]
        if P.PROHIBIT.search(before):
            return "preceding sentence"
    if (seg.is_item or len(seg.text) < 160) and not _ADVICE.search(seg.text):
        for h in seg.headings[-3:]:
            if P.PROHIBIT_HEADING.search(h) or P.PROHIBIT.search(h):
                return "heading"
    return None


def out_of_scope(seg: Segment) -> str | None:
    """Advertising or staff rules do not count for users' content."""
    heads = " ".join(seg.headings[-2:])
    if P.ADS_SCOPE.search(heads) and not re.search(r"content|community|user", heads, re.I):
        return "advertising policy"
    first = seg.text[:60]
    if re.match(r"\W*(?:ads?|advertis(?:ing|ements?|ers?)|sponsored)\b", first, re.I):
        return "advertising policy"
    if re.search(r"\b(?:our|its) (?:employees|staff|personnel)\b", seg.text, re.I) and not re.search(r"\b(?:you|users?|members?)\b", seg.text, re.I):
        return "staff rule"
    return None


def context_text(seg: Segment, *, headings: int = 2, prev: bool = False) -> str:
    parts = list(seg.headings[-headings:]) if headings else []
    parts += seg.leads
    if prev:
        parts.append(seg.prev)
    return " \n ".join(p for p in parts if p)


# a rule stated in the voice of a rule ("you may not", "we prohibit") is the quote a reader expects
_RULE_VOICE = re.compile(
    r"\b(?:may not|must not|must never|shall not|do not|don[’']t|never|agree not to|not (?:be )?(?:allowed|permitted|tolerated)|"
    r"prohibit\w*|forbid\w*|banned|zero[- ]tolerance)\b", re.I)


def specificity(seg: Segment) -> float:
    """Rank quotes: short self-contained sentences in a rule's voice first; headings and
    enforcement statistics last (they can still be evidence when nothing better exists)."""
    n = len(seg.text)
    bonus = -0.5 if n < 25 else max(0.0, 0.5 - n / 1200)
    if seg.is_heading:
        bonus -= 0.75
    if P.STATISTIC.search(seg.text):
        bonus -= 0.75
    if _RULE_VOICE.search(seg.text):
        bonus += 0.25
    return bonus
