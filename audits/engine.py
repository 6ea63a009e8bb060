"""Entry point of the audit: decide every rubric element for one target from its documents.

`audit_target` is a pure, deterministic function: segment every document (sentences/clauses
with their lead-ins and headings), apply the element rules of the rules folder
(audits/rules/elements/*.yaml, docs/rules.md) to the segments, keep the best 1–3 verbatim
quotes per met element, and score with `audits.rubric`. Not-applicable elements
(ai_tool-only elements for other kinds) are `met=None` with no evidence.
"""
from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from audits import literal_index, rubric
from audits.clause_memo import ClauseMemo
from audits.model import Document, ElementResult, Evidence, TargetResult
from audits.rules import RuleSet, activate, load_rules
from audits.rules.interpreter import Context, ElementRule, Hit, apply_rule, derive, exclusion_fired, near_miss
from audits.segment import Segment, segment_documents

MAX_QUOTES = 3


# Markdown emphasis ("You may **not** post …") and soft line breaks say nothing about meaning:
# detectors read a normalised copy of each segment, quotes stay verbatim spans of the document.
_EMPHASIS = re.compile(r"\*{1,3}|(?<![\w\\])_{1,3}(?=\w)|(?<=\w)_{1,3}(?!\w)|(?<![\w\\])_{2,3}|\\(?=[*_\[\]()>#.-])")
_SPACES = re.compile(r"[ \t]*\n\s*|[ \t]{2,}")


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """`text` without emphasis markers, escapes and line breaks (for matching only)."""
    if "*" in text or "_" in text or "\\" in text:
        text = _EMPHASIS.sub("", text)
    if "\n" in text or "  " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    return text


def _matching_view(seg: Segment) -> Segment:
    """A copy of `seg` whose texts are normalised; same document span."""
    text = normalise(seg.text)
    if text == seg.text and not any("*" in x or "_" in x or "\n" in x for x in (seg.block, seg.prev, *seg.leads, *seg.headings)):
        return seg
    return replace(seg, text=text, headings=[normalise(h) for h in seg.headings], leads=[normalise(x) for x in seg.leads],
                   prev=normalise(seg.prev), block=normalise(seg.block), memo={})


# A line that is only a link (or a "Prev:/Next:" navigation line) names a page; it does not state
# a policy. Such lines are evidence only where the link target itself is what the element asks
# for (a reporting form, an abuse address, a published transparency report).
_LINK_ONLY = re.compile(r"^\W*(?:(?:prev(?:ious)?|next|back(?: to)?|return to|go to|up|home|see also|related(?: articles?)?|read more|learn more)\s*[:»›|>-]*\s*)?"
                        r"(?:\[[^\[\]]*\]\([^()]*(?:\([^()]*\)[^()]*)*\)[\s,;|·•/–-]*)+\W*$", re.I)
_NAV_TEXT = re.compile(r"^\W*(?:prev(?:ious)?|next|back to|return to|skip to)\b\s*[:»›|>-]", re.I)


def navigation_like(text: str) -> bool:
    """A link-only line or a navigation line ("Prev: Appeals"). Every match of `_LINK_ONLY` holds
    a Markdown link, so "](": most clauses have none and skip that pattern."""
    t = normalise(text)
    return bool(_NAV_TEXT.match(t) or ("](" in t and _LINK_ONLY.match(t)))


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


def gate_open(rule: ElementRule, seg: Segment) -> bool:
    """The rule's pre-filter (derived from its concepts' phrases): one literal of every group."""
    return _gate_ok(rule.gate, seg)


_GATE_OPEN = gate_open
_GATE_SETS: dict[int, tuple[object, list]] = {}  # id(gate) -> (gate, its groups as literal_index sets)


def _gate_sets(gate) -> list:
    got = _GATE_SETS.get(id(gate))
    if got is not None and got[0] is gate:
        return got[1]
    sets = [literal_index.register(group) for group in gate]
    _GATE_SETS[id(gate)] = (gate, sets)
    return sets


def _gate_ok(gate, seg: Segment) -> bool:
    if not gate:
        return True
    got = _GATE_SETS.get(id(gate))      # gates live as long as their (cached) rule set
    sets = got[1] if got is not None and got[0] is gate else _gate_sets(gate)
    found = literal_index.found_in(seg)
    for s in sets:
        if s is not None and s.isdisjoint(found):
            return False
    return True


_FOUND: list = [None, None, None]     # (segments, literals found in each, automaton): the last audit's


