"""Alerts: what changed in the latest run, as an Atom feed (RFC 4287) and as a JSON webhook POST.

One entry per
- element flip since the previous run (a policy that weakened or strengthened), with the quote
  responsible;
- report channel found dead (no 200 answer) or login-walled in the latest run;
- service not assessed in the latest run (no usable policy document), with the reason.
Each links to the report. Entry ids are stable for the same condition (a feed reader shows a
persisting dead channel once, updated), and every text field is crawled text: the XML is built
with xml.etree (escaped by the serializer), and characters XML 1.0 cannot carry are replaced.
"""
from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

from riskaudit import USER_AGENT, __version__
from riskaudit.core.clock import iso, now_utc
from riskaudit.core.errors import UserError
from riskaudit.core.text import is_web_url
from riskaudit.evidence import review_state, review_states
from riskaudit.store import Connection
from riskaudit.store import evidence as ev_store

ATOM = "http://www.w3.org/2005/Atom"
WEBHOOK_TIMEOUT_S = 15
WEBHOOK_MAX_BYTES = 5 * 1024 * 1024
# Characters XML 1.0 cannot hold (C0 controls but tab/newline/CR, surrogates, U+FFFE/U+FFFF)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value) -> str:
    """Text safe to put in an XML 1.0 document (ElementTree escapes <, & and quotes; this removes
    what no escaping can carry, shown as U+FFFD)."""
    return _NOT_XML.sub("\ufffd", "" if value is None else str(value))


def _met(value) -> str:
    return "n/a" if value is None else ("met" if value else "not met")


def _entry_id(*parts) -> str:
    return "urn:riskaudit:alert:" + hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


def collect_entries(con: Connection, run_id: int, *, target_ids: list[str] | None = None,
                    report_url: str = "report.html") -> list[dict]:
    """The alert entries of scored run `run_id` (flips since the previous finished run, channel
    problems and not-assessed services of this run), newest first."""
    previous = ev_store.previous_finished_run(con, run_id)
    since = (previous.get("finished_at") or previous.get("started_at")) if previous else None
    entries: list[dict] = []
    states = review_states(con, run_id)
    for f in ev_store.flips_since(con, since, target_ids):
        weakened = bool(f["from_met"]) and not f["to_met"]
        verb = "weakened" if weakened else ("strengthened" if f["to_met"] else "changed")
        entries.append({
            "id": _entry_id("flip", f["target_id"], f["element"], iso(f["flip_at"], timespec="microseconds"), f["to_met"]),
            "kind": "element_flip", "direction": verb, "target_id": f["target_id"], "service": f["service"],
            "element": f["element"], "from": _met(f["from_met"]), "to": _met(f["to_met"]),
            "document": f["document"], "quote": f["quote"], "quote_in_change": bool(f["quote_in_change"]),
            "updated": iso(f["flip_at"]), "review_state": review_state(f, states),
            "title": f"{f['service']}: {f['element']} {_met(f['from_met'])} → {_met(f['to_met'])} ({verb})",
            "link": f"{report_url}#changes",
        })
    for c in ev_store.channel_problems(con, run_id, target_ids):
        state = "login-walled" if c["login_required"] else "dead"
        detail = f"HTTP {c['status']}" if c["status"] is not None else (c["error"] or "no response")
        entries.append({
            "id": _entry_id("channel", c["target_id"], c["url"], state), "kind": f"channel_{state.replace('-', '_')}",
            "target_id": c["target_id"], "service": c["service"], "channel_kind": c["channel_kind"],
            "channel_url": c["url"], "status": c["status"], "detail": detail, "updated": iso(c["checked_at"]),
            "title": f"{c['service']}: {c['channel_kind'] or 'report'} channel {state} ({detail})",
            "quote": None, "link": f"{report_url}#scorecards",
        })
    for s in ev_store.not_assessed_targets(con, run_id, target_ids):
        entries.append({
            "id": _entry_id("not_assessed", s["target_id"], s["not_assessed_reason"]), "kind": "not_assessed",
            "target_id": s["target_id"], "service": s["service"], "reason": s["not_assessed_reason"],
            "updated": iso(s["scored_at"]), "title": f"{s['service']}: not assessed",
            "quote": None, "link": f"{report_url}#not-assessed",
        })
    entries.sort(key=lambda e: (e["updated"] or "", e["id"]), reverse=True)
    return entries


