"""The DuckDB evidence store: the only package that speaks SQL.

A user can open the `.duckdb` file with `duckdb` and query it; the schema is documented column by
column in `riskaudit/store/migrations/NNNN_name.sql`. Those files are applied once each, in
order, and recorded in `schema_migrations` (see `migrate`); a database written by riskaudit
0.1.0 (before migrations existed) is recognised and upgraded in place.

Modules, one per area, each a set of functions taking an open connection:
  runs, targets          runs of crawls/imports, the audited services
  crawl                  fetches, snapshots, documents and channel checks written by the crawler
  documents              reading documents back (per run, per version)
  results                scores, category scores, element results and evidence
  cases                  case logs and the aggregates the survival analysis needs
  history                document versions, changes, element states and flips
  report                 read-only queries that assemble a report
  reviews                the append-only review log, replies, and the review queue's query
The store has one writer at a time (DuckDB's rule); read-only commands open it read-only.
"""
from __future__ import annotations

import os
import zlib
from importlib import resources
from pathlib import Path

import duckdb

from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError
from riskaudit.core.hashing import sha256_hex

DEFAULT_DB = "riskaudit.duckdb"
Connection = duckdb.DuckDBPyConnection
# What a failed write to the store raises (full disk, file too large, I/O error, a database
# DuckDB invalidated after such an error): callers that must not crash catch these.
WRITE_ERRORS = (duckdb.IOException, duckdb.TransactionException, duckdb.FatalException,
                duckdb.OutOfMemoryException, OSError)

__all__ = ["DEFAULT_DB", "Connection", "WRITE_ERRORS", "failure_message", "write_failure", "connect", "migrate", "pending_migrations", "now_utc", "sha256_hex",
           "connect_for_reading", "pack_body", "unpack_body", "put_snapshot", "get_snapshot", "SNAPSHOT_COMPRESSION"]


# ---------------------------------------------------------------- migrations

def migration_files() -> list[tuple[int, str, str]]:
    """(number, name, SQL) of every migration file, in order."""
    folder = resources.files("riskaudit.store") / "migrations"
    out = []
    for p in folder.iterdir():
        if p.name.endswith(".sql") and p.name[:4].isdigit():
            out.append((int(p.name[:4]), p.name[:-4], p.read_text(encoding="utf-8")))
    return sorted(out)


def _table_exists(con: Connection, name: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND schema_name = 'main'", [name]).fetchone()[0])


def _applied(con: Connection) -> set[int]:
    if not _table_exists(con, "schema_migrations"):
        return set()
    return {int(v) for (v,) in con.execute("SELECT version FROM schema_migrations").fetchall()}


def pending_migrations(con: Connection) -> list[tuple[int, str, str]]:
    """Migrations not yet applied to this database (a 0.1.0 database counts as having 0001)."""
    applied = _applied(con)
    if not applied and _table_exists(con, "runs"):
        applied = {1}                      # written by riskaudit 0.1.0: the baseline is there
    return [m for m in migration_files() if m[0] not in applied]


def migrate(con: Connection) -> list[str]:
    """Apply pending migrations, each in its own transaction; return their names."""
    done = []
    legacy = not _table_exists(con, "schema_migrations") and _table_exists(con, "runs")
    con.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                "version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMPTZ NOT NULL)")
    if legacy:
        con.execute("INSERT INTO schema_migrations VALUES (1, '0001_baseline', ?)", [now_utc()])
    for number, name, sql in pending_migrations(con):
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, ?)", [number, name, now_utc()])
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        done.append(name)
    return done


def connect(path: str | Path, *, create: bool = True, read_only: bool = False) -> Connection:
    """Open the store (migrating it when opened for writing).

    A missing file without `create` is a UserError. A read-only open of a database that still
    needs migrations upgrades it first when the file is writable, else says what to do.
    """
    path = Path(path)
    if not path.exists():
        if not create or read_only:
            raise UserError(f"database {path} does not exist: run `riskaudit crawl --db {path}` (or an import) first")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise UserError(f"cannot open database {path}: {_first_line(exc)}") from None
    try:
        if read_only:
            if pending_migrations(con):
                con.close()
                if is_read_only(path):
                    raise UserError(f"database {path} was written by an older riskaudit and must be upgraded, but it "
                                    "is read-only; make it writable (chmod u+w) and run any command once")
                _upgrade(path)
                con = duckdb.connect(str(path), read_only=True)
        else:
            migrate(con)
    except duckdb.Error as exc:
        con.close()
        raise UserError(f"database {path} cannot be read ({_first_line(exc)}): it may be truncated or corrupted; "
                        "restore it from a backup or re-run the crawl into a new --db") from None
    return con


