"""Named predicates: the escape hatch for logic a phrase list cannot express.

A rule file calls a hook by name (`hook: ncii_concept`). Every hook reads its vocabulary from
the concept files through `C` (the compiled concepts of the active rules folder: `C.consent`
is the pattern of the concept `consent`), so editing a phrase changes what a hook sees.
A hook is `func(seg, ctx, b) -> dict | bool | None`: falsy = the condition fails; a dict adds
named values to the bindings `b` (used by reason templates, e.g. `{concept}`).

`riskaudit rules lint` lists every hook with its one-line description (`HOOKS`). The helpers
`prohibition`, `out_of_scope` and `specificity` are used by the interpreter for every rule.
"""
from __future__ import annotations

import re
import types
from functools import lru_cache
from typing import Callable

from audits import timeparse
from audits.segment import Segment

C = types.SimpleNamespace()         # set by audits.rules.interpreter.activate()
HOOKS: dict[str, tuple[Callable, str]] = {}
CACHES: list = []                    # lru caches cleared when another rules folder is activated


def hook(name: str, doc: str):
    def wrap(func):
        HOOKS[name] = (func, doc)
        return func
    return wrap


def _cached(func):
    f = lru_cache(maxsize=8192)(func)
    CACHES.append(f)
    return f


# ================================================================= shared clause logic

def own_prohibits(text: str) -> bool:
    """The sentence itself forbids (and is not a permission)."""
    cues = [m.group(0).lower() for m in C.prohibit.finditer(text)]
    if cues:
        # "you can remove …" is advice to the user, not enforcement by the service
        if all(re.match(r"remov|take|retir|supprim|entfern", c) for c in cues) and re.search(r"\byou (?:can|may|could|should|might)\b", text, re.I):
            return False
        return True
    return bool(C.leading_neg.match(text))


def permits(text: str) -> bool:
    """A permission without any prohibition cue: "You may share nude images of yourself"."""
    return bool(C.permit.search(text)) and not C.prohibit.search(text)


def prohibition(seg: Segment) -> str | None:
    """Where the segment's prohibition comes from: 'sentence', 'lead-in', 'preceding sentence', 'heading', or None."""
    if permits(seg.text):
        return None
    if own_prohibits(seg.text):
        return "sentence"
    if any(C.prohibit.search(lead) for lead in seg.leads):
        return "lead-in"
    if C.extension_start.match(seg.text):
        before = seg.block[: max(0, seg.block.find(seg.text))]
        if C.prohibit.search(before):
            return "preceding sentence"
    if (seg.is_item or len(seg.text) < 160) and not C.advice.search(seg.text):
        for h in seg.headings[-3:]:
            if C.prohibit_heading.search(h) or C.prohibit.search(h):
                return "heading"
    return None


def out_of_scope(seg: Segment) -> str | None:
    """Advertising or staff rules do not count for users' content."""
    heads = " ".join(seg.headings[-2:])
    if C.ads_scope.search(heads) and not re.search(r"content|community|user", heads, re.I):
        return "advertising policy"
    first = seg.text[:60]
    if re.match(r"\W*(?:ads?|advertis(?:ing|ements?|ers?)|sponsored)\b", first, re.I):
        return "advertising policy"
    if re.search(r"\b(?:our|its) (?:employees|staff|personnel)\b", seg.text, re.I) and not re.search(r"\b(?:you|users?|members?)\b", seg.text, re.I):
        return "staff rule"
    return None


def context_text(seg: Segment, *, headings: int = 2, prev: bool = False) -> str:
    parts = list(seg.headings[-headings:]) if headings else []
    parts += seg.leads
    if prev:
        parts.append(seg.prev)
    return " \n ".join(p for p in parts if p)


def specificity(seg: Segment) -> float:
    """Rank quotes: short self-contained sentences in a rule's voice first; headings and
    enforcement statistics last (they can still be evidence when nothing better exists)."""
    n = len(seg.text)
    bonus = -0.5 if n < 25 else max(0.0, 0.5 - n / 1200)
    if seg.is_heading:
        bonus -= 0.75
    if C.statistic.search(seg.text):
        bonus -= 0.75
    if C.rule_voice.search(seg.text):
        bonus += 0.25
    return bonus


@hook("out_of_scope", "the clause is an advertising policy or a rule for the service's staff")
def _out_of_scope(seg, ctx, b):
    return out_of_scope(seg)


def _closest(pattern: re.Pattern, text: str, pos: int, window: int) -> re.Match | None:
    for m in pattern.finditer(text):
        if abs(m.start() - pos) <= window:
            return m
    return None


# ================================================================= P — policy coverage

@_cached
def ncii_concept_text(text: str) -> str | None:
    """Does the text speak of intimate imagery of a person without consent (or of real people)?"""
    m = C.strong_ncii.search(text)
    if m:
        return f"'{m.group(0).strip()}'"
    intimate = C.intimate_imagery_strict.search(text)
    if intimate:
        consent = _closest(C.consent, text, intimate.start(), 140)
        if consent and C.gatekeeper.match(text, consent.end()):
            consent = None          # approval by moderators or the service, not by the person depicted
        if consent:
            if C.personal_data.search(text) and not C.sexual.search(consent.group(0)):
                return None
            # consent of the recipient of a message is not consent of the person depicted
            if C.recipient_consent.search(text) and not C.depicted.search(text):
                return None
            return f"intimate imagery '{intimate.group(0)}' + lack of consent '{consent.group(0)}'"
    if C.sexual.search(text) and C.imagery_word.search(text) and not C.minors.search(text):
        real = C.real_strong.search(text)
        if real:
            return f"sexual depiction of real people ('{real.group(0)}')"
        if intimate:
            others = C.of_others.search(text, intimate.start())
            if others and others.start() - intimate.end() < 40:
                return f"intimate imagery of another person ('{others.group(0)}')"
    m = C.nudify.search(text)
    if m:
        return f"'{m.group(0)}'"
    return None


