"""Reads behind evidence packages (WARC) and alerts (Atom feed, webhook): the exchanges of a run
with their headers (migration 0007), the findings with their quotes, and what changed since the
previous run. Read-only; `riskaudit.evidence` shapes the answers."""
from __future__ import annotations

import json
from typing import Any

from riskaudit.store import Connection
from riskaudit.store.rows import dicts


def _targets_clause(target_ids: list[str] | None, column: str = "target_id") -> tuple[str, list]:
    if not target_ids:
        return "", []
    return f" AND list_contains(?, {column})", [list(target_ids)]


def _json(value):
    if value is None or not isinstance(value, str):
        return value
    return json.loads(value)


def exchanges(con: Connection, run_id: int, target_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Every fetch row of a run (of these targets; robots.txt rows only without a target filter), in
    fetch order, headers and certificate decoded from JSON."""
    where, params = _targets_clause(target_ids)
    rows = dicts(con, f"""
        SELECT fetch_id, run_id, target_id, purpose, url, final_url, status, error, latency_ms, bytes, content_type,
               coalesce(robots_blocked, FALSE) AS robots_blocked, coalesce(media_refused, FALSE) AS media_refused,
               attempts, snapshot_sha256, fetched_at, request_headers, response_headers,
               coalesce(headers_truncated, FALSE) AS headers_truncated, http_version, ip_address, tls_certificate
        FROM fetches WHERE run_id = ?{where} ORDER BY fetch_id""", [run_id, *params])
    for r in rows:
        for key in ("request_headers", "response_headers", "tls_certificate"):
            r[key] = _json(r[key])
    return rows


def snapshot_meta(con: Connection, digests: list[str]) -> dict[str, dict[str, Any]]:
    """{sha256: {content_type, size}} of stored snapshots."""
    if not digests:
        return {}
    return {r["sha256"]: r for r in dicts(
        con, "SELECT sha256, content_type, size FROM snapshots WHERE list_contains(?, sha256)", [list(digests)])}


def findings(con: Connection, run_id: int, target_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Every quote of a scored run with its element decision and the document it comes from:
    target_id, service, element, met, ordinal, quote, hours, document, document_id, url, final_url,
    snapshot_sha256, fetched_at, content_type."""
    where, params = _targets_clause(target_ids, "e.target_id")
    return dicts(con, f"""
        SELECT e.target_id, coalesce(s.service, e.target_id) AS service, e.element, r.met, e.ordinal, e.quote,
               e.hours, e.document, e.document_id, coalesce(d.url, e.url) AS url,
               coalesce(d.final_url, d.url, e.url) AS final_url, e.snapshot_sha256, e.fetched_at,
               sn.content_type
        FROM evidence e
        LEFT JOIN element_results r ON r.run_id = e.run_id AND r.target_id = e.target_id AND r.element = e.element
        LEFT JOIN scores s ON s.run_id = e.run_id AND s.target_id = e.target_id
        LEFT JOIN documents d ON d.document_id = e.document_id
        LEFT JOIN snapshots sn ON sn.sha256 = e.snapshot_sha256
        WHERE e.run_id = ?{where} ORDER BY e.target_id, e.element, e.ordinal""", [run_id, *params])


def element_results(con: Connection, run_id: int, target_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Every element decision of a scored run: target_id, service, status, element, category, met, hours, reason."""
    where, params = _targets_clause(target_ids, "r.target_id")
    return dicts(con, f"""
        SELECT r.target_id, coalesce(s.service, r.target_id) AS service, coalesce(s.status, 'assessed') AS status,
               r.element, r.category, r.met, r.hours, r.reason
        FROM element_results r LEFT JOIN scores s ON s.run_id = r.run_id AND s.target_id = r.target_id
        WHERE r.run_id = ?{where} ORDER BY r.target_id, r.element""", [run_id, *params])


def previous_finished_run(con: Connection, run_id: int) -> dict[str, Any] | None:
    """The finished run before `run_id` (crawl or import): run_id, kind, started_at, finished_at."""
    rows = dicts(con, "SELECT run_id, kind, started_at, finished_at FROM runs WHERE status = 'finished' "
                       "AND run_id < ? ORDER BY run_id DESC LIMIT 1", [run_id])
    return rows[0] if rows else None


def flips_since(con: Connection, since, target_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Element flips (derived table `element_flips`) at or after `since` (None: all), oldest first."""
    where, params = _targets_clause(target_ids, "f.target_id")
    cond = " AND f.flip_at > ?" if since is not None else ""
    return dicts(con, f"""
        SELECT f.target_id, coalesce(t.name, f.target_id) AS service, f.flip_at, f.element, f.from_met, f.to_met,
               f.document, f.quote, f.quote_in_change
        FROM element_flips f LEFT JOIN targets t ON t.target_id = f.target_id
        WHERE 1 = 1{cond}{where} ORDER BY f.flip_at, f.target_id, f.element""",
        ([since] if since is not None else []) + params)


def channel_problems(con: Connection, run_id: int, target_ids: list[str] | None = None) -> list[dict[str, Any]]:
    """Report channels of a run that are dead (no 200) or login-walled; mailto: channels (not
    checked) are left out."""
    where, params = _targets_clause(target_ids, "c.target_id")
    return dicts(con, f"""
        SELECT c.target_id, coalesce(t.name, c.target_id) AS service, c.channel_kind, c.url, c.status, c.final_url,
               c.login_required, c.error, c.checked_at
        FROM channel_checks c LEFT JOIN targets t ON t.target_id = c.target_id
        WHERE c.run_id = ? AND NOT coalesce(c.ok, FALSE) AND c.url NOT LIKE 'mailto:%'{where}
        ORDER BY c.target_id, c.channel_kind, c.url""", [run_id, *params])


def not_assessed_targets(con: Connection, run_id: int, target_ids: list[str] | None = None) -> list[dict[str, Any]]:
    where, params = _targets_clause(target_ids, "s.target_id")
    return dicts(con, f"""
        SELECT s.target_id, coalesce(s.service, s.target_id) AS service, s.not_assessed_reason, s.scored_at
        FROM scores s WHERE s.run_id = ? AND s.status = 'not_assessed'{where} ORDER BY s.target_id""",
        [run_id, *params])
