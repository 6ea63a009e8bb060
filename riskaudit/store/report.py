"""Read-only queries that assemble a report of one scored run (rows as dicts, fixed order)."""
from __future__ import annotations

from typing import Any

from riskaudit.store import Connection
from riskaudit.store.rows import dicts


def use_utc(con: Connection) -> None:
    con.execute("SET TimeZone = 'UTC'")


def run_info(con: Connection, run_id: int) -> dict[str, Any]:
    rows = dicts(con, "SELECT run_id, kind, started_at, finished_at, status, tool_version FROM runs WHERE run_id = ?",
                 [run_id])
    return rows[0] if rows else {"run_id": run_id, "kind": None, "started_at": None, "finished_at": None,
                                 "status": None, "tool_version": None}


def scores(con: Connection, run_id: int) -> list[dict[str, Any]]:
    """target_id, service, kind, rubric_version, score, grade, homepage, status, not_assessed_reason,
    failed_documents (JSON text), categories {cat: score}."""
    rows = dicts(con, """
        SELECT s.target_id, coalesce(t.name, s.service, s.target_id) AS service,
               coalesce(s.kind, t.kind) AS kind, s.rubric_version, s.rules_version, s.score, s.grade, t.homepage,
               coalesce(s.status, 'assessed') AS status, s.not_assessed_reason, s.failed_documents
        FROM scores s LEFT JOIN targets t ON t.target_id = s.target_id
        WHERE s.run_id = ?""", [run_id])
    cats: dict[str, dict] = {}
    for tid, cat, score in con.execute(
            "SELECT target_id, category, score FROM category_scores WHERE run_id = ?", [run_id]).fetchall():
        cats.setdefault(tid, {})[cat] = score
    for r in rows:
        r["categories"] = cats.get(r["target_id"], {})
    return rows


def element_results(con: Connection, run_id: int) -> list[dict[str, Any]]:
    return dicts(con, "SELECT target_id, element, category, met, hours, reason, margin, needs_review FROM element_results WHERE run_id = ?",
                 [run_id])


def evidence(con: Connection, run_id: int) -> list[dict[str, Any]]:
    return dicts(con, """
        SELECT target_id, element, ordinal, document, url, snapshot_sha256, fetched_at, quote
        FROM evidence WHERE run_id = ? ORDER BY target_id, element, ordinal""", [run_id])


def fetch_outcomes(con: Connection, run_id: int) -> list[dict[str, Any]]:
    return dicts(con, """
        SELECT target_id, url, status, error, coalesce(robots_blocked, FALSE) AS robots_blocked,
               coalesce(media_refused, FALSE) AS media_refused
        FROM fetches WHERE run_id = ? ORDER BY fetch_id""", [run_id])


def channel_checks(con: Connection, run_id: int) -> list[dict[str, Any]]:
    return dicts(con, """
        SELECT target_id, channel_kind, url, status, final_url, latency_ms, login_required, ok, error, checked_at
        FROM channel_checks WHERE run_id = ?
        ORDER BY target_id, channel_kind NULLS LAST, url""", [run_id])


def not_assessed(con: Connection, run_id: int) -> list[tuple]:
    """(service, kind, reason) of every target of a scored run that was not assessed, by service."""
    return con.execute("SELECT service, kind, not_assessed_reason FROM scores WHERE run_id = ? "
                       "AND status = 'not_assessed' ORDER BY service", [run_id]).fetchall()


def league_rows(con: Connection, run_id: int) -> list[tuple]:
    """(service, kind, score, grade, P, R, T, A, dead channels, login-walled channels) per assessed
    target, best first (targets not assessed are not ranked: see `not_assessed`)."""
    return con.execute(
        """
        SELECT s.service, s.kind, s.score, s.grade,
               (SELECT score FROM category_scores c WHERE c.run_id = s.run_id AND c.target_id = s.target_id AND c.category = 'P'),
               (SELECT score FROM category_scores c WHERE c.run_id = s.run_id AND c.target_id = s.target_id AND c.category = 'R'),
               (SELECT score FROM category_scores c WHERE c.run_id = s.run_id AND c.target_id = s.target_id AND c.category = 'T'),
               (SELECT score FROM category_scores c WHERE c.run_id = s.run_id AND c.target_id = s.target_id AND c.category = 'A'),
               (SELECT count(*) FROM channel_checks c
                 WHERE c.run_id = s.run_id AND c.target_id = s.target_id
                   AND c.url NOT LIKE 'mailto:%' AND NOT coalesce(c.ok, FALSE)
                   AND NOT coalesce(c.login_required, FALSE)) AS dead,
               (SELECT count(*) FROM channel_checks c
                 WHERE c.run_id = s.run_id AND c.target_id = s.target_id
                   AND coalesce(c.login_required, FALSE)) AS walled
        FROM scores s WHERE s.run_id = ? AND coalesce(s.status, 'assessed') = 'assessed'
        ORDER BY s.score DESC, s.service
        """, [run_id]).fetchall()


def scores_as_of(con: Connection, run_id: int) -> dict[str, dict[str, Any]]:
    """{target_id: {run_id, score, grade, status}}: each target's latest score in runs up to `run_id`
    (what a report of that run can say about a target it does not list, e.g. a host in a trace)."""
    rows = dicts(con, """
        SELECT target_id, run_id, score, grade, coalesce(status, 'assessed') AS status FROM scores s
        WHERE run_id = (SELECT max(run_id) FROM scores u WHERE u.target_id = s.target_id AND u.run_id <= ?)""",
                 [run_id])
    return {r.pop("target_id"): r for r in rows}
