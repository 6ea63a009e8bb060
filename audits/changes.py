"""Change tracking: document versions, sentence diffs, element states over time, flips, timelines.

Method (see docs/changes.md):
- Observations are `documents` rows of finished crawl and import runs. A document (keyed by URL,
  else name) gets a new *version* whenever its extracted-text hash changes.
- A *state point* is a crawl run (its start), an OTA commit time, or a dated-folder date. The
  state of a service at a point is the latest version (at or before it) of each of its documents.
- A state is scored with the engine (`score_fn`, default `audits.engine.audit_target`) only when
  some document's *normalised sentence set* changed at that point; formatting-only versions are
  recorded ("no textual change") but never re-scored, so they cannot flip anything.
- Consecutive scored states whose decisions differ produce *flips*, attributed to the document(s)
  that changed at that point, with the quote responsible: the new evidence for not met → met,
  the previous evidence that disappeared for met → not met.

This module is the pure part: `compute_target` turns one target's observations into versions,
changes, scored states and flips. `riskaudit.stages.history` reads the observations from the
store, runs it (in parallel over targets) and writes the derived tables back.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Callable

from audits import rubric
from audits.model import Document, TargetResult
from audits.versions import document_key, norm_sha256, quote_key, sentence_diff, sentences
from riskaudit.core.clock import to_utc as _utc
from riskaudit.core.errors import UserError

ScoreFn = Callable[..., TargetResult]
_OWN_FILES = {"versions.py", "changes.py"}


# ---------------------------------------------------------------- engine identity

def _default_score_fn() -> ScoreFn:
    from audits.engine import audit_target
    return audit_target


def _rules_version() -> str:
    """Hash of rubric.yaml + the rules folder (not of Python sources): a rule edit triggers re-scoring."""
    from audits.rules import rules_version
    return rules_version()


def engine_fingerprint(score_fn: ScoreFn | None = None) -> str:
    """Identity of the scorer: the default engine is identified by the rubric version and the
    rules version (hash of rubric.yaml + the rules folder, `audits.rules.rules_version`)."""
    if score_fn is None or score_fn is _default_score_fn():
        return f"engine:rubric{rubric.RUBRIC_VERSION}:rules:{_rules_version()}"
    return f"fn:{getattr(score_fn, '__module__', '?')}.{getattr(score_fn, '__qualname__', repr(score_fn))}"


def parse_since(since: Any) -> dt.date | None:
    """`--since` value (ISO date, or a date) → date; a bad value is a UserError."""
    if since is None or since == "":
        return None
    if isinstance(since, dt.datetime):
        return _utc(since).date()
    if isinstance(since, dt.date):
        return since
    try:
        return dt.date.fromisoformat(str(since)[:10])
    except ValueError:
        raise UserError(f"--since {since!r} is not a date: use YYYY-MM-DD, e.g. --since 2026-01-31") from None


def _state_sha(kind: str, current: dict[str, dict]) -> str:
    h = hashlib.sha256(kind.encode())
    for key in sorted(current):
        h.update(f"\n{key}\t{current[key]['sha']}".encode())
    return h.hexdigest()


def _decisions(result: TargetResult, key_of_id: dict[int, str], key_of_name: dict[str, str],
               name_of_key: dict[str, str]) -> dict[str, tuple]:
    out = {}
    for el in rubric.ELEMENT_IDS:
        res = result.elements.get(el)
        if res is None:
            out[el] = (None, (), ())
            continue
        quotes, docs = [], []
        for ev in res.evidence:
            key = key_of_id.get(ev.document_id) if ev.document_id is not None else None
            key = key or key_of_name.get(ev.document) or ev.document
            quotes.append(ev.quote)
            docs.append(name_of_key.get(key, ev.document))
        out[el] = (res.met, tuple(quotes), tuple(docs))
    return out


def _pick_quote(quotes: tuple, docs: tuple, sentence_keys: dict[str, set[str]]) -> tuple[str | None, str | None, bool]:
    """(quote, document, matched): the evidence quote that is part of a changed sentence (of its
    document when known), else the first quote with matched=False."""
    for quote, doc in zip(quotes, docs):
        qk = quote_key(quote)
        pools = [sentence_keys[doc]] if doc in sentence_keys else list(sentence_keys.values())
        for pool in pools:
            if any(qk and (qk in s or (len(s) >= 20 and s in qk)) for s in pool):
                return quote, doc, True
    if quotes:
        return quotes[0], docs[0], False
    return None, None, False


def compute_target(target_id: str, service: str, kind: str, groups: list, cache: dict, score_fn: ScoreFn | None,
                   fp: str) -> tuple[dict[str, list[tuple]], dict[str, int]]:
    """Pure part of a rebuild: versions, changes, scored states and flips of one target (no I/O)."""
    score = score_fn or _default_score_fn()
    # The default engine keeps the rule results of every clause across this target's states (most
    # clauses recur from one version to the next): same decisions, far fewer rules applied. The
    # rules are loaded once per target (`load_rules` checks every rule file's stamp per call).
    engine_kw: dict[str, Any] = {}
    if score_fn is None or score_fn is _default_score_fn():
        from audits.clause_memo import ClauseMemo
        from audits.rules import load_rules
        engine_kw = {"memo": ClauseMemo(), "rules": load_rules()}

    versions_rows: list[tuple] = []
    change_rows: list[tuple] = []
    state_rows: list[tuple] = []
    flip_rows: list[tuple] = []
    current: dict[str, dict] = {}        # document_key -> latest version (text, sentences, ...)
    seqs: dict[str, int] = {}
    prev_decisions: dict[str, tuple] | None = None
    stats = {"versions": 0, "states_scored": 0, "states_cached": 0, "flips": 0}

    for at, rows in groups:
        day = at.date()
        before = {k: current.get(k) for k in {document_key(r[3], r[2]) for r in rows}}
        touched: dict[str, int] = {}
        for (doc_id, run_id, name, url, doc_type, text, sha, source) in rows:
            key = document_key(url, name)
            last = current.get(key)
            if last is not None and last["sha"] == sha:
                continue
            sents = sentences(text or "")
            nsha = norm_sha256(sents)
            seqs[key] = seqs.get(key, 0) + 1
            textual = last is None or last["norm"] != nsha
            versions_rows.append((target_id, key, name or url or key, seqs[key], at, day, sha, nsha, textual,
                                  doc_id, run_id, source))
            stats["versions"] += 1
            current[key] = {"sha": sha, "norm": nsha, "sents": sents, "text": text or "", "name": name or url or key,
                            "url": url, "doc_type": doc_type, "document_id": doc_id, "at": at}
            touched[key] = touched.get(key, 0) + 1
        if not touched:
            continue
        first_point = prev_decisions is None
        changed_keys: dict[str, dict[str, set[str]]] = {}   # display name -> {"added": keys, "removed": keys}
        for key, n in touched.items():
            old, new = before.get(key), current[key]
            if old is not None and old["sha"] == new["sha"]:
                continue                  # changed and changed back within the point
            textual = old is None or old["norm"] != new["norm"]
            added, removed = sentence_diff(old["sents"] if old else {}, new["sents"])
            if not first_point:
                change_rows.append((target_id, at, day, key, new["name"], old["document_id"] if old else None,
                                    new["document_id"], n, textual, added if textual else [],
                                    removed if textual else []))
            if textual:
                changed_keys[new["name"]] = {
                    "added": {k for k in new["sents"] if not old or k not in old["sents"]},
                    "removed": {k for k in (old["sents"] if old else {}) if k not in new["sents"]},
                }
        if not changed_keys and not first_point:
            continue                      # formatting-only: the state's meaning did not change
        state_sha = _state_sha(kind, current)
        decisions = cache.get(state_sha)
        if decisions is not None and set(decisions) >= set(rubric.ELEMENT_IDS):
            stats["states_cached"] += 1
        else:
            docs = [Document(name=c["name"], text=c["text"], url=c["url"], doc_type=c["doc_type"],
                             document_id=c["document_id"], fetched_at=c["at"].isoformat())
                    for _k, c in sorted(current.items())]
            result = score(docs, service=service, target_id=target_id, kind=kind, **engine_kw)
            decisions = _decisions(result, {c["document_id"]: k for k, c in current.items()},
                                   {c["name"]: k for k, c in current.items()},
                                   {k: c["name"] for k, c in current.items()})
            cache[state_sha] = decisions
            stats["states_scored"] += 1
        for el in rubric.ELEMENT_IDS:
            met, quotes, docs = decisions.get(el, (None, (), ()))
            state_rows.append((target_id, at, day, el, met, list(quotes), list(docs), state_sha, fp))
        if prev_decisions is not None:
            for el in rubric.ELEMENT_IDS:
                was = prev_decisions.get(el, (None, (), ()))[0]
                now, quotes, docs = decisions.get(el, (None, (), ()))
                if was is None or now is None or was == now:
                    continue
                if now:
                    pool = {d: v["added"] for d, v in changed_keys.items()}
                    quote, qdoc, matched = _pick_quote(quotes, docs, pool)
                else:
                    pool = {d: v["removed"] for d, v in changed_keys.items()}
                    pq, pd = prev_decisions[el][1], prev_decisions[el][2]
                    quote, qdoc, matched = _pick_quote(pq, pd, pool)
                if qdoc in changed_keys:
                    doc = qdoc
                else:
                    doc = " + ".join(sorted(changed_keys))
                flip_rows.append((target_id, at, day, el, was, now, doc, quote, matched))
                stats["flips"] += 1
        prev_decisions = decisions

    return ({"document_versions": versions_rows, "document_changes": change_rows, "element_states": state_rows,
             "element_flips": flip_rows}, stats)


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
