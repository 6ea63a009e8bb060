"""Case-insensitive concept patterns, searched faster in ASCII text.

Python's `re` with IGNORECASE cannot use its fast literal scans: the same pattern searched in
lower-cased text without the flag is several times faster. `lowered(pattern)` rewrites a compiled
IGNORECASE pattern into that form: every character matcher (a letter, a class, a negated class)
is replaced by the lower-case ASCII characters it matches; anchors, word boundaries, categories
(\\w, \\d, \\s), repeats, groups and look-arounds stay as they are.

For an ASCII text `t` (whose `t.lower()` has the same length and the same non-letters) the
rewritten pattern matches `t.lower()` exactly where the original matches `t`: a character
matcher of an IGNORECASE pattern accepts both cases of an ASCII letter or neither. Callers
still take the match object from the original pattern (`matched text, groups`); the rewritten
one only says "no match" sooner. Patterns it cannot rewrite exactly (case-sensitive parts,
back-references, unknown opcodes) give None and keep their plain search.

This reads the parse tree of `re` (`re._parser`), which is stable across CPython 3.11-3.13;
tests/test_casefold.py compares both forms on every concept and on hostile inputs.
"""
from __future__ import annotations

import re

try:                                   # CPython >= 3.11
    from re import _constants as K
    from re import _parser as P
except ImportError:  # pragma: no cover - older CPython
    import sre_constants as K  # type: ignore[no-redef]
    import sre_parse as P  # type: ignore[no-redef]

_ASCII = [chr(i) for i in range(128)]
_SINGLE = {K.LITERAL, K.NOT_LITERAL, K.IN, K.ANY}
_REPEATS = {K.MAX_REPEAT, K.MIN_REPEAT, getattr(K, "POSSESSIVE_REPEAT", K.MAX_REPEAT)}
_ASSERTS = {K.ASSERT, K.ASSERT_NOT}


class _Unsupported(Exception):
    pass


_ONE: dict[tuple[str, int], re.Pattern] = {}
_MATCHED: dict[tuple[str, int], list[str]] = {}


def _one(item, flags: int, key: tuple[str, int] | None = None) -> re.Pattern:
    """The single-character matcher `item` compiled alone (kept: concepts share many)."""
    key = key or (repr(item), flags)
    pat = _ONE.get(key)
    if pat is None:
        sub = P.SubPattern(P.State(), [item])
        sub.state.flags = flags
        pat = _ONE[key] = re._compiler.compile(sub, flags)
    return pat


def _chars_matched(item, flags: int) -> list[str]:
    """The ASCII characters the single-character matcher `item` accepts under `flags`."""
    key = (repr(item), flags)
    got = _MATCHED.get(key)
    if got is None:
        pat = _one(item, flags, key)
        got = _MATCHED[key] = [c for c in _ASCII if pat.fullmatch(c)]
    return got


def _rewrite_char(item, flags: int):
    low = sorted({c.lower() for c in _chars_matched(item, flags)})
    if not low:
        return (K.LITERAL, 0xFFFF)          # matches no ASCII character
    if len(low) == 1:
        return (K.LITERAL, ord(low[0]))
    return (K.IN, [(K.LITERAL, ord(c)) for c in low])


def _rewrite(seq, flags: int, state):
    out = P.SubPattern(state, [])
    for op, av in seq:
        if op in _SINGLE:
            out.append(_rewrite_char((op, av), flags))
        elif op == K.AT:
            out.append((op, av))
        elif op == K.BRANCH:
            out.append((op, (av[0], [_rewrite(b, flags, state) for b in av[1]])))
        elif op == K.SUBPATTERN:
            group, add, dele, sub = av
            if add or dele:
                raise _Unsupported("inline flags")
            out.append((op, (group, 0, 0, _rewrite(sub, flags, state))))
        elif op in _REPEATS:
            lo, hi, sub = av
            out.append((op, (lo, hi, _rewrite(sub, flags, state))))
        elif op in _ASSERTS:
            direction, sub = av
            out.append((op, (direction, _rewrite(sub, flags, state))))
        elif op == getattr(K, "ATOMIC_GROUP", None):
            out.append((op, _rewrite(av, flags, state)))
        else:
            raise _Unsupported(str(op))
    return out


def lowered(pattern: re.Pattern) -> re.Pattern | None:
    """`pattern` (IGNORECASE) for lower-cased ASCII text without the flag, or None."""
    flags = pattern.flags
    if not isinstance(pattern.pattern, str) or not flags & re.I or flags & (re.LOCALE | re.ASCII | re.VERBOSE):
        return None
    try:
        tree = P.parse(pattern.pattern, flags)
        if tree.state.flags != flags:
            raise _Unsupported("global inline flags")
        body = _rewrite(tree.data, flags, tree.state)
        new_flags = flags & ~re.I
        body.state.flags = new_flags
        return re._compiler.compile(body, new_flags)
    except (_Unsupported, re.error, RecursionError, TypeError, ValueError, AttributeError):
        return None


# Typographic punctuation of policy texts, each with the ASCII mark it stands for (same length).
# A text whose only non-ASCII characters are among these is searched in its ASCII form by a
# pattern that treats each of them exactly like its ASCII mark (`punctuation_safe`).
TYPOGRAPHIC = {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
               "\u2026": ".", "\u2022": "*", "\u00ab": '"', "\u00bb": '"'}
TYPOGRAPHIC_MARKS = frozenset(TYPOGRAPHIC)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def ascii_marks(text: str) -> tuple[str | None, frozenset[str]]:
    """(`text` with its typographic marks made ASCII, the marks it holds), or (None, its non-ASCII
    characters) when it has other non-ASCII characters."""
    marks = frozenset(_NON_ASCII.findall(text))
    if not marks <= TYPOGRAPHIC_MARKS:
        return None, marks
    for mark in marks:
        text = text.replace(mark, TYPOGRAPHIC[mark])       # (str.translate with a dict is slower)
    return text, marks


def ascii_form(text: str) -> str | None:
    """`text` with its typographic punctuation made ASCII, or None when it has other non-ASCII."""
    return ascii_marks(text)[0]


def _matchers(seq, out: list) -> None:
    for op, av in seq:
        if op in _SINGLE:
            out.append((op, av))
        elif op == K.BRANCH:
            for b in av[1]:
                _matchers(b, out)
        elif op == K.SUBPATTERN:
            _matchers(av[3], out)
        elif op in _REPEATS:
            _matchers(av[2], out)
        elif op in _ASSERTS:
            _matchers(av[1], out)
        elif op == getattr(K, "ATOMIC_GROUP", None):
            _matchers(av, out)


def punctuation_safe(pattern: re.Pattern) -> frozenset[str]:
    """The TYPOGRAPHIC marks that every character matcher of `pattern` treats exactly like their
    ASCII mark (word boundaries do too: all of them are non-word characters)."""
    try:
        tree = P.parse(pattern.pattern, pattern.flags)
    except (re.error, RecursionError):
        return frozenset()
    items: list = []
    _matchers(tree.data, items)
    safe = set(TYPOGRAPHIC)
    for key in {(repr(item), pattern.flags): item for item in items}.items():
        safe &= _marks_alike(*key)
    return frozenset(safe)


_ALIKE: dict[tuple[str, int], set[str]] = {}


def _marks_alike(key: tuple[str, int], item) -> set[str]:
    got = _ALIKE.get(key)
    if got is None:
        one = _one(item, key[1], key)
        got = _ALIKE[key] = {m for m, plain in TYPOGRAPHIC.items() if bool(one.fullmatch(m)) == bool(one.fullmatch(plain))}
    return got
