"""Segmentation: verbatim spans, headings, list lead-ins, links, abbreviations and clauses; and timeparse."""
from __future__ import annotations

import pytest

from audits.segment import segment
from audits.timeparse import commitments

DOC = """# Community Rules

## What you may not do

You may not:

- share intimate pictures of a person without their consent
- harass people, including:
    - sending repeated unwanted messages

Read our [Safety Centre. It helps.](https://example.org/safety?x=1.2) for more. We act on reports, e.g. spam, fast.

Child safety
------------

**Sexual content involving minors**

- sexualized depictions, including drawn or AI-generated ones

(a) Customer shall not use the Services:

(i) to create abusive content;

(ii) to do either of the following:

1. spam
"""


def by_text(segs, needle):
    found = [s for s in segs if needle in s.text]
    assert found, needle
    return found[0]


def test_spans_are_verbatim():
    segs = segment(DOC)
    assert segs
    for s in segs:
        assert DOC[s.start:s.end] == s.text
        assert s.text == s.text.strip()


def test_list_item_inherits_lead_in_and_heading():
    segs = segment(DOC)
    item = by_text(segs, "share intimate pictures")
    assert item.is_item
    assert item.leads == ["You may not:"]
    assert item.headings == ["Community Rules", "What you may not do"]


def test_nested_list_inherits_parent_item():
    segs = segment(DOC)
    nested = by_text(segs, "sending repeated unwanted messages")
    assert nested.leads[0] == "You may not:"
    assert "harass people, including:" in nested.leads


def test_links_and_abbreviations_do_not_split():
    segs = segment(DOC)
    link = by_text(segs, "Read our")
    assert link.text == "Read our [Safety Centre. It helps.](https://example.org/safety?x=1.2) for more."
    eg = by_text(segs, "We act on reports")
    assert eg.text == "We act on reports, e.g. spam, fast."


def test_setext_and_bold_headings_give_context():
    segs = segment(DOC)
    item = by_text(segs, "sexualized depictions")
    assert item.headings[-2:] == ["Child safety", "Sexual content involving minors"]


def test_flat_legal_outline_nesting():
    segs = segment(DOC)
    create = by_text(segs, "to create abusive content")
    assert create.leads == ["Customer shall not use the Services:"]
    spam = [s for s in segs if s.text == "spam"][0]
    assert spam.leads[-2:] == ["Customer shall not use the Services:", "to do either of the following:"]


def test_long_sentence_is_cut_into_clauses_with_lead():
    long = ("You agree that you will not, directly or indirectly, use the service in any of these ways: "
            + "; ".join(f"to do forbidden thing number {i} which is described here at some length" for i in range(6)) + ".")
    segs = segment(long)
    assert len(segs) == 6
    assert all(long[s.start:s.end] == s.text for s in segs)
    assert "will not" in " ".join(segs[3].leads)


def test_prev_sentence_crosses_paragraphs_under_same_heading():
    text = "## Rules\n\nDo not share intimate images without consent.\n\nThis includes AI-made images.\n\n## Other\n\nHello."
    segs = segment(text)
    ext = by_text(segs, "This includes")
    assert ext.prev == "Do not share intimate images without consent."
    hello = by_text(segs, "Hello.")
    assert hello.prev == ""


@pytest.mark.parametrize("text,hours", [
    ("We respond within 24 hours.", [24]),
    ("within 2 business days", [48]),
    ("within two (2) working days", [48]),
    ("within forty-eight (48) hours", [48]),
    ("within one week", [168]),
    ("a 24-hour review", [24]),
    ("10-14 business days", [240, 336]),
    ("two to three days", [48, 72]),
    ("within 30 minutes", [0.5]),
    ("Our team works 24/7 and round the clock.", []),
    ("No numbers here.", []),
])
def test_timeparse(text, hours):
    assert commitments(text) == [float(h) for h in hours]


@pytest.mark.parametrize("text,expected", [
    ("第一句话？第二句话", ["第一句话？", "第二句话"]),      # each CJK stop passes the pre-test of _sentence_spans
    ("第一句话！第二句话", ["第一句话！", "第二句话"]),
    ("第一句话。第二句话", ["第一句话。", "第二句话"]),
    ("Street 1\nCity 2", ["Street 1", "City 2"]),            # a line break passes it too
    ("Contact us at\nthe address below.", ["Contact us at\nthe address below."]),
    ("One. Two", ["One.", "Two"]),
])
def test_sentence_spans_literal_pre_tests(text, expected):
    """`_sentence_spans` skips the CJK-stop and line-break scans on texts without those characters."""
    from audits.segment import _sentence_spans
    assert [text[a:b] for a, b in _sentence_spans(text)] == expected