@hook("ncii_concept", "intimate imagery + lack of consent within 140 characters (not consent of moderators, of a message's recipient or to data processing), sexual depictions of real people, intimate imagery of others, or nudify tools")
def _ncii_concept(seg, ctx, b):
    c = ncii_concept_text(seg.text)
    return {"concept": c} if c else None


@hook("ncii_concept_or_list_item", "ncii_concept, or a list item saying 'without consent' under a lead-in/heading about intimate imagery")
def _ncii_concept_or_item(seg, ctx, b):
    concept = ncii_concept_text(seg.text)
    if not concept and seg.is_item and C.consent.search(seg.text):
        around = context_text(seg, headings=1)
        if C.intimate_imagery.search(around) and not C.personal_data.search(seg.text):
            concept = "lack of consent under an intimate-imagery lead-in"
    return {"concept": concept} if concept else None


def extension_context(seg: Segment, headings: int = 1) -> str:
    """The rule a segment may extend: the sentence before it when it reads as an extension
    ("This includes …", or "including/also …" in the same paragraph), and for list items their
    lead-ins and headings. Empty when the segment stands on its own."""
    parts: list[str] = []
    text = seg.text
    same_block = bool(seg.prev) and seg.prev in seg.block
    if C.extension_start.match(text) or (same_block and C.scope_extension.search(text)):
        parts.append(seg.prev)
    if seg.is_item or parts:
        parts += seg.leads + seg.headings[-headings:]
    return " ".join(p for p in parts if p)


def items_under(seg: Segment, ctx) -> list[str]:
    """The list items introduced by `seg` when it is a lead-in ("… any content (real or AI-generated):")."""
    if ctx is None or not seg.text.rstrip(" *_").endswith(":"):
        return []
    index = getattr(ctx, "_items_by_lead", None)
    if index is None:
        index = {}
        for s in ctx.segments:
            if s.is_item and s.leads:
                index.setdefault((s.doc, s.leads[-1]), []).append(s.text)
        ctx._items_by_lead = index
    key = " ".join(seg.text.split())
    out: list[str] = []
    for (doc, lead), items in index.items():
        if doc == seg.doc and key and key in " ".join(lead.split()):
            out += items
    return out[:40]


def synthetic_concept(seg: Segment, ctx=None) -> str | None:
    text = seg.text
    m = C.nudify.search(text)
    if m:
        return f"'{m.group(0)}'"
    syn = C.synthetic.search(text)
    if not syn:
        return None
    # a lead-in that extends the whole list below it to AI-generated or altered content
    for item in items_under(seg, ctx):
        if ncii_concept_text(item):
            return f"synthetic '{syn.group(0)}' applies to the list below it, which covers intimate imagery without consent"
    sexual = C.intimate_imagery.search(text) or C.sexual.search(text)
    person = ncii_concept_text(text) or C.real_person.search(text) or C.consent.search(text)
    if sexual and person:
        return f"synthetic '{syn.group(0)}' + sexual/intimate depiction of a person"
    around = extension_context(seg)
    if around:
        if ncii_concept_text(around) and (sexual or len(text) < 200):
            return f"synthetic '{syn.group(0)}' extends the intimate-imagery rule"
    return None


@hook("synthetic_concept", "nudify tools, or synthetic media + sexual content + a person in the clause, or a synthetic-media clause extending an intimate-imagery rule stated just before")
def _synthetic_concept(seg, ctx, b):
    c = synthetic_concept(seg, ctx)
    if not c:
        return None
    return {"concept": c, "extends": "extends" in c, "deepfake_or_nudify": "deepfake" in c.lower() or "nudif" in c.lower()}


@hook("inherits_prohibition_from_prev", "an extension clause inherits the prohibition of the sentence before it or of its lead-in")
def _inherits_prev(seg, ctx, b):
    if b.get("extends") and (C.prohibit.search(seg.prev) or any(C.prohibit.search(x) for x in seg.leads)):
        return {"where": "extended rule"}
    return None


@hook("creation_concept", "a verb of making/requesting/selling (not a participle describing the imagery) + an NCII, covert-recording or synthetic-sexual concept")
def _creation_concept(seg, ctx, b):
    text = seg.text
    cm = None
    for m in C.create.finditer(text):
        # "imagery produced without consent" describes the imagery: only sharing is forbidden
        if re.fullmatch(r"\w+ed|made|sold", m.group(0), re.I) and C.image_before.search(text[max(0, m.start() - 40):m.start()]):
            continue
        cm = m
        break
    if not cm:
        return None
    concept = ncii_concept_text(text)
    if not concept and C.camera.match(cm.group(0)) and C.secret.search(text) and C.situation.search(text):
        concept = f"covert recording in an intimate situation ('{C.situation.search(text).group(0)}')"
    if not concept:
        syn = synthetic_concept(seg)
        if syn and "extends" not in syn:
            concept = syn
    if not concept and seg.prev and re.search(r"\b(?:said|such|this|that|these|those) (?:content|material|images?|imagery|videos?|media)\b", text, re.I):
        prev = ncii_concept_text(seg.prev)
        if prev:
            concept = f"{prev} (the rule just before, which this clause continues)"
    if not concept:
        return None
    return {"verb": cm.group(0), "concept": concept}


_CONTINUATION = re.compile(r"^\s*(?:including|such as|especially|in particular|for example|e\.g\.|namely|whether|with|by|using|to|in order)\b", re.I)


