"""The rule interpreter: element rule files (elements/<id>.yaml) applied to segments.

A rule file lists `ways` to meet the element, tried in order on every clause (segment) that
passes the rule's pre-filter; the first way whose conditions all hold gives a `Hit` (score,
reason, the rule and hooks that decided, the concepts matched). `docs/rules.md` describes
every field; `validate_rule` checks them and reports `file:line: field: message`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audits.rules import hooks as H
from audits.rules.loader import Located, RuleError, load_yaml
from audits.rules.phrases import PhraseError
from audits.segment import Segment


@dataclass
class Hit:
    seg: Segment
    score: float
    reason: str
    hours: list[float] = field(default_factory=list)
    rule: str = ""                                   # "<element>/<way>"
    hooks: list[str] = field(default_factory=list)
    concepts: dict[str, str] = field(default_factory=dict)   # concept -> matched text


@dataclass
class Context:
    kind: str
    segments: list[Segment]
    clause_memo: Any = None      # audits.clause_memo.ClauseMemo of a history: results of clauses judged before


# ------------------------------------------------------------------ schema

_CONDITION_KEYS = {"text_has", "text_lacks", "within_chars", "hook", "unless_hook", "prohibition", "binding_has",
                   "binding_lacks", "where", "any", "is_item", "flag", "kind"}
_WAY_KEYS = _CONDITION_KEYS | {"name", "stop", "unless", "score", "reason", "why"}
_RULE_KEYS = {"element", "about", "not_met", "prefilter", "ways", "near_miss", "derive", "prohibition_fallback", "link_only_lines"}
_PROHIBITION = {"required", "none"}


def _as_list(v) -> list:
    return v if isinstance(v, list) else ([] if v is None else [v])


@dataclass
class ElementRule:
    element: str
    file: str
    data: dict
    loc: Located
    gate: list[tuple[str, ...]] | None          # groups of literals (each group must have one), None = open
    concepts_used: set[str]
    hooks_used: set[str]
    near_gates: list = field(default_factory=list)   # one gate per near_miss entry


def validate_rule(path: Path, data: Any, loc: Located, concepts: set[str], element_ids: set[str]) -> None:
    """Raise RuleError for the first problem found."""
    if not isinstance(data, dict):
        raise loc.error((), "element", "a rule file is a mapping (element, not_met, ways, ...)")
    for k in data:
        if k not in _RULE_KEYS:
            raise loc.error((k,), k, f"unknown field (expected {', '.join(sorted(_RULE_KEYS))})")
    el = data.get("element")
    if el != path.stem.replace(".cases", ""):
        raise loc.error(("element",), "element", f"must be {path.stem!r} (the file name)")
    if el not in element_ids:
        raise loc.error(("element",), "element", f"{el!r} is not an element of the rubric")
    if not isinstance(data.get("not_met"), str) or not data["not_met"].strip():
        raise loc.error(("not_met",), "not_met", "required: the reason shown when the element is not met")
    ways = data.get("ways")
    if not isinstance(ways, list) or not ways:
        raise loc.error(("ways",), "ways", "required: a list of ways to meet the element")
    names = set()
    for i, w in enumerate(ways):
        p = ("ways", i)
        if not isinstance(w, dict):
            raise loc.error(p, f"ways[{i}]", "a way is a mapping (name, text_has, score, reason, ...)")
        for k in w:
            if k not in _WAY_KEYS:
                raise loc.error(p + (k,), f"ways[{i}].{k}", f"unknown field (expected {', '.join(sorted(_WAY_KEYS))})")
        name = w.get("name")
        if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
            raise loc.error(p + ("name",), f"ways[{i}].name", "required: a short name (lower-case, digits, - or _)")
        if name in names:
            raise loc.error(p + ("name",), f"ways[{i}].name", f"duplicate way name {name!r}")
        names.add(name)
        _validate_condition(w, loc, p, f"ways[{i}]", concepts)
        for j, u in enumerate(_as_list(w.get("unless"))):
            if not isinstance(u, dict):
                raise loc.error(p + ("unless", j), f"ways[{i}].unless[{j}]", "an exclusion is a mapping of conditions")
            _validate_condition(u, loc, p + ("unless", j), f"ways[{i}].unless[{j}]", concepts, strict=True)
        sc = w.get("score", None)
        if sc is None:
            raise loc.error(p, f"ways[{i}].score", "required: a number, or {base: N, add: [...]}")
        if isinstance(sc, dict):
            for k in sc:
                if k not in ("base", "add"):
                    raise loc.error(p + ("score", k), f"ways[{i}].score.{k}", "unknown field (expected base, add)")
            if not isinstance(sc.get("base"), (int, float)):
                raise loc.error(p + ("score",), f"ways[{i}].score.base", "a number")
            for j, a in enumerate(_as_list(sc.get("add"))):
                if not isinstance(a, dict) or not isinstance(a.get("points"), (int, float)):
                    raise loc.error(p + ("score", "add", j), f"ways[{i}].score.add[{j}]", "needs points: N and conditions")
                cond = {k: v for k, v in a.items() if k != "points"}
                _validate_condition(cond, loc, p + ("score", "add", j), f"ways[{i}].score.add[{j}]", concepts, strict=True)
        elif not isinstance(sc, (int, float)):
            raise loc.error(p + ("score",), f"ways[{i}].score", "a number, or {base: N, add: [...]}")
        if not isinstance(w.get("reason"), str):
            raise loc.error(p + ("reason",), f"ways[{i}].reason", "required: the reason template shown by explain")
    for i, n in enumerate(_as_list(data.get("near_miss"))):
        p = ("near_miss", i)
        if not isinstance(n, dict) or not isinstance(n.get("text"), str):
            raise loc.error(p, f"near_miss[{i}]", "needs text: and conditions")
        _validate_condition({k: v for k, v in n.items() if k != "text"}, loc, p, f"near_miss[{i}]", concepts, strict=True)
    pf = data.get("prefilter")
    if pf is not None:
        if pf == "off":
            pass
        elif not isinstance(pf, list) or not all(isinstance(g, list) and g for g in pf):
            raise loc.error(("prefilter",), "prefilter", "a list of concept groups ([[a, b], [c]]: one concept of every group), or off")
        else:
            for gi, g in enumerate(pf):
                for ci, c in enumerate(g):
                    if c not in concepts:
                        raise loc.error(("prefilter", gi, ci), f"prefilter[{gi}][{ci}]", f"unknown concept {c!r}")
    d = data.get("derive")
    if d is not None:
        if not isinstance(d, dict) or d.get("from") not in element_ids or not isinstance(d.get("reason"), str):
            raise loc.error(("derive",), "derive", "needs from: <element id>, kind:, score:, reason:")
        if "prefer_hook" in d and d["prefer_hook"] not in H.HOOKS:
            raise loc.error(("derive", "prefer_hook"), "derive.prefer_hook", f"unknown hook {d['prefer_hook']!r}")


def _validate_condition(c: dict, loc: Located, p: tuple, label: str, concepts: set[str], strict: bool = False) -> None:
    for k, v in c.items():
        if k not in _WAY_KEYS:
            raise loc.error(p + (k,), f"{label}.{k}", "unknown condition")
        if strict and k not in _CONDITION_KEYS:
            raise loc.error(p + (k,), f"{label}.{k}", "not allowed here (only conditions)")
        if k in ("text_has", "text_lacks"):
            for i, name in enumerate(_as_list(v)):
                if name not in concepts:
                    raise loc.error(p + (k,), f"{label}.{k}", f"unknown concept {name!r}")
        elif k in ("hook", "unless_hook"):
            for name in _as_list(v):
                if name not in H.HOOKS:
                    raise loc.error(p + (k,), f"{label}.{k}", f"unknown hook {name!r} (see audits/rules/hooks.py)")
        elif k in ("binding_has", "binding_lacks"):
            if not isinstance(v, dict):
                raise loc.error(p + (k,), f"{label}.{k}", "a mapping {binding: concept}")
            for bname, cname in v.items():
                if cname not in concepts:
                    raise loc.error(p + (k, bname), f"{label}.{k}.{bname}", f"unknown concept {cname!r}")
        elif k == "prohibition":
            if v not in _PROHIBITION:
                raise loc.error(p + (k,), f"{label}.{k}", f"expected one of {', '.join(sorted(_PROHIBITION))}")
        elif k == "within_chars":
            if not isinstance(v, int) or v <= 0:
                raise loc.error(p + (k,), f"{label}.{k}", "a positive number of characters")
        elif k == "any":
            if not isinstance(v, list) or not all(isinstance(x, dict) for x in v):
                raise loc.error(p + (k,), f"{label}.{k}", "a list of condition mappings")
            for i, x in enumerate(v):
                _validate_condition(x, loc, p + (k, i), f"{label}.{k}[{i}]", concepts, strict=True)
        elif k == "where":
            if not isinstance(v, str):
                raise loc.error(p + (k,), f"{label}.{k}", "the place of the prohibition (sentence, lead-in, heading ...)")
        elif k == "kind":
            from audits.rubric import KINDS
            for x in _as_list(v):
                if x not in KINDS:
                    raise loc.error(p + (k,), f"{label}.{k}", f"unknown kind {x!r} (expected {', '.join(KINDS)})")
        elif k == "flag":
            if not all(isinstance(x, str) for x in _as_list(v)):
                raise loc.error(p + (k,), f"{label}.{k}", "the name of a value set by a hook")
        elif k == "is_item":
            if not isinstance(v, bool):
                raise loc.error(p + (k,), f"{label}.{k}", "true or false")


# ------------------------------------------------------------------ evaluation

class _Fail(Exception):
    pass


def concept_search(seg: Segment, name: str) -> re.Match | None:
    """`C.<name>.search(seg.text)`, kept per clause (asked by many ways and rules)."""
    pat = getattr(H.C, name)         # read through C: `explain` records the concepts a rule reads
    memo = seg.memo
    found = memo.get("search")
    if found is None:
        found = memo["search"] = {}
    got = found.get(name)
    if got is not None and got[0] is pat:
        return got[1]
    m = pat.search(seg.text)
    found[name] = (pat, m)
    return m


class _Plan:
    """A condition mapping read once: its fields as tuples, in the order `_check` asks them."""

    __slots__ = ("cond", "text_has", "within", "text_lacks", "is_item", "kind", "flag", "binding_has",
                 "binding_lacks", "hook", "unless_hook", "prohibition", "where", "any")

    def __init__(self, cond: dict):
        self.cond = cond
        self.text_has = tuple(_as_list(cond.get("text_has")))
        self.within = cond.get("within_chars")
        self.text_lacks = tuple(_as_list(cond.get("text_lacks")))
        self.is_item = cond["is_item"] if "is_item" in cond else None
        self.kind = tuple(_as_list(cond["kind"])) if "kind" in cond else None
        self.flag = tuple(_as_list(cond.get("flag")))
        self.binding_has = tuple((cond.get("binding_has") or {}).items())
        self.binding_lacks = tuple((cond.get("binding_lacks") or {}).items())
        self.hook = tuple(_as_list(cond.get("hook")))
        self.unless_hook = tuple(_as_list(cond.get("unless_hook")))
        self.prohibition = cond.get("prohibition") == "required"
        self.where = (cond["where"],) if "where" in cond else None
        self.any = cond["any"] if "any" in cond else None


_PLANS: dict[int, _Plan] = {}


def _plan(cond: dict) -> _Plan:
    got = _PLANS.get(id(cond))
    if got is None or got.cond is not cond:
        if len(_PLANS) > 20000:          # conditions are the rule files' own mappings: a bound, not a cache policy
            _PLANS.clear()
        got = _PLANS[id(cond)] = _Plan(cond)
    return got


def _check(cond: dict, seg: Segment, ctx: Context, b: dict, used_hooks: list[str], matched: dict, prohibition_fallback: str | None) -> bool:
    """All conditions of `cond` hold (binding values into `b`)."""
    C = H.C
    p = _plan(cond)
    if p.text_has:
        first: list[re.Match] = []
        for name in p.text_has:
            m = concept_search(seg, name)
            if not m:
                return False
            first.append(m)
            b.setdefault(name, m.group(0))
            matched[name] = m.group(0)
        win = p.within
        if win is not None and len(first) >= 2 and abs(first[1].start() - first[0].start()) > win:
            return False
    for name in p.text_lacks:
        if concept_search(seg, name):
            return False
    if p.is_item is not None and bool(seg.is_item) != p.is_item:
        return False
    if p.kind is not None and ctx.kind not in p.kind:
        return False
    for name in p.flag:
        if not b.get(name):
            return False
    for bname, cname in p.binding_has:
        if not getattr(C, cname).search(str(b.get(bname, ""))):
            return False
    for bname, cname in p.binding_lacks:
        if getattr(C, cname).search(str(b.get(bname, ""))):
            return False
    for name in p.hook:
        r = H.HOOKS[name][0](seg, ctx, b)
        if not r:
            return False
        used_hooks.append(name)
        if isinstance(r, dict):
            b.update(r)
    for name in p.unless_hook:
        if H.HOOKS[name][0](seg, ctx, b):
            return False
    if p.prohibition:
        where = H.prohibition(seg)
        if not where and prohibition_fallback:
            r = H.HOOKS[prohibition_fallback][0](seg, ctx, b)
            if r:
                used_hooks.append(prohibition_fallback)
                where = r.get("where") if isinstance(r, dict) else "extended rule"
        if not where:
            return False
        b["where"] = where
    if p.where is not None and b.get("where") != p.where[0]:
        return False
    if p.any is not None:
        for alt in p.any:
            if _check(alt, seg, ctx, dict(b), [], {}, prohibition_fallback):
                break
        else:
            return False
    return True


class _Fmt(dict):
    def __missing__(self, key):
        return "{" + key + "}"


class _Way:
    """A way's parts as `apply_rule` uses them, built once per way."""

    __slots__ = ("way", "head", "rest", "unless", "adds", "bare")

    def __init__(self, way: dict):
        self.way = way
        self.head = {"text_has": way["text_has"]} if "text_has" in way else {}
        rest = {k: v for k, v in way.items() if k in _CONDITION_KEYS and k != "text_has"}
        if "within_chars" in rest:
            rest["text_has"] = way["text_has"]
        self.rest = rest
        self.unless = _as_list(way.get("unless"))
        sc = way["score"]
        self.adds = [({k: v for k, v in a.items() if k != "points"}, a["points"]) for a in _as_list(sc.get("add"))] \
            if isinstance(sc, dict) else []
        # the way without its exclusions (exclusion_fired)
        self.bare = {k: v for k, v in way.items() if k in _CONDITION_KEYS and k not in ("unless", "unless_hook", "stop")}


