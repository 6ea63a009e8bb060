"""Category P detectors — what the rules forbid: NCII, synthetic NCII, creation/solicitation,
sextortion, CSAM, synthetic CSAM, and CSAM reported to authorities.

Each rule needs the concept (e.g. intimate imagery + lack of consent) inside one segment and a
prohibition from the segment itself, its lead-in or its heading; permissions ("you may share
nude images of yourself"), advertising/staff rules and data-protection consent do not count.
"""
from __future__ import annotations

import re
from functools import lru_cache

from audits import patterns as P
from audits.detectors import Context, Hit, detector, near_miss
from audits.detectors.common import EXTENSION_START, context_text, out_of_scope, prohibition, specificity
from audits.segment import Segment

_RECIPIENT_CONSENT = re.compile(
    r"\b(?:send(?:ing)?|sent|share (?:\w+ ){0,3}with|unsolicited|receiv\w*|messages? to|to (?:other )?(?:users|members|someone|recipients?))\b", re.I)
_DEPICTED = re.compile(r"\b(?:\w+[’']s (?:own )?(?:(?:private|intimate|explicit|nude|sexual|naked) )*(?:nudes|images?|photos?|pictures?|pics|videos?|content|media|recordings?)|of (?:someone|somebody|another|a person|others|other people|any(?:one| individual| person))|depict\w*|pictured|featured|shown|subject|person(?:s|\(s\))? involved|in the (?:image|photo|video))\b", re.I)
_REAL_STRONG = P.rx(
    r"real(?:-life)? (?:people|persons?|individuals?|humans?)", r"actual (?:people|persons?|individuals?)", r"identifiable (?:people|persons?|individuals?|person)",
    r"likeness(?:es)?", r"(?:public figures?|celebrit(?:y|ies)|private individuals?)", r"lookalike", r"specific (?:person|individual)s?",
)
# "nude photos of someone else", "sexual images of others": intimate imagery of another person
_GATEKEEPER = re.compile(r"\s*(?:from|of|by) (?:the |our |an? )?(?:moderators?|admins?|administrators?|us\b|staff|team|company|service|platform|site|operator|group owners?|page owners?)", re.I)
_OF_OTHERS = re.compile(P.IMAGE + r" (?:\w+ ){0,2}of (?:(?:someone|somebody|anyone|anybody) else|other (?:people|persons|users|members|individuals)|others|another (?:person|user|member|individual))\b", re.I)
_IMAGERY_WORD = P.rx(r"images?", r"imagery", r"photos?", r"photographs?", r"pictures?", r"videos?", r"media", r"depict\w*", r"porn\w*",
                     r"nud(?:e|es|ity)", r"naked", r"nsfw", r"intimate", r"footage", r"recordings?", r"likeness(?:es)?", r"content", r"material")
