"""Score a stored run: read its documents from DuckDB, audit each target, write the results.

`score_run` reads `documents` (+ `targets`) of one run, runs `audits.engine.audit_target` per
target, and replaces that run's rows in `scores`, `element_results` and `evidence` (so scoring
the same run again is safe and gives the same answer). `load_results` rebuilds the
`TargetResult`s of a scored run for `export`, `explain` and reports.
"""
from __future__ import annotations

import datetime as _dt

from audits import rubric
from audits.engine import audit_target
from audits.model import Document, ElementResult, Evidence, TargetResult
from riskaudit import store
from riskaudit.errors import UserError


def _iso(ts) -> str | None:
    if ts is None:
        return None
    if isinstance(ts, _dt.datetime):
        if ts.tzinfo is None:
            ts = ts.replace(tzinfo=_dt.timezone.utc)
        return ts.astimezone(_dt.timezone.utc).isoformat(timespec="seconds")
    return str(ts)


def resolve_run(con, run_id: int | None, db_path) -> int:
    """The run to score: `run_id`, else the latest finished crawl, else the latest finished import."""
    if run_id is None:
        run_id = store.latest_run(con, "crawl") or store.latest_run(con, None)
        if run_id is None:
            raise UserError(f"{db_path}: no finished crawl or import run to score; run `riskaudit crawl --db {db_path}` "
                            "or an import first (or pass --run ID)")
        return run_id
    row = con.execute("SELECT status FROM runs WHERE run_id = ?", [run_id]).fetchone()
    if not row:
        raise UserError(f"{db_path}: run {run_id} does not exist (see the `runs` table)")
    return int(run_id)


def documents_of_run(con, run_id: int) -> dict[str, list[Document]]:
    # An archive import holds every dated version of a document in one run: a service is scored
    # on the latest version of each of its documents (a crawl holds one version of each).
    rows = con.execute(
        "SELECT document_id, target_id, doc_type, name, title, url, final_url, text, snapshot_sha256, fetched_at "
        "FROM (SELECT *, row_number() OVER (PARTITION BY target_id, coalesce(url, name, CAST(document_id AS VARCHAR)) "
        "      ORDER BY fetched_at DESC NULLS LAST, document_id DESC) AS version_rank "
        "      FROM documents WHERE run_id = ?) "
        "WHERE version_rank = 1 ORDER BY target_id, document_id", [run_id]).fetchall()
    out: dict[str, list[Document]] = {}
    for doc_id, target, doc_type, name, title, url, final_url, text, snap, fetched in rows:
        label = name or title or final_url or url or f"document {doc_id}"
        out.setdefault(target, []).append(Document(
            name=label, text=text or "", url=final_url or url, snapshot=snap,
            fetched_at=_iso(fetched), doc_type=doc_type, document_id=int(doc_id)))
    return out


def score_run(db_path: str, run_id: int | None = None, rules_dir=None) -> int:
    """Score run `run_id` (latest finished crawl when None); store results; return the run id."""
    con = store.connect(db_path, create=False)
    try:
        run_id = resolve_run(con, run_id, db_path)
        docs = documents_of_run(con, run_id)
        target_ids = set(docs)
        for (tid,) in con.execute("SELECT DISTINCT target_id FROM fetches WHERE run_id = ? AND target_id IS NOT NULL", [run_id]).fetchall():
            target_ids.add(tid)
        if not target_ids:
            raise UserError(f"{db_path}: run {run_id} has no documents to score")
        meta = {}
        for tid, name, kind in con.execute("SELECT target_id, name, kind FROM targets").fetchall():
            meta[tid] = (name, kind)
        results = []
        for tid in sorted(target_ids):
            if tid not in meta:
                raise UserError(f"{db_path}: target {tid!r} of run {run_id} is missing from the `targets` table")
            name, kind = meta[tid]
            if kind not in rubric.KINDS:
                raise UserError(f"{db_path}: target {tid!r} has unknown kind {kind!r}; use one of {', '.join(rubric.KINDS)}")
            results.append(audit_target(docs.get(tid, []), service=name, target_id=tid, kind=kind, rules_dir=rules_dir))
        _write(con, run_id, results)
        return run_id
    finally:
        con.close()


def _write(con, run_id: int, results: list[TargetResult]) -> None:
    now = store.now_utc()
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ("scores", "element_results", "evidence"):
            con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
        for r in results:
            c = r.categories
            con.execute(
                "INSERT INTO scores (run_id, target_id, service, kind, rubric_version, score, grade, cat_p, cat_r, cat_t, cat_a, scored_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [run_id, r.id, r.service, r.kind, r.rubric_version, r.score, r.grade, c.get("P"), c.get("R"), c.get("T"), c.get("A"), now])
            for el in rubric.ELEMENTS:
                er = r.elements[el.id]
                con.execute(
                    "INSERT INTO element_results (run_id, target_id, element, category, met, hours, rubric_version, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, r.id, el.id, el.category, er.met, list(er.hours) if el.id == "stated_response_time" else None,
                     r.rubric_version, er.reason])
                per_quote = getattr(er, "quote_hours", None) or [[] for _ in er.evidence]
                for i, ev in enumerate(er.evidence, start=1):
                    con.execute(
                        "INSERT INTO evidence (run_id, target_id, element, ordinal, document_id, document, url, snapshot_sha256, fetched_at, quote, hours) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, r.id, el.id, i, ev.document_id, ev.document, ev.url, ev.snapshot, ev.fetched_at, ev.quote,
                         per_quote[i - 1] if el.id == "stated_response_time" and i - 1 < len(per_quote) else None])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def latest_scored_run(con) -> int | None:
    row = con.execute("SELECT max(run_id) FROM scores").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def load_results(con, run_id: int) -> list[TargetResult]:
    """The stored results of a scored run, as TargetResults sorted by target id."""
    results = []
    for tid, service, kind, version, score, grade, p, r_, t, a in con.execute(
            "SELECT target_id, service, kind, rubric_version, score, grade, cat_p, cat_r, cat_t, cat_a FROM scores "
            "WHERE run_id = ? ORDER BY target_id", [run_id]).fetchall():
        elements: dict[str, ElementResult] = {}
        rows = {row[0]: row for row in con.execute(
            "SELECT element, met, hours, reason FROM element_results WHERE run_id = ? AND target_id = ?", [run_id, tid]).fetchall()}
        evid: dict[str, list] = {}
        for row in con.execute(
                "SELECT element, document, url, snapshot_sha256, fetched_at, quote, document_id, hours FROM evidence "
                "WHERE run_id = ? AND target_id = ? ORDER BY element, ordinal", [run_id, tid]).fetchall():
            evid.setdefault(row[0], []).append(row)
        for el in rubric.ELEMENTS:
            _, met, hours, reason = rows.get(el.id, (el.id, None, None, ""))
            ev = [Evidence(document=d, quote=q, url=u, snapshot=s, fetched_at=_iso(f), document_id=di)
                  for _, d, u, s, f, q, di, _h in evid.get(el.id, [])]
            er = ElementResult(el.id, met, ev, hours=list(hours or []), reason=reason or "")
            er.quote_hours = [list(h or []) for *_, h in evid.get(el.id, [])]
            elements[el.id] = er
        results.append(TargetResult(service=service, id=tid, kind=kind, score=score, grade=grade,
                                    categories={"P": p, "R": r_, "T": t, "A": a}, elements=elements,
                                    rubric_version=version))
    return results