_WAYS: dict[int, _Way] = {}


def _way(way: dict) -> _Way:
    got = _WAYS.get(id(way))
    if got is None or got.way is not way:
        got = _WAYS[id(way)] = _Way(way)
    return got


def apply_rule(rule: ElementRule, seg: Segment, ctx: Context) -> Hit | None:
    data = rule.data
    fallback = data.get("prohibition_fallback")
    for way in data["ways"]:
        w = _way(way)
        b: dict[str, Any] = {}
        used: list[str] = []
        matched: dict[str, str] = {}
        # the way's own "text_has" decides whether it applies at all (for `stop`)
        if w.head and not _check(w.head, seg, ctx, b, used, matched, fallback):
            continue
        ok = _check(w.rest, seg, ctx, b, used, matched, fallback)
        if ok:
            for u in w.unless:
                if _check(u, seg, ctx, dict(b), [], {}, None):
                    ok = False
                    break
        if not ok:
            if way.get("stop"):
                return None
            continue
        sc = way["score"]
        if isinstance(sc, dict):
            score = float(sc["base"])
            for cond, points in w.adds:
                if _check(cond, seg, ctx, dict(b), [], {}, None):
                    score += points
        else:
            score = float(b.get("base", sc))
        score += float(b.get("points", 0)) + H.specificity(seg)
        reason = way["reason"].format_map(_Fmt({k: v for k, v in b.items()}))
        return Hit(seg, score, reason, hours=list(b.get("hours", [])), rule=f"{rule.element}/{way['name']}",
                   hooks=used, concepts=matched)
    return None


