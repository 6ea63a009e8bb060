"""Paraphrase stress set for the audit engine: every rubric element phrased several ways, as
different kinds of services would write it (terms-of-service legalese, friendly community
guidelines, hosting AUPs, AI usage policies, dating-app rules, FAQ answers, numbered clauses,
bullets under "You agree not to:" lead-ins, "Prohibited content" headings), plus negatives
built from the rubric's "not enough" column and out-of-scope look-alikes (ads, staff, personal
data, GDPR deadlines, retention, counter-notice windows, billing/support times, user deadlines).

All snippets were written for these tests; no service is named. A case is
(element, kind, document text, expected met[, expected hours for stated_response_time]).
"""
from __future__ import annotations

import pytest

from audits import rubric
from audits.engine import audit_target
from audits.model import Document

POS, NEG = True, False

CASES = [
    # ---------------------------------------------------------------- ncii_prohibited
    ("ncii_prohibited", "social", "# Prohibited content\n\n- Sexual images or videos of another person that were posted without the consent of the person shown.", POS),
    ("ncii_prohibited", "dating", "Never share a match's private photos of a sexual nature unless they have clearly agreed to it. Doing so gets you banned.", POS),
    ("ncii_prohibited", "host", "3.2 Customer shall not use the Services to store or distribute intimate images of an individual without that individual's consent.", POS),
    ("ncii_prohibited", "social", "Posting someone's nudes without their permission is never OK here, even if they sent them to you first.", POS),
    ("ncii_prohibited", "adult", "You agree not to:\n\n- upload content depicting a real, identifiable person engaged in sexual activity unless every person shown has consented to its publication;", POS),
    ("ncii_prohibited", "social", "We have zero tolerance for revenge pornography and other non-consensual intimate imagery.", POS),
    ("ncii_prohibited", "social", "# Nudity\n\nWe do not allow nudity or sexually explicit content on the platform.", NEG),
    ("ncii_prohibited", "social", "You must not collect or share other users' personal data without their consent.", NEG),
    ("ncii_prohibited", "adult", "Verified creators may post nude photos and videos of themselves.", NEG),
    ("ncii_prohibited", "social", "Respect the privacy of others and do not post content that violates anyone's privacy.", NEG),

    # ---------------------------------------------------------------- synthetic_intimate_covered
    ("synthetic_intimate_covered", "social", "# Manipulated media\n\n- Deepfake pornography or any sexual content that uses a real person's face without their consent is prohibited.", POS),
    ("synthetic_intimate_covered", "social", "Do not post intimate images of someone without their consent. This also applies to images that were digitally altered or created with AI.", POS),
    ("synthetic_intimate_covered", "dating", "Using apps that strip clothing from photos of real people is strictly forbidden.", POS),
    ("synthetic_intimate_covered", "ai_tool", "You may not use our image generator to produce nude or sexually explicit pictures of real, identifiable individuals.", POS),
    ("synthetic_intimate_covered", "social", "We remove synthetic sexual imagery that shows a real person, such as fake nudes made with editing software.", POS),
    ("synthetic_intimate_covered", "social", "Do not share manipulated media that could mislead people about real-world events.", NEG),
    ("synthetic_intimate_covered", "social", "You may not use AI to impersonate another person or organisation.", NEG),
    ("synthetic_intimate_covered", "social", "We do not allow sexually explicit content, whether real or not.", NEG),

    # ---------------------------------------------------------------- creation_or_solicitation_prohibited
    ("creation_or_solicitation_prohibited", "social", "- Asking other users to send you nude photos of someone else is not allowed.", POS),
    ("creation_or_solicitation_prohibited", "dating", "You must not secretly film or photograph another member in a sexual or intimate situation without their consent.", POS),
    ("creation_or_solicitation_prohibited", "adult", "Creators may not sell or trade sexual images of any person who has not consented to their distribution.", POS),
    ("creation_or_solicitation_prohibited", "ai_tool", "Users shall not generate sexually explicit depictions of real people.", POS),
    ("creation_or_solicitation_prohibited", "social", "# Prohibited services\n\n- Offering to produce nude edits of real people for payment.", POS),
    ("creation_or_solicitation_prohibited", "social", "Do not share intimate images of anyone without their consent.", NEG),
    ("creation_or_solicitation_prohibited", "social", "Do not offer or solicit sexual services on the platform.", NEG),
    ("creation_or_solicitation_prohibited", "adult", "You may create and sell explicit content featuring yourself.", NEG),

    # ---------------------------------------------------------------- sextortion_prohibited
    ("sextortion_prohibited", "social", "We prohibit sextortion in any form.", POS),
    ("sextortion_prohibited", "dating", "Never threaten to post someone's intimate pictures to get money, more images or anything else from them.", POS),
    ("sextortion_prohibited", "social", "You agree not to:\n\n- blackmail or pressure anyone with sexual images or videos of them.", POS),
    ("sextortion_prohibited", "host", "Customers may not use the Services to extort individuals by threatening the release of nude or sexually explicit material.", POS),
    ("sextortion_prohibited", "social", "Demanding payment in exchange for not leaking someone's private sexual photos is strictly prohibited.", POS),
    ("sextortion_prohibited", "social", "Do not threaten, harass or extort other users.", NEG),
    ("sextortion_prohibited", "social", "You may not post content that is threatening, pornographic or hateful.", NEG),
    ("sextortion_prohibited", "social", "We do not tolerate blackmail or threats of violence.", NEG),

    # ---------------------------------------------------------------- csam_prohibited
    ("csam_prohibited", "social", "We have zero tolerance for content that sexually exploits children.", POS),
    ("csam_prohibited", "host", "The following is prohibited:\n\n- material depicting minors in a sexual manner;", POS),
    ("csam_prohibited", "dating", "Any sexual content involving people under 18 is banned and will be removed.", POS),
    ("csam_prohibited", "ai_tool", "Do not use the service to create child sexual abuse material.", POS),
    ("csam_prohibited", "social", "# Child safety\n\n- Content that sexualizes minors, including suggestive poses or comments.", POS),
    ("csam_prohibited", "social", "You must be at least 13 years old to use the service.", NEG),
    ("csam_prohibited", "social", "Do not post content that could endanger the safety of minors.", NEG),
    ("csam_prohibited", "dating", "We do not allow content showing offences against minors.", NEG),
    ("csam_prohibited", "social", "Ads must not appeal to children.", NEG),

    # ---------------------------------------------------------------- synthetic_csam_covered
    ("synthetic_csam_covered", "social", "Sexual content involving minors is banned, including drawings, animation and AI-generated images.", POS),
    ("synthetic_csam_covered", "social", "Child sexual abuse material is prohibited. This covers fictional and computer-generated depictions too.", POS),
    ("synthetic_csam_covered", "ai_tool", "You may not use our models to generate sexual content involving minors.", POS),
    ("synthetic_csam_covered", "adult", "# Prohibited content\n\n- Sexualized depictions of minors, whether real, illustrated, animated or virtual.", POS),
    ("synthetic_csam_covered", "social", "Do not post cartoons or anime that sexualize children.", POS),
    ("synthetic_csam_covered", "social", "We prohibit child sexual exploitation in any form.", NEG),
    ("synthetic_csam_covered", "social", "Animated content and cartoons are welcome on the platform.", NEG),
    ("synthetic_csam_covered", "social", "Do not post child sexual abuse material.", NEG),

    # ---------------------------------------------------------------- csam_reported_to_authorities
    ("csam_reported_to_authorities", "social", "We report apparent child sexual exploitation to the National Center for Missing & Exploited Children.", POS),
    ("csam_reported_to_authorities", "host", "When we become aware of child sexual abuse material on customer sites we notify law enforcement.", POS),
    ("csam_reported_to_authorities", "social", "Content that sexually exploits minors is removed and referred to the relevant child protection hotline.", POS),
    ("csam_reported_to_authorities", "dating", "Child sexual abuse imagery will be removed. We also report such material to the police.", POS),
    ("csam_reported_to_authorities", "social", "We cooperate with law enforcement and respond to valid legal requests.", NEG),
    ("csam_reported_to_authorities", "social", "We may disclose information to the police to prevent fraud or threats to life.", NEG),
    ("csam_reported_to_authorities", "social", "If you know a child is in danger, contact your local police.", NEG),

    # ---------------------------------------------------------------- general_reporting_channel
    ("general_reporting_channel", "social", "See something that breaks the rules? Tap the three dots on the post and choose Report.", POS),
    ("general_reporting_channel", "host", "Abuse complaints about websites we host can be submitted through our abuse form.", POS),
    ("general_reporting_channel", "dating", "You can flag a profile by opening it and pressing the shield icon.", POS),
    ("general_reporting_channel", "social", "To report illegal content, please email us at illegal-content@example.org.", POS),
    ("general_reporting_channel", "social", "## How do I report a comment?\n\nUse the Report link under any comment to tell our moderators about it.", POS),
    ("general_reporting_channel", "social", "If you have questions about these Terms, contact us at hello@example.org.", NEG),
    ("general_reporting_channel", "host", "To report a security vulnerability in our platform, email security@example.org.", NEG),
    ("general_reporting_channel", "social", "Do not abuse the reporting tools by submitting false reports.", NEG),
    ("general_reporting_channel", "social", "We send monthly usage reports to your e-mail address.", NEG),

    # ---------------------------------------------------------------- ncii_reporting_channel
    ("ncii_reporting_channel", "social", "If someone shared an intimate image of you without your consent, use our [intimate image removal form](https://example.org/forms/intimate-images).", POS),
    ("ncii_reporting_channel", "social", "We offer a dedicated reporting form for non-consensual nudity, available whether or not you have an account.", POS),
    ("ncii_reporting_channel", "dating", "When reporting a profile, select \"Shared my intimate photos without consent\" so our specialist team reviews it first.", POS),
    ("ncii_reporting_channel", "adult", "Anyone depicted in content on the site can request the removal of intimate content posted without their consent by writing to consent-removal@example.org.", POS),
    ("ncii_reporting_channel", "social", "If you see nude images shared without consent, report them using the Report button like any other post.", NEG),
    ("ncii_reporting_channel", "social", "To report any content, including nudity, email support@example.org.", NEG),
    ("ncii_reporting_channel", "social", "You can report posts that break our rules from the post menu.", NEG),

    # ---------------------------------------------------------------- non_user_reporting
    ("non_user_reporting", "social", "You do not need an account to report content; use the public web form.", POS),
    ("non_user_reporting", "host", "Anyone, whether or not a customer, may submit an abuse report about a site we host.", POS),
    ("non_user_reporting", "social", "Reports can also be made by people who are not users of the service.", POS),
    ("non_user_reporting", "dating", "Even if you aren't a member, you can report a profile that uses your photos through our help centre.", POS),
    ("non_user_reporting", "social", "You must be logged in to report content.", NEG),
    ("non_user_reporting", "social", "Use the report button on any post to report it.", NEG),
    ("non_user_reporting", "social", "Anyone can create an account and start posting within minutes.", NEG),

    # ---------------------------------------------------------------- abuse_contact_published
    ("abuse_contact_published", "host", "Report spam, phishing or other abuse to abuse@example.net.", POS),
    ("abuse_contact_published", "social", "Legal notices should be sent to legal@example.org.", POS),
    ("abuse_contact_published", "social", "To report illegal content, use our [reporting form](https://example.org/report-illegal-content).", POS),
    ("abuse_contact_published", "host", "## Abuse\n\nContact: trust-safety@example.net", POS),
    ("abuse_contact_published", "social", "Questions about your personal data can be sent to privacy@example.org.", NEG),
    ("abuse_contact_published", "social", "Report abuse to [email protected].", NEG),
    ("abuse_contact_published", "social", "Legal notices may be sent by post to Example Ltd, 1 High Street, Springfield.", NEG),
    ("abuse_contact_published", "social", "For press enquiries email press@example.org.", NEG),

    # ---------------------------------------------------------------- copyright_takedown_channel
    ("copyright_takedown_channel", "social", "If you believe your copyrighted work has been posted without permission, send a DMCA notice to our designated agent at copyright@example.org.", POS),
    ("copyright_takedown_channel", "host", "Rights holders can file infringement claims using our [copyright complaint form](https://example.net/copyright).", POS),
    ("copyright_takedown_channel", "social", "## Intellectual property\n\nTo submit a copyright takedown request, your notice must include the following information:", POS),
    ("copyright_takedown_channel", "ai_tool", "Copyright owners who think an output infringes their work may notify us by completing the form on our copyright page.", POS),
    ("copyright_takedown_channel", "social", "We will terminate the accounts of repeat infringers.", NEG),
    ("copyright_takedown_channel", "social", "You must not post content that infringes the intellectual property rights of others.", NEG),
    ("copyright_takedown_channel", "social", "If you submit a counter-notice, we may restore the content in 10 to 14 business days.", NEG),

    # ---------------------------------------------------------------- statutory_ncii_process
    ("statutory_ncii_process", "social", "Under the TAKE IT DOWN Act, people depicted in intimate images shared without consent can submit a removal request through our form.", POS),
    ("statutory_ncii_process", "social", "# Intimate image removal requests\n\nYour request must include your physical or electronic signature, identification of the image and where it is located, a statement that you did not consent to its publication, and your contact information.", POS),
    ("statutory_ncii_process", "adult", "We honour removal notices for non-consensual intimate depictions made under the Take It Down Act.", POS),
    ("statutory_ncii_process", "social", "## Removing intimate images\n\nValid notices under applicable law (such as the TAKE IT DOWN Act) require a signature and a brief statement that the depiction was published without consent.", POS),
    ("statutory_ncii_process", "social", "A DMCA notice must include your signature, identification of the copyrighted work, and your contact information.", NEG),
    ("statutory_ncii_process", "social", "Do not post intimate images of others without their consent.", NEG),
    ("statutory_ncii_process", "social", "We comply with all applicable laws.", NEG),

    # ---------------------------------------------------------------- appeal_available
    ("appeal_available", "social", "If we remove your post and you think we got it wrong, you can appeal the decision from your notifications.", POS),
    ("appeal_available", "dating", "Banned members may ask us to review the ban by contacting support within 30 days.", POS),
    ("appeal_available", "host", "Customers may dispute a suspension of their service by replying to the suspension notice.", POS),
    ("appeal_available", "social", "Users in the EU can lodge a complaint against our moderation decisions through the internal complaint-handling system.", POS),
    ("appeal_available", "social", "Any appeal from an arbitration award shall be heard by a court of competent jurisdiction.", NEG),
    ("appeal_available", "social", "Content must not appeal to minors.", NEG),
    ("appeal_available", "social", "Our decisions are final and cannot be appealed.", NEG),

    # ---------------------------------------------------------------- hash_matching
    ("hash_matching", "social", "We use PhotoDNA and other hash-matching technology to detect known child sexual abuse imagery.", POS),
    ("hash_matching", "adult", "Every upload is compared against hash databases of known non-consensual intimate images.", POS),
    ("hash_matching", "social", "We participate in StopNCII.org, so images hashed by victims are blocked from being uploaded.", POS),
    ("hash_matching", "host", "Files are checked against digital fingerprints of previously identified illegal material.", POS),
    ("hash_matching", "social", "We store your password using a salted hash.", NEG),
    ("hash_matching", "social", "We do not currently use hash matching on private messages.", NEG),
    ("hash_matching", "social", "We use automated tools to find content that violates our rules.", NEG),

    # ---------------------------------------------------------------- stated_response_time
    ("stated_response_time", "social", "We review reports of illegal content within 24 hours of receipt.", POS, [24]),
    ("stated_response_time", "host", "Our abuse team responds to abuse complaints within two business days.", POS, [48]),
    ("stated_response_time", "social", "Valid takedown notices are processed in under 72 hours.", POS, [72]),
    ("stated_response_time", "dating", "We aim to act on every report about a profile within 48 hours.", POS, [48]),
    ("stated_response_time", "social", "We will respond to your data access request within 30 days.", NEG),
    ("stated_response_time", "social", "If you send a counter-notice, the content may be restored in 10 to 14 business days.", NEG),
    ("stated_response_time", "social", "Our support team replies to tickets within 24 hours.", NEG),
    ("stated_response_time", "host", "If you do not remove the reported content within 2 business days, we may suspend your service.", NEG),
    ("stated_response_time", "social", "Deleted posts are kept in backups for 30 days.", NEG),
    ("stated_response_time", "social", "We review reports promptly and act as quickly as possible.", NEG),

    # ---------------------------------------------------------------- ncii_removal_within_48h
    ("ncii_removal_within_48h", "social", "Reports of intimate images shared without consent are reviewed within 24 hours.", POS),
    ("ncii_removal_within_48h", "social", "## Non-consensual intimate imagery\n\nWe remove reported content within 48 hours of a valid request.", POS),
    ("ncii_removal_within_48h", "adult", "Removal requests for non-consensual intimate content are processed within two days.", POS),
    ("ncii_removal_within_48h", "social", "We act on valid requests to remove nude images posted without consent within 12 hours.", POS),
    ("ncii_removal_within_48h", "social", "We respond to copyright notices within 48 hours.", NEG),
    ("ncii_removal_within_48h", "social", "Reports of intimate images shared without consent are reviewed within 7 days.", NEG),
    ("ncii_removal_within_48h", "social", "We remove non-consensual intimate imagery as quickly as possible.", NEG),

    # ---------------------------------------------------------------- transparency_reporting
    ("transparency_reporting", "social", "Twice a year we publish a transparency report on government requests and content removals.", POS),
    ("transparency_reporting", "host", "Statistics about the abuse notices we receive are published on our website every year.", POS),
    ("transparency_reporting", "social", "Read our latest [Transparency Report](https://example.org/transparency).", POS),
    ("transparency_reporting", "social", "We share regular data on how we enforce our community guidelines in our quarterly enforcement report.", POS),
    ("transparency_reporting", "social", "We do not publish statistics about content moderation.", NEG),
    ("transparency_reporting", "social", "We are transparent about how we use your data.", NEG),
    ("transparency_reporting", "host", "Customers must publish their own privacy policy.", NEG),

    # ---------------------------------------------------------------- provenance_marking
    ("provenance_marking", "ai_tool", "Images generated with our service include an invisible watermark identifying them as AI-generated.", POS),
    ("provenance_marking", "ai_tool", "We attach C2PA content credentials to every output.", POS),
    ("provenance_marking", "ai_tool", "You may not remove or alter any watermark placed on outputs by the service.", POS),
    ("provenance_marking", "ai_tool", "Generated videos carry metadata that identifies them as created by AI.", POS),
    ("provenance_marking", "ai_tool", "You must disclose to viewers that content was generated by AI.", NEG),
    ("provenance_marking", "ai_tool", "Do not remove copyright notices or watermarks from third-party photographs.", NEG),
    ("provenance_marking", "social", "Images generated with our tools include an invisible watermark.", None),

    # ---------------------------------------------------------------- sexual_content_safeguards
    ("sexual_content_safeguards", "ai_tool", "Our safety filters automatically block prompts that request sexual content.", POS),
    ("sexual_content_safeguards", "ai_tool", "We run classifiers on every generated image to detect nudity and block it.", POS),
    ("sexual_content_safeguards", "ai_tool", "Uploaded images are scanned for child sexual abuse material before they can be edited.", POS),
    ("sexual_content_safeguards", "ai_tool", "The model refuses requests for explicit sexual imagery, and outputs are screened by an automated NSFW detector.", POS),
    ("sexual_content_safeguards", "ai_tool", "You can turn on the safe mode setting to hide mature images.", NEG),
    ("sexual_content_safeguards", "ai_tool", "Do not use the service to create pornographic content.", NEG),
    ("sexual_content_safeguards", "ai_tool", "We use automated moderation to enforce our usage policies.", NEG),
    ("sexual_content_safeguards", "dating", "We use classifiers to blur nude images.", None),
]

