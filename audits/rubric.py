"""The NCII platform-risk rubric (version 1): element ids, categories, and the scoring rules.

Every element is binary (met / not met) or not applicable (None). A category score is the mean
of its applicable elements × 100; the overall score is the mean of the applicable category
scores; the grade follows fixed thresholds. Element wording here is the project's own summary.
"""
from __future__ import annotations

from dataclasses import dataclass

from riskaudit.core.vocab import TARGET_KINDS

RUBRIC_VERSION = "1"
KINDS = TARGET_KINDS


@dataclass(frozen=True)
class Element:
    id: str
    category: str          # P | R | T | A
    title: str
    summary: str           # what must be said for "met", in our words
    ai_only: bool = False


CATEGORIES = {
    "P": "Policy coverage",
    "R": "Reporting channels",
    "T": "Response times",
    "A": "Generative-AI safeguards",
}

ELEMENTS: tuple[Element, ...] = (
    Element("ncii_prohibited", "P", "NCII prohibited",
            "Forbids sharing, posting or generating intimate images of a person without their consent, "
            "or sexual depictions of real, identifiable people."),
    Element("synthetic_intimate_covered", "P", "Synthetic intimate imagery covered",
            "Extends the intimate-imagery ban explicitly to AI-generated, altered or 'nudified' depictions of real people."),
    Element("creation_or_solicitation_prohibited", "P", "Creation or solicitation prohibited",
            "Forbids making, generating, requesting, commissioning or selling sexual depictions of real people without consent."),
    Element("sextortion_prohibited", "P", "Sextortion prohibited",
            "Forbids threatening to share intimate images or coercing people with them."),
    Element("csam_prohibited", "P", "CSAM prohibited",
            "Forbids child sexual abuse material or the sexual exploitation of minors."),
    Element("synthetic_csam_covered", "P", "Synthetic CSAM covered",
            "Extends the child-sexual-content ban to AI-generated, drawn, fictional or simulated depictions."),
    Element("csam_reported_to_authorities", "P", "CSAM reported to authorities",
            "States that child sexual abuse material is reported to NCMEC, law enforcement or a hotline."),
    Element("general_reporting_channel", "R", "General reporting channel",
            "Explains how to report content that breaks the rules or the law."),
    Element("ncii_reporting_channel", "R", "NCII-specific reporting channel",
            "Offers a reporting path specific to intimate imagery or non-consensual nudity."),
    Element("non_user_reporting", "R", "Reporting open to non-users",
            "Says that people without an account can report."),
    Element("abuse_contact_published", "R", "Abuse contact published",
            "Publishes a concrete e-mail address or URL for abuse, illegal-content or legal notices."),
    Element("copyright_takedown_channel", "R", "Copyright takedown channel",
            "Describes how to file a copyright (e.g. DMCA) takedown notice or where to send it."),
    Element("statutory_ncii_process", "R", "Statutory NCII removal process",
            "Describes an intimate-imagery removal process tied to a statute such as the TAKE IT DOWN Act."),
    Element("appeal_available", "R", "Appeal available",
            "Describes how users can appeal or contest a moderation decision, or file a counter-notice."),
    Element("hash_matching", "R", "Hash matching",
            "States that hashing or hash lists (PhotoDNA, StopNCII, ...) detect or block known abusive imagery."),
    Element("stated_response_time", "T", "Stated response time",
            "States a numeric time commitment for acting on reports, notices or complaints."),
    Element("ncii_removal_within_48h", "T", "NCII removal within 48 hours",
            "States that intimate-imagery removal requests are acted on within 48 hours or less."),
    Element("transparency_reporting", "T", "Transparency reporting",
            "Says the service publishes transparency reports or enforcement statistics."),
    Element("provenance_marking", "A", "Provenance marking",
            "States that outputs carry provenance marks (watermark, C2PA, metadata) or forbids removing them.",
            ai_only=True),
    Element("sexual_content_safeguards", "A", "Sexual-content safeguards",
            "States that automated filters or classifiers block or detect sexual content in inputs or outputs.",
            ai_only=True),
)

ELEMENT_IDS: tuple[str, ...] = tuple(e.id for e in ELEMENTS)
BY_ID: dict[str, Element] = {e.id: e for e in ELEMENTS}

GRADE_THRESHOLDS = (("A", 80.0), ("B", 65.0), ("C", 50.0), ("D", 35.0), ("E", 20.0))


def applicable(element_id: str, kind: str) -> bool:
    return not BY_ID[element_id].ai_only or kind == "ai_tool"


def grade(score: float) -> str:
    for letter, threshold in GRADE_THRESHOLDS:
        if score >= threshold:
            return letter
    return "F"


def _category_fractions(decisions: dict[str, bool | None]) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for cat in CATEGORIES:
        values = [decisions.get(e.id) for e in ELEMENTS if e.category == cat]
        values = [v for v in values if v is not None]
        out[cat] = 100.0 * sum(1 for v in values if v) / len(values) if values else None
    return out


def category_scores(decisions: dict[str, bool | None]) -> dict[str, float | None]:
    """Mean of applicable (non-None) elements × 100 per category, to 0.1; None when none applies."""
    return {c: (round(v, 1) if v is not None else None) for c, v in _category_fractions(decisions).items()}


def overall_score(decisions: dict[str, bool | None]) -> float:
    """Mean of the applicable category scores (computed unrounded), to 0.1."""
    values = [v for v in _category_fractions(decisions).values() if v is not None]
    return round(sum(values) / len(values), 1) if values else 0.0
