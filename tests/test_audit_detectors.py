"""Per-element detector behaviour on short policy snippets written for these tests.

For every rubric element: at least one positive, one "not enough" negative (the rubric's
near-miss), and one negation/permission case.
"""
from __future__ import annotations

import pytest

from audits.engine import audit_target
from audits.model import Document


def decide(text: str, element: str, kind: str = "social"):
    doc = Document(name="Policy.md", text=text)
    res = audit_target([doc], service="Example", target_id="example", kind=kind)
    return res.elements[element]


CASES = [
    # --- ncii_prohibited
    ("ncii_prohibited", "social", "You must not post intimate photos or videos of another person without their consent.", True),
    ("ncii_prohibited", "social", "## Not allowed\n\n- Revenge porn and other non-consensual intimate imagery", True),
    ("ncii_prohibited", "social", "We remove nudity and sexually explicit content of any kind.", False),
    ("ncii_prohibited", "social", "Do not violate the privacy of others.", False),
    ("ncii_prohibited", "social", "We process your personal data only with your consent.", False),
    ("ncii_prohibited", "adult", "You may share nude images of yourself if you are over 18.", False),
    ("ncii_prohibited", "dating", "Never send sexual messages to other members without their consent.", False),
    ("ncii_prohibited", "social", "## Safety\n\nIf someone shares intimate images of you without consent, report it to us.", False),
    # --- synthetic_intimate_covered
    ("synthetic_intimate_covered", "social", "Do not share sexual deepfakes or AI-generated nude images of real people.", True),
    ("synthetic_intimate_covered", "social",
     "We do not allow sharing intimate images of someone without their consent. This includes images that were digitally altered or made with AI.", True),
    ("synthetic_intimate_covered", "social", "Do not post manipulated media that misleads people about real events.", False),
    ("synthetic_intimate_covered", "social", "You can use our AI tools to generate images of landscapes.", False),
    # --- creation_or_solicitation_prohibited
    ("creation_or_solicitation_prohibited", "social", "Do not request or sell nude images of another person without their consent.", True),
    ("creation_or_solicitation_prohibited", "social", "Promoting apps that nudify people in photos is prohibited.", True),
    ("creation_or_solicitation_prohibited", "social", "Do not share intimate images of another person without their consent.", False),
    ("creation_or_solicitation_prohibited", "social", "Do not share intimate imagery created or distributed without consent.", False),
    ("creation_or_solicitation_prohibited", "ai_tool", "You may create images of real people for satire.", False),
    # --- sextortion_prohibited
    ("sextortion_prohibited", "social", "Threatening to share someone's intimate images is not allowed.", True),
    ("sextortion_prohibited", "social", "We ban sextortion and all forms of blackmail.", True),
    ("sextortion_prohibited", "social", "Do not threaten or extort other users.", False),
    ("sextortion_prohibited", "social", "Do not post content that is harassing, threatening, obscene or pornographic.", False),
    # --- csam_prohibited
    ("csam_prohibited", "social", "We have zero tolerance for child sexual abuse material.", True),
    ("csam_prohibited", "social", "Do not post content that sexualizes minors.", True),
    ("csam_prohibited", "social", "You must be at least 13 years old to use the service.", False),
    ("csam_prohibited", "social", "Do not post content showing offences against minors.", False),
    ("csam_prohibited", "social", "Content that could endanger the safety of minors may be restricted.", False),
    # --- synthetic_csam_covered
    ("synthetic_csam_covered", "social", "Sexual content involving minors is banned, including drawn, animated or AI-generated depictions.", True),
    ("synthetic_csam_covered", "ai_tool", "Do not use the service to generate child sexual abuse material.", True),
    ("synthetic_csam_covered", "social", "Child sexual abuse material is forbidden in any form.", False),
    ("synthetic_csam_covered", "social", "You may post animated videos and drawings.", False),
    # --- csam_reported_to_authorities
    ("csam_reported_to_authorities", "social", "We report apparent child sexual exploitation to NCMEC.", True),
    ("csam_reported_to_authorities", "social", "Child sexual abuse material is removed and reported to law enforcement.", True),
    ("csam_reported_to_authorities", "social", "We cooperate with law enforcement and may report illegal activity to the police.", False),
    ("csam_reported_to_authorities", "social", "We do not report content to NCMEC.", False),
    # --- general_reporting_channel
    ("general_reporting_channel", "social", "You can report a post that breaks these rules with the Report button under it.", True),
    ("general_reporting_channel", "social", "To report abuse, email [abuse@example.org](mailto:abuse@example.org).", True),
    ("general_reporting_channel", "social", "Contact us if you have questions about your account.", False),
    ("general_reporting_channel", "social", "Do not misuse our reporting tools to file false reports.", False),
    # --- ncii_reporting_channel
    ("ncii_reporting_channel", "social",
     "If someone shared your intimate images without consent, use our [intimate image report form](https://example.org/report/intimate).", True),
    ("ncii_reporting_channel", "social",
     "To report intimate images shared without consent, use the inline report feature on any post.", False),
    ("ncii_reporting_channel", "social", "You can report any post with the report button.", False),
    # --- non_user_reporting
    ("non_user_reporting", "social", "You can report content through our web form even if you do not have an account.", True),
    ("non_user_reporting", "social", "Anyone, including non-users, can report content through our web form.", True),
    ("non_user_reporting", "social", "Logged-in users can report content in the app.", False),
    ("non_user_reporting", "social", "People without an account cannot see private posts.", False),
    ("non_user_reporting", "social", "If you are not logged in, you cannot report content; you must sign in first.", False),
    # --- abuse_contact_published
    ("abuse_contact_published", "host", "Report abuse to abuse@example.net.", True),
    ("abuse_contact_published", "host", "Legal notices must be sent to [legal@example.net](mailto:legal@example.net).", True),
    ("abuse_contact_published", "host", "For billing questions write to billing@example.net.", False),
    ("abuse_contact_published", "host", "Complaints can be sent to our abuse department at 1 Main Street, Springfield.", False),
    ("abuse_contact_published", "host", "Report abuse to [[email protected]](/cdn-cgi/l/email-protection).", False),
    # --- copyright_takedown_channel
    ("copyright_takedown_channel", "social",
     "If you believe your copyright is infringed, send a DMCA takedown notice to our designated agent at copyright@example.org.", True),
    ("copyright_takedown_channel", "social", "We terminate the accounts of repeat infringers.", False),
    ("copyright_takedown_channel", "social", "You may not upload material that infringes copyright.", False),
    # --- statutory_ncii_process
    ("statutory_ncii_process", "social",
     "Under the TAKE IT DOWN Act, you can request removal of intimate images published without your consent.", True),
    ("statutory_ncii_process", "social", "Copyright notices must include a physical or electronic signature.", False),
    ("statutory_ncii_process", "social", "We do not offer a removal request process for intimate images.", False),
    # --- appeal_available
    ("appeal_available", "social", "If you think we removed your content by mistake, you can appeal the decision in the app.", True),
    ("appeal_available", "social", "You may file a counter-notification if your video was removed because of a copyright notice.", True),
    ("appeal_available", "social", "The arbitrator's award may be appealed to a court.", False),
    ("appeal_available", "social", "Moderation decisions are final and not subject to appeal.", False),
    # --- hash_matching
    ("hash_matching", "social", "We use hash-matching technology such as PhotoDNA to block known child abuse imagery.", True),
    ("hash_matching", "social", "We use automated tools to detect policy violations.", False),
    ("hash_matching", "social", "We do not currently use hash matching.", False),
    ("hash_matching", "social", "Passwords are stored as salted hashes.", False),
    # --- stated_response_time
    ("stated_response_time", "host", "We review abuse reports within 24 hours.", True),
    ("stated_response_time", "host", "We act on reports promptly and as soon as possible.", False),
    ("stated_response_time", "host", "We respond to data subject access requests under the GDPR within 30 days.", False),
    ("stated_response_time", "host", "If you do not remove the reported content within 2 business days of our notice, we may suspend the service.", False),
    ("stated_response_time", "host",
     "After a counter-notice we may restore the content in 10 to 14 business days unless the claimant files a lawsuit.", False),
    # --- ncii_removal_within_48h
    ("ncii_removal_within_48h", "social", "We remove intimate images shared without consent within 48 hours of a valid report.", True),
    ("ncii_removal_within_48h", "social", "We review copyright reports within 48 hours.", False),
    ("ncii_removal_within_48h", "social", "We remove intimate images shared without consent within 7 days of a report.", False),
    # --- transparency_reporting
    ("transparency_reporting", "social", "We publish a transparency report twice a year about content removals.", True),
    ("transparency_reporting", "social", "We value transparency in how we work.", False),
    ("transparency_reporting", "social", "We do not publish transparency reports.", False),
    # --- provenance_marking
    ("provenance_marking", "ai_tool", "Images generated by our models carry C2PA content credentials and an invisible watermark.", True),
    ("provenance_marking", "ai_tool", "You must not remove or alter the watermark from outputs.", True),
    ("provenance_marking", "ai_tool", "You must disclose that your content was generated by AI.", False),
    ("provenance_marking", "ai_tool", "We do not add watermarks to generated images.", False),
    # --- sexual_content_safeguards
    ("sexual_content_safeguards", "ai_tool", "Our safety filters automatically block prompts that request sexual content.", True),
    ("sexual_content_safeguards", "ai_tool", "Do not generate sexual content.", False),
    ("sexual_content_safeguards", "ai_tool", "We do not automatically filter sexual content in outputs.", False),
    ("sexual_content_safeguards", "ai_tool", "Users must pass age verification to see adult content.", False),
]


