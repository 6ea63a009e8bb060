"""Concept vocabularies shared by the detectors: compiled, case-insensitive regular expressions.

Each concept is a general phrasing family (intimate imagery, consent, synthetic media, minors,
prohibition cues, reporting channels, ...), never a sentence lifted from a particular policy.
Detectors combine concepts inside one segment plus its lead-ins and headings.
"""
from __future__ import annotations

import re


def rx(*alternatives: str) -> re.Pattern:
    """Compile alternatives as one case-insensitive pattern with word boundaries."""
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w])", re.I)


def find(pattern: re.Pattern, text: str) -> str | None:
    m = pattern.search(text)
    return m.group(0) if m else None


# --- imagery and sexual content --------------------------------------------------------------
IMAGE = r"(?:images?|imagery|photos?|photographs?|pictures?|pics|videos?|media|content|material|depictions?|recordings?|footage|selfies?|nudes)"

_SEXUAL_ACTS = r"sexual (?:acts?|activity|conduct)"
_INTIMATE_ALTS = (
    r"intimate (?:or sexual(?:ly[- ]explicit)? |and sexual(?:ly[- ]explicit)? |sexual )?" + IMAGE,
    r"intimate image abuse", r"intimate (?:private )?(?:parts|body parts|moments|activit(?:y|ies)|information)",
    r"(?:sexual(?:ly)?[- ]explicit|sexual|sexualized|sexualised|explicit|nude|naked|pornographic|erotic|x-rated|nsfw|private sexual|intimate) "
    r"(?:or (?:intimate|sexual(?:ly[- ]explicit)?|nude|suggestive) )?(?:\w+ )?" + IMAGE,
    r"nud(?:e|es|ity)", r"naked(?:ness)?", r"porn(?:ography|ographic)?", r"revenge porn", r"nsfw",
    r"(?:state of )?undress(?:ed)?", _SEXUAL_ACTS, r"sex (?:tapes?|videos?)",
    r"bodily privacy", r"ncii", r"intimate imagery", r"lookalike pornography", r"sexually[- ]explicit",
    r"voyeur(?:ism|istic)?", r"upskirt(?:ing)?", r"creepshots?", r"sexual(?:ly)? suggestive",
    # "photos of a sexual nature", "images of an intimate or sexual nature"
    IMAGE + r" of (?:a|an) (?:sexual|intimate|explicit|pornographic)(?: (?:or|and) (?:sexual|intimate|explicit))? nature",
)
INTIMATE_IMAGERY = rx(*_INTIMATE_ALTS)
# imagery only: "non-consensual sexual acts" is sexual violence, not intimate imagery
INTIMATE_IMAGERY_STRICT = rx(*(a for a in _INTIMATE_ALTS if a != _SEXUAL_ACTS))
SEXUAL = rx(r"sex(?:ual(?:ly)?|ualized|ualised|ualizes|ualises|ualizing|ualising|ualization|ualisation)?", r"nud(?:e|es|ity)",
            r"naked", r"porn\w*", r"intimate", r"erotic\w*", r"explicit(?! (?:and \w+ |or \w+ )?(?:consent|permission|agreement|authori[sz]ation|written|prior|opt))",
            r"nsfw", r"lewd", r"obscene", r"adult content",
            r"suggestive", r"undress\w*")

_THIRD = (r"(?:who|they|he|she|someone|somebody|anyone|anybody|everyone|every (?:person|individual|participant)|each (?:person|individual|participant)|"
          r"all (?:\w+ )?(?:persons|people|individuals|participants|parties)|the (?:person|people|individual|subject|other person|participant|member|user)s?"
          r"(?:\(s\))?(?: (?:depicted|shown|pictured|involved|featured|in (?:it|them|the \w+)))?|(?:every|each|any) (?:\w+ )?(?:depicted|shown|pictured) (?:person|individual))")
