"""Which pre-filter literals occur in a clause, found in one pass (Aho-Corasick, pyahocorasick).

Rule gates (a clause must hold one literal of every group, audits/rules/__init__.py `_gate`)
and concept look-ups (`audits.rules.hooks.concept_search`) ask whether any literal of a set
occurs in the lower-cased clause; asking each literal in turn was a fifth of the scoring time.
Here every literal registered so far is found at once and kept in the clause's memo; a set is
then open when it meets that set of found literals: exactly `any(lit in low for lit in set)`.
"""
from __future__ import annotations

import ahocorasick

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
    return frozenset(literals)


def found_in(seg: Segment) -> set[str]:
    """The registered literals that occur in `seg.text.lower()` (kept in the segment's memo)."""
    auto = _AUTOMATON[0]
    if auto is None:
        auto = ahocorasick.Automaton()
        for lit in _LITERALS:
            auto.add_word(lit, lit)
        if len(auto):
            auto.make_automaton()
        _AUTOMATON[0] = auto
    memo = seg.memo
    got = memo.get("literals")
    if got is not None and got[0] is auto:
        return got[1]
    low = memo.get("low")
    if low is None:
        low = memo["low"] = seg.text.lower()
    found = {lit for _, lit in auto.iter(low)} if len(auto) else set()
    memo["literals"] = (auto, found)
    return found