def _open_segments(rule: ElementRule, segments: list[Segment]) -> list[Segment]:
    """`[s for s in segments if gate_open(rule, s)]`, one set test per clause and group."""
    if gate_open is not _GATE_OPEN or not rule.gate:     # (eval/compare_engines.py opens every gate)
        return [s for s in segments if gate_open(rule, s)]
    return _passing(rule.gate, segments)


def _passing(gate, segments: list[Segment]) -> list[Segment]:
    """`[s for s in segments if _gate_ok(gate, s)]` for a non-empty gate."""
    groups = [g for g in _gate_sets(gate) if g is not None]
    if _FOUND[0] is not segments or _FOUND[2] is not literal_index.automaton():
        _FOUND[:] = [segments, [literal_index.found_in(s) for s in segments], literal_index.automaton()]
    founds = _FOUND[1]
    if len(groups) == 1:
        g = groups[0]
        return [s for s, f in zip(segments, founds) if not g.isdisjoint(f)]
    out = []
    for s, f in zip(segments, founds):
        for g in groups:
            if g.isdisjoint(f):
                break
        else:
            out.append(s)
    return out


def _not_met_reason(rule: ElementRule, segments: list[Segment], ctx: Context) -> str:
    if rule.data.get("near_miss"):
        for seg in _near_candidates(rule, segments):
            why = near_miss(rule, seg, ctx, _gate_ok)
            if why:
                return f"not met: {why} (e.g. \"{_short(seg.text)}\")"
    return "not met: " + rule.data["not_met"]


def _near_candidates(rule: ElementRule, segments: list[Segment]) -> list[Segment]:
    """The segments, in order, on which at least one near-miss entry's gate is open (the others
    cannot give a near miss: `near_miss` asks the same gates)."""
    gates = rule.near_gates
    if len(gates) < len(rule.data.get("near_miss") or []) or any(not g for g in gates):
        return segments
    keep: set[int] = set()
    for g in gates:
        keep.update(id(s) for s in _passing(g, segments))
    return [s for s in segments if id(s) in keep]


# A "met" decided by one quote whose rule scored below this is weak (scores: docs/rules.md; a way's
# base score is 2.5-4 plus up to ~1 for a short, self-contained sentence in a rule's voice).
WEAK_SINGLE_SCORE = 3.5


def margin_met(hits: list[Hit], best: list[Hit]) -> tuple[str, bool]:
    """(margin, needs_review) of a "met": how many distinct clauses support it and how strong the best is."""
    distinct = len({" ".join(h.seg.text.split()).lower() for h in hits})
    top = best[0]
    derived = "/derived-from-" in top.rule
    if distinct >= 2 and not derived:
        return f"{distinct} clauses support it (best: {top.rule}, score {top.score:.1f})", False
    weak = top.score < WEAK_SINGLE_SCORE or derived
    what = "derived from another element" if derived else "one clause only"
    return f"{what} ({top.rule}, score {top.score:.1f}{'; weak' if weak else ''})", weak


def margin_not_met(rule: ElementRule, segments: list[Segment], ctx: Context, reason: str, nav: set[int]) -> tuple[str, bool]:
    """(margin, needs_review) of a "not met": an exclusion that fired or a near miss make it a close call."""
    link_ok = bool(rule.data.get("link_only_lines"))
    has_exclusions = any(w.get("unless") or w.get("unless_hook") for w in rule.data["ways"])
    for seg in _open_segments(rule, segments) if has_exclusions else ():     # (else none can fire)
        if id(seg) in nav and not link_ok:
            continue
        fired = exclusion_fired(rule, seg, ctx)
        if fired:
            return f"{fired} on \"{_short(seg.text, 100)}\"", True
    if reason.startswith("not met: ") and reason[len("not met: "):] != rule.data["not_met"]:
        return "near miss: " + reason[len("not met: "):], True
    return "no clause came close", False


class _Recorder:
    """Stands in for the compiled concepts while a rule is re-run on its best quote: records
    which concepts the rule and its hooks read."""

    def __init__(self, real):
        self._real, self._seen = real, []

    def __getattr__(self, name):
        value = getattr(self._real, name)
        if not name.startswith("_") and name not in self._seen:
            self._seen.append(name)
        return value


_RANKING = {"statistic", "rule_voice"}      # read by every rule to rank quotes


def concepts_seen(rule: ElementRule, seg: Segment, ctx: Context) -> dict[str, str]:
    """The concepts the rule read that occur in the quote, with the text they matched."""
    from audits.rules import hooks as H
    real = H.C
    rec = _Recorder(real)
    for c in H.CACHES:
        c.cache_clear()
    H.C = rec
    try:
        apply_rule(rule, seg, ctx)
    finally:
        H.C = real
        for c in H.CACHES:
            c.cache_clear()
    out: dict[str, str] = {}
    for name in rec._seen:
        pat = getattr(real, name)
        if name in _RANKING or not hasattr(pat, "search"):
            continue
        m = pat.search(seg.text)
        if m and m.group(0).strip():
            out[name] = m.group(0).strip()
    return out