def list_chunks(text: str) -> list[tuple[int, int]]:
    """Spans of the items of an inline list ("a, b, the selling of drugs, or d"): the clause split at
    commas and semicolons, a chunk that continues the one before ("including …", "with …") joined
    to it. One span (the whole text) when the clause is not a list of three or more items."""
    cuts = [m.start() for m in re.finditer(r"[,;](?![^()]*\))", text)]
    if len(cuts) < 2:
        return [(0, len(text))]
    spans, start = [], 0
    for c in cuts + [len(text)]:
        spans.append((start, c))
        start = c + 1
    merged: list[tuple[int, int]] = []
    for a, z in spans:
        if merged and _CONTINUATION.match(text[a:z]):
            merged[-1] = (merged[-1][0], z)
        else:
            merged.append((a, z))
    return merged


def tied_in_list(text: str, word: re.Pattern, other: re.Pattern) -> bool:
    """Some occurrence of `word` shares its inline-list item with `other` (or the clause is no list)."""
    spans = list_chunks(text)
    if len(spans) == 1:
        return True
    # coordinated verbs share the object of the last one ("request, trade or sell nude images"):
    # a chunk of at most three words holding `word` joins the next chunk when that one holds `word` too
    joined: list[tuple[int, int]] = []
    i = 0
    while i < len(spans):
        a, z = spans[i]
        while i + 1 < len(spans) and len(re.findall(r"\w+", text[a:z])) <= 3 and word.search(text, a, z) \
                and word.search(text, *spans[i + 1]):
            i += 1
            z = spans[i][1]
        joined.append((a, z))
        i += 1
    spans = joined
    for m in word.finditer(text):
        for a, z in spans:
            if a <= m.start() < z and other.search(text, a, z):
                return True
    return False


_IMAGERY_TIE: dict[int, re.Pattern] = {}


def _imagery_tie() -> re.Pattern:
    """Imagery words, NCII names, sexual words and back-references ("said content", "such images")."""
    key = id(C.intimate_imagery)
    pat = _IMAGERY_TIE.get(key)
    if pat is None:
        parts = [C.intimate_imagery.pattern, C.strong_ncii.pattern, C.sexual.pattern, C.nudify.pattern, C.imagery_word.pattern,
                 r"\b(?:said|such|this|that|these|those|the) (?:content|material|images?|imagery|videos?|media)\b"]
        pat = _IMAGERY_TIE[key] = re.compile("|".join(f"(?:{p})" for p in parts), re.I)
    return pat


@hook("threat_outside_imagery_item", "the clause is an inline list and no threat word shares a list item with intimate imagery ('revenge porn, blackmail, intimidation')")
def _threat_outside(seg, ctx, b):
    return not tied_in_list(seg.text, C.threat, C.intimate_imagery)


@hook("verb_outside_imagery_item", "the clause is an inline list and the making/selling verb sits in a list item of its own, about something else ('the selling of drugs')")
def _verb_outside(seg, ctx, b):
    if not b.get("verb"):
        return False
    return not tied_in_list(seg.text, C.create, _imagery_tie())


@hook("camera_without_consent", "a filming/photographing verb with neither lack of consent nor secrecy in the clause")
def _camera_without_consent(seg, ctx, b):
    verb = (b.get("verb") or "").lower()
    return bool(C.camera.match(verb) and not (C.consent.search(seg.text) or C.secret.search(seg.text)))


@_cached
def csam_concept_text(text: str) -> str | None:
    m = C.csam_strong.search(text)
    if m:
        return f"'{m.group(0)}'"
    parts = re.split(r";|\s-\s", text)
    chunks = list_chunks(text)
    if len(chunks) > 2:                   # an inline list: each item on its own too ("…, pornography that depicts minors, …")
        parts += [text[a:z] for a, z in chunks]
    for part in parts:
        part = C.audience.sub(" ", part)      # children as the audience of content are not depicted
        mi = C.minors.search(part)
        if mi:
            sx = C.sexual_for_minors.search(part)
            if not sx:
                continue
            a, b = sorted((mi, sx), key=lambda m: m.start())
            between = part[a.end():b.start()]
            if between.count(",") >= 2 or re.search(r"\b(?:and|or) any\b|\band other\b|information|\bconvicted\b", between, re.I):
                continue
            if re.search(r"convicted|sex offen[cs]es?|sex offenders?|criminal record", part, re.I):
                continue
            if abs(sx.start() - mi.start()) < 100 and not C.age_gate.search(part) \
                    and not re.search(r"sexual (?:harass\w*|orientation|identity)", sx.group(0) + part[sx.end():sx.end() + 15], re.I):
                return f"minors '{mi.group(0)}' + sexual '{sx.group(0)}'"
    return None


def minor_heading_concept(seg: Segment) -> str | None:
    """A sexual-content item under a heading about children ("Child safety" + "sexualized depictions")."""
    if not (seg.is_item or len(seg.text) < 200):
        return None
    heads = " ".join(seg.headings[-2:])
    mi = C.minors.search(heads)
    if not mi or C.age_gate.search(seg.text):
        return None
    sx = re.search(r"\b(?:sexual\w*|sexuali[sz]\w*|nud(?:e|es|ity)|naked|porn\w*|erotic\w*|sexually explicit)\b", seg.text, re.I)
    if sx and not re.search(r"sexual (?:harass\w*|orientation|identity)", seg.text, re.I):
        return f"sexual '{sx.group(0)}' under a heading about minors ('{mi.group(0)}')"
    return None


@hook("csam_concept", "a CSAM name, or minors + a sexual/exploitation word within 100 characters in one part of the clause (not age rules, audiences, sex-offender records), or a sexual item under a heading about minors")
def _csam_concept(seg, ctx, b):
    c = csam_concept_text(seg.text) or minor_heading_concept(seg)
    return {"concept": c} if c else None