def _summary(e: dict) -> str:
    if e["kind"] == "element_flip":
        text = f"{e['service']}: rubric element {e['element']} went from {e['from']} to {e['to']}"
        text += f" after a change to {e['document']}." if e.get("document") else "."
        if e.get("quote"):
            text += f" Quote responsible: “{e['quote']}”"
        return text
    if e["kind"] == "not_assessed":
        return f"{e['service']} could not be assessed: {e.get('reason') or 'no usable policy document'}"
    return f"{e['service']}: the {e.get('channel_kind') or 'report'} channel {e.get('channel_url')} is " \
           f"{'behind a login' if e['kind'] == 'channel_login_walled' else 'dead'} ({e.get('detail')})."


def atom_feed(entries: list[dict], *, feed_id: str, title: str = "riskaudit alerts", self_url: str | None = None,
              report_url: str = "report.html") -> bytes:
    """The Atom document (UTF-8 bytes) of these entries."""
    ET.register_namespace("", ATOM)

    def sub(parent, tag, text=None, **attrs):
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: xml_text(v) for k, v in attrs.items()})
        if text is not None:
            el.text = xml_text(text)
        return el

    feed = ET.Element(f"{{{ATOM}}}feed")
    sub(feed, "id", feed_id)
    sub(feed, "title", title)
    sub(feed, "updated", max((e["updated"] for e in entries if e["updated"]), default=None) or iso(now_utc()))
    sub(feed, "generator", "riskaudit", version=__version__)
    author = sub(feed, "author")
    sub(author, "name", "riskaudit")
    if self_url and is_web_url(self_url):
        sub(feed, "link", rel="self", href=self_url)
    sub(feed, "link", rel="alternate", href=report_url)
    for e in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", e["id"])
        sub(entry, "title", e["title"])
        sub(entry, "updated", e["updated"] or iso(now_utc()))
        sub(entry, "link", rel="alternate", href=e["link"])
        if e.get("channel_url") and is_web_url(e["channel_url"]):
            sub(entry, "link", rel="related", href=e["channel_url"])
        sub(entry, "category", term=e["kind"])
        sub(entry, "summary", _summary(e), type="text")
        sub(entry, "content", json.dumps(e, ensure_ascii=False, sort_keys=True), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def write_feed(path: str | Path, entries: list[dict], **kwargs) -> Path:
    path = Path(path)
    data = atom_feed(entries, **kwargs)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        raise UserError(f"{path}: cannot write the feed ({exc.strerror})") from None
    return path


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise UserError(f"webhook {req.full_url} answered a redirect to {newurl}: give the final URL")


def webhook_refusal(url: str, allow_private: bool) -> str | None:
    """Why the webhook URL must not be posted to, or None (the crawler's private-address guard)."""
    from crawler.guards import url_refusal
    return url_refusal(url, allow_private)


def post_webhook(url: str, entries: list[dict], *, allow_private: bool = False, feed_id: str = "",
                 timeout: float = WEBHOOK_TIMEOUT_S) -> int:
    """POST {"feed", "generated_at", "entries": [...]} as JSON to `url`; return the HTTP status.
    Private, loopback and reserved addresses are refused unless `allow_private`; redirects are not followed."""
    refusal = webhook_refusal(url, allow_private)
    if refusal:
        raise UserError(f"webhook {url} refused ({refusal}); pass --allow-private to post to a private or local address")
    body = json.dumps({"feed": feed_id, "generator": f"riskaudit/{__version__}", "generated_at": iso(now_utc()),
                       "entries": entries}, ensure_ascii=False, default=str).encode("utf-8")
    if len(body) > WEBHOOK_MAX_BYTES:
        raise UserError(f"webhook payload of {len(body)} bytes is over {WEBHOOK_MAX_BYTES}: narrow it with --target")
    req = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT})
    opener = urllib.request.build_opener(_NoRedirects())
    try:
        with opener.open(req, timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        raise UserError(f"webhook {url} answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        raise UserError(f"webhook {url}: request failed ({getattr(exc, 'reason', exc)})") from None
