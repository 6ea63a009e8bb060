"""Matching organisations seen in a trace (CDN, network holder, registrar) to registry targets.

Pure: the mapping (data/host_map.yaml plus the user's files) and the targets' own domains
(from the database, see store_sql.target_urls) come in as data.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from riskaudit.core.errors import UserError

DATA_PATH = Path(__file__).parent / "data" / "host_map.yaml"
_LEGAL = {"inc", "incorporated", "llc", "ltd", "limited", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv",
          "corp", "corporation", "co", "company", "plc", "pte", "srl", "spa", "oy", "ab", "as", "kg", "lp", "llp"}
# second-level labels under which registrations sit one level deeper (co.uk, com.au...)
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "edu", "ac", "ne", "or", "gv"}


def norm_name(name: str | None) -> str:
    words = re.sub(r"[^\w\s]", " ", (name or "").lower()).split()
    while words and words[-1] in _LEGAL:
        words.pop()
    return " ".join(words)


def host_of(url_or_host: str) -> str:
    s = url_or_host.strip()
    if "://" in s:
        s = urlsplit(s).hostname or ""
    return s.lower().strip(".").split(":")[0] if s.count(":") <= 1 else s.lower()


def registrable(host: str) -> str:
    """A heuristic registered domain: last two labels, three under co.uk-style suffixes."""
    labels = host_of(host).split(".")
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def domain_matches(host: str, domain: str) -> bool:
    host, domain = host_of(host), domain.lower().strip(".")
    return host == domain or host.endswith("." + domain)


@dataclass
class MapEntry:
    target: str
    asns: set[int] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)
    domains: list[str] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    source: str = ""


def _entries(items, where: str) -> list[MapEntry]:
    out = []
    for i, e in enumerate(items or [], 1):
        if not isinstance(e, dict) or not e.get("target"):
            raise UserError(f"{where}: entry {i} needs a `target` (registry target id)")
        unknown = set(e) - {"target", "asns", "handles", "domains", "names"}
        if unknown:
            raise UserError(f"{where}: entry {i} ({e['target']}): unknown field(s) {', '.join(sorted(unknown))}")
        try:
            asns = {int(str(a).upper().removeprefix("AS")) for a in e.get("asns") or []}
        except ValueError:
            raise UserError(f"{where}: entry {i} ({e['target']}): asns must be numbers like 13335 or AS13335") from None
        out.append(MapEntry(target=str(e["target"]), asns=asns,
                            handles={str(h).upper() for h in e.get("handles") or []},
                            domains=[str(d).lower().strip(".") for d in e.get("domains") or []],
                            names={norm_name(n) for n in e.get("names") or [] if norm_name(n)}, source=where))
    return out


class HostMap:
    def __init__(self, hosts: list[MapEntry], platforms: list[MapEntry]):
        self.hosts, self.platforms = hosts, platforms

    @classmethod
    def load(cls, extra: list[str | Path] = (), *, builtin: bool = True) -> "HostMap":
        hosts, platforms = [], []
        for path in [*extra, *([DATA_PATH] if builtin else [])]:
            path = Path(path)
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except OSError as exc:
                raise UserError(f"host map {path}: cannot read ({exc.strerror})") from None
            except yaml.YAMLError as exc:
                raise UserError(f"host map {path}: not valid YAML ({str(exc).splitlines()[0]})") from None
            if not isinstance(data, dict):
                raise UserError(f"host map {path}: expected `hosts:` and/or `platforms:` lists")
            hosts += _entries(data.get("hosts"), str(path))
            platforms += _entries(data.get("platforms"), str(path))
        return cls(hosts, platforms)

    def add_target_urls(self, rows: list[tuple[str, str, str]]) -> None:
        """Add (target_id, kind, url) rows from the database: each target's site domains."""
        for target_id, kind, url in rows:
            host = host_of(url or "")
            if not host or "." not in host:
                continue
            dom = registrable(host)
            entries = self.hosts if kind == "host" else self.platforms
            entry = next((e for e in entries if e.target == target_id and e.source == "database"), None)
            if entry is None:
                entry = MapEntry(target=target_id, source="database")
                entries.append(entry)
            if dom not in entry.domains:
                entry.domains.append(dom)
        # A domain several targets' pages live on (google.com: YouTube, Drive, Gemini...) names none.
        claims: dict[str, set[str]] = {}
        for e in self.hosts + self.platforms:
            if e.source == "database":
                for d in e.domains:
                    claims.setdefault(d, set()).add(e.target)
        for e in self.hosts + self.platforms:
            if e.source == "database":
                e.domains = [d for d in e.domains if len(claims[d]) == 1]

    def match_org(self, *, asn: int | None = None, handles=(), domains=(), names=(),
                  known: set[str] | None = None) -> tuple[str, str] | None:
        """(target_id, matched_by) for an organisation; `known` limits to targets that exist."""
        ok = (lambda t: True) if known is None else (lambda t: t in known)  # noqa: E731
        handles = {h.upper() for h in handles if h}
        wanted = {norm_name(n) for n in names if norm_name(n)}
        for how, test in (
            ("asn", lambda e: asn is not None and asn in e.asns),
            ("rdap handle", lambda e: bool(handles & e.handles)),
            ("domain", lambda e: any(domain_matches(d, x) for d in domains if d for x in e.domains)),
            ("name", lambda e: bool(wanted & e.names)),
        ):
            for e in self.hosts:
                if ok(e.target) and test(e):
                    return e.target, how
        return None

    def match_platform(self, host: str, known: set[str] | None = None) -> str | None:
        """The audited service a URL's host belongs to (most specific domain wins)."""
        best, best_len = None, -1
        for e in self.platforms + self.hosts:
            if known is not None and e.target not in known:
                continue
            for d in e.domains:
                if domain_matches(host, d) and len(d) > best_len:
                    best, best_len = e.target, len(d)
        return best


def email_domains(emails: list[str]) -> list[str]:
    return [e.rsplit("@", 1)[1].lower() for e in emails if "@" in e]
