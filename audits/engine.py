"""Entry point of the audit: decide every rubric element for one target from its documents.

`audit_target` is a pure, deterministic function: segment every document (sentences/clauses
with their lead-ins and headings), run the element detectors over the segments, keep the best
1–3 verbatim quotes per met element, and score with `audits.rubric`. Not-applicable elements
(ai_tool-only elements for other kinds) are `met=None` with no evidence.
"""
from __future__ import annotations

from audits import rubric
from audits.detectors import DETECTORS, NEAR_MISS, NOT_MET, Context, Hit, gate_open
from audits.detectors.policy import derive_ai_tool
from audits.model import Document, ElementResult, Evidence, TargetResult
from audits.segment import Segment, segment_documents

MAX_QUOTES = 3


def _evidence(hit: Hit, documents: list[Document]) -> Evidence:
    doc = documents[hit.seg.doc]
    quote = doc.text[hit.seg.start:hit.seg.end]
    assert quote == hit.seg.text  # quotes are verbatim spans of the document text
    return Evidence(document=doc.name, quote=quote, url=doc.url, snapshot=doc.snapshot,
                    fetched_at=doc.fetched_at, document_id=doc.document_id)


def _best(hits: list[Hit]) -> list[Hit]:
    """Best hits first (score, then document order); one hit per distinct quote."""
    out: list[Hit] = []
    seen: set[str] = set()
    for h in sorted(hits, key=lambda h: (-round(h.score, 6), h.seg.doc, h.seg.start)):
        key = " ".join(h.seg.text.split()).lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(h)
        if len(out) == MAX_QUOTES:
            break
    return out


def _not_met_reason(element_id: str, segments: list[Segment], ctx: Context) -> str:
    near = NEAR_MISS.get(element_id)
    if near:
        for seg in segments:
            if not gate_open(element_id, seg):
                continue
            why = near(seg, ctx)
            if why:
                return f"not met: {why} (e.g. \"{_short(seg.text)}\")"
    return "not met: " + NOT_MET[element_id]


def _short(text: str, n: int = 120) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def audit_target(documents: list[Document], *, service: str, target_id: str, kind: str) -> TargetResult:
    """Audit one target's documents against the rubric."""
    if kind not in rubric.KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(rubric.KINDS)}")
    docs = sorted(documents, key=lambda d: (d.name or "", d.url or "", d.text))
    segments = segment_documents([d.text or "" for d in docs])
    ctx = Context(kind=kind, segments=segments)
    raw: dict[str, list[Hit]] = {}
    for el in rubric.ELEMENTS:
        if not rubric.applicable(el.id, kind):
            continue
        detect = DETECTORS[el.id]
        hits = []
        for seg in segments:
            if not gate_open(el.id, seg):
                continue
            h = detect(seg, ctx)
            if h is not None:
                hits.append(h)
        raw[el.id] = hits
    derive_ai_tool(raw, ctx)

    elements: dict[str, ElementResult] = {}
    for el in rubric.ELEMENTS:
        if not rubric.applicable(el.id, kind):
            elements[el.id] = ElementResult(el.id, None, reason=f"not applicable: {el.title} concerns AI tools only")
            continue
        best = _best(raw.get(el.id, []))
        if best:
            ev = [_evidence(h, docs) for h in best]
            hours: list[float] = []
            if el.id == "stated_response_time":
                for h in best:
                    for v in h.hours:
                        if v not in hours:
                            hours.append(v)
            reason = "met: " + "; ".join(dict.fromkeys(h.reason for h in best))
            res = ElementResult(el.id, True, ev, hours=hours, reason=reason)
            res.quote_hours = [list(h.hours) for h in best]  # hours found in each quote (response time)
            elements[el.id] = res
        else:
            elements[el.id] = ElementResult(el.id, False, reason=_not_met_reason(el.id, segments, ctx))
    decisions = {k: v.met for k, v in elements.items()}
    score = rubric.overall_score(decisions)
    return TargetResult(service=service, id=target_id, kind=kind, score=score, grade=rubric.grade(score),
                        categories=rubric.category_scores(decisions), elements=elements,
                        rubric_version=rubric.RUBRIC_VERSION)
