"""The report stage: read one scored run out of the store into deterministically ordered data.

Everything the HTML report, the exports and the Markdown brief show comes from `load_report_data`,
so the three outputs can never disagree. It gathers the scores (`riskaudit.store.report`), the
observed response times (`riskaudit.stages.cases`) and the policy history
(`riskaudit.stages.history`); `reports/` only renders what it returns.
"""
from __future__ import annotations

import datetime as _dt
import json
from collections import Counter, defaultdict
from typing import Any

from audits import rubric
from audits.response_times import TRIGGER_TEXT, load_rules
from audits.take_it_down import ELEMENTS as TAKE_IT_DOWN_ELEMENTS
from audits.take_it_down import LABELS as TAKE_IT_DOWN_LABELS
from audits.take_it_down import request_elements
from riskaudit.core.text import is_web_url
from riskaudit.stages import cases as case_stage
from riskaudit.stages import history
from riskaudit.stages import review as review_stage
from riskaudit.store import Connection
from riskaudit.store import cases as case_store
from riskaudit.store import report as q
from riskaudit.store import traces as trace_store
from riskaudit.store.documents import documents_of_run
from riskaudit.store.results import previous_scores
from riskaudit.store.runs import resolve_scored_run
from riskaudit.trace.chain import ROLE_NOTE

NOT_MET_REASON = "no qualifying statement found in the crawled documents"
MAX_LISTED_URLS = 10  # robots-blocked pages listed per service (the count is always complete)
NA_REASON = "not applicable: applies to generative-AI tools only"


def rubric_data() -> dict[str, Any]:
    """The rubric module as plain data, for the methodology section."""
    return {
        "version": rubric.RUBRIC_VERSION,
        "categories": [{"id": k, "name": v} for k, v in rubric.CATEGORIES.items()],
        "elements": [
            {"id": e.id, "category": e.category, "title": e.title, "summary": e.summary, "ai_only": e.ai_only}
            for e in rubric.ELEMENTS
        ],
        "thresholds": [{"grade": g, "min": t} for g, t in rubric.GRADE_THRESHOLDS],
        "kinds": list(rubric.KINDS),
    }


def _element_order() -> dict[str, int]:
    return {eid: i for i, eid in enumerate(rubric.ELEMENT_IDS)}


def _failure_kind(row: dict[str, Any]) -> str | None:
    if row["robots_blocked"] or row["media_refused"]:
        return None
    if row["error"]:
        return str(row["error"])
    if row["status"] is not None and row["status"] >= 400:
        return f"HTTP {row['status']}"
    if row["status"] is None:
        return "no response"
    return None


def classify_channel(ch: dict[str, Any]) -> str:
    """ok | login | robots | dead | unchecked — the measured state of one report channel.
    'robots': not fetched because robots.txt disallows it (crawl error 'robots'), which says
    nothing about whether the channel works."""
    if not is_web_url(ch.get("url")):
        return "unchecked"
    if ch.get("error") == "robots":
        return "robots"
    if ch.get("login_required"):
        return "login"
    if ch.get("error") or ch.get("status") is None or ch["status"] >= 400:
        return "dead"
    if ch.get("ok") is False:
        return "dead"
    return "ok"


CHANNEL_LABELS = {
    "ok": "reachable",
    "login": "login required",
    "dead": "dead channel",
    "robots": "blocked by robots.txt",
    "unchecked": "not checked (not a web address)",
}


def _crawl_health(con: Connection, run_id: int) -> dict[str, dict[str, Any]]:
    rows = q.fetch_outcomes(con, run_id)
    out: dict[str, dict[str, Any]] = {}
    for r in rows:
        h = out.setdefault(r["target_id"], {"requests": 0, "fetched": 0, "robots_blocked": 0, "robots_urls": [],
                                            "media_refused": 0, "failures": Counter()})
        h["requests"] += 1
        kind = _failure_kind(r)
        if r["robots_blocked"]:
            h["robots_blocked"] += 1
            if len(h["robots_urls"]) < MAX_LISTED_URLS:
                h["robots_urls"].append(r["url"])
        elif r["media_refused"]:
            h["media_refused"] += 1
        elif kind:
            h["failures"][kind] += 1
        else:
            h["fetched"] += 1
    return out


def _channels(con: Connection, run_id: int) -> dict[str, list[dict[str, Any]]]:
    rows = q.channel_checks(con, run_id)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        r["state"] = classify_channel(r)
        r["state_label"] = CHANNEL_LABELS[r["state"]]
        out[r["target_id"]].append(r)
    return out