CONSENT = rx(
    r"non[- ]?consensual(?:ly)?", r"nonconsensual(?:ly)?", r"without (?:\w+[’']s? |\w+ ){0,4}(?:express |explicit |prior |written )?"
    r"(?:consent|permission|authori[sz]ation|knowledge|agreement|awareness)", r"unauthori[sz]ed(?! (?:cop(?:y|ies)|use|access|reproduction|sellers?|resale|commercial))", r"revenge porn",
    r"ncii", r"leaked", r"stolen", r"hidden cameras?", r"voyeur(?:ism|istic)?", r"upskirt(?:ing)?", r"creepshots?",
    r"not consent(?:ed)?", r"did not (?:consent|agree)",
    # the depicted person's agreement, said of a third person (never "you have agreed to the terms")
    _THIRD + r" (?:(?:has|have|had) not|hasn[’']t|haven[’']t|hadn[’']t|did not|didn[’']t|does not|doesn[’']t|do not|don[’']t) (?:\w+ ){0,2}"
    r"(?:agreed|consented|authori[sz]ed|approved|agree|consent|authori[sz]e|approve)",
    r"unless " + _THIRD + r" (?:\w+ ){0,2}(?:has|have|had|gave|gives|give|clearly|explicitly|expressly) (?:\w+ ){0,2}(?:agreed|consented|(?:their|his|her|explicit|express|prior|written) (?:\w+ )?(?:consent|permission|approval))",
    r"without (?:them|him|her|the (?:person|individual|subject|people|persons)(?: (?:depicted|shown|involved|pictured))?) (?:\w+ )?(?:agreeing|consenting)",
    r"without (?:their|his|her|the (?:person|individual|subject|other person)[’']s|\w+[’']s) (?:\w+ )?(?:approval|okay|ok|say-so|agreement|consent|permission)", r"unwanted sexuali[sz]ation", r"intimate image abuse",
    r"against (?:their|his|her|the person[’']s) will", r"lack of consent", r"consent of (?:the|all|each|every) (?:person|people|individual|subject|part)",
)
STRONG_NCII = rx(
    r"non[- ]?consensual(?:ly)? (?:(?:intimate|sexual(?:ly[- ]explicit)?|nude|explicit|private|shared|distributed|or|and),? ?)+" + IMAGE,
    r"non[- ]?consensual(?:ly)? (?:nudity|pornography|porn|intimate imagery)", r"nonconsensual (?:\w+ )?(?:imagery|porn\w*|nudity|images?|media)",
    r"revenge porn(?:ography)?", r"\(?ncii\)?", r"intimate image abuse", r"image[- ]based sexual abuse",
    r"intimate (?:\w+ )?(?:images?|imagery|media|photos?|videos?|content) (?:\w+ ){0,3}(?:shared|posted|distributed|taken|created|made) without",
)
REAL_PERSON = rx(
    r"real (?:people|persons?|individuals?|humans?)", r"(?:real|actual),? identifiable (?:people|persons?|individuals?)",
    r"identifiable (?:people|persons?|individuals?)", r"likeness(?:es)?", r"another (?:person|individual|user|member)",
    r"other (?:people|persons|individuals|users|members)", r"of (?:someone|somebody|any(?:one| individual| person)|a person|others)",
    r"private individuals?", r"(?:a |any )?specific (?:person|individual)", r"(?:public figures?|celebrit(?:y|ies))",
    r"the (?:person|people|individual|subject)s?(?:\(s\))? (?:depicted|pictured|shown|involved|featured|in (?:the|it))",
    r"depicted (?:person|individual)", r"lookalike",
)
SYNTHETIC = rx(
    r"ai[- ]generated", r"ai[- ](?:made|created|produced|edited|altered|manipulated)", r"generated (?:by|with|using) (?:ai|artificial intelligence)",
    r"artificial intelligence", r"deep ?fakes?", r"synthetic(?:ally)?(?:[- ](?:generated|created|produced))?", r"digitally (?:altered|created|generated|manipulated|edited|produced|modified|fabricated)",
    r"(?:digitally |computer[- ])?manipulated", r"doctored", r"photoshopped", r"faked?", r"faking", r"computer[- ]generated",
    r"nudif(?:y|ies|ying|ied|ier|iers|ication)", r"undress(?:ing)? (?:apps?|tools?|services?)", r"morphed", r"face[- ]?swap(?:s|ped|ping)?",
    r"altered (?:or|and) (?:manipulated|synthetic|generated)", r"(?:created|altered|edited|made|generated|produced) (?:\w+ )?(?:using|with|by) (?:ai|artificial intelligence|digital tools|software|generative)",
    r"generative ai", r"\bai\b", r"fabricat(?:ed|ing|ion)", r"forged", r"superimpos\w*",
    r"(?:edited|inserted|pasted|placed|swapped|photoshopped|morphed|grafted) (?:\w+ ){0,2}(?:into|onto)",
    r"(?:strip|strips|stripping|remov(?:e|es|ing)|eras(?:e|es|ing)) (?:\w+ ){0,2}(?:cloth(?:es|ing)|garments)", r"(?:created|altered|edited) (?:digitally|artificially)",
    r"(?:edited|altered|manipulated|modified|photoshopped|retouched) (?:\w+ ){0,3}to (?:appear|look|seem|make (?:\w+ ){0,2}(?:appear|look))",
)
NUDIFY = rx(r"nudif(?:y|ies|ying|ied|ier|iers|ication)", r"undress(?:ing)? (?:apps?|tools?|services?|people|someone|a person|images?)",
            r"(?:strip|strips|stripping|remov(?:e|es|ing)|eras(?:e|es|ing)) (?:\w+ ){0,2}(?:cloth(?:es|ing)|garments) (?:off|from) (?:\w+ ){0,3}(?:photos?|images?|pictures?|people|persons?|someone)",
            r"deep ?fake (?:porn\w*|nudes?|sexual|intimate)", r"(?:sexual|intimate|explicit|nude|porn\w*) deep ?fakes?")
