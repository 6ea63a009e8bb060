"""A memo of rule results per clause, for scoring many versions of one target (history).

Successive versions of a policy mostly repeat their clauses. A `ClauseMemo` given to
`audits.engine.audit_target(..., memo=m)` keeps what each element rule gave on each clause
(`apply_rule`, and for a "not met" the near misses and fired exclusions of `near_miss` and
`exclusion_fired`) and gives it back for an identical clause of a later version instead of
judging it again. `audits.changes.compute_target` keeps one alive for a target's whole history.

What those functions can read, and so what a result is keyed by:
- the function, the rule (its object: a memo serves one rule set and starts empty for another),
  any further argument (`near_miss`'s gate test), and the concept patterns of the active rule set
  (`hooks.C`; while `engine.concepts_seen` records the concepts a rule reads, a recorder stands
  in for `hooks.C` and the memo steps aside);
- every field of the clause (`Segment`: text, headings, leads, prev, is_item, block, is_heading,
  doc) except where it sits in its document (start, end, ordinal) and its per-clause cache
  (`memo`): the interpreter and the hooks never read those (tests/test_history_memo.py);
- the context's `kind`;
- other clauses: two hooks read them through `ctx.segments` (`hooks.items_under`, the list items a
  lead-in introduces; `hooks.siblings`, the other items of a list). The context of a memoised
  audit notes every read beyond `kind`, and a result that read anything else is not kept.

A kept `Hit` is kept without its clause; a fresh one is built for the clause at hand (the engine
later re-points `hit.seg` and replaces `hit.concepts`). What a call left in the clause's own
cache (`seg.memo`, e.g. a hook's response-time reading) is given back with the result, since
`concepts_seen` only records the concepts a hook reads when that cache does not answer for it.
"""
from __future__ import annotations

from dataclasses import fields

from audits.rules import RuleSet
from audits.rules import hooks as H
from audits.rules.interpreter import Context, ElementRule, Hit, apply_rule
from audits.segment import Segment, segment

_CONCEPTS = H.C            # the namespace `activate` fills; a recorder stands in for it in `concepts_seen`
_KEY = "clause_memo_key"   # the clause's key, kept in its own per-segment cache
# per-segment cache entries not given back on a hit: concept searches (`interpreter.concept_search`
# reads the concept through `hooks.C` before its cache, so a fresh search sees the same) and the key
_NOT_RESTORED = frozenset({"search", _KEY})
_UNWATCHED = frozenset({"kind", "clause_memo"})


class _WatchedContext(Context):
    """A `Context` that notes whether anything but its `kind` was read (other clauses)."""

    def __getattribute__(self, name):
        if name not in _UNWATCHED:
            object.__setattr__(self, "read_other", True)
        return object.__getattribute__(self, name)


class _KeptHit(tuple):
    """The fields of a `Hit` but its clause."""


_PLAIN = (str, float, int, bool, type(None))


def _copy(value):
    if type(value) in _PLAIN:
        return value
    if isinstance(value, list):
        return [_copy(v) for v in value]
    if isinstance(value, tuple):
        return type(value)(_copy(v) for v in value) if type(value) is tuple else value
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    return value


