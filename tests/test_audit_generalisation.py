"""Robustness and generalisation of the audit engine on phrasings and layouts of services it
was not tuned on: Markdown emphasis and line breaks inside a sentence, navigation links,
look-alike "report" sentences, provenance labels. All snippets are written for these tests.
"""
from __future__ import annotations

import pytest

from audits.engine import audit_target, navigation_like, normalise
from audits.model import Document
from audits.segment import segment


def decide(text: str, element: str, kind: str = "social"):
    doc = Document(name="Policy.md", text=text)
    res = audit_target([doc], service="Example", target_id="example", kind=kind)
    for ev in res.elements[element].evidence:
        assert ev.quote in text          # quotes stay verbatim
    return res.elements[element]


# --- formatting must not change the decision --------------------------------------------------

@pytest.mark.parametrize("text", [
    "You may **not** post intimate images of others without their consent.",
    "You may _not_ post intimate images of others without their *consent*.",
    "You may not post intimate images of others\nwithout their consent.",
    "You may not post intimate images of\nother people without their consent.",
    "- Do not post **intimate images** of other members\n  without their consent.",
])
def test_emphasis_and_line_breaks_do_not_hide_a_rule(text):
    res = decide(text, "ncii_prohibited")
    assert res.met is True
    assert res.evidence[0].quote.startswith(("You may", "Do not"))


def test_emphasis_stripped_only_for_matching():
    assert normalise("You may **not** share\nthis") == "You may not share this"
    assert normalise("mail [legal_notices@example.org](mailto:legal_notices@example.org)") == \
        "mail [legal_notices@example.org](mailto:legal_notices@example.org)"


def test_sentence_cut_by_blank_lines_is_joined():
    text = ("If you think we made a mistake when we acted on your account\n\n"
            "or your posts, you can appeal in the app or by\n\n"
            "writing to the address below.")
    segs = segment(text)
    assert len(segs) == 1 and segs[0].text == text
    assert decide(text, "appeal_available").met is True


def test_address_lines_stay_separate():
    segs = [s.text for s in segment("Copyright Agent\nExample Corp.\n1 Main Street, Springfield 12345\nnotices@example.org")]
    assert segs[-1] == "notices@example.org"
    segs = [s.text for s in segment("Legal Department\nemail: legal@example.org")]
    assert segs == ["Legal Department", "email: legal@example.org"]


def test_link_text_across_lines_is_one_sentence():
    text = "Email: [**notices@example.org\n   **](mailto:notices@example.org)\nOnly copyright notices go to this address."
    segs = [s.text for s in segment(text)]
    assert segs == ["Email: [**notices@example.org\n   **](mailto:notices@example.org)", "Only copyright notices go to this address."]


def test_cjk_full_stop_ends_a_sentence():
    segs = [s.text for s in segment("第一句话。第二句话！第三句")]
    assert segs == ["第一句话。", "第二句话！", "第三句"]


# --- navigation links are not policy statements -------------------------------------------------

def test_navigation_like_lines():
    assert navigation_like("Prev: [Appeals](https://example.org/appeals)")
    assert navigation_like("[How to appeal a decision](https://example.org/appeal)")
    assert navigation_like("**[Appeals](https://example.org/a)** · [Reporting](https://example.org/r)")
    assert not navigation_like("If your post was removed by mistake, you can [appeal](https://example.org/a).")


@pytest.mark.parametrize("text", [
    "Prev: [Appeals](https://example.org/appeals)", "Next » Reporting", "[Appeals](https://example.org/a)",
    "[Appeals]**(https://example.org/a)**", "[Appeals]\\(https://example.org/a\\)", "[Appeals]*(x)*, [Help](y)",
    "**[Appeals](https://example.org/a)** · [Reporting](https://example.org/r)", "See also: [Help](h)",
    "[Appeals] (https://example.org/a)", "Appeals](x)", "You can [appeal](https://example.org/a).", "Plain text.", "",
])
def test_navigation_like_quick_test_agrees_with_the_patterns(text):
    """The "](" pre-test of `navigation_like` only skips texts `_LINK_ONLY` cannot match."""
    from audits.engine import _LINK_ONLY, _NAV_TEXT
    t = normalise(text)
    assert navigation_like(text) == bool(_NAV_TEXT.match(t) or _LINK_ONLY.match(t))