@hook("synthetic_csam_concept", "the clause states a child-sexual-content rule (csam_concept), or extends one stated just before / above")
def _synthetic_csam_concept(seg, ctx, b):
    concept = csam_concept_text(seg.text) or minor_heading_concept(seg)
    nr = b.get("nonreal_depiction", "")
    if concept and nr:
        # "child sexual abuse material or deepfakes of politicians": the depiction names other people
        at = seg.text.find(nr)
        after = seg.text[at + len(nr):at + len(nr) + 60] if at >= 0 else ""
        m = re.match(r"\s+(?:of|depicting|showing|featuring|involving)\s+((?:\S+\s+){0,2}\S+)", after, re.I)
        if m and not C.minors.search(m.group(1)) and not re.search(r"\b(?:any|anyone|a person|people|persons?|individuals?|them|such|it)\b", m.group(1), re.I):
            concept = None
            if not extension_context(seg, headings=2):
                return None
    if concept:
        return {"why": f"{concept} + non-real depiction '{nr}'", "direct": True}
    around = extension_context(seg, headings=2)
    if not (around and csam_concept_text(around)):
        if any(csam_concept_text(item) for item in items_under(seg, ctx)):
            return {"why": f"non-real depiction '{nr}' applies to the list below it, which covers child sexual content",
                    "direct": False, "extends": True}
        return None
    return {"why": f"non-real depiction '{nr}' extends the child-sexual-content rule", "direct": False, "extends": True}


@hook("inherits_prohibition_as_extension", "an extension of a child-sexual-content rule ('including', 'also', 'regardless', ...) inherits its prohibition")
def _inherits_ext(seg, ctx, b):
    if b.get("extends") or C.scope_extension.search(seg.text):
        return {"where": "extended rule"}
    return None


@hook("about_child_abuse", "the clause names a child-protection authority or CSAM, or follows a child-abuse rule (short clause, no other harms listed)")
def _about_child_abuse(seg, ctx, b):
    text = seg.text
    child_auth = C.child_authority.search(text)
    around = " ".join([text, seg.prev] + seg.leads)
    child = child_auth or csam_concept_text(text) or (
        len(text) < 250 and csam_concept_text(around) and not C.other_harms.search(around) and not C.other_harms.search(text))
    return bool(child)


@hook("reports_from_authorities", "the clause is about requests or reports FROM authorities (and not 'we report')")
def _from_auth(seg, ctx, b):
    text = seg.text
    return bool(C.from_auth.search(text) and not re.search(r"\b(?:we|will) (?:report|refer|notify)", text, re.I))


@hook("mentions_generation", "the clause or its context speaks of generating, prompts, models or use of the service (AI tools)")
def _mentions_generation(seg, ctx, b):
    return bool(C.generation.search(context_text(seg, headings=2, prev=True) + " " + seg.text))


# ================================================================= R — reporting channels

def links(text: str) -> list[tuple[str, str]]:
    """(link text, target) of Markdown links and bare URLs/e-mails in `text`."""
    out = [(m.group(1), m.group(2)) for m in C.md_link.finditer(text)]
    stripped = C.md_link.sub(" ", text)
    out += [("", m.group(0)) for m in C.bare_url.finditer(stripped)]
    out += [("", "mailto:" + m.group(0)) for m in C.email.finditer(stripped)]
    return out


def contact_link(label: str, target: str) -> bool:
    if target.lower().startswith("mailto:"):
        return True
    if target.startswith("#"):
        return False                     # a link to another section of the same page
    if C.contact_label.search(label) and not C.document_link.search(label):
        return True
    path = re.sub(r"^(?:https?://)?[^/]*", "", target)
    return bool(C.contact_path.search(path)) and not C.document_link.search(path)


def has_channel(text: str) -> str | None:
    for label, target in links(text):
        if contact_link(label, target):
            return "link/address"
    m = C.channel.search(text)
    return m.group(0) if m else None


def _plain(text: str) -> str:
    return C.md_link.sub(lambda m: m.group(1), text)


_ADMIN_NOTICE = re.compile(
    r"\b(?:cancel\w*|withdraw (?:your |their )?consent|(?:receiv\w*|send\w*) (?:electronic |e-?mail )?notices?|unsubscrib\w*|opt(?:-| )out"
    r"|chang\w* (?:of|in|to) (?:your |the |their )?(?:\w+ ){0,2}(?:e-?mail )?address|new (?:e-?mail )?address"
    r"|terminat\w* (?:your |this |the )?(?:account|subscription|agreement|contract)|(?:close|delete) (?:your |the )?account)\b", re.I)
_ABOUT_CONTENT = re.compile(r"\b(?:abus\w*|violat\w*|illegal|unlawful|harm\w*|infring\w*|offensive|inappropriate|content|posts?|profiles?)\b", re.I)


