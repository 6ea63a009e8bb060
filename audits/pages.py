"""Is a fetched page a policy at all? And what to say about a target whose documents failed.

Pure judgement on text (no I/O). A crawl can answer 200 with a page that is not the policy:
a bot challenge (Cloudflare "Just a moment...", Akamai "Access Denied ... Reference #",
Imperva/Incapsula incident pages, PerimeterX "Press & Hold"), a CAPTCHA, a "please enable
JavaScript" shell, a login wall, a cookie-consent interstitial, or an almost empty shell.
Scoring such a page as the service's policy would publish "says nothing" for a page we never
saw. `judge_page` names the wall; the score stage treats that document as a failed fetch of kind
`bot_wall`.

The cues are only believed on short pages: a real policy is long and may well talk about
cookies, logging in, JavaScript or CAPTCHAs. Strong challenge markers (vendor names and their
fixed texts) count below STRONG_MAX_WORDS words, weaker cues (captcha, JavaScript, login, consent)
below WEAK_MAX_WORDS, and any page under SHELL_MAX_WORDS words is a shell.

`not_assessed_result` and `note_failed_documents` turn failed documents into results: a target
with no usable document is not assessed (no score, no grade); one with some failed documents is
assessed, and every element it does not meet says which documents could not be checked.
"""
from __future__ import annotations

import re
from typing import Any

from audits import rubric
from audits.model import NOT_ASSESSED, ElementResult, TargetResult

BOT_WALL = "bot_wall"
SHELL_MAX_WORDS = 25
WEAK_MAX_WORDS = 200
STRONG_MAX_WORDS = 600

_STRONG = [
    ("Cloudflare challenge", re.compile(
        r"just a moment\.\.\.|checking (if the site connection is secure|your browser before accessing)|"
        r"cloudflare ray id|ddos protection by cloudflare|performance (&|and) security by cloudflare|"
        r"attention required! *\| *cloudflare|enable javascript and cookies to continue|cf-chl", re.I)),
    ("Akamai access denied", re.compile(
        r"you don't have permission to access .{0,200} on this server.{0,200}reference #|"
        r"reference #\d+\.[0-9a-f]+\.\d+", re.I | re.S)),
    ("Imperva/Incapsula block", re.compile(r"incapsula incident id|request unsuccessful\. incapsula|"
                                            r"powered by imperva", re.I)),
    ("PerimeterX/HUMAN challenge", re.compile(r"press (&|and) hold to confirm you are a human|"
                                              r"pardon our interruption", re.I)),
    ("DataDome challenge", re.compile(r"captcha-delivery\.com|geo\.captcha-delivery", re.I)),
]
_WEAK = [
    ("CAPTCHA", re.compile(r"\bcaptcha\b|verify (that )?you are (a )?human|are you a robot|i'?m not a robot|"
                           r"unusual traffic from your (computer )?network", re.I)),
    ("JavaScript required", re.compile(r"(please )?(enable|turn on) javascript|javascript (is )?(disabled|required)|"
                                       r"requires javascript|you need to enable javascript", re.I)),
    ("login wall", re.compile(r"(sign|log) ?in to (continue|view|see|access)|you must (be )?(logged|signed) in|"
                              r"please (sign|log) ?in\b|login required|create an account to continue", re.I)),
    ("cookie-consent interstitial", re.compile(
        r"(accept|allow|agree to) (all )?cookies|we (and our partners )?use cookies|cookie (settings|preferences)|"
        r"manage (your )?(cookie|privacy) (choices|preferences|settings)|before you continue", re.I)),
]
_WORD = re.compile(r"\w+")


def judge_page(text: str | None, title: str | None = None) -> str | None:
    """Why this fetched page is not a policy (e.g. "Cloudflare challenge page (12 words)"), or None
    when it should be scored. Looks at the extracted text and the title only."""
    body = text or ""
    words = len(_WORD.findall(body))
    seen = f"{title or ''}\n{body}"
    if words < STRONG_MAX_WORDS:
        for name, pattern in _STRONG:
            if pattern.search(seen):
                return f"{name} page ({words} words), not the policy"
    if words < WEAK_MAX_WORDS:
        for name, pattern in _WEAK:
            if pattern.search(seen):
                return f"{name} page ({words} words), not the policy"
    if words < SHELL_MAX_WORDS:
        return f"near-empty page ({words} words), not the policy"
    return None


def failure_text(failed: list[dict[str, Any]], limit: int = 5) -> str:
    """"url (HTTP 404); url (bot_wall: Cloudflare challenge page ...)", the first `limit` and a count."""
    parts = []
    for f in failed[:limit]:
        what = f["kind"] + (f": {f['detail']}" if f.get("detail") else "")
        parts.append(f"{f.get('url') or f.get('document') or '?'} ({what})")
    if len(failed) > limit:
        parts.append(f"and {len(failed) - limit} more")
    return "; ".join(parts)


def not_assessed_reason(failed: list[dict[str, Any]]) -> str:
    if not failed:
        return "no policy document was fetched for this service"
    n = len(failed)
    return f"no usable policy document: {n} document{'s' if n != 1 else ''} failed: {failure_text(failed)}"


def not_assessed_result(*, service: str, target_id: str, kind: str, failed: list[dict[str, Any]]) -> TargetResult:
    """The result of a target none of whose documents could be used: no score, no grade, every
    element unknown (met None) with the reason."""
    reason = not_assessed_reason(failed)
    elements = {el.id: ElementResult(el.id, None, reason=f"not assessed: {reason}") for el in rubric.ELEMENTS}
    return TargetResult(service=service, id=target_id, kind=kind, score=None, grade=None,
                        categories={c: None for c in rubric.CATEGORIES}, elements=elements,
                        rubric_version=rubric.RUBRIC_VERSION, status=NOT_ASSESSED, reason=reason,
                        failed_documents=list(failed))


def note_failed_documents(result: TargetResult, failed: list[dict[str, Any]]) -> TargetResult:
    """Record the target's failed documents; every element not met says they could not be checked."""
    result.failed_documents = list(failed)
    if failed:
        n = len(failed)
        note = (f" (not checked: {n} document{'s' if n != 1 else ''} could not be fetched or were not the policy: "
                f"{failure_text(failed)})")
        for er in result.elements.values():
            if er.met is False:
                er.reason = (er.reason or "no qualifying statement found") + note
    return result