@pytest.mark.parametrize("text", [
    "Prev: [Appeals](https://example.org/appeals)",
    "[How to appeal a removal](https://example.org/appeals)\n\n[Safety centre](https://example.org/safety)",
    "Next: Appealing a content decision",
])
def test_navigation_link_is_not_an_appeal_policy(text):
    assert decide(text, "appeal_available").met is False


def test_link_only_line_still_counts_where_the_link_is_the_evidence():
    assert decide("[Report abuse](https://example.org/abuse-form)", "abuse_contact_published").met is True
    assert decide("[Our latest transparency report](https://example.org/transparency/2025)", "transparency_reporting").met is True
    assert decide("Next: [Transparency report](https://example.org/transparency)", "transparency_reporting").met is False


def test_explicit_appeal_beats_earlier_mistake_phrase():
    text = "If you believe we made a mistake in taking action on your account, you can appeal through the help centre."
    assert decide(text, "appeal_available").met is True


# --- "report" sentences that are not content-reporting channels ----------------------------------

@pytest.mark.parametrize("text", [
    "If a fault occurs in the service, please report it to us at help@example.org and we will fix it.",
    "Contact us if you have problems when using the app or want to tell us about errors or performance issues.",
    "To cancel your subscription, notify us through the account page or by emailing billing@example.org.",
    "You are responsible for your account unless you close it or report misuse by contacting security@example.org.",
])
def test_bug_billing_and_account_notices_are_not_reporting_channels(text):
    assert decide(text, "general_reporting_channel").met is False


def test_content_reporting_channel_still_found():
    text = "If you see a post that breaks these rules, please report it to us with the report button or at safety@example.org."
    assert decide(text, "general_reporting_channel").met is True


# --- provenance labels of generated content -----------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("You agree not to use the service in these ways:\n\n- removing or hiding the AI-generated content label that we attach to outputs.", True),
    ("- Do not delete or alter the deep synthesis mark added to generated images.", True),
    ("We add an AI-generated label to every image our models generate.", True),
    ("你不得删除或篡改我们添加的人工智能生成标识。", True),
    ("我们会在生成内容的文件元数据中添加隐式标识。", True),
    # user-side disclosure duties and unrelated marks are not provenance marking
    ("You must label content as AI-generated when you post it.", False),
    ("Do not remove trademark or copyright notices from the software.", False),
    ("我们的标识是注册商标。", False),
])
def test_provenance_labels(text, expected):
    assert decide(text, "provenance_marking", kind="ai_tool").met is expected


# --- response times: grievance officers, support sections ----------------------------------------

def test_grievance_officer_commitment_counts():
    text = ("## Grievance officer\n\nComplaints about content that breaks these terms go to our grievance officer.\n\n"
            "The grievance officer shall revert to each complaint within 24 hours of receiving it. "
            "We shall make every effort to redress the complaint within 15 days.")
    res = decide(text, "stated_response_time")
    assert res.met is True and sorted(res.hours) == [24, 360]


def test_support_section_times_are_not_report_commitments():
    text = "## Support\n\nOur team shall revert to every complaint within 48 hours of receipt of the complaint."
    assert decide(text, "stated_response_time").met is False


# --- counter-notices and appeals ------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("If you believe in good faith that a copyright notice was wrongly filed against you, you may send us a counter-notice.", True),
    ("To file a copyright notice or to submit a counter-notice, see our [copyright page](https://example.org/copyright).", True),
    ("## Copyright notices and counter-notices", False),
    ("Sending a false counter-notice may expose you to liability for perjury.", False),
])
def test_counter_notice_is_an_appeal_route(text, expected):
    assert decide(text, "appeal_available").met is expected


def test_flagged_in_error_is_not_a_reporting_channel():
    text = "If you believe your display name was flagged incorrectly, please submit a request through our contact form."
    assert decide(text, "general_reporting_channel").met is False
    assert decide(text, "appeal_available").met is True
