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

Everything here is derived data: `sync` rebuilds the touched targets from `documents`, reusing
cached scores of identical states scored by the same engine.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from pathlib import Path
from typing import Any, Callable

import duckdb
import pyarrow as pa

from audits import rubric
from audits.model import Document, TargetResult
from audits.versions import document_key, norm_sha256, quote_key, sentence_diff, sentences
from riskaudit.errors import UserError

ScoreFn = Callable[..., TargetResult]
HISTORY_RUN_KINDS = ("crawl", "import-ota", "import-dir")
_OWN_FILES = {"versions.py", "changes.py"}
_UTC = dt.timezone.utc


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


# ---------------------------------------------------------------- helpers

def _utc(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=_UTC)
    raise TypeError(value)


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


_SCHEMAS = {
    "document_versions": pa.schema([
        ("target_id", pa.string()), ("document_key", pa.string()), ("document", pa.string()), ("seq", pa.int32()),
        ("version_at", pa.timestamp("us", tz="UTC")), ("version_date", pa.date32()), ("text_sha256", pa.string()),
        ("norm_sha256", pa.string()), ("textual_change", pa.bool_()), ("document_id", pa.int64()),
        ("run_id", pa.int32()), ("source", pa.string())]),
    "document_changes": pa.schema([
        ("target_id", pa.string()), ("change_at", pa.timestamp("us", tz="UTC")), ("change_date", pa.date32()),
        ("document_key", pa.string()), ("document", pa.string()), ("from_document_id", pa.int64()),
        ("to_document_id", pa.int64()), ("versions", pa.int32()), ("textual_change", pa.bool_()),
        ("added", pa.list_(pa.string())), ("removed", pa.list_(pa.string()))]),
    "element_states": pa.schema([
        ("target_id", pa.string()), ("as_of", pa.timestamp("us", tz="UTC")), ("as_of_date", pa.date32()),
        ("element", pa.string()), ("met", pa.bool_()), ("evidence_quotes", pa.list_(pa.string())),
        ("evidence_documents", pa.list_(pa.string())), ("state_sha256", pa.string()), ("engine", pa.string())]),
    "element_flips": pa.schema([
        ("target_id", pa.string()), ("flip_at", pa.timestamp("us", tz="UTC")), ("flip_date", pa.date32()),
        ("element", pa.string()), ("from_met", pa.bool_()), ("to_met", pa.bool_()), ("document", pa.string()),
        ("quote", pa.string()), ("quote_in_change", pa.bool_())]),
}


def bulk_insert(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple], schema: pa.Schema | None = None) -> None:
    """Insert many rows at once through an Arrow table (much faster than executemany)."""
    if not rows:
        return
    schema = schema or _SCHEMAS[table]
    arrow = pa.Table.from_arrays([pa.array([r[i] for r in rows], type=f.type) for i, f in enumerate(schema)],
                                 schema=schema)
    cols = ", ".join(schema.names)
    con.register("_riskaudit_bulk", arrow)
    try:
        con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM _riskaudit_bulk")
    finally:
        con.unregister("_riskaudit_bulk")


# ---------------------------------------------------------------- sync / rebuild

def targets_needing_rebuild(con: duckdb.DuckDBPyConnection, score_fn: ScoreFn | None = None) -> tuple[list[str], list[int]]:
    """(targets to rebuild, unprocessed finished runs)."""
    kinds = list(HISTORY_RUN_KINDS)
    runs = [int(r) for (r,) in con.execute(
        "SELECT run_id FROM runs WHERE status = 'finished' AND list_contains(?, kind) "
        "AND run_id NOT IN (SELECT run_id FROM version_runs) ORDER BY run_id", [kinds]).fetchall()]
    targets: set[str] = set()
    if runs:
        targets |= {t for (t,) in con.execute(
            "SELECT DISTINCT target_id FROM documents WHERE list_contains(?, run_id)", [runs]).fetchall()}
    fp = engine_fingerprint(score_fn)
    targets |= {t for (t,) in con.execute(
        "SELECT DISTINCT target_id FROM element_states WHERE engine <> ?", [fp]).fetchall()}
    return sorted(targets), runs


