"""The history stage: fold finished runs into document versions, score each state, find flips.

`sync` rebuilds the targets touched by new runs (or scored by another engine) from `documents`,
reusing cached scores of identical states scored by the same engine; `list_changes`, `timeline`
and `targets_with_history` read the derived tables for the CLI and the report (syncing first when
the store is writable). The pure computation is `audits.changes.compute_target`.
"""
from __future__ import annotations

import itertools
from typing import Any, Callable

import duckdb

from audits import rubric
from audits.changes import ScoreFn, compute_target, engine_fingerprint, parse_since
from audits.versions import document_key
from riskaudit.core.clock import to_utc
from riskaudit.core.errors import UserError
from riskaudit.store import Connection
from riskaudit.store import history as hs
from riskaudit.store.targets import find_target, target_info

MATERIALISE_MAX_BYTES = 64 << 20   # a target with more text (characters) is streamed in the main process, not shipped to a worker


def targets_needing_rebuild(con: Connection, score_fn: ScoreFn | None = None) -> tuple[list[str], list[int]]:
    """(targets to rebuild, unprocessed finished runs)."""
    runs = hs.unprocessed_runs(con)
    targets = hs.targets_of_runs(con, runs) | hs.targets_scored_by_other_engine(con, engine_fingerprint(score_fn))
    return sorted(targets), runs


def sync(con: Connection, *, score_fn: ScoreFn | None = None, force: bool = False,
         progress: Callable[[str], None] | None = None, workers: int = 1) -> dict[str, int]:
    """Fold new finished runs into the versions and rescore the touched targets (cached states reused).

    With `workers` > 1, targets are scored in a process pool (the engine is pure); at most
    2 × workers targets are in flight, so memory stays flat however long the history is.
    """
    targets, runs = targets_needing_rebuild(con, score_fn)
    if force:
        targets = hs.all_document_targets(con)
    totals = {"targets": 0, "versions": 0, "states_scored": 0, "states_cached": 0, "flips": 0}

    def done(target_id: str, tables: dict, stats: dict) -> None:
        hs.replace_target(con, target_id, tables)
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
        hs.mark_runs_processed(con, runs)
    return totals


def maybe_sync(con: Connection, score_fn: ScoreFn | None = None, workers: int = 1) -> None:
    """Bring derived tables up to date unless the connection is read-only (then use what is stored)."""
    try:
        targets, runs = targets_needing_rebuild(con, score_fn)
        if targets or runs:
            sync(con, score_fn=score_fn, workers=workers)
    except duckdb.Error as exc:
        if "read-only" not in str(exc).lower() and "read only" not in str(exc).lower():
            raise


def _observations(con: Connection, target_id: str):
    """State points of a target, in order: [(version_at, rows)] (materialised) or, for a target
    whose distinct texts exceed MATERIALISE_MAX_BYTES, the state points read so far followed by a
    generator loading the other texts 200 at a time. Texts are loaded only for rows that start a
    new version (repeated crawls cost nothing)."""
    meta = hs.observation_meta(con, target_id)
    last: dict[str, str] = {}
    needed: list[int] = []
    for doc_id, _run, name, url, _t, sha, _s, _at in meta:
        key = document_key(url, name)
        if last.get(key) != sha:
            needed.append(doc_id)
            last[key] = sha
    groups = _group_observations(con, target_id, meta, needed)
    head: list[tuple] = []
    size = 0
    for group in groups:
        head.append(group)
        size += sum(len(row[5]) for row in group[1] if row[5])
        if size > MATERIALISE_MAX_BYTES:
            return itertools.chain(head, groups)
    return head


def _group_observations(con: Connection, target_id: str, meta: list[tuple], needed: list[int], batch: int = 200):
    texts: dict[int, str] = {}
    pos = 0
    group: list[tuple] = []
    group_at = None
    for doc_id, run_id, name, url, doc_type, sha, source, at in meta:
        if pos < len(needed) and doc_id == needed[pos] and doc_id not in texts:
            texts = hs.texts(con, target_id, needed[pos:pos + batch])
        text = None
        if pos < len(needed) and doc_id == needed[pos]:
            text = texts.get(doc_id)
            pos += 1
        at = to_utc(at)
        if group and at != group_at:
            yield group_at, group
            group = []
        group_at = at
        group.append((doc_id, run_id, name, url, doc_type, text, sha, source))
    if group:
        yield group_at, group


