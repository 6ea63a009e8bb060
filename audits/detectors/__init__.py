"""One detector per rubric element, grouped by category (policy, reporting, timing, genai).

A detector looks at one `Segment` (a sentence or clause, with its lead-ins and headings) and
returns a `Hit` — a score for how specific the segment is for the element and a short reason —
or None. The engine keeps the best 1–3 hits as evidence. A few elements are derived from
others for AI tools (an AI tool's rule against making NCII or CSAM covers synthetic output);
those derivations live in `derive()`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from audits.segment import Segment


@dataclass
class Hit:
    seg: Segment
    score: float
    reason: str
    hours: list[float] = field(default_factory=list)


@dataclass
class Context:
    kind: str
    segments: list[Segment]


Detector = Callable[[Segment, Context], "Hit | None"]
DETECTORS: dict[str, Detector] = {}
NEAR_MISS: dict[str, Callable[[Segment, Context], "str | None"]] = {}
NOT_MET: dict[str, str] = {}
GATES: dict[str, tuple[str, ...]] = {}


def detector(element_id: str, not_met: str, gate: tuple[str, ...] = ()):
    """Register `func(seg, ctx) -> Hit | None` for `element_id`, with the default not-met reason.

    `gate`: lower-case substrings of which the segment (or its context, for detectors that read
    it) must contain at least one — a cheap pre-filter; the detector itself decides.
    """
    def wrap(func):
        DETECTORS[element_id] = func
        NOT_MET[element_id] = not_met
        GATES[element_id] = gate
        return func
    return wrap


def gate_open(element_id: str, seg: Segment) -> bool:
    gate = GATES.get(element_id)
    if not gate:
        return True
    low = seg.memo.get("low")
    if low is None:
        low = seg.memo["low"] = seg.text.lower()
    return any(g in low for g in gate)


def near_miss(element_id: str):
    """Register `func(seg, ctx) -> reason | None`, explaining a partial match when not met."""
    def wrap(func):
        NEAR_MISS[element_id] = func
        return func
    return wrap


# importing the category modules registers their detectors
from audits.detectors import genai, policy, reporting, timing  # noqa: E402,F401
