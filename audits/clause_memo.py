"""A memo of rule results per clause, for scoring many versions of one target (history).

Successive versions of a policy mostly repeat their clauses: in a long history ~94% of the
clauses of a version (with their context) were already judged in an earlier version. A
`ClauseMemo` given to `audits.engine.audit_target(..., memo=m)` keeps what each element rule gave
on each clause and gives it back for an identical clause of a later version, instead of applying
the rule again. `audits.changes.compute_target` keeps one alive for a target's whole history.

What `apply_rule(rule, seg, ctx)` can read, and so what a result is keyed by:
- the rule (its object: a memo is bound to one rule set, and starts empty for another) and the
  concept patterns of the active rule set (`hooks.C`; while `engine.concepts_seen` records the
  concepts a rule reads, `hooks.C` is a recorder and the memo steps aside);
- every field of the clause (`Segment`: text, headings, leads, prev, is_item, block, is_heading,
  doc) except where it sits in its document (start, end, ordinal) and the detectors' own cache
  (`memo`); the interpreter and the hooks never read those (tests/test_history_memo.py);
- the context's `kind`;
- other clauses: two hooks read them through `ctx.segments` (`hooks.items_under`, the list items a
  lead-in introduces; `hooks.siblings`, the other items of a list). The context of a memoised
  audit notes every read beyond `kind`, and a result that read anything else is not kept.

A kept result is the content of the `Hit` without its clause; a fresh `Hit` is built for the
clause at hand (the engine later re-points `hit.seg` and replaces `hit.concepts`).
"""
from __future__ import annotations

from dataclasses import fields

from audits.rules import RuleSet
from audits.rules import hooks as H
from audits.rules.interpreter import Context, ElementRule, Hit, apply_rule
from audits.segment import Segment

_CONCEPTS = H.C            # the namespace `activate` fills; a recorder stands in for it in `concepts_seen`
_MISSING = object()
_KEY = "clause_memo_key"   # the clause's key, kept in its own per-segment cache
# per-segment cache entries not given back on a hit: concept searches (`interpreter.concept_search`
# reads the concept through `hooks.C` before its cache, so a fresh search sees the same) and the key
_NOT_RESTORED = frozenset({"search", _KEY})


class _WatchedContext(Context):
    """A `Context` that notes whether anything but its `kind` was read (another clause)."""

    def __getattribute__(self, name):
        if name != "kind":
            object.__setattr__(self, "read_other", True)
        return object.__getattribute__(self, name)


def _copy(value):
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_copy(v) for v in value)
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


class ClauseMemo:
    """Rule results per (rule, clause) kept across the audits of one target."""

    IGNORED = frozenset({"start", "end", "ordinal", "memo"})   # Segment fields no rule reads

    def __init__(self) -> None:
        self._rules: RuleSet | None = None
        self._results: dict[int, tuple[ElementRule, dict]] = {}
        self._fields = tuple(f.name for f in fields(Segment) if f.name not in self.IGNORED)
        self._hit_fields = tuple(f.name for f in fields(Hit) if f.name != "seg")
        self.hits = 0
        self.misses = 0

    def context(self, rules: RuleSet, kind: str, segments: list[Segment]) -> Context:
        """The context of one audit with the rule set `rules` (a new rule set empties the memo)."""
        if rules is not self._rules:
            self._rules, self._results = rules, {}
        ctx = _WatchedContext(kind=kind, segments=segments)
        object.__setattr__(ctx, "read_other", False)
        return ctx

    def _key(self, seg: Segment, kind: str) -> tuple:
        memo = seg.memo
        key = memo.get(_KEY)
        if key is None:
            key = memo[_KEY] = (kind, *(tuple(v) if isinstance(v, list) else v
                                        for v in (getattr(seg, n) for n in self._fields)))
        return key

    def apply_rule(self, rule: ElementRule, seg: Segment, ctx: Context) -> Hit | None:
        """`interpreter.apply_rule(rule, seg, ctx)`, from the memo when this clause was judged before."""
        if H.C is not _CONCEPTS or type(ctx) is not _WatchedContext:
            return apply_rule(rule, seg, ctx)
        got = self._results.get(id(rule))
        if got is None or got[0] is not rule:
            got = self._results[id(rule)] = (rule, {})
        per_rule = got[1]
        key = self._key(seg, object.__getattribute__(ctx, "kind"))
        kept = per_rule.get(key, _MISSING)
        memo = seg.memo
        if kept is not _MISSING:
            self.hits += 1
            result, cached = kept
            for k, v in cached:
                if k not in memo:
                    memo[k] = _copy(v)
            return None if result is None else Hit(seg, **{n: _copy(v) for n, v in zip(self._hit_fields, result)})
        self.misses += 1
        before = set(memo)
        object.__setattr__(ctx, "read_other", False)
        hit = apply_rule(rule, seg, ctx)
        if not object.__getattribute__(ctx, "read_other"):
            # what the rule left in the clause's own cache: `concepts_seen` later re-runs the top
            # rule on its clause, and a hook that finds its result cached there reads no concept
            cached = tuple((k, _copy(memo[k])) for k in memo if k not in before and k not in _NOT_RESTORED)
            per_rule[key] = (None if hit is None else tuple(_copy(getattr(hit, n)) for n in self._hit_fields), cached)
        return hit
