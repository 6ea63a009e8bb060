"""Folders of policy files → `Document`s, and the `service,kind` table for `score-files`.

Layout: `DIR/<service>/<files>`; `.md`, `.markdown`, `.txt`, `.html`, `.htm` and `.pdf` files are
read (through `riskaudit.extract.extract_file`), other files are ignored. Also reads the
`service,kind` CSV that names each service's kind. The document name is
the file name (e.g. "Terms of Service.md"); the service name is the folder name.
A symbolic link (folder or file) that resolves outside the given folder is not followed: it is
left out and reported (`outside`), so a corpus cannot make the tool read files it was not given.
"""
from __future__ import annotations

import csv
from pathlib import Path

from audits.model import Document
from riskaudit import extract
from riskaudit.core.errors import UserError
from riskaudit.core.vocab import DOCUMENT_SUFFIXES as SUFFIXES
from riskaudit.core.vocab import TARGET_KINDS as KINDS


def outside_root(root: Path, path: Path) -> bool:
    """True when `path` (a link, or under one) resolves outside the folder `root`."""
    try:
        real = path.resolve(strict=False)
        base = root.resolve(strict=False)
    except (OSError, RuntimeError):          # a link loop
        return True
    return real != base and base not in real.parents


def _read_text(path: Path) -> str:
    return extract.extract_file(path).text


def load_service_dir(folder: Path, skipped: list[tuple[Path, str]] | None = None, *,
                     root: Path | None = None, outside: list[Path] | None = None) -> list[Document]:
    """Every supported file directly inside `folder`, as Documents sorted by file name.

    A file that cannot be read raises UserError, or, when `skipped` is a list, is recorded there
    as (path, reason) and left out so the other files are still scored. A link resolving outside
    `root` (default: `folder`) is left out and appended to `outside`.
    """
    docs = []
    root = folder if root is None else root
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.suffix.lower() in SUFFIXES and not path.name.startswith(".") and outside_root(root, path):
            if outside is not None:
                outside.append(path)
            continue
        if path.is_file() and path.suffix.lower() in SUFFIXES and not path.name.startswith("."):
            try:
                text = _read_text(path)
            except UserError as exc:
                if skipped is None:
                    raise
                skipped.append((path, str(exc)))
                continue
            docs.append(Document(name=path.name, text=text, url=None, doc_type=None))
    return docs


def read_kinds(path: Path) -> dict[str, str]:
    """`service,kind` CSV → {service: kind}; errors name the file and line."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{path}: kinds file not found (expected a CSV with header 'service,kind')") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"{path}: cannot read kinds file: {exc}") from None
    rows = list(csv.reader(raw.splitlines()))
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["service", "kind"]:
        raise UserError(f"{path}:1: missing header: the first line must be 'service,kind'")
    kinds: dict[str, str] = {}
    for lineno, row in enumerate(rows[1:], start=2):
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) < 2:
            raise UserError(f"{path}:{lineno}: expected 'service,kind', got {','.join(row)!r}")
        service, kind = row[0].strip(), row[1].strip()
        if not service:
            raise UserError(f"{path}:{lineno}: empty service name")
        if kind not in KINDS:
            raise UserError(f"{path}:{lineno}: unknown kind {kind!r} for {service!r}; use one of {', '.join(KINDS)}")
        if service in kinds and kinds[service] != kind:
            raise UserError(f"{path}:{lineno}: service {service!r} listed twice with different kinds")
        kinds[service] = kind
    return kinds


def load_corpus(root: Path, kinds_path: Path, only: set[str] | None = None,
                skipped: list[tuple[Path, str]] | None = None,
                outside: list[Path] | None = None) -> list[tuple[str, str, list[Document]]]:
    """(service, kind, documents) for every service folder of `root`, sorted by service name.

    Every service folder must have a kind in the kinds file (an error otherwise, naming the
    folder and the file); kinds-file rows without a folder are ignored. Unreadable files: see
    `load_service_dir`. Links out of `root` are left out and appended to `outside`.
    """
    if not root.is_dir():
        raise UserError(f"{root}: not a directory (expected DIR/<service>/<files>)")
    kinds = read_kinds(kinds_path)
    out = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda p: p.name):
        if outside_root(root, folder):
            if outside is not None:
                outside.append(folder)
            continue
        service = folder.name
        if only is not None and service not in only:
            continue
        if service not in kinds:
            raise UserError(f"{folder}: service {service!r} has no kind in {kinds_path}: add a line '{service},<kind>'")
        out.append((service, kinds[service], load_service_dir(folder, skipped, root=root, outside=outside)))
    return out