def sync(con: duckdb.DuckDBPyConnection, *, score_fn: ScoreFn | None = None, force: bool = False,
         progress: Callable[[str], None] | None = None, workers: int = 1) -> dict[str, int]:
    """Fold new finished runs into the versions and rescore the touched targets (cached states reused).

    With `workers` > 1, targets are scored in a process pool (the engine is pure); at most
    2 × workers targets are in flight, so memory stays flat however long the history is.
    """
    targets, runs = targets_needing_rebuild(con, score_fn)
    if force:
        targets = sorted({t for (t,) in con.execute("SELECT DISTINCT target_id FROM documents").fetchall()})
    totals = {"targets": 0, "versions": 0, "states_scored": 0, "states_cached": 0, "flips": 0}

    def done(target_id: str, tables: dict, stats: dict) -> None:
        write_target(con, target_id, tables)
        totals["targets"] += 1
        for k in ("versions", "states_scored", "states_cached", "flips"):
            totals[k] += stats[k]
        if progress:
            progress(f"{target_id}: {stats['versions']} versions, {stats['states_scored']} states scored, "
                     f"{stats['flips']} flips")

    if workers > 1 and len(targets) > 1:
        import multiprocessing
        from collections import deque
        with multiprocessing.get_context("spawn").Pool(min(workers, len(targets))) as pool:
            inflight: deque = deque()
            for target_id in targets:
                payload = prepare_target(con, target_id, score_fn)
                if not isinstance(payload[3], list):          # a very large target: stream it here
                    done(target_id, *compute_target(*payload))
                    continue
                inflight.append((target_id, pool.apply_async(compute_target, payload)))
                while len(inflight) >= 2 * workers:
                    t, res = inflight.popleft()
                    done(t, *res.get())
            while inflight:
                t, res = inflight.popleft()
                done(t, *res.get())
    else:
        for target_id in targets:
            done(target_id, *compute_target(*prepare_target(con, target_id, score_fn)))
    if runs:
        now = dt.datetime.now(_UTC)
        bulk_insert(con, "version_runs", [(r, now) for r in runs],
                    pa.schema([("run_id", pa.int32()), ("processed_at", pa.timestamp("us", tz="UTC"))]))
    return totals


def _maybe_sync(con: duckdb.DuckDBPyConnection, score_fn: ScoreFn | None = None) -> None:
    """Bring derived tables up to date unless the connection is read-only (then use what is stored)."""
    try:
        targets, runs = targets_needing_rebuild(con, score_fn)
        if targets or runs:
            sync(con, score_fn=score_fn)
    except duckdb.CatalogException:
        return                    # a read-only store created before the versions schema: nothing to show
    except duckdb.Error as exc:
        if "read-only" not in str(exc).lower() and "read only" not in str(exc).lower():
            raise


def _target_info(con: duckdb.DuckDBPyConnection, target_id: str) -> tuple[str, str]:
    row = con.execute("SELECT name, kind FROM targets WHERE target_id = ?", [target_id]).fetchone()
    if not row:
        raise UserError(f"target {target_id!r} has documents but no row in `targets`: re-run the import or crawl that created it")
    return row[0], row[1]


MATERIALISE_MAX_BYTES = 64 << 20   # larger targets are streamed in the main process instead of shipped to a worker


def _observations(con: duckdb.DuckDBPyConnection, target_id: str):
    """State points of a target, in order: [(version_at, rows)] (materialised) or, for a target
    whose distinct texts exceed MATERIALISE_MAX_BYTES, a generator loading texts 200 at a time.
    Texts are loaded only for rows that start a new version (repeated crawls cost nothing)."""
    meta = con.execute(
        """
        WITH obs AS (
            SELECT d.document_id, d.run_id, d.name, d.url, d.doc_type,
                   coalesce(d.text_sha256, sha256(coalesce(d.text, ''))) AS text_sha256, d.source,
                   coalesce(d.fetched_at, r.started_at) AS seen_at, r.kind AS run_kind
            FROM documents d JOIN runs r ON r.run_id = d.run_id
            WHERE d.target_id = ? AND r.status = 'finished' AND list_contains(?, r.kind)
        )
        SELECT document_id, run_id, name, url, doc_type, text_sha256, source,
               CASE WHEN run_kind LIKE 'import%' THEN seen_at
                    ELSE min(seen_at) OVER (PARTITION BY run_id) END AS version_at
        FROM obs ORDER BY version_at, document_id
        """, [target_id, list(HISTORY_RUN_KINDS)]).fetchall()
    last: dict[str, str] = {}
    needed: list[int] = []
    for doc_id, _run, name, url, _t, sha, _s, _at in meta:
        key = document_key(url, name)
        if last.get(key) != sha:
            needed.append(doc_id)
            last[key] = sha
    size = con.execute("SELECT coalesce(sum(strlen(text)), 0) FROM documents WHERE list_contains(?, document_id)",
                       [needed]).fetchone()[0] if needed else 0
    groups = _group_observations(con, meta, needed)
    return list(groups) if size <= MATERIALISE_MAX_BYTES else groups


