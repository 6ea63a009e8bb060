"""Which quotes the engine puts first: the rule itself, not headings, statistics or help lines."""
from audits.engine import audit_target
from audits.model import Document

PAGE = """# Safety at Examplegram

## Intimate images shared without consent

In the first half of 2026 we removed 12,400 pieces of intimate content shared without consent; 91% of reports were closed within a day.

People who are targeted can contact a helpline such as a national revenge porn support service.

You must not post or send nude or sexual images of another person without that person's consent.
"""


def test_rule_ranks_above_statistics_and_headings_and_help_lines_are_not_evidence():
    result = audit_target([Document(name="Safety.md", text=PAGE)], service="Examplegram",
                          target_id="examplegram", kind="social")
    quotes = [e.quote for e in result.elements["ncii_prohibited"].evidence]
    assert result.elements["ncii_prohibited"].met is True
    assert quotes[0].startswith("You must not post or send nude or sexual images")
    assert not any("helpline" in q for q in quotes)
    assert all(q in PAGE for q in quotes)