MINORS = rx(
    r"minors?", r"child(?:ren)?", r"kids?", r"youth", r"young (?:people|persons|users)", r"under[- ]?age(?:d)?",
    r"(?:people|persons|individuals|anyone|users) under (?:the age of )?1[68]", r"under (?:the age of )?18",
    r"teen(?:ager)?s?", r"juveniles?", r"infants?", r"adolescents?", r"child[- ]like", r"minor[- ]aged", r"prepubescent",
    r"lolis?", r"shotas?", r"pupils?", r"underage",
)
CSAM_STRONG = rx(
    r"child sexual (?:abuse|exploitation)(?: (?:and|or) (?:abuse|exploitation))?(?: (?:material|imagery|images?|content|media))?",
    r"csam", r"csae", r"csea", r"cse", r"csem", r"csei", r"child (?:sex )?abuse (?:material|imagery|images?|content)", r"child porn(?:ography)?",
    r"child exploitat(?:ion|ive)(?: (?:content|material|imagery))?", r"child(?:ren)?[- ]exploitative", r"ped(?:o|ae)phil(?:e|es|ia|ic)",
    r"sexual(?:ly)? exploit(?:s|ed|ing|ation|ative)? (?:of )?(?:minors|children|a child|a minor|youth|kids|young people)",
    r"sexual(?:ize|ise|izes|ises|izing|ising|ization|isation|ized|ised) (?:of )?(?:minors|children|a child|a minor|youth|kids)",
    r"(?:exploit|exploits|exploiting|exploitation of) (?:minors|children|a child|a minor|youth|kids|young people)",
    r"(?:harm|harms) or exploit(?:s)? (?:minors|children|youth|kids)", r"exploits or endangers (?:minors|children)",
    r"child grooming", r"grooming (?:of )?(?:minors|children|youth)", r"missing (?:and|&) exploited children",
    r"child sexual", r"abuse of (?:a )?(?:minor|child)(?:ren)?", r"lolicon", r"shotacon",
)
SEXUAL_FOR_MINORS = rx(
    r"sex(?:ual(?:ly)?|ualized|ualised|ualizes|ualises|ualizing|ualising|ualization|ualisation)?", r"nud(?:e|es|ity)", r"naked",
    r"porn\w*", r"erotic\w*", r"explicit", r"suggestive", r"exploit\w*", r"grooming", r"predatory", r"not fully clothed",
)
NONREAL_DEPICTION = rx(
    r"ai[- ]generated", r"computer[- ]generated", r"generated (?:images?|content|imagery)", r"digital(?:ly)? (?:images?|created|generated|altered|manipulated)",
    r"drawn", r"drawings?", r"animated", r"animations?", r"animes?", r"mangas?", r"cartoons?", r"illustrat(?:ed|ions?)", r"artwork",
    r"art", r"fictional", r"fiction", r"fantasy", r"simulated", r"virtual", r"synthetic", r"non-real", r"not real", r"dolls?",
    r"deep ?fakes?", r"photoshopped", r"morphed", r"lolis?", r"shotas?", r"real or fictional", r"real or not",
    r"(?:fictional|anime|cartoon) characters?", r"dramatized", r"hentai", r"cgi",
    r"manipulated",
)

