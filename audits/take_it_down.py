"""The four elements of a valid removal request under the US TAKE IT DOWN Act, and which of
them a service's documents ask for.

The Act (Pub. L. 119-12, section 3, notice and removal process; verify the paragraph) makes a request valid when it is in writing and
includes: (1) a physical or electronic signature of the identifiable individual (or of a
person authorised to act for them); (2) an identification of, and information reasonably
sufficient for the platform to locate, the intimate visual depiction; (3) a brief statement
that the individual has a good-faith belief that the depiction is not consensual (with any
information relevant to that); (4) information sufficient to contact the individual (or the
authorised person). Pure: quotes in, element ids out.
"""
from __future__ import annotations

import re

ELEMENTS = ("signature", "identification", "good_faith_statement", "contact_information")
LABELS = {
    "signature": "physical or electronic signature",
    "identification": "identification of the content and information to locate it",
    "good_faith_statement": "statement of good-faith belief that it is not consensual",
    "contact_information": "contact information",
}

_PATTERNS = {
    "signature": re.compile(
        r"\b(?:physical|electronic|digital|handwritten|e-)\s*(?:or\s+(?:physical|electronic|digital)\s+)?signature"
        r"|\bsignature\b|\bsigned\b|\bsign (?:the|your) (?:request|notice|form)", re.I),
    "identification": re.compile(
        r"\bidentif(?:y|ies|ication)\w*\b[^.;\n]{0,80}\b(?:image|content|depiction|material|video|photo|file|post)s?\b"
        r"|\b(?:urls?|links?|web address(?:es)?)\b[^.;\n]{0,40}\b(?:where|of|to|for)\b"
        r"|\b(?:information|details)\b[^.;\n]{0,40}\b(?:locate|find)\b"
        r"|\b(?:image|content|depiction|material|video|photo)s?\b[^.;\n]{0,30}\b(?:and|with) (?:its|their|the) (?:urls?|links?|location)",
        re.I),
    "good_faith_statement": re.compile(
        r"\bgood[- ]faith\b"
        r"|\b(?:statement|declar\w*|affirm\w*|attest\w*|confirm\w*)\b[^.;\n]{0,100}\b(?:consen\w*|non-?consensual)",
        re.I),
    "contact_information": re.compile(
        r"\bcontact (?:information|details|info)\b|\b(?:e-?mail address|phone number|telephone number|mailing address|"
        r"postal address)\b|\bhow (?:we|to) (?:can )?(?:reach|contact) you\b", re.I),
}


def request_elements(quote_texts: list[str] | str) -> list[str]:
    """Ids of the TAKE IT DOWN request elements the quotes ask for, in the Act's order."""
    if isinstance(quote_texts, str):
        quote_texts = [quote_texts]
    text = "\n".join(q for q in quote_texts if q)
    return [e for e in ELEMENTS if _PATTERNS[e].search(text)]


def missing_elements(quote_texts: list[str] | str) -> list[str]:
    found = set(request_elements(quote_texts))
    return [e for e in ELEMENTS if e not in found]
