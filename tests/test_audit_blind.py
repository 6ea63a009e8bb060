"""Blind generalisation set for the audit engine.

Written from the rubric alone (before reading the engine): short, realistic,
invented policy excerpts in many styles, with positives and "not enough" traps
for every element. Service names are fictional placeholders.
"""
import re

import pytest

from audits.engine import audit_target
from audits.model import Document

T, F, NA = True, False, None

# (element, kind, expected, text[, expected_hours])
CASES = [
    # ---------------------------------------------------------------- ncii_prohibited
    ("ncii_prohibited", "social", T,
     "## 4. Prohibited Conduct\nYou agree not to post, upload or otherwise make available through the Services:\n"
     "(a) content that infringes the intellectual property of others;\n"
     "(b) intimate or sexually explicit images or videos of another person that were taken or shared without that person's consent;\n"
     "(c) unsolicited commercial messages."),
    ("ncii_prohibited", "dating", T,
     "# Be kind\n- **Respect consent.** Never share someone's nude or private photos without their permission, not in chat and not anywhere else."),
    ("ncii_prohibited", "host", T,
     "# Acceptable Use Policy\nCustomers may not use the Services to host or distribute non-consensual pornography (sometimes called \"revenge porn\")."),
    ("ncii_prohibited", "ai_tool", T,
     "## Usage rules\nDo not use our image models to produce nude or sexual imagery of a real, identifiable person."),
    ("ncii_prohibited", "social", T,
     "**Can I post a sexy photo my ex sent me?**\nNo. Sharing intimate content of someone else without their explicit consent is against our rules and will get your account banned."),
    ("ncii_prohibited", "social", F,
     "# Adult content\nWe do not allow nudity or sexually explicit content on the platform. This includes pornography and depictions of sexual acts."),
    ("ncii_prohibited", "social", F,
     "- **Privacy:** Do not violate the privacy of others, including by posting their personal information without consent."),
    ("ncii_prohibited", "dating", F,
     "By uploading photos you consent to our processing of your personal data, including images, as described in the Privacy Notice."),
    ("ncii_prohibited", "adult", F,
     "## Creator requirements\nAll performers must be 18 or older. Creators must keep age-verification records for every performer who appears in their content."),

    # ---------------------------------------------------- synthetic_intimate_covered
    ("synthetic_intimate_covered", "social", T,
     "- **Synthetic intimate media:** We remove deepfakes or AI-generated images that depict a real person nude or engaged in sexual activity."),
    ("synthetic_intimate_covered", "ai_tool", T,
     "# Prohibited uses\nYou may not use the Service to generate sexually explicit images of real people."),
    ("synthetic_intimate_covered", "adult", T,
     "Content that has been digitally altered to make a real person appear naked (\"nudified\" images) is prohibited, even if it is labelled as fake."),
    ("synthetic_intimate_covered", "dating", T,
     "Don't share photos that have been edited to make someone look nude, or any sexual deepfake of another person."),
    ("synthetic_intimate_covered", "social", F,
     "# Manipulated media\nWe prohibit manipulated media that is likely to mislead people about real-world events, such as doctored videos of politicians."),
    ("synthetic_intimate_covered", "social", F,
     "Do not impersonate any person or entity, or use AI to create fake profiles."),
    ("synthetic_intimate_covered", "social", F,
     "Do not share intimate images of another person without their consent."),
    ("synthetic_intimate_covered", "ai_tool", F,
     "Outputs may be inaccurate. Do not rely on generated content for medical, legal or financial advice."),

    # ------------------------------------------- creation_or_solicitation_prohibited
    ("creation_or_solicitation_prohibited", "social", T,
     "You must not request, trade or sell nude images of other people, and you must not offer services that \"undress\" photos of real people."),
    ("creation_or_solicitation_prohibited", "ai_tool", T,
     "3.2 Do not use the Service to create sexual content depicting real individuals without their consent."),
    ("creation_or_solicitation_prohibited", "dating", T,
     "- **No requests for nudes of others.** Asking a match to send you nude photos of another person, such as a friend or an ex, is not allowed."),
    ("creation_or_solicitation_prohibited", "host", T,
     "You shall not use the Services to:\n(a) send spam;\n(b) advertise, sell or operate applications whose purpose is to generate nude images of identifiable people from ordinary photos;\n(c) mine cryptocurrency."),
    ("creation_or_solicitation_prohibited", "social", F,
     "Do not share or repost intimate images of others without their consent."),
    ("creation_or_solicitation_prohibited", "social", F,
     "You may not create multiple accounts to evade a suspension."),
    ("creation_or_solicitation_prohibited", "adult", F,
     "Creators may sell custom content to their subscribers through the paid messaging feature."),
    ("creation_or_solicitation_prohibited", "social", F,
     "Do not post sexually explicit content."),

    # ------------------------------------------------------------ sextortion_prohibited
    ("sextortion_prohibited", "social", T,
     "- **Sextortion:** Threatening to release someone's intimate photos unless they pay or send more images is banned."),
    ("sextortion_prohibited", "social", T,
     "You shall not (i) threaten to distribute private sexual images of any person; or (ii) use such images to coerce any person."),
    ("sextortion_prohibited", "dating", T,
     "**What if someone threatens to leak my nudes?**\nThreatening to leak someone's nude photos is extortion and violates our Terms. Block the person and report them."),
    ("sextortion_prohibited", "ai_tool", T,
     "Do not use outputs to blackmail or extort anyone with sexualised images of them."),
    ("sextortion_prohibited", "social", F,
     "Do not threaten violence against any person or group."),
    ("sextortion_prohibited", "host", F,
     "Extortion, fraud and scams are prohibited on our network."),
    ("sextortion_prohibited", "social", F,
     "Do not share intimate images of anyone without their consent."),
    ("sextortion_prohibited", "social", F,
     "We may share your information with law enforcement to prevent threats to the safety of any person."),

    # ------------------------------------------------------------------ csam_prohibited
    ("csam_prohibited", "social", T,
     "We have zero tolerance for child sexual abuse material (CSAM)."),
    ("csam_prohibited", "social", T,
     "You may not post:\n(d) any content that sexualizes minors or depicts minors in a sexual manner;"),
    ("csam_prohibited", "host", T,
     "Customers must not use the network to store or distribute child exploitation content."),
    ("csam_prohibited", "ai_tool", T,
     "Never use the models to generate sexual content involving anyone under 18."),
    ("csam_prohibited", "social", F,
     "You must be at least 13 years old to use the Service."),
    ("csam_prohibited", "social", F,
     "We care about the safety of young people and offer parental controls for families."),
    ("csam_prohibited", "social", F,
     "Content that may endanger minors, such as dangerous challenges, is removed."),
    ("csam_prohibited", "host", F,
     "Offences against minors will be reported where required by law."),

    # ----------------------------------------------------------- synthetic_csam_covered
    ("synthetic_csam_covered", "social", T,
     "This ban applies to real and fictional minors alike, including drawn, animated or AI-generated depictions of child sexual abuse."),
    ("synthetic_csam_covered", "ai_tool", T,
     "You may not use the Service to generate sexual content involving minors."),
    ("synthetic_csam_covered", "social", T,
     "Computer-generated or simulated imagery that sexualises children is treated exactly like real child sexual abuse material."),
    ("synthetic_csam_covered", "adult", T,
     "No content, including cartoons, hentai or role-play, may depict or imply sexual activity with a minor."),
    ("synthetic_csam_covered", "social", F,
     "We prohibit child sexual abuse material in any form."),
    ("synthetic_csam_covered", "ai_tool", F,
     "We filter prompts that could generate misleading or harmful content."),
    ("synthetic_csam_covered", "social", F,
     "Sexual content involving minors is prohibited."),
    ("synthetic_csam_covered", "social", F,
     "AI-generated content must be labelled as such when posted."),

    # ---------------------------------------------------- csam_reported_to_authorities
    ("csam_reported_to_authorities", "social", T,
     "We report all apparent child sexual abuse material to the National Center for Missing & Exploited Children (NCMEC)."),
    ("csam_reported_to_authorities", "host", T,
     "Where we become aware of child exploitation on a customer's site, we remove it and notify law enforcement and the Internet Watch Foundation."),
    ("csam_reported_to_authorities", "social", T,
     "# Law Enforcement Guide\nReports of child sexual exploitation are referred to NCMEC's CyberTipline, which makes them available to law enforcement agencies worldwide."),
    ("csam_reported_to_authorities", "social", T,
     "Content that sexualises minors is removed and reported to the relevant hotline in the INHOPE network."),
    ("csam_reported_to_authorities", "social", F,
     "We cooperate with law enforcement and respond to valid legal process."),
    ("csam_reported_to_authorities", "social", F,
     "We prohibit child sexual abuse material."),
    ("csam_reported_to_authorities", "social", F,
     "If you believe a child is in immediate danger, contact your local police."),
    ("csam_reported_to_authorities", "host", F,
     "We may disclose account information to law enforcement in emergencies involving imminent risk of death or serious physical injury."),

    # --------------------------------------------------------- general_reporting_channel
    ("general_reporting_channel", "social", T,
     "# How do I report a post?\n1. Tap the menu on the post.\n2. Select **Report** and choose a reason.\n3. Tap **Submit**."),
    ("general_reporting_channel", "host", T,
     "To report abuse of our network, email abuse@example.net with the URL and a description of the problem."),
    ("general_reporting_channel", "social", T,
     "If you believe content on the Service violates these Terms or the law, you can notify us using the illegal content form at https://example.com/report."),
    ("general_reporting_channel", "dating", T,
     "See something that breaks our guidelines? Use the flag icon on any profile to report it to our safety team."),
    ("general_reporting_channel", "social", F,
     "Questions about these Terms? Contact us at hello@example.com."),
    ("general_reporting_channel", "host", F,
     "For billing questions, open a support ticket from your account dashboard."),
    ("general_reporting_channel", "social", F,
     "We review content that violates these guidelines and may remove it."),
    ("general_reporting_channel", "social", F,
     "To exercise your data-protection rights, write to our Data Protection Officer at dpo@example.com."),

    # ------------------------------------------------------------ ncii_reporting_channel
    ("ncii_reporting_channel", "social", T,
     "To report intimate images shared without your consent, use our dedicated Non-Consensual Intimate Imagery form at https://example.com/ncii-report."),
    ("ncii_reporting_channel", "social", T,
     "# Reporting a private image\n1. Tap **Report**.\n2. Choose **Nudity or sexual activity**, then **Shared without my consent**.\n3. Submit the report."),
    ("ncii_reporting_channel", "host", T,
     "Victims of non-consensual pornography hosted on our network can email ncii@example.net for expedited review."),
    ("ncii_reporting_channel", "dating", T,
     "**Someone shared my intimate photos. What do I do?**\nReport the profile and select \"Intimate images shared without consent\" as the reason; our trust team handles these reports with priority."),
    ("ncii_reporting_channel", "social", F,
     "To report content, use the Report button and choose a reason."),
    ("ncii_reporting_channel", "social", F,
     "We prohibit sharing intimate images without consent."),
    ("ncii_reporting_channel", "social", F,
     "Report copyright infringement via our DMCA form at https://example.com/dmca."),
    ("ncii_reporting_channel", "social", F,
     "Questions about this Privacy Policy? Email privacy@example.com."),

    # ---------------------------------------------------------------- non_user_reporting
    ("non_user_reporting", "social", T,
     "You don't need an account to report content: anyone can use our public web form at https://example.com/report."),
    ("non_user_reporting", "social", T,
     "Anyone, including people who do not use our services, can report a violation through the Help Centre form."),
    ("non_user_reporting", "host", T,
     "Abuse reports are accepted from anyone; you do not need to be a customer to file one."),
    ("non_user_reporting", "dating", T,
     "If you are not a member, you can still report a profile by emailing safety@example.com."),
    ("non_user_reporting", "social", F,
     "Log in to your account and tap Report to flag a post."),
    ("non_user_reporting", "social", F,
     "If your content was removed, you can appeal from your account settings."),
    ("non_user_reporting", "dating", F,
     "Members can report other members from their profile page."),
    ("non_user_reporting", "social", F,
     "Anyone can create an account for free."),

    # ------------------------------------------------------------ abuse_contact_published
    ("abuse_contact_published", "host", T,
     "Send abuse complaints to abuse@example.net."),
    ("abuse_contact_published", "social", T,
     "Notices about illegal content may be submitted at https://example.com/legal/illegal-content."),
    ("abuse_contact_published", "social", T,
     "- Law-enforcement and legal requests: legal@example.com"),
    ("abuse_contact_published", "social", T,
     "Found something unlawful? [Report illegal content](https://example.com/illegal-content-report)."),
    ("abuse_contact_published", "social", F,
     "Contact support at support@example.com for help with your account."),
    ("abuse_contact_published", "host", F,
     "Send abuse reports to [email protected]."),
    ("abuse_contact_published", "social", F,
     "Legal notices must be sent by post to Example Inc., 1 Main Street, Springfield."),
    ("abuse_contact_published", "social", F,
     "Report abuse using the in-app Report button."),

    # ------------------------------------------------------ copyright_takedown_channel
    ("copyright_takedown_channel", "social", T,
     "# Copyright\nIf you believe your work has been copied, send a DMCA notice to our designated agent at dmca@example.com including the elements listed in 17 U.S.C. 512(c)(3)."),
    ("copyright_takedown_channel", "social", T,
     "Rights holders can submit a copyright removal request using our online form: https://example.com/copyright."),
    ("copyright_takedown_channel", "social", T,
     "To file a notice of infringement, follow the procedure described in our [Copyright Policy](https://example.com/copyright-policy)."),
    ("copyright_takedown_channel", "host", T,
     "Copyright complaints should be sent to our Designated Agent: Example Hosting, Attn: Copyright Agent, copyright@example.net."),
    ("copyright_takedown_channel", "social", F,
     "You must not infringe anyone's intellectual property rights."),
    ("copyright_takedown_channel", "social", F,
     "You can report spam, harassment or copyright infringement using the Report button."),
    ("copyright_takedown_channel", "social", F,
     "All content on this site is (c) Example Inc. All rights reserved."),
    ("copyright_takedown_channel", "social", F,
     "We respect intellectual property and expect our users to do the same."),

    # ---------------------------------------------------------- statutory_ncii_process
    ("statutory_ncii_process", "social", T,
     "Under the TAKE IT DOWN Act, you may request removal of an intimate visual depiction published without your consent. "
     "Your request must include your physical or electronic signature, information identifying the depiction, "
     "a brief statement that it was published without your consent, and your contact information."),
    ("statutory_ncii_process", "social", T,
     "Requests under the TAKE IT DOWN Act can be sent through our form at https://example.com/take-it-down."),
    ("statutory_ncii_process", "adult", T,
     "## Intimate imagery removal requests\nA valid request must include:\n(a) your signature;\n(b) identification of the intimate image and where it appears;\n"
     "(c) a good-faith statement that it was shared without your consent; and\n(d) your contact details."),
    ("statutory_ncii_process", "social", F,
     "A DMCA notice must include your signature, identification of the copyrighted work, and a statement of good faith belief."),
    ("statutory_ncii_process", "social", F,
     "We remove non-consensual intimate imagery when it is reported to us."),
    ("statutory_ncii_process", "social", F,
     "We comply with applicable laws, including the Digital Services Act."),
    ("statutory_ncii_process", "dating", F,
     "If you are a victim of revenge porn, you may also wish to contact the police: it is a crime in many jurisdictions."),

    # ------------------------------------------------------------------ appeal_available
    ("appeal_available", "social", T,
     "If we remove your content, you can appeal the decision from the notification within 180 days."),
    ("appeal_available", "social", T,
     "You may submit a counter-notice if you believe your material was removed by mistake."),
    ("appeal_available", "dating", T,
     "Think we banned you by mistake? Fill out the appeal form at https://example.com/appeal and a different moderator will review it."),
    ("appeal_available", "social", T,
     "Users may contest a moderation decision through our internal complaint-handling system."),
    ("appeal_available", "social", F,
     "All decisions of our moderators are final."),
    ("appeal_available", "social", F,
     "We may remove any content at our sole discretion without notice."),
    ("appeal_available", "social", F,
     "You can report content using the Report button."),

    # -------------------------------------------------------------------- hash_matching
    ("hash_matching", "social", T,
     "We use PhotoDNA to detect known child sexual abuse imagery."),
    ("hash_matching", "social", T,
     "We partner with StopNCII.org: images hashed by victims are blocked from being uploaded."),
    ("hash_matching", "host", T,
     "Uploaded files are compared against hash lists of known illegal content supplied by industry partners."),
    ("hash_matching", "social", T,
     "We create a digital fingerprint of removed intimate images so that re-uploads are blocked automatically."),
    ("hash_matching", "social", F,
     "We may use automated tools to detect content that violates our policies."),
    ("hash_matching", "social", F,
     "Passwords are stored using a salted hash."),
    ("hash_matching", "social", F,
     "Our machine-learning classifiers help us find nudity."),

    # ------------------------------------------------------------- stated_response_time
    ("stated_response_time", "social", T,
     "We aim to review reports of illegal content within 24 hours.", 24),
    ("stated_response_time", "host", T,
     "Abuse complaints are acknowledged within 2 business days.", 48),
    ("stated_response_time", "social", T,
     "Copyright notices are typically processed within 48 hours.", 48),
    ("stated_response_time", "dating", T,
     "Our safety team responds to reports of non-consensual imagery within one week.", 168),
    ("stated_response_time", "social", T,
     "We will act on valid takedown requests within 72 hours of receipt.", 72),
    ("stated_response_time", "social", F,
     "We act promptly on reports."),
    ("stated_response_time", "social", F,
     "We will respond to your data access request within one month, as required by the GDPR."),
    ("stated_response_time", "social", F,
     "Log data is retained for 30 days."),
    ("stated_response_time", "host", F,
     "Support tickets are answered within 24 hours on business days."),
    ("stated_response_time", "social", F,
     "We will notify you at least 30 days before changes to these Terms take effect."),
    ("stated_response_time", "social", F,
     "After receiving a valid counter-notice, we restore the material in 10 to 14 business days unless the complainant files an action."),
    ("stated_response_time", "host", F,
     "Customers must remove reported content within 24 hours of our notice, or we may suspend the service."),

    # --------------------------------------------------------- ncii_removal_within_48h
    ("ncii_removal_within_48h", "social", T,
     "We remove non-consensual intimate images within 48 hours of a valid request."),
    ("ncii_removal_within_48h", "social", T,
     "Reports of intimate images shared without consent are reviewed within 24 hours."),
    ("ncii_removal_within_48h", "social", T,
     "Under the TAKE IT DOWN Act, we remove the reported intimate depiction within 48 hours of receiving a valid request."),
    ("ncii_removal_within_48h", "social", F,
     "We review copyright notices within 48 hours."),
    ("ncii_removal_within_48h", "social", F,
     "We remove non-consensual intimate images as quickly as possible."),
    ("ncii_removal_within_48h", "social", F,
     "We respond to reports of non-consensual intimate imagery within 7 days."),
    ("ncii_removal_within_48h", "social", F,
     "Harassment reports are reviewed within 24 hours.\n\nWe do not allow intimate images shared without consent."),

    # ------------------------------------------------------------ transparency_reporting
    ("transparency_reporting", "social", T,
     "We publish a transparency report twice a year detailing government requests and content removals."),
    ("transparency_reporting", "social", T,
     "Our Transparency Centre shares quarterly enforcement statistics about the content we removed for violating our Community Guidelines."),
    ("transparency_reporting", "host", T,
     "Each year we publish the number of abuse complaints and law-enforcement requests we received."),
    ("transparency_reporting", "social", F,
     "We are transparent about how we use your data."),
    ("transparency_reporting", "social", F,
     "Read our Privacy Policy to understand what information we collect."),
    ("transparency_reporting", "social", F,
     "We may report illegal activity to the authorities."),

    # ---------------------------------------------------------------- provenance_marking
    ("provenance_marking", "ai_tool", T,
     "Images created with the Service include C2PA Content Credentials identifying them as AI-generated."),
    ("provenance_marking", "ai_tool", T,
     "All generated images carry an invisible watermark."),
    ("provenance_marking", "ai_tool", T,
     "You must not remove, alter or obscure any watermark or provenance metadata embedded in outputs."),
    ("provenance_marking", "ai_tool", F,
     "If you share outputs publicly, you must disclose that they were generated by AI."),
    ("provenance_marking", "ai_tool", F,
     "You own the outputs you generate, subject to these Terms."),
    ("provenance_marking", "ai_tool", F,
     "Generated images are stored for 30 days and then deleted."),
    ("provenance_marking", "social", NA,
     "All generated images carry an invisible watermark."),

    # -------------------------------------------------------- sexual_content_safeguards
    ("sexual_content_safeguards", "ai_tool", T,
     "We use automated classifiers to block prompts and outputs containing sexual content."),
    ("sexual_content_safeguards", "ai_tool", T,
     "Our safety filters detect and refuse attempts to generate nude images of real people."),
    ("sexual_content_safeguards", "ai_tool", T,
     "Uploaded images and generated outputs are scanned for child sexual abuse material, and matches are reported to NCMEC."),
    ("sexual_content_safeguards", "ai_tool", F,
     "You may not use the Service to generate sexually explicit content."),
    ("sexual_content_safeguards", "ai_tool", F,
     "We use automated moderation systems to detect violations of our policies."),
    ("sexual_content_safeguards", "ai_tool", F,
     "Adult content is only available to verified users over 18."),
    ("sexual_content_safeguards", "social", NA,
     "We use automated classifiers to block prompts and outputs containing sexual content."),
]

