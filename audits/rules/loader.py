"""Reading the rules folder: YAML with line numbers, concept compilation, rule-file validation.

Every problem is reported as one line `FILE:LINE: FIELD: message` (`RuleError`), so that a
policy analyst editing a rule file sees where to look.
"""
from __future__ import annotations

import hashlib
import re
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from audits.rules.phrases import BOUNDARIES, PhraseError, literals, to_regex

PACKAGE_DIR = Path(__file__).resolve().parent
LANGUAGES = ("en", "fr", "de", "zh")          # the order in which language files are joined


class RuleError(ValueError):
    """A malformed rule or concept file: `file:line: field: message`."""

    def __init__(self, file: Path | str, line: int | None, fieldname: str, message: str):
        self.file, self.line, self.field, self.message = str(file), line, fieldname, message
        super().__init__(f"{file}:{line or 1}: {fieldname}: {message}")


# ------------------------------------------------------------------ YAML with line numbers

class Located:
    """Line numbers of the values of a YAML document, by path (tuple of keys/indices)."""

    def __init__(self, file: Path, lines: dict[tuple, int]):
        self.file, self.lines = file, lines

    def line(self, *path) -> int:
        p = tuple(path)
        while p and p not in self.lines:
            p = p[:-1]
        return self.lines.get(p, 1)

    def error(self, path: tuple, fieldname: str, message: str) -> RuleError:
        return RuleError(self.file, self.line(*path), fieldname, message)


def load_yaml(path: Path) -> tuple[Any, Located]:
    text = path.read_text(encoding="utf-8")
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(path, mark.line + 1 if mark else 1, "yaml", str(getattr(exc, "problem", exc))) from None
    lines: dict[tuple, int] = {}

    def walk(n, p):
        lines[p] = n.start_mark.line + 1
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = k.value
                lines[p + (key,)] = k.start_mark.line + 1
                walk(v, p + (key,))
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                walk(v, p + (i,))
    if node is None:
        return None, Located(path, {})
    walk(node, ())
    loader = yaml.SafeLoader("")
    try:
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    return data, Located(path, lines)


# ------------------------------------------------------------------ concepts

@dataclass
class Concept:
    name: str
    about: str = ""
    boundary: str = "word"
    case: str = "insensitive"
    each: bool = False
    like: str | None = None
    except_: list[str] = field(default_factory=list)
    # (file, line, phrase text or None, regex source) in language order
    phrases: list[tuple[str, int, str | None, str | None]] = field(default_factory=list)
    defined_in: tuple[str, int] = ("", 0)


_CONCEPT_KEYS = {"about", "boundary", "case", "each", "like", "except", "phrases"}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def read_concepts(rules_dir: Path) -> tuple[dict[str, Concept], list[Located]]:
    folder = rules_dir / "concepts"
    if not folder.is_dir():
        raise RuleError(folder, None, "concepts", "folder missing (expected concepts/en.yaml, ...)")
    files = sorted(folder.glob("*.yaml"), key=lambda p: (LANGUAGES.index(p.stem) if p.stem in LANGUAGES else 99, p.name))
    concepts: dict[str, Concept] = {}
    located = []
    for path in files:
        data, loc = load_yaml(path)
        located.append(loc)
        if not isinstance(data, dict):
            raise loc.error((), "concepts", "the file must be a mapping with 'language' and 'concepts'")
        unknown = set(data) - {"language", "concepts"}
        if unknown:
            k = sorted(unknown)[0]
            raise loc.error((k,), k, "unknown field (expected language, concepts)")
        if data.get("language") != path.stem:
            raise loc.error(("language",), "language", f"must be {path.stem!r} (the file name)")
        body = data.get("concepts") or {}
        if not isinstance(body, dict):
            raise loc.error(("concepts",), "concepts", "must be a mapping of concept names")
        for name, spec in body.items():
            where = ("concepts", name)
            if not isinstance(name, str) or not _NAME.match(name):
                raise loc.error(where, "concepts", f"bad concept name {name!r} (lower-case letters, digits, _)")
            if not isinstance(spec, dict):
                raise loc.error(where, name, "must be a mapping with 'phrases'")
            for k in spec:
                if k not in _CONCEPT_KEYS:
                    raise loc.error(where + (k,), f"{name}.{k}", f"unknown field (expected {', '.join(sorted(_CONCEPT_KEYS))})")
            c = concepts.get(name)
            if c is None:
                c = concepts[name] = Concept(name, defined_in=(str(path), loc.line(*where)))
                c.about = str(spec.get("about", ""))
                b = spec.get("boundary", "word")
                if b not in BOUNDARIES:
                    raise loc.error(where + ("boundary",), f"{name}.boundary", f"{b!r}: expected one of {', '.join(BOUNDARIES)}")
                c.boundary = b
                cs = spec.get("case", "insensitive")
                if cs not in ("insensitive", "sensitive"):
                    raise loc.error(where + ("case",), f"{name}.case", "expected insensitive or sensitive")
                c.case = cs
                c.each = bool(spec.get("each", False))
                c.like = spec.get("like")
                ex = spec.get("except", []) or []
                if not isinstance(ex, list) or not all(isinstance(x, str) for x in ex):
                    raise loc.error(where + ("except",), f"{name}.except", "must be a list of phrases")
                c.except_ = ex
            else:
                for k in ("boundary", "case", "each", "like", "except"):
                    if k in spec:
                        raise loc.error(where + (k,), f"{name}.{k}", f"set where the concept is first defined ({c.defined_in[0]}:{c.defined_in[1]})")
            phrases = spec.get("phrases", [])
            if phrases is None or not isinstance(phrases, list):
                raise loc.error(where + ("phrases",), f"{name}.phrases", "must be a list")
            if not phrases and not c.like and name not in body:
                raise loc.error(where, f"{name}.phrases", "no phrases")
            for i, ph in enumerate(phrases):
                line = loc.line(*where, "phrases", i)
                if isinstance(ph, str) and ph.strip():
                    c.phrases.append((str(path), line, ph, None))
                elif isinstance(ph, dict) and set(ph) == {"regex"} and isinstance(ph["regex"], str):
                    c.phrases.append((str(path), line, None, ph["regex"]))
                else:
                    raise loc.error(where + ("phrases", i), f"{name}.phrases[{i}]", "a phrase is a non-empty string, or {regex: ...}")
    return concepts, located


