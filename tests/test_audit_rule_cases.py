"""Every case beside every rule (audits/rules/elements/<id>.cases.yaml) decided as expected.

The cases are the former paraphrase stress set (ids paraphrase-N: every element phrased as
terms of service, community guidelines, AUPs, AI usage policies, FAQ answers ...; negatives
from the rubric's "not enough" column), the blind generalisation set (blind-N: written from the
rubric alone) and the per-element detector cases (detector-N, more-N, lang-N, extra-N), plus
v11-N cases for the v1.1 conventions. All snippets were written for the project; no service
is named.
"""
from __future__ import annotations

from collections import Counter

import pytest

from audits import rubric
from audits.rules import load_rules
from audits.rules.cases import load_cases, run_case

CASES = load_cases()


@pytest.mark.parametrize("case", CASES, ids=[f"{c.element}-{c.id}" for c in CASES])
def test_case(case):
    failure = run_case(case, load_rules())
    assert failure is None, f"{case.file}:{case.line}: {failure.message}; " + "; ".join(failure.details)


def test_every_element_has_positives_and_negatives():
    for el in rubric.ELEMENT_IDS:
        para = [c for c in CASES if c.element == el and c.id.startswith("paraphrase-")]
        assert sum(c.expect is True for c in para) >= 4 and sum(c.expect is not True for c in para) >= 3, el
        blind = [c for c in CASES if c.element == el and c.id.startswith("blind-")]
        assert sum(c.expect is True for c in blind) >= 3 and sum(c.expect is not True for c in blind) >= 3, el


def test_case_counts():
    ids = Counter(c.id.split("-")[0] for c in CASES)
    assert ids["paraphrase"] == 303 and ids["blind"] == 180
    assert ids["detector"] == 84 and ids["more"] == 77 and ids["lang"] == 11 and ids["extra"] == 12
    assert ids["v11"] >= 10
    assert len({(c.element, c.id) for c in CASES}) == len(CASES)
