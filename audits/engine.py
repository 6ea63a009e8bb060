"""Entry point of the audit: decide every rubric element for one target from its documents.

(Placeholder until the detectors land: every element is "not met".)
"""
from __future__ import annotations

from audits import rubric
from audits.model import Document, ElementResult, TargetResult


def audit_target(documents: list[Document], *, service: str, target_id: str, kind: str) -> TargetResult:
    elements: dict[str, ElementResult] = {}
    for el in rubric.ELEMENTS:
        met = False if rubric.applicable(el.id, kind) else None
        elements[el.id] = ElementResult(el.id, met)
    decisions = {k: v.met for k, v in elements.items()}
    score = rubric.overall_score(decisions)
    return TargetResult(service=service, id=target_id, kind=kind, score=score, grade=rubric.grade(score),
                        categories=rubric.category_scores(decisions), elements=elements,
                        rubric_version=rubric.RUBRIC_VERSION)
