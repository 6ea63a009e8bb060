"""Scoring rules of the rubric: category means, overall mean, grades, applicability."""
from audits import rubric


def test_twenty_elements_with_fixed_ids():
    assert len(rubric.ELEMENT_IDS) == 20
    assert len(set(rubric.ELEMENT_IDS)) == 20
    assert [e.id for e in rubric.ELEMENTS if e.ai_only] == ["provenance_marking", "sexual_content_safeguards"]


def test_scores_exclude_not_applicable_category():
    decisions = {e: False for e in rubric.ELEMENT_IDS}
    decisions.update(ncii_prohibited=True, csam_prohibited=True, general_reporting_channel=True,
                     provenance_marking=None, sexual_content_safeguards=None)
    cats = rubric.category_scores(decisions)
    assert cats == {"P": round(200 / 7, 1), "R": 12.5, "T": 0.0, "A": None}
    assert rubric.overall_score(decisions) == round((200 / 7 + 12.5 + 0) / 3, 1)


def test_grade_thresholds():
    assert [rubric.grade(s) for s in (80, 79.9, 65, 50, 35, 20, 19.9)] == ["A", "B", "B", "C", "D", "E", "F"]


def test_ai_only_elements_applicable_only_to_ai_tools():
    assert rubric.applicable("provenance_marking", "ai_tool")
    assert not rubric.applicable("provenance_marking", "social")
    assert rubric.applicable("ncii_prohibited", "host")