def exclusion_fired(rule: ElementRule, seg: Segment, ctx: Context) -> str | None:
    """The exclusion that stopped a way which otherwise holds on `seg` ("way 'x': unless flag copyright_only"),
    or None. Used for the decision margin of a "not met"."""
    if ctx.clause_memo is not None:
        return ctx.clause_memo.call(_exclusion_fired, rule, seg, ctx)
    return _exclusion_fired(rule, seg, ctx)


def _exclusion_fired(rule: ElementRule, seg: Segment, ctx: Context) -> str | None:
    data = rule.data
    for way in data["ways"]:
        unless = _as_list(way.get("unless"))
        hooks_off = _as_list(way.get("unless_hook"))
        if not unless and not hooks_off:
            continue
        b: dict[str, Any] = {}
        if not _check(_way(way).bare, seg, ctx, b, [], {}, data.get("prohibition_fallback")):
            continue
        for name in hooks_off:
            if H.HOOKS[name][0](seg, ctx, b):
                return f"way '{way['name']}' held but exclusion '{name}' fired"
        for u in unless:
            if _check(u, seg, ctx, dict(b), [], {}, None):
                what = ", ".join(f"{k} {v}" for k, v in u.items())
                return f"way '{way['name']}' held but exclusion ({what}) fired"
    return None


