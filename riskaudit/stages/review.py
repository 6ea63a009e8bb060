"""The review stage: the machine proposes, a person confirms, the report says which.

A finding is target × element × rubric version. The machine's decision is the scored run's
`element_results` row; reviews are appended to `review_actions` (`riskaudit.store.reviews`) and
never changed. A reviewer's latest action on a finding is their review. The state of a finding:

  machine     no review that still holds
  confirmed   every reviewer agrees with the machine
  overridden  every reviewer agrees on another decision (a reason is required)
  disputed    two reviewers disagree (the machine's decision stands until they agree)
  stale       a review relies on a document whose text changed in the newest run, or whose quote
              no longer occurs verbatim (or, for a confirmation, the machine's decision changed):
              it returns to the queue with the diff

A review relies on the documents of its quotes; a review without quotes (e.g. "not met": no
passage says it) relies on every document of the target. Documents are matched across runs by
their URL (else their name), so unchanged documents keep their reviews across crawls, imports
and re-scoring. Scores use the reviewed decision of confirmed and overridden findings
(`apply_to_services`); `reviewed_only` scores nothing else (pending).
"""
from __future__ import annotations

import datetime as _dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from audits import rubric
from riskaudit.core.clock import iso, now_utc
from riskaudit.core.errors import UserError
from riskaudit.core.hashing import sha256_hex
from riskaudit.core.text import is_web_url
from riskaudit.store import Connection
from riskaudit.store import reviews as store
from riskaudit.store.runs import resolve_scored_run

DECISIONS = ("confirm", "met", "not_met", "not_applicable")
DECISION_MET = {"met": True, "not_met": False, "not_applicable": None}
STATES = ("machine", "confirmed", "overridden", "disputed", "stale")
HIGH_IMPACT_CATEGORIES = ("P", "R")
MAX_DIFF_LINES = 80


def met_label(met: bool | None) -> str:
    return "not applicable" if met is None else ("met" if met else "not met")


def decision_of(met: bool | None) -> str:
    return "not_applicable" if met is None else ("met" if met else "not_met")


@dataclass
class Review:
    """One reviewer's current review of a finding, judged against the run's documents."""
    action_id: int
    reviewer: str
    acted_at: _dt.datetime
    decision: str
    met: bool | None
    reason: str
    quotes: list[dict[str, Any]]
    documents: list[dict[str, Any]]
    via: str
    stale: list[str] = field(default_factory=list)       # why it no longer holds
    diffs: list[dict[str, Any]] = field(default_factory=list)   # {"document", "diff"} of changed texts

    def as_dict(self) -> dict[str, Any]:
        return {"action_id": self.action_id, "reviewer": self.reviewer, "at": self.acted_at,
                "date": _day(self.acted_at), "decision": self.decision, "met": self.met,
                "met_label": met_label(self.met), "reason": self.reason, "quotes": self.quotes,
                "via": self.via, "stale": list(self.stale), "diffs": list(self.diffs)}


def _day(value) -> str:
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.timezone.utc).date().isoformat()
    return str(value)[:10]


