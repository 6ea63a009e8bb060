"""History in the store: document versions, changes, element states, flips and folded runs.

Everything here is derived data (rebuilt per target by `riskaudit.stages.history`); the
observations it is derived from are `documents` rows of finished crawl and import runs.
"""
from __future__ import annotations

from riskaudit.core.clock import now_utc
from riskaudit.core.vocab import RUN_KINDS
from riskaudit.store import Connection
from riskaudit.store.bulk import insert_rows, transaction

DERIVED_TABLES = ("document_versions", "document_changes", "element_states", "element_flips")


def unprocessed_runs(con: Connection) -> list[int]:
    """Finished runs (of the history kinds) not yet folded into the versions."""
    return [int(r) for (r,) in con.execute(
        "SELECT run_id FROM runs WHERE status = 'finished' AND list_contains(?, kind) "
        "AND run_id NOT IN (SELECT run_id FROM version_runs) ORDER BY run_id", [list(RUN_KINDS)]).fetchall()]


def targets_of_runs(con: Connection, runs: list[int]) -> set[str]:
    if not runs:
        return set()
    return {t for (t,) in con.execute(
        "SELECT DISTINCT d.target_id FROM documents d JOIN unnest(?) AS r(run_id) ON r.run_id = d.run_id",
        [runs]).fetchall()}


def targets_scored_by_other_engine(con: Connection, fingerprint: str) -> set[str]:
    return {t for (t,) in con.execute(
        "SELECT DISTINCT target_id FROM element_states WHERE engine <> ?", [fingerprint]).fetchall()}


def all_document_targets(con: Connection) -> list[str]:
    return sorted({t for (t,) in con.execute("SELECT DISTINCT target_id FROM documents").fetchall()})


def mark_runs_processed(con: Connection, runs: list[int]) -> None:
    now = now_utc()
    insert_rows(con, "version_runs", [(r, now) for r in runs])


def cached_states(con: Connection, target_id: str, fingerprint: str) -> list[tuple]:
    """(state_sha256, element, met, evidence_quotes, evidence_documents) scored by this engine."""
    return con.execute(
        "SELECT state_sha256, element, met, evidence_quotes, evidence_documents FROM element_states "
        "WHERE target_id = ? AND engine = ?", [target_id, fingerprint]).fetchall()


def observation_meta(con: Connection, target_id: str) -> list[tuple]:
    """(document_id, run_id, name, url, doc_type, text_sha256, source, version_at) of every document
    of a target in finished history runs, in version order (no texts: a row stored without its
    hash gets the hash of its text, read for those rows only)."""
    rows = con.execute(
        """
        WITH obs AS (
            SELECT d.document_id, d.run_id, d.name, d.url, d.doc_type, d.text_sha256, d.source,
                   coalesce(d.fetched_at, r.started_at) AS seen_at, r.kind AS run_kind
            FROM documents d JOIN runs r ON r.run_id = d.run_id
            WHERE d.target_id = ? AND r.status = 'finished' AND list_contains(?, r.kind)
        )
        SELECT document_id, run_id, name, url, doc_type, text_sha256, source,
               CASE WHEN run_kind LIKE 'import%' THEN seen_at
                    ELSE min(seen_at) OVER (PARTITION BY run_id) END AS version_at
        FROM obs ORDER BY version_at, document_id
        """, [target_id, list(RUN_KINDS)]).fetchall()
    # Reading `text` in the query above would decompress the whole text column for every target.
    unhashed = [r[0] for r in rows if r[5] is None]
    if not unhashed:
        return rows
    sha = dict(con.execute(
        "SELECT d.document_id, sha256(coalesce(d.text, '')) FROM documents d JOIN unnest(?) AS i(document_id) "
        "ON i.document_id = d.document_id WHERE d.target_id = ?", [unhashed, target_id]).fetchall())
    return [r if r[5] is not None else (*r[:5], sha[r[0]], *r[6:]) for r in rows]


def texts(con: Connection, target_id: str, document_ids: list[int]) -> dict[int, str]:
    """{document_id: text} of these documents of a target. Whatever the number of ids, this reads
    the whole text column once (the rows of a target are spread over it): ask for many at a time."""
    return dict(con.execute(
        "SELECT d.document_id, coalesce(d.text, '') FROM documents d JOIN unnest(?) AS i(document_id) "
        "ON i.document_id = d.document_id WHERE d.target_id = ?", [document_ids, target_id]).fetchall())


def replace_target(con: Connection, target_id: str, tables: dict[str, list[tuple]]) -> None:
    """Replace one target's derived rows in a single transaction."""
    with transaction(con):
        for table, rows in tables.items():
            con.execute(f"DELETE FROM {table} WHERE target_id = ?", [target_id])
            insert_rows(con, table, rows)


def any_document_with_two_texts(con: Connection) -> bool:
    return bool(con.execute("SELECT 1 FROM documents GROUP BY target_id, coalesce(url, name) "
                            "HAVING count(DISTINCT text_sha256) > 1 LIMIT 1").fetchone())


def targets_with_versions_or_flips(con: Connection) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT target_id FROM document_versions GROUP BY target_id, document_key HAVING count(*) > 1 "
        "UNION SELECT target_id FROM element_flips ORDER BY 1").fetchall()]


def changes(con: Connection, target_id: str | None, since_date) -> tuple[list[tuple], list[tuple]]:
    """(change rows, flip rows) filtered by target and date, ordered by time."""
    where, params = ["1=1"], []
    if target_id:
        where.append("c.target_id = ?")
        params.append(target_id)
    if since_date:
        where.append("c.change_date >= ?")
        params.append(since_date)
    rows = con.execute(
        f"SELECT c.target_id, coalesce(t.name, c.target_id), c.change_at, c.change_date, c.document, c.textual_change, "
        f"c.versions, c.added, c.removed FROM document_changes c LEFT JOIN targets t ON t.target_id = c.target_id "
        f"WHERE {' AND '.join(where)} ORDER BY c.change_at, c.target_id, c.document", params).fetchall()
    fwhere = [w.replace("c.change_date", "f.flip_date").replace("c.target_id", "f.target_id") for w in where]
    flips = con.execute(
        f"SELECT f.target_id, f.flip_at, f.element, f.from_met, f.to_met, f.document, f.quote, f.quote_in_change "
        f"FROM element_flips f WHERE {' AND '.join(fwhere)} ORDER BY f.flip_at, f.element", params).fetchall()
    return rows, flips


def states(con: Connection, target_id: str) -> list[tuple]:
    return con.execute(
        "SELECT element, as_of_date, met, evidence_quotes FROM element_states WHERE target_id = ? "
        "ORDER BY as_of, element", [target_id]).fetchall()


def version_period(con: Connection, target_id: str) -> tuple:
    return con.execute(
        "SELECT min(version_date), max(version_date), count(*) FROM document_versions WHERE target_id = ?",
        [target_id]).fetchone()


def version_documents(con: Connection, target_id: str) -> list[tuple]:
    return con.execute(
        "SELECT any_value(document ORDER BY seq DESC), count(*), min(version_date), max(version_date) "
        "FROM document_versions WHERE target_id = ? GROUP BY document_key ORDER BY 1", [target_id]).fetchall()


def flips_of(con: Connection, target_id: str) -> list[tuple]:
    return con.execute(
        "SELECT flip_date, document, element, from_met, to_met, quote, quote_in_change FROM element_flips "
        "WHERE target_id = ? ORDER BY flip_at, element", [target_id]).fetchall()
