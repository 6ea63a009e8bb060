"""Import an Open Terms Archive *versions* git repository: every recorded version becomes a dated document.

Layout: `<Service>/<Terms type>.md`, one commit per recorded change. The whole history is read in
one `git log --raw -z` pass (commit hash, committer date, changed blobs) plus one long-lived
`git cat-file --batch` process for the blob contents, streamed in commit order (flat memory).
The version date is the committer date (`%cI`), stored in UTC. Deleting a file does not remove
the document from later states (the archive stops recording it; see docs/changes.md).
A file name that is not UTF-8 cannot be a service or document name: it is left out (the rest
of the archive is imported) and listed in the result's `skipped_names` (shown escaped).
"""
from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path
from typing import Iterator

import duckdb

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
from riskaudit.store.targets import upsert_target

_GIT = ["git", "-c", "core.quotepath=off"]


def _git(path: Path, *args: str) -> str:
    try:
        proc = subprocess.run([*_GIT, "-C", str(path), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise UserError("git is not installed: install git to import an Open Terms Archive repository") from None
    if proc.returncode != 0:
        raise UserError(f"{path}: git {' '.join(args)} failed: {proc.stderr.strip() or proc.returncode}")
    return proc.stdout


def check_repo(path: str | Path) -> Path:
    """The repository's top folder; not a git repository (or no commits) → UserError."""
    path = Path(path)
    if not path.is_dir():
        raise UserError(f"{path} is not a folder: give the path of a cloned Open Terms Archive versions repository")
    try:
        proc = subprocess.run([*_GIT, "-C", str(path), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    except FileNotFoundError:
        raise UserError("git is not installed: install git to import an Open Terms Archive repository") from None
    if proc.returncode != 0:
        raise UserError(f"{path} is not a git repository: clone an Open Terms Archive versions repository "
                        f"(e.g. `git clone https://github.com/OpenTermsArchive/pga-versions`) and give its path")
    top = Path(proc.stdout.strip())
    if top.resolve() != path.resolve():
        raise UserError(f"{path} is inside the git repository {top} but is not its top folder: give {top} "
                        f"(an OTA versions repository has <Service>/<Terms type>.md at its top)")
    head = subprocess.run([*_GIT, "-C", str(top), "rev-parse", "--verify", "-q", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        raise UserError(f"{path}: the git repository has no commits")
    return top


def _bad_name(path: str) -> bool:
    """True when `path` came from bytes that are not UTF-8 (decoded with surrogateescape)."""
    return any("\udc80" <= ch <= "\udcff" for ch in path)


def shown_name(path: str) -> str:
    """A name decoded with surrogateescape, with its undecodable bytes shown as \\xNN."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def list_services(top: Path, bad_names: set[str] | None = None) -> list[str]:
    """Service folders holding at least one .md file anywhere in the history (paths that are not
    UTF-8 are left out, and added to `bad_names` shown escaped)."""
    try:
        proc = subprocess.run([*_GIT, "-C", str(top), "log", "--format=", "--name-only", "--no-renames", "-z"],
                              capture_output=True, check=False)
    except FileNotFoundError:
        raise UserError("git is not installed: install git to import an Open Terms Archive repository") from None
    if proc.returncode != 0:
        raise UserError(f"{top}: git log failed: {proc.stderr.decode('utf-8', 'replace').strip() or proc.returncode}")
    services = set()
    for p in proc.stdout.decode("utf-8", "surrogateescape").replace("\n", "").split("\0"):
        if p.count("/") == 1 and p.endswith(".md"):
            if _bad_name(p):
                if bad_names is not None:
                    bad_names.add(shown_name(p))
                continue
            services.add(p.split("/", 1)[0])
    return sorted(services)


def _tokens(stream) -> Iterator[str]:
    """NUL-separated tokens of a byte stream, decoded (undecodable bytes kept as surrogates), read in chunks."""
    buf = b""
    while True:
        chunk = stream.read(1 << 16)
        if not chunk:
            break
        buf += chunk
        parts = buf.split(b"\0")
        buf = parts.pop()
        for p in parts:
            yield p.decode("utf-8", "surrogateescape")
    if buf:
        yield buf.decode("utf-8", "surrogateescape")


def iter_versions(top: Path, services: list[str] | None = None,
                  bad_names: set[str] | None = None) -> Iterator[tuple[str, str, dt.datetime, str, str]]:
    """Yield (commit, path, committer date UTC, blob sha, status) for every added/modified `<Service>/<Type>.md`,
    oldest first; a path that is not UTF-8 is skipped (and added to `bad_names`, shown escaped)."""
    pathspecs = [f"{s}/" for s in services] if services else []
    cmd = [*_GIT, "-C", str(top), "log", "--reverse", "--no-renames", "--raw", "--no-abbrev", "-z",
           "--format=%x01%H%x02%cI", "--", *pathspecs]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    commit, when, pending = None, None, None
    try:
        for tok in _tokens(proc.stdout):
            tok = tok.lstrip("\n")
            if pending is not None:
                path = tok
                blob, status = pending
                pending = None
                if status in ("A", "M", "T") and path.count("/") == 1 and path.endswith(".md"):
                    if _bad_name(path):
                        if bad_names is not None:
                            bad_names.add(shown_name(path))
                        continue
                    yield commit, path, when, blob, status
                continue
            if tok.startswith("\x01"):
                commit, date_s = tok[1:].split("\x02", 1)
                when = dt.datetime.fromisoformat(date_s.strip()).astimezone(dt.timezone.utc)
            elif tok.startswith(":"):
                fields = tok[1:].split()
                pending = (fields[3], fields[4][:1])
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        if proc.wait() != 0:
            raise UserError(f"{top}: git log failed: {err.strip()}")


class BlobReader:
    """One `git cat-file --batch` process answering blob contents by sha."""

    def __init__(self, top: Path):
        self.proc = subprocess.Popen([*_GIT, "-C", str(top), "cat-file", "--batch"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def read(self, sha: str) -> bytes:
        self.proc.stdin.write(sha.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) < 3 or header[1] == b"missing":
            raise UserError(f"git object {sha} is missing from the repository: is the clone complete (not shallow)?")
        size = int(header[2])
        data = self.proc.stdout.read(size)
        self.proc.stdout.read(1)
        return data

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait()
        self.proc.stdout.close()


def import_ota(con: duckdb.DuckDBPyConnection, path: str | Path, *, kinds_path: str | Path | None = None,
               services: list[str] | None = None, default_kind: str | None = None) -> dict:
    """Import every version of every selected service; return counts (and scoring stats)."""
    top = check_repo(path)
    bad_names: set[str] = set()
    available = list_services(top, bad_names)
    if services:
        by_fold = {s.casefold(): s for s in available}
        unknown = [s for s in services if s.casefold() not in by_fold]
        if unknown:
            raise UserError(f"{top}: no such service folder: {', '.join(unknown)}; available: "
                            f"{', '.join(available) or 'none'}")
        selected = sorted({by_fold[s.casefold()] for s in services})
    else:
        selected = available
    if not selected:
        raise UserError(f"{top}: no `<Service>/<Terms type>.md` files in the history: is this an OTA *versions* repository?")
    kinds = resolve_kinds(con, selected, load_kinds(kinds_path), default_kind, kinds_path)
    for service in selected:
        upsert_target(con, slugify(service), service, kinds[service])
    run_id = begin_import(con, "import-ota", top, {"services": selected, "kinds": str(kinds_path) if kinds_path else None})
    writer = DocumentWriter(con, run_id, "ota", [slugify(x) for x in selected])
    blobs = BlobReader(top)
    wanted = set(selected)
    try:
        for _commit, rel, when, blob, _status in iter_versions(top, selected if services else None, bad_names):
            service, fname = rel.split("/", 1)
            if service not in wanted:
                continue
            text = blobs.read(blob).decode("utf-8", "replace")
            writer.add(slugify(service), service, fname[:-3], when, text)
    except BaseException:
        blobs.close()
        fail_import(con, run_id, writer)
        raise
    blobs.close()
    result = finish_import(con, run_id, writer)
    result["skipped_names"] = sorted(bad_names)
    return result