def _group_observations(con: duckdb.DuckDBPyConnection, meta: list[tuple], needed: list[int], batch: int = 200):
    texts: dict[int, str] = {}
    pos = 0
    group: list[tuple] = []
    group_at = None
    for doc_id, run_id, name, url, doc_type, sha, source, at in meta:
        if pos < len(needed) and doc_id == needed[pos] and doc_id not in texts:
            chunk = needed[pos:pos + batch]
            texts = dict(con.execute("SELECT document_id, coalesce(text, '') FROM documents "
                                     "WHERE list_contains(?, document_id)", [chunk]).fetchall())
        text = None
        if pos < len(needed) and doc_id == needed[pos]:
            text = texts.get(doc_id)
            pos += 1
        at = _utc(at)
        if group and at != group_at:
            yield group_at, group
            group = []
        group_at = at
        group.append((doc_id, run_id, name, url, doc_type, text, sha, source))
    if group:
        yield group_at, group


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


def prepare_target(con: duckdb.DuckDBPyConnection, target_id: str, score_fn: ScoreFn | None = None) -> tuple:
    """Everything `compute_target` needs for one target, read from the store."""
    fp = engine_fingerprint(score_fn)
    service, kind = _target_info(con, target_id)
    cache: dict[str, dict[str, tuple]] = {}
    for state_sha, el, met, quotes, docs in con.execute(
            "SELECT state_sha256, element, met, evidence_quotes, evidence_documents FROM element_states "
            "WHERE target_id = ? AND engine = ?", [target_id, fp]).fetchall():
        cache.setdefault(state_sha, {})[el] = (met, tuple(quotes or ()), tuple(docs or ()))
    return (target_id, service, kind, _observations(con, target_id), cache, score_fn, fp)


def compute_target(target_id: str, service: str, kind: str, groups: list, cache: dict, score_fn: ScoreFn | None,
                   fp: str) -> tuple[dict[str, list[tuple]], dict[str, int]]:
    """Pure part of a rebuild: versions, changes, scored states and flips of one target (no I/O)."""
    score = score_fn or _default_score_fn()

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
            result = score(docs, service=service, target_id=target_id, kind=kind)
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


