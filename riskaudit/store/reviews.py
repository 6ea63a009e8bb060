"""Reviewed findings: the append-only review log, replies, and the reads the review stage needs.

`review_actions` and `replies` are only ever inserted into (never updated or deleted): the log is
the record. `findings` is the review queue's query; it reads the engine's `element_results.needs_review`
and `element_results.margin` (migration 0008).
"""
from __future__ import annotations

import json
from typing import Any

from riskaudit.store import Connection
from riskaudit.store.bulk import transaction
from riskaudit.store.rows import dicts

ACTION_COLUMNS = ["target_id", "element", "rubric_version", "reviewer", "acted_at", "decision", "met",
                  "machine_met", "run_id", "quotes", "documents", "reason", "via"]


def add_actions(con: Connection, rows: list[dict[str, Any]]) -> list[int]:
    """Append review actions (dicts with ACTION_COLUMNS; quotes/documents as lists) in one
    transaction: all are written or none. Returns their action ids."""
    ids = []
    with transaction(con):
        for r in rows:
            values = [json.dumps(r[c], ensure_ascii=False) if c in ("quotes", "documents") else r.get(c)
                      for c in ACTION_COLUMNS]
            ids.append(int(con.execute(
                f"INSERT INTO review_actions ({', '.join(ACTION_COLUMNS)}) VALUES ({', '.join('?' for _ in ACTION_COLUMNS)}) "
                "RETURNING action_id", values).fetchone()[0]))
    return ids


def actions(con: Connection, target_id: str | None = None) -> list[dict[str, Any]]:
    """Every review action (of one target, or all), oldest first; quotes/documents decoded."""
    sql = f"SELECT action_id, {', '.join(ACTION_COLUMNS)} FROM review_actions"
    params: list = []
    if target_id is not None:
        sql += " WHERE target_id = ?"
        params.append(target_id)
    rows = dicts(con, sql + " ORDER BY action_id", params)
    for r in rows:
        for c in ("quotes", "documents"):
            r[c] = json.loads(r[c]) if isinstance(r[c], str) else list(r[c] or [])
    return rows


def add_reply(con: Connection, row: dict[str, Any]) -> int:
    return int(con.execute(
        "INSERT INTO replies (target_id, element, replied_on, text, link, recorded_by, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING reply_id",
        [row["target_id"], row.get("element"), row["replied_on"], row["text"], row.get("link"),
         row["recorded_by"], row["recorded_at"]]).fetchone()[0])


def replies(con: Connection) -> list[dict[str, Any]]:
    return dicts(con, "SELECT reply_id, target_id, element, replied_on, text, link, recorded_by, recorded_at "
                       "FROM replies ORDER BY target_id, replied_on, reply_id")


def findings(con: Connection, run_id: int) -> list[dict[str, Any]]:
    """Every element result of the assessed targets of a run: target_id, service, kind, element,
    category, met, reason, rubric_version, needs_review, margin."""
    return dicts(con, """
        SELECT e.target_id, coalesce(t.name, s.service) AS service, coalesce(s.kind, t.kind) AS kind, e.element,
               e.category, e.met, e.reason, e.rubric_version, e.needs_review, e.margin
        FROM element_results e
        JOIN scores s ON s.run_id = e.run_id AND s.target_id = e.target_id
        LEFT JOIN targets t ON t.target_id = e.target_id
        WHERE e.run_id = ? AND coalesce(s.status, 'assessed') = 'assessed'
        ORDER BY e.target_id, e.element""", [run_id])


def evidence(con: Connection, run_id: int) -> list[dict[str, Any]]:
    """target_id, element, document_id, document, url, quote of every evidence quote of a run, by rank."""
    return dicts(con, "SELECT target_id, element, document_id, document, url, quote FROM evidence "
                       "WHERE run_id = ? ORDER BY target_id, element, ordinal", [run_id])


def documents(con: Connection, run_id: int) -> list[dict[str, Any]]:
    """The latest version of each document of a run (as scored): document_id, target_id, doc_key
    (what identifies the document across runs: its URL, else its name), name, url, text, text_sha256."""
    return dicts(con, """
        SELECT document_id, target_id, coalesce(url, name, CAST(document_id AS VARCHAR)) AS doc_key,
               coalesce(name, title, final_url, url) AS name, coalesce(final_url, url) AS url, text, text_sha256
        FROM (SELECT *, row_number() OVER (PARTITION BY target_id, coalesce(url, name, CAST(document_id AS VARCHAR))
                     ORDER BY fetched_at DESC NULLS LAST, document_id DESC) AS version_rank
              FROM documents WHERE run_id = ?)
        WHERE version_rank = 1 ORDER BY target_id, document_id""", [run_id])


def text_of_version(con: Connection, target_id: str, text_sha256: str) -> str | None:
    """The stored text of a document version of a target, found by its hash (for diffs)."""
    row = con.execute("SELECT text FROM documents WHERE target_id = ? AND text_sha256 = ? "
                      "ORDER BY document_id DESC LIMIT 1", [target_id, text_sha256]).fetchone()
    return row[0] if row else None


def known_targets(con: Connection) -> set[str]:
    return {t for (t,) in con.execute("SELECT target_id FROM targets").fetchall()}
