"""Formatting-blind sentence normalisation and sentence diffs (audits.versions)."""
from __future__ import annotations

from audits.versions import document_key, norm_sha256, quote_key, sentence_diff, sentences


def test_reformatting_keeps_the_sentence_set():
    a = """# Safety rules

We remove **non-consensual intimate imagery**. Do not post
private sexual images of others.

- Report abuse at [our form](https://example.org/report).
- Don't threaten to share someone's "private photos".
"""
    b = """Safety rules
============
* Don’t threaten to share someone’s “private photos”.
    1. Report abuse at [our form](https://example.org/report).

We remove __non-consensual intimate imagery__.   Do not post private sexual
images   of others.
"""
    sa, sb = sentences(a), sentences(b)
    assert norm_sha256(sa) == norm_sha256(sb)
    assert sentence_diff(sa, sb) == ([], [])
    assert "We remove non-consensual intimate imagery." in sa.values()
    assert "Report abuse at our form (https://example.org/report)." in sa.values()


def test_real_change_is_a_sentence_diff():
    old = sentences("We act on reports within 48 hours. We ban spam.")
    new = sentences("We act on reports within 72 hours.\n\nWe ban spam.\n\nWe ban deepfake nudes of real people.")
    added, removed = sentence_diff(old, new)
    assert added == ["We act on reports within 72 hours.", "We ban deepfake nudes of real people."]
    assert removed == ["We act on reports within 48 hours."]
    assert norm_sha256(old) != norm_sha256(new)


def test_case_and_link_target_count_only_as_they_should():
    assert sentence_diff(sentences("WE BAN SPAM."), sentences("We ban spam.")) == ([], [])
    # a different link target is a textual change (an abuse address may depend on it)
    added, removed = sentence_diff(sentences("Write to [us](mailto:a@example.org)."),
                                   sentences("Write to [us](mailto:b@example.org)."))
    assert added and removed


def test_quote_key_and_document_key():
    assert quote_key("Do not share **deepfakes**  of\nreal people.") == "do not share deepfakes of real people."
    assert document_key("https://x.example/terms", "Terms") == "https://x.example/terms"
    assert document_key(None, "Terms") == "Terms"


def test_tables_and_html_tags():
    a = "| Rule | Detail |\n|---|---|\n| Nudity | <b>No</b> intimate images without consent. |\n"
    b = "|Rule|Detail|\n|:--|--:|\n|Nudity|No intimate images without consent.|\n"
    assert norm_sha256(sentences(a)) == norm_sha256(sentences(b))
