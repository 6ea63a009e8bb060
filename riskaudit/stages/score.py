"""The score stage: audit the documents of a stored run (or of folders of files) against the rubric.

`score_run` reads the latest version of each document of one run, runs the pure engine
(`audits.engine.audit_target`) per target and replaces that run's results in the store (so
scoring the same run again is safe and gives the same answer). `load_results` rebuilds the
`TargetResult`s of a scored run for `export`, `explain` and reports. `score_dir` scores folders
of policy files without a store.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from audits import rubric
from audits.engine import audit_target
from audits.model import ASSESSED, Document, ElementResult, Evidence, TargetResult
from audits.pages import BOT_WALL, judge_page, not_assessed_result, note_failed_documents
from riskaudit.core.clock import iso
from riskaudit.core.errors import UserError
from riskaudit.core.text import slug
from riskaudit.importers.files import load_corpus
from riskaudit.store import WRITE_ERRORS, Connection, connect, write_failure
from riskaudit.store import documents as doc_store
from riskaudit.store import results as result_store
from riskaudit.store.runs import resolve_run_to_score
from riskaudit.store.targets import target_meta


def documents_of_run(con: Connection, run_id: int, walls: dict[str, list[dict]] | None = None
                     ) -> dict[str, list[Document]]:
    """{target_id: [Document]}: the latest version of each document of the run.

    With a `walls` dict, crawled documents judged not to be a policy (bot challenge, login or
    consent wall, empty shell: `audits.pages.judge_page`) are left out and recorded there as
    failed documents of kind 'bot_wall'."""
    out: dict[str, list[Document]] = {}
    for doc_id, target, doc_type, name, title, url, final_url, text, snap, fetched in \
            doc_store.latest_documents_of_run(con, run_id):
        label = name or title or final_url or url or f"document {doc_id}"
        if walls is not None and (url or final_url):        # crawled pages only, not imported files
            why = judge_page(text, title)
            if why:
                walls.setdefault(target, []).append(
                    {"url": final_url or url, "document": label, "kind": BOT_WALL, "detail": why})
                out.setdefault(target, [])
                continue
        out.setdefault(target, []).append(Document(
            name=label, text=text or "", url=final_url or url, snapshot=snap,
            fetched_at=iso(fetched), doc_type=doc_type, document_id=int(doc_id)))
    return out


def failure_kind(row: dict) -> str:
    """How a fetch failed, as shown in results and reports: robots, media, an error label
    (dns, timeout, refused, private_address, extract_failed...), HTTP nnn or no response."""
    if row.get("robots_blocked"):
        return "robots"
    if row.get("media_refused"):
        return "media"
    if row.get("error"):
        return str(row["error"]).split(":", 1)[0].strip() or "error"
    if row.get("status") is not None and row["status"] >= 400:
        return f"HTTP {row['status']}"
    return "no response"


def failed_documents_of_run(con: Connection, run_id: int, docs: dict[str, list[Document]]
                            ) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """({target: failed document fetches}, {target: failed discovery fetches}) of a crawl run;
    a URL that was also fetched as a usable document is not a failure."""
    fetched = {(t, d.url) for t, ds in docs.items() for d in ds if d.url}
    documents: dict[str, list[dict]] = {}
    discovery: dict[str, list[dict]] = {}
    for row in doc_store.failed_fetches(con, run_id):
        tid = row["target_id"]
        if (tid, row["url"]) in fetched or (tid, row.get("final_url")) in fetched:
            continue
        entry = {"url": row["url"], "document": row["url"], "kind": failure_kind(row),
                 "detail": (str(row["error"])[:160] if row.get("error") and ":" in str(row["error"]) else "")}
        bucket = documents if row["purpose"] == "document" else discovery
        if entry not in bucket.get(tid, []):
            bucket.setdefault(tid, []).append(entry)
    return documents, discovery


def default_jobs() -> int:
    """The number of CPU cores this process may use (the default of `score --jobs`)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:            # not on Linux
        return max(1, os.cpu_count() or 1)


def _audit_one(docs: list[Document], name: str, tid: str, kind: str, rules_dir) -> TargetResult:
    """One target's result (run in a worker process with --jobs > 1: it only computes)."""
    return audit_target(docs, service=name, target_id=tid, kind=kind, rules_dir=rules_dir)


def audit_many(work: list[tuple[list[Document], str, str, str]], rules_dir=None, jobs: int = 1) -> dict[str, TargetResult]:
    """{target id: result} for every (documents, name, target id, kind) of `work`.

    With `jobs` > 1 the targets are audited in a pool of spawned processes (the engine is pure
    and deterministic, so the results are those of jobs=1); the largest targets go first so the
    pool ends together. The caller writes the results: workers never touch the store."""
    jobs = max(1, min(jobs, len(work)))
    if jobs == 1:
        return {tid: _audit_one(docs, name, tid, kind, rules_dir) for docs, name, tid, kind in work}
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    order = sorted(work, key=lambda w: (-sum(len(d.text) for d in w[0]), w[2]))
    with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {tid: pool.submit(_audit_one, docs, name, tid, kind, rules_dir) for docs, name, tid, kind in order}
        return {tid: f.result() for tid, f in futures.items()}


