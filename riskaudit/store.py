"""The DuckDB evidence store: opening the file and applying the schema.

The schema lives in `riskaudit/schema/*.sql` (applied in file-name order, idempotent), so a
user can read it and query the `.duckdb` file directly with SQL. Each area owns one file:
01 core (crawl evidence), 02 audit results, 03 case logs, 04 document versions.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import zlib
from importlib import resources
from pathlib import Path

import duckdb

from riskaudit.errors import UserError

DEFAULT_DB = "riskaudit.duckdb"


def schema_sql() -> list[tuple[str, str]]:
    """(file name, SQL) of every schema file, in application order."""
    folder = resources.files("riskaudit") / "schema"
    files = sorted((p for p in folder.iterdir() if p.name.endswith(".sql")), key=lambda p: p.name)
    return [(p.name, p.read_text(encoding="utf-8")) for p in files]


def connect(path: str | Path, *, create: bool = True, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and with `create`, initialise) the store. Missing file without `create` is a UserError."""
    path = Path(path)
    if not create and not path.exists():
        raise UserError(f"database {path} does not exist: run `riskaudit crawl --db {path}` (or an import) first")
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise UserError(f"cannot open database {path}: {exc}") from None
    if not read_only:
        for _name, sql in schema_sql():
            con.execute(sql)
    return con


def now_utc() -> _dt.datetime:
    return _dt.datetime.now(_dt.timezone.utc)


def sha256_hex(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


SNAPSHOT_COMPRESSION = "zlib"


def pack_body(body: bytes) -> bytes:
    """A raw body as stored in `snapshots.body` (SNAPSHOT_COMPRESSION); `get_snapshot` reverses it."""
    return zlib.compress(body, 3)


def put_snapshot(con: duckdb.DuckDBPyConnection, body: bytes, content_type: str | None) -> str:
    """Store a raw body once (content-addressed, compressed); return its sha256."""
    digest = sha256_hex(body)
    exists = con.execute("SELECT 1 FROM snapshots WHERE sha256 = ?", [digest]).fetchone()
    if not exists:
        con.execute(
            "INSERT INTO snapshots (sha256, content_type, size, compression, body, first_seen) VALUES (?, ?, ?, ?, ?, ?)",
            [digest, content_type, len(body), SNAPSHOT_COMPRESSION, pack_body(body), now_utc()],
        )
    return digest


def get_snapshot(con: duckdb.DuckDBPyConnection, digest: str) -> bytes | None:
    row = con.execute("SELECT compression, body FROM snapshots WHERE sha256 = ?", [digest]).fetchone()
    if not row:
        return None
    compression, body = row
    return zlib.decompress(body) if compression == SNAPSHOT_COMPRESSION else bytes(body)


def start_run(con: duckdb.DuckDBPyConnection, kind: str, *, registry_path: str | None = None,
              registry_sha256: str | None = None, settings: str | None = None) -> int:
    from riskaudit import __version__
    row = con.execute(
        "INSERT INTO runs (kind, started_at, status, registry_path, registry_sha256, settings, tool_version) "
        "VALUES (?, ?, 'running', ?, ?, ?, ?) RETURNING run_id",
        [kind, now_utc(), registry_path, registry_sha256, settings, __version__],
    ).fetchone()
    return int(row[0])


def finish_run(con: duckdb.DuckDBPyConnection, run_id: int, status: str = "finished") -> None:
    con.execute("UPDATE runs SET finished_at = ?, status = ? WHERE run_id = ?", [now_utc(), status, run_id])


def latest_run(con: duckdb.DuckDBPyConnection, kind: str | None = "crawl") -> int | None:
    """Latest finished run (of `kind`, or any kind when None)."""
    sql = "SELECT max(run_id) FROM runs WHERE status = 'finished'"
    params: list = []
    if kind:
        sql += " AND kind = ?"
        params.append(kind)
    row = con.execute(sql, params).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def upsert_target(con: duckdb.DuckDBPyConnection, target_id: str, name: str, kind: str,
                  jurisdictions: list[str] | None = None, homepage: str | None = None) -> None:
    con.execute(
        "INSERT INTO targets (target_id, name, kind, jurisdictions, homepage, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (target_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
        "jurisdictions = excluded.jurisdictions, homepage = excluded.homepage, updated_at = excluded.updated_at",
        [target_id, name, kind, jurisdictions or [], homepage, now_utc()],
    )