_CREATE = P.rx(
    r"creat(?:e|es|ed|ing|ion)", r"mak(?:e|es|ing)", r"made", r"generat(?:e|es|ed|ing|ion)", r"produc(?:e|es|ed|ing|tion)",
    r"request(?:s|ed|ing)?", r"solicit(?:s|ed|ing|ation)?", r"commission(?:s|ed|ing)?", r"offer(?:s|ed|ing)?", r"sell(?:s|ing)?", r"sold",
    r"sale", r"buy(?:s|ing)?", r"trad(?:e|es|ing)", r"ask(?:s|ed|ing)? for", r"edit(?:s|ed|ing)?", r"alter(?:s|ed|ing)?", r"manipulat\w*",
    r"synthesi[sz]\w*", r"(?:apps?|tools?|services?|instructions) (?:for|to|that) (?:creat|mak|generat|produc)\w*", r"nudif\w*",
    r"promot(?:e|es|ed|ing) (?:\w+ )?(?:tools?|apps?|services?)", r"bount(?:y|ies)", r"record(?:s|ed|ing)?", r"capture\w*",
    r"faking", r"doctoring",
    r"ask(?:s|ed|ing)? (?:\w+ ){0,3}to (?:send|share|provide|make)", r"pressur\w* (?:\w+ ){0,3}(?:to send|into sending|to share|into sharing)",
    r"demand(?:s|ed|ing)?", r"film(?:s|ed|ing)?", r"photograph(?:s|ed|ing)?", r"tak(?:e|es|ing) (?:\w+ ){0,2}(?:photos?|pictures?|pics|videos?|images?)",
)
_CAMERA = re.compile(r"^(?:record\w*|captur\w*|film\w*|photograph\w*|tak\w+ .*)$", re.I)
_SECRET = re.compile(r"\b(?:secret(?:ly)?|covert(?:ly)?|hidden cameras?|without (?:\w+ ){0,3}(?:knowledge|consent|permission|agreement)|spy\w*)\b", re.I)
_SITUATION = re.compile(r"\b(?:sexual|intimate|nude|naked|undress\w*|private) (?:or (?:sexual|intimate|private) )?(?:situations?|settings?|moments?|acts?|activit(?:y|ies)|state)\b|\b(?:undressing|changing rooms?|bathrooms?|toilets?|showers?)\b", re.I)
_AUDIENCE = re.compile(r"\b(?:appeal(?:s|ing)? to|aimed at|target(?:ed|ing|s)? (?:at |to )?|directed (?:at|to)|made for|intended for|attract(?:s|ing)?|suitable for|safe for) (?:young )?(?:children|minors|kids|teens|young (?:people|audiences|viewers))\b", re.I)
_IMAGE_BEFORE = re.compile(r"\b(?:images?|imagery|media|photos?|videos?|content|material|pictures?|depictions?)\b(?:\W+\w+){0,2}\W*$", re.I)
_DISCLOSE = r"(?:share|post|publish|distribute|release|leak|expose|send|reveal|spread|make public|show|forward|circulate|upload|disclose|sell)"
_DISCLOSING = r"(?:sharing|posting|publishing|distributing|releasing|leaking|exposing|exposure|revealing|showing|forwarding|circulating|uploading|disclosing|selling|release|publication|distribution|disclosure)"
_THREAT = P.rx(r"threat(?:s|en|ens|ened|ening)? (?:\w+ ){0,2}to " + _DISCLOSE,
               r"threat(?:en|ens|ened|ening) (?:the |their |its )?" + _DISCLOSING,
               r"(?:in exchange|in return) for not " + _DISCLOSING,
               r"(?:demand\w*|pressur\w*|forc\w*) (?:\w+ ){0,5}(?:by|under) threat",
               r"threat(?:s|en|ens|ened|ening)? (?:of|with) (?:\w+ ){0,2}(?:sharing|posting|publishing|distributing|releasing|leaking|exposing|exposure|revealing)",
               r"extort\w*", r"coerc\w*", r"blackmail\w*", r"expos(?:e|ing) (?:their|someone|others|people|the)", r"sextort\w*")
_SEXTORTION = P.rx(r"sextort\w*", r"sexual(?:ly)? extort\w*", r"sexual blackmail")
_AGE_GATE = re.compile(
    r"\b(?:at least (?:\d+|eighteen)|years? (?:of age|old)|age (?:of )?majority|minimum age|age[- ]verif\w*|age[- ]restrict\w*|"
    r"(?:access|view|use|using|register|sign up for|join) (?:the |our )?(?:service|services|site|platform|app|content)(?!\s+(?:to|in order to) (?:generate|create|make|produce|post|upload|share|distribute|depict|solicit|request|sell|trade|sexuali[sz]e|exploit|groom)\b)|not (?:intended|directed) (?:for|to)|eligib\w*|parental consent|parent or (?:legal )?guardian (?:must|consent|permission))\b",
    re.I)