# second batch: harder structures (numbered legal outlines, FAQ answers, passive voice, nested
# lead-ins, headings carrying the topic) and nearer look-alikes
CASES += [
    ("ncii_prohibited", "host", "4. Prohibited Uses\n\n4.1 You will not, and will not permit any third party to:\n\n(a) publish sexually explicit images of a person who has not agreed to their publication;", POS),
    ("ncii_prohibited", "social", "## Can I post a private video of my ex?\n\nNo. Sharing sexual videos of a former partner without their agreement is a serious violation and leads to a permanent ban.", POS),
    ("ncii_prohibited", "dating", "Screenshots of a match's explicit photos may not be passed on to anyone without their approval.", POS),
    ("ncii_prohibited", "social", "Intimate content that was taken or distributed without the subject's knowledge is removed.", POS),
    ("ncii_prohibited", "social", "We allow artistic nudity, such as paintings and sculptures.", NEG),
    ("ncii_prohibited", "social", "Employees must not share intimate images with customers.", NEG),
    ("ncii_prohibited", "social", "Do not send sexual messages to other users without their consent.", NEG),
    ("synthetic_intimate_covered", "social", "Do not share sexually explicit images of someone without their consent, whether real or digitally manipulated.", POS),
    ("synthetic_intimate_covered", "social", "- Fabricated nude images of classmates, celebrities or anyone else are not allowed.", POS),
    ("synthetic_intimate_covered", "adult", "Content in which a real person's likeness has been edited into sexual scenes is prohibited.", POS),
    ("synthetic_intimate_covered", "ai_tool", "Don't prompt the model for sexual images of identifiable people.", POS),
    ("synthetic_intimate_covered", "social", "Do not upload deepfakes of politicians saying things they never said.", NEG),
    ("creation_or_solicitation_prohibited", "social", "You may not request, buy or commission intimate images of any person who has not agreed to it.", POS),
    ("creation_or_solicitation_prohibited", "ai_tool", "Prohibited uses include making sexual deepfakes of real people.", POS),
    ("creation_or_solicitation_prohibited", "social", "Don't promote apps that undress people in photos.", POS),
    ("creation_or_solicitation_prohibited", "dating", "Do not ask for or send nude photos on a first date chat.", NEG),
    ("sextortion_prohibited", "social", "Coercing someone into sending more nude images by threatening to expose the ones you have is forbidden.", POS),
    ("sextortion_prohibited", "dating", "## What's not allowed\n\n- Threatening to show someone's intimate photos to their family or employer", POS),
    ("sextortion_prohibited", "social", "Do not threaten to reveal someone's personal information (doxxing).", NEG),
    ("csam_prohibited", "social", "Content that exploits or abuses children, including grooming, is removed and reported.", POS),
    ("csam_prohibited", "host", "1.3 Customer shall not host child pornography.", POS),
    ("csam_prohibited", "social", "Predatory behaviour toward minors, such as sexual grooming, is banned.", POS),
    ("csam_prohibited", "dating", "You must be 18 or older to join; we remove accounts of minors.", NEG),
    ("csam_prohibited", "social", "We may decline applicants with a criminal record of sexual offences against minors.", NEG),
    ("synthetic_csam_covered", "social", "Sexualized images of anyone who appears to be under 18 are forbidden, even if the person is fictional or the image is computer-generated.", POS),
    ("synthetic_csam_covered", "adult", "No lolicon, shotacon or other drawn sexual content featuring childlike characters.", POS),
    ("synthetic_csam_covered", "social", "Fictional stories are allowed as long as they do not include real people.", NEG),
    ("csam_reported_to_authorities", "social", "Accounts sharing child sexual abuse material are terminated and reported to NCMEC.", POS),
    ("csam_reported_to_authorities", "host", "We forward reports of child exploitation to the Internet Watch Foundation and to national authorities.", POS),
    ("csam_reported_to_authorities", "social", "We report threats of violence and terrorist content to law enforcement.", NEG),
    ("csam_reported_to_authorities", "social", "We respond to emergency requests from law enforcement involving child safety.", NEG),
    ("general_reporting_channel", "host", "Send complaints about spam or malware hosted on our network to our abuse desk via the web form.", POS),
    ("general_reporting_channel", "social", "Press and hold a message, then tap Report to let us know it breaks our rules.", POS),
    ("general_reporting_channel", "social", "If your own post was flagged in error, use the appeal form.", NEG),
    ("general_reporting_channel", "social", "To report a billing problem, contact our support team.", NEG),
    ("ncii_reporting_channel", "social", "Victims of intimate image abuse can use our dedicated form, even without an account.", POS),
    ("ncii_reporting_channel", "social", "To report a nude or sexual image of yourself that was posted without your consent, go to [privacy reporting](https://example.org/report/privacy).", POS),
    ("ncii_reporting_channel", "social", "Intimate images shared without consent can be reported through the general report menu.", NEG),
    ("non_user_reporting", "social", "Our illegal content form is available to everyone, including people without an account.", POS),
    ("non_user_reporting", "host", "Third parties may report abuse of our hosting services at our abuse portal.", POS),
    ("non_user_reporting", "social", "Only registered users can submit reports.", NEG),
    ("abuse_contact_published", "host", "Abuse reports: [abuse form](https://example.net/abuse)", POS),
    ("abuse_contact_published", "social", "Notices of copyright infringement go to dmca@example.org.", POS),
    ("abuse_contact_published", "social", "Read our [privacy policy](https://example.org/privacy) for more.", NEG),
    ("abuse_contact_published", "social", "For billing questions, email billing@example.org.", NEG),
    ("copyright_takedown_channel", "social", "To file a copyright claim, visit our help center and complete the copyright form.", POS),
    ("copyright_takedown_channel", "host", "Our Designated Agent for notices of claimed infringement is: Copyright Agent, Example Inc., agent@example.net", POS),
    ("copyright_takedown_channel", "social", "You agree to indemnify us against third party claims that your use infringes their copyright.", NEG),
    ("statutory_ncii_process", "social", "A removal request for an intimate depiction posted without consent must contain your signature, a statement that the depiction is non-consensual, information to identify and locate it, and your contact details.", POS),
    ("statutory_ncii_process", "social", "Requests must include a signature, the URL of the image and your contact details.", NEG),
    ("appeal_available", "social", "Think we removed your video by mistake? Request a review from the Account Status page.", POS),
    ("appeal_available", "host", "A customer whose content was disabled after a copyright notice may send a counter-notification to our designated agent.", POS),
    ("appeal_available", "social", "Submitting repeated baseless appeals may result in restrictions.", NEG),
    ("appeal_available", "social", "You may appeal to our community by posting in the forum.", NEG),
    ("hash_matching", "ai_tool", "Uploaded reference images are hashed and matched against industry lists of known abuse material.", POS),
    ("hash_matching", "social", "We use audio fingerprinting to identify copyrighted music in videos.", NEG),
    ("hash_matching", "social", "Your e-mail address is stored as a hash for advertising measurement.", NEG),
    ("stated_response_time", "social", "Notices about unlawful content receive a decision within seven days.", POS, [168]),
    ("stated_response_time", "host", "Abuse reports are acknowledged within 1 hour and investigated within 1 business day.", POS, [1, 24]),
    ("stated_response_time", "social", "We will notify you of changes to these Terms at least 30 days in advance.", NEG),
    ("stated_response_time", "social", "Refund requests are handled within 5 business days.", NEG),
    ("stated_response_time", "social", "In 2024, 92% of reports were resolved within 24 hours.", NEG),
    ("stated_response_time", "host", "Once notified, the customer has 24 hours to remove the reported material.", NEG),
    ("stated_response_time", "social", "Accounts that violate these rules may be suspended for 7 days.", NEG),
    ("ncii_removal_within_48h", "social", "We will remove reported non-consensual intimate images within one day.", POS),
    ("ncii_removal_within_48h", "social", "We respond to reports of harassment within 24 hours. Intimate images shared without consent are not allowed.", NEG),
    ("transparency_reporting", "social", "Our Transparency Center publishes data on the content we removed and the requests we received.", POS),
    ("transparency_reporting", "social", "You can find figures about our enforcement of these rules in our half-yearly reports.", POS),
    ("transparency_reporting", "social", "Creators must publish clear pricing information.", NEG),
    ("provenance_marking", "ai_tool", "Outputs are signed with content credentials so others can verify that they came from our model.", POS),
    ("provenance_marking", "ai_tool", "You agree not to strip, obscure or tamper with the provenance metadata embedded in generated images.", POS),
    ("provenance_marking", "ai_tool", "We do not add watermarks to generated images.", NEG),
    ("sexual_content_safeguards", "ai_tool", "Automated systems screen prompts and outputs for sexual content involving minors and stop the generation.", POS),
    ("sexual_content_safeguards", "ai_tool", "We verify your age before unlocking adult content.", NEG),
    ("sexual_content_safeguards", "ai_tool", "You must not try to bypass our filters.", NEG),
]

