"""The import stage: bring an archive of dated policy versions into the store, then score its history.

`import_ota` (an Open Terms Archive *versions* git repository) and `import_dir` (a folder
`<Service>/<Document>/<YYYY-MM-DD>*.md`) run the importer of `riskaudit.importers`, then, with
`score`, fold the new versions into states and flips (`riskaudit.stages.history.sync`).
"""
from __future__ import annotations

from pathlib import Path

from riskaudit.importers import dated_dir, ota
from riskaudit.stages.history import sync
from riskaudit.store import Connection


def _scored(con: Connection, result: dict, score: bool, score_fn, progress, workers: int) -> dict:
    if score:
        result["scoring"] = sync(con, score_fn=score_fn, progress=progress, workers=workers)
    return result


def import_ota(con: Connection, path: str | Path, *, kinds_path=None, services=None, default_kind=None,
               score: bool = True, score_fn=None, progress=None, workers: int = 1) -> dict:
    result = ota.import_ota(con, path, kinds_path=kinds_path, services=services, default_kind=default_kind)
    return _scored(con, result, score, score_fn, progress, workers)


def import_dir(con: Connection, path: str | Path, *, kinds_path=None, services=None, default_kind=None,
               score: bool = True, score_fn=None, progress=None, workers: int = 1) -> dict:
    result = dated_dir.import_dir(con, path, kinds_path=kinds_path, services=services, default_kind=default_kind)
    return _scored(con, result, score, score_fn, progress, workers)