_AUTH = P.rx(
    r"ncmec", r"national cent(?:er|re) for missing (?:and|&) exploited children", r"cybertipline", r"internet watch foundation", r"iwf",
    r"inhope", r"law enforcement(?: agencies| authorities)?", r"(?:appropriate|relevant|competent|applicable|proper|local) (?:law enforcement )?authorit(?:y|ies)",
    r"authorities", r"police", r"child (?:protection|safety) (?:organi[sz]ations?|agencies|authorit\w+|hotlines?)", r"hotlines?",
    r"canadian cent(?:re|er) for child protection", r"missingkids", r"other authority",
    r"autorit[ée]s(?: comp[ée]tentes| judiciaires| publiques)?", r"forces de l[’']ordre", r"polizei", r"strafverfolgungsbehörde\w*",
    r"(?:zuständigen )?behörden",
)
_CHILD_AUTH = P.rx(r"ncmec", r"national cent(?:er|re) for missing (?:and|&) exploited children", r"cybertipline", r"internet watch foundation",
                   r"iwf", r"inhope", r"child (?:protection|safety) (?:organi[sz]ations?|agencies|authorit\w+|hotlines?)",
                   r"canadian cent(?:re|er) for child protection", r"missingkids")
_REPORT_TO = re.compile(r"\b(?:transmi\w*|transmission|signal\w*|d[ée]nonc\w*|meld\w*|weiterleit\w*|weitergeleitet|übermittel\w*|anzeige\w*|"
                        r"report(?:s|ed|ing)?|refer(?:s|red|ring)?|notif(?:y|ies|ied)|escalat\w*|forward\w*|alert\w*|submit\w*|disclos\w*|provid\w* (?:information|details) to)\b", re.I)
_FROM_AUTH = re.compile(r"\b(?:reports?|requests?|inquir\w+|orders?) (?:\w+ ){0,2}(?:from|by) (?:\w+ ){0,2}(?:law enforcement|police|authorities|government)", re.I)
_OTHER_HARMS = re.compile(r"\b(?:terror\w*|hate|hateful|traffick\w*|violen\w*|fraud\w*|scams?|drugs?|weapons?|extremis\w*|discriminat\w*|self-harm|suicide)\b", re.I)
_GENERATION = P.rx(r"generat\w*", r"creat\w*", r"produc\w*", r"outputs?", r"prompts?", r"models?", r"(?:access|use|using) (?:of )?(?:the|our) (?:services?|platform|tools?|ai)",
                   r"(?:services?|platform) (?:and|or) outputs?", r"editor", r"ai", r"fine[- ]tun\w*", r"lora\w*", r"train\w*")
_SCOPE_EXTENSION = re.compile(r"\b(?:includ\w*|appl(?:y|ies)|regardless|whether|real or|also|even|such as|e\.g|as well as|any (?:form|kind)|covers?|extends?|this means|"
                               r"treated (?:\w+ ){0,2}(?:as|like) (?:real|actual|genuine|any other|other)|(?:considered|regarded|classified|counts?|counted)(?: as)?(?: to be)? (?:csam|child sexual|child abuse|child pornography|real|actual)|"
                               r"the same (?:way )?as (?:real|actual))\b", re.I)


def _closest(pattern: re.Pattern, text: str, pos: int, window: int) -> re.Match | None:
    """A match of `pattern` within `window` characters of `pos`, if any."""
    for m in pattern.finditer(text):
        if abs(m.start() - pos) <= window:
            return m
    return None


@lru_cache(maxsize=8192)
def _ncii_concept(text: str) -> str | None:
    """Does the text speak of intimate imagery of a person without consent (or of real people)?"""
    m = P.STRONG_NCII.search(text)
    if m:
        return f"'{m.group(0).strip()}'"
    intimate = P.INTIMATE_IMAGERY_STRICT.search(text)
    if intimate:
        consent = _closest(P.CONSENT, text, intimate.start(), 140)
        if consent and _GATEKEEPER.match(text, consent.end()):
            consent = None          # approval by moderators or the service, not by the person depicted
        if consent:
            if P.PERSONAL_DATA.search(text) and not P.SEXUAL.search(consent.group(0)):
                return None
            # consent of the recipient of a message is not consent of the person depicted
            if _RECIPIENT_CONSENT.search(text) and not _DEPICTED.search(text):
                return None
            return f"intimate imagery '{intimate.group(0)}' + lack of consent '{consent.group(0)}'"
    if P.SEXUAL.search(text) and _IMAGERY_WORD.search(text) and not P.MINORS.search(text):
        real = _REAL_STRONG.search(text)
        if real:
            return f"sexual depiction of real people ('{real.group(0)}')"
        if intimate:
            others = _OF_OTHERS.search(text, intimate.start())
            if others and others.start() - intimate.end() < 40:
                return f"intimate imagery of another person ('{others.group(0)}')"
    m = P.NUDIFY.search(text)
    if m:
        return f"'{m.group(0)}'"
    return None