def _documents(con: Connection, run_id: int) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in documents_of_run(con, run_id):
        out[r["target_id"]].append(r)
    return out


def _status(met: bool | None) -> str:
    return "na" if met is None else ("met" if met else "not_met")


def _response_times(con, run_id: int, services: list[dict[str, Any]], redact_urls: bool,
                              audit_day: _dt.date | None) -> dict[str, Any]:
    """Stated times (always, from the store) and observed times (when the case-log modules exist)."""
    names = {s["target_id"]: s["service"] for s in services}
    evidence_of = {(s["target_id"], q["quote"]): q for s in services for e in s["elements"]
                   if e["id"] == "stated_response_time" for q in e["evidence"]}
    raw = case_stage.stated_times(con, run_id=run_id)
    stated = []
    for r in raw:
        if r.get("target_id") not in names:
            continue
        q = evidence_of.get((r["target_id"], r.get("quote")), {})
        stated.append({"target_id": r["target_id"], "service": names[r["target_id"]], "hours": r.get("hours"),
                       "channel": r.get("channel"), "quote": r.get("quote"), "document": r.get("document"),
                       "url": r.get("url"), "fetched_at": q.get("fetched_at"), "snapshot": q.get("snapshot")})
    stated.sort(key=lambda r: (r["service"], r["target_id"], r["hours"] or 0, str(r["channel"] or "")))

    # rules are judged "in force" as of the audit (run start), so the report is reproducible
    legal = [dict(r, service=names[r["target_id"]])
             for r in case_stage.stated_vs_legal(con, run_id=run_id, today=audit_day)
             if r.get("target_id") in names]
    legal.sort(key=lambda r: (r["service"], r["target_id"], str(r.get("rule_id") or "")))

    observed: dict[str, Any] = {"available": False, "note": "", "groups": [], "curves": {}, "as_of": None}
    if not case_store.has_cases(con):
        observed["note"] = "No case logs have been imported into this database, so no observed times are shown."
    else:
        as_of = case_store.case_log_end(con)
        summary = case_stage.summarize(con, as_of=as_of)
        groups = [dict(g) for g in summary.get("groups", []) if g.get("target") in names]
        if redact_urls:
            groups = [{k: v for k, v in g.items() if "url" not in k.lower()} for g in groups]
        for g in groups:
            g["service"] = names[g["target"]]
        groups.sort(key=lambda g: (g["service"], g["target"], g["channel"] != "all", str(g["channel"])))
        curves = {}
        for tid in sorted({g["target"] for g in groups}, key=lambda t: (names[t], t)):
            c = case_stage.km_curves(con, tid, as_of=as_of)
            curves[tid] = {str(ch): [(float(h), float(s)) for h, s in pts] for ch, pts in sorted(c.items())}
        observed.update(available=True, groups=groups, curves=curves, as_of=summary.get("as_of"),
                        generated_at=summary.get("generated_at"))
    return {"stated": stated, "legal": legal, "observed": observed}


def _after(value: Any, bound: _dt.datetime | None) -> bool:
    """True when an ISO string or datetime `value` lies strictly after `bound` (or there is no bound)."""
    if bound is None or value is None:
        return True
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return True
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return value > bound.date()
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    return value > bound


def _document_changes(con, services: list[dict[str, Any]], previous: dict[str, dict]) -> dict[str, Any]:
    names = {s["target_id"]: s["service"] for s in services}
    items = []
    for tid in sorted(previous, key=lambda t: (names[t], t)):
        since = previous[tid].get("started_at")
        for c in history.list_changes(con, target_id=tid, since=since):
            # only text changes seen after the previous run (formatting-only versions are left out)
            if c.get("textual_change", True) and _after(c.get("at") or c.get("date"), since):
                items.append(dict(c, service=names[tid]))
    items.sort(key=lambda c: (c["service"], str(c.get("date")), str(c.get("document"))))
    return {"available": True, "items": items}