# --- enforcement statistics ------------------------------------------------------------------
# Past results ("In the first half of 2026 we removed 12,400 pieces …; 93% of reports were resolved
# in under 24 hours") report outcomes: they are neither rules nor response-time commitments.
STATISTIC = re.compile(
    r"\d+(?:[.,]\d+)?\s*%|\bper ?cent\b|\b\d{1,3}(?:,\d{3})+\b|"
    r"\b(?:were|was|had been) (?:\w+ ){0,2}(?:resolved|removed|reviewed|actioned|processed|handled|answered)\b|"
    r"\b(?:in|during) (?:the )?(?:first|second|third|fourth|last|past) (?:half|quarter|year|month)\b|"
    r"\b(?:first|second|third|fourth|last) (?:half|quarter) of\b|\bon average\b|\bmedian\b", re.I)


# --- prohibition, permission and negation ---------------------------------------------------
PROHIBIT = rx(
    r"do not", r"don[’']?t", r"never", r"must not", r"mustn[’']t", r"may not", r"shall not", r"should not", r"cannot", r"can[’']?t",
    r"will not", r"won[’']t", r"not (?:be )?(?:allowed|permitted|tolerated|acceptable|accepted)", r"isn[’']t allowed", r"aren[’']t allowed",
    r"prohibit(?:s|ed|ion)?", r"ban(?:s|ned)?", r"forbid(?:s|den)?", r"against (?:our|the|these) (?:\w+ )?(?:rules?|polic(?:y|ies)|guidelines|terms|standards)",
    r"violat(?:e|es|ing|ion|ions)", r"zero[- ]tolerance", r"remove(?:s|d)?", r"take down", r"takes down", r"agree not to",
    r"refrain from", r"not to", r"strictly", r"no place", r"unacceptable", r"disallow(?:ed|s)?", r"restrict(?:ed)?", r"nor",
    r"we (?:do not|don[’']t) (?:allow|permit|tolerate)", r"not (?:allow|permit|tolerate)", r"is not ok", r"isn[’']t ok", r"no\b",
    r"illegal", r"unlawful", r"under no circumstances", r"(?:will|may) (?:result in|lead to) (?:\w+ )?(?:removal|suspension|termination|ban)",
    r"you (?:agree|promise|represent) (?:that you will )?not", r"without exception", r"not permitted", r"off[- ]limits",
    r"(?:we|will) (?:take action|enforce)", r"take (?:strict |especially strict )?action",
)
PROHIBIT_HEADING = rx(
    r"prohibit\w*", r"not allowed", r"restrict\w*", r"don[’']?t", r"do not", r"forbidden", r"banned", r"unacceptable", r"violations?",
    r"what(?:[’']s| is) not", r"what (?:you|we) (?:can[’']?t|cannot|don[’']?t)", r"rules?", r"acceptable use", r"conduct", r"safety",
    r"abuse", r"exploitation", r"harm\w*", r"policy", r"polic(?:y|ies)", r"standards", r"guidelines", r"illegal", r"remov\w*",
    r"sexual", r"nudity", r"privacy", r"intimate", r"child", r"minors?", r"not (?:permitted|tolerated)", r"limitations", r"no\b",
)
PERMIT = rx(
    r"you (?:may|can|are (?:welcome|free) to) (?:\w+ ){0,2}(?:post|share|upload|create|generate|publish|include|display|send)",
    r"(?:is|are) (?:allowed|permitted|acceptable|ok|okay|fine)", r"we (?:allow|permit)", r"allowed (?:if|when|as long as|provided)",
    r"(?:is|are) (?:generally )?allowed", r"may be (?:allowed|permitted|posted|shared)",
)
NEGATED_FACT = rx(
    r"(?:do|does|did) not (?:currently |presently |yet |automatically |proactively |actively )?(?:use|employ|deploy|apply|scan|monitor|review|screen|publish|report|add|embed|include|mark|filter|block|detect|moderate|check)",
    r"(?:don[’']t|doesn[’']t|didn[’']t) (?:currently |yet |automatically |proactively |actively )?(?:use|employ|deploy|apply|scan|monitor|review|screen|publish|report|add|embed|include|mark|filter|block|detect|moderate|check)",
    r"(?:are|is) not (?:currently )?(?:used|employed|deployed|applied|scanned|monitored|reviewed|published|reported)",
    r"no (?:obligation|duty) to", r"not (?:obligated|required|responsible)", r"never (?:use|scan|monitor|publish)",
    r"(?:have|has) no (?:ability|control)", r"not able to",
)