def near_miss(rule: ElementRule, seg: Segment, ctx: Context, gate_ok=None) -> str | None:
    """The text of the first `near_miss` entry of the rule whose conditions hold on `seg`, or None."""
    if ctx.clause_memo is not None:
        return ctx.clause_memo.call(_near_miss, rule, seg, ctx, gate_ok)
    return _near_miss(rule, seg, ctx, gate_ok)


def _near_miss(rule: ElementRule, seg: Segment, ctx: Context, gate_ok=None) -> str | None:
    for i, n in enumerate(_as_list(rule.data.get("near_miss"))):
        if gate_ok is not None and not gate_ok(rule.near_gates[i] if i < len(rule.near_gates) else None, seg):
            continue
        if _check(_near_cond(n), seg, ctx, {}, [], {}, None):
            return n["text"]
    return None


_NEAR: dict[int, tuple[dict, dict]] = {}


def _near_cond(entry: dict) -> dict:
    """A near-miss entry without its text (one mapping per entry, for `_plan`)."""
    got = _NEAR.get(id(entry))
    if got is None or got[0] is not entry:
        got = _NEAR[id(entry)] = (entry, {k: v for k, v in entry.items() if k != "text"})
    return got[1]


def derive(rules: dict[str, ElementRule], raw: dict[str, list[Hit]], ctx: Context) -> None:
    """Elements derived from another element's hits for some kinds (rule field `derive`)."""
    for el, rule in rules.items():
        d = rule.data.get("derive")
        if not d or ctx.kind not in _as_list(d.get("kind")) or raw.get(el):
            continue
        src = raw.get(d["from"]) or []
        if not src:
            continue
        if d.get("prefer_hook"):
            fn = H.HOOKS[d["prefer_hook"]][0]
            src = sorted(src, key=lambda h: not fn(h.seg, ctx, {}))
        raw[el] = [Hit(h.seg, h.score + float(d.get("score", 0)), d["reason"].format_map(_Fmt(reason=h.reason)),
                       hours=list(h.hours), rule=f"{el}/derived-from-{d['from']}", hooks=list(h.hooks) + ([d["prefer_hook"]] if d.get("prefer_hook") else []),
                       concepts=dict(h.concepts))
                   for h in src]


def load_element_rule(path: Path, concepts: set[str], element_ids: set[str]) -> ElementRule:
    data, loc = load_yaml(path)
    validate_rule(path, data, loc, concepts, element_ids)
    used_c: set[str] = set()
    used_h: set[str] = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k in ("text_has", "text_lacks"):
                    used_c.update(_as_list(v))
                elif k in ("binding_has", "binding_lacks"):
                    used_c.update(v.values())
                elif k in ("hook", "unless_hook", "prefer_hook", "prohibition_fallback"):
                    used_h.update(_as_list(v))
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk(data)
    for g in data.get("prefilter") or [] if data.get("prefilter") != "off" else []:
        used_c.update(g)
    if data.get("prohibition_fallback") and data["prohibition_fallback"] not in H.HOOKS:
        raise loc.error(("prohibition_fallback",), "prohibition_fallback", f"unknown hook {data['prohibition_fallback']!r}")
    return ElementRule(data["element"], str(path), data, loc, None, used_c, used_h)


__all__ = ["Hit", "Context", "ElementRule", "apply_rule", "near_miss", "exclusion_fired", "derive", "load_element_rule", "RuleError", "PhraseError"]
