"""Category R detectors — how a victim gets content down: general and NCII-specific reporting
channels, reporting open to non-users, published abuse contacts, copyright takedown notices,
statutory NCII processes, appeals, and hash matching.
"""
from __future__ import annotations

import re

from audits import patterns as P
from audits.detectors import Context, Hit, detector, near_miss
from audits.detectors.common import specificity
from audits.detectors.policy import _ncii_concept
from audits.segment import Segment

_MISUSE = re.compile(r"\b(?:misus\w*|abuse of|abuse (?:any|the|our)|abusing|false(?:ly)?|frivolous|fraudulent\w*|spam\w*|manipulat\w*|bad[- ]faith|interfer\w* with|circumvent\w*|"
                     r"baseless|unfounded|meritless|vexatious|abusive|repeated|excessive|duplicate)"
                     r"\s+(?:\w+\s+){0,2}(?:report\w*|flag\w*|appeal\w*|notices?)", re.I)
_NOT_CONTENT = re.compile(r"\b(?:vulnerabilit\w*|security (?:issue|bug|flaw)s?|bugs?|bug bounty|technical (?:problem|issue)s?|outages?|billing|payment|refund|"
                          r"no longer secure|compromised|unauthori[sz]ed (?:use|access)|security breach|"
                          r"disputes?|send (?:a |the )?notice to you|"
                          r"arbitrat\w*|opt[- ]out|reject (?:the|any|this|such) changes?|changes? to (?:these|the|this) (?:terms|agreement)|"
                          # faults of the service, and the user's own subscription, order or account
                          r"faults?|fault[- ]free|errors? or performance|performance (?:issues?|problems?)|problems? (?:when |while )?using|"
                          r"cancel\w* (?:\w+ )?(?:subscriptions?|membership|orders?|plan)|subscription (?:term|period|renewal)|changes? to your orders?|"
                          r"(?:report|notify us of) (?:any )?misuse (?:of|by contacting)|(?:your|the) account unless)\b", re.I)
_USER_TO_POLICE = re.compile(r"\b(?:you|users?) (?:should|can|may|must) (?:\w+ ){0,3}report (?:\w+ ){0,3}to (?:the )?(?:police|law enforcement|authorities)\b", re.I)
# a notice route that also covers other rights, rule breaches or illegal content is general
_BEYOND_IP = re.compile(r"\b(?:any other rights?|other (?:legal )?rights|privacy|illegal|unlawful|harmful|abus\w*|inappropriate|"
                        r"violat\w* (?:\w+ ){0,3}(?:terms|polic(?:y|ies)|guidelines|rules|standards|law)|(?:terms|polic(?:y|ies)|guidelines|rules) (?:violations?|breach\w*))\b", re.I)
_REPORT_CORE = re.compile(
    r"\b(?:report(?:s|ed|ing)?|flag(?:s|ged|ging)?|notify us|let us know|let (?:our|the) (?:[\w&]+ ){0,3}(?:team|moderators|staff) know|tell us|complain(?:t|ts)?|grievances?|"
    r"(?:submit|send|file)\w* (?:\w+ ){0,3}(?:notices?|notifications?|complaints?|claims?|reports?)|takedown (?:notices?|requests?)|"
    r"removal requests?|request (?:the )?(?:prompt )?removal|"
    r"signal(?:er|ez|é|ée|és|ées|ement|ements|ant)|melde(?:n|t|st)?|meldung(?:en)?|meldefunktion|beschwerde(?:n)?)\b", re.I)
# choosing the Report option in a menu is a reporting gesture ("Select Report", "choose 'Flag'")
_SEND_TO = re.compile(r"\b(?:e-?mail\w*|write|writing|contact\w*|submit\w*|send\w*|sent|directed|addressed|requests? to remove|fil(?:e|ing)|fill\w* (?:in|out)|use|using)\b", re.I)
_UI_PICK = re.compile(r"\b(?:select|choose|pick|hit)\s+(?:the\s+)?[\"“‘']?(?:report|flag)\b", re.I)
_LINKISH = re.compile(r"\]\(|https?://|www\.|@\w", re.I)


def _links(text: str) -> list[tuple[str, str]]:
    """(link text, target) of Markdown links and bare URLs/e-mails in `text`."""
    out = [(m.group(1), m.group(2)) for m in P.MD_LINK.finditer(text)]
    stripped = P.MD_LINK.sub(" ", text)
    out += [("", m.group(0)) for m in P.BARE_URL.finditer(stripped)]
    out += [("", "mailto:" + m.group(0)) for m in P.EMAIL.finditer(stripped)]
    return out


def _has_channel(text: str) -> str | None:
    for label, target in _links(text):
        # an e-mail, or a link that is itself a contact/report point (not a homepage or policy link)
        if _contact_link(label, target):
            return "link/address"
    m = P.CHANNEL.search(text)
    return m.group(0) if m else None


@detector("general_reporting_channel", "no description of how to report content that breaks the rules or the law",
          gate=("report", "flag", "notify", "let us know", "team know", "moderators know", "staff know", "tell us", "complain", "grievance", "notice", "takedown", "removal", "signal", "meld", "beschwerde"))
