"""`riskaudit rules lint|test`: check the rules folder (concepts, element rules, cases) and run
the cases beside each rule. `--rules DIR` points at a copy of the rules folder (docs/rules.md)."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from riskaudit.cli.commands import add_command
from riskaudit.core.errors import UserError


def lint(rules_dir: str | None) -> tuple[list[str], list[str]]:
    """(errors, warnings), each `file:line: field: message`."""
    from audits import rubric
    from audits.rules import DEFAULT_RULES_DIR
    from audits.rules import hooks as H
    from audits.rules.cases import load_cases
    from audits.rules.interpreter import _as_list, load_element_rule
    from audits.rules.loader import RuleError, compile_concepts, read_concepts
    d = Path(rules_dir).resolve() if rules_dir else DEFAULT_RULES_DIR
    errors: list[str] = []
    warnings: list[str] = []
    try:
        concepts, _ = read_concepts(d)
        compiled = compile_concepts(concepts)
    except RuleError as exc:
        return [str(exc)], []
    # duplicate phrases inside a concept (same compiled pattern)
    for name, srcs in compiled.sources.items():
        seen: dict[str, tuple[str, int]] = {}
        own = [s for s in srcs if s[0] and (s[2] is not None or s[3])]
        for file, line, ph, rx in own:
            if rx in seen:
                f0, l0 = seen[rx]
                if (f0, l0) != (file, line):
                    errors.append(f"{file}:{line}: {name}.phrases: duplicate phrase {ph or rx!r} (also at {Path(f0).name}:{l0})")
            else:
                seen[rx] = (file, line)
    names = set(compiled.patterns)
    used: set[str] = set()
    rules = {}
    for el in rubric.ELEMENT_IDS:
        path = d / "elements" / f"{el}.yaml"
        if not path.is_file():
            errors.append(f"{path}:1: element: missing rule file for element {el!r}")
            continue
        try:
            rule = load_element_rule(path, names, set(rubric.ELEMENT_IDS))
        except RuleError as exc:
            errors.append(str(exc))
            continue
        rules[el] = rule
        used |= rule.concepts_used
        ways = rule.data["ways"]
        for i, w in enumerate(ways):
            line = rule.loc.line("ways", i)
            conds = [k for k in w if k not in ("name", "score", "reason", "stop", "why")]
            if not conds and i + 1 < len(ways):
                errors.append(f"{path}:{rule.loc.line('ways', i + 1)}: ways[{i + 1}]: unreachable: way {w['name']!r} before it has no condition")
            both = set(_as_list(w.get("text_has"))) & set(_as_list(w.get("text_lacks")))
            if both:
                errors.append(f"{path}:{line}: ways[{i}]: unreachable: {sorted(both)[0]!r} is both required and excluded")
            kinds = _as_list(w.get("kind"))
            applies = rubric.BY_ID[el].applies_to
            if kinds and applies and not set(kinds) & set(applies):
                errors.append(f"{path}:{line}: ways[{i}].kind: unreachable: the element applies only to {', '.join(applies)}")
            for j, prev in enumerate(ways[:i]):
                if prev.get("stop") and _as_list(prev.get("text_has")) and set(_as_list(prev.get("text_has"))) <= set(_as_list(w.get("text_has"))):
                    errors.append(f"{path}:{line}: ways[{i}]: unreachable: way {prev['name']!r} (stop: true) decides every clause with {', '.join(_as_list(prev.get('text_has')))}")
        if rule.gate is None and rule.data.get("prefilter") not in (None, "off"):
            pass
        for path_ in sorted((d / "elements").glob("*.yaml")):
            stem = path_.name.replace(".cases.yaml", "").replace(".yaml", "")
            if stem not in rubric.ELEMENT_IDS and el == rubric.ELEMENT_IDS[0]:
                errors.append(f"{path_}:1: element: {stem!r} is not an element of the rubric")
    # concepts read by hooks and phrases
    hook_src = (Path(H.__file__)).read_text(encoding="utf-8")
    used |= set(re.findall(r"\bC\.([a-z][a-z0-9_]*)", hook_src))
    used |= set(re.findall(r"_parts\[\"([a-z0-9_]+)\"\]", hook_src))
    for name, c in concepts.items():
        if c.like:
            used.add(c.like)
        for _, _, ph, _ in c.phrases:
            if ph:
                used |= set(re.findall(r"\{([a-z][a-z0-9_]*)\}", ph))
    for name, c in concepts.items():
        if name not in used:
            warnings.append(f"{c.defined_in[0]}:{c.defined_in[1]}: {name}: concept not used by any rule, hook or phrase")
        if compiled.literals.get(name) is None and any(name in g for r in rules.values() for g in (r.data.get("prefilter") or []) if isinstance(g, list)):
            warnings.append(f"{c.defined_in[0]}:{c.defined_in[1]}: {name}: no literal word can be derived from its phrases: the pre-filter of the rules using it is off")
    try:
        load_cases(rules_dir)
    except RuleError as exc:
        errors.append(str(exc))
    return errors, warnings


def run_lint(args) -> int:
    from audits.rules import DEFAULT_RULES_DIR
    errors, warnings = lint(args.rules)
    for e in errors:
        print(f"error: {e}" if not e.startswith("/") else e.replace(": ", ": error: ", 1))
    for w in warnings:
        print(w.replace(": ", ": warning: ", 1))
    d = args.rules or DEFAULT_RULES_DIR
    print(f"rules lint {d}: {len(errors)} error(s), {len(warnings)} warning(s)", file=sys.stderr)
    return 1 if errors else 0


def run_test(args) -> int:
    from audits import rubric
    from audits.rules import RuleError, load_rules
    from audits.rules.cases import load_cases, run_case
    if args.element and args.element not in rubric.ELEMENT_IDS:
        raise UserError(f"unknown element {args.element!r}; use one of: {', '.join(rubric.ELEMENT_IDS)}")
    try:
        rules = load_rules(args.rules)
        cases = load_cases(args.rules, args.element)
    except RuleError as exc:
        raise UserError(str(exc)) from None
    failures = 0
    for case in cases:
        f = run_case(case, rules)
        if f is None:
            continue
        failures += 1
        clause = " ".join(case.text.split())
        print(f"FAIL {case.file}:{case.line}: {case.element} / {case.id} ({case.type}, {case.kind}): {f.message}")
        print(f"     clause: « {clause[:300]}{'…' if len(clause) > 300 else ''} »")
        for d in f.details:
            print(f"     {d}")
    by_el = {}
    for c in cases:
        by_el[c.element] = by_el.get(c.element, 0) + 1
    print(f"rules test: {len(cases)} cases ({len(by_el)} elements), {failures} failure(s); rules version {rules.version}")
    return 1 if failures else 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "rules",
        "Check the rules folder (lint) or run the cases beside each rule (test).",
        ["riskaudit rules lint", "riskaudit rules test --element ncii_prohibited",
         "riskaudit rules test --rules my-rules/"],
        lambda args: (args.rules_func(args)))
    sub = p.add_subparsers(dest="rules_cmd", required=True)
    lp = sub.add_parser("lint", help="validate every concept, rule and case file (file:line: field: message)")
    lp.set_defaults(rules_func=run_lint)
    tp = sub.add_parser("test", help="run the cases (elements/<id>.cases.yaml); show each failure with its clause and rule")
    tp.set_defaults(rules_func=run_test)
    tp.add_argument("--element", default=None, help="only this element's cases")
    for sp in (lp, tp):
        sp.add_argument("--rules", default=None, metavar="DIR", help="rules folder (default: the built-in audits/rules)")