def connect_for_reading(path: str | Path) -> Connection:
    """Open an existing store for a command that only reads: writable when the file is (so derived
    tables can be brought up to date), else read-only."""
    path = Path(path)
    if path.exists() and is_read_only(path):
        return connect(path, create=False, read_only=True)
    return connect(path, create=False)


def is_read_only(path: str | Path) -> bool:
    """True when the database file should not be written: it has no write permission bit (chmod 0444:
    the owner's intent, which root's `os.access` would ignore), the process may not write it, or its
    folder cannot take the write-ahead log DuckDB creates next to it."""
    path = Path(path)
    try:
        mode = path.stat().st_mode
        folder = path.resolve().parent
        folder_mode = folder.stat().st_mode
    except OSError:
        return False
    if not mode & 0o222 or not os.access(path, os.W_OK):
        return True
    return not folder_mode & 0o222 or not os.access(folder, os.W_OK | os.X_OK)


def _upgrade(path: Path) -> None:
    try:
        con = duckdb.connect(str(path))
    except duckdb.Error as exc:
        raise UserError(f"database {path} was written by an older riskaudit and must be upgraded, but it cannot "
                        f"be opened for writing ({_first_line(exc)}); make it writable and run any command once") from None
    try:
        migrate(con)
    finally:
        con.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def write_failure(db_path, exc: BaseException) -> str:
    """One line saying that writing to the database failed and why (the OS cause when known)."""
    cause = getattr(exc, "strerror", None) or _first_line(exc)
    return f"cannot write to database {db_path}: {cause}"


def failure_message(exc: BaseException, db_path=None) -> str | None:
    """One line for a failure of the store or the file system met in the middle of a command
    (a database corrupted inside, a full disk, a file that cannot be written), or None when
    `exc` is not such a failure (a programming error keeps its traceback)."""
    where = f"database {db_path}" if db_path else "the database"
    if isinstance(exc, duckdb.ProgrammingError):      # catalog/binder/parser errors: a bug, not the data
        return None
    if isinstance(exc, duckdb.Error):
        text = _first_line(exc)
        if "corrupt" in text.lower() or "checksum" in text.lower() or "could not read" in text.lower():
            return (f"{where} is corrupted ({text}): restore it from a backup or re-run the crawl into a new --db")
        return f"{where}: {text}"
    if isinstance(exc, OSError) and exc.errno is not None:
        name = exc.filename if exc.filename is not None else (db_path or "a file")
        return f"cannot write or read {name}: {exc.strerror or exc}"
    return None


# ---------------------------------------------------------------- snapshots (raw bodies)

SNAPSHOT_COMPRESSION = "zlib"


def pack_body(body: bytes) -> bytes:
    """A raw body as stored in `snapshots.body` (SNAPSHOT_COMPRESSION); `unpack_body` reverses it."""
    return zlib.compress(body, 3)


def unpack_body(compression: str | None, body: bytes) -> bytes:
    return zlib.decompress(body) if compression == SNAPSHOT_COMPRESSION else bytes(body)


def put_snapshot(con: Connection, body: bytes, content_type: str | None) -> str:
    """Store a raw body once (content-addressed, compressed); return its sha256."""
    digest = sha256_hex(body)
    con.execute(
        "INSERT INTO snapshots (sha256, content_type, size, compression, body, first_seen) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [digest, content_type, len(body), SNAPSHOT_COMPRESSION, pack_body(body), now_utc()])
    return digest


def get_snapshot(con: Connection, digest: str) -> bytes | None:
    row = con.execute("SELECT compression, body FROM snapshots WHERE sha256 = ?", [digest]).fetchone()
    if not row:
        return None
    return unpack_body(*row)
