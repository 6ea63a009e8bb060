"""Case logs in the store: staging and validating a case-log CSV in DuckDB, inserting it, the
per-database URL salt, and the aggregates the survival analysis fits.

The validation runs in SQL (no per-row Python); `riskaudit.importers.cases` turns its findings
into messages with CSV line numbers.
"""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import duckdb
import pandas as pd

from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError
from riskaudit.core.vocab import CASE_CHANNELS as CHANNELS
from riskaudit.core.vocab import CASE_OUTCOMES as OUTCOMES
from riskaudit.store import Connection
from riskaudit.store.bulk import transaction

TIME_COLUMNS = ("submitted_at", "acknowledged_at", "removed_at", "closed_at")
MAX_LISTED_ERRORS = 20

# ISO 8601 date + time with an explicit UTC offset (Z, +hh, +hhmm, +hh:mm). Naive times are
# refused: a case log mixing time zones silently would shift every duration. Offsets must be real
# ones, -14:00 ... +14:00 with minutes 00-59 (a "+25:00" would silently shift the time by a day).
_OFFSET = r"(Z|z|[+-](0\d|1[0-3])(:?[0-5]\d)?|[+-]14(:?00)?)"
_ISO_WITH_OFFSET = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?" + _OFFSET + "$"
_STAGED = "_cases_staged"
_PARSED = "_cases_parsed"


