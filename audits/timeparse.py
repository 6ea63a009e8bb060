"""Numeric time commitments in policy text, converted to hours.

Rubric conversions: 1 hour = 1 h, 1 day = 24 h, 1 business/working day = 24 h, 1 week = 168 h,
1 month = 720 h (30 days). Numbers may be digits ("48"), words ("two"), hyphenated ("24-hour")
or ranges ("10-14 business days", "10 to 14 days": both ends are kept). "24/7" and "round the
clock" are availability statements, not commitments, and are ignored.

`commitments(text)` finds every duration in a text; whether a duration is a commitment to act
on reports is decided by the `stated_response_time` detector, which reuses `durations()`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_WORDS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "twenty-four": 24,
    "thirty": 30, "forty": 40, "forty-eight": 48, "seventy-two": 72, "sixty": 60, "ninety": 90,
}
_NUM = r"(?:\d{1,3}(?:[.,]\d+)?|" + "|".join(sorted((w for w in _WORDS if len(w) > 2), key=len, reverse=True)) + r")"
_UNIT = r"(?P<unit>minutes?|hours?|hrs?|h|days?|weeks?|months?)"
_DURATION = re.compile(
    r"(?<![\w/])(?:(?P<lo>\d{1,3})\s*(?:-|–|—|to|or)\s*|(?P<lo2>" + _NUM + r")\s+(?:to|or)\s+)?(?P<n>" + _NUM + r")(?:\s*\((?:\d+)\))?[\s-]*"
    r"(?P<qual>(?:business|working|calendar|bank)[\s-]+)?" + _UNIT + r"(?![\w/])",
    re.I,
)
# "within a day", "in less than an hour": the article is the number only after a bound
_ARTICLE = re.compile(r"(?<![\w])(?:within|under|less than|no later than|not later than|no more than|up to|at most|in) (?:a|an) (?:single )?"
                      r"(?P<qual>(?:business|working|calendar) )?(?P<unit>hour|day|week)(?![\w/])", re.I)
_AVAILABILITY = re.compile(r"24\s*/\s*7|24\s*x\s*7|round[- ]the[- ]clock|around the clock", re.I)


@dataclass(frozen=True)
class Duration:
    start: int
    end: int
    hours: tuple[float, ...]      # one value, or both ends of a range
    text: str


def _value(token: str) -> float | None:
    t = token.lower().replace(",", ".")
    if t in _WORDS:
        return float(_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def _unit_hours(unit: str) -> float:
    u = unit.lower()
    for prefix, hours in (("min", 1 / 60), ("day", 24), ("week", 168), ("month", 720), ("h", 1)):
        if u.startswith(prefix):
            return float(hours)
    return 0.0


def durations(text: str) -> list[Duration]:
    """Every duration in `text` with its span and value(s) in hours."""
    out: list[Duration] = []
    for m in _DURATION.finditer(text):
        n = _value(m.group("n"))
        if n is None or n <= 0:
            continue
        unit = m.group("unit")
        if unit.lower() == "h" and not re.match(r"\d", m.group("n")):
            continue
        per = _unit_hours(unit)
        vals = [n * per]
        if m.group("lo") or m.group("lo2"):
            lo = _value(m.group("lo") or m.group("lo2"))
            if lo is not None and 0 < lo < n:
                vals.insert(0, lo * per)
        out.append(Duration(m.start(), m.end(), tuple(_clean(v) for v in vals), m.group(0)))
    for m in _ARTICLE.finditer(text):
        if not any(d.start <= m.start() < d.end for d in out):
            out.append(Duration(m.start(), m.end(), (_unit_hours(m.group("unit")),), m.group(0)))
    out.sort(key=lambda d: d.start)
    return out


def _clean(v: float) -> float:
    r = round(v, 2)
    return float(int(r)) if r.is_integer() else r


def commitments(text: str) -> list[float]:
    """Hours of every duration stated in `text` (availability phrases like "24/7" are ignored).

    >>> commitments("We review reports within 2 business days and urgent ones within 24 hours.")
    [48.0, 24.0]
    """
    if not text:
        return []
    masked = _AVAILABILITY.sub(lambda m: " " * len(m.group(0)), text)
    hours: list[float] = []
    for d in durations(masked):
        hours.extend(d.hours)
    return hours