@hook("general_reporting", "a reporting word + a channel (link, address, button, form, 'select Report') + what is reported (in the clause, a question before it, or the heading of a how-to-report flow); not misuse of reports, technical/billing problems, reports to the police, reports the service sends, copyright-only routes rank lower")
def _general_reporting(seg, ctx, b):
    text = seg.text
    rep = C.report_core.search(text)
    if not rep:
        m = C.report_label.search(text)
        if not m:
            return None
        rep = m
    chan = has_channel(text) or (C.ui_pick.search(text) and "report option")
    if not chan:
        return None
    obj = C.report_object.search(text)
    if not obj and seg.prev and seg.prev in seg.block and seg.prev.rstrip().endswith("?") and len(seg.prev) < 120:
        obj = C.report_object.search(seg.prev)      # "Spotted a fake profile? Let our team know …"
    if not obj and (seg.is_item or len(text) < 160):
        for c in seg.headings[-1:] + seg.leads[-1:]:
            if C.report_core.search(c) and not C.not_content.search(c) and not C.misuse.search(c):
                obj = C.report_object.search(c)
                if obj:
                    break
    if not obj and C.ui_pick.search(text) and seg.is_item and any(C.report_core.search(h) for h in seg.headings[-1:] + seg.leads[-1:]):
        obj = rep               # "### How to report / 2. Long-press it and choose Report."
    if not obj and not C.linkish.search(text):
        return None
    plain = _plain(text)
    if re.search(r"\b(?:for more (?:on|about|information|details)|to learn more|learn more about|read more about|more information about)\b", plain, re.I) \
            and not any(re.search(r"report|flag|form|abuse|submit|notice|complain", lbl or "", re.I) for lbl, _ in links(text)) \
            and not re.search(r"@|\b(?:you can|to report|please (?:report|contact|email|use))\b", plain, re.I):
        return None            # a page to read about reports, not a way to make one
    if re.match(r"\s*reported\b", plain, re.I) and isinstance(chan, str) and re.fullmatch(r"team|department|officer|agent", chan, re.I) \
            and not re.search(r"\b(?:you (?:can|may)|to report|please|contact)\b", plain, re.I):
        return None            # how reports are handled by staff, not how to make one
    if C.misuse.search(plain) or C.not_content.search(plain) or C.user_to_police.search(plain):
        return None
    if re.search(r"\b(?:flagged|reported|removed|restricted|suspended|actioned) (?:\w+ )?(?:incorrectly|in error|by mistake|wrongly|mistakenly|unfairly)\b", plain, re.I):
        return None            # the user's own content flagged in error: an appeal, not a report
    if re.search(r"\b(?:reports?|requests?) (?:\w+ ){0,2}from (?:law enforcement|government|authorit)", text, re.I):
        return None
    if re.search(r"\bwe (?:may |will |can |might )?(?:send|provide|email|e-mail|give) (?:you|users|customers)\b|\b(?:usage|activity|billing|analytics) reports?\b"
                 r"|\b(?:send|sending|provide|providing|give|giving) you (?:with )?(?:an? )?(?:\w+ )?(?:notice|notification|e-?mail)", text, re.I):
        return None            # reports the service sends out, not reports it receives
    if C.negated_fact.search(text) and not re.search(r"\byou (?:can|may)\b", text, re.I):
        return None
    if _ADMIN_NOTICE.search(plain) and not _ABOUT_CONTENT.search(plain):
        return None            # notices about the user's own account or contract (cancel, change of address, consent to e-notices)
    ip_words = r"copyright|intellectual property|infring|dmca|trademark"
    copyright_only = (re.search(ip_words, text, re.I) or (seg.headings and re.search(ip_words, seg.headings[0], re.I)
                                                          and not re.search(r"abuse|report|illegal|safety|community", seg.headings[0], re.I))) \
        and not C.beyond_ip.search(text)
    instructive = re.search(r"\b(?:you (?:can|may|should)|please|to report|report (?:it|this|them|content|posts?|users?|profiles?|accounts?|violations?|any))\b", text, re.I)
    points = (0.5 if instructive else 0) + (0.3 if re.match(r"report|flag", rep.group(0).strip(), re.I) else -0.3) - (0.7 if copyright_only else 0)
    return {"report": rep.group(0).strip(), "channel": chan, "points": points, "copyright_only": bool(copyright_only)}


@hook("ncii_reporting", "a reporting route (report word, report link, dedicated form, an address naming intimate imagery, or a pick step of a report flow) that is specific to intimate imagery: a dedicated link/address/channel, an intimate-imagery removal request, or a named report category; not the general route")
def _ncii_reporting(seg, ctx, b):
    text = seg.text
    lk = links(text)
    ncii_address = any(C.ncii_address.search(target) for _, target in lk) and bool(C.send_to.search(text)) \
        and not re.search(r"\b(?:more information|learn more|read more|resources?|support services?)\b", text, re.I)
    pick_step = bool(C.pick.search(text)) and (seg.is_item or len(text) < 200) and bool(
        C.report_core.search(" ".join(seg.headings[-1:] + seg.leads[-1:] + ([seg.prev] if seg.prev in seg.block else []))))
    if not (C.report_core.search(text) or re.search(r"\[[^\]]*(?:report|remov|takedown|request|form)[^\]]*\]\(", text, re.I)
            or C.dedicated.search(text) or ncii_address or pick_step):
        return None
    around = " ".join([text, seg.prev] + seg.headings[-1:])
    ncii = ncii_concept_text(text) or C.ncii_words.search(text)
    if not ncii and not ncii_concept_text(around):
        return None
    specific = None
    for label, target in lk:
        if label and C.ncii_link.search(label) and re.search(r"report|remov|flag|request|form", label + " " + text, re.I):
            specific = f"dedicated link '{label[:60]}'"
            break
        if C.ncii_link.search(target):
            specific = "dedicated address"
            break
    if not specific and C.dedicated.search(text) and ncii:
        specific = "dedicated channel"
    if not specific and ncii and C.removal_right.search(text) and (C.intimate_imagery.search(text)):
        specific = "intimate-imagery removal request"
    if not specific and ncii:
        for m in C.pick.finditer(text):
            window = text[m.end():m.end() + 120]
            if re.search(r"intimate|non-?consensual|revenge|ncii", window, re.I) or ncii_concept_text(window) \
                    or (C.consent.search(window) and C.intimate_imagery_strict.search(text)):
                specific = "named report category"
                break
    if not specific:
        return None
    if C.general_route.search(text) and "dedicated" not in specific:
        return None
    return {"specific": specific}