def _histories(con, services: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per target, its policy history when more than one version was observed: the period and
    every element flip with the quote responsible (crawls and imported archives alike)."""
    shown = {s["target_id"] for s in services}
    out: dict[str, dict[str, Any]] = {}
    for target_id in history.targets_with_history(con):
        if target_id not in shown:
            continue
        t = history.timeline(con, target_id)
        period = t.get("period") or {}
        if not t.get("changes") and not any((d.get("versions") or 0) > 1 for d in t.get("documents", [])):
            continue                  # a single version of every document: no history to show
        titles = {e.id: e.title for e in rubric.ELEMENTS}
        out[target_id] = {
            "period": period, "documents": t.get("documents", []),
            "changes": [dict(c, title=titles.get(c["element"], c["element"]),
                             from_status=_status(c["from"]), to_status=_status(c["to"]))
                        for c in t.get("changes", [])],
        }
    return out


def _why(not_assessed: list[dict[str, Any]]) -> list[tuple[str, int]]:
    """(failure kind, services) over the services not assessed, most common first."""
    counts: Counter = Counter()
    for s in not_assessed:
        kinds = {f.get("kind") or "unknown" for f in s["failed_documents"]} or {"nothing fetched"}
        counts.update(kinds)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


ROLE_LABELS = {"platform": "platform", "cdn": "CDN", "host": "origin host", "registrar": "registrar"}


def _take_it_down(asked: list[str]) -> dict[str, list[str]]:
    """Labels of the TAKE IT DOWN request elements asked for (ids from `audits.take_it_down`), and
    of the ones not asked for, in the Act's order."""
    return {"asks_for": [TAKE_IT_DOWN_LABELS[e] for e in TAKE_IT_DOWN_ELEMENTS if e in asked],
            "missing": [TAKE_IT_DOWN_LABELS[e] for e in TAKE_IT_DOWN_ELEMENTS if e not in asked]}


def _hosts(con, run_id: int, services: list[dict[str, Any]], not_assessed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """"Where hosts stand": the latest trace of each traced host (`riskaudit trace`) with its
    escalation chain in order (platform, CDN, origin host, registrar). A matched target's score is
    the one this report shows for it (reviewed decisions included), else its latest score in runs
    up to this one, else the score stored with the trace. Only the host name of a trace is kept:
    the URL traced may be a content URL, which the report never shows. [] when nothing was traced."""
    traces = trace_store.latest_traces(con)
    if not traces:
        return []
    shown = {s["target_id"]: (i, s) for i, s in enumerate(services, 1)}
    unranked = {s["target_id"] for s in not_assessed}
    stored_scores = q.scores_as_of(con, run_id)
    rule_names = {r["id"]: r["name"] for r in load_rules()}
    out = []
    for t in traces:
        hops = []
        for h in t["hops"]:
            tid = h["target_id"]
            if tid in shown:
                rank, s = shown[tid]
                score = {"score": s["score"], "grade": s["grade"], "run_id": run_id,
                         "source": "this run" if s["score"] is not None else "no score in this run", "scorecard": rank}
            elif tid in unranked:
                score = {"score": None, "grade": None, "run_id": run_id, "source": "not assessed in this run",
                         "scorecard": None}
            elif tid and tid in stored_scores and stored_scores[tid]["status"] == "assessed":
                r = stored_scores[tid]
                score = {"score": r["score"], "grade": r["grade"], "run_id": r["run_id"],
                         "source": f"run {r['run_id']}", "scorecard": None}
            elif tid and h["score"] is not None:
                score = {"score": h["score"], "grade": h["grade"], "run_id": h["score_run_id"],
                         "source": "when traced", "scorecard": None}
            else:
                score = None
            legal = [{"rule_id": r.get("rule_id"), "name": rule_names.get(r.get("rule_id")) or r.get("rule_id"),
                      "jurisdiction": r.get("jurisdiction"), "deadline": r.get("deadline"),
                      "trigger": r.get("trigger"),
                      "trigger_text": r.get("trigger_text") or TRIGGER_TEXT.get(r.get("trigger"), ""),
                      "in_force": r.get("in_force"), "effective": r.get("effective"),
                      "verify": bool(r.get("verify")), "caveat": r.get("caveat"),
                      "jurisdiction_assumed": bool(r.get("jurisdiction_assumed")),
                      "jurisdictions_source": r.get("jurisdictions_source")} for r in h["legal"]]
            hops.append({
                "seq": h["seq"], "role": h["role"], "role_label": ROLE_LABELS.get(h["role"], h["role"]),
                "fronting": h["role"] == "cdn", "note": ROLE_NOTE.get(h["role"], ""),
                "organisation": h["organisation"], "unknown": h["unknown"], "country": h["country"],
                "asn": h["asn"], "addresses": h["addresses"], "network": h["network"],
                "abuse_emails": h["abuse_emails"], "target_id": tid, "target_name": h["target_name"] or tid,
                "matched_by": h["matched_by"], "score": score,
                "channel": {"url": h["channel"], "kind": h["channel_kind"], "ok": h["channel_ok"],
                            "checked_at": h["channel_checked_at"]} if h["channel"] else None,
                "stated": {"hours": h["stated_hours"], "basis": h["stated_basis"], "quote": h["stated_quote"]}
                if h["stated_hours"] is not None else None,
                "take_it_down": _take_it_down(h["take_it_down_elements"]) if h["take_it_down_elements"] else None,
                "legal": legal,
                "legal_assumed": any(r["jurisdiction_assumed"] for r in legal),
                "legal_source": legal[0]["jurisdictions_source"] if legal else None,
            })
        out.append({"trace_id": t["trace_id"], "host": t["host"], "registered_domain": t["registered_domain"],
                    "traced_at": t["finished_at"], "cdn": [c.get("name") or c.get("provider") for c in t["cdn"]],
                    "failed_lookups": len(t["errors"]), "hops": hops})
    return out


def load_report_data(con: Connection, run_id: int | None = None, *,
                     db_label: str = "the database", redact_urls: bool = False,
                     reviewed_only: bool = False) -> dict[str, Any]:
    """Everything the report shows for one scored run, as plain dicts in a fixed order. Reviewed
    decisions replace the machine's (`riskaudit.stages.review`); with `reviewed_only`, findings
    without a review are pending and not scored."""
    q.use_utc(con)
    run_id = resolve_scored_run(con, run_id, db_label)
    run = q.run_info(con, run_id)
    scores = q.scores(con, run_id)
    scores.sort(key=lambda s: (-(s["score"] or 0.0), s["service"].casefold(), s["target_id"]))
    for s in scores:
        raw = s.pop("failed_documents", None)
        s["failed_documents"] = json.loads(raw) if isinstance(raw, str) else list(raw or [])

    er = q.element_results(con, run_id)
    ev = q.evidence(con, run_id)
    evidence: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in ev:
        evidence[(e["target_id"], e["element"])].append({
            "document": e["document"], "url": e["url"], "snapshot": e["snapshot_sha256"],
            "fetched_at": e["fetched_at"], "quote": e["quote"]})
    by_target: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for r in er:
        by_target[r["target_id"]][r["element"]] = r

    order = _element_order()
    health = _crawl_health(con, run_id)
    channels = _channels(con, run_id)
    documents = _documents(con, run_id)
    previous = previous_scores(con, run_id)

    services: list[dict[str, Any]] = []
    not_assessed: list[dict[str, Any]] = []
    for s in scores:
        tid = s["target_id"]
        stored = by_target.get(tid, {})
        element_ids = sorted(set(rubric.ELEMENT_IDS) | set(stored), key=lambda x: (order.get(x, len(order)), x))
        elements = []
        for eid in element_ids:
            meta = rubric.BY_ID.get(eid)
            row = stored.get(eid)
            met = row["met"] if row else None
            reason = (row.get("reason") if row else None) or ""
            if not reason:
                if row is None:
                    reason = "no result stored for this element"
                elif met is None:
                    reason = NA_REASON if meta and meta.ai_only else "not applicable"
                elif met is False:
                    reason = NOT_MET_REASON
            hours = [float(h) for h in (row["hours"] or [])] if row and row.get("hours") else []
            elements.append({
                "id": eid, "category": (row["category"] if row else (meta.category if meta else "?")),
                "title": meta.title if meta else eid, "met": met, "status": _status(met),
                "reason": reason, "hours": hours, "evidence": evidence.get((tid, eid), []),
                "margin": (row.get("margin") or "") if row else "",
                "needs_review": bool(row.get("needs_review")) if row else False,
            })
        h = health.get(tid, {"requests": 0, "fetched": 0, "robots_blocked": 0, "robots_urls": [],
                             "media_refused": 0, "failures": Counter()})
        failures = Counter(h["failures"])
        walls = [f for f in s["failed_documents"] if f.get("kind") == "bot_wall"]
        if walls:                     # judged at scoring: answered 200, but a challenge/login/consent wall
            failures["bot_wall"] += len(walls)
        h = dict(h, failures=sorted(failures.items()), failed=sum(failures.values()), walls=walls)
        chans = channels.get(tid, [])
        prev = previous.get(tid)
        change = None
        if prev:
            flips = []
            for el in elements:
                before = prev.get("elements", {}).get(el["id"], "missing")
                if before != "missing" and before != el["met"]:
                    flips.append({"element": el["id"], "title": el["title"], "from": _status(before),
                                  "to": el["status"], "evidence": el["evidence"][:1]})
            change = {"previous_run": prev["run_id"], "previous_started_at": prev["started_at"],
                      "previous_score": prev["score"], "previous_grade": prev["grade"],
                      "delta": round((s["score"] or 0.0) - (prev["score"] or 0.0), 1), "flips": flips}
        if s["status"] != "assessed":
            # no usable document: listed apart, never ranked, graded or counted in coverage
            not_assessed.append({
                "target_id": tid, "service": s["service"], "kind": s["kind"], "homepage": s["homepage"],
                "status": s["status"], "reason": s["not_assessed_reason"] or "", "score": None, "grade": None,
                "rubric_version": s["rubric_version"], "rules_version": s.get("rules_version") or "",
                "categories": {c: None for c in rubric.CATEGORIES},
                "failed_documents": s["failed_documents"], "health": h, "channels": chans,
                "documents": documents.get(tid, [])})
            continue
        services.append({
            "target_id": tid, "service": s["service"], "kind": s["kind"], "homepage": s["homepage"],
            "status": s["status"], "failed_documents": s["failed_documents"],
            "score": s["score"], "grade": s["grade"], "rubric_version": s["rubric_version"],
            "rules_version": s.get("rules_version") or "",
            "categories": {c: s["categories"].get(c) for c in rubric.CATEGORIES},
            "elements": elements, "health": h, "channels": chans, "documents": documents.get(tid, []),
            "dead_channels": [c for c in chans if c["state"] == "dead"],
            "login_channels": [c for c in chans if c["state"] == "login"],
            "change": change,
        })

    review = review_stage.apply_to_services(review_stage.load(con, run_id, db_label), services,
                                            reviewed_only=reviewed_only)
    services.sort(key=lambda s: (-(s["score"] or 0.0), s["service"].casefold(), s["target_id"]))
    not_assessed.sort(key=lambda s: (s["service"].casefold(), s["target_id"]))
    rubric_versions = sorted({s["rubric_version"] for s in services if s["rubric_version"]})
    totals = {
        "services": len(services),
        "not_assessed": len(not_assessed),
        "documents": sum(len(s["documents"]) for s in services),
        "requests": sum(s["health"]["requests"] for s in services),
        "fetched": sum(s["health"]["fetched"] for s in services),
        "failed": sum(s["health"]["failed"] for s in services),
        "robots_blocked": sum(s["health"]["robots_blocked"] for s in services),
        "media_refused": sum(s["health"]["media_refused"] for s in services),
        "channels": sum(len(s["channels"]) for s in services),
        "dead_channels": sum(len(s["dead_channels"]) for s in services),
        "login_channels": sum(len(s["login_channels"]) for s in services),
        "quotes": len(ev),
    }
    kinds = sorted(Counter(s["kind"] or "unknown" for s in services).items(), key=lambda kv: (-kv[1], kv[0]))

    coverage = []
    for e in rubric.ELEMENTS:
        applicable = [s for s in services if next(x for x in s["elements"] if x["id"] == e.id)["met"] is not None]
        met = [s for s in applicable if next(x for x in s["elements"] if x["id"] == e.id)["met"]]
        coverage.append({"id": e.id, "title": e.title, "category": e.category,
                         "met": len(met), "applicable": len(applicable)})

    started = run.get("started_at")
    audit_day = started.date() if isinstance(started, _dt.datetime) else None
    response = _response_times(con, run_id, services, redact_urls, audit_day)
    histories = _histories(con, services)
    for s in services:
        s["history"] = histories.get(s["target_id"])
    hosts = _hosts(con, run_id, services, not_assessed)
    for s in services:
        for e in s["elements"]:
            if e["id"] == "statutory_ncii_process" and e["evidence"]:
                e["take_it_down"] = _take_it_down(request_elements([x["quote"] for x in e["evidence"]]))
    changed = [s for s in services if s["change"]]
    prev_runs = sorted({s["change"]["previous_run"] for s in changed})
    changes = {"has_previous": bool(changed), "previous_runs": prev_runs,
               "services": [s for s in changed if s["change"]["flips"] or s["change"]["delta"]],
               "documents": _document_changes(con, services, previous) if changed
               else {"available": False, "items": []}}

    return {
        "run": run, "run_id": run_id, "rubric": rubric_data(), "rubric_versions": rubric_versions,
        "rubric_mismatch": any(v != rubric.RUBRIC_VERSION for v in rubric_versions),
        "services": services, "not_assessed": not_assessed, "not_assessed_why": _why(not_assessed),
        "kinds": kinds, "totals": totals, "coverage": coverage,
        "response": response, "changes": changes, "review": review, "hosts": hosts,
    }
