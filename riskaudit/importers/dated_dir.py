"""Import a dated folder layout `PATH/<Service>/<Document>/<YYYY-MM-DD>*.md` as document versions.

The date prefix of each file name is the version date (00:00 UTC). Several files of one document
on the same date are all imported; their order within the day is not given by the layout, so it
is inferred: the order whose chain previous-day version → … → next-day version changes the fewest
normalised sentences wins (ties: file-name order). Only the last one of the day enters the
end-of-day state that is scored; the others appear in the version list.
Symbolic links (folders or files) resolving outside PATH are not followed: they are left out and
listed in the result's `skipped_links`.
"""
from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path

import duckdb

from audits.versions import sentences
from riskaudit.core.errors import UserError
from riskaudit.importers.common import (
    DocumentWriter,
    begin_import,
    fail_import,
    finish_import,
    load_kinds,
    resolve_kinds,
    slugify,
)
from riskaudit.importers.files import outside_root
from riskaudit.store.targets import upsert_target

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[-_T. ])")
SUFFIXES = (".md", ".markdown", ".txt")


def file_date(path: Path) -> dt.date:
    """Version date of a file from its name; a missing or impossible date → UserError naming the file."""
    m = _DATE.match(path.stem)
    if not m:
        raise UserError(f"{path}: file name must start with the version date YYYY-MM-DD (e.g. 2026-07-08-v2.md)")
    try:
        return dt.date.fromisoformat(m.group(1))
    except ValueError:
        raise UserError(f"{path}: {m.group(1)!r} is not a real date: rename the file to a valid YYYY-MM-DD prefix") from None


def scan(root: Path, services: list[str] | None = None,
         outside: list[Path] | None = None) -> dict[str, dict[str, list[tuple[dt.date, Path]]]]:
    """{service: {document: [(date, file), ...] sorted}}; validates every file name before anything is written.
    Links resolving outside `root` are left out and appended to `outside`."""
    def out_of_root(p: Path) -> bool:
        if outside_root(root, p):
            if outside is not None:
                outside.append(p)
            return True
        return False

    if not root.is_dir():
        raise UserError(f"{root} is not a folder: give a folder laid out as <Service>/<Document>/<YYYY-MM-DD>*.md")
    out: dict[str, dict[str, list[tuple[dt.date, Path]]]] = {}
    for sdir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if services and sdir.name.casefold() not in {s.casefold() for s in services}:
            continue
        if out_of_root(sdir):
            continue
        docs: dict[str, list[tuple[dt.date, Path]]] = {}
        for entry in sorted(sdir.iterdir()):
            if entry.name.startswith(".") or out_of_root(entry):
                continue
            if entry.is_file():
                raise UserError(f"{entry}: expected a document folder here (<Service>/<Document>/<YYYY-MM-DD>*.md); "
                                f"move the file into a folder named after the document")
            files = [(file_date(f), f) for f in sorted(entry.iterdir())
                     if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in SUFFIXES
                     and not out_of_root(f)]
            if files:
                docs[entry.name] = sorted(files, key=lambda x: (x[0], x[1].name))
        if docs:
            out[sdir.name] = docs
    if services:
        missing = [s for s in services if s.casefold() not in {k.casefold() for k in out}]
        if missing:
            raise UserError(f"{root}: no dated versions for service(s) {', '.join(missing)}; available: "
                            f"{', '.join(sorted(p.name for p in root.iterdir() if p.is_dir())) or 'none'}")
    if not out:
        raise UserError(f"{root}: no <Service>/<Document>/<YYYY-MM-DD>*.md files found")
    return out


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise UserError(f"{path}: cannot read: {exc.strerror}") from None


def order_same_day(texts: list[tuple[Path, str]], prev: set[str] | None, nxt: set[str] | None) -> list[tuple[Path, str]]:
    """Order same-day versions to minimise sentence churn prev → v1 → … → vk → next (ties: name order)."""
    if len(texts) < 2:
        return texts
    keys = [set(sentences(t)) for _p, t in texts]

    def dist(a: set[str] | None, b: set[str] | None) -> int:
        return 0 if a is None or b is None else len(a ^ b)

    idx = list(range(len(texts)))
    if len(texts) <= 6:
        best, best_cost = idx, None
        for perm in itertools.permutations(idx):
            cost = dist(prev, keys[perm[0]]) + sum(dist(keys[a], keys[b]) for a, b in zip(perm, perm[1:]))
            cost += dist(keys[perm[-1]], nxt)
            if best_cost is None or cost < best_cost:
                best, best_cost = list(perm), cost
        return [texts[i] for i in best]
    order, left, last = [], idx[:], prev
    while left:
        i = min(left, key=lambda j: (dist(last, keys[j]), j))
        order.append(i)
        left.remove(i)
        last = keys[i]
    return [texts[i] for i in order]


def import_dir(con: duckdb.DuckDBPyConnection, path: str | Path, *, kinds_path: str | Path | None = None,
               services: list[str] | None = None, default_kind: str | None = None) -> dict:
    """Import every dated version under `path`; return counts (and scoring stats)."""
    root = Path(path)
    outside: list[Path] = []
    layout = scan(root, services, outside)
    kinds = resolve_kinds(con, sorted(layout), load_kinds(kinds_path), default_kind, kinds_path)
    for service in layout:
        upsert_target(con, slugify(service), service, kinds[service])
    run_id = begin_import(con, "import-dir", root, {"services": sorted(layout), "kinds": str(kinds_path) if kinds_path else None})
    writer = DocumentWriter(con, run_id, "dir", [slugify(x) for x in layout])
    try:
        for service, docs in layout.items():
            target_id = slugify(service)
            for document, files in docs.items():
                by_day: dict[dt.date, list[Path]] = {}
                for day, f in files:
                    by_day.setdefault(day, []).append(f)
                days = sorted(by_day)
                prev_keys: set[str] | None = None
                for n, day in enumerate(days):
                    texts = [(f, _read(f)) for f in by_day[day]]
                    if len(texts) > 1:
                        nxt_files = by_day[days[n + 1]] if n + 1 < len(days) else []
                        nxt = set(sentences(_read(nxt_files[0]))) if len(nxt_files) == 1 else None
                        texts = order_same_day(texts, prev_keys, nxt)
                    for _f, text in texts:
                        writer.add(target_id, service, document,
                                   dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc), text)
                    prev_keys = set(sentences(texts[-1][1]))
    except BaseException:
        fail_import(con, run_id, writer)
        raise
    result = finish_import(con, run_id, writer)
    result["skipped_links"] = [str(p) for p in outside]
    return result