# third batch: more look-alikes and held-out-style layouts
CASES += [
    ("ncii_prohibited", "dating", "Do not publish pornographic content. Respect the privacy of other members and do not publish your conversations with other members.", NEG),
    ("ncii_prohibited", "adult", "Content must not depict nudity unless all persons depicted are adults.", NEG),
    ("ncii_prohibited", "dating", "You must obtain consent before using another user's photos in your profile.", NEG),
    ("ncii_prohibited", "host", "## Acceptable Use\n\nCustomer may not host content that violates a person's sexual privacy, such as intimate images distributed without consent.", POS),
    ("synthetic_intimate_covered", "social", "AI-generated nude images that resemble a real person are not permitted.", POS),
    ("synthetic_intimate_covered", "ai_tool", "AI-generated artwork is allowed if it is labeled.", NEG),
    ("creation_or_solicitation_prohibited", "social", "Selling access to leaked nudes is prohibited.", POS),
    ("sextortion_prohibited", "social", "Threats to distribute someone's sexual imagery are treated as a severe violation.", POS),
    ("sextortion_prohibited", "social", "We remove content that exposes private information such as home addresses.", NEG),
    ("csam_prohibited", "social", "No content that sexualises anyone under the age of 18.", POS),
    ("csam_prohibited", "host", "Customer will not use the Services to host material that depicts the sexual abuse of children.", POS),
    ("csam_prohibited", "social", "Parents are responsible for supervising their children's use of the app.", NEG),
    ("synthetic_csam_covered", "social", "We do not allow sexual content involving minors. This prohibition also applies to virtual, drawn or AI-made imagery.", POS),
    ("csam_reported_to_authorities", "social", "Where we find child sexual abuse material, we file a CyberTipline report.", POS),
    ("csam_reported_to_authorities", "host", "Suspected exploitation of minors is escalated to law enforcement agencies.", POS),
    ("csam_reported_to_authorities", "social", "If you come across child abuse, you should report it to your local authorities.", NEG),
    ("general_reporting_channel", "host", "To report a site hosted with us, email abuse@example.net with the URL and a description of the problem.", POS),
    ("general_reporting_channel", "dating", "**How do I report someone?**\n\nOpen their profile, tap the menu and choose Report.", POS),
    ("general_reporting_channel", "social", "Report generation is available in the analytics dashboard.", NEG),
    ("ncii_reporting_channel", "social", "Report non-consensual intimate imagery through our dedicated NCII portal.", POS),
    ("ncii_reporting_channel", "social", "Non-consensual intimate imagery is prohibited; report it using the in-app tools.", NEG),
    ("non_user_reporting", "social", "## Report illegal content\n\nYou can submit this form even if you don't have an account with us.", POS),
    ("non_user_reporting", "social", "Anyone can view public profiles without an account.", NEG),
    ("abuse_contact_published", "social", "Notices under the Digital Services Act can be submitted at https://example.org/dsa-notice.", POS),
    ("abuse_contact_published", "social", "Our terms are available at https://example.org/terms.", NEG),
    ("copyright_takedown_channel", "social", "Copyright complaints should be directed to copyright@example.org.", POS),
    ("copyright_takedown_channel", "social", "Copyright infringement is one of the reasons you can report a post.", NEG),
    ("statutory_ncii_process", "social", "In line with the TAKE IT DOWN Act, we remove reported non-consensual intimate images within 48 hours of a valid request.", POS),
    ("ncii_removal_within_48h", "social", "In line with the TAKE IT DOWN Act, we remove reported non-consensual intimate images within 48 hours of a valid request.", POS),
    ("stated_response_time", "social", "In line with the TAKE IT DOWN Act, we remove reported non-consensual intimate images within 48 hours of a valid request.", POS, [48]),
    ("appeal_available", "social", "Disagree with a moderation decision? Tell us why through the appeal form.", POS),
    ("appeal_available", "dating", "You can request reinstatement of your account by emailing support.", POS),
    ("appeal_available", "social", "The court's judgment may be appealed under applicable law.", NEG),
    ("hash_matching", "social", "We add hashes of confirmed intimate images to a shared industry database so they can't be re-uploaded.", POS),
    ("hash_matching", "social", "We use hashed identifiers to measure ad performance.", NEG),
    ("stated_response_time", "social", "Once we receive a complete notice, we will take action within 72 hours.", POS, [72]),
    ("stated_response_time", "social", "Grievances are acknowledged within 24 hours and resolved within 15 days.", POS, [24, 360]),
    ("stated_response_time", "social", "Trial subscriptions renew after 7 days.", NEG),
    ("stated_response_time", "social", "Appeals must be submitted within 14 days of the decision.", NEG),
    ("stated_response_time", "social", "We will reply to your data erasure request within one month.", NEG),
    ("ncii_removal_within_48h", "social", "## Intimate image abuse\n\nWe aim to remove such content within 24 hours of your report.", POS),
    ("ncii_removal_within_48h", "social", "We review reports of intimate images shared without consent within 72 hours.", NEG),
    ("transparency_reporting", "social", "We regularly publish data about the legal requests we receive.", POS),
    ("transparency_reporting", "social", "You can request a report of your account activity.", NEG),
    ("provenance_marking", "ai_tool", "Every image created with the tool carries an AI-generated label that we add automatically.", POS),
    ("provenance_marking", "ai_tool", "Users must label AI-generated posts as such.", NEG),
    ("sexual_content_safeguards", "ai_tool", "Prompts that try to create nude images of real people are blocked automatically.", POS),
    ("sexual_content_safeguards", "ai_tool", "We apply hash matching to uploaded images to detect known CSAM.", POS),
    ("sexual_content_safeguards", "ai_tool", "Adult content is only available to verified adults who opt in through their settings.", NEG),
]