# --- out-of-scope contexts ------------------------------------------------------------------
ADS_SCOPE = rx(r"advertis(?:ing|ements?|ers?)", r"ads?", r"sponsored", r"branded content", r"ad (?:content|creative|policy|policies)")
PERSONAL_DATA = rx(r"personal (?:data|information)", r"data protection", r"gdpr", r"data subjects?", r"privacy (?:policy|notice|statement)",
                   r"cookies?", r"processing of (?:your )?(?:personal )?data")

# --- reporting ------------------------------------------------------------------------------
CHANNEL = rx(
    r"button", r"link", r"tool(?:s)?", r"forms?", r"web ?forms?", r"feature", r"menu", r"e-?mail(?:ing)?", r"in[- ]app",
    r"(?:contact|help|support|report|abuse)(?: us)? (?:page|center|centre|form|portal)", r"portal", r"channels?", r"mechanisms?", r"flow", r"page", r"department", r"team",
    r"officer", r"agent", r"address", r"here", r"hotline", r"phone", r"telephone", r"option", r"icon", r"three dots", r"dropdown",
    r"contact us", r"customer (?:service|support|care)s?", r"support",
    r"tap(?:ping)?", r"click(?:ing)?", r"press (?:and hold|on|the)", r"long[- ]press(?:ing)?", r"swip(?:e|ing)",
)
REPORT_OBJECT = rx(
    r"content", r"posts?", r"users?", r"profiles?", r"accounts?", r"members?", r"violations?", r"violat(?:e|es|ing)", r"abuse", r"abusive",
    r"illegal", r"unlawful", r"inappropriate", r"infring\w*", r"breaks?", r"comments?", r"messages?", r"videos?", r"images?",
    r"photos?", r"behaviou?r", r"conduct", r"harass\w*", r"websites?", r"sites?", r"blogs?", r"streams?", r"broadcasts?", r"material",
    r"misconduct", r"concerns?", r"policy", r"guidelines", r"terms", r"rules", r"emotes?", r"badges?", r"channels?", r"listings?",
)
EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9][\w.+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
MD_LINK = re.compile(r"\[([^\[\]\n]*)\]\(<?\s*([^()\s<>]+(?:\([^()\s]*\))?[^()\s<>]*)\s*>?(?:\s+\"[^\"]*\")?\)")
BARE_URL = re.compile(r"(?<![(\w/@.])(?:(?:https?://|www\.)[^\s<>()\[\]]+[\w/]|"
                      r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|ai|app|co|fr|de|uk|tv|me|gg|social|xyz)/[^\s<>()\[\]]*[\w/])", re.I)
