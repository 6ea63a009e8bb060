"""Archive importers: shared pieces for turning historical policy versions into dated documents.

`ota.py` reads an Open Terms Archive *versions* git repository, `dated_dir.py` a folder layout
`<Service>/<Document>/<YYYY-MM-DD>*.md`. Both write `documents` rows (one per version, with
`fetched_at` = the version date) under one run of kind `import-ota` / `import-dir`, upsert the
targets and skip versions already stored (re-import is idempotent). Scoring the history is the
history stage's work (`riskaudit.stages.imports` runs both).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from riskaudit.core.errors import UserError
from riskaudit.core.hashing import sha256_hex
from riskaudit.core.text import slug as slugify
from riskaudit.core.vocab import TARGET_KINDS
from riskaudit.importers.files import read_kinds
from riskaudit.store import Connection
from riskaudit.store import documents as doc_store
from riskaudit.store.runs import finish_run, start_run
from riskaudit.store.targets import target_kind


def doc_type_of(name: str) -> str:
    """`documents.doc_type` of an archive document name ("Terms of Service" → "terms_of_service")."""
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_") or "document"


def load_kinds(path: str | Path | None) -> dict[str, str]:
    """KINDS.csv (header `service,kind`, read by `riskaudit.importers.files.read_kinds`) → {case-folded service: kind};
    {} when no file is given."""
    if not path:
        return {}
    return {service.casefold(): kind for service, kind in read_kinds(Path(path)).items()}


def resolve_kinds(con: Connection, services: list[str], kinds: dict[str, str],
                  default_kind: str | None, kinds_path: str | Path | None) -> dict[str, str]:
    """Kind of every service: KINDS.csv, else the stored target's kind, else --default-kind, else UserError."""
    if default_kind and default_kind not in TARGET_KINDS:
        raise UserError(f"--default-kind {default_kind!r} is not one of {', '.join(TARGET_KINDS)}")
    out, missing = {}, []
    for service in services:
        kind = kinds.get(service.casefold())
        if not kind:
            kind = target_kind(con, slugify(service)) or default_kind
        if kind:
            out[service] = kind
        else:
            missing.append(service)
    if missing:
        where = f"add them to {kinds_path}" if kinds_path else "give --kinds KINDS.csv (header service,kind)"
        raise UserError(f"no kind for {len(missing)} service(s): {', '.join(missing)}; {where} or pass --default-kind KIND")
    return out


@dataclass
class ImportStats:
    services: set[str] = field(default_factory=set)
    seen: int = 0          # versions read from the archive
    inserted: int = 0      # new documents rows
    skipped: int = 0       # already stored (re-import)

    def to_json(self) -> dict:
        return {"services": sorted(self.services), "versions_read": self.seen, "versions_inserted": self.inserted,
                "versions_already_stored": self.skipped}


class DocumentWriter:
    """Buffered, idempotent writer of archive versions into `documents` (flat memory: flushes every N rows)."""

    def __init__(self, con: Connection, run_id: int, source: str, target_ids: list[str],
                 batch: int = 200):
        self.con, self.run_id, self.source, self.batch = con, run_id, source, batch
        self.rows: list[tuple] = []
        self.stats = ImportStats()
        # identity of a stored archive version: target, document name, date, text hash
        self.existing = {(t, n, store_ts(f), s) for t, n, f, s in doc_store.archive_versions(con, source, target_ids)}

    def add(self, target_id: str, service: str, document: str, when: dt.datetime, text: str) -> None:
        self.stats.seen += 1
        self.stats.services.add(service)
        sha = sha256_hex(text)
        key = (target_id, document, store_ts(when), sha)
        if key in self.existing:
            self.stats.skipped += 1
            return
        self.existing.add(key)
        self.rows.append((None, self.run_id, target_id, doc_type_of(document), document, document, text, sha,
                          store_ts(when), self.source))
        self.stats.inserted += 1
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        doc_store.insert_archive_versions(self.con, self.rows)
        self.rows = []


def store_ts(value: dt.datetime) -> dt.datetime:
    """A timestamp as stored (UTC, microseconds)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def begin_import(con: Connection, kind: str, path: Path, options: dict) -> int:
    return start_run(con, kind, registry_path=str(path), settings=json.dumps(options))


def finish_import(con: Connection, run_id: int, writer: DocumentWriter) -> dict:
    """Flush and close the run; return its counts."""
    writer.flush()
    finish_run(con, run_id)
    return {"run_id": run_id, **writer.stats.to_json()}


def fail_import(con: Connection, run_id: int, writer: DocumentWriter) -> None:
    writer.flush()
    finish_run(con, run_id, "failed")