class ClauseMemo:
    """Results per (function, rule, clause) kept across the audits of one target."""

    IGNORED = frozenset({"start", "end", "ordinal", "memo"})   # Segment fields no rule reads
    MAX_RESULTS = 300_000     # then start afresh (~60 MB): memory stays bounded however long a history is
    MAX_CLAUSES = 100_000

    def __init__(self) -> None:
        self._rules: RuleSet | None = None
        self._results: dict[tuple, tuple] = {}     # (clause id, id(rule), fn, *extra) -> (result, cache entries)
        self._alive: dict[int, object] = {}        # the rules and arguments keyed by id (kept, so ids stay theirs)
        self._clauses: dict[tuple, int] = {}       # clause key -> clause id
        self._next_id = 0                          # (ids are never reused, even after a fresh start)
        self._fields = tuple(f.name for f in fields(Segment) if f.name not in self.IGNORED)
        hit_fields = [f.name for f in fields(Hit)]
        assert hit_fields[0] == "seg"
        self._hit_fields = tuple(hit_fields[1:])
        self.hits = 0
        self.misses = 0
        self._docs: dict[tuple[int, str], tuple[list, list]] = {}   # the last audit's documents, segmented

    def _use(self, rules: RuleSet) -> None:
        """Serve `rules` (another rule set empties the memo) and keep the memo bounded."""
        if rules is not self._rules:
            self._rules, self._results, self._alive, self._clauses, self._docs = rules, {}, {}, {}, {}
        if len(self._results) > self.MAX_RESULTS or len(self._clauses) > self.MAX_CLAUSES:
            self._results, self._clauses = {}, {}

    def segments(self, rules: RuleSet, texts: list[str], view) -> tuple[list[Segment], list[Segment]]:
        """`segment_documents(texts)` and `[view(s) for s in them]`, reusing the segments of every
        document of the previous audit that comes back unchanged at the same place (a clause's
        fields are a function of its document's text and index; what the engine keeps in a
        clause's own cache is a function of its fields and the active rules)."""
        self._use(rules)
        prev, cur = self._docs, {}
        originals: list[Segment] = []
        views: list[Segment] = []
        for i, text in enumerate(texts):
            got = prev.get((i, text))
            if got is None:
                segs = segment(text, i)
                got = (segs, [view(sg) for sg in segs])
            cur[(i, text)] = got
            originals += got[0]
            views += got[1]
        self._docs = cur
        return originals, views

    def context(self, rules: RuleSet, kind: str, segments: list[Segment]) -> Context:
        """The context of one audit with the rule set `rules` (another rule set empties the memo)."""
        self._use(rules)
        ctx = _WatchedContext(kind=kind, segments=segments, clause_memo=self)
        object.__setattr__(ctx, "read_other", False)
        return ctx

    def _clause_id(self, seg: Segment, ctx: Context) -> int:
        key = (object.__getattribute__(ctx, "kind"),
               *(tuple(v) if isinstance(v, list) else v for v in (getattr(seg, n) for n in self._fields)))
        cid = self._clauses.get(key)
        if cid is None:
            cid = self._clauses[key] = self._next_id
            self._next_id += 1
        seg.memo[_KEY] = cid
        return cid

    def apply_rule(self, rule: ElementRule, seg: Segment, ctx: Context) -> Hit | None:
        """`interpreter.apply_rule(rule, seg, ctx)`, from the memo when this clause was judged before."""
        return self.call(apply_rule, rule, seg, ctx)

    def call(self, fn, rule: ElementRule, seg: Segment, ctx: Context, *extra):
        """`fn(rule, seg, ctx, *extra)`, from the memo when this clause was judged before."""
        if H.C is not _CONCEPTS or type(ctx) is not _WatchedContext:
            return fn(rule, seg, ctx, *extra)
        memo = seg.memo
        cid = memo.get(_KEY)
        if cid is None:
            cid = self._clause_id(seg, ctx)
        key = (cid, id(rule), fn, *extra)
        kept = self._results.get(key)
        if kept is not None:
            self.hits += 1
            result, cached = kept
            for k, v in cached:
                if k not in memo:
                    memo[k] = _copy(v)
            if type(result) is _KeptHit:
                return Hit(seg, *[_copy(v) for v in result])
            return result
        self.misses += 1
        before = set(memo)
        outer = object.__getattribute__(ctx, "read_other")
        object.__setattr__(ctx, "read_other", False)
        result = fn(rule, seg, ctx, *extra)
        read_other = object.__getattribute__(ctx, "read_other")
        object.__setattr__(ctx, "read_other", outer or read_other)
        if not read_other:
            for obj in (rule, *extra):
                self._alive.setdefault(id(obj), obj)
            cached = tuple((k, _copy(memo[k])) for k in memo if k not in before and k not in _NOT_RESTORED)
            kept = _KeptHit(_copy(getattr(result, n)) for n in self._hit_fields) if isinstance(result, Hit) else result
            self._results[key] = (kept, cached)
        return result
