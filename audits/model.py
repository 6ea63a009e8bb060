"""Plain data classes passed between the extractors, the detectors, scoring, storage and reports.

`Document` is what the engine reads (from a crawl, a folder of files or an archive);
`TargetResult.to_json()` is the JSON shape shared by `score-files` and `export`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    name: str                          # display name, e.g. "Terms of Service.md" or the crawled page title
    text: str                          # extracted text: quotes are verbatim substrings of it
    url: str | None = None
    snapshot: str | None = None        # sha256 of the raw body in the store
    fetched_at: str | None = None      # ISO 8601
    doc_type: str | None = None
    document_id: int | None = None     # row in the store's `documents` table


@dataclass
class Evidence:
    document: str
    quote: str
    url: str | None = None
    snapshot: str | None = None
    fetched_at: str | None = None
    document_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"document": self.document, "url": self.url, "snapshot": self.snapshot, "quote": self.quote}
        if self.fetched_at:
            out["fetched_at"] = self.fetched_at
        return out


@dataclass
class ElementResult:
    element: str
    met: bool | None                   # None = not applicable
    evidence: list[Evidence] = field(default_factory=list)
    hours: list[float] = field(default_factory=list)   # stated_response_time only
    reason: str = ""                   # short human explanation (for `explain`)
    quote_hours: list[list[float]] = field(default_factory=list)  # hours found in each evidence quote
    rule: str = ""                     # "<element>/<way>" of the rule that decided "met" (the best quote)
    hooks: list[str] = field(default_factory=list)       # named hooks that rule called (audits/rules/hooks.py)
    concepts: dict[str, str] = field(default_factory=dict)  # concepts matched in the best quote -> matched text
    quote_rules: list[str] = field(default_factory=list)   # the rule behind each evidence quote
    review: dict[str, Any] | None = None   # a person's review (riskaudit.stages.review.summary); met is then the reviewed decision
    # how close the decision came to flipping (which exclusion fired, which near miss, how many quotes)
    # and whether a person should look at it first (near misses, exclusions, weak single quotes)
    margin: str = ""
    needs_review: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"met": self.met, "evidence": [e.to_json() for e in self.evidence]}
        if self.element == "stated_response_time":
            out["hours"] = [int(h) if float(h).is_integer() else h for h in self.hours]
        if self.rule:
            out["rule"] = self.rule
            if self.hooks:
                out["hooks"] = list(self.hooks)
        if self.met is not None:
            out["margin"] = self.margin
            out["needs_review"] = bool(self.needs_review)
        if self.review:
            out["review"] = dict(self.review)
        return out


ASSESSED = "assessed"
NOT_ASSESSED = "not_assessed"


@dataclass
class TargetResult:
    service: str
    id: str
    kind: str
    score: float | None                # None when not assessed
    grade: str | None                  # None when not assessed
    categories: dict[str, float | None]
    elements: dict[str, ElementResult]
    rubric_version: str
    status: str = ASSESSED             # assessed | not_assessed (no usable policy document)
    reason: str = ""                   # why not assessed (the documents and how each failed)
    # documents that could not be used (assessed targets too): {"url", "document", "kind", "detail"}
    failed_documents: list[dict[str, Any]] = field(default_factory=list)
    rules_version: str = ""            # hash of rubric.yaml + the rules folder (audits.rules.rules_version)

    @property
    def assessed(self) -> bool:
        return self.status == ASSESSED

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "service": self.service, "id": self.id, "kind": self.kind, "status": self.status,
            "score": self.score if self.assessed else None, "grade": self.grade if self.assessed else None,
            "categories": self.categories if self.assessed else {k: None for k in self.categories},
            "rules_version": self.rules_version,
            "elements": {k: v.to_json() for k, v in self.elements.items()},
        }
        if not self.assessed:
            out["not_assessed_reason"] = self.reason
        if self.failed_documents:
            out["failed_documents"] = [dict(d) for d in self.failed_documents]
        return out

    def decisions_json(self) -> dict[str, Any]:
        """`to_json()` plus everything else a decision is made of (each element's reason, margin,
        needs_review, concepts, per-quote rules and hours): two versions of the engine decided
        alike when these are equal (eval/dump_decisions.py, eval/dump_history.py)."""
        out = self.to_json()
        for eid, er in self.elements.items():
            out["elements"][eid].update({"reason": er.reason, "margin": er.margin, "needs_review": er.needs_review,
                                         "concepts": er.concepts, "quote_rules": er.quote_rules,
                                         "quote_hours": er.quote_hours})
        return out