def score_run(db_path: str, run_id: int | None = None, rules_dir=None, jobs: int = 1) -> int:
    """Score run `run_id` (latest finished crawl when None); store results; return the run id.
    `jobs` > 1 audits the targets in that many worker processes (same results; this process
    alone writes them)."""
    con = connect(db_path, create=False)
    try:
        run_id = resolve_run_to_score(con, run_id, db_path)
        walls: dict[str, list[dict]] = {}
        docs = documents_of_run(con, run_id, walls)
        failed, discovery = failed_documents_of_run(con, run_id, docs)
        target_ids = set(docs) | doc_store.targets_fetched_in_run(con, run_id)
        if not target_ids:
            raise UserError(f"{db_path}: run {run_id} has no documents to score")
        meta = target_meta(con)
        results: list[TargetResult | tuple] = []
        work = []
        for tid in sorted(target_ids):
            if tid not in meta:
                raise UserError(f"{db_path}: target {tid!r} of run {run_id} is missing from the `targets` table")
            name, kind = meta[tid]
            if kind not in rubric.KINDS:
                raise UserError(f"{db_path}: target {tid!r} has unknown kind {kind!r}; use one of {', '.join(rubric.KINDS)}")
            bad = walls.get(tid, []) + failed.get(tid, [])
            if not docs.get(tid):
                # nothing usable was fetched: not assessed (never an F for a policy we did not see)
                results.append(not_assessed_result(service=name, target_id=tid, kind=kind,
                                                   failed=bad + discovery.get(tid, [])))
                continue
            work.append((docs[tid], name, tid, kind))
            results.append((tid, bad))
        audited = audit_many(work, rules_dir, jobs)
        results = sorted((note_failed_documents(audited[r[0]], r[1]) if isinstance(r, tuple) else r for r in results),
                         key=lambda r: r.id)
        try:
            result_store.replace_results(con, run_id, [_result_row(r) for r in results])
        except WRITE_ERRORS as exc:      # full disk...: the run's earlier results are kept (one transaction)
            raise UserError(f"{write_failure(db_path, exc)}; run {run_id} keeps its earlier scores, if any: "
                            "free space and score again") from None
        return run_id
    finally:
        con.close()


def _result_row(r: TargetResult) -> dict:
    elements = []
    for el in rubric.ELEMENTS:
        er = r.elements[el.id]
        timed = el.id == "stated_response_time"
        per_quote = er.quote_hours or [[] for _ in er.evidence]
        elements.append({
            "element": el.id, "category": el.category, "met": er.met,
            "hours": list(er.hours) if timed else None, "reason": er.reason,
            "margin": er.margin if er.met is not None else None,
            "needs_review": bool(er.needs_review) if er.met is not None else None,
            "evidence": [{"document_id": ev.document_id, "document": ev.document, "url": ev.url,
                          "snapshot": ev.snapshot, "fetched_at": ev.fetched_at, "quote": ev.quote,
                          "hours": per_quote[i] if timed and i < len(per_quote) else None}
                         for i, ev in enumerate(er.evidence)]})
    assessed = r.status == ASSESSED
    return {"target_id": r.id, "service": r.service, "kind": r.kind, "rubric_version": r.rubric_version,
            "rules_version": r.rules_version,
            "score": r.score if assessed else None, "grade": r.grade if assessed else None,
            "categories": dict(r.categories) if assessed else {}, "elements": elements,
            "status": r.status, "not_assessed_reason": None if assessed else r.reason,
            "failed_documents": list(r.failed_documents)}


def load_results(con: Connection, run_id: int) -> list[TargetResult]:
    """The stored results of a scored run, as TargetResults sorted by target id."""
    out = []
    for t in result_store.load_results(con, run_id):
        elements: dict[str, ElementResult] = {}
        for el in rubric.ELEMENTS:
            row = t["elements"].get(el.id) or {"met": None, "hours": None, "reason": "", "evidence": []}
            ev = [Evidence(document=q["document"], quote=q["quote"], url=q["url"], snapshot=q["snapshot"],
                           fetched_at=iso(q["fetched_at"]), document_id=q["document_id"]) for q in row["evidence"]]
            er = ElementResult(el.id, row["met"], ev, hours=list(row["hours"] or []), reason=row["reason"] or "",
                               margin=row.get("margin") or "", needs_review=bool(row.get("needs_review")))
            er.quote_hours = [list(q["hours"] or []) for q in row["evidence"]]
            elements[el.id] = er
        cats = {c: t["categories"].get(c) for c in rubric.CATEGORIES}
        failed = t.get("failed_documents")
        out.append(TargetResult(service=t["service"], id=t["target_id"], kind=t["kind"], score=t["score"],
                                grade=t["grade"], categories=cats, elements=elements,
                                rubric_version=t["rubric_version"], rules_version=t.get("rules_version") or "", status=t.get("status") or ASSESSED,
                                reason=t.get("not_assessed_reason") or "",
                                failed_documents=json.loads(failed) if isinstance(failed, str) else list(failed or [])))
    return out


def score_dir(root: Path, kinds_path: Path, only: set[str] | None = None,
              skipped: list[tuple[Path, str]] | None = None,
              outside: list[Path] | None = None, rules_dir=None) -> list[TargetResult]:
    """Audit every service folder of `root` (kinds from `kinds_path`); results sorted by target id.
    Unreadable files raise UserError, or with a `skipped` list are recorded there and left out.
    Symbolic links resolving outside `root` are never followed (appended to `outside`)."""
    results = []
    ids: dict[str, str] = {}
    for service, kind, docs in load_corpus(root, kinds_path, only, skipped, outside):
        tid = slug(service)
        if tid in ids:
            raise UserError(f"{root}: services {ids[tid]!r} and {service!r} have the same id {tid!r}; rename one folder")
        ids[tid] = service
        results.append(audit_target(docs, service=service, target_id=tid, kind=kind, rules_dir=rules_dir))
    return sorted(results, key=lambda r: r.id)