@dataclass
class CompiledConcepts:
    patterns: dict[str, re.Pattern]
    parts: dict[str, list[re.Pattern]]            # concepts with `each: true`
    sources: dict[str, list[tuple[str, int, str | None, str]]]   # (file, line, phrase, regex)
    inline: dict[str, str]                        # "(?:...)" form used by {name}
    literals: dict[str, set[str] | None]         # pre-filter literals per concept


def compile_concepts(concepts: dict[str, Concept]) -> CompiledConcepts:
    inline: dict[str, str] = {}
    sources: dict[str, list] = {}
    resolving: list[str] = []

    def phrase_regexes(name: str) -> list[tuple[str, int, str | None, str]]:
        if name in sources:
            return sources[name]
        if name in resolving:
            raise RuleError(concepts[name].defined_in[0], concepts[name].defined_in[1], name, "refers to itself through {" + "} {".join(resolving) + "}")
        c = concepts.get(name)
        if c is None:
            raise KeyError(name)
        resolving.append(name)
        out = []
        if c.like:
            if c.like not in concepts:
                raise RuleError(c.defined_in[0], c.defined_in[1], f"{name}.like", f"unknown concept {c.like!r}")
            excluded = {to_regex(x, _Macros()) for x in c.except_}
            base = [s for s in phrase_regexes(c.like) if s[3] not in excluded]
            out.extend(base)
        for file, line, ph, rx in c.phrases:
            if ph is not None:
                try:
                    rx = to_regex(ph, _Macros())
                except PhraseError as exc:
                    raise RuleError(file, line, f"{name}.phrases", f"{ph!r}: {exc}") from None
                except KeyError as exc:
                    raise RuleError(file, line, f"{name}.phrases", f"{ph!r}: unknown concept {{{exc.args[0]}}}") from None
            else:
                try:
                    re.compile(rx)
                except re.error as exc:
                    raise RuleError(file, line, f"{name}.phrases", f"regex {rx!r} does not compile: {exc}") from None
            out.append((file, line, ph, rx))
        resolving.pop()
        sources[name] = out
        return out

    class _Macros(dict):
        def __contains__(self, key):
            return key in concepts

        def __getitem__(self, key):
            if key not in inline:
                inline[key] = "(?:" + "|".join(s[3] for s in phrase_regexes(key)) + ")"
            return inline[key]

    patterns: dict[str, re.Pattern] = {}
    parts: dict[str, list[re.Pattern]] = {}
    lits: dict[str, set[str] | None] = {}
    for name, c in concepts.items():
        srcs = phrase_regexes(name)
        flags = re.I if c.case == "insensitive" else 0
        before, after = BOUNDARIES[c.boundary]
        if c.boundary == "none" and len(srcs) > 1 and not c.each:
            # a plain alternation; same matches as the grouped form
            pattern = "|".join(s[3] for s in srcs)
        else:
            pattern = before + "|".join(s[3] for s in srcs) + after
        try:
            patterns[name] = re.compile(pattern, flags)
        except re.error as exc:
            raise RuleError(c.defined_in[0], c.defined_in[1], name, f"does not compile: {exc}") from None
        if c.each:
            parts[name] = [re.compile(s[3], flags) for s in srcs]
        # pre-filter literals: one of them occurs in every text the concept matches
        sets = []
        for file, line, ph, rx in srcs:
            sets.append(_phrase_literals(ph, concepts) if ph is not None else None)
        lits[name] = None if (not sets or any(s is None for s in sets)) else set().union(*sets)
    return CompiledConcepts(patterns, parts, sources, inline, lits)


def _phrase_literals(ph: str, concepts: dict[str, Concept]) -> set[str] | None:
    # a {concept} reference breaks a literal run (its own literals are not needed here)
    return literals(re.sub(r"\{[a-z][a-z0-9_]*\}", "<word>", ph))


# ------------------------------------------------------------------ version

def rules_files(rules_dir: Path) -> list[Path]:
    """The files whose content decides the audit: concept files and element rule files."""
    files = sorted((rules_dir / "concepts").glob("*.yaml"))
    files += sorted(p for p in (rules_dir / "elements").glob("*.yaml") if not p.name.endswith(".cases.yaml"))
    return files


def compute_version(rules_dir: Path, rubric_file: Path) -> str:
    h = hashlib.sha256()
    for p in [rubric_file, *rules_files(rules_dir), PACKAGE_DIR / "hooks.py"]:
        name = "rubric.yaml" if p == rubric_file else ("hooks.py" if p.name == "hooks.py" and p.parent == PACKAGE_DIR else p.relative_to(rules_dir).as_posix())
        h.update(name.encode() + b"\0")
        h.update(p.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()[:16]


def namespace(patterns: dict[str, re.Pattern], parts: dict[str, list[re.Pattern]]) -> types.SimpleNamespace:
    ns = types.SimpleNamespace(**patterns)
    ns._parts = parts
    return ns
