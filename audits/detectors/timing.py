"""Category T detectors — how fast: numeric response-time commitments (in hours), NCII removal
within 48 hours, and transparency reporting.

A duration only counts when the service commits to act on or answer reports, notices,
takedown requests or complaints about content. Excluded by the rubric: data-subject (GDPR)
deadlines, data retention, billing and support tickets, notice periods for changes to the
terms, the counter-notice restoration window, and deadlines the service sets for its users or
customers; suspension lengths and "24/7" availability are not commitments either.
"""
from __future__ import annotations

import re

from audits import patterns as P
from audits import timeparse
from audits.detectors import Context, Hit, detector, near_miss
from audits.detectors.common import specificity
from audits.detectors.policy import _ncii_concept
from audits.segment import Segment

_OBJECT = re.compile(
    r"\b(?:reports?|reported|(?:takedown|take[- ]down|infringement|copyright|dmca|valid|abuse|removal|complete|proper) (?:notices?|notifications?)|"
    r"notices?|notifications?|complaints?|takedown|take[- ]down|(?:removal|takedown|valid|deletion) requests?|requests? (?:to|for) (?:remove|removal|take|delet)|"
    r"flag(?:ged|s)?|grievances?|(?:illegal|unlawful|infringing|reported|flagged|such|the|this|that|violating|offending) (?:content|material|post|image|video)s?)\b", re.I)
_ACTION = re.compile(
    r"\b(?:respond\w*|response|review\w*|process\w*|act(?:ion(?:ed)?)? on|acts on|take action|remov\w*|take (?:it )?down|taken down|disabl\w* access|"
    r"block\w*|acknowledg\w*|handl\w*|resolv\w*|decid\w*|decision|assess\w*|investigat\w*|address\w*|repl(?:y|ies|ied)|answer\w*|"
    r"evaluat\w*|examin\w*|consider\w*|delet\w*|revert\w* to|redress\w*|dispos\w* of|attend\w* to|get(?:s|ting)? back to|follow(?:s|ing)? up|look(?:s|ing)? into)\b", re.I)
_COMMIT = re.compile(r"\b(?:within|in under|no later than|not later than|less than|up to|at most|at the latest|in (?:\d|one|two|three|a)\b|"
                     r"usually|typically|generally|aim|aims|endeavou?r|commit\w*|will|shall|strive|target|guarantee\w*|goal)\b|\w[’']ll\b", re.I)
_EXCLUDE = re.compile(
    r"\b(?:gdpr|data subjects?|personal (?:data|information)|your data|access requests?|erasure|data portability|retain\w*|retention|stor(?:e|ed|age)|"
    r"backups?|billing|invoic\w*|refund\w*|payments?|charg(?:e|es|ed)|subscriptions?|cancel\w*|renew\w*|support tickets?|tickets?|"
    r"(?:changes?|modifications?|amendments?|updates?) (?:to|of) (?:these|the|this|our) (?:terms|agreement|polic\w+|guidelines)|"
    r"notice of (?:any )?(?:changes?|modifications?)|counter[- ]?notic\w*|counter[- ]?notification\w*|restor\w*|put back|reinstat\w*|"
    r"cure|arbitrat\w*|disputes?|small claims|withdraw\w*|suspen(?:d|ded|sion)s? (?:for|of|lasting)|ban(?:ned)? for|"
    r"inactiv\w*|trial|warrant\w*|shipping|deliver\w*|at least|prior (?:written )?notice|days[’']? (?:prior )?(?:written )?notice|notify you|"
    r"preserv\w*|law enforcement|legal process|subpoena|emergency disclosure|records?|account deletion|delete your account|"
    r"cooling[- ]off|statute of limitations|limitation period|years?|trash|opt(?:[- ]| to )out|reject\w*|changes?|months?|written notice|notice period|"
    r"notice of (?:termination|cancellation|non-renewal|breach)|terminat\w*|kept|keep|keeps|archiv\w*)\b", re.I)
_USER_DEADLINE = re.compile(
    r"\b(?:you|customers?|users?|members?|creators?|uploaders?|claimants?|licensees?|the (?:customer|user|member|claimant|complainant))\b"
    r"(?: \w+){0,2} (?:must|shall|have|has|agree|will need|should|are required|is required|need to|may (?:submit|file|appeal|request|opt|reject)|can (?:submit|file|appeal))\b"
    r"|\bif (?:you|the customer|customer|the user) (?:do not|don[’']t|does not|doesn[’']t|fail\w* to)\b"
    r"|\bgiv(?:e|es|ing) (?:them|the user|the uploader|you|users|the customer|the owner)\b", re.I)


_MAYBE_NUMBER = re.compile(r"\d|\b(?:a|an) (?:single )?(?:business |working )?(?:hour|day|week)\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fourteen|fifteen|twenty|thirty|forty|sixty|ninety)\b", re.I)


def _response_time(seg: Segment) -> tuple[list[float], str] | None:
    if "response_time" not in seg.memo:
        seg.memo["response_time"] = _response_time_uncached(seg)
    return seg.memo["response_time"]


def _response_time_uncached(seg: Segment) -> tuple[list[float], str] | None:
    text = seg.text
    if not _MAYBE_NUMBER.search(text) or not _OBJECT.search(text):
        return None
    hours = timeparse.commitments(text)
    if not hours:
        return None
    if not (_OBJECT.search(text) and _ACTION.search(text) and _COMMIT.search(text)):
        return None
    if _EXCLUDE.search(text) or _USER_DEADLINE.search(text) or P.STATISTIC.search(text):
        return None
    heads = " ".join(seg.headings[-2:])
    if re.search(r"privacy|personal data|data protection|billing|payment|refund|subscription|changes to|dispute|arbitration|counter", heads, re.I):
        return None
    if re.search(r"\b(?:customer |technical )?support\b|\bhelp ?desk\b", heads, re.I) and not re.search(r"report|notice|complain|grievance|abuse|content", heads, re.I):
        return None           # support-ticket times
    return hours, "numeric commitment to act on reports/notices"