def decided_by(hit: Hit) -> str:
    """" | rule: … | hooks: … | concepts: …" — stored with the reason, printed by `explain`."""
    out = f" | rule: {hit.rule}"
    hooks = list(dict.fromkeys(hit.hooks))
    if hooks:
        out += " | hooks: " + ", ".join(hooks)
    if hit.concepts:
        out += " | concepts: " + ", ".join(f"{k}={v!r}" for k, v in hit.concepts.items())
    return out


def _short(text: str, n: int = 120) -> str:
    t = " ".join(text.split())
    return t if len(t) <= n else t[: n - 1] + "…"


def audit_target(documents: list[Document], *, service: str, target_id: str, kind: str,
                 rules_dir=None, rules: RuleSet | None = None, memo: ClauseMemo | None = None) -> TargetResult:
    """Audit one target's documents against the rubric, with the rules of `rules_dir`
    (default: the package's own rules folder). `memo` (one per target, kept across its versions)
    gives back the rule results of clauses judged before (audits/clause_memo.py): same result."""
    if kind not in rubric.KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(rubric.KINDS)}")
    rs = rules or load_rules(rules_dir)
    activate(rs)
    docs = sorted(documents, key=lambda d: (d.name or "", d.url or "", d.text))
    if memo is None:
        originals = segment_documents([d.text or "" for d in docs])
        segments = [_matching_view(sg) for sg in originals]
    else:       # the unchanged documents of the target's previous version keep their segments
        originals, segments = memo.segments(rs, [d.text or "" for d in docs], _matching_view)
    nav = {id(sg) for sg in segments if navigation_like(sg.text)}
    source = {id(v): o for v, o in zip(segments, originals)}
    ctx = Context(kind=kind, segments=segments) if memo is None else memo.context(rs, kind, segments)
    raw: dict[str, list[Hit]] = {}
    for el in rubric.ELEMENTS:
        if not rubric.applicable(el.id, kind):
            continue
        rule = rs.elements[el.id]
        hits = []
        link_ok = bool(rule.data.get("link_only_lines"))
        for seg in _open_segments(rule, segments):
            if id(seg) in nav and not (link_ok and not _NAV_TEXT.match(seg.text)):
                continue
            h = apply_rule(rule, seg, ctx) if memo is None else memo.apply_rule(rule, seg, ctx)
            if h is not None:
                hits.append(h)
        raw[el.id] = hits
    derive({e: r for e, r in rs.elements.items() if rubric.applicable(e, kind)}, raw, ctx)
    views: dict[int, Segment] = {}
    for hits in raw.values():            # evidence quotes the document's own text
        for h in hits:
            orig = source.get(id(h.seg), h.seg)
            views[id(orig)] = h.seg
            h.seg = orig

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
            top = best[0]
            rule_id = top.rule.split("/derived-from-")[-1] if "/derived-from-" in top.rule else el.id
            top.concepts = concepts_seen(rs.elements[rule_id.split("/")[0]], views.get(id(top.seg), top.seg), ctx) or top.concepts
            reason = "met: " + "; ".join(dict.fromkeys(h.reason for h in best)) + decided_by(top)
            res = ElementResult(el.id, True, ev, hours=hours, reason=reason, rule=best[0].rule,
                                hooks=list(dict.fromkeys(best[0].hooks)), concepts=dict(best[0].concepts))
            res.quote_hours = [list(h.hours) for h in best]  # hours found in each quote (response time)
            res.quote_rules = [h.rule for h in best]
            res.margin, res.needs_review = margin_met(raw.get(el.id, []), best)
            elements[el.id] = res
        else:
            reason = _not_met_reason(rs.elements[el.id], segments, ctx)
            res = ElementResult(el.id, False, reason=reason)
            res.margin, res.needs_review = margin_not_met(rs.elements[el.id], segments, ctx, reason, nav)
            elements[el.id] = res
    decisions = {k: v.met for k, v in elements.items()}
    score = rubric.overall_score(decisions)
    return TargetResult(service=service, id=target_id, kind=kind, score=score, grade=rubric.grade(score),
                        categories=rubric.category_scores(decisions), elements=elements,
                        rubric_version=rubric.RUBRIC_VERSION, rules_version=rs.version)