@hook("non_user_context", "reporting is not closed to people without an account, and the clause is about reports, notices, complaints or a reporting form (or sits under a reporting heading); 'third parties may' must itself be about reporting")
def _non_user_context(seg, ctx, b):
    text = seg.text
    m_text = b.get("nonuser", "")
    if re.search(r"\b(?:cannot|can[’']t|can not|unable to|may not|only (?:registered|logged[- ]in|signed[- ]in)|must (?:first )?(?:be logged in|be signed in|have an account|sign in|log in|register))\b", text, re.I):
        return None                      # reporting closed to people without an account
    report_ctx = C.report_core.search(text) or re.search(r"\bcomplaints?\b|\bnotices?\b|\btakedown\b", text, re.I) or (
        re.search(r"\b(?:forms?|portal|web ?form|tool|channel)\b", text, re.I)
        and re.search(r"\b(?:illegal|unlawful|abus\w*|harmful|violat\w*|victims?|removal|infring\w*|intimate)\b", text, re.I))
    if not report_ctx:
        if len(text) < 250 and re.search(r"\b(?:this|the|our) (?:form|page|tool|channel|address)\b", text, re.I) \
                and C.report_core.search(" ".join(seg.headings[-1:] + [seg.prev])):
            report_ctx = True
    if not report_ctx:
        return None
    if re.search(r"\b(?:without|provid\w*|giv\w*|send\w*|serv\w*) (?:\w+ ){0,2}(?:any )?individual(?:ised|ized)? notices?\b", text, re.I):
        return None                      # notice given to people, not reports made by them
    if m_text.lower().startswith("any individual") and re.search(
            r"\bany individual (?:terms|agreements?|polic\w*|contracts?|plans?|services?)\b", text, re.I):
        return None                      # "any Individual Terms of Use": an adjective, not a person
    if re.search(r"\bthird part(?:y|ies)\b", m_text, re.I) and not re.search(r"report|notice|complain", m_text, re.I):
        if not re.search(r"third part(?:y|ies)(?: \w+){0,4} (?:can|may) (?:\w+ ){0,2}(?:report|submit|file|notify|send)", text, re.I):
            return None
    return True


@hook("abuse_contact", "an e-mail address or URL (not obfuscated, not a same-page anchor) that is an abuse/legal/notice contact: a role mailbox, or an address/contact link in a clause (or short line under a heading) naming such a role; off-topic contacts (privacy, billing, disputes) do not count")
def _abuse_contact(seg, ctx, b):
    text = seg.text
    lks = [(lbl, tgt) for lbl, tgt in links(text) if not C.obfuscated.search(tgt) and not tgt.startswith("#")
           and re.match(r"(?:https?://|www\.|mailto:)", tgt.strip(), re.I)]
    if not lks:
        return None
    plain = _plain(text)
    own_role = C.role.search(plain)
    prev = seg.prev if seg.prev and seg.prev in seg.block else ""      # same paragraph only
    off_topic = C.not_abuse.search(plain)
    ctx_role = C.role.search(" ".join([prev] + seg.leads + seg.headings[-1:]))
    short_line = len(plain) < 80
    best = None
    for label, target in lks:
        is_mail = target.lower().startswith("mailto:")
        if is_mail:
            box = target[7:].split("@")[0].strip()
            if off_topic and not C.role_mailbox.match(box):
                continue
            if C.private_mailbox.match(box) and not own_role:
                continue
            if C.role_mailbox.match(box):
                best = best or ("role mailbox", target)
                continue
            if own_role or (short_line and ctx_role):
                best = best or ("e-mail for " + (own_role or ctx_role).group(0), target)
            continue
        if off_topic:
            continue
        if C.generic_label.fullmatch(label.strip(" *_")) and not C.contact_path.search(re.sub(r"^(?:https?://)?[^/]*", "", target)) \
                and not C.instruction.search(plain):
            continue                     # "[here](…)" in a sentence that asks nobody to report anything
        if not contact_link(label, target):
            if not (C.document_link.search(label + " " + target) and re.search(
                    r"\b(?:to report|report (?:claims?|content|it)|submit\w* (?:a |your )?(?:notice|report|claim)|send (?:us )?(?:a |your )?notice)", text, re.I)):
                continue
        if own_role or (short_line and ctx_role):
            best = best or ("URL for " + (own_role or ctx_role).group(0), target)
    if not best:
        return None
    role_word, target = best
    role_target = C.role.search(target.replace("mailto:", "").replace("-", " ").replace("_", " "))
    points = (0.5 if target.lower().startswith("mailto:") else 0) + (0.3 if own_role else 0) + (0.6 if role_target else 0) \
        + (0.4 if C.instruction.search(plain) and C.report_role.search(plain) else 0) \
        - (0.8 if re.search(r"disput\w*|arbitrat\w*|\bcourt\b|lawsuit|governing law|amendment|questions about", plain, re.I) else 0)
    return {"role": role_word, "target": target[:80], "points": points}


@hook("copyright_notice_route", "copyright words in the clause or its context + a notice procedure (send a notice, designated agent, web form ...); not counter-notices, lawsuits/indemnities, repeat-infringer rules without a route; short or linked clauses when copyright is only in the context")
def _copyright(seg, ctx, b):
    text = seg.text
    c = C.copyright_words.search(text)
    if not c:
        if not C.copyright_words.search(" ".join([seg.prev] + seg.leads + seg.headings[-2:])):
            return None
    proc = C.copyright_procedure.search(text)
    if not proc:
        return None
    if re.search(r"counter[- ]?notic|counter[- ]?notification", text, re.I) and not re.search(r"(?<!counter[- ])(?<!counter)\bnotice of (?:claimed )?infringement|takedown notice", text, re.I):
        return None
    if C.copyright_exclusions.search(text):
        return None
    if re.search(r"repeat infring", text, re.I) and not re.search(r"\b(?:send|submit|file|agent|form)\b", text, re.I):
        return None
    has_links = bool(links(text))
    if not c and not (has_links or len(text) < 120):
        return None
    points = (0.5 if c else 0) + (0.3 if has_links else 0) - (0.8 if re.search(r"on (?:your|its|their) behalf", text, re.I) else 0)
    return {"procedure": proc.group(0)[:60].strip(), "points": points}