@pytest.mark.parametrize("element,kind,text,expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_element(element, kind, text, expected):
    res = decide(text, element, kind)
    assert res.met is expected, res.reason
    if expected:
        assert res.evidence and all(e.quote in text for e in res.evidence)
        assert res.reason.startswith("met")
    else:
        assert not res.evidence and res.reason.startswith("not met")


def test_every_element_has_cases():
    from audits.rubric import ELEMENT_IDS
    for el in ELEMENT_IDS:
        outcomes = {c[3] for c in CASES if c[0] == el}
        assert outcomes == {True, False}, el
        assert sum(1 for c in CASES if c[0] == el and not c[3]) >= 2, el


def test_ai_only_elements_not_applicable_for_other_kinds():
    res = decide("Images generated by our models carry an invisible watermark.", "provenance_marking", "social")
    assert res.met is None and res.evidence == []


def test_ai_tool_ncii_rule_covers_generation():
    text = "You may not use the service to create non-consensual intimate imagery of real people."
    doc = Document(name="AUP.md", text=text)
    res = audit_target([doc], service="Gen", target_id="gen", kind="ai_tool")
    for el in ("ncii_prohibited", "synthetic_intimate_covered", "creation_or_solicitation_prohibited"):
        assert res.elements[el].met is True, el


def test_list_item_inherits_prohibition_from_lead_in():
    text = "You agree not to:\n\n- share intimate images of another person without their consent\n- spam\n"
    assert decide(text, "ncii_prohibited").met is True
    text2 = "You are welcome to:\n\n- share nude images of yourself\n"
    assert decide(text2, "ncii_prohibited").met is False


def test_child_safety_heading_gives_context_to_synthetic_item():
    text = "## Child safety\n\nWe remove sexual content involving minors.\n\n- This applies to drawn, animated or AI-generated depictions too.\n"
    res = decide(text, "synthetic_csam_covered")
    assert res.met is True
    assert "AI-generated" in res.evidence[0].quote


def test_response_time_hours_recorded_per_quote():
    text = "We review reports of illegal content within 24 hours. We respond to copyright notices within 2 business days."
    res = decide(text, "stated_response_time", "host")
    assert res.met is True
    assert sorted(res.hours) == [24, 48]
    assert sorted(h for hs in res.quote_hours for h in hs) == [24, 48]


# Further phrasings (positives and look-alike negatives), to guard against over-fitting the rules.
MORE_CASES = [
    ('ncii_prohibited', 'social', 'We prohibit the non-consensual sharing of intimate images.', True),
    ('ncii_prohibited', 'social', 'Do not post sexually explicit media featuring a real person who has not consented.', True),
    ('ncii_prohibited', 'social', 'Never share leaked nudes.', True),
    ('ncii_prohibited', 'social', 'Image-based sexual abuse is not allowed on our platform.', True),
    ('sextortion_prohibited', 'social', 'Do not use intimate images to blackmail someone.', True),
    ('sextortion_prohibited', 'social', "Threatening to release someone's intimate photos unless they pay is prohibited.", True),
    ('csam_prohibited', 'social', 'We ban pornographic content involving persons under 18.', True),
    ('csam_prohibited', 'social', 'Child sexual exploitation material (CSEM) is strictly prohibited.', True),
    ('synthetic_csam_covered', 'social', 'Child sexual abuse material is prohibited, including cartoons, anime and computer-generated imagery.', True),
    ('csam_reported_to_authorities', 'social', 'Apparent CSAM is reported to the NCMEC CyberTipline.', True),
    ('general_reporting_channel', 'social', 'Tap the three dots on any post and select Report.', True),
    ('general_reporting_channel', 'social', 'Use the flag icon to report a photo that violates these rules.', True),
    ('non_user_reporting', 'social', 'Non-members can report abusive profiles using our web form.', True),
    ('copyright_takedown_channel', 'social', 'To file a DMCA notice, please email dmca@example.com.', True),
    ('appeal_available', 'social', 'You can lodge a complaint against our decision through our internal complaint-handling system.', True),
    ('appeal_available', 'social', 'If you disagree with our decision, you can request a review.', True),
    ('hash_matching', 'social', 'We compare uploads against hashes of known child sexual abuse images.', True),
    ('stated_response_time', 'social', 'We aim to review reports within 24 hours.', True),
    ('stated_response_time', 'social', 'Notices will be processed within 7 days of receipt.', True),
    ('stated_response_time', 'social', 'We remove manifestly unlawful content within 24 hours of receiving the complaint.', True),
    ('ncii_removal_within_48h', 'social', 'We remove non-consensual intimate imagery within 48 hours of receiving a valid removal request.', True),
    ('statutory_ncii_process', 'social', 'Under the TAKE IT DOWN Act, we remove non-consensual intimate imagery within 48 hours of a valid request.', True),
    ('transparency_reporting', 'social', 'We publish regular reports on how we enforce our policies.', True),
    ('transparency_reporting', 'social', 'Our Transparency Report is available [here](https://x.example/transparency).', True),
    ('provenance_marking', 'ai_tool', 'We embed invisible watermarks in AI-generated images.', True),
    ('provenance_marking', 'ai_tool', 'You may not remove or obscure any watermarks or provenance metadata.', True),
    ('sexual_content_safeguards', 'ai_tool', 'Prompts requesting nudity are automatically rejected.', True),
    ('sexual_content_safeguards', 'ai_tool', 'We use CSAM detection tools on all uploads.', True),
    ('stated_response_time', 'social', 'You may cancel within 14 days.', False),
    ('stated_response_time', 'social', 'We will give you 30 days written notice before termination.', False),
    ('stated_response_time', 'social', 'We will respond to your notice of termination within 30 days.', False),
    ('ncii_prohibited', 'social', 'Do not post pornography or sexually explicit content.', False),
    ('ncii_prohibited', 'social', 'Do not post photos of other people without their permission.', False),
    ('ncii_prohibited', 'dating', 'Do not share personal information of others without their consent.', False),
    ('ncii_prohibited', 'social', 'We may use your profile photo without further consent for promotional purposes.', False),
    ('ncii_prohibited', 'social', 'Learn how to protect your intimate images and what to do if someone shares them without consent.', False),
    ('synthetic_intimate_covered', 'social', 'Do not post deepfakes that mislead voters.', False),
    ('synthetic_intimate_covered', 'social', 'Label AI-generated content that looks realistic.', False),
    ('creation_or_solicitation_prohibited', 'social', 'Do not sell sexual services or solicit prostitution.', False),
    ('creation_or_solicitation_prohibited', 'social', 'Do not send unsolicited sexual content to other users.', False),
    ('sextortion_prohibited', 'social', 'Do not threaten violence or extort money from other users.', False),
    ('sextortion_prohibited', 'social', "Do not share someone's private information or threaten to do so.", False),
    ('csam_prohibited', 'social', 'Users must be 18 or older; minors may not create accounts.', False),
    ('csam_prohibited', 'social', 'We take the safety of children seriously and offer parental controls.', False),
    ('csam_prohibited', 'social', 'Do not bully or harass minors.', False),
    ('csam_prohibited', 'adult', 'Adult content is not available to users under 18.', False),
    ('synthetic_csam_covered', 'social', 'Do not post CSAM. Fan art and animations are welcome.', False),
    ('csam_reported_to_authorities', 'social', 'We may share information with law enforcement when legally required.', False),
    ('csam_reported_to_authorities', 'social', 'Law enforcement agencies can submit requests for records through our portal.', False),
    ('general_reporting_channel', 'social', 'If you have questions, email support@example.com.', False),
    ('general_reporting_channel', 'social', 'We may send you reports about your account activity by email.', False),
    ('general_reporting_channel', 'host', 'Customers receive usage reports in the dashboard.', False),
    ('non_user_reporting', 'social', 'Anyone can view public profiles.', False),
    ('non_user_reporting', 'social', 'Third parties may collect information about you.', False),
    ('abuse_contact_published', 'social', 'Read our [Privacy Policy](https://example.com/privacy).', False),
    ('abuse_contact_published', 'social', 'Press inquiries: press@example.com', False),
    ('abuse_contact_published', 'social', 'See our [Community Guidelines](https://example.com/guidelines) for what is not allowed.', False),
    ('copyright_takedown_channel', 'social', 'You retain the copyright to your content.', False),
    ('copyright_takedown_channel', 'social', 'All trademarks and copyrights belong to their owners.', False),
    ('appeal_available', 'social', 'Our decision is final.', False),
    ('appeal_available', 'dating', 'Any dispute will be resolved by binding arbitration, and appeals are limited to the grounds in the Act.', False),
    ('appeal_available', 'social', 'Content that appeals to prurient interests is not allowed.', False),
    ('hash_matching', 'social', 'We store a hash of your email address for advertising measurement.', False),
    ('hash_matching', 'social', 'Use hashtags to reach more people.', False),
    ('stated_response_time', 'social', 'We keep reported content for 90 days.', False),
    ('stated_response_time', 'social', 'Your subscription renews every 30 days.', False),
    ('stated_response_time', 'social', 'Suspensions last 7 days for a first violation.', False),
    ('stated_response_time', 'social', 'Our support team answers tickets within 24 hours.', False),
    ('stated_response_time', 'social', 'You must file your appeal within 14 days of the decision.', False),
    ('stated_response_time', 'social', 'We will notify you at least 30 days before changes to these terms take effect.', False),
    ('transparency_reporting', 'social', 'We are transparent about how we use your data.', False),
    ('transparency_reporting', 'social', 'You can download a report of your account data.', False),
    ('provenance_marking', 'ai_tool', 'Do not remove copyright notices or watermarks from stock photos you license.', False),
    ('provenance_marking', 'ai_tool', 'Tell your audience when content is AI-generated.', False),
    ('sexual_content_safeguards', 'ai_tool', 'You can turn on a filter to hide mature content in your feed.', False),
    ('sexual_content_safeguards', 'ai_tool', 'Do not attempt to bypass our safety systems.', False),
    ('sexual_content_safeguards', 'ai_tool', 'We use automated systems to detect spam.', False),
]


@pytest.mark.parametrize("element,kind,text,expected", MORE_CASES, ids=[f"more-{c[0]}-{i}" for i, c in enumerate(MORE_CASES)])
def test_more_phrasings(element, kind, text, expected):
    assert decide(text, element, kind).met is expected


# French and German phrasings (dating services often publish only in these languages).
LANG_CASES = [
    ("general_reporting_channel", "dating", "Vous pouvez signaler un membre depuis son profil en cliquant sur le bouton « Signaler ».", True),
    ("general_reporting_channel", "dating", "Du kannst ein Profil melden, indem du auf die Schaltfläche „Melden“ klickst.", True),
    ("general_reporting_channel", "dating", "Veuillez consulter notre [site](https://exemple.fr/) pour plus d'informations.", False),
    ("csam_prohibited", "dating", "Il est interdit de publier tout contenu pédopornographique.", True),
    ("csam_prohibited", "dating", "Les mineurs ne peuvent pas créer de compte.", False),
    ("synthetic_csam_covered", "dating", "Toute sexualisation de mineurs est interdite, y compris dans des contenus fictifs ou dessinés.", True),
    ("ncii_prohibited", "dating", "Il est interdit de diffuser des photos intimes d'une personne sans son consentement.", True),
    ("ncii_prohibited", "dating", "Es ist untersagt, Nacktbilder anderer Personen ohne deren Einwilligung zu verbreiten.", True),
    ("ncii_prohibited", "dating", "Nacktheit ist in Profilbildern nicht erlaubt.", False),
    ("appeal_available", "dating", "Si vous estimez que notre décision de supprimer votre contenu est une erreur, vous pouvez faire appel de cette décision.", True),
    ("appeal_available", "dating", "Du kannst der Vertragsänderung innerhalb von sechs Wochen widersprechen.", False),
]


@pytest.mark.parametrize("element,kind,text,expected", LANG_CASES, ids=[f"lang-{c[0]}-{i}" for i, c in enumerate(LANG_CASES)])
def test_french_and_german(element, kind, text, expected):
    assert decide(text, element, kind).met is expected


EXTRA_CASES = [
    ("ncii_prohibited", "social", "You can remove intimate images of yourself shared without your consent from your own albums.", False),
    ("general_reporting_channel", "host", "Abuse reports can be filed at example.net/report for any content that violates this policy.", True),
    ("copyright_takedown_channel", "social", "Copyright owners: please use our copyright web form to request removal of infringing material.", True),
    ("appeal_available", "social", "If your account was suspended, you can request reinstatement through our help center.", True),
    ("synthetic_intimate_covered", "social", "Do not share photos of a real person edited to appear nude.", True),
    ("non_user_reporting", "social", "Reports can be submitted by anyone, regardless of whether they have an account.", True),
    ("appeal_available", "social", "If you disagree with our decision to remove your post, you can ask us to look again through the appeal form.", True),
    ("appeal_available", "social", "Users who disagree with each other should stay civil.", False),
    ("statutory_ncii_process", "social",
     "To request removal of an intimate image shared without your consent, include your signature, identify the image and its location, "
     "and give a statement that you did not consent, with your contact information.", True),
    ("statutory_ncii_process", "social",
     "A copyright notice must include your signature, identify the copyrighted work and give your contact information.", False),
    ("provenance_marking", "ai_tool", "We embed metadata in every image that identifies it as AI-generated.", True),
    ("provenance_marking", "ai_tool", "We collect metadata about your prompts and generations.", False),
]


@pytest.mark.parametrize("element,kind,text,expected", EXTRA_CASES, ids=[f"extra-{c[0]}-{i}" for i, c in enumerate(EXTRA_CASES)])
def test_extra_phrasings(element, kind, text, expected):
    assert decide(text, element, kind).met is expected
