"""Runs: one row per crawl, import or scoring source; and the one answer to "which run?"."""
from __future__ import annotations

from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError
from riskaudit.store import Connection


def start_run(con: Connection, kind: str, *, registry_path: str | None = None,
              registry_sha256: str | None = None, settings: str | None = None) -> int:
    from riskaudit import __version__
    row = con.execute(
        "INSERT INTO runs (kind, started_at, status, registry_path, registry_sha256, settings, tool_version) "
        "VALUES (?, ?, 'running', ?, ?, ?, ?) RETURNING run_id",
        [kind, now_utc(), registry_path, registry_sha256, settings, __version__],
    ).fetchone()
    return int(row[0])


def finish_run(con: Connection, run_id: int, status: str = "finished") -> None:
    con.execute("UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?", [now_utc(), status, run_id])


def frontier_run(con: Connection, crawl_id: str) -> int | None:
    """The crawl run that a frontier crawl (`settings.frontier_crawl`) is ingested into."""
    row = con.execute("SELECT max(run_id) FROM runs WHERE kind = 'crawl' "
                      "AND json_extract_string(settings, '$.frontier_crawl') = ?", [crawl_id]).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def latest_run(con: Connection, kind: str | None = "crawl") -> int | None:
    """Latest finished run (of `kind`, or any kind when None)."""
    sql = "SELECT max(run_id) FROM runs WHERE status = 'finished'"
    params: list = []
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def run_row(con: Connection, run_id: int) -> dict | None:
    cur = con.execute("SELECT * FROM runs WHERE run_id = ?", [run_id])
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row)) if row else None


def latest_scored_run(con: Connection) -> int | None:
    row = con.execute("SELECT max(run_id) FROM scores").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def scored_runs(con: Connection) -> list[int]:
    return [int(r) for (r,) in con.execute("SELECT DISTINCT run_id FROM scores ORDER BY run_id").fetchall()]


def resolve_run_to_score(con: Connection, run_id: int | None, db_label) -> int:
    """The run to score: `run_id`, else the latest finished crawl, else the latest finished import."""
    if run_id is None:
        run_id = latest_run(con, "crawl") or latest_run(con, None)
        if run_id is None:
            raise UserError(f"{db_label}: no finished crawl or import run to score; run `riskaudit crawl --db {db_label}` "
                            "or an import first (or pass --run ID)")
        return run_id
    if run_row(con, run_id) is None:
        raise UserError(f"{db_label}: run {run_id} does not exist (see the `runs` table)")
    return int(run_id)


def resolve_scored_run(con: Connection, run_id: int | None, db_label) -> int:
    """The scored run to read (export, explain, report): `run_id` if it has scores, else the latest scored run."""
    if run_id is None:
        latest = latest_scored_run(con)
        if latest is None:
            raise UserError(f"database {db_label} has no scores: run `riskaudit score --db {db_label}` first")
        return latest
    if run_id not in scored_runs(con):
        raise UserError(f"database {db_label} has no scores for run {run_id}: "
                        f"pick one of the scored runs {scored_runs(con) or '(none)'} with --run")
    return int(run_id)
