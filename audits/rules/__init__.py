"""The rules folder: concept vocabularies (concepts/<lang>.yaml), one rule file per rubric
element (elements/<id>.yaml, with its cases in elements/<id>.cases.yaml), the named hooks
(hooks.py) and the legal deadlines (legal_deadlines.yaml). See docs/rules.md.

`load_rules(dir)` compiles a folder once (cached by path and content hash); `rules_version(dir)`
is the hash recorded with every result: rubric.yaml + concept files + element rule files +
hooks.py, so that editing a rule is visible in the store and triggers re-scoring.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from audits import casefold, literal_index
from audits.rules import hooks as H
from audits.rules.interpreter import ElementRule, load_element_rule
from audits.rules.loader import (
    PACKAGE_DIR,
    CompiledConcepts,
    Concept,
    RuleError,
    compile_concepts,
    compute_version,
    namespace,
    read_concepts,
    rules_files,
)

DEFAULT_RULES_DIR = PACKAGE_DIR


@dataclass
class RuleSet:
    dir: Path
    version: str
    concepts: dict[str, Concept]
    compiled: CompiledConcepts
    elements: dict[str, ElementRule]
    ns: object


_CACHE: dict[tuple[str, tuple], RuleSet] = {}
_ACTIVE: list[RuleSet | None] = [None]
# id(rule set) -> (rule set, the names hooks.C gets: concept patterns whose searches first ask
# for the concept's literals, audits.literal_index.Prefiltered)
_FAST: dict[int, tuple[RuleSet, dict]] = {}


def _resolve(rules_dir: str | os.PathLike | None) -> Path:
    return Path(rules_dir).resolve() if rules_dir else DEFAULT_RULES_DIR


def _stamp(d: Path) -> tuple:
    from audits.rubric import RUBRIC_FILE
    files = [RUBRIC_FILE, *rules_files(d)] if (d / "concepts").is_dir() else []
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)


def rules_version(rules_dir: str | os.PathLike | None = None) -> str:
    """Hash of rubric.yaml + the rules folder (concepts, element rules, hooks.py)."""
    return load_rules(rules_dir).version


def load_rules(rules_dir: str | os.PathLike | None = None) -> RuleSet:
    """The compiled rules of `rules_dir` (default: the package's own); RuleError when malformed."""
    from audits import rubric
    d = _resolve(rules_dir)
    if not d.is_dir():
        raise RuleError(d, None, "rules", "not a folder")
    key = (str(d), _stamp(d))
    rs = _CACHE.get(key)
    if rs is not None:
        return rs
    concepts, _ = read_concepts(d)
    compiled = compile_concepts(concepts)
    names = set(compiled.patterns)
    elements: dict[str, ElementRule] = {}
    ids = set(rubric.ELEMENT_IDS)
    folder = d / "elements"
    for el in rubric.ELEMENT_IDS:
        path = folder / f"{el}.yaml"
        if not path.is_file():
            raise RuleError(path, None, "element", f"missing rule file for element {el!r}")
        rule = load_element_rule(path, names, ids)
        rule.gate = _gate(rule, compiled)
        rule.near_gates = [_near_gate(n, rule, compiled) for n in rule.data.get("near_miss") or []]
        elements[el] = rule
    for path in sorted(folder.glob("*.yaml")):
        if not path.name.endswith(".cases.yaml") and path.stem not in ids:
            raise RuleError(path, 1, "element", f"{path.stem!r} is not an element of the rubric")
    rs = RuleSet(d, compute_version(d, rubric.RUBRIC_FILE), concepts, compiled, elements,
                 namespace(compiled.patterns, compiled.parts))
    _CACHE[key] = rs
    return rs


def _gate(rule: ElementRule, compiled: CompiledConcepts) -> list[tuple[str, ...]] | None:
    """Pre-filter of a rule, derived from its concepts' phrases: for every group of concepts in
    `prefilter`, the clause must contain one literal of one of them (None = no pre-filter)."""
    pf = rule.data.get("prefilter")
    if not pf or pf == "off":
        return None
    groups = []
    for g in pf:
        lits: set[str] = set()
        for c in g:
            ls = compiled.literals.get(c)
            if ls is None:
                return None
            lits |= ls
        # a literal that contains a shorter one of the group is redundant
        minimal = sorted(lits, key=len)
        keep: list[str] = []
        for x in minimal:
            if not any(k in x for k in keep):
                keep.append(x)
        groups.append(tuple(keep))
    return groups


def _near_gate(entry: dict, rule: ElementRule, compiled: CompiledConcepts):
    """Pre-filter of a near-miss entry: its required concepts (text_has), else the rule's own."""
    names = entry.get("text_has")
    if not names:
        return rule.gate
    groups = []
    for c in names if isinstance(names, list) else [names]:
        ls = compiled.literals.get(c)
        if ls is None:
            return None
        groups.append(tuple(sorted(ls)))
    return groups


def activate(rs: RuleSet) -> None:
    """Make `rs` the rules the hooks read (`hooks.C`)."""
    if _ACTIVE[0] is rs:
        return
    got = _FAST.get(id(rs))
    if got is None or got[0] is not rs:
        lits = {name: _searchable(x) for name, x in rs.compiled.literals.items()}
        ns = {k: _fast(v, lits.get(k)) for k, v in rs.ns.__dict__.items()}
        got = _FAST[id(rs)] = (rs, ns)
    H.C.__dict__.clear()
    H.C.__dict__.update(got[1])
    for c in H.CACHES:
        c.cache_clear()
    _ACTIVE[0] = rs


def _fast(value, lits):
    """A concept pattern with its quick "no match" answers (literal_index.Prefiltered), or
    `value` itself when it has none (and for whatever is not a pattern)."""
    if not isinstance(value, re.Pattern):
        return value
    low = casefold.lowered(value)
    if lits is None and low is None:
        return value
    return literal_index.Prefiltered(value, lits, low)


def _searchable(lits: set[str] | None):
    """A concept's literals as a pre-check of its searches in ASCII text, or None when one of them
    has a letter that an ASCII letter matches case-insensitively ('ſ' ~ 's', 'ı' ~ 'I', 'ß' ~ 'ss')."""
    if not lits:
        return None
    for lit in lits:
        for ch in lit:
            if not ch.isascii() and (len(ch.upper()) != 1 or ch.upper().isascii() or ch.upper().lower() != ch):
                return None
    return literal_index.register(lits)


__all__ = ["RuleSet", "RuleError", "load_rules", "rules_version", "activate", "DEFAULT_RULES_DIR"]