def has_cases(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the store holds at least one case (False on a store without the table)."""
    try:
        return con.execute("SELECT EXISTS (SELECT 1 FROM cases)").fetchone()[0]
    except duckdb.CatalogException:
        return False


def url_salt(con: duckdb.DuckDBPyConnection) -> str:
    """The database's content-URL salt, generated (random, 128 bits) on first use."""
    con.execute("INSERT INTO case_settings (key, value) VALUES ('url_salt', ?) ON CONFLICT DO NOTHING",
                [secrets.token_hex(16)])
    return con.execute("SELECT value FROM case_settings WHERE key = 'url_salt'").fetchone()[0]


def hash_url(con: duckdb.DuckDBPyConnection, url: str) -> str:
    """The stored hash of `url` in this database (lets a user look a known URL up)."""
    return hashlib.sha256((url_salt(con) + url).encode("utf-8")).hexdigest()


def stage_csv(con, path: Path, names: list[str]) -> None:
    """Load the CSV as VARCHAR into a temp table; rows too short/long are errors (with lines)."""
    cols = "{" + ", ".join(f"'{n}': 'VARCHAR'" for n in names) + "}"
    con.execute(f"DROP TABLE IF EXISTS {_STAGED}")
    try:
        con.execute(
            f"CREATE TEMP TABLE {_STAGED} AS SELECT * FROM read_csv(?, header = true, columns = {cols}, "
            "delim = ',', quote = '\"', escape = '\"', auto_detect = false, store_rejects = true, "
            "rejects_table = '_cases_rejects', rejects_scan = '_cases_reject_scans')", [str(path)])
        rejects = con.execute(
            "SELECT line, arg_min(error_message, column_idx) FROM _cases_rejects GROUP BY line ORDER BY line").fetchall()
    except duckdb.Error as exc:
        raise UserError(f"{path}: cannot read as CSV ({str(exc).splitlines()[0]}): save it as "
                        "comma-separated UTF-8 with a header line") from None
    finally:
        for t in ("_cases_rejects", "_cases_reject_scans"):
            try:
                con.execute(f"DROP TABLE IF EXISTS {t}")
            except duckdb.Error:
                pass
    if rejects:
        lines = [f"line {line}: {msg.replace('Expected Number of Columns', 'expected columns')}"
                 for line, msg in rejects]
        raise UserError(error_list(path, lines, f"{len(rejects)} malformed row(s)",
                                    f"every row needs {len(names)} comma-separated fields"))


def error_list(path: Path, lines: list[str], what: str, fix: str) -> str:
    shown = lines[:MAX_LISTED_ERRORS]
    more = len(lines) - len(shown)
    body = "\n  ".join(shown + ([f"... and {more} more"] if more > 0 else []))
    return f"{path}: {what}, nothing imported ({fix}):\n  {body}"


def parse_staged(con, replace: bool) -> None:
    """Parsed/resolved rows (one per staged row, `rn` = 0-based record number) plus errors."""
    def clean(c):
        return f"nullif(trim(\"{c}\"), '')"

    ts = {c: f"CASE WHEN regexp_full_match({clean(c)}, '{_ISO_WITH_OFFSET}') "
             f"THEN TRY_CAST({clean(c)} AS TIMESTAMPTZ) END" for c in TIME_COLUMNS}
    existing = ("FALSE" if replace else
                "EXISTS (SELECT 1 FROM cases x WHERE x.case_id = r.case_id)")
    con.execute(f"DROP TABLE IF EXISTS {_PARSED}")
    con.execute(f"""
        CREATE TEMP TABLE {_PARSED} AS
        WITH raw AS (
            SELECT rowid AS rn,
                   {clean('case_id')} AS case_id, {clean('target')} AS target,
                   lower({clean('channel')}) AS channel, lower({clean('outcome')}) AS outcome,
                   {clean('jurisdiction')} AS jurisdiction, {clean('content_url')} AS content_url,
                   {', '.join(f"{clean(c)} AS {c}_raw" for c in TIME_COLUMNS)},
                   {', '.join(f"{ts[c]} AS {c}" for c in TIME_COLUMNS)}
            FROM {_STAGED}),
        by_id AS (SELECT lower(target_id) AS k, target_id FROM targets),
        by_name AS (SELECT lower(name) AS k, min(target_id) AS target_id, count(*) AS n,
                           string_agg(target_id, ', ' ORDER BY target_id) AS ids
                    FROM targets GROUP BY 1),
        dups AS (SELECT case_id AS dup_id, min(rn) AS first_rn FROM raw
                 WHERE case_id IS NOT NULL GROUP BY case_id HAVING count(*) > 1),
        r AS (
            SELECT raw.*, coalesce(i.target_id, CASE WHEN nm.n = 1 THEN nm.target_id END) AS target_id,
                   i.target_id IS NULL AND nm.n > 1 AS ambiguous, nm.ids AS ambiguous_ids,
                   coalesce(d.first_rn, raw.rn) AS first_rn
            FROM raw LEFT JOIN by_id i ON i.k = lower(raw.target)
                     LEFT JOIN by_name nm ON nm.k = lower(raw.target)
                     LEFT JOIN dups d ON d.dup_id = raw.case_id)
        SELECT r.*, {existing} AS in_db FROM r
    """)


def error_rows(con) -> tuple[int, list[tuple[int, int | None, list[str]]]]:
    """(number of bad rows, first bad rows as (rn, first_rn of a duplicate, messages))."""
    checks = [
        "CASE WHEN case_id IS NULL THEN 'case_id is empty' END",
        "CASE WHEN case_id IS NOT NULL AND rn <> first_rn THEN 'duplicate case_id ''' || case_id || ''' (first on line @FIRST@)' END",
        "CASE WHEN case_id IS NOT NULL AND rn = first_rn AND in_db THEN 'case_id ''' || case_id || ''' is already in the database (use --replace to replace it)' END",
        "CASE WHEN target IS NULL THEN 'target is empty' END",
        "CASE WHEN ambiguous THEN 'target ''' || target || ''' matches several targets (' || ambiguous_ids || '): use the registry id' END",
        "CASE WHEN target IS NOT NULL AND target_id IS NULL AND NOT coalesce(ambiguous, FALSE) THEN 'unknown target ''' || target || ''' (not a registry id or display name in the database)' END",
        f"CASE WHEN channel IS NULL THEN 'channel is empty' WHEN channel NOT IN ({_sql_list(CHANNELS)}) THEN 'unknown channel ''' || channel || ''' (use one of {', '.join(CHANNELS)})' END",
        f"CASE WHEN outcome IS NULL THEN 'outcome is empty' WHEN outcome NOT IN ({_sql_list(OUTCOMES)}) THEN 'unknown outcome ''' || outcome || ''' (use one of {', '.join(OUTCOMES)})' END",
        "CASE WHEN submitted_at_raw IS NULL THEN 'submitted_at is empty' END",
    ]
    for c in TIME_COLUMNS:
        checks.append(
            f"CASE WHEN {c}_raw IS NOT NULL AND {c} IS NULL THEN "
            f"CASE WHEN regexp_full_match({c}_raw, '^\\d{{4}}-\\d{{2}}-\\d{{2}}([T ]\\d{{2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?)?$') "
            f"THEN '{c} ''' || {c}_raw || ''' has no UTC offset (write e.g. 2026-03-01T10:00:00+01:00 or ...Z)' "
            f"WHEN regexp_full_match({c}_raw, '^\\d{{4}}-\\d{{2}}-\\d{{2}}[T ]\\d{{2}}:\\d{{2}}(:\\d{{2}}(\\.\\d+)?)?[+-]\\d{{2}}(:?\\d{{2}})?$') "
            f"THEN '{c} ''' || {c}_raw || ''' has a UTC offset out of range (offsets run from -14:00 to +14:00, minutes 00-59)' "
            f"ELSE '{c} ''' || {c}_raw || ''' is not an ISO 8601 time with offset (e.g. 2026-03-01T10:00:00Z)' END END")
    for c in TIME_COLUMNS[1:]:
        checks.append(f"CASE WHEN {c} < submitted_at THEN '{c} is before submitted_at' END")
    checks += [
        "CASE WHEN outcome = 'removed' AND removed_at_raw IS NULL THEN 'outcome is removed but removed_at is empty' END",
        "CASE WHEN removed_at_raw IS NOT NULL AND outcome IN ('refused', 'no_response', 'pending') THEN 'removed_at is set but outcome is ' || outcome || ' (use outcome removed, or clear removed_at)' END",
        "CASE WHEN outcome = 'pending' AND closed_at_raw IS NOT NULL THEN 'outcome is pending but closed_at is set (a pending case is open)' END",
    ]
    errs = "list_filter([" + ", ".join(checks) + "], lambda x: x IS NOT NULL)"
    con.execute(f"CREATE OR REPLACE TEMP VIEW _cases_errors AS SELECT rn, first_rn, {errs} AS errs FROM {_PARSED}")
    total = con.execute("SELECT count(*) FROM _cases_errors WHERE len(errs) > 0").fetchone()[0]
    rows = con.execute(f"SELECT rn, first_rn, errs FROM _cases_errors WHERE len(errs) > 0 "
                       f"ORDER BY rn LIMIT {MAX_LISTED_ERRORS}").fetchall() if total else []
    con.execute("DROP VIEW IF EXISTS _cases_errors")
    return total, rows


def _sql_list(values) -> str:
    return ", ".join(f"'{v}'" for v in values)




def prepare(con: Connection) -> None:
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")


def staged_count(con: Connection) -> int:
    return con.execute(f"SELECT count(*) FROM {_STAGED}").fetchone()[0]


def insert_parsed(con: Connection, path: Path, file_sha256: str, n_rows: int, keep_urls: bool, replace: bool) -> None:
    """Insert the parsed rows (one transaction): replaced cases first, then a case_imports row."""
    salt = url_salt(con)
    with transaction(con):
        replaced = 0
        if replace:
            replaced = con.execute(
                f"SELECT count(*) FROM cases WHERE case_id IN (SELECT case_id FROM {_PARSED})").fetchone()[0]
            if replaced:
                con.execute(f"DELETE FROM cases WHERE case_id IN (SELECT case_id FROM {_PARSED})")
        import_id = con.execute(
            "INSERT INTO case_imports (file, file_sha256, rows, replaced, keep_urls, imported_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING import_id",
            [str(path), file_sha256, n_rows, replaced, keep_urls, now_utc()]).fetchone()[0]
        con.execute(f"""
            INSERT INTO cases (case_id, target_id, channel, submitted_at, acknowledged_at, removed_at,
                               closed_at, outcome, jurisdiction, content_url_hash, content_url, import_id)
            SELECT case_id, target_id, channel, submitted_at, acknowledged_at, removed_at, closed_at,
                   outcome, jurisdiction,
                   CASE WHEN content_url IS NOT NULL THEN sha256(? || content_url) END,
                   CASE WHEN ? THEN content_url END, ?
            FROM {_PARSED}""", [salt, keep_urls, import_id])


def drop_staging(con: Connection) -> None:
    for t in (_STAGED, _PARSED):
        con.execute(f"DROP TABLE IF EXISTS {t}")


# ---------------------------------------------------------------- survival-analysis aggregates

_CASE_SQL = """
    SELECT target_id, channel,
           (removed_at IS NOT NULL AND removed_at <= $as_of) AS event,
           (epoch(CASE WHEN removed_at IS NOT NULL AND removed_at <= $as_of THEN removed_at
                       WHEN closed_at IS NOT NULL AND closed_at <= $as_of THEN closed_at
                       ELSE $as_of END) - epoch(submitted_at)) / 3600.0 AS hours,
           (acknowledged_at IS NOT NULL AND acknowledged_at <= $as_of) AS acked,
           outcome
    FROM cases
    WHERE submitted_at <= $as_of AND ($target IS NULL OR target_id = $target)
"""


def removal_times(con: Connection, as_of, target_id: str | None) -> pd.DataFrame:
    """(target_id, channel, hours, event, n) for the cases known at `as_of`: hours from submission to
    removal (event) or to censoring at closed_at / as_of."""
    con.execute("SET enable_progress_bar = false")
    return con.execute(
        f"SELECT target_id, channel, hours, event, count(*) AS n FROM ({_CASE_SQL}) "
        "GROUP BY ALL ORDER BY target_id, channel, hours, event",
        {"as_of": as_of, "target": target_id}).df()


def case_counts(con: Connection, as_of, target_id: str | None, all_label: str) -> pd.DataFrame:
    """Per target × channel and per target (channel = all_label): n, removed, acked, refused, no_response, pending."""
    return con.execute(
        f"""SELECT target_id, coalesce(channel, '{all_label}') AS channel, count(*) AS n,
                   count(*) FILTER (WHERE event) AS removed, count(*) FILTER (WHERE acked) AS acked,
                   count(*) FILTER (WHERE outcome = 'refused') AS refused,
                   count(*) FILTER (WHERE outcome = 'no_response') AS no_response,
                   count(*) FILTER (WHERE outcome = 'pending') AS pending
            FROM ({_CASE_SQL}) GROUP BY GROUPING SETS ((target_id, channel), (target_id))""",
        {"as_of": as_of, "target": target_id}).df()


def cases_after(con: Connection, as_of, target_id: str | None) -> int:
    return int(con.execute("SELECT count(*) FROM cases WHERE submitted_at > ? AND (? IS NULL OR target_id = ?)",
                           [as_of, target_id, target_id]).fetchone()[0])


def case_log_end(con: Connection):
    """The latest time recorded in the case log (observed times are computed as of then)."""
    row = con.execute("SELECT max(submitted_at), max(acknowledged_at), max(removed_at), max(closed_at) FROM cases"
                      ).fetchone()
    times = [t for t in (row or []) if t is not None]
    return max(times) if times else None
