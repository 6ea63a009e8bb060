"""The phrase language of the concept files, compiled to regular expressions.

A phrase is written the way it reads; a few marks make it general (docs/rules.md has the
table). Matching is case-insensitive; the concept's `boundary` decides how a phrase is
delimited (whole words by default).

    images?              the letter before `?` is optional            image, images
    nud(e|es|ity)        one of the choices in brackets              nude, nudes, nudity
    porn(ography|)       an empty choice makes the group optional     porn, pornography
    (express |)consent   optional words: put the space inside         express consent, consent
    non[- ]?consensual   one of the characters in square brackets     non-consensual, nonconsensual
    exploit*             any word ending (also none)                  exploit, exploited, exploitation
    <word>               any one word
    without <0-4 words> consent   up to 4 words in between            without their prior consent
    send <within 120 chars> notice   the same clause part (no . or ;), at most 120 characters apart
    don't                an apostrophe matches ' and ’
    {image}              the phrases of the concept `image`, inlined
    <number> <digit>     digits
    (!...)               not followed by ...;  (<!...) not preceded by ...
    (de |et )<repeat>    the group may repeat (also not at all)
    e.g                  a dot is a dot; `<any char>` is any character

Anything after a backslash (`\\b`, `\\s`, `\\(`) is passed to the regular expression as it is.
"""
from __future__ import annotations

import re

_TOKENS = [
    (re.compile(r"<0-1 words> "), r"(?:\w+ )?"),
    (re.compile(r"<(\d+)-(\d+) words> "), None),
    (re.compile(r"<within (\d+) chars>"), None),
    (re.compile(r"<word>"), r"\w+"),
    (re.compile(r"<number>"), r"\d+"),
    (re.compile(r"<digit>"), r"\d"),
    (re.compile(r"<any char>"), "."),
    (re.compile(r"<space>"), r"\s"),
    (re.compile(r"<repeat>"), "*"),
]


class PhraseError(ValueError):
    """A phrase that cannot be compiled; `field` says what is wrong."""


def to_regex(phrase: str, macros: dict[str, str] | None = None) -> str:
    """The regular-expression source of one phrase (without boundaries)."""
    out: list[str] = []
    i, n = 0, len(phrase)
    depth = 0
    in_class = False
    last = ""          # kind of the last piece: lit, group, class, esc, mark, dot
    while i < n:
        ch = phrase[i]
        if in_class:
            out.append(ch)
            if ch == "\\" and i + 1 < n:
                out.append(phrase[i + 1])
                i += 2
                continue
            if ch == "]":
                in_class = False
                last = "class"
            i += 1
            continue
        if ch == "\\":
            if i + 1 >= n:
                raise PhraseError("a backslash ends the phrase")
            out.append(phrase[i:i + 2])
            last = "esc"
            i += 2
            continue
        if ch == "<":
            for rx, rep in _TOKENS:
                m = rx.match(phrase, i)
                if m:
                    if rep is None:
                        if "words" in m.group(0):
                            rep = r"(?:\w+ ){%s,%s}" % (m.group(1), m.group(2))
                        else:
                            rep = r"[^.;]{0,%s}" % m.group(1)
                    out.append(rep)
                    last = "dot" if rep == "." else ("mark" if rep == "*" else "esc")
                    i = m.end()
                    break
            else:
                raise PhraseError(f"unknown mark {phrase[i:i + 20]!r} (use <word>, <0-3 words>, <within 80 chars>, <number>)")
            continue
        if ch == "{":
            j = phrase.find("}", i)
            name = phrase[i + 1:j] if j > 0 else ""
            if re.fullmatch(r"\d+(?:,\d*)?", name):      # a regex repetition {0,3}
                out.append(phrase[i:j + 1])
                last = "mark"
                i = j + 1
                continue
            if j < 0 or not re.fullmatch(r"[a-z][a-z0-9_]*", name):
                raise PhraseError(f"bad concept reference at {phrase[i:i + 20]!r} (write {{concept_name}})")
            if macros is None or name not in macros:
                raise PhraseError(f"unknown concept {{{name}}}")
            out.append(macros[name])
            last = "group"
            i = j + 1
            continue
        if ch == "(":
            if phrase.startswith("(!", i):
                out.append("(?!")
                i += 2
            elif phrase.startswith("(<!", i):
                out.append("(?<!")
                i += 3
            elif phrase.startswith("(<=", i):
                out.append("(?<=")
                i += 3
            elif phrase.startswith("(=", i):
                out.append("(?=")
                i += 2
            else:
                out.append("(?:")
                i += 1
            depth += 1
            continue
        if ch == ")":
            depth -= 1
            if depth < 0:
                raise PhraseError("a ')' without its '('")
            out.append(")")
            last = "group"
            i += 1
            continue
        if ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            continue
        if ch == "'":
            out.append("[’']")
            last = "class"
            i += 1
            continue
        if ch == "*":
            # after a letter, ')' or ']': any word ending; after an escape or <any char>: repetition
            out.append(r"\w*" if last in ("lit", "group", "class", "") else "*")
            last = "mark"
            i += 1
            continue
        if ch == "+":
            out.append("+" if last in ("esc", "group", "class", "mark") else r"\+")
            last = "mark"
            i += 1
            continue
        if ch == ".":
            out.append(r"\.")
            last = "lit"
            i += 1
            continue
        out.append(ch)
        last = "lit" if (ch.isalnum() or ch == "_") else "sym"
        i += 1
    if depth:
        raise PhraseError("a '(' is not closed")
    if in_class:
        raise PhraseError("a '[' is not closed")
    src = "".join(out)
    try:
        re.compile(src)
    except re.error as exc:
        raise PhraseError(f"does not compile: {exc}") from None
    return src