class Context:
    """The findings of one scored run with their reviews, states and documents."""

    def __init__(self, con: Connection, run_id: int | None = None, db_label: str = "the database"):
        self.run_id = resolve_scored_run(con, run_id, db_label)
        self.db_label = db_label
        self.docs: dict[str, list[dict[str, Any]]] = {}
        for d in store.documents(con, self.run_id):
            d["text"] = d["text"] or ""
            d["text_sha256"] = d["text_sha256"] or sha256_hex(d["text"])
            self.docs.setdefault(d["target_id"], []).append(d)
        evidence: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for e in store.evidence(con, self.run_id):
            evidence.setdefault((e["target_id"], e["element"]), []).append(e)
        self.findings: dict[tuple[str, str], dict[str, Any]] = {}
        for f in store.findings(con, self.run_id):
            meta = rubric.BY_ID.get(f["element"])
            f["title"] = meta.title if meta else f["element"]
            f["code"] = meta.code if meta else ""
            f["applicable"] = rubric.applicable(f["element"], f["kind"]) if meta and f["kind"] in rubric.KINDS else True
            f["evidence"] = evidence.get((f["target_id"], f["element"]), [])
            f["history"], f["replies"] = [], []
            self.findings[(f["target_id"], f["element"])] = f
        order = {eid: i for i, eid in enumerate(rubric.ELEMENT_IDS)}
        self.keys = sorted(self.findings, key=lambda k: (self.findings[k]["service"].casefold(), k[0],
                                                         order.get(k[1], len(order)), k[1]))
        for a in store.actions(con):
            f = self.findings.get((a["target_id"], a["element"]))
            if f is not None and a["rubric_version"] == f["rubric_version"]:
                f["history"].append(a)
        self.target_replies: dict[str, list[dict[str, Any]]] = {}
        for r in store.replies(con):
            if r["element"]:
                f = self.findings.get((r["target_id"], r["element"]))
                if f is not None:
                    f["replies"].append(r)
            else:
                self.target_replies.setdefault(r["target_id"], []).append(r)
        self._old_texts: dict[tuple[str, str], str | None] = {}
        self._con = con
        for f in self.findings.values():
            self._judge(f)
        self._con = None

    # ------------------------------------------------------------ states

    def _old_text(self, target_id: str, sha: str) -> str | None:
        key = (target_id, sha)
        if key not in self._old_texts:
            self._old_texts[key] = store.text_of_version(self._con, target_id, sha) if self._con else None
        return self._old_texts[key]

    def _judge_review(self, f: dict[str, Any], a: dict[str, Any]) -> Review:
        r = Review(a["action_id"], a["reviewer"], a["acted_at"], a["decision"], a["met"], a["reason"] or "",
                   a["quotes"], a["documents"], a["via"] or "")
        docs = self.docs.get(f["target_id"], [])
        by_key = {d["doc_key"]: d for d in docs}
        for rel in r.documents:
            now = by_key.get(rel.get("doc_key"))
            name = rel.get("document") or rel.get("doc_key")
            if now is None:
                r.stale.append(f"document {name!r} is no longer among the target's documents")
            elif now["text_sha256"] != rel.get("text_sha256"):
                r.stale.append(f"the text of {name!r} changed since the review")
                old = self._old_text(f["target_id"], rel.get("text_sha256") or "")
                r.diffs.append({"document": name, "diff": text_diff(old, now["text"], name)})
        for q in r.quotes:
            if not any(q["quote"] in d["text"] for d in docs):
                r.stale.append(f"the quote {q['quote'][:80]!r} no longer occurs verbatim in the target's documents")
        if r.decision == "confirm" and r.met != f["met"]:
            r.stale.append(f"the machine's decision changed from {met_label(r.met)} to {met_label(f['met'])} "
                           "since it was confirmed")
        return r

    def _judge(self, f: dict[str, Any]) -> None:
        latest: dict[str, dict[str, Any]] = {}
        for a in f["history"]:
            latest[a["reviewer"]] = a
        reviews = [self._judge_review(f, a) for a in sorted(latest.values(), key=lambda a: a["action_id"])]
        f["reviews"] = reviews
        holding = [r for r in reviews if not r.stale]
        verdicts = {r.met for r in holding}
        if any(r.stale for r in reviews):
            state = "stale"
        elif not holding:
            state = "machine"
        elif len(verdicts) > 1:
            state = "disputed"
        elif verdicts == {f["met"]}:
            state = "confirmed"
        else:
            state = "overridden"
        f["state"] = state
        f["reviewed"] = state in ("confirmed", "overridden")
        f["effective_met"] = holding[0].met if f["reviewed"] else f["met"]
        f["label"] = review_label(f)

    # ------------------------------------------------------------ lookups

    def finding(self, target_id: str, element: str) -> dict[str, Any]:
        f = self.findings.get((target_id, element))
        if f is None:
            if not any(k[0] == target_id for k in self.findings):
                raise UserError(f"unknown target {target_id!r}: not an assessed target of run {self.run_id}")
            raise UserError(f"unknown element {element!r} for target {target_id!r}")
        return f

    def progress(self) -> dict[str, int]:
        todo = [f for f in self.findings.values() if f["applicable"]]
        return {"reviewed": sum(1 for f in todo if f["reviewed"]), "total": len(todo),
                "overridden": sum(1 for f in todo if f["state"] == "overridden"),
                "disputed": sum(1 for f in todo if f["state"] == "disputed"),
                "stale": sum(1 for f in todo if f["state"] == "stale")}

    def neighbours(self, target_id: str, element: str) -> tuple[tuple[str, str] | None, tuple[str, str] | None]:
        keys = [k for k in self.keys if self.findings[k]["applicable"]]
        i = keys.index((target_id, element)) if (target_id, element) in keys else -1
        prev = keys[i - 1] if i > 0 else None
        nxt = keys[i + 1] if 0 <= i < len(keys) - 1 else None
        return prev, nxt

    # ------------------------------------------------------------ writing

    def locate_quote(self, target_id: str, quote: str) -> dict[str, Any] | None:
        """The first stored document of the target (in this run) containing `quote` verbatim."""
        for d in self.docs.get(target_id, []):
            if quote and quote in d["text"]:
                return d
        return None

    def prepare(self, target_id: str, element: str, *, reviewer: str, decision: str, reason: str = "",
                quotes: list[str] | None = None, via: str = "cli", at: _dt.datetime | None = None) -> dict[str, Any]:
        """Validate one review and return the row to append; a bad one raises UserError (one line)."""
        reviewer = (reviewer or "").strip()
        if not reviewer:
            raise UserError("reviewer name missing: pass --reviewer NAME (or fill in the reviewer field)")
        f = self.finding(target_id, element)
        if not f["applicable"]:
            raise UserError(f"{target_id}/{element}: the element does not apply to a {f['kind']} service "
                            "(nothing to review)")
        decision = (decision or "").strip().lower().replace(" ", "_").replace("-", "_")
        if decision not in DECISIONS:
            raise UserError(f"unknown decision {decision!r}: use one of {', '.join(DECISIONS)}")
        met = f["met"] if decision == "confirm" else DECISION_MET[decision]
        reason = (reason or "").strip()
        if met != f["met"] and not reason:
            raise UserError(f"{target_id}/{element}: a reason is required to override the machine's "
                            f"{met_label(f['met'])} with {met_label(met)}")
        given = [q.strip() for q in (quotes or []) if q and q.strip()]
        if not given and decision == "confirm" and met:
            given = [e["quote"] for e in f["evidence"]]        # confirming "met": the machine's quotes
        rel_quotes, rel_docs = [], {}
        for q in given:
            d = self.locate_quote(target_id, q)
            if d is None:
                raise UserError(f"{target_id}/{element}: quote {q[:80]!r} does not occur verbatim in any stored "
                                f"document of {target_id} (run {self.run_id}); copy it exactly from the document text")
            rel_quotes.append({"quote": q, "document": d["name"], "doc_key": d["doc_key"], "text_sha256": d["text_sha256"]})
            rel_docs[d["doc_key"]] = {"doc_key": d["doc_key"], "document": d["name"], "text_sha256": d["text_sha256"]}
        if met and not rel_quotes:
            raise UserError(f"{target_id}/{element}: a \"met\" decision needs at least one verbatim quote from a stored "
                            f"document of {target_id}")
        if not rel_quotes:       # no passage: the decision relies on everything the target published
            for d in self.docs.get(target_id, []):
                rel_docs[d["doc_key"]] = {"doc_key": d["doc_key"], "document": d["name"], "text_sha256": d["text_sha256"]}
        return {"target_id": target_id, "element": element, "rubric_version": f["rubric_version"],
                "reviewer": reviewer, "acted_at": at or now_utc(), "decision": decision, "met": met,
                "machine_met": f["met"], "run_id": self.run_id, "quotes": rel_quotes,
                "documents": list(rel_docs.values()), "reason": reason or None, "via": via}


