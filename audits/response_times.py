"""Stated response times by reporting channel, and their compliance with legal deadlines.

The audit stores every quote that backs `stated_response_time` in `evidence` (and the hours
in `element_results.hours`). Here each commitment is re-read from its quote, converted to
hours (`audits.timeparse.commitments`) and
tagged with the channel it applies to (ncii / copyright / illegal_content / general) from
keyword cues in its sentence. `stated_vs_legal` then compares, per target and applicable
rule of `audits/rules/legal_deadlines.yaml`, the shortest stated time for the rule's content
type (or a general one, saying so) with the legal deadline.
"""
from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path

import yaml

from audits.timeparse import commitments
from riskaudit.core.errors import UserError
from riskaudit.core.vocab import STATED_CHANNELS
from riskaudit.core.vocab import TARGET_KINDS as KINDS

RULES_PATH = Path(__file__).parent / "rules" / "legal_deadlines.yaml"
CONTENT_TYPES = {"ncii": "ncii", "copyright": "copyright", "illegal_content": "illegal_content",
                 "csam": "illegal_content"}   # rule content_type -> stated-time channel
RULE_FIELDS = ("id", "name", "jurisdiction", "content_type", "deadline_hours", "applies_to_kinds",
               "source", "effective")
OPTIONAL_RULE_FIELDS = ("trigger", "covered", "verify", "deadline_text", "notes")
# What starts the clock: the depicted person's (or their representative's) valid request or
# report; a regulator's removal notice; or any notice from anyone (DSA notice and action).
TRIGGERS = ("valid_request", "regulator_notice", "notice")

_CUES = {
    "ncii": re.compile(r"intimate|non[- ]?consensual|\bncii\b|\bnud(e|es|ity)\b|revenge porn|"
                       r"take it down|sextortion|sexual(ly explicit)? (image|imagery|photo|video)", re.I),
    "copyright": re.compile(r"copyright|\bdmca\b|infring", re.I),
    "illegal_content": re.compile(r"illegal|unlawful|\bcsam\b|child sexual|law enforcement|court order", re.I),
}
_SENTENCE = re.compile(r"(?<=[.;!?])\s+|\n+")


def _commitments(text: str) -> list[float]:
    return [float(h) for h in commitments(text)]


def channels_of(text: str) -> list[str]:
    """Channels whose keyword cues appear in `text` (ncii, copyright, illegal_content)."""
    return [ch for ch, rx in _CUES.items() if rx.search(text)]


def tag_commitments(quote: str, document: str | None = None) -> list[tuple[float, str]]:
    """(hours, channel) for each commitment in a quote.

    Channel comes from the cues of the sentence holding the commitment; else from the whole
    quote when it names exactly one channel; else from the document's title/name when that
    names exactly one (a page called "Report intimate images"); else `general`. A sentence
    naming several channels yields one row per channel.
    """
    fallback = ["general"]
    for context in (quote, document or ""):
        chans = channels_of(context)
        if len(chans) == 1:
            fallback = chans
            break
        if chans:
            break
    out: list[tuple[float, str]] = []
    for sentence in _SENTENCE.split(quote):
        hours = _commitments(sentence)
        if not hours:
            continue
        chans = channels_of(sentence) or fallback
        out += [(h, ch) for h in hours for ch in chans if (h, ch) not in out]
    if not out:
        chans = channels_of(quote) or fallback
        out = [(h, ch) for h in _commitments(quote) for ch in chans if (h, ch) not in out]
    return out


# ---------------------------------------------------------------- stated times
def _num(h: float):
    return int(h) if float(h).is_integer() else round(float(h), 2)


def stated_times(quotes: list[tuple], recorded: dict[str, list]) -> list[dict]:
    """Every stated commitment, one row per (hours, channel).

    `quotes`: (target_id, quote, document, url) of the stated_response_time evidence of a run;
    `recorded`: {target_id: hours} the element results recorded. Keys of each row: target_id,
    hours, channel, quote, document, url. Recorded hours that no quote yields are added with
    channel `general` and no quote.
    """
    rows: list[dict] = []
    seen: dict[str, set[float]] = {}
    for target_id, quote, document, url in quotes:
        for hours, channel in tag_commitments(quote, document):
            rows.append({"target_id": target_id, "hours": _num(hours), "channel": channel,
                         "quote": quote, "document": document, "url": url})
            seen.setdefault(target_id, set()).add(float(hours))
    for target_id, hours_list in sorted(recorded.items()):
        for h in hours_list or []:
            if float(h) not in seen.get(target_id, set()):
                rows.append({"target_id": target_id, "hours": _num(h), "channel": "general",
                             "quote": None, "document": None, "url": None})
    rows.sort(key=lambda r: (r["target_id"], STATED_CHANNELS.index(r["channel"]), r["hours"]))
    return rows