@detector("stated_response_time", "no numeric time commitment for acting on reports, notices or complaints",
          gate=("hour", "day", "week", "month", "minute", "hrs", " h", "0h", "1h", "2h", "3h", "4h", "5h", "6h", "7h", "8h", "9h"))
def stated_response_time(seg: Segment, ctx: Context) -> Hit | None:
    r = _response_time(seg)
    if not r:
        return None
    hours, why = r
    return Hit(seg, 3.0 + specificity(seg), f"{why}: {', '.join(_fmt(h) for h in hours)} h", hours=hours)


@near_miss("stated_response_time")
def _rt_near(seg: Segment, ctx: Context) -> str | None:
    if re.search(r"\b(?:promptly|expeditiously|as soon as (?:reasonably )?possible|without (?:undue )?delay|in a timely (?:manner|fashion)|as quickly as possible)\b", seg.text, re.I) \
            and _OBJECT.search(seg.text):
        return "only non-numeric promises (e.g. 'promptly', 'as soon as possible')"
    return None


def _fmt(h: float) -> str:
    return str(int(h)) if float(h).is_integer() else str(h)


@detector("ncii_removal_within_48h", "no promise to act on intimate-imagery removal requests within 48 hours",
          gate=("hour", "day", "week", "minute", "hrs", " h", "0h", "1h", "2h", "3h", "4h", "5h", "6h", "7h", "8h", "9h"))
def ncii_48h(seg: Segment, ctx: Context) -> Hit | None:
    r = _response_time(seg)
    if not r:
        return None
    hours, _ = r
    around = " ".join([seg.text, seg.prev] + seg.leads + seg.headings[-2:])
    concept = _ncii_concept(around) or (P.INTIMATE_IMAGERY.search(around) and P.INTIMATE_IMAGERY.search(around).group(0))
    if not concept:
        return None
    if min(hours) > 48:
        return None
    return Hit(seg, 3.0 + specificity(seg), f"intimate-imagery removal within {_fmt(min(hours))} h", hours=hours)


_TRANSPARENCY = re.compile(
    r"\btransparency reports?\b|\btransparency report(?:ing)?\b|\benforcement reports?\b|\b(?:community standards|guidelines|policy) enforcement (?:report|data)\b|"
    r"\btransparency (?:cent(?:er|re)|hub)\b|"
    r"\b(?:publish\w*|releas\w*|shar\w*|report\w*) (?:\w+ ){0,6}(?:statistics|data|numbers?|figures|metrics|information|reports?|counts?|volumes?) (?:\w+ ){0,3}(?:about|on|regarding|of|describing|detailing|covering|showing|summari[sz]ing|listing) (?:[\w-]+ ){0,5}"
    r"(?:moderation|enforc\w*|removals?|takedowns?|requests?|reports|complaints|actions?|content (?:removal|moderation)|notices|suspensions?|suspended|removed|banned|terminated|(?:policy |rule )?violations)\b|"
    r"\b(?:biannual|bi-annual|annual|semi-annual|half-yearly|quarterly|yearly|periodic|regular) (?:\w+ )?(?:transparency|enforcement)?\s*reports?\b|"
    r"\b(?:statistics|data|numbers|figures|metrics|information) (?:about|on|regarding|of) (?:\w+ ){0,5}(?:moderation|enforc\w*|removals?|takedowns?|requests?|reports|notices|complaints|actions?)\b"
    r"[^.;]{0,60}\b(?:are|is|will be|get|gets) (?:\w+ )?(?:published|released|made (?:publicly )?available)\b|"
    r"\bhow we enforce\b[^.]{0,80}\b(?:in|through) our (?:biannual|bi-annual|annual|semi-annual|half-yearly|quarterly|yearly|periodic)\b",
    re.I)
_TRANSP_PUBLISH = re.compile(r"\b(?:publish\w*|releas\w*|view|see|learn|our|latest|recent|available|read|find|check|visit|access|biannual|annual|quarterly)\b|\]\(", re.I)


@detector("transparency_reporting", "no statement that transparency reports or enforcement statistics are published",
          gate=("transparen", "enforce", "statistic", "data", "figures", "metrics", "number", "publish", "releas", "annual", "quarterly", "periodic", "regular"))
def transparency(seg: Segment, ctx: Context) -> Hit | None:
    text = seg.text
    m = _TRANSPARENCY.search(text)
    if not m:
        return None
    if not _TRANSP_PUBLISH.search(text):
        return None
    if re.search(r"\b(?:not|no longer|never) (?:required to |obliged to )?publish|(?:do|does) not publish", text, re.I):
        return None
    if re.search(r"\byou (?:must|shall|agree to) (?:\w+ ){0,3}publish", text, re.I):
        return None
    if re.search(r"periodic|regular|annual|quarterly", m.group(0), re.I) and not re.search(r"enforce|moderat|transparen|remov|request|guideline|violat", text, re.I):
        return None
    return Hit(seg, 3.0 + (0.5 if re.search("transparency", m.group(0), re.I) else 0) + specificity(seg), f"publishes '{m.group(0).strip()}'")