def text_diff(old: str | None, new: str, name: str) -> str:
    """A unified diff (difflib) of a document's reviewed text against its text now, by sentence-ish lines."""
    if old is None:
        return "(the reviewed text is no longer stored)"
    split = lambda t: [line for line in t.replace(". ", ".\n").splitlines() if line.strip()]
    lines = list(difflib.unified_diff(split(old), split(new), f"{name} (reviewed)", f"{name} (now)", lineterm="", n=1))
    if len(lines) > MAX_DIFF_LINES:
        lines = lines[:MAX_DIFF_LINES] + [f"... ({len(lines) - MAX_DIFF_LINES} more lines)"]
    return "\n".join(lines)


def review_label(f: dict[str, Any]) -> str:
    """What the report says of a finding: machine / reviewed by X on DATE / overridden: reason ..."""
    reviews = f["reviews"]
    holding = [r for r in reviews if not r.stale]
    who = lambda rs: ", ".join(r.reviewer for r in rs)
    when = lambda rs: max(_day(r.acted_at) for r in rs)
    if f["state"] == "confirmed":
        return f"reviewed by {who(holding)} on {when(holding)}"
    if f["state"] == "overridden":
        reasons = "; ".join(dict.fromkeys(r.reason for r in holding if r.reason))
        return f"overridden: {reasons} (reviewed by {who(holding)} on {when(holding)})"
    if f["state"] == "disputed":
        return "disputed: " + "; ".join(f"{r.reviewer} says {met_label(r.met)}" for r in holding)
    if f["state"] == "stale":
        stale = [r for r in reviews if r.stale]
        return f"stale: the review by {who(stale)} on {when(stale)} no longer matches the documents"
    return "machine"