def general_reporting(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    rep = _REPORT_CORE.search(text)
    if not rep:
        # a UI label such as the "Report" link or a [Report content](…) link
        m = re.search(r"\[(?:report|flag)[^\]]*\]\(|[\"“‘']report(?: \w+){0,2}[\"”’']", text, re.I)
        if not m:
            return None
        rep = m
    chan = _has_channel(text) or (_UI_PICK.search(text) and "report option")
    if not chan:
        return None
    obj = P.REPORT_OBJECT.search(text)
    if not obj and seg.prev and seg.prev in seg.block and seg.prev.rstrip().endswith("?") and len(seg.prev) < 120:
        obj = P.REPORT_OBJECT.search(seg.prev)      # "Spotted a fake profile? Let our team know …"
    if not obj and (seg.is_item or len(text) < 160):
        # a step of a how-to-report flow: the heading or lead-in says what is reported
        # ("How do I report a post?" ⏎ "2. Select Report and choose a reason.")
        for c in seg.headings[-1:] + seg.leads[-1:]:
            if _REPORT_CORE.search(c) and not _NOT_CONTENT.search(c) and not _MISUSE.search(c):
                obj = P.REPORT_OBJECT.search(c)
                if obj:
                    break
    if not obj and not _LINKISH.search(text):
        return None
    plain = P.MD_LINK.sub(lambda m: m.group(1), text)          # link targets say nothing about misuse
    if _MISUSE.search(plain) or _NOT_CONTENT.search(plain) or _USER_TO_POLICE.search(plain):
        return None
    if re.search(r"\b(?:flagged|reported|removed|restricted|suspended|actioned) (?:\w+ )?(?:incorrectly|in error|by mistake|wrongly|mistakenly|unfairly)\b", plain, re.I):
        return None            # the user's own content flagged in error: an appeal, not a report
    if re.search(r"\b(?:reports?|requests?) (?:\w+ ){0,2}from (?:law enforcement|government|authorit)", text, re.I):
        return None
    if re.search(r"\bwe (?:may |will |can |might )?(?:send|provide|email|e-mail|give) (?:you|users|customers)\b|\b(?:usage|activity|billing|analytics) reports?\b", text, re.I):
        return None            # reports the service sends out, not reports it receives
    if P.NEGATED_FACT.search(text) and not re.search(r"\byou (?:can|may)\b", text, re.I):
        return None
    copyright_only = re.search(r"copyright|intellectual property|infring|dmca|trademark", text, re.I) and not _BEYOND_IP.search(text)
    instructive = re.search(r"\b(?:you (?:can|may|should)|please|to report|report (?:it|this|them|content|posts?|users?|profiles?|accounts?|violations?|any))\b", text, re.I)
    score = 2.5 + (0.5 if instructive else 0) + (0.3 if re.match(r"report|flag", rep.group(0).strip(), re.I) else -0.3) \
        - (0.7 if copyright_only else 0) + specificity(seg)
    return Hit(seg, score, f"reporting '{rep.group(0).strip()}' via '{chan}'")


_NCII_LINK = re.compile(r"intimate|ncii|non-?consensual|nud(?:e|ity)|naked|revenge|private (?:images|media|content)|privacy", re.I)
_NCII_WORDS = re.compile(r"intimate|nud(?:e|es|ity)|naked|sexual(?:ly)?[- ]explicit (?:images?|imagery|photos?|videos?|media)|revenge porn|ncii|non-?consensual", re.I)
_NCII_ADDRESS = re.compile(r"intimate|ncii|non-?consensual|revenge", re.I)
_PICK = re.compile(r"\b(?:select|choose|pick|tap|click)\b", re.I)
_DEDICATED = re.compile(r"\b(?:dedicated|specific|specialized|special|separate)\b[^.;]{0,40}\b(?:forms?|channels?|address|team|process|category|options?|tools?|portal|page)\b", re.I)
_GENERAL_ROUTE = re.compile(r"\b(?:inline|general|standard|usual|regular|same) (?:report\w*|flag\w*|form|feature|tools?|mechanism|process)|for general violations|report (?:feature|button|link) (?:on|in) (?:the|our|any)", re.I)
_REMOVAL_RIGHT = re.compile(r"\b(?:right to|may|can) (?:\w+ ){0,3}(?:request|ask for|seek) (?:the )?(?:\w+ )?removal\b", re.I)


@detector("ncii_reporting_channel", "only a general reporting channel; nothing specific to intimate imagery",
          gate=("report", "flag", "notify", "let us know", "tell us", "complain", "grievance", "notice", "takedown", "removal", "remov", "dedicated", "](",
                "@", "http", "select", "choose", "pick"))
def ncii_reporting(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    links = _links(text)
    # an address or link that names intimate imagery ("email ncii@…", ".../intimate-images-report")
    # with a verb of sending a request to it (a help article "for more information" is not a channel)
    ncii_address = any(_NCII_ADDRESS.search(target) for _, target in links) and bool(_SEND_TO.search(text)) \
        and not re.search(r"\b(?:more information|learn more|read more|resources?|support services?)\b", text, re.I)
    # a step of a reporting flow, under a heading/lead-in about reporting ("Choose 'Nudity', then 'Shared without my consent'")
    pick_step = bool(_PICK.search(text)) and (seg.is_item or len(text) < 200) and bool(
        _REPORT_CORE.search(" ".join(seg.headings[-1:] + seg.leads[-1:] + ([seg.prev] if seg.prev in seg.block else []))))
    if not (_REPORT_CORE.search(text) or re.search(r"\[[^\]]*(?:report|remov|takedown|request|form)[^\]]*\]\(", text, re.I)
            or _DEDICATED.search(text) or ncii_address or pick_step):
        return None
    around = " ".join([text, seg.prev] + seg.headings[-1:])
    ncii = _ncii_concept(text) or _NCII_WORDS.search(text)
    if not ncii and not _ncii_concept(around):
        return None
    specific = None
    for label, target in _links(text):
        if label and _NCII_LINK.search(label) and re.search(r"report|remov|flag|request|form", label + " " + text, re.I):
            specific = f"dedicated link '{label[:60]}'"
            break
        if _NCII_LINK.search(target):
            specific = "dedicated address"
            break
    if not specific and _DEDICATED.search(text) and ncii:
        specific = "dedicated channel"
    if not specific and ncii and _REMOVAL_RIGHT.search(text) and (P.INTIMATE_IMAGERY.search(text)):
        specific = "intimate-imagery removal request"
    if not specific and ncii:
        # a named report category: what is picked names intimate imagery shared without consent
        for m in _PICK.finditer(text):
            window = text[m.end():m.end() + 120]
            if re.search(r"intimate|non-?consensual|revenge|ncii", window, re.I) or _ncii_concept(window) \
                    or (P.CONSENT.search(window) and P.INTIMATE_IMAGERY_STRICT.search(text)):
                specific = "named report category"
                break
    if not specific:
        return None
    if _GENERAL_ROUTE.search(text) and "dedicated" not in specific:
        return None
    return Hit(seg, 3.0 + specificity(seg), f"intimate-imagery reporting path: {specific}")


@near_miss("ncii_reporting_channel")
def _ncii_rep_near(seg: Segment, ctx: Context) -> str | None:
    if _REPORT_CORE.search(seg.text) and (_ncii_concept(seg.text) or P.INTIMATE_IMAGERY.search(seg.text)):
        return "intimate imagery is named but the route given is the general reporting channel"
    return None


_NONUSER = P.rx(
    r"not (?:a|an) (?:\w+ )?(?:user|member|customer|subscriber|account holder)", r"(?:don[’']t|do not|does not|doesn[’']t) have (?:a|an) (?:\w+ )?account",
    r"without (?:a|an|having (?:a|an)) (?:\w+ )?account", r"(?:people|persons|those|anyone|individuals) who (?:do not|don[’']t|are not|aren[’']t) (?:use|have|registered|members?|users?)",
    r"non-?users?", r"non-?members?", r"not (?:registered|logged in|signed in)",
    r"(?:anyone|any person|any individual|any other individual|everyone|any member of the public|members of the public|the public|third part(?:y|ies))(?: \w+){0,4} (?:can|may|has the right to|is able to)",
    r"whether or not you (?:are|have)", r"no (?:need|requirement) (?:for|to have|to create) (?:a|an) account", r"(?:even|also) if you (?:are not|aren[’']t|do not|don[’']t)",
    r"(?:do not|don[’']t|does not|doesn[’']t|need not|will not) (?:need|require) (?:a|an|to have (?:a|an)|to (?:create|register|sign up for) (?:a|an)) (?:\w+ )?account",
    r"regardless of whether (?:\w+ ){0,2}(?:have|has|hold|holds|are|is) (?:an? )?(?:\w+ )?(?:account|users?|members?|customers?)",
    r"by anyone", r"open to (?:anyone|everyone|all|the public)",
    r"(?:do not|don[’']t|does not|doesn[’']t|need not) (?:have to|need to) (?:be (?:registered|a (?:\w+ )?(?:user|member|customer|subscriber)|logged in|signed in)|have (?:a|an) (?:\w+ )?account)",
    r"or any other individual", r"any individual", r"logged[- ]out", r"without (?:logging|signing) in", r"(?:need not|do not need to|don[’']t need to|doesn[’']t need to) (?:be|have)",
)


@detector("non_user_reporting", "nothing says people without an account can report",
          gate=("not a", "not an", "who are not", "who do not", "who don't", "who aren't", "do not use", "don't use", "account", "non-", "nonuser", "non user", "registered", "logged", "signed in", "anyone", "any person", "any individual", "any other individual", "everyone", "public", "third part", "whether or not", "even if", "also if", "need not", "need to"))
def non_user(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    m = _NONUSER.search(text)
    if not m:
        return None
    if re.search(r"\b(?:cannot|can[’']t|can not|unable to|may not|only (?:registered|logged[- ]in|signed[- ]in)|must (?:first )?(?:be logged in|be signed in|have an account|sign in|log in|register))\b", text, re.I):
        return None                      # reporting closed to people without an account
    report_ctx = _REPORT_CORE.search(text) or re.search(r"\bcomplaints?\b|\bnotices?\b|\btakedown\b", text, re.I) or (
        re.search(r"\b(?:forms?|portal|web ?form|tool|channel)\b", text, re.I)
        and re.search(r"\b(?:illegal|unlawful|abus\w*|harmful|violat\w*|victims?|removal|infring\w*|intimate)\b", text, re.I))
    if not report_ctx:
        # "Anyone can use this form" on a page or under a heading about reporting
        if len(text) < 250 and re.search(r"\b(?:this|the|our) (?:form|page|tool|channel|address)\b", text, re.I) \
                and _REPORT_CORE.search(" ".join(seg.headings[-1:] + [seg.prev])):
            report_ctx = True
    if not report_ctx:
        return None
    if re.search(r"\bthird part(?:y|ies)\b", m.group(0), re.I) and not re.search(r"report|notice|complain", m.group(0), re.I):
        # "third parties may …" is often about something else; require the verb in the match window
        if not re.search(r"third part(?:y|ies)(?: \w+){0,4} (?:can|may) (?:\w+ ){0,2}(?:report|submit|file|notify|send)", text, re.I):
            return None
    return Hit(seg, 3.0 + specificity(seg), f"reporting open to '{m.group(0)}'")


_PRIVATE_MAILBOX = re.compile(r"^(?:privacy|dpo|dataprotection|data-protection|gdpr|press|media|careers|jobs|sales|billing|partners?|marketing|investors?|accessibility|feedback|hello|info)$", re.I)
# a link is a contact point when its text says so, or its path (not its host) does
_CONTACT_LABEL = re.compile(r"\b(?:report\w*|contact\w*|forms?|here|this page|this link|abuse (?:form|team|desk|page|portal|reports?)|dmca|aide|assistance|hilfe|notices?|complain\w*|takedown|requests?|appeal\w*|help ?cent(?:er|re)|"
                            r"support|feedback|let us know|e-?mail us|send us|submit\w*|flag\w*|signal\w*|meld\w*|kontakt\w*|contacter|"
                            r"customer (?:services?|care|support)|service client\w*|kundenservice|grievance officer)\b", re.I)
_CONTACT_PATH = re.compile(r"(?<![a-z])(?:report\w*|abuse|contact\w*|forms?|dmca|complaints?|takedowns?|notices?|dsa|copyright|infringement|illegal[-_]content|feedback|requests?|appeals?|flag\w*|grievances?|support|help|tickets?|kontakt|signal\w*|faqs?)(?![a-z])", re.I)


def _contact_link(label: str, target: str) -> bool:
    if target.lower().startswith("mailto:"):
        return True
    if target.startswith("#"):
        return False                     # a link to another section of the same page
    if _CONTACT_LABEL.search(label) and not _DOCUMENT_LINK.search(label):
        return True
    path = re.sub(r"^(?:https?://)?[^/]*", "", target)
    return bool(_CONTACT_PATH.search(path)) and not _DOCUMENT_LINK.search(path)
_DOCUMENT_LINK = re.compile(r"privacy|terms|polic(?:y|ies)|guidelines|cookie|agreement|conditions|consent|legal/(?:privacy|terms)|standards|rules", re.I)
_GENERIC_LABEL = re.compile(r"here|this page|this link|link|website|site|page|click here|ici|hier", re.I)
_INSTRUCTION = re.compile(r"\b(?:to report|you (?:can|may|should) (?:\w+ )?(?:report|contact|submit|send|notify|file|email|e-mail|write)|please (?:\w+ )?(?:report|contact|submit|send|notify|email|e-mail|write|visit|use)|"
                          r"report (?:it|this|them|content|a|any|the|violations?|abuse)|contact us|let us know|should be (?:sent|submitted|directed|addressed)|must be (?:sent|submitted|emailed|e-mailed)|"
                          r"signal\w*|melde\w*)\b", re.I)
_NOT_ABUSE = re.compile(r"\b(?:opt(?:[- ]| to )out|arbitrat\w*|cancel\w*|refund\w*|billing|unsubscrib\w*|privacy|data protection|personal data|gdpr|dispute\w*)\b", re.I)
_REPORT_ROLE = re.compile(r"report\w*|abuse|notices?|notifications?|copyright|dmca|infring\w*|illegal|unlawful|takedown|complain\w*|violat\w*|signal\w*|meld\w*", re.I)
_OBFUSCATED = re.compile(r"email[ -]?protect|\[email\s*(?:&#160;|\s)?protected\]|cdn-cgi", re.I)


@detector("abuse_contact_published", "no e-mail address or URL given for abuse, illegal-content or legal notices",
          gate=("@", "http", "www."))
def abuse_contact(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    links = [(lbl, tgt) for lbl, tgt in _links(text) if not _OBFUSCATED.search(tgt) and not tgt.startswith("#")
             and re.match(r"(?:https?://|www\.|mailto:)", tgt.strip(), re.I)]
    if not links:
        return None
    plain = P.MD_LINK.sub(lambda m: m.group(1), text)
    own_role = P.ROLE.search(plain)
    prev = seg.prev if seg.prev and seg.prev in seg.block else ""      # same paragraph only
    off_topic = _NOT_ABUSE.search(P.MD_LINK.sub(lambda m: m.group(1), text))
    ctx_role = P.ROLE.search(" ".join([prev] + seg.leads + seg.headings[-1:]))
    short_line = len(P.MD_LINK.sub(lambda m: m.group(1), text)) < 80
    best = None
    for label, target in links:
        is_mail = target.lower().startswith("mailto:")
        if is_mail:
            box = target[7:].split("@")[0].strip()
            if off_topic and not P.ROLE_MAILBOX.match(box):
                continue
            if _PRIVATE_MAILBOX.match(box) and not own_role:
                continue
            if P.ROLE_MAILBOX.match(box):
                best = best or ("role mailbox", target)
                continue
            if own_role or (short_line and ctx_role):
                best = best or ("e-mail for " + (own_role or ctx_role).group(0), target)
            continue
        # a URL counts when the link itself is a contact/report point and the sentence gives it that role
        if off_topic:
            continue
        if _GENERIC_LABEL.fullmatch(label.strip(" *_")) and not _CONTACT_PATH.search(re.sub(r"^(?:https?://)?[^/]*", "", target)) \
                and not _INSTRUCTION.search(plain):
            continue                     # "[here](…)" in a sentence that asks nobody to report anything
        if not _contact_link(label, target):
            # a policy page counts only when the sentence says notices/reports go there
            if not (_DOCUMENT_LINK.search(label + " " + target) and re.search(
                    r"\b(?:to report|report (?:claims?|content|it)|submit\w* (?:a |your )?(?:notice|report|claim)|send (?:us )?(?:a |your )?notice)", text, re.I)):
                continue
        if own_role or (short_line and ctx_role):
            best = best or ("URL for " + (own_role or ctx_role).group(0), target)
    if not best:
        return None
    role_word, target = best
    role_target = P.ROLE.search(target.replace("mailto:", "").replace("-", " ").replace("_", " "))
    score = 2.5 + (0.5 if target.lower().startswith("mailto:") else 0) + (0.3 if own_role else 0) + (0.6 if role_target else 0) \
        + (0.4 if _INSTRUCTION.search(plain) and _REPORT_ROLE.search(plain) else 0) \
        - (0.8 if re.search(r"disput\w*|arbitrat\w*|\bcourt\b|lawsuit|governing law|amendment|questions about", plain, re.I) else 0) + specificity(seg)
    return Hit(seg, score, f"{role_word}: {target[:80]}")


@near_miss("abuse_contact_published")
def _abuse_near(seg: Segment, ctx: Context) -> str | None:
    if _OBFUSCATED.search(seg.text) and P.ROLE.search(seg.text):
        return "the abuse/legal address appears only as an obfuscated placeholder"
    if re.search(r"abuse (?:department|team)|legal department", seg.text, re.I):
        return "an abuse/legal department is named but no address or URL is given"
    return None


_COPY = P.rx(r"droits? d[’']auteur", r"contrefa[çc]on", r"propri[ée]t[ée] intellectuelle", r"urheberrecht\w*", r"geistig\w* eigentum\w*",
             r"copyright\w*", r"dmca", r"digital millennium copyright act", r"intellectual property", r"rights? ?holders?",
             r"infring\w*(?! (?:\w+ ){0,2}(?:criminal|penal|the law|laws?|these terms|this agreement|privacy|personality|rights of (?:others|third)))",
             r"designated agent", r"17 u\.s\.c")
_COPY_PROC = re.compile(
    r"\b(?:send|submit|file|email|e-mail|mail|fax|complete|fill(?:ing)? out|contact|notify|visit|see|refer to|follow|report|direct)(?:s|ed|ing)?\b"
    r"[^.;]{0,120}\b(?:notices?|notifications?|claims? of (?:\w+ )?infringement|forms?|agent|(?:copyright|dmca|ip|intellectual property|infringement) (?:policy|guidelines|page|help ?cent(?:er|re)|process)|help ?cent(?:er|re)|webform)\b"
    r"|\buse\b[^.;]{0,60}\b(?:web ?form|form|portal|tool)\b"
    r"|\bdesignated (?:copyright )?agent\b|\bcopyright agent\b|\bdmca agent\b|\bagent (?:designated )?to receive\b"
    r"|\b(?:notices?|notifications?|complaints?|claims?|requests?|reports?)\b[^.;]{0,40}\b(?:should|must|may|can|are to) be (?:sent|submitted|directed|addressed|filed|made|e-?mailed|reported)\b"
    r"|\bfollowing information\b|\b(?:report|claim|notice|notification|takedown|removal) (?:web)?form\b|\bnotice[- ]and[- ]takedown\b"
    r"|\bhow to (?:make|file|submit|send|report)\b|\brequirements of a (?:proper|valid) notice"
    r"|\b(?:signal\w*|notifi\w*|envoy\w*|adress\w*|melden|meldet|senden|wenden)\b[^.;]{0,120}\b(?:notification|formulaire|signalement|adresse|meldung|formular|mitteilung|e-mail)\b",
    re.I)


@detector("copyright_takedown_channel", "no copyright/DMCA notice procedure or address",
          gate=("notice", "notification", "form", "agent", "infring", "copyright", "dmca", "claim", "help cent", "webform", "information", "report", "auteur", "contrefa", "propriété", "urheberrecht", "signal", "meld"))
def copyright_takedown(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    c = _COPY.search(text)
    ctx_copy = None
    if not c:
        ctx_copy = _COPY.search(" ".join([seg.prev] + seg.leads + seg.headings[-2:]))
        if not ctx_copy:
            return None
    proc = _COPY_PROC.search(text)
    if not proc:
        return None
    if re.search(r"counter[- ]?notic|counter[- ]?notification", text, re.I) and not re.search(r"(?<!counter[- ])(?<!counter)\bnotice of (?:claimed )?infringement|takedown notice", text, re.I):
        return None
    if _COPY_EXCL.search(text):
        return None
    if re.search(r"repeat infring", text, re.I) and not re.search(r"\b(?:send|submit|file|agent|form)\b", text, re.I):
        return None
    if not c and not (_links(text) or len(text) < 120):
        return None
    score = 2.5 + (0.5 if c else 0) + (0.3 if _links(text) else 0) - (0.8 if re.search(r"on (?:your|its|their) behalf", text, re.I) else 0) + specificity(seg)
    return Hit(seg, score, f"copyright notice procedure: '{proc.group(0)[:60].strip()}'")


_COPY_EXCL = re.compile(r"\b(?:file (?:a )?suit|lawsuit|court|waive|without (?:first )?obtaining|claims? against (?:us|you)|indemnif\w*|"
                        r"(?:third[- ]party|someone|anyone) (?:\w+ ){0,2}claims? that (?:your|you)|you (?:must|shall|will) not|may not|agree not)\b", re.I)


_STATUTE = P.rx(r"take it down act", r"tools to address known exploitation by immobilizing technological deepfakes",
                r"online safety act", r"image[- ]based abuse scheme", r"esafety commissioner")
_STATUTE_STRONG = P.rx(r"take it down act", r"tools to address known exploitation by immobilizing technological deepfakes")
_ELEMENTS = (r"signature", r"identif\w+ (?:\w+ ){0,3}(?:content|material|image|depiction|location|url)", r"(?:statement|state|declar\w+)[^.;]{0,80}(?:not consent|without (?:\w+ )?consent|non-?consensual|did not (?:consent|authori[sz]e))",
             r"contact (?:information|details)")


def _siblings(seg: Segment, ctx: Context) -> str:
    """The text of the list items sharing this item's lead-ins and headings (its list)."""
    index = getattr(ctx, "_sibling_index", None)
    if index is None:
        index = {}
        for s in ctx.segments:
            if s.is_item and s.leads:
                index.setdefault((s.doc, tuple(s.leads), tuple(s.headings)), []).append(s.text)
        ctx._sibling_index = index
    return " ".join(index.get((seg.doc, tuple(seg.leads), tuple(seg.headings)), [])[:12])


@detector("statutory_ncii_process", "no intimate-imagery removal process tied to a statute (e.g. the TAKE IT DOWN Act)",
          gate=("take it down", "online safety", "image-based abuse", "esafety", "signature", "identif", "statement", "good faith", "contact information", "contact details"))
def statutory(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    m = _STATUTE.search(text)
    around = " ".join([text, seg.prev] + seg.leads + seg.headings[-2:])
    if m:
        strong = _STATUTE_STRONG.search(text)
        intimate = strong or _ncii_concept(around) or P.INTIMATE_IMAGERY.search(around)
        if intimate and re.search(r"remov\w*|request\w*|notice\w*|report\w*|takedown|take down", text, re.I):
            return Hit(seg, 4.0 + specificity(seg), f"statute '{m.group(0)}' with an intimate-imagery removal request")
        return None
    # a removal request for intimate imagery listing the statutory elements; a list item is read
    # with its sibling items ("A valid request must include: (a) your signature; (b) …")
    if seg.is_item and seg.leads:
        around = " ".join([around, _siblings(seg, ctx)])
    found = [e for e in _ELEMENTS if re.search(e, around, re.I)]
    if len(found) >= 3 and (_ncii_concept(around) or P.INTIMATE_IMAGERY.search(around)) and not re.search(r"copyright|dmca|infring", around, re.I):
        return Hit(seg, 3.0 + specificity(seg), "intimate-imagery removal request listing statutory elements (signature, identification, statement of non-consent, contact)")
    # the statutory request elements listed for intimate imagery
    if _STATUTE.search(around) and re.search(r"signature|identif\w+|statement|good faith|contact information", text, re.I):
        return Hit(seg, 3.0 + specificity(seg), "statutory NCII request element")
    return None


_APPEAL = P.rx(
    r"appeal(?:s|ed|ing)?", r"contest(?:s|ed|ing)?", r"(?:challenge|dispute) (?:the|a|an|this|that|our|any|such|their|your) (?:\w+ ){0,2}(?:decision|removal|strike|action|suspension|ban|termination|takedown|restriction|enforcement|deactivation|warning)s?",
    r"request (?:a |an |another |an additional |a second )?(?:review|re-review|reconsideration)", r"ask (?:us )?(?:for a |to )?(?:review|reconsider)",
    r"counter[- ]?notices?", r"counter[- ]?notifications?", r"reconsider\w*", r"out-of-court dispute settlement\w*",
    r"request (?:\w+ ){0,2}reinstatement", r"ask (?:us )?(?:\w+ ){0,2}to (?:reinstate|restore)",
    r"complain\w* (?:against|about) (?:the|our|this|that|a|any|such) (?:\w+ )?decisions?", r"internal complaint[- ]handling(?: system)?",
    r"disagree with (?:the|our|this|that|a|any|such) (?:\w+ )?(?:decision|removal|action|strike|suspension|ban)s?",
    r"contester (?:la|cette|une|toute) (?:\w+ )?d[ée]cision", r"r[ée]clamation (?:contre|concernant) (?:la|une|cette) d[ée]cision",
    r"faire appel", r"(?:widerspruch|einspruch|beschwerde) (?:\w+ ){0,3}(?:gegen|über) (?:die|diese|eine|unsere) (?:\w+ )?(?:entscheidung|sperrung|löschung|entfernung)\w*",
    r"(?:in error|by mistake|mistakenly|wrongly|wrongfully|incorrectly|made a mistake|misidentification|erroneous(?:ly)?|unfairly)",
)
_MOD = P.rx(r"d[ée]cision\w*", r"suppression", r"supprim\w*", r"entscheidung\w*", r"sperrung", r"gesperrt", r"entfern\w*", r"löschung",
            r"contenus?", r"comptes?", r"inhalte?", r"konto", r"remov\w*", r"suspen\w*", r"terminat\w*", r"strikes?", r"bann?(?:ed|s)?", r"restrict\w*", r"disabled?", r"moderat\w*",
            r"warn\w*", r"flagged", r"content", r"account", r"takedown", r"taken down", r"blocked", r"enforcement", r"action", r"material", r"video", r"post")
_EXPLICIT_APPEAL = re.compile(r"appeal|contest|challenge|dispute|request|ask|counter|reconsider|out-of-court|complain|internal|disagree|r[ée]clam|faire|widerspruch|einspruch|beschwerde", re.I)
_WAY = re.compile(r"\b(?:contact|appeal|e-?mail|form|let us know|request|submit|reach out|file|consult|help ?cent(?:er|re)|link|tool|portal|send|may|can|process|button|option)\w*", re.I)
_HANDLED_APPEALS = re.compile(r"\b(?:review|reviews|reviewing|handle|handles|handling|process|processes|processing|adjudicate\w*|"
                              r"decide|deciding|respond(?:s|ing)? to|resolve|resolving) (?:\w+ ){0,2}appeals?\b", re.I)
_USER_ROUTE = re.compile(r"\b(?:you|users?|members?|creators?|uploaders?|account holders?|people|anyone)\b(?: \w+){0,3} "
                         r"(?:can|may|could|are able to|have the right to|will be able to)\b|\b(?:submit|file|send|lodge|make|request)\w* (?:\w+ ){0,2}"
                         r"(?:an? )?appeals?\b|\bappeal (?:form|tool|button|page|process|request|link)\b|\bto appeal\b|"
                         r"\b(?:e-?mail|contact|form|in-app)\b", re.I)
_APPEAL_EXCL = re.compile(r"\b(?:harmless|indemnif\w*|convictions?|lawsuits?|legal actions?|proceedings|arbitrat\w*|court|tribunal|tribunaux|juridiction\w*|m[ée]diat\w*|gericht\w*|schlichtung\w*|widerrufsrecht|judg(?:e|ment|ement)s?|jury|class action|small claims|appeal(?:s|ing)? to (?:minors|children|a\b|an\b|the\b|people|users|prurient|sexual)|sex appeal|appealing|employment|candidates?|hiring)\b", re.I)


@detector("appeal_available", "no way to appeal or contest a moderation decision, and no counter-notice",
          gate=("appeal", "complain", "reinstat", "contest", "challenge", "dispute", "disagree", "review", "counter", "reconsider", "out-of-court", "error", "mistake", "wrong", "incorrect", "misidentif", "erroneous", "unfair", "réclam", "reclam", "appel", "widerspruch", "einspruch", "beschwerde"))
def appeal(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    found = list(_APPEAL.finditer(text))
    if not found:
        return None
    # an explicit route ("you can appeal") beats an earlier "if we made a mistake"
    a = next((m for m in found if _EXPLICIT_APPEAL.match(m.group(0))), found[0])
    # a counter-notice contests a removal by definition: a sentence saying how to send one counts
    counter = re.match(r"counter", a.group(0), re.I) and len(text) > 50 and not seg.is_heading \
        and re.search(r"\b(?:send|submit|fil(?:e|ing)|provid|serv(?:e|ing)|permit|may|can)\w*\b", text, re.I) \
        and not re.search(r"\bfalse\b|perjury|misrepresent", text, re.I)
    bypass = not _MOD.search(text)
    # "Disagree with a decision? Use the appeal form." — the decision is named in the sentence before
    follow_up = bypass and re.match(r"appeal", a.group(0), re.I) and _WAY.search(text) and seg.prev and seg.prev in seg.block \
        and re.search(r"\b(?:decision|remov\w*|suspen\w*|terminat\w*|restrict\w*|bann?ed|disabled|taken down|strikes?|moderat\w*)\b", seg.prev, re.I)
    if bypass and not (counter or follow_up):
        return None
    if _APPEAL_EXCL.search(text) and not re.search(r"out-of-court|counter[- ]?notic", text, re.I):
        return None
    if _MISUSE.search(P.MD_LINK.sub(lambda m: m.group(1), text)) and not re.search(r"\byou (?:can|may)\b", text, re.I):
        return None
    if re.search(r"\b(?:not|no) (?:be )?(?:subject to |right to |able to )?(?:appeal|review)|final and (?:binding|not)|cannot be appealed", text, re.I):
        return None
    # appeals only as something reviewers handle ("… assign labels, and review appeals in a timely
    # manner") says nothing about how a user appeals: no user, no route
    if _HANDLED_APPEALS.search(text) and not _USER_ROUTE.search(text):
        return None
    word = a.group(0).lower()
    is_error_phrase = not _EXPLICIT_APPEAL.match(word)
    if is_error_phrase and not _WAY.search(text):
        return None
    if is_error_phrase and not re.search(r"\b(?:believe|think|feel|if)\b", text, re.I):
        return None
    if is_error_phrase and not re.search(r"\b(?:remov\w*|suspen\w*|terminat\w*|disabl\w*|restrict\w*|bann?\w*|block\w*|strikes?|flagged|taken down|warn\w*|"
                                         r"moderat\w*|decision\w*|enforcement|action (?:taken|against)|d[ée]cision\w*|supprim\w*|entscheidung\w*|gesperrt|entfernt)", text, re.I):
        return None
    if re.match(r"contest", word) and not re.search(r"decision|removal|strike|suspen|terminat|takedown|claim", text, re.I):
        return None
    score = 3.0 + (0.5 if re.match(r"appeal|counter", word) else 0) - (0.7 if bypass else 0) + specificity(seg)
    return Hit(seg, score, f"appeal route: '{a.group(0)}'")


_HASH = P.rx(
    r"hash(?:es|ing|ed)?(?:[- ](?:match\w*|lists?|values?|sharing|databases?|technolog\w+|based))?", r"photo ?dna", r"stop ?ncii(?:\.org)?",
    r"csai match", r"pdq", r"tmk\+pdqf", r"digital fingerprint\w*", r"(?:image|video|perceptual) fingerprint\w*", r"fingerprint(?:s|ing)?",
    r"perceptual hash\w*", r"take it down(?:\.ncmec\.org)?",
)
_HASH_NAMED = re.compile(r"photo ?dna|stop ?ncii|csai match|\bpdq\b|take it down", re.I)
_HASH_ABUSE = re.compile(r"victims?|known|abus\w*|illegal|unlawful|csam|csae|child|exploit\w*|intimate|ncii|terror\w*|harmful|violat\w*|prohibited|matching|detect\w*|block\w*|identif\w*|prevent\w*", re.I)
_HASH_PRIVACY = re.compile(r"password|personal (?:data|information)|e-?mail address|phone number|identifier|cookies?|advertis\w*|pseudonym\w*|encrypt\w*|contact (?:list|book)|credit card|payment", re.I)


@detector("hash_matching", "no statement that hashing, fingerprints or hash lists are used against abusive imagery",
          gate=("hash", "photo", "stop", "csai", "pdq", "fingerprint", "take it down"))
def hash_matching(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    m = _HASH.search(text)
    if not m:
        return None
    named = _HASH_NAMED.search(text)
    if re.fullmatch(r"take it down(?:\.ncmec\.org)?", m.group(0), re.I) and not re.search(r"hash", text, re.I):
        return None
    if P.NEGATED_FACT.search(text):
        return None
    if _HASH_PRIVACY.search(text) and not named:
        return None
    if not named:
        if not _HASH_ABUSE.search(text):
            return None
        if re.search(r"copyright|content id|rights ?holders?|music|audio", text, re.I) and not re.search(r"abus|csam|child|intimate|ncii|terror|illegal", text, re.I):
            return None
    return Hit(seg, 3.0 + (0.5 if named else 0) + specificity(seg), f"hash matching: '{m.group(0)}'")


@near_miss("hash_matching")
def _hash_near(seg: Segment, ctx: Context) -> str | None:
    if re.search(r"automat\w+ (?:tools|systems|detection|technolog)|proactive (?:detection|technolog)|scann\w+", seg.text, re.I):
        return "automated detection is mentioned but not hashing or hash lists"
    return None
