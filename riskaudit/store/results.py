"""Audit results of a scored run: scores, category scores, element results and evidence quotes.

`replace_results` writes one run's results in one transaction (re-scoring a run replaces its
rows); `load_results` reads them back as plain rows for the score stage to rebuild its model.
"""
from __future__ import annotations

import json

from riskaudit.core.clock import now_utc
from riskaudit.store import Connection
from riskaudit.store.bulk import transaction
from riskaudit.store.rows import dicts

RESULT_TABLES = ("scores", "category_scores", "element_results", "evidence")


def replace_results(con: Connection, run_id: int, targets: list[dict]) -> None:
    """Replace run `run_id`'s results. Each target dict: target_id, service, kind, rubric_version,
    score, grade, categories {cat: score}, elements [{element, category, met, hours, reason, margin, needs_review,
    evidence [{document_id, document, url, snapshot, fetched_at, quote, hours}]}], and optionally
    status ('assessed' | 'not_assessed'), not_assessed_reason and failed_documents [{...}]."""
    now = now_utc()
    with transaction(con):
        for table in RESULT_TABLES:
            con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
        for t in targets:
            con.execute(
                "INSERT INTO scores (run_id, target_id, service, kind, rubric_version, score, grade, scored_at, "
                "status, not_assessed_reason, failed_documents, rules_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, t["target_id"], t["service"], t["kind"], t["rubric_version"], t["score"], t["grade"], now,
                 t.get("status") or "assessed", t.get("not_assessed_reason"),
                 json.dumps(t.get("failed_documents") or [], ensure_ascii=False), t.get("rules_version")])
            if t["categories"]:
                con.executemany(
                    "INSERT INTO category_scores (run_id, target_id, category, score) VALUES (?, ?, ?, ?)",
                    [[run_id, t["target_id"], c, v] for c, v in t["categories"].items()])
            for e in t["elements"]:
                con.execute(
                    "INSERT INTO element_results (run_id, target_id, element, category, met, hours, rubric_version, reason, "
                    "margin, needs_review) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, t["target_id"], e["element"], e["category"], e["met"], e["hours"], t["rubric_version"],
                     e["reason"], e.get("margin"), e.get("needs_review")])
                for i, ev in enumerate(e["evidence"], start=1):
                    con.execute(
                        "INSERT INTO evidence (run_id, target_id, element, ordinal, document_id, document, url, "
                        "snapshot_sha256, fetched_at, quote, hours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, t["target_id"], e["element"], i, ev["document_id"], ev["document"], ev["url"],
                         ev["snapshot"], ev["fetched_at"], ev["quote"], ev["hours"]])


def load_results(con: Connection, run_id: int) -> list[dict]:
    """The stored results of a run, one dict per target (sorted by target id), shaped as for
    `replace_results` (evidence ordered by rank)."""
    targets = dicts(con, "SELECT target_id, service, kind, rubric_version, rules_version, score, grade, "
                          "coalesce(status, 'assessed') AS status, not_assessed_reason, failed_documents FROM scores "
                          "WHERE run_id = ? ORDER BY target_id", [run_id])
    cats: dict[str, dict] = {}
    for tid, cat, score in con.execute(
            "SELECT target_id, category, score FROM category_scores WHERE run_id = ?", [run_id]).fetchall():
        cats.setdefault(tid, {})[cat] = score
    elements: dict[str, dict[str, dict]] = {}
    for row in dicts(con, "SELECT target_id, element, category, met, hours, reason, margin, needs_review FROM element_results "
                           "WHERE run_id = ?", [run_id]):
        elements.setdefault(row.pop("target_id"), {})[row["element"]] = dict(row, evidence=[])
    for row in dicts(con, "SELECT target_id, element, document_id, document, url, snapshot_sha256 AS snapshot, "
                           "fetched_at, quote, hours FROM evidence WHERE run_id = ? "
                           "ORDER BY target_id, element, ordinal", [run_id]):
        tid, el = row.pop("target_id"), row.pop("element")
        elements.setdefault(tid, {}).setdefault(el, {"element": el, "met": None, "hours": None, "reason": "",
                                                     "category": None, "evidence": []})["evidence"].append(row)
    for t in targets:
        t["categories"] = cats.get(t["target_id"], {})
        t["elements"] = elements.get(t["target_id"], {})
    return targets


def previous_scores(con: Connection, run_id: int) -> dict[str, dict]:
    """For each target of `run_id`, its latest earlier run in which it was assessed: run_id, score,
    grade, started_at, elements (a run where it was not assessed is no baseline for a change)."""
    prev = dicts(con, """
        SELECT s.target_id, s.run_id, s.score, s.grade, r.started_at
        FROM scores s LEFT JOIN runs r ON r.run_id = s.run_id
        WHERE s.run_id = (SELECT max(p.run_id) FROM scores p WHERE p.target_id = s.target_id AND p.run_id < ?
                          AND coalesce(p.status, 'assessed') = 'assessed')
          AND s.target_id IN (SELECT target_id FROM scores WHERE run_id = ?)
        ORDER BY s.target_id""", [run_id, run_id])
    out = {p["target_id"]: p for p in prev}
    if not out:
        return out
    for tid, el, met in con.execute("""
        SELECT e.target_id, e.element, e.met FROM element_results e
        JOIN (SELECT s.target_id, max(s.run_id) AS run_id FROM scores s WHERE s.run_id < ?
              AND coalesce(s.status, 'assessed') = 'assessed' GROUP BY s.target_id) p
          ON p.target_id = e.target_id AND p.run_id = e.run_id
        ORDER BY e.target_id, e.element""", [run_id]).fetchall():
        if tid in out:
            out[tid].setdefault("elements", {})[el] = met
    return out


def stated_time_quotes(con: Connection, run_id: int) -> tuple[list[tuple], dict[str, list]]:
    """(target_id, quote, document, url) of every stated_response_time quote, and the hours each
    target's element result recorded."""
    quotes = con.execute(
        "SELECT target_id, quote, document, url FROM evidence WHERE run_id = ? "
        "AND element = 'stated_response_time' ORDER BY target_id, ordinal", [run_id]).fetchall()
    recorded = dict(con.execute(
        "SELECT target_id, hours FROM element_results WHERE run_id = ? AND element = 'stated_response_time' "
        "AND hours IS NOT NULL", [run_id]).fetchall())
    return quotes, recorded


def scored_targets(con: Connection, run_id: int) -> list[tuple]:
    """(target_id, name, kind, jurisdictions) of every target scored in a run."""
    return con.execute(
        "SELECT s.target_id, coalesce(t.name, s.service), coalesce(t.kind, s.kind), t.jurisdictions "
        "FROM scores s LEFT JOIN targets t USING (target_id) WHERE s.run_id = ? ORDER BY s.target_id",
        [run_id]).fetchall()


def element_quotes(con: Connection, target_id: str, element: str, run_id: int | None = None) -> list[dict]:
    """Quotes backing `element` for the target in a scored run (default: the target's latest scored run)."""
    if run_id is None:
        row = con.execute("SELECT max(run_id) FROM scores WHERE target_id = ?", [target_id]).fetchone()
        if not row or row[0] is None:
            return []
        run_id = row[0]
    rows = con.execute("SELECT quote, document, url FROM evidence WHERE run_id = ? AND target_id = ? AND element = ? "
                       "ORDER BY ordinal", [run_id, target_id, element]).fetchall()
    return [{"quote": r[0], "document": r[1], "url": r[2]} for r in rows]