def load(con: Connection, run_id: int | None = None, db_label: str = "the database") -> Context:
    return Context(con, run_id, db_label)


def record(con: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Append prepared review rows (all or nothing)."""
    return store.add_actions(con, rows)


# ---------------------------------------------------------------- queue

def queue(ctx: Context, limit: int | None = None) -> list[dict[str, Any]]:
    """Findings to review, most useful first: machine decisions flagged needs_review (small margin),
    stale reviews, disputes, then "not met" on P and R elements, then the rest unreviewed."""
    out = []
    for key in ctx.keys:
        f = ctx.findings[key]
        if not f["applicable"] or f["reviewed"]:
            continue
        if f["state"] == "machine" and f.get("needs_review"):
            rank, why = 0, "machine: needs review" + (f" ({f['margin']})" if f.get("margin") else "")
        elif f["state"] == "stale":
            rank, why = 1, "stale: " + "; ".join(s for r in f["reviews"] for s in r.stale)
        elif f["state"] == "disputed":
            rank, why = 2, f["label"]
        elif f["met"] is False and f["category"] in HIGH_IMPACT_CATEGORIES:
            rank, why = 3, f"high impact: not met ({f['category']} element)"
        else:
            rank, why = 4, "machine decision"
        out.append(dict(f, rank=rank, why=why))
    out.sort(key=lambda f: (f["rank"], f["service"].casefold(), f["target_id"]))   # stable: rubric order within a target
    return out[:limit] if limit else out


# ---------------------------------------------------------------- scores and reports

def summary(f: dict[str, Any]) -> dict[str, Any]:
    """The review fields of one finding, as reports and exports show them."""
    holding = [r for r in f["reviews"] if not r.stale]
    return {"state": f["state"], "label": f["label"], "machine_met": f["met"], "met": f["effective_met"],
            "reviewed_by": ", ".join(r.reviewer for r in holding) if f["state"] != "machine" else "",
            "reviewed_at": max((_day(r.acted_at) for r in holding), default="") if f["reviewed"] else "",
            "reason": "; ".join(dict.fromkeys(r.reason for r in holding if r.reason)) if f["reviewed"] else "",
            "replies": [dict(r, replied_on=str(r["replied_on"])) for r in f["replies"]]}


def rescore(decisions: dict[str, bool | None]) -> tuple[float | None, str | None, dict[str, float | None]]:
    cats = rubric.category_scores(decisions)
    if all(v is None for v in decisions.values()):
        return None, None, cats
    score = rubric.overall_score(decisions)
    return score, rubric.grade(score), cats


def apply_to_services(ctx: Context, services: list[dict[str, Any]], *, reviewed_only: bool = False) -> dict[str, Any]:
    """Put the review of each finding on the report's element dicts (`review`), use the reviewed
    decision in each service's score, grade and categories (the machine's kept as machine_*), and
    return the coverage. With `reviewed_only`, findings without a holding review are pending and
    not scored."""
    for s in services:
        decisions: dict[str, bool | None] = {}
        for e in s["elements"]:
            f = ctx.findings.get((s["target_id"], e["id"]))
            if f is None or not f["applicable"]:
                decisions[e["id"]] = e["met"]
                continue
            rev = summary(f)
            e["review"] = rev
            e["machine_met"] = e["met"]
            met = rev["met"]
            if reviewed_only and not f["reviewed"] and f["applicable"]:
                rev["label"] = "pending review (not scored)" + ("" if f["state"] == "machine" else f"; {f['label']}")
                rev["pending"] = True
                met = None
            e["met"] = met
            e["status"] = "na" if met is None else ("met" if met else "not_met")
            if rev.get("pending"):
                e["status"] = "pending"
            decisions[e["id"]] = met
        s["machine_score"], s["machine_grade"] = s["score"], s["grade"]
        s["score"], s["grade"], cats = rescore(decisions)
        s["categories"] = {c: cats.get(c) for c in s["categories"]}
        s["replies"] = [dict(r, replied_on=str(r["replied_on"])) for r in ctx.target_replies.get(s["target_id"], [])]
    p = ctx.progress()
    share = round(100.0 * p["reviewed"] / p["total"]) if p["total"] else 0
    text = f"{share}% of findings reviewed ({p['reviewed']} of {p['total']}); {p['overridden']} overridden"
    if p["disputed"]:
        text += f"; {p['disputed']} disputed"
    if p["stale"]:
        text += f"; {p['stale']} stale"
    return dict(p, share=share, text=text, reviewed_only=reviewed_only)


def apply_to_results(ctx: Context, results: list) -> None:
    """The same overlay on `audits.model.TargetResult`s (for `riskaudit export`): reviewed decisions
    scored, each reviewed finding's `review` set."""
    for r in results:
        if not r.assessed:
            continue
        decisions = {}
        for eid, er in r.elements.items():
            f = ctx.findings.get((r.id, eid))
            if f is not None and f["state"] != "machine":
                er.review = {k: v for k, v in summary(f).items() if k != "replies"}
                er.met = f["effective_met"]
            decisions[eid] = er.met
        score, grade, cats = rescore(decisions)
        r.score, r.grade, r.categories = score, grade, {c: cats.get(c) for c in r.categories}