ROLE = rx(
    r"abuse", r"report(?:s|ed|ing)?", r"complain(?:t|ts)?", r"notices?", r"notifications?", r"legal", r"copyright", r"dmca",
    r"infring\w*", r"takedowns?", r"take[- ]down", r"violat\w*", r"grievances?", r"illegal", r"unlawful", r"intellectual property",
    r"designated agent", r"law enforcement", r"safety", r"trust", r"moderation", r"counter[- ]?notices?", r"dsa", r"removal",
    r"acts? badly", r"misconduct", r"inappropriate",
)
ROLE_MAILBOX = re.compile(r"^(?:abuse|legal|legal-notices|notices?|dmca|copyright|ip|report|reports|safety|trust|trustandsafety|"
                          r"takedowns?|grievances?|complaints?|moderation|dsa|lawenforcement|law-enforcement|legal-requests|"
                          r"dsa[\w.-]*|\w*abuse\w*|\w*dmca\w*|\w*copyright\w*|\w*legal\w*|\w*safety\w*|\w*takedown\w*)$", re.I)


# --- French and German vocabulary -------------------------------------------------------------
# Many dating services publish only in French or German. The same concepts, in general
# phrasings, are added to the shared vocabularies (accents kept; \w is Unicode-aware).

def extend(pattern: re.Pattern, *alternatives: str) -> re.Pattern:
    """`pattern` (built by `rx`) with more alternatives."""
    head, tail = r"(?<![\w-])(?:", r")(?![\w])"
    assert pattern.pattern.startswith(head) and pattern.pattern.endswith(tail)
    inner = pattern.pattern[len(head):-len(tail)]
    return re.compile(head + inner + "|" + "|".join(alternatives) + tail, re.I)


