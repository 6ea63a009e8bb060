"""The YAML registry of audit targets: loading and strict validation.

A registry lists the services to audit (`targets`), each with its known policy documents,
optional homepage (start of policy-link discovery) and report channels. Loading validates
everything up front: unknown fields, duplicate ids, non-slug ids, unknown kinds and non-http(s)
URLs are rejected with a `RegistryError` naming the file, the line, the target (id or index) and
the field.

Hostile or broken files are refused before they can cost anything: files over
MAX_REGISTRY_BYTES, YAML anchors and aliases (a "billion laughs" alias bomb of a few hundred bytes
expands to gigabytes; a registry never needs them), duplicate keys in any mapping (YAML would
silently keep the last one), and URLs a crawl could not use (bad port, broken IPv6 literal,
blanks or control characters).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from riskaudit.core.errors import UserError
from riskaudit.core.vocab import REGISTRY_CHANNEL_KINDS as CHANNEL_KINDS
from riskaudit.core.vocab import TARGET_KINDS

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
JURISDICTION_RE = re.compile(r"^[A-Za-z0-9_-]{2,16}$")

_TARGET_FIELDS = {"id", "name", "kind", "jurisdictions", "homepage", "documents", "report_channels"}
_DOC_FIELDS = {"type", "url", "js"}
_CHANNEL_FIELDS = {"kind", "url"}


_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)   # libyaml when available (big registries)
MAX_REGISTRY_BYTES = 5 * 1024 * 1024     # the real registry of ~100 services is ~60 KB


class _Map(dict):
    """A YAML mapping that remembers the (1-based) line it starts on and the line of each key."""
    line: int | None = None
    key_lines: dict


class _Loader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """Safe loader: mappings keep their line and a duplicate key is an error."""


def _construct_map(loader, node):
    data = _Map()
    data.line = node.start_mark.line + 1
    data.key_lines = {}
    yield data
    if not isinstance(node, yaml.MappingNode):
        return
    seen: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise _DuplicateKey(key_node.start_mark.line + 1, f"a mapping key must be text, got {key!r}") from None
        if key in seen:
            raise _DuplicateKey(key_node.start_mark.line + 1,
                                f"duplicate key {key!r} (first given at line {seen[key]}); give each field once")
        seen[key] = data.key_lines[key] = key_node.start_mark.line + 1
        data[key] = loader.construct_object(value_node, deep=True)


class _DuplicateKey(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)


class RegistryError(UserError):
    """The registry file cannot be read or is invalid; the message says where and what to fix."""


@dataclass(frozen=True)
class DocumentRef:
    type: str
    url: str
    js: bool = False


@dataclass(frozen=True)
class Channel:
    kind: str
    url: str


@dataclass(frozen=True)
class Target:
    id: str
    name: str
    kind: str
    jurisdictions: list[str] = field(default_factory=list)
    homepage: str | None = None
    documents: list[DocumentRef] = field(default_factory=list)
    report_channels: list[Channel] = field(default_factory=list)


@dataclass(frozen=True)
class Registry:
    path: str
    sha256: str
    targets: list[Target]

    def select(self, target_ids: list[str] | None) -> list[Target]:
        """The targets with these ids (all when None); an unknown id is a RegistryError."""
        if not target_ids:
            return list(self.targets)
        known = {t.id: t for t in self.targets}
        missing = [i for i in target_ids if i not in known]
        if missing:
            raise RegistryError(
                f"{self.path}: unknown target id(s) {', '.join(missing)}; "
                f"known ids: {', '.join(sorted(known)) or '(none)'}")
        return [known[i] for i in target_ids]


def _at(path: str, entry, key: str | None = None) -> str:
    """`path:line` of a mapping (or of one of its keys), `path` when the line is unknown."""
    line = getattr(entry, "key_lines", {}).get(key) if key else None
    line = line or getattr(entry, "line", None)
    return f"{path}:{line}" if line else path


def _check_url(value, where: str, *, allow_mailto: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RegistryError(f"{where}: must be a URL string, got {value!r}")
    value = value.strip()
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7f for ch in value):
        raise RegistryError(f"{where}: {value!r} contains blanks or control characters; percent-encode them")
    try:
        parts = urlsplit(value)
        parts.port                     # raises ValueError for a port outside 0..65535 or not a number
    except ValueError as exc:
        raise RegistryError(f"{where}: {value!r} is not a valid URL ({exc}); fix the host or port") from None
    if allow_mailto and parts.scheme == "mailto":
        if "@" not in parts.path:
            raise RegistryError(f"{where}: mailto: URL {value!r} has no e-mail address")
        return value
    if parts.scheme not in ("http", "https") or not parts.hostname:
        allowed = "http(s):// or mailto:" if allow_mailto else "http(s)://"
        raise RegistryError(f"{where}: {value!r} is not a valid URL; use an absolute {allowed} URL")
    return value


def _check_fields(entry, allowed: set[str], required: tuple[str, ...], where: str) -> None:
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: must be a mapping (key: value), got {type(entry).__name__}")
    unknown = sorted(set(map(str, entry)) - allowed)
    if unknown:
        raise RegistryError(
            f"{where}: unknown field(s) {', '.join(unknown)}; allowed fields: {', '.join(sorted(allowed))}")
    for name in required:
        if entry.get(name) in (None, ""):
            raise RegistryError(f"{where}: missing required field '{name}'")


def _check_slug(value, where: str) -> str:
    if not isinstance(value, str) or not SLUG_RE.match(value):
        raise RegistryError(
            f"{where}: {value!r} is not a slug; use lowercase letters, digits, '-' and '_' "
            "(starting with a letter or digit)")
    return value


def _parse_document(entry, where: str, url_where: str | None = None) -> DocumentRef:
    _check_fields(entry, _DOC_FIELDS, ("type", "url"), where)
    js = entry.get("js", False)
    if not isinstance(js, bool):
        raise RegistryError(f"{where}: 'js' must be true or false, got {js!r}")
    return DocumentRef(type=_check_slug(entry["type"], f"{where}: 'type'"),
                       url=_check_url(entry["url"], f"{url_where or where}: 'url'"), js=js)


def _parse_channel(entry, where: str, url_where: str | None = None) -> Channel:
    _check_fields(entry, _CHANNEL_FIELDS, ("kind", "url"), where)
    kind = entry["kind"]
    if kind not in CHANNEL_KINDS:
        raise RegistryError(f"{where}: 'kind' {kind!r} is not one of {', '.join(CHANNEL_KINDS)}")
    return Channel(kind=kind, url=_check_url(entry["url"], f"{url_where or where}: 'url'", allow_mailto=True))


def _list_field(entry: dict, name: str, where: str) -> list:
    value = entry.get(name)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RegistryError(f"{where}: field '{name}' must be a list, got {type(value).__name__}")
    return value


def _parse_target(entry, index: int, path: str) -> Target:
    label = f"target {entry.get('id')!r}" if isinstance(entry, dict) and entry.get("id") else f"target #{index + 1}"
    where = f"{_at(path, entry)}: {label}"
    _check_fields(entry, _TARGET_FIELDS, ("id", "name", "kind"), where)
    target_id = _check_slug(entry["id"], f"{where}: field 'id'")
    name = entry["name"]
    if not isinstance(name, str):
        raise RegistryError(f"{where}: field 'name' must be text, got {name!r}")
    kind = entry["kind"]
    if kind not in TARGET_KINDS:
        raise RegistryError(f"{where}: field 'kind' {kind!r} is not one of {', '.join(TARGET_KINDS)}")
    jurisdictions = []
    for j, value in enumerate(_list_field(entry, "jurisdictions", where)):
        if not isinstance(value, str) or not JURISDICTION_RE.match(value):
            raise RegistryError(f"{where}: field 'jurisdictions[{j}]' {value!r} is not a code like US, EU, UK")
        jurisdictions.append(value)
    homepage = entry.get("homepage")
    if homepage is not None:
        homepage = _check_url(homepage, f"{_at(path, entry, 'homepage')}: {label}: field 'homepage'")
    documents = [_parse_document(d, f"{_at(path, d)}: {label}: field 'documents[{i}]'",
                                 f"{_at(path, d, 'url')}: {label}: field 'documents[{i}]'")
                 for i, d in enumerate(_list_field(entry, "documents", where))]
    channels = [_parse_channel(c, f"{_at(path, c)}: {label}: field 'report_channels[{i}]'",
                               f"{_at(path, c, 'url')}: {label}: field 'report_channels[{i}]'")
                for i, c in enumerate(_list_field(entry, "report_channels", where))]
    if not documents and not homepage and not channels:
        raise RegistryError(f"{where}: nothing to crawl; give 'documents', 'homepage' or 'report_channels'")
    return Target(id=target_id, name=name.strip(), kind=kind, jurisdictions=jurisdictions,
                  homepage=homepage, documents=documents, report_channels=channels)


def parse_registry(text: str, path: str = "<registry>") -> Registry:
    """Validate registry YAML `text` (named `path` in messages)."""
    if len(text) > MAX_REGISTRY_BYTES:
        raise RegistryError(f"{path}: registry is larger than {MAX_REGISTRY_BYTES // (1024 * 1024)} MB; "
                            "split it or remove what is not a target")
    try:
        for event in yaml.parse(text, Loader=_BASE_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise RegistryError(
                    f"{path}:{event.start_mark.line + 1}: YAML anchors and aliases (&name, *name) are not allowed "
                    "in a registry; write the value out in full")
        data = yaml.load(text, Loader=_Loader)
    except _DuplicateKey as exc:
        raise RegistryError(f"{path}:{exc.line}: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else path
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context = getattr(exc, "context_mark", None)
        if context is not None and mark is not None and context.line != mark.line:
            problem += f" ({getattr(exc, 'context', None) or 'opened'} at line {context.line + 1})"
        raise RegistryError(f"{where}: YAML syntax error: {problem}; fix the indentation/quoting there") from None
    if not isinstance(data, dict) or "targets" not in data:
        raise RegistryError(f"{path}: expected a top-level 'targets:' list")
    unknown = sorted(set(map(str, data)) - {"targets"})
    if unknown:
        raise RegistryError(f"{path}: unknown top-level field(s) {', '.join(unknown)}; only 'targets' is allowed")
    entries = data["targets"]
    if not isinstance(entries, list) or not entries:
        raise RegistryError(f"{path}: 'targets' must be a non-empty list")
    targets: list[Target] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        target = _parse_target(entry, index, path)
        if target.id in seen:
            raise RegistryError(
                f"{path}: target #{index + 1}: duplicate id {target.id!r} (already used by target #{seen[target.id] + 1}); ids must be unique")
        seen[target.id] = index
        targets.append(target)
    return Registry(path=path, sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(), targets=targets)


def load_registry(path: str | Path) -> Registry:
    """Read and validate the registry file at `path`."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_REGISTRY_BYTES:
            raise RegistryError(f"{path}: registry is larger than {MAX_REGISTRY_BYTES // (1024 * 1024)} MB; "
                                "split it or remove what is not a target")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegistryError(f"{path}: registry file not found; pass an existing YAML file") from None
    except OSError as exc:
        raise RegistryError(f"{path}: cannot read registry: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RegistryError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    registry = parse_registry(text, str(path))
    return Registry(path=str(path), sha256=hashlib.sha256(raw).hexdigest(), targets=registry.targets)
