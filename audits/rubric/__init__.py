"""The NCII platform-risk rubric, read from `rubric.yaml` (version, kinds, categories, grade
bands, the 20 elements with code, category, applicability by kind, title, definition and
"not enough"), and the scoring rules.

Every element is binary (met / not met) or not applicable (None). A category score is the mean
of its applicable elements × 100; the overall score is the mean of the applicable category
scores; the grade follows the bands of rubric.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

RUBRIC_FILE = Path(__file__).resolve().parent / "rubric.yaml"


@dataclass(frozen=True)
class Element:
    id: str
    category: str          # P | R | T | A
    title: str
    summary: str           # what must be said for "met", in our words (rubric.yaml `definition`)
    ai_only: bool = False
    code: str = ""
    not_enough: str = ""
    applies_to: tuple[str, ...] = field(default=())   # empty = every kind


def _load(path: Path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    kinds = tuple(data["kinds"])
    elements = []
    for e in data["elements"]:
        ap = e.get("applies_to", "all")
        applies = () if ap == "all" else tuple(ap)
        for k in applies:
            if k not in kinds:
                raise ValueError(f"{path}: element {e['id']}: unknown kind {k!r} in applies_to")
        elements.append(Element(e["id"], e["category"], e["title"], " ".join(str(e["definition"]).split()),
                                ai_only=applies == ("ai_tool",), code=e.get("code", ""),
                                not_enough=" ".join(str(e.get("not_enough", "")).split()), applies_to=applies))
    grades = tuple(sorted(((str(k), float(v)) for k, v in data["grades"].items()), key=lambda kv: -kv[1]))
    return str(data["version"]), kinds, dict(data["categories"]), tuple(elements), grades


RUBRIC_VERSION, KINDS, CATEGORIES, ELEMENTS, GRADE_THRESHOLDS = _load(RUBRIC_FILE)
ELEMENT_IDS: tuple[str, ...] = tuple(e.id for e in ELEMENTS)
BY_ID: dict[str, Element] = {e.id: e for e in ELEMENTS}


def applicable(element_id: str, kind: str) -> bool:
    el = BY_ID[element_id]
    return not el.applies_to or kind in el.applies_to


def grade(score: float) -> str:
    for letter, threshold in GRADE_THRESHOLDS:
        if score >= threshold:
            return letter
    return "F"


def _category_fractions(decisions: dict[str, bool | None]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for cat in CATEGORIES:
        values = [decisions.get(e.id) for e in ELEMENTS if e.category == cat]
        values = [v for v in values if v is not None]
        out[cat] = 100.0 * sum(1 for v in values if v) / len(values) if values else None
    return out


def category_scores(decisions: dict[str, bool | None]) -> dict[str, float | None]:
    """Mean of applicable (non-None) elements × 100 per category, to 0.1; None when none applies."""
    return {c: (round(v, 1) if v is not None else None) for c, v in _category_fractions(decisions).items()}


def overall_score(decisions: dict[str, bool | None]) -> float:
    """Mean of the applicable category scores (computed unrounded), to 0.1."""
    values = [v for v in _category_fractions(decisions).values() if v is not None]
    return round(sum(values) / len(values), 1) if values else 0.0