def _guard(seg: Segment) -> tuple[str | None, str | None]:
    """(where the prohibition is, why out of scope)."""
    return prohibition(seg), out_of_scope(seg)


@detector("ncii_prohibited", "no rule against sharing or making intimate images of a person without consent",
          gate=("intimate", "nud", "naked", "porn", "sex", "explicit", "ncii", "consensual", "nsfw", "undress", "voyeur", "upskirt", "creepshot", "likeness", "deepfake", "deep fake", "consent", "permission", "unauthori", "without", "intime", "nudit", "nackt", "consent", "einwillig", "zustimm"))
def ncii_prohibited(seg: Segment, ctx: Context) -> Hit | None:
    concept = _ncii_concept(seg.text)
    if not concept and seg.is_item and P.CONSENT.search(seg.text):
        # a list item "… without their consent" under a lead-in/heading about intimate imagery
        around = context_text(seg, headings=1)
        if P.INTIMATE_IMAGERY.search(around) and not P.PERSONAL_DATA.search(seg.text):
            concept = "lack of consent under an intimate-imagery lead-in"
    if not concept:
        return None
    where, scope = _guard(seg)
    if not where or scope:
        return None
    score = 3.0 + (0.5 if where == "sentence" else 0) + (0.5 if P.STRONG_NCII.search(seg.text) else 0) + specificity(seg)
    return Hit(seg, score, f"{concept}; prohibition in {where}")


@near_miss("ncii_prohibited")
def _ncii_near(seg: Segment, ctx: Context) -> str | None:
    if P.INTIMATE_IMAGERY.search(seg.text) and prohibition(seg):
        return "nudity/sexual-content ban found but no consent or real-person dimension"
    return None


def _extension_context(seg: Segment, headings: int = 1) -> str:
    """The rule a segment may extend: the sentence before it when it reads as an extension
    ("This includes …", or "including/also …" in the same paragraph), and for list items their
    lead-ins and headings. Empty when the segment stands on its own."""
    parts: list[str] = []
    text = seg.text
    same_block = bool(seg.prev) and seg.prev in seg.block
    if EXTENSION_START.match(text) or (same_block and _SCOPE_EXTENSION.search(text)):
        parts.append(seg.prev)
    if seg.is_item or parts:
        parts += seg.leads + seg.headings[-headings:]
    return " ".join(p for p in parts if p)


def _synthetic_concept(seg: Segment) -> str | None:
    text = seg.text
    m = P.NUDIFY.search(text)
    if m:
        return f"'{m.group(0)}'"
    syn = P.SYNTHETIC.search(text)
    if not syn:
        return None
    sexual = P.INTIMATE_IMAGERY.search(text) or P.SEXUAL.search(text)
    person = _ncii_concept(text) or P.REAL_PERSON.search(text) or P.CONSENT.search(text)
    if sexual and person:
        return f"synthetic '{syn.group(0)}' + sexual/intimate depiction of a person"
    # "This includes AI-generated imagery." extending an NCII rule stated just before / above
    around = _extension_context(seg)
    if around:
        if _ncii_concept(around) and (sexual or len(text) < 200):
            return f"synthetic '{syn.group(0)}' extends the intimate-imagery rule"
    return None


