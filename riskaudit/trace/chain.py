"""The escalation chain: platform -> CDN -> origin host -> registrar, each with the channel
to use, the time its policies promise, its riskaudit score and the legal deadlines that apply.

Pure: takes the trace's facts (hops with organisation, addresses, abuse e-mails, matched
target) plus, per matched target, what the store knows (score, channel checks, quotes), and
the legal-deadline rules (audits/rules/legal_deadlines.yaml).
"""
from __future__ import annotations

import datetime as _dt

from audits.response_times import TRIGGER_TEXT, deadline_label, tag_commitments
from audits.take_it_down import LABELS, request_elements

ROLE_ORDER = ("platform", "cdn", "host", "registrar")
# Channel kinds in order of preference for an NCII report.
CHANNEL_PREFERENCE = ("ncii_form", "abuse_email", "other", "in_app", "copyright")
EU = {"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "EL", "HU", "IE", "IT", "LV", "LT",
      "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"}
ROLE_NOTE = {
    "platform": "the service the content is on: report here first",
    "cdn": "fronts the site (not the host): it can disable its service for the site and, on request, name the origin host",
    "host": "hosts the content: can remove it or suspend the site",
    "registrar": "registered the domain: can suspend it (usually only for clear abuse or a court order)",
}


def jurisdictions_from_country(country: str | None) -> list[str]:
    """Rule jurisdiction codes implied by an RDAP country code (GB -> UK, EU members -> EU)."""
    if not country:
        return []
    c = country.strip().upper()
    if c == "GB":
        return ["UK"]
    if c in EU:
        return [c, "EU"]
    return [c]


def applicable_rules(rules: list[dict], kind: str, jurisdictions: list[str], *, today: _dt.date,
                     role: str, jurisdictions_source: str) -> list[dict]:
    """Legal deadlines that apply to an organisation of `kind` in `jurisdictions`.

    No jurisdictions known: every rule for the kind applies, flagged `assumed`.
    """
    have = {j.strip().upper() for j in jurisdictions}
    out = []
    for rule in rules:
        kinds = rule["applies_to_kinds"]
        if kinds != "all" and kind not in kinds:
            continue
        assumed = not have
        if have and rule["jurisdiction"].upper() not in have:
            continue
        caveat = None
        if role in ("cdn", "registrar") and rule["id"].startswith("us_take_it_down"):
            caveat = "infrastructure role: coverage as a 'covered platform' doubtful"
        out.append({
            "rule_id": rule["id"], "jurisdiction": rule["jurisdiction"], "deadline": deadline_label(rule),
            "deadline_hours": rule["deadline_hours"], "trigger": rule.get("trigger"),
            "trigger_text": TRIGGER_TEXT.get(rule.get("trigger"), ""), "in_force": today >= rule["effective"],
            "effective": rule["effective"].isoformat(), "verify": rule.get("verify"),
            "jurisdiction_assumed": assumed, "jurisdictions_source": jurisdictions_source, "caveat": caveat,
            "source": rule["source"],
        })
    out.sort(key=lambda r: (r["deadline_hours"] is None, r["deadline_hours"] or 0, r["rule_id"]))
    return out


def pick_channel(checks: list[dict], abuse_emails: list[str]) -> dict | None:
    """The channel to use: the best live registry channel, else an RDAP abuse e-mail."""
    def rank(c):
        kind = c.get("kind") if c.get("kind") in CHANNEL_PREFERENCE else "other"
        alive = 0 if c.get("ok") or str(c.get("url", "")).startswith("mailto:") else 1
        return (alive, CHANNEL_PREFERENCE.index(kind))
    if checks:
        best = sorted(checks, key=rank)[0]
        if best.get("ok") or str(best.get("url", "")).startswith("mailto:") or not abuse_emails:
            return {"url": best["url"], "kind": best.get("kind"), "ok": best.get("ok"),
                    "checked_at": best.get("checked_at"), "source": "channel check"}
    if abuse_emails:
        return {"url": f"mailto:{abuse_emails[0]}", "kind": "rdap_abuse", "ok": None, "checked_at": None,
                "source": "RDAP abuse contact"}
    return None


def stated_time(quotes: list[dict]) -> dict | None:
    """Shortest NCII response time the quotes state, else the shortest general one."""
    tagged = [(h, ch, q) for q in quotes for h, ch in tag_commitments(q["quote"], q.get("document"))]
    for basis in ("ncii", "general"):
        pool = [(h, q) for h, ch, q in tagged if ch == basis]
        if pool:
            h, q = min(pool, key=lambda t: t[0])
            return {"hours": h, "basis": basis, "quote": q["quote"], "document": q.get("document")}
    return None


def build_chain(hops: list[dict], info: dict[str, dict], targets: dict[str, dict], rules: list[dict],
                today: _dt.date) -> list[dict]:
    """Order hops by role and attach score, channel, stated time, TAKE IT DOWN elements, deadlines.

    hops: {role, organisation, target_id?, matched_by?, abuse_emails, country?, ...}
    info: {target_id: {"score": {...}|None, "channels": [...], "stated_quotes": [...], "process_quotes": [...]}}
    """
    out = []
    for hop in sorted(hops, key=lambda h: ROLE_ORDER.index(h["role"])):
        hop = dict(hop)
        tid = hop.get("target_id")
        t = targets.get(tid) if tid else None
        i = info.get(tid, {}) if tid else {}
        hop["score"] = i.get("score")
        hop["channel"] = pick_channel(i.get("channels") or [], hop.get("abuse_emails") or [])
        hop["stated"] = stated_time(i.get("stated_quotes") or [])
        elements = request_elements([q["quote"] for q in i.get("process_quotes") or []]) if tid else []
        hop["take_it_down_elements"] = elements
        hop["take_it_down_labels"] = [LABELS[e] for e in elements]
        kind = (t or {}).get("kind") or ("host" if hop["role"] != "platform" else "social")
        if t and t.get("jurisdictions"):
            juris, src = t["jurisdictions"], "registry"
        elif hop.get("country"):
            juris, src = jurisdictions_from_country(hop["country"]), f"RDAP country {hop['country']}"
        else:
            juris, src = [], "none known"
        hop["legal"] = applicable_rules(rules, kind, juris, today=today, role=hop["role"],
                                        jurisdictions_source=src) if hop.get("organisation") else []
        hop["note"] = ROLE_NOTE[hop["role"]]
        out.append(hop)
    return out