def siblings(seg: Segment, ctx) -> str:
    """The text of the list items sharing this item's lead-ins and headings (its list)."""
    index = getattr(ctx, "_sibling_index", None)
    if index is None:
        index = {}
        for s in ctx.segments:
            if s.is_item and s.leads:
                index.setdefault((s.doc, tuple(s.leads), tuple(s.headings)), []).append(s.text)
        ctx._sibling_index = index
    return " ".join(index.get((seg.doc, tuple(seg.leads), tuple(seg.headings)), [])[:12])


def _around(seg: Segment) -> str:
    return " ".join([seg.text, seg.prev] + seg.leads + seg.headings[-2:])


@hook("statute_removal_request", "the statute is tied to intimate imagery (in the clause or its context) and the clause speaks of removal, requests, notices or reports")
def _statute_request(seg, ctx, b):
    text = seg.text
    around = _around(seg)
    intimate = C.statute_strong.search(text) or ncii_concept_text(around) or C.intimate_imagery.search(around)
    return bool(intimate and re.search(r"remov\w*|request\w*|notice\w*|report\w*|takedown|take down", text, re.I))


@hook("statutory_elements_listed", "at least 3 statutory request elements (signature, identification, statement of non-consent, contact details) in the clause, its context or its sibling list items, for intimate imagery and not copyright")
def _statutory_elements(seg, ctx, b):
    around = _around(seg)
    if seg.is_item and seg.leads:
        around = " ".join([around, siblings(seg, ctx)])
    found = [e for e in C._parts["statutory_elements"] if e.search(around)]
    return bool(len(found) >= 3 and (ncii_concept_text(around) or C.intimate_imagery.search(around))
                and not re.search(r"copyright|dmca|infring", around, re.I))


@hook("statute_in_context_element", "a statute in the clause's context and a request element (signature, identification, statement, good faith, contact information) in the clause")
def _statute_ctx(seg, ctx, b):
    return bool(C.statute.search(_around(seg)) and C.request_element_words.search(seg.text))


@hook("appeal_route", "an appeal/contest/counter-notice word tied to a moderation decision (or a counter-notice route, or a follow-up to a decision named just before); not courts, arbitration, misuse of appeals, final decisions, appeals only handled by reviewers; 'in error' phrasings need a route, a belief and a moderation action")
def _appeal(seg, ctx, b):
    text = seg.text
    found = list(C.appeal.finditer(text))
    if not found:
        return None
    a = next((m for m in found if C.explicit_appeal.match(m.group(0))), found[0])
    counter = re.match(r"counter", a.group(0), re.I) and len(text) > 50 and not seg.is_heading \
        and re.search(r"\b(?:send|submit|fil(?:e|ing)|provid|serv(?:e|ing)|permit|may|can)\w*\b", text, re.I) \
        and not re.search(r"\bfalse\b|perjury|misrepresent", text, re.I)
    bypass = not C.moderation_object.search(text)
    follow_up = bypass and re.match(r"appeal", a.group(0), re.I) and C.way.search(text) and seg.prev and seg.prev in seg.block \
        and re.search(r"\b(?:decision|remov\w*|suspen\w*|terminat\w*|restrict\w*|bann?ed|disabled|taken down|strikes?|moderat\w*)\b", seg.prev, re.I)
    if bypass and not (counter or follow_up):
        return None
    if C.appeal_excl.search(text) and not re.search(r"out-of-court|counter[- ]?notic", text, re.I):
        return None
    if C.misuse.search(_plain(text)) and not re.search(r"\byou (?:can|may)\b", text, re.I):
        return None
    if re.search(r"\b(?:not|no) (?:be )?(?:subject to |right to |able to )?(?:appeal|review)|final and (?:binding|not)|cannot be appealed", text, re.I):
        return None
    if C.handled_appeals.search(text) and not C.user_route.search(text):
        return None
    word = a.group(0).lower()
    is_error_phrase = not C.explicit_appeal.match(word)
    if is_error_phrase and not C.way.search(text):
        return None
    if is_error_phrase and not re.search(r"\b(?:believe|think|feel|if)\b", text, re.I):
        return None
    if is_error_phrase and not re.search(r"\b(?:remov\w*|suspen\w*|terminat\w*|disabl\w*|restrict\w*|bann?\w*|block\w*|strikes?|flagged|taken down|warn\w*|"
                                         r"moderat\w*|decision\w*|enforcement|action (?:taken|against)|d[ée]cision\w*|supprim\w*|entscheidung\w*|gesperrt|entfernt)", text, re.I):
        return None
    if re.match(r"contest", word) and not re.search(r"decision|removal|strike|suspen|terminat|takedown|claim", text, re.I):
        return None
    points = (0.5 if re.match(r"appeal|counter", word) else 0) - (0.7 if bypass else 0)
    return {"appeal": a.group(0), "points": points}


@hook("take_it_down_without_hash", "'Take It Down' named without any word of hashing (the programme, not the hash list)")
def _tid(seg, ctx, b):
    return bool(re.fullmatch(r"take it down(?:\.ncmec\.org)?", b.get("hash_terms", ""), re.I) and not re.search(r"hash", seg.text, re.I))


# ================================================================= T — response times

def response_time(seg: Segment) -> tuple[list[float], str] | None:
    if "response_time" not in seg.memo:
        seg.memo["response_time"] = _response_time_uncached(seg)
    return seg.memo["response_time"]


def _response_time_uncached(seg: Segment) -> tuple[list[float], str] | None:
    text = seg.text
    if not C.maybe_number.search(text) or not C.report_object_timing.search(text):
        return None
    hours = timeparse.commitments(text)
    if not hours:
        return None
    if not (C.report_object_timing.search(text) and C.action.search(text) and C.commit.search(text)):
        return None
    if C.exclude.search(text) or C.user_deadline.search(text) or C.statistic.search(text):
        return None
    heads = " ".join(seg.headings[-2:])
    if re.search(r"privacy|personal data|data protection|billing|payment|refund|subscription|changes to|dispute|arbitration|counter", heads, re.I):
        return None
    if re.search(r"\b(?:customer |technical )?support\b|\bhelp ?desk\b", heads, re.I) and not re.search(r"report|notice|complain|grievance|abuse|content", heads, re.I):
        return None           # support-ticket times
    return hours, "numeric commitment to act on reports/notices"


