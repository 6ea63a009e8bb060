"""Cases beside each rule (elements/<id>.cases.yaml): clauses in the project's own words with
the decision the rule must give. `riskaudit rules test` and the test suite run them all.

    element: ncii_prohibited
    cases:
      - id: para-3                 # unique in the file
        type: positive             # positive | negative | near-miss | not-applicable
        kind: social
        text: "Posting someone's nudes without their permission is never OK here."
        hours: [24, 48]            # optional (stated_response_time): exactly these hours
        hours_include: 24          # optional: this value among the hours

`met` is expected for positive cases, `not met` for negative and near-miss ones; a near-miss
case must also produce the rule's near-miss explanation. Every quote of a met decision must be
a verbatim part of the text.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from audits.rules.loader import RuleError, load_yaml

TYPES = ("positive", "negative", "near-miss", "not-applicable")


@dataclass
class Case:
    element: str
    id: str
    type: str
    kind: str
    text: str
    file: str
    line: int
    hours: list[float] | None = None
    hours_include: float | None = None

    @property
    def expect(self) -> bool | None:
        return None if self.type == "not-applicable" else self.type == "positive"

    @property
    def source(self) -> str:
        return self.id


@dataclass
class Failure:
    case: Case
    message: str
    details: list[str] = field(default_factory=list)


def load_cases(rules_dir: str | os.PathLike | None = None, element: str | None = None) -> list[Case]:
    from audits import rubric
    from audits.rules import DEFAULT_RULES_DIR
    d = Path(rules_dir).resolve() if rules_dir else DEFAULT_RULES_DIR
    out: list[Case] = []
    for el in rubric.ELEMENT_IDS:
        if element and el != element:
            continue
        path = d / "elements" / f"{el}.cases.yaml"
        if not path.is_file():
            continue
        data, loc = load_yaml(path)
        if not isinstance(data, dict) or data.get("element") != el:
            raise loc.error(("element",), "element", f"must be {el!r}")
        seen: set[str] = set()
        for i, c in enumerate(data.get("cases") or []):
            p = ("cases", i)
            if not isinstance(c, dict):
                raise loc.error(p, f"cases[{i}]", "a case is a mapping (id, type, kind, text)")
            for k in c:
                if k not in ("id", "type", "kind", "text", "hours", "hours_include", "note"):
                    raise loc.error(p + (k,), f"cases[{i}].{k}", "unknown field")
            cid = c.get("id")
            if not isinstance(cid, str) or cid in seen:
                raise loc.error(p + ("id",), f"cases[{i}].id", "required and unique in the file")
            seen.add(cid)
            if c.get("type") not in TYPES:
                raise loc.error(p + ("type",), f"cases[{i}].type", f"expected one of {', '.join(TYPES)}")
            if c.get("kind") not in rubric.KINDS:
                raise loc.error(p + ("kind",), f"cases[{i}].kind", f"expected one of {', '.join(rubric.KINDS)}")
            if not isinstance(c.get("text"), str) or not c["text"].strip():
                raise loc.error(p + ("text",), f"cases[{i}].text", "required")
            out.append(Case(el, cid, c["type"], c["kind"], c["text"], str(path), loc.line(*p),
                            hours=[float(h) for h in c["hours"]] if "hours" in c else None,
                            hours_include=float(c["hours_include"]) if "hours_include" in c else None))
    return out


def load_all_cases() -> list[Case]:
    return load_cases()


def _norm(s: str) -> str:
    s = re.sub(r"[*_`#>\[\]]", "", s)
    return re.sub(r"\s+", " ", s).strip().lower()


def run_case(case: Case, rules=None) -> Failure | None:
    """None when the rule decides the case as expected."""
    from audits.engine import audit_target
    from audits.model import Document
    res = audit_target([Document(name="Policy.md", text=case.text)], service="Example", target_id="example",
                       kind=case.kind, rules=rules)
    el = res.elements[case.element]
    want = case.expect
    if el.met is not want:
        details = []
        if el.met:
            details.append(f"fired: rule {el.rule}" + (f" (hooks: {', '.join(el.hooks)})" if el.hooks else "")
                           + (f"; concepts: {', '.join(f'{k}={v!r}' for k, v in el.concepts.items())}" if el.concepts else ""))
            details.append(f"reason: {el.reason}")
            if el.evidence:
                details.append(f"quote: « {' '.join(el.evidence[0].quote.split())} »")
        else:
            details.append(f"no rule fired; {el.reason}")
        return Failure(case, f"expected {({True: 'met', False: 'not met', None: 'n/a'})[want]}, got {'met' if el.met else ('n/a' if el.met is None else 'not met')}", details)
    if want:
        for ev in el.evidence:
            if ev.quote not in case.text and _norm(ev.quote) not in _norm(case.text):
                return Failure(case, f"quote not verbatim: {ev.quote!r}")
        if case.hours is not None and sorted(el.hours) != sorted(case.hours):
            return Failure(case, f"hours {el.hours} != expected {case.hours}")
        if case.hours_include is not None and case.hours_include not in [float(h) for h in el.hours]:
            return Failure(case, f"hours {el.hours} do not include {case.hours_include}")
    elif case.type == "near-miss" and "(e.g." not in el.reason:
        return Failure(case, "expected the rule's near-miss explanation", [el.reason])
    return None


def run_cases(rules_dir=None, element: str | None = None) -> tuple[list[Case], list[Failure]]:
    from audits.rules import load_rules
    rules = load_rules(rules_dir)
    cases = load_cases(rules_dir, element)
    failures = [f for f in (run_case(c, rules) for c in cases) if f]
    return cases, failures


__all__ = ["Case", "Failure", "load_cases", "run_case", "run_cases", "RuleError"]
