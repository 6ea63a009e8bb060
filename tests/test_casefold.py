"""The quick "no match" answers of concept searches (audits.casefold, audits.literal_index.Prefiltered)
never change a search's result: same match or none, same span, on every shipped concept."""
from __future__ import annotations

import random
import re

import pytest

from audits import casefold, literal_index
from audits.rules import activate, load_rules
from audits.rules import hooks as H

SENTENCES = [
    "You may NOT post Intimate Images of another person without their Consent.",
    "Do not share AI-generated or “deepfake” nude images of real people — ever.",
    "We remove non-consensual intimate imagery (NCII) within 48 hours of a valid request.",
    "Report it at https://example.test/report or e-mail abuse@example.test.",
    "Users under 18 may not use the Service; CHILD SEXUAL ABUSE MATERIAL is reported to NCMEC.",
    "Copyright owners can send a DMCA notice to our Designated Agent (17 U.S.C. § 512).",
    "Don’t upload content that “undresses” someone, including ‘nudify’ apps… or fakes.",
    "Our Transparency Report is published twice a year – see the numbers of removals.",
    "Il est interdit de publier des images intimes sans le consentement de la personne.",
    "Es ist verboten, Nacktbilder ohne Einwilligung zu veröffentlichen.",
    "Said the email: maintain your account • keep it safe.",
    "DEEP FAKES, face swaps and synthetic media of non-users are removed.",
    "We use hash-matching (PhotoDNA, StopNCII) to prevent re-uploads.",
    "You can appeal our decision within 14 days; we respond in 7 business days.",
    "禁止发布未经同意的私密图像。",
]


def _variants(text: str, rng: random.Random) -> list[str]:
    flipped = "".join(c.upper() if rng.random() < 0.3 else c for c in text)
    plain = casefold.ascii_form(text) or text
    return [text, text.lower(), text.upper(), flipped, plain, text.replace("-", "\u2013"),
            text.replace(" ", "\u2019 "), "\u201c" + text + "\u201d"]


@pytest.fixture(scope="module")
def rules():
    rs = load_rules()
    activate(rs)
    return rs


def _texts(rs) -> list[str]:
    rng = random.Random(7)
    texts = []
    for s in SENTENCES:
        texts += _variants(s, rng)
    # sentences built from every concept's literals, so that each concept meets texts it matches
    for name, lits in sorted(rs.compiled.literals.items()):
        for lit in sorted(lits or [])[:6]:
            for t in (f"You must not post {lit} content.", f"{lit.upper()}S are removed", f"the{lit}word",
                      f"“{lit}”—reported", f"-{lit}-", f"{lit}"):
                texts.append("".join(c.upper() if rng.random() < 0.2 else c for c in t))
    return texts


def test_every_fast_search_agrees_with_the_pattern_itself(rules):
    texts = _texts(rules)
    checked = fast = 0
    for name, pat in rules.compiled.patterns.items():
        wrapped = getattr(H.C, name)
        if not isinstance(wrapped, literal_index.Prefiltered):
            continue
        fast += 1
        for t in texts:
            a, b = pat.search(t), wrapped.search(t)
            assert (a is None) == (b is None), (name, t)
            if a is not None:
                assert a.span() == b.span() and a.group(0) == b.group(0), (name, t)
            checked += 1
    assert fast > 100 and checked > 100_000


def test_most_concepts_have_a_case_folded_form(rules):
    with_low = [n for n, p in rules.compiled.patterns.items() if casefold.lowered(p) is not None]
    assert len(with_low) >= 0.9 * len(rules.compiled.patterns)


def test_the_folded_form_matches_lower_cased_ascii_exactly_where_the_pattern_matches(rules):
    texts = [t for t in _texts(rules) if t.isascii()]
    for name, pat in rules.compiled.patterns.items():
        low = casefold.lowered(pat)
        if low is None:
            continue
        for t in texts:
            a, b = pat.search(t), low.search(t.lower())
            assert (a is None) == (b is None), (name, t)
            if a is not None:
                assert a.span() == b.span(), (name, t)


@pytest.mark.parametrize("source, text", [
    ("deepfake", "DeepFake"),                     # letters of either case
    (r"[a-c]x", "Bx"),                            # ranges
    (r"[^k]nown", "SNOWN"),                       # a negated class ...
    (r"[^k]nown", "KNOWN"),                       # ... rejects both cases
    (r"\bai\b", "AI tools"),
    (r"(?<![\w-])fake", "a FAKE"),
    (r"photo(?:s|graphs?)?", "PHOTOGRAPHS"),
])
def test_folded_patterns_keep_their_matches(source, text):
    pat = re.compile(source, re.I)
    low = casefold.lowered(pat)
    assert low is not None
    a, b = pat.search(text), low.search(text.lower())
    assert (a is None) == (b is None) and (a is None or a.span() == b.span())


@pytest.mark.parametrize("source", [r"(?-i:AI) tools", r"(a)\1", r"(a)?(?(1)b|c)"])
def test_what_cannot_be_folded_exactly_is_left_alone(source):
    assert casefold.lowered(re.compile(source, re.I)) is None


def test_case_sensitive_patterns_are_left_alone():
    assert casefold.lowered(re.compile("AI")) is None


def test_non_ascii_letters_that_fold_to_ascii_keep_the_slow_path():
    # 'K' (Kelvin sign) matches 'k' and 'ſ' matches 's' under IGNORECASE: such texts are not
    # reduced to ASCII, so the pattern itself answers.
    pat = re.compile(r"kids|ask", re.I)
    wrapped = literal_index.Prefiltered(pat, literal_index.register({"kids", "ask"}), casefold.lowered(pat))
    for text in ("\u212aids", "a\u017fk"):
        assert pat.search(text) is not None
        assert wrapped.search(text) is not None
        assert casefold.ascii_form(text) is None


def test_a_dash_the_pattern_tells_apart_from_a_hyphen_is_not_made_ascii():
    pat = re.compile(r"(?<![\w-])fake", re.I)
    assert "\u2013" not in casefold.punctuation_safe(pat)       # [\w-] accepts '-' but not '–'
    assert "\u201c" in casefold.punctuation_safe(pat)
    wrapped = literal_index.Prefiltered(pat, None, casefold.lowered(pat))
    assert wrapped.search("deep\u2013fake") is not None and pat.search("deep\u2013fake") is not None
    assert wrapped.search("deep-fake") is None and pat.search("deep-fake") is None


def test_a_kelvin_sign_is_not_taken_for_ascii_text():
    # "\u212a".lower() == "k": the text must still go to the pattern itself
    pat = re.compile(r"[^k]ids|x", re.I)
    wrapped = literal_index.Prefiltered(pat, None, casefold.lowered(pat))
    literal_index._TEXT_CACHE.clear()
    assert (wrapped.search("\u212aids") is None) == (pat.search("\u212aids") is None)
    assert literal_index._text_entry("\u212aids")[3] is None