@detector("synthetic_intimate_covered", "no mention of AI-generated, altered or deepfake intimate imagery of real people",
          gate=("ai", "generat", "deep", "synthetic", "digital", "manipulat", "doctor", "photoshop", "fak", "computer", "nudif", "undress", "morph", "swap", "artificial", "altered", "edited", "created", "made", "produced",
                "strip", "cloth", "garment", "fabricat", "forged", "superimpos", "inserted", "pasted", "placed", "swapped", "grafted"))
def synthetic_intimate(seg: Segment, ctx: Context) -> Hit | None:
    concept = _synthetic_concept(seg)
    if not concept:
        return None
    where, scope = _guard(seg)
    if not where:
        # an extension sentence inherits the prohibition of the rule it extends
        if "extends" in concept and (P.PROHIBIT.search(seg.prev) or any(P.PROHIBIT.search(x) for x in seg.leads)):
            where = "extended rule"
    if not where or scope:
        return None
    score = 3.0 + (0.5 if "deepfake" in concept.lower() or "nudif" in concept.lower() else 0) + specificity(seg)
    return Hit(seg, score, f"{concept}; prohibition in {where}")


@near_miss("synthetic_intimate_covered")
def _synth_near(seg: Segment, ctx: Context) -> str | None:
    if P.SYNTHETIC.search(seg.text) and prohibition(seg) and not P.SEXUAL.search(seg.text):
        return "manipulated/synthetic media rule found but not tied to sexual or intimate content"
    return None


@detector("creation_or_solicitation_prohibited", "no rule against making, requesting or selling intimate depictions of real people",
          gate=("intimate", "nud", "naked", "porn", "sex", "explicit", "ncii", "consensual", "nsfw", "undress", "voyeur", "upskirt", "creepshot", "likeness", "deepfake", "deep fake"))
