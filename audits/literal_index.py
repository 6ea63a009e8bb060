"""Which pre-filter literals occur in a clause, found in one pass (Aho-Corasick, pyahocorasick).

Rule gates (a clause must hold one literal of every group, audits/rules/__init__.py `_gate`)
and concept look-ups (`audits.rules.hooks.concept_search`) ask whether any literal of a set
occurs in the lower-cased clause; asking each literal in turn was a fifth of the scoring time.
Here every literal registered so far is found at once and kept in the clause's memo; a set is
then open when it meets that set of found literals: exactly `any(lit in low for lit in set)`.
"""
from __future__ import annotations

import ahocorasick

from audits import casefold
from audits.segment import Segment

_LITERALS: dict[str, None] = {}                 # every literal registered so far
_AUTOMATON: list = [None]                       # rebuilt when a literal is added


def register(literals) -> frozenset | None:
    """The literals as a frozenset for `meets` (None when one is empty: it occurs everywhere)."""
    if "" in literals:
        return None
    for lit in literals:
        if lit not in _LITERALS:
            _LITERALS[lit] = None
            _AUTOMATON[0] = None
            _TEXT_CACHE.clear()
    return frozenset(literals)


def found_in(seg: Segment) -> set[str]:
    """The registered literals that occur in `seg.text.lower()` (kept in the segment's memo)."""
    auto = automaton()
    memo = seg.memo
    got = memo.get("literals")
    if got is not None and got[0] is auto:
        return got[1]
    found = found_in_text(seg.text)
    memo["literals"] = (auto, found)
    return found


def automaton():
    """The automaton of every literal registered so far (a new one after `register` adds one)."""
    auto = _AUTOMATON[0]
    if auto is None:
        auto = ahocorasick.Automaton()
        for lit in _LITERALS:
            auto.add_word(lit, lit)
        if len(auto):
            auto.make_automaton()
        _AUTOMATON[0] = auto
        _TEXT_CACHE.clear()
    return auto


_TEXT_CACHE: dict[str, list] = {}   # text -> [lower-cased, literals found or None, ASCII lower-cased form or None, its non-ASCII marks]
_TEXT_CACHE_MAX = 20000


def _text_entry(text: str) -> list:
    got = _TEXT_CACHE.get(text)
    if got is None:
        if len(_TEXT_CACHE) >= _TEXT_CACHE_MAX:
            _TEXT_CACHE.clear()
        low = text.lower()
        if text.isascii():
            got = [low, None, low, _NO_MARKS]
        else:       # marks of the text itself, not of `low`: "\u212a".lower() is "k"
            plain, marks = casefold.ascii_marks(text)
            got = [low, None, plain.lower(), marks] if plain is not None else [low, None, None, None]
        _TEXT_CACHE[text] = got
    return got


_NO_MARKS: frozenset = frozenset()


def found_in_text(text: str) -> set[str]:
    """The registered literals that occur in `text.lower()` (texts other than clauses: lead-ins,
    headings, contexts; the last ones asked are kept)."""
    auto = automaton()
    entry = _text_entry(text)
    got = entry[1]
    if got is None:
        got = entry[1] = {lit for _, lit in auto.iter(entry[0])} if len(auto) else set()
    return got


class Prefiltered:
    """A compiled concept pattern whose `search(text)` first gives the quick answers "no match":
    the text holds none of the concept's literals (one occurs in the lower-cased text of every
    match), or the case-folded form of the pattern (`audits.casefold.lowered`, several times
    faster) does not match the text's lower-cased ASCII form. Both apply to ASCII text and to text
    whose only other characters are typographic marks the pattern treats like their ASCII ones
    (`casefold.punctuation_safe`). Otherwise the pattern's own search answers, and the match
    always comes from it; everything else is the pattern's own."""

    __slots__ = ("_pat", "_lits", "_low", "_marks")

    def __init__(self, pat, lits: frozenset | None, low=None):
        self._pat, self._lits, self._low = pat, lits, low
        self._marks = casefold.punctuation_safe(pat) if low is not None or lits is not None else frozenset()

    def search(self, text, *args, **kw):
        if not args and not kw and type(text) is str:
            entry = _TEXT_CACHE.get(text) or _text_entry(text)
            marks = entry[3]
            if marks is not None:          # ASCII, or ASCII with typographic marks only
                if self._lits is not None:
                    found = entry[1]
                    if found is None:
                        found = found_in_text(text)
                    if self._lits.isdisjoint(found):
                        return None
                if self._low is not None and (not marks or marks <= self._marks) and self._low.search(entry[2]) is None:
                    return None
        return self._pat.search(text, *args, **kw)

    def __getattr__(self, name):
        return getattr(self._pat, name)

    def __repr__(self) -> str:
        return f"Prefiltered({self._pat!r})"