def _fmt(h: float) -> str:
    return str(int(h)) if float(h).is_integer() else str(h)


@hook("response_time", "a duration (converted to hours) + what is acted on (reports, notices, complaints) + an action (review, remove, respond) + a commitment (within, will, typically); not the rubric's excluded durations, users' deadlines, statistics, privacy/billing/support headings")
def _response_time_hook(seg, ctx, b):
    r = response_time(seg)
    if not r:
        return None
    hours, why = r
    return {"hours": hours, "why": why, "hours_text": ", ".join(_fmt(h) for h in hours), "min_hours": _fmt(min(hours)), "min_hours_value": min(hours)}


@hook("about_intimate_imagery", "the clause, the sentence before, its lead-in or headings speak of NCII or intimate imagery")
def _about_ii(seg, ctx, b):
    around = " ".join([seg.text, seg.prev] + seg.leads + seg.headings[-2:])
    concept = ncii_concept_text(around) or (C.intimate_imagery.search(around) and C.intimate_imagery.search(around).group(0))
    return bool(concept)


@hook("within_48_hours", "the shortest duration found is 48 hours or less")
def _within_48(seg, ctx, b):
    return b.get("min_hours_value", 1e9) <= 48


# ================================================================= A — generative-AI safeguards

@hook("provenance", "outputs carry provenance (C2PA, content credentials, SynthID, watermarks, provenance metadata, AI-generated labels — Chinese labelling rules too), or removing such marks is forbidden; metadata alone must mark AI origin; not copyright notices or a user's disclosure duty")
def _provenance(seg, ctx, b):
    text = seg.text
    zh = C.prov_zh.search(text)
    if zh:
        if C.circumvent_zh.search(text) and C.prohibit_zh.search(text):
            return {"base": 3.5, "what": f"forbids removing AI-generated content labels ('{zh.group(0)}')"}
        if C.service_zh.search(text):
            return {"base": 3.0, "what": f"outputs carry AI-generated content labels ('{zh.group(0)}')"}
        return None
    terms = list(C.provenance_terms.finditer(text))
    mark = C.ai_mark.search(text)
    if mark and C.circumvent.search(text) and (re.search(r"\b(?:not|never|no)\b|prohibit|agree|may not|must not", text, re.I)
                                               or any(C.prohibit.search(lead) for lead in seg.leads)):
        return {"base": 3.5, "what": f"forbids removing provenance marks ('{mark.group(0)}')"}
    if mark and re.search(r"\bwe (?:\w+ ){0,2}(?:add|apply|attach|embed|include|insert|mark|label)\w*\b", text, re.I) and C.output.search(text):
        return {"base": 3.0, "what": f"outputs carry provenance ('{mark.group(0)}')"}
    if not terms:
        return None
    strong = [t for t in terms if t.group(0).lower() != "metadata"]
    if not strong and not C.meta_prov.search(text):
        return None
    m = strong[0] if strong else terms[0]
    if C.negated_fact.search(text) and not C.circumvent.search(text):
        return None
    circ = C.circumvent.search(text)
    if re.search(r"copyright|trademark|proprietary (?:notices?|rights)", text, re.I) and not re.search(r"provenance|c2pa|credential|synthid|output|generat|ai\b", text, re.I):
        return None
    if circ and (re.search(r"\b(?:not|never|no)\b|prohibit|agree|may not|must not", text, re.I) or prohibition(seg)):
        return {"base": 3.5, "what": f"forbids removing provenance marks ('{m.group(0)}')"}
    if C.output.search(text) and C.service_acts.search(text) and not (C.user_disclose.search(text) and not re.search(r"\bwe\b", text, re.I)):
        return {"base": 3.0, "what": f"outputs carry provenance ('{m.group(0)}')"}
    return None


@hook("sexual_safeguard", "an automated measure of the service (filter, classifier, detection, blocking ...) within 200 characters of sexual content (or a short blocking clause after a sexual-content rule); not user settings, age checks, negations or rules against users bypassing filters")
def _sexual_safeguard(seg, ctx, b):
    text = seg.text
    a = C.automated_measure.search(text)
    if not a:
        return None
    target = C.sexual_target.search(text)
    via_block = False
    if not target:
        if len(text) < 160 and re.search(r"automat|filter|classifier|block", text, re.I) and re.search(r"\b(?:inputs?|prompts?|outputs?|images?|generations?)\b", text, re.I):
            target = C.sexual_target.search(seg.prev) or C.sexual_target.search(seg.block)
            via_block = bool(target)
        if not target:
            return None
    if not C.service.search(text):
        return None
    if C.negated_fact.search(text) or C.user_filter.search(text) or C.age.search(text):
        return None
    if re.search(r"\b(?:you|users?) (?:may|must|shall|will) not (?:\w+ ){0,3}(?:circumvent|bypass|disable|remove)", text, re.I) and not re.search(r"\bwe\b", text, re.I):
        return None
    if not re.search(r"automat|filter|classifier|detect|block|scan|safety|moderation|machine|guardrail|hash|photo ?dna|screen|refuse|prevent", a.group(0), re.I):
        return None
    if not via_block and abs(a.start() - target.start()) > 200:
        return None
    if a.group(0).lower().startswith("prevent") and not re.search(r"automat|filter|classifier|detect|technolog|system|tool", text, re.I):
        return None
    return {"measure": a.group(0), "target": target.group(0)}