BOUNDARIES = {
    # name: (before, after)
    "word": (r"(?<![\w-])(?:", r")(?![\w])"),      # whole words; a hyphen before does not start a word
    "b": (r"\b(?:", r")\b"),                        # regex word boundaries on both sides
    "none": ("(?:", ")"),                            # anywhere, also inside words
    "start": ("^(?:", ")"),                          # at the start of the text
    "whole": ("^(?:", ")$"),                         # the whole text
}


def literals(phrase: str) -> set[str] | None:
    """Lower-case strings of which at least one occurs in any text the phrase matches, or None
    when no such literal can be derived (the pre-filter is then open)."""
    best = _seq_literals(phrase)
    return best


def _split_top(s: str, sep: str = "|") -> list[str]:
    parts, depth, cur, i, cls = [], 0, [], 0, False
    while i < len(s):
        ch = s[i]
        if ch == "\\" and i + 1 < len(s):
            cur.append(s[i:i + 2])
            i += 2
            continue
        if cls:
            cls = ch != "]"
        elif ch == "[":
            cls = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
            i += 1
            continue
        cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


def _seq_literals(s: str) -> set[str] | None:
    """Best literal set of a sequence (no top-level '|')."""
    alts = _split_top(s)
    if len(alts) > 1:
        sets = [_seq_literals(a) for a in alts]
        if any(x is None for x in sets):
            return None
        return set().union(*sets)
    # walk the sequence: literal runs and groups; pick the element with the longest shortest literal
    candidates: list[set[str]] = []
    run: list[str] = []
    i, n = 0, len(s)

    def close_run(drop_last: bool = False) -> None:
        if drop_last and run:
            run.pop()
        if run:
            candidates.append({"".join(run).lower()})
        run.clear()

    while i < n:
        ch = s[i]
        if ch == "(":
            depth, j = 0, i
            while j < n:
                if s[j] == "\\":
                    j += 2
                    continue
                if s[j] == "(":
                    depth += 1
                elif s[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = s[i + 1:j]
            optional = j + 1 < n and (s[j + 1] in "?*" or s.startswith("<repeat>", j + 1) or s.startswith("{0", j + 1))
            close_run()
            if not (optional or inner.startswith(("!", "<!", "<=", "="))):
                alts_in = _split_top(inner)
                if "" not in alts_in:
                    sub = _seq_literals(inner)
                    if sub:
                        candidates.append(sub)
            i = j + 1
            if i < n and s[i] in "?*":
                i += 1
            continue
        if ch in "?*":
            close_run(drop_last=True)
            i += 1
            continue
        if ch == "{" :
            close_run(drop_last=True)
            j = s.find("}", i)
            i = (j + 1) if j > 0 else i + 1
            continue
        if ch in "[<\\'+":
            # classes, marks, escapes and apostrophes break a literal run
            if ch == "[" or ch == "'":
                close_run()
                if ch == "[":
                    j = s.find("]", i + 1)
                    i = j + 1
                    if i < n and s[i] in "?*":
                        i += 1
                else:
                    i += 1
                    if i < n and s[i] == "?":
                        i += 1
                continue
            if ch == "<":
                close_run()
                j = s.find(">", i)
                i = j + 1 if j > 0 else i + 1
                continue
            if ch == "\\":
                nxt = s[i + 1] if i + 1 < n else ""
                if nxt and not nxt.isalnum() and not (i + 2 < n and s[i + 2] in "?*{"):
                    run.append(nxt)          # an escaped punctuation mark is a literal character
                else:
                    close_run()
                i += 2
                continue
            close_run(drop_last=True)      # "+" after a letter is a literal plus: stop before it
            i += 1
            continue
        if ch in ")|":
            i += 1
            continue
        run.append(ch)
        i += 1
    close_run()
    candidates = [c for c in candidates if c and all(c2 for c2 in c)]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (min(len(x) for x in c), -len(c)))