# ---------------------------------------------------------------- legal deadlines
def load_rules(path: str | Path | None = None) -> list[dict]:
    """Load and validate the legal-deadline rules; errors name the file, the rule and the field."""
    path = Path(path) if path else RULES_PATH
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"rules file {path} not found") from None
    except yaml.YAMLError as exc:
        raise UserError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise UserError(f"{path}: expected a mapping with a `rules:` list")
    problems: list[str] = []
    rules: list[dict] = []
    ids: set[str] = set()
    for i, rule in enumerate(data["rules"], 1):
        where = f"rule {i}"
        if not isinstance(rule, dict):
            problems.append(f"{where}: expected a mapping of fields")
            continue
        if rule.get("id"):
            where = f"rule {i} ({rule['id']})"
        bad = []
        missing = [f for f in RULE_FIELDS if rule.get(f) in (None, "")
                   and not (f == "deadline_hours" and f in rule and rule.get("deadline_text"))]
        if missing:
            bad.append("missing " + ", ".join(missing))
        unknown = [f for f in rule if f not in RULE_FIELDS + OPTIONAL_RULE_FIELDS]
        if unknown:
            bad.append("unknown field(s) " + ", ".join(map(str, unknown)))
        rid = str(rule.get("id", ""))
        if rid and not re.fullmatch(r"[A-Za-z0-9_-]+", rid):
            bad.append(f"id {rid!r} must use letters, digits, _ or -")
        if rid in ids:
            bad.append(f"duplicate id {rid!r}")
        ids.add(rid)
        if rule.get("content_type") not in (None, "") and rule["content_type"] not in CONTENT_TYPES:
            bad.append(f"content_type {rule['content_type']!r} not one of {', '.join(CONTENT_TYPES)}")
        for f in ("covered", "verify", "deadline_text", "notes", "name", "source"):
            if rule.get(f) is not None and not isinstance(rule[f], str):
                bad.append(f"{f} must be text")
        trig = rule.get("trigger")
        if trig is not None and trig not in TRIGGERS:
            bad.append(f"trigger {trig!r} not one of {', '.join(TRIGGERS)}")
        dh = rule.get("deadline_hours")
        if dh is not None and (isinstance(dh, bool) or not isinstance(dh, (int, float)) or dh <= 0):
            bad.append(f"deadline_hours {dh!r} must be a positive number")
        kinds = rule.get("applies_to_kinds")
        if kinds is not None and kinds != "all":
            if not isinstance(kinds, list) or not kinds or any(k not in KINDS for k in kinds):
                bad.append(f"applies_to_kinds {kinds!r} must be `all` or a list of {', '.join(KINDS)}")
        eff = rule.get("effective")
        if eff is not None and not isinstance(eff, _dt.date):
            try:
                eff = _dt.date.fromisoformat(str(eff))
            except ValueError:
                bad.append(f"effective {eff!r} must be a date YYYY-MM-DD")
        if isinstance(eff, _dt.datetime):
            eff = eff.date()
        if bad:
            problems.append(f"{where}: " + "; ".join(bad))
            continue
        rules.append({**{k: rule.get(k) for k in RULE_FIELDS + OPTIONAL_RULE_FIELDS},
                      "effective": eff, "deadline_hours": float(dh) if dh is not None else None,
                      "jurisdiction": str(rule["jurisdiction"]).strip()})
    if problems:
        raise UserError(f"{path}: invalid rules (fix and re-run):\n  " + "\n  ".join(problems))
    return rules


def _applies(rule: dict, kind: str, jurisdictions: list[str]) -> tuple[bool, bool]:
    """(applies, jurisdiction assumed because the target lists none)."""
    kinds = rule["applies_to_kinds"]
    if kinds != "all" and kind not in kinds:
        return False, False
    if not jurisdictions:
        return True, True
    return rule["jurisdiction"].lower() in {j.strip().lower() for j in jurisdictions}, False