# ---------------------------------------------------------------- right of reply and log

def add_reply(con: Connection, ctx: Context, target_id: str, element: str | None, *, replied_on: str, text: str,
              link: str | None, recorded_by: str) -> int:
    if element:
        ctx.finding(target_id, element)
    elif not any(k[0] == target_id for k in ctx.findings):
        raise UserError(f"unknown target {target_id!r}: not an assessed target of run {ctx.run_id}")
    try:
        day = _dt.date.fromisoformat(str(replied_on))
    except ValueError:
        raise UserError(f"reply date {replied_on!r} is not a date: use YYYY-MM-DD") from None
    if not (text or "").strip():
        raise UserError("the reply text is empty: pass --text")
    if link and not is_web_url(link):
        raise UserError(f"reply link {link!r} is not an http(s) URL")
    if not (recorded_by or "").strip():
        raise UserError("pass --reviewer NAME: who records the reply")
    return store.add_reply(con, {"target_id": target_id, "element": element or None, "replied_on": day,
                                 "text": text.strip(), "link": link or None, "recorded_by": recorded_by.strip(),
                                 "recorded_at": now_utc()})


def log(con: Connection, target_id: str | None = None) -> list[dict[str, Any]]:
    """Every review action and reply, in the order recorded."""
    rows = [{"at": a["acted_at"], "kind": "review", "who": a["reviewer"], "target_id": a["target_id"],
             "element": a["element"],
             "what": f"confirm ({met_label(a['met'])})" if a["decision"] == "confirm" else f"set {met_label(a['met'])}",
             "detail": a["reason"] or "", "via": a["via"] or "", "quotes": len(a["quotes"])}
            for a in store.actions(con, target_id)]
    rows += [{"at": r["recorded_at"], "kind": "reply", "who": r["recorded_by"], "target_id": r["target_id"],
              "element": r["element"] or "", "what": f"reply of {r['replied_on']}", "detail": r["text"],
              "via": r["link"] or "", "quotes": 0}
             for r in store.replies(con) if target_id is None or r["target_id"] == target_id]
    rows.sort(key=lambda r: (r["at"], r["kind"]))
    for r in rows:
        r["at"] = iso(r["at"])
    return rows
