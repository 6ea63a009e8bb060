"""Bulk inserts through Arrow: the Arrow type of every bulk-written column, defined once per table."""
from __future__ import annotations

import pyarrow as pa

from riskaudit.store import Connection

_TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "fetches": pa.schema([
        ("run_id", pa.int32()), ("target_id", pa.string()), ("purpose", pa.string()), ("url", pa.string()),
        ("final_url", pa.string()), ("status", pa.int32()), ("error", pa.string()), ("latency_ms", pa.float64()),
        ("bytes", pa.int64()), ("content_type", pa.string()), ("robots_blocked", pa.bool_()),
        ("media_refused", pa.bool_()), ("attempts", pa.int32()), ("snapshot_sha256", pa.string()),
        ("fetched_at", _TS),
        # migration 0007: the exchange as an archive rebuilds it (JSON columns are sent as text)
        ("request_headers", pa.string()), ("response_headers", pa.string()), ("headers_truncated", pa.bool_()),
        ("http_version", pa.string()), ("ip_address", pa.string()), ("tls_certificate", pa.string())]),
    "snapshots": pa.schema([
        ("sha256", pa.string()), ("content_type", pa.string()), ("size", pa.int64()), ("compression", pa.string()),
        ("body", pa.binary()), ("first_seen", _TS)]),
    "documents": pa.schema([
        ("document_id", pa.int64()), ("run_id", pa.int32()), ("target_id", pa.string()), ("doc_type", pa.string()),
        ("name", pa.string()), ("url", pa.string()), ("final_url", pa.string()), ("title", pa.string()),
        ("language", pa.string()), ("text", pa.string()), ("text_sha256", pa.string()),
        ("snapshot_sha256", pa.string()), ("fetched_at", _TS), ("source", pa.string())]),
    "channel_checks": pa.schema([
        ("run_id", pa.int32()), ("target_id", pa.string()), ("channel_kind", pa.string()), ("url", pa.string()),
        ("status", pa.int32()), ("final_url", pa.string()), ("latency_ms", pa.float64()),
        ("login_required", pa.bool_()), ("ok", pa.bool_()), ("error", pa.string()), ("checked_at", _TS)]),
    "document_versions": pa.schema([
        ("target_id", pa.string()), ("document_key", pa.string()), ("document", pa.string()), ("seq", pa.int32()),
        ("version_at", _TS), ("version_date", pa.date32()), ("text_sha256", pa.string()),
        ("norm_sha256", pa.string()), ("textual_change", pa.bool_()), ("document_id", pa.int64()),
        ("run_id", pa.int32()), ("source", pa.string())]),
    "document_changes": pa.schema([
        ("target_id", pa.string()), ("change_at", _TS), ("change_date", pa.date32()),
        ("document_key", pa.string()), ("document", pa.string()), ("from_document_id", pa.int64()),
        ("to_document_id", pa.int64()), ("versions", pa.int32()), ("textual_change", pa.bool_()),
        ("added", pa.list_(pa.string())), ("removed", pa.list_(pa.string()))]),
    "element_states": pa.schema([
        ("target_id", pa.string()), ("as_of", _TS), ("as_of_date", pa.date32()),
        ("element", pa.string()), ("met", pa.bool_()), ("evidence_quotes", pa.list_(pa.string())),
        ("evidence_documents", pa.list_(pa.string())), ("state_sha256", pa.string()), ("engine", pa.string())]),
    "element_flips": pa.schema([
        ("target_id", pa.string()), ("flip_at", _TS), ("flip_date", pa.date32()),
        ("element", pa.string()), ("from_met", pa.bool_()), ("to_met", pa.bool_()), ("document", pa.string()),
        ("quote", pa.string()), ("quote_in_change", pa.bool_())]),
    "version_runs": pa.schema([("run_id", pa.int32()), ("processed_at", _TS)]),
}


def insert_rows(con: Connection, table: str, rows: list, *, columns: list[str] | None = None,
                or_ignore: bool = False) -> None:
    """Insert many rows at once (tuples in schema order, or dicts) through an Arrow table."""
    if not rows:
        return
    schema = SCHEMAS[table]
    if columns is not None:
        schema = pa.schema([schema.field(c) for c in columns])
    if isinstance(rows[0], dict):
        arrays = [pa.array([r.get(f.name) for r in rows], type=f.type) for f in schema]
    else:
        arrays = [pa.array([r[i] for r in rows], type=f.type) for i, f in enumerate(schema)]
    arrow = pa.Table.from_arrays(arrays, schema=schema)
    cols = ", ".join(schema.names)
    verb = "INSERT OR IGNORE" if or_ignore else "INSERT"
    con.register("_riskaudit_bulk", arrow)
    try:
        con.execute(f"{verb} INTO {table} ({cols}) SELECT {cols} FROM _riskaudit_bulk")
    finally:
        con.unregister("_riskaudit_bulk")


def transaction(con: Connection):
    """`with transaction(con): ...` — commit on success, roll back on any error."""
    return _Tx(con)


class _Tx:
    def __init__(self, con: Connection):
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, exc, tb):
        self.con.execute("COMMIT" if exc_type is None else "ROLLBACK")
        return False