def prepare_target(con: Connection, target_id: str, score_fn: ScoreFn | None = None) -> tuple:
    """Everything `compute_target` needs for one target, read from the store."""
    fp = engine_fingerprint(score_fn)
    info = target_info(con, target_id)
    if info is None:
        raise UserError(f"target {target_id!r} has documents but no row in `targets`: re-run the import or crawl that created it")
    service, kind = info
    cache: dict[str, dict[str, tuple]] = {}
    for state_sha, el, met, quotes, docs in hs.cached_states(con, target_id, fp):
        cache.setdefault(state_sha, {})[el] = (met, tuple(quotes or ()), tuple(docs or ()))
    return (target_id, service, kind, _observations(con, target_id), cache, score_fn, fp)


def rebuild_target(con: Connection, target_id: str, *, score_fn: ScoreFn | None = None) -> dict[str, int]:
    """Recompute versions, changes, element states and flips of one target from its documents."""
    tables, stats = compute_target(*prepare_target(con, target_id, score_fn))
    hs.replace_target(con, target_id, tables)
    return stats


# ---------------------------------------------------------------- queries for the CLI and the report

def targets_with_history(con: Connection, *, score_fn: ScoreFn | None = None) -> list[str]:
    """Targets with more than one version of some document, or with element flips (after one sync)."""
    # Cheap pre-check on the raw documents: without a second distinct text there is no history,
    # and the (costly) first sync of a large single-run store is not needed.
    if not hs.any_document_with_two_texts(con):
        return []
    maybe_sync(con, score_fn)
    return hs.targets_with_versions_or_flips(con)


def list_changes(con: Connection, target_id: str | None = None, since: Any = None, *,
                 score_fn: ScoreFn | None = None) -> list[dict]:
    """Changed documents (per state point) with added/removed sentences and the element flips they caused.

    Each: {target_id, service, date, at, document, textual_change, versions, added, removed,
    flips: [{element, from, to, quote}]}. New runs (or a changed engine) are folded in first.
    """
    maybe_sync(con, score_fn)
    rows, flip_rows = hs.changes(con, target_id, parse_since(since))
    flips: dict[tuple, list[tuple]] = {}
    for tid, at, el, was, now, doc, quote, matched in flip_rows:
        flips.setdefault((tid, to_utc(at)), []).append((el, was, now, doc, quote, matched))
    order = {e: i for i, e in enumerate(rubric.ELEMENT_IDS)}
    out = []
    for tid, service, at, day, doc, textual, n, added, removed in rows:
        at = to_utc(at)
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


def timeline(con: Connection, service: str, *, score_fn: ScoreFn | None = None) -> dict:
    """Element intervals (merged, covering first version → now) and the flips of one service."""
    maybe_sync(con, score_fn)
    target_id, name, kind = find_target(con, service)
    per_el: dict[str, list[dict]] = {e: [] for e in rubric.ELEMENT_IDS}
    for el, day, met, quotes in hs.states(con, target_id):
        ivs = per_el.setdefault(el, [])
        if ivs and ivs[-1]["met"] == met:
            continue
        if ivs:
            ivs[-1]["to"] = day.isoformat()
        ivs.append({"met": met, "from": day.isoformat(), "to": None, "evidence": list(quotes or [])})
    period = hs.version_period(con, target_id)
    documents = [{"document": d, "versions": int(n), "first": f.isoformat(), "last": last.isoformat()}
                 for d, n, f, last in hs.version_documents(con, target_id)]
    changes = [{"date": day.isoformat(), "document": doc, "element": el, "from": was, "to": now, "quote": quote,
                "quote_in_change": bool(m)}
               for day, doc, el, was, now, quote, m in hs.flips_of(con, target_id)]
    return {
        "service": name, "target_id": target_id, "kind": kind,
        "period": {"from": period[0].isoformat() if period[0] else None,
                   "last_version": period[1].isoformat() if period[1] else None, "versions": int(period[2])},
        "documents": documents,
        "elements": {el: ivs for el, ivs in per_el.items()},
        "changes": changes,
    }