# Second probe, written after the fixes above (not part of the "before" measurement): fresh
# phrasings of the same families, to check that the fixes are general.
CASES += [
    ("csam_prohibited","ai_tool", T, "Users may not use the API to produce sexualized depictions of children."),
    ("synthetic_csam_covered","ai_tool", T, "You must not use the Services to create any sexual imagery of minors."),
    ("csam_prohibited","social",False,"Users under 16 may not use the app to send direct messages."),
    ("general_reporting_channel","social", T, "## How to report a comment\n- Press and hold the comment.\n- Choose **Report**."),
    ("general_reporting_channel","social",False,"## How to delete a comment\n- Press and hold the comment.\n- Choose **Delete**."),
    ("ncii_reporting_channel","social", T, "# Report nudity shared without consent\n1. Open the photo.\n2. Tap Report.\n3. Pick \"Someone is sharing my nude images without consent\"."),
    ("ncii_reporting_channel","host", T, "Requests to remove intimate images published without consent can be sent to intimate-images@example.net."),
    ("ncii_reporting_channel","social",False,"To learn more about intimate image abuse, visit https://example.org/intimate-image-abuse-resources."),
    ("statutory_ncii_process","social", T, "# Removal requests for non-consensual intimate images\nYour request must contain:\n- your physical or electronic signature;\n- identification of the image and its URL;\n- a statement that the depiction was published without your consent;\n- your contact information."),
    ("statutory_ncii_process","social",False,"# Copyright notices\nYour notice must contain:\n- your physical or electronic signature;\n- identification of the copyrighted work;\n- a statement that the use is not authorized;\n- your contact information."),
    ("transparency_reporting","social", T, "Twice a year we publish figures on the takedown notices and government requests we receive."),
    ("transparency_reporting","social",False,"We publish the number of likes on each post."),
    ("creation_or_solicitation_prohibited","host", T, "Customers may not host or advertise services that produce nude images of real people from their photos."),
    ("ncii_prohibited","social",False,"- Advertisements may not contain nudity."),
    ("sextortion_prohibited","social", T, "Never demand money or more pictures from someone by threatening to post their nude photos."),
    ("hash_matching","social", T, "Known child abuse images are matched against industry hash databases when uploaded."),
    ("stated_response_time","social", T, "We will review your report within 3 days."),
    ("stated_response_time","social",False,"You have 14 days to file an appeal after a removal."),
    ("non_user_reporting","social", T, "Reports can be submitted by anyone, even if you don't have an account."),
    ("appeal_available","social", T, "Disagree with our decision? You can request a second review from your inbox."),
    ("abuse_contact_published","host", T, "Abuse desk: abuse@example.net"),
    ("provenance_marking","ai_tool", T, "We embed SynthID watermarks in every image our models generate."),
    ("sexual_content_safeguards","ai_tool", T, "Prompts are screened by an automated nudity classifier, and images depicting minors in sexual contexts are blocked."),
]


def _norm(s):
    s = re.sub(r"[*_`#>\[\]]", "", s)
    return re.sub(r"\s+", " ", s).strip().lower()


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_blind_case(case):
    element, kind, expected, text = case[:4]
    result = audit_target([Document(name="Policy.md", text=text)],
                          service="Example", target_id="example", kind=kind)
    el = result.elements[element]
    assert el.met is expected, f"{element} ({kind}) expected {expected}, got {el.met}: {el.reason}"
    if expected:
        assert el.evidence, "met without evidence"
        for ev in el.evidence:
            assert _norm(ev.quote) in _norm(text), f"quote not verbatim: {ev.quote!r}"
        if len(case) > 4:
            assert float(case[4]) in [float(h) for h in el.hours], el.hours


def test_blind_table_shape():
    from collections import Counter
    pos = Counter(c[0] for c in CASES if c[2] is True)
    neg = Counter(c[0] for c in CASES if c[2] is not True)
    assert len(CASES) >= 120
    assert len(pos) == 20
    for el in pos:
        assert pos[el] >= 3 and neg[el] >= 3, el