# precision probes for the consent family: the user's own agreement to terms is not the consent
# of the person depicted
CASES += [
    ("ncii_prohibited", "adult", "Do not post nude photos unless you have agreed to the creator terms.", NEG),
    ("ncii_prohibited", "adult", "You may not upload explicit videos if you have not agreed to our content rules.", NEG),
    ("ncii_prohibited", "social", "Sexual content may not be posted in groups without prior approval from the moderators.", NEG),
    ("ncii_prohibited", "adult", "Do not upload sexually explicit content without agreeing to the uploader terms first.", NEG),
    ("sextortion_prohibited", "adult", "Do not post nude images unless you share the model release with us.", NEG),
    ("creation_or_solicitation_prohibited", "social", "Do not ask users to send money, and do not post nude images.", NEG),
]

# fourth batch: response-time, FAQ and gesture phrasings found by probing after the first fixes
CASES += [
    ("stated_response_time", "social", "We'll get back to you within 2 working days about your report.", POS, [48]),
    ("stated_response_time", "social", "Reports are typically reviewed in less than a day.", POS, [24]),
    ("stated_response_time", "social", "Our goal is to remove flagged content within 24h.", POS, [24]),
    ("stated_response_time", "social", "Takedown requests are handled within 1–3 business days.", POS, [24, 72]),
    ("stated_response_time", "social", "We'll get back to you within 2 business days about your billing question.", NEG),
    ("stated_response_time", "social", "We send a summary of new reports to moderators once a day.", NEG),
    ("ncii_removal_within_48h", "social", "Upon receiving a valid request about a non-consensual intimate depiction, we will remove it as soon as possible and no later than 48 hours.", POS),
    ("general_reporting_channel", "dating", "Spotted a fake profile? Let our Trust & Safety team know from the Help menu.", POS),
    ("general_reporting_channel", "social", "Users can notify us of illegal content via the notice form linked in the footer.", POS),
    ("general_reporting_channel", "social", "Let our team know if you'd like to change your plan.", NEG),
    ("hash_matching", "social", "When a victim submits a case, a digital fingerprint of the image is created and shared with participating platforms.", POS),
    ("transparency_reporting", "social", "Each year we release a report describing the number of accounts we suspended for policy violations.", POS),
    ("transparency_reporting", "social", "Each year we release a new version of the app with fewer bugs.", NEG),
    ("non_user_reporting", "social", "You don't have to be registered to use the reporting form.", POS),
    ("non_user_reporting", "social", "You don't have to be registered to browse public posts.", NEG),
    ("appeal_available", "social", "If your account was suspended, you may file an appeal within 30 days.", POS),
    ("sextortion_prohibited", "social", "Do not use intimate images to coerce anyone into doing something.", POS),
]


def _id(i, case):
    exp = {True: "pos", False: "neg", None: "na"}[case[3]]
    return f"{case[0]}-{exp}-{i}"


@pytest.mark.parametrize("case", CASES, ids=[_id(i, c) for i, c in enumerate(CASES)])
def test_paraphrase(case):
    element, kind, text, expected = case[:4]
    res = audit_target([Document(name="Policy.md", text=text)], service="Example", target_id="example", kind=kind)
    el = res.elements[element]
    assert el.met is expected, el.reason
    for ev in el.evidence:
        assert ev.quote in text
    if element == "stated_response_time" and expected:
        assert sorted(el.hours) == sorted(float(h) for h in case[4])


def test_every_element_has_positives_and_negatives():
    for el in rubric.ELEMENTS:
        pos = [c for c in CASES if c[0] == el.id and c[3] is True]
        neg = [c for c in CASES if c[0] == el.id and c[3] is not True]
        assert len(pos) >= 4 and len(neg) >= 3, el.id