def write_target(con: duckdb.DuckDBPyConnection, target_id: str, tables: dict[str, list[tuple]]) -> None:
    """Replace one target's derived rows in a single transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        for table, rows in tables.items():
            con.execute(f"DELETE FROM {table} WHERE target_id = ?", [target_id])
            bulk_insert(con, table, rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def rebuild_target(con: duckdb.DuckDBPyConnection, target_id: str, *, score_fn: ScoreFn | None = None) -> dict[str, int]:
    """Recompute versions, changes, element states and flips of one target from its documents."""
    tables, stats = compute_target(*prepare_target(con, target_id, score_fn))
    write_target(con, target_id, tables)
    return stats




# ---------------------------------------------------------------- queries for the CLI and the report

def targets_with_history(con: duckdb.DuckDBPyConnection, *, score_fn: ScoreFn | None = None) -> list[str]:
    """Targets with more than one version of some document, or with element flips (after one sync)."""
    # Cheap pre-check on the raw documents: without a second distinct text there is no history,
    # and the (costly) first sync of a large single-run store is not needed.
    if not con.execute("SELECT 1 FROM documents GROUP BY target_id, coalesce(url, name) "
                       "HAVING count(DISTINCT text_sha256) > 1 LIMIT 1").fetchone():
        return []
    _maybe_sync(con, score_fn)
    try:
        rows = con.execute(
            "SELECT target_id FROM document_versions GROUP BY target_id, document_key HAVING count(*) > 1 "
            "UNION SELECT target_id FROM element_flips ORDER BY 1").fetchall()
    except duckdb.CatalogException:
        return []                 # a read-only store created before the versions schema
    return [r[0] for r in rows]


def list_changes(con: duckdb.DuckDBPyConnection, target_id: str | None = None, since: Any = None, *,
                 score_fn: ScoreFn | None = None) -> list[dict]:
    """Changed documents (per state point) with added/removed sentences and the element flips they caused.

    Each: {target_id, service, date, at, document, textual_change, versions, added, removed,
    flips: [{element, from, to, quote}]}. New runs (or a changed engine) are folded in first.
    """
    _maybe_sync(con, score_fn)
    since_d = parse_since(since)
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'document_changes'").fetchone()[0]:
        return []
    where, params = ["1=1"], []
    if target_id:
        where.append("c.target_id = ?")
        params.append(target_id)
    if since_d:
        where.append("c.change_date >= ?")
        params.append(since_d)
    rows = con.execute(
        f"SELECT c.target_id, coalesce(t.name, c.target_id), c.change_at, c.change_date, c.document, c.textual_change, "
        f"c.versions, c.added, c.removed FROM document_changes c LEFT JOIN targets t ON t.target_id = c.target_id "
        f"WHERE {' AND '.join(where)} ORDER BY c.change_at, c.target_id, c.document", params).fetchall()
    fwhere = [w.replace("c.change_date", "f.flip_date").replace("c.target_id", "f.target_id") for w in where]
    flips: dict[tuple, list[tuple]] = {}
    for tid, at, el, was, now, doc, quote, matched in con.execute(
            f"SELECT f.target_id, f.flip_at, f.element, f.from_met, f.to_met, f.document, f.quote, f.quote_in_change "
            f"FROM element_flips f "
            f"WHERE {' AND '.join(fwhere)} ORDER BY f.flip_at, f.element", params).fetchall():
        flips.setdefault((tid, _utc(at)), []).append((el, was, now, doc, quote, matched))
    order = {e: i for i, e in enumerate(rubric.ELEMENT_IDS)}
    out = []
    for tid, service, at, day, doc, textual, n, added, removed in rows:
        at = _utc(at)
        mine = [f for f in flips.get((tid, at), []) if doc in (f[3] or "").split(" + ")]
        mine.sort(key=lambda f: order.get(f[0], 99))
        out.append({
            "target_id": tid, "service": service, "date": day.isoformat(), "at": at.isoformat(),
            "document": doc, "textual_change": bool(textual), "versions": int(n),
            "added": list(added or []), "removed": list(removed or []),
            "flips": [{"element": el, "from": was, "to": now, "quote": quote, "quote_in_change": bool(m)}
                      for el, was, now, _d, quote, m in mine],
        })
    return out


def find_target(con: duckdb.DuckDBPyConnection, service: str) -> tuple[str, str, str]:
    """(target_id, name, kind) by id or name, case-insensitive; unknown → UserError listing known ones."""
    rows = con.execute(
        "SELECT target_id, name, kind FROM targets WHERE lower(target_id) = lower(?) OR lower(name) = lower(?) "
        "ORDER BY target_id", [service, service]).fetchall()
    if not rows:
        known = [f"{n} ({t})" for t, n in con.execute("SELECT target_id, name FROM targets ORDER BY lower(name)").fetchall()]
        listing = ", ".join(known) if known else "none: import or crawl something first"
        raise UserError(f"unknown service {service!r}; known services: {listing}")
    return rows[0]


def timeline(con: duckdb.DuckDBPyConnection, service: str, *, score_fn: ScoreFn | None = None) -> dict:
    """Element intervals (merged, covering first version → now) and the flips of one service."""
    _maybe_sync(con, score_fn)
    target_id, name, kind = find_target(con, service)
    states = con.execute(
        "SELECT element, as_of_date, met, evidence_quotes FROM element_states WHERE target_id = ? "
        "ORDER BY as_of, element", [target_id]).fetchall()
    per_el: dict[str, list[dict]] = {e: [] for e in rubric.ELEMENT_IDS}
    for el, day, met, quotes in states:
        ivs = per_el.setdefault(el, [])
        if ivs and ivs[-1]["met"] == met:
            continue
        if ivs:
            ivs[-1]["to"] = day.isoformat()
        ivs.append({"met": met, "from": day.isoformat(), "to": None, "evidence": list(quotes or [])})
    period = con.execute(
        "SELECT min(version_date), max(version_date), count(*) FROM document_versions WHERE target_id = ?",
        [target_id]).fetchone()
    documents = [{"document": d, "versions": int(n), "first": f.isoformat(), "last": l.isoformat()}
                 for d, n, f, l in con.execute(
                     "SELECT any_value(document ORDER BY seq DESC), count(*), min(version_date), max(version_date) "
                     "FROM document_versions WHERE target_id = ? GROUP BY document_key ORDER BY 1", [target_id]).fetchall()]
    changes = [{"date": day.isoformat(), "document": doc, "element": el, "from": was, "to": now, "quote": quote,
                "quote_in_change": bool(m)}
               for day, doc, el, was, now, quote, m in con.execute(
                   "SELECT flip_date, document, element, from_met, to_met, quote, quote_in_change FROM element_flips "
                   "WHERE target_id = ? ORDER BY flip_at, element", [target_id]).fetchall()]
    return {
        "service": name, "target_id": target_id, "kind": kind,
        "period": {"from": period[0].isoformat() if period[0] else None,
                   "last_version": period[1].isoformat() if period[1] else None, "versions": int(period[2])},
        "documents": documents,
        "elements": {el: ivs for el, ivs in per_el.items()},
        "changes": changes,
    }


def to_json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)
