"""appeal_available needs a user's route: appeals that only reviewers handle do not count."""
import pytest

from audits.engine import audit_target
from audits.model import Document


def _met(text: str) -> bool:
    result = audit_target([Document(name="Guide.md", text=text)], service="Example", target_id="example", kind="social")
    return result.elements["appeal_available"].met


@pytest.mark.parametrize("text, expected", [
    ("# Running a moderation service\n\nIf you run your own moderation service, publish your labeling rules, "
     "act on reports against them, and review appeals promptly.\n", False),
    ("# Moderator duties\n\nVolunteer moderators handle appeals from their members in a fair and timely way.\n", False),
    ("# Appeals\n\nIf we removed your post or suspended your account, you can appeal the decision from the "
     "notice we sent you.\n", True),
    ("# Appeals\n\nWe review appeals within seven days. To appeal a removal, submit the appeal form in your "
     "account settings.\n", True),
])
def test_appeal_route_versus_appeals_handled_by_reviewers(text, expected):
    assert _met(text) is expected