PROHIBIT = extend(
    PROHIBIT,
    r"interdi(?:t|te|ts|tes|re|sons|sent|ction)", r"s[’']interdi\w+", r"prohib[ée]e?s?", r"proscrit\w*", r"tol[ée]rance z[ée]ro",
    r"(?:pas|non) (?:autoris|permis|tol[ée]r|admis)\w*", r"ne (?:\w+ ){0,3}(?:pas|jamais|aucun\w*)", r"supprim\w*", r"retir\w*",
    r"verboten", r"untersagt", r"nicht (?:erlaubt|gestattet|zulässig|toleriert|geduldet)", r"unzulässig", r"keine", r"kein",
    r"(?:darf|dürfen|darfst) (?:\w+ ){0,5}nicht", r"nulltoleranz", r"entfern\w*", r"sperr\w*",
)
MINORS = extend(
    MINORS, r"mineur(?:e)?s?", r"enfants?", r"moins de (?:18|dix-huit) ans", r"minderjährig\w*", r"kinder\w*", r"kind(?:es)?",
    r"jugendlich\w*", r"unter 18",
)
CSAM_STRONG = extend(
    CSAM_STRONG, r"p[ée]dopornograph\w*", r"p[ée]docriminal\w*", r"p[ée]dophil\w*",
    r"(?:exploitation|abus|sexualisation)(?: sexuel(?:le)?s?)?,? (?:(?:de|ou|et) (?:l[’'])?(?:abus|exploitation|sexualisation) )*(?:(?:de|des|d[’']) ?)(?:mineurs|enfants)",
    r"kinderporno\w*", r"kindesmissbrauch\w*", r"sexuell\w* (?:missbrauch|ausbeutung) (?:von )?(?:kindern|minderjährigen)",
    r"sexualisiert\w* (?:darstellung\w* )?(?:von )?(?:kindern|minderjährigen)",
)
SEXUAL_FOR_MINORS = extend(SEXUAL_FOR_MINORS, r"sexuel\w*", r"sexualis\w*", r"pornograph\w*", r"nudit[ée]", r"sexuell\w*", r"nackt\w*", r"pornogra\w*")
NONREAL_DEPICTION = extend(
    NONREAL_DEPICTION, r"fictif\w*", r"fictive?s?", r"virtuel\w*", r"dessin\w*", r"anim[ée]\w*", r"g[ée]n[ée]r[ée]e?s? par (?:l[’'])?(?:ia|intelligence artificielle)",
    r"fiktiv\w*", r"gezeichnet\w*", r"animiert\w*", r"ki-generiert\w*", r"virtuell\w*", r"comics?",
)
INTIMATE_IMAGERY = extend(
    INTIMATE_IMAGERY, r"(?:images?|photos?|vid[ée]os?|contenus?) intimes?", r"nudit[ée]",
    r"(?:images?|photos?|vid[ée]os?|contenus?) (?:\w+ )?(?:nue?s?|d[ée]nud[ée]e?s?|[àa] caract[èe]re sexuel|sexuel(?:le)?s?|pornographiques?)",
    r"intime[n]? (?:bilder|fotos|aufnahmen|inhalte|videos)", r"nackt(?:bilder|fotos|aufnahmen)", r"nacktheit", r"sexuell explizit\w*",
)
INTIMATE_IMAGERY_STRICT = extend(
    INTIMATE_IMAGERY_STRICT, r"(?:images?|photos?|vid[ée]os?|contenus?) intimes?", r"nudit[ée]",
    r"(?:images?|photos?|vid[ée]os?|contenus?) (?:\w+ )?(?:nue?s?|d[ée]nud[ée]e?s?|[àa] caract[èe]re sexuel|sexuel(?:le)?s?|pornographiques?)",
    r"intime[n]? (?:bilder|fotos|aufnahmen|inhalte|videos)", r"nackt(?:bilder|fotos|aufnahmen)", r"nacktheit", r"sexuell explizit\w*",
)
CONSENT = extend(
    CONSENT, r"sans (?:son|leur|le|votre|l[’']) ?(?:\w+ )?(?:consentement|accord|autorisation)", r"non consenti\w*", r"non consensuel\w*",
    r"ohne (?:deren|ihre|seine|dessen|die|ausdrückliche|vorherige) (?:\w+ )?(?:einwilligung|zustimmung|erlaubnis|genehmigung)",
    r"nicht einvernehmlich\w*",
)
CHANNEL = extend(
    CHANNEL, r"onglet", r"bouton", r"lien", r"formulaire", r"rubrique", r"courriel", r"cliqu\w+", r"appuy\w+",
    r"schaltfläche", r"formular", r"klick\w*", r"funktion", r"kontaktformular",
)
REPORT_OBJECT = extend(
    REPORT_OBJECT, r"contenus?", r"profils?", r"membres?", r"utilisateurs?", r"comportements?", r"illicites?", r"inappropri[ée]s?",
    r"inhalte?", r"mitglied\w*", r"person(?:en)?", r"nutzer\w*", r"konto", r"verstö(?:ß|ss)e?", r"rechtswidrig\w*", r"regeln",
)
ROLE = extend(
    ROLE, r"signal\w*", r"abus", r"juridiques?", r"contrefa[çc]on", r"illicites?",
    r"missbrauch\w*", r"meld\w*", r"rechtlich\w*", r"beschwerde\w*", r"urheberrecht\w*", r"rechtswidrig\w*",
)
PROHIBIT_HEADING = extend(PROHIBIT_HEADING, r"interdi\w*", r"r[èe]gles?", r"s[ée]curit[ée]", r"mineurs?", r"verbot\w*", r"regeln", r"sicherheit", r"minderjährig\w*")
