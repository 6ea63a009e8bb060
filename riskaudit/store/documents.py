"""Reading documents back: the latest version of each document of a run, per target."""
from __future__ import annotations

from riskaudit.store import Connection
from riskaudit.store.bulk import insert_rows


def latest_documents_of_run(con: Connection, run_id: int) -> list[tuple]:
    """(document_id, target_id, doc_type, name, title, url, final_url, text, snapshot_sha256, fetched_at)
    of the latest version of each document of a run, ordered by target then document id.

    An archive import holds every dated version of a document in one run: a service is scored on
    the latest version of each of its documents (a crawl holds one version of each).
    """
    return con.execute(
        "SELECT document_id, target_id, doc_type, name, title, url, final_url, text, snapshot_sha256, fetched_at "
        "FROM (SELECT *, row_number() OVER (PARTITION BY target_id, coalesce(url, name, CAST(document_id AS VARCHAR)) "
        "      ORDER BY fetched_at DESC NULLS LAST, document_id DESC) AS version_rank "
        "      FROM documents WHERE run_id = ?) "
        "WHERE version_rank = 1 ORDER BY target_id, document_id", [run_id]).fetchall()


def targets_fetched_in_run(con: Connection, run_id: int) -> set[str]:
    return {tid for (tid,) in con.execute(
        "SELECT DISTINCT target_id FROM fetches WHERE run_id = ? AND target_id IS NOT NULL", [run_id]).fetchall()}


def failed_fetches(con: Connection, run_id: int) -> list[dict]:
    """target_id, purpose, url, status, error, robots_blocked, media_refused of every document or
    discovery fetch of a run that gave no usable page (an error, robots.txt, refused media, no
    response or HTTP >= 400), in fetch order; the judgement of what failed is the score stage's."""
    cur = con.execute(
        "SELECT target_id, purpose, url, final_url, status, error, coalesce(robots_blocked, FALSE) AS robots_blocked, "
        "coalesce(media_refused, FALSE) AS media_refused FROM fetches "
        "WHERE run_id = ? AND target_id IS NOT NULL AND purpose IN ('document', 'discovery') "
        "AND (error IS NOT NULL OR coalesce(robots_blocked, FALSE) OR coalesce(media_refused, FALSE) "
        "     OR status IS NULL OR status >= 400) ORDER BY fetch_id", [run_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def documents_of_run(con: Connection, run_id: int) -> list[dict]:
    """target_id, name, title, url, snapshot_sha256, fetched_at of every document of a run."""
    cur = con.execute("SELECT target_id, name, title, url, snapshot_sha256, fetched_at "
                      "FROM documents WHERE run_id = ? ORDER BY target_id, document_id", [run_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def archive_versions(con: Connection, source: str, target_ids: list[str]) -> list[tuple]:
    """(target_id, name, fetched_at, text_sha256) of the archive versions already stored for these targets."""
    return con.execute(
        "SELECT d.target_id, d.name, d.fetched_at, d.text_sha256 FROM documents d "
        "JOIN unnest(?) AS t(target_id) ON t.target_id = d.target_id WHERE d.source = ?",
        [target_ids, source]).fetchall()


ARCHIVE_COLUMNS = ["document_id", "run_id", "target_id", "doc_type", "name", "title", "text", "text_sha256",
                   "fetched_at", "source"]


def insert_archive_versions(con: Connection, rows: list[tuple]) -> None:
    """Insert archive versions (rows in ARCHIVE_COLUMNS order, document_id None): ids are reserved
    explicitly so that document_id order is archive order (ties within a date)."""
    ids = sorted(r[0] for r in con.execute(
        "SELECT nextval('document_id_seq') FROM range(?)", [len(rows)]).fetchall())
    insert_rows(con, "documents", [(i, *r[1:]) for i, r in zip(ids, rows)], columns=ARCHIVE_COLUMNS)