def creation(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    cm = None
    for m in _CREATE.finditer(text):
        # "imagery produced without consent" describes the imagery: only sharing is forbidden
        if re.fullmatch(r"\w+ed|made|sold", m.group(0), re.I) and _IMAGE_BEFORE.search(text[max(0, m.start() - 40):m.start()]):
            continue
        cm = m
        break
    if not cm:
        return None
    concept = _ncii_concept(text)
    if not concept and _CAMERA.match(cm.group(0)) and _SECRET.search(text) and _SITUATION.search(text):
        # filming/photographing a person in an intimate situation without their knowledge
        concept = f"covert recording in an intimate situation ('{_SITUATION.search(text).group(0)}')"
    if not concept:
        syn = _synthetic_concept(seg)
        if syn and "extends" not in syn:
            concept = syn
    if not concept:
        return None
    # the depiction must be imagery, not a sexual service or act
    if not _IMAGERY_WORD.search(text):
        return None
    where, scope = _guard(seg)
    if not where or scope:
        return None
    verb_word = cm.group(0).lower()
    if _CAMERA.match(verb_word) and not (P.CONSENT.search(text) or _SECRET.search(text)):
        return None
    return Hit(seg, 3.0 + specificity(seg), f"'{cm.group(0)}' + {concept}; prohibition in {where}")


@near_miss("creation_or_solicitation_prohibited")
def _creation_near(seg: Segment, ctx: Context) -> str | None:
    if _ncii_concept(seg.text) and prohibition(seg):
        return "intimate-imagery rule forbids sharing only, not making, requesting or selling"
    return None


@detector("sextortion_prohibited", "no rule against threatening to share intimate images (sextortion)",
          gate=("threat", "extort", "coerc", "blackmail", "expos", "in exchange for not", "in return for not"))
def sextortion(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    m = _SEXTORTION.search(text)
    if m:
        where = prohibition(seg)
        if where and not out_of_scope(seg):
            return Hit(seg, 4.0 + specificity(seg), f"'{m.group(0)}'; prohibition in {where}")
        return None
    t = _THREAT.search(text)
    if not t:
        return None
    img = P.INTIMATE_IMAGERY.search(text)
    if not img or abs(img.start() - t.start()) > 150:
        return None
    where, scope = _guard(seg)
    if not where or scope:
        return None
    return Hit(seg, 3.0 + specificity(seg), f"threat '{t.group(0)}' + intimate imagery '{img.group(0)}'; prohibition in {where}")


@near_miss("sextortion_prohibited")
def _sext_near(seg: Segment, ctx: Context) -> str | None:
    if _THREAT.search(seg.text) and prohibition(seg):
        return "generic threats/extortion ban without an intimate-image dimension"
    return None


@lru_cache(maxsize=8192)
def _csam_concept(text: str) -> str | None:
    m = P.CSAM_STRONG.search(text)
    if m:
        return f"'{m.group(0)}'"
    for part in re.split(r";|\s-\s", text):
        part = _AUDIENCE.sub(" ", part)      # children as the audience of content are not depicted
        mi = P.MINORS.search(part)
        if mi:
            sx = P.SEXUAL_FOR_MINORS.search(part)
            if not sx:
                continue
            a, b = sorted((mi, sx), key=lambda m: m.start())
            between = part[a.end():b.start()]
            if between.count(",") >= 2 or re.search(r"\b(?:and|or) any\b|\band other\b|information|\bconvicted\b", between, re.I):
                continue
            if re.search(r"convicted|sex offen[cs]es?|sex offenders?|criminal record", part, re.I):
                continue
            if abs(sx.start() - mi.start()) < 100 and not _AGE_GATE.search(part) \
                    and not re.search(r"sexual (?:harass\w*|orientation|identity)", sx.group(0) + part[sx.end():sx.end() + 15], re.I):
                return f"minors '{mi.group(0)}' + sexual '{sx.group(0)}'"
    return None


def _minor_heading_concept(seg: Segment) -> str | None:
    """A sexual-content item under a heading about children ("Child safety" + "sexualized depictions")."""
    if not (seg.is_item or len(seg.text) < 200):
        return None
    heads = " ".join(seg.headings[-2:])
    mi = P.MINORS.search(heads)
    if not mi or _AGE_GATE.search(seg.text):
        return None
    sx = re.search(r"\b(?:sexual\w*|sexuali[sz]\w*|nud(?:e|es|ity)|naked|porn\w*|erotic\w*|sexually explicit)\b", seg.text, re.I)
    if sx and not re.search(r"sexual (?:harass\w*|orientation|identity)", seg.text, re.I):
        return f"sexual '{sx.group(0)}' under a heading about minors ('{mi.group(0)}')"
    return None


@detector("csam_prohibited", "no ban on child sexual abuse material or the sexual exploitation of minors",
          gate=("sex", "nud", "porn", "child", "minor", "csam", "csae", "csea", "cse", "pedo", "paedo", "youth", "kid", "teen", "under", "juvenile", "infant", "adolescent", "loli", "shota", "prepubescent", "pupil", "young", "mineur", "enfant", "pédo", "minderj", "kinder", "kind", "jugend"))
def csam(seg: Segment, ctx: Context) -> Hit | None:
    concept = _csam_concept(seg.text) or _minor_heading_concept(seg)
    if not concept:
        return None
    where, scope = _guard(seg)
    if not where or scope:
        return None
    return Hit(seg, 3.0 + (0.5 if where == "sentence" else 0) + specificity(seg), f"{concept}; prohibition in {where}")


@near_miss("csam_prohibited")
def _csam_near(seg: Segment, ctx: Context) -> str | None:
    if P.MINORS.search(seg.text) and prohibition(seg):
        return "minors mentioned (age rules, harm or safety) without a sexual or exploitation dimension"
    return None


_NONREAL = P.NONREAL_DEPICTION


@detector("synthetic_csam_covered", "child-sexual-content ban not extended to drawn, fictional or AI-generated depictions",
          gate=("generat", "drawn", "drawing", "animat", "anime", "manga", "cartoon", "illustrat", "artwork", "fiction", "fantasy", "simulat", "virtual", "synthetic", "non-real", "not real", "doll", "deep", "photoshop", "morph", "loli", "shota", "real or", "character", "dramatiz", "stories", "text-based", "written", "hentai", "cgi", "manipulat", "digital", "computer", "ai", "fictif", "fictiv", "virtuel", "dessin", "animé", "fiktiv", "gezeichnet", "animiert", "ki-", "comic"))
def synthetic_csam(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    nr = _NONREAL.search(text)
    if not nr:
        return None
    concept = _csam_concept(text)
    if not concept:
        concept = _minor_heading_concept(seg)
    if concept:
        why = f"{concept} + non-real depiction '{nr.group(0)}'"
    else:
        around = _extension_context(seg, headings=2)
        if not (around and _csam_concept(around)):
            return None
        why = f"non-real depiction '{nr.group(0)}' extends the child-sexual-content rule"
    where, scope = _guard(seg)
    if not where and ("extends" in why or _SCOPE_EXTENSION.search(text)):
        where = "extended rule"
    if not where or scope:
        return None
    return Hit(seg, 3.0 + (0.5 if concept else 0) + specificity(seg), f"{why}; prohibition in {where}")


@detector("csam_reported_to_authorities", "no statement that child sexual abuse material is reported to NCMEC, a hotline or the police",
          gate=("ncmec", "autorit", "ordre", "polizei", "behörde", "national cent", "cybertip", "watch foundation", "iwf", "inhope", "law enforcement", "authorit", "police", "hotline", "child protection", "child safety", "missingkids"))
def csam_reported(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    auth = _AUTH.search(text)
    if not auth:
        return None
    child_auth = _CHILD_AUTH.search(text)
    around = " ".join([text, seg.prev] + seg.leads)
    # a sentence right after a child-abuse rule ("We report such content to …") inherits it, unless
    # that rule lists other harms too (then "the cases" are generic)
    child = child_auth or _csam_concept(text) or (
        len(text) < 250 and _csam_concept(around) and not _OTHER_HARMS.search(around) and not _OTHER_HARMS.search(text))
    if not child:
        return None
    verb = _REPORT_TO.search(text)
    if not verb:
        return None
    if verb and _FROM_AUTH.search(text) and not re.search(r"\b(?:we|will) (?:report|refer|notify)", text, re.I):
        return None
    if P.NEGATED_FACT.search(text):
        return None
    score = 3.0 + (1.0 if child_auth else 0) + (0.5 if verb else 0) + specificity(seg)
    return Hit(seg, score, f"'{(verb.group(0) if verb else 'works with')}' + authority '{auth.group(0)}' for child sexual abuse")


@near_miss("csam_reported_to_authorities")
def _rep_near(seg: Segment, ctx: Context) -> str | None:
    if re.search(r"law enforcement|authorities|police", seg.text, re.I) and _REPORT_TO.search(seg.text):
        return "general cooperation with law enforcement, not tied to child sexual abuse"
    return None


def derive_ai_tool(results: dict[str, list[Hit]], ctx: Context) -> None:
    """For an AI tool, an NCII/CSAM rule on the service's use covers making synthetic content."""
    if ctx.kind != "ai_tool":
        return
    ncii = results.get("ncii_prohibited") or []
    for target in ("synthetic_intimate_covered", "creation_or_solicitation_prohibited"):
        if not results.get(target) and ncii:
            results[target] = [Hit(h.seg, h.score - 1, "AI tool: its rule against NCII covers generated (synthetic) imagery; " + h.reason)
                               for h in ncii]
    csam_hits = results.get("csam_prohibited") or []
    if not results.get("synthetic_csam_covered"):
        # rules of an AI tool govern what users make with it: prefer hits that say so
        gen = sorted(csam_hits, key=lambda h: not _GENERATION.search(context_text(h.seg, headings=2, prev=True) + " " + h.seg.text))
        if gen:
            results["synthetic_csam_covered"] = [
                Hit(h.seg, h.score - 1, "AI tool: rule against generating child sexual content; " + h.reason) for h in gen]