def stated_vs_legal(targets: list[tuple], stated: list[dict], rules_path: str | Path | None = None,
                    today=None) -> list[dict]:
    """One finding per (scored target, applicable rule).

    `status`: states_within_deadline | states_longer | states_no_time | no_hour_deadline (a "timely"-type rule). The shortest stated
    time for the rule's content type is compared; without one, the shortest general time
    (`basis: "general"`). `in_force` is False before the rule's effective date.
    """
    rules = load_rules(rules_path)
    today = today or _dt.date.today()
    if isinstance(today, str):
        try:
            today = _dt.date.fromisoformat(today[:10])
        except ValueError:
            raise UserError(f"date {today!r} is not YYYY-MM-DD") from None
    if isinstance(today, _dt.datetime):
        today = today.date()
    findings = []
    for target_id, name, kind, jurisdictions in targets:
        mine = [s for s in stated if s["target_id"] == target_id]
        for rule in rules:
            applies, assumed = _applies(rule, kind, jurisdictions or [])
            if not applies:
                continue
            channel = CONTENT_TYPES[rule["content_type"]]
            specific = [s for s in mine if s["channel"] == channel]
            general = [s for s in mine if s["channel"] == "general"]
            pool, basis = (specific, channel) if specific else (general, "general") if general else ([], None)
            best = min(pool, key=lambda s: s["hours"]) if pool else None
            if rule["deadline_hours"] is None:
                status = "no_hour_deadline"
            elif best is None:
                status = "states_no_time"
            elif best["hours"] <= rule["deadline_hours"]:
                status = "states_within_deadline"
            else:
                status = "states_longer"
            in_force = today >= rule["effective"]
            findings.append({
                "target_id": target_id, "service": name, "kind": kind, "rule_id": rule["id"],
                "rule": rule["name"], "jurisdiction": rule["jurisdiction"],
                "content_type": rule["content_type"],
                "deadline_hours": _num(rule["deadline_hours"]) if rule["deadline_hours"] is not None else None,
                "deadline_text": rule.get("deadline_text"), "trigger": rule.get("trigger"),
                "verify": rule.get("verify"),
                "effective": rule["effective"].isoformat(), "in_force": in_force,
                "jurisdiction_assumed": assumed, "status": status,
                "stated_hours": best["hours"] if best else None, "basis": basis,
                "quote": best["quote"] if best else None, "document": best["document"] if best else None,
                "url": best["url"] if best else None, "source": rule["source"],
                "finding": _finding_text(name, rule, status, best, basis, in_force, assumed),
            })
    return findings


def deadline_label(rule: dict) -> str:
    """'48 h' or the rule's words when it sets no hours ('timely')."""
    if rule.get("deadline_hours") is None:
        return rule.get("deadline_text") or "no hour deadline"
    return f"{_num(rule['deadline_hours'])} h"


TRIGGER_TEXT = {"valid_request": "from the person's valid request", "regulator_notice": "from a regulator's notice",
                "notice": "from a notice"}


def _finding_text(name, rule, status, best, basis, in_force, assumed) -> str:
    deadline = deadline_label(rule)
    if status == "no_hour_deadline":
        stated = f"; it states {best['hours']} h ({basis})" if best else "; it states no time"
        text = f"{name}: {rule['id']} sets no hour deadline (\"{deadline}\"){stated}."
    elif status == "states_no_time":
        text = f"{name} states no response time for {rule['content_type']} reports ({rule['id']}: {deadline})."
    else:
        which = "its general" if basis == "general" else f"its {basis}"
        verdict = "within" if status == "states_within_deadline" else "longer than"
        text = (f"{name}: {which} stated time ({best['hours']} h) is {verdict} the {deadline} deadline "
                f"of {rule['id']}.")
    if rule.get("trigger") in TRIGGER_TEXT and status != "no_hour_deadline":
        text = text[:-1] + f", counted {TRIGGER_TEXT[rule['trigger']]}."
    if not in_force:
        text += f" Not yet in force (effective {rule['effective'].isoformat()})."
    if assumed:
        text += f" The target lists no jurisdictions: assumed to be covered by {rule['jurisdiction']} law."
    if rule.get("notes"):
        text += f" Note: {rule['notes']}"
    if rule.get("verify"):
        text += f" Verify: {rule['verify']}"
    return text
