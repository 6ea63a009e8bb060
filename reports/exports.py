"""Machine-readable outputs of scored results: CSV, JSON and Parquet.

Two families, one module:
- the report's export tables of one scored run (`write_exports`): `scores` (service), `elements`
  (service × element), `evidence` (quote), `hosts` (traced host × hop of its escalation chain,
  header only when nothing was traced), as CSV and Parquet, plus `scores.json`;
- the results shape shared by `riskaudit export` and `riskaudit score-files` (`write_results`):
  JSON `{"rubric_version", "generated_at", "targets": [TargetResult.to_json(), …]}` and a CSV with
  one row per target × element × quote. `scores.json` of the report has the same target shape.
Every CSV goes through `riskaudit.core.tabular` (formula cells neutralised, text quoted); JSON and
Parquet keep the values exactly as stored.
"""
from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from audits import rubric
from audits.model import ElementResult, Evidence, TargetResult
from audits.pages import not_assessed_result
from riskaudit.core import tabular
from riskaudit.core.errors import UserError

SCORES_SCHEMA = pa.schema([
    ("service", pa.string()), ("id", pa.string()), ("kind", pa.string()), ("score", pa.float64()),
    ("grade", pa.string()), ("P", pa.float64()), ("R", pa.float64()), ("T", pa.float64()), ("A", pa.float64()),
    ("rubric_version", pa.string()), ("run_id", pa.int64()),
    ("status", pa.string()), ("not_assessed_reason", pa.string()),
    ("machine_score", pa.float64()), ("machine_grade", pa.string()),
])
ELEMENTS_SCHEMA = pa.schema([
    ("service", pa.string()), ("element", pa.string()), ("category", pa.string()), ("met", pa.bool_()),
    ("quote_count", pa.int64()),
    ("machine_met", pa.bool_()), ("review_state", pa.string()), ("reviewed_by", pa.string()),
    ("reviewed_at", pa.string()), ("review_reason", pa.string()), ("review", pa.string()),
    ("needs_review", pa.bool_()), ("margin", pa.string()),
])
EVIDENCE_SCHEMA = pa.schema([
    ("service", pa.string()), ("element", pa.string()), ("document", pa.string()), ("url", pa.string()),
    ("snapshot", pa.string()), ("fetched_at", pa.timestamp("us", tz="UTC")), ("quote", pa.string()),
])
HOSTS_SCHEMA = pa.schema([
    ("host", pa.string()), ("registered_domain", pa.string()), ("traced_at", pa.timestamp("us", tz="UTC")),
    ("trace_id", pa.int64()), ("step", pa.int64()), ("role", pa.string()), ("fronting", pa.bool_()),
    ("organisation", pa.string()), ("unknown", pa.string()), ("country", pa.string()), ("asn", pa.int64()),
    ("abuse_emails", pa.string()), ("target_id", pa.string()), ("matched_by", pa.string()),
    ("score", pa.float64()), ("grade", pa.string()), ("score_from", pa.string()),
    ("channel", pa.string()), ("channel_kind", pa.string()), ("channel_ok", pa.bool_()),
    ("stated_hours", pa.float64()), ("stated_basis", pa.string()), ("take_it_down_asks_for", pa.string()),
    ("legal_deadlines", pa.string()), ("jurisdictions_from", pa.string()),
])


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        return value.isoformat()
    return str(value)


def score_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per service: the assessed ones (best first), then those not assessed (score, grade
    and categories empty, `status` not_assessed and the reason)."""
    rows = [{"service": s["service"], "id": s["target_id"], "kind": s["kind"], "score": s["score"],
             "grade": s["grade"], **{c: s["categories"][c] for c in ("P", "R", "T", "A")},
             "rubric_version": s["rubric_version"], "run_id": data["run_id"], "status": "assessed",
             "not_assessed_reason": None, "machine_score": s.get("machine_score", s["score"]),
             "machine_grade": s.get("machine_grade", s["grade"])} for s in data["services"]]
    rows += [{"service": s["service"], "id": s["target_id"], "kind": s["kind"], "score": None, "grade": None,
              "P": None, "R": None, "T": None, "A": None, "rubric_version": s["rubric_version"],
              "run_id": data["run_id"], "status": "not_assessed", "not_assessed_reason": s["reason"],
              "machine_score": None, "machine_grade": None}
             for s in data.get("not_assessed", [])]
    return rows


def element_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per service × element: `met` is the decision scored (the reviewed one when reviewed),
    `machine_met` the machine's, and the review state, reviewers, date, reason and label."""
    rows = []
    for s in data["services"]:
        for e in s["elements"]:
            rev = e.get("review") or {}
            rows.append({"service": s["service"], "element": e["id"], "category": e["category"], "met": e["met"],
                         "quote_count": len(e["evidence"]), "machine_met": e.get("machine_met", e["met"]),
                         "review_state": rev.get("state", "machine"), "reviewed_by": rev.get("reviewed_by") or None,
                         "reviewed_at": rev.get("reviewed_at") or None, "review_reason": rev.get("reason") or None,
                         "review": rev.get("label") or None,
                         "needs_review": e.get("needs_review") if e["met"] is not None or e.get("machine_met") is not None else None,
                         "margin": e.get("margin") or None})
    return rows


def evidence_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"service": s["service"], "element": e["id"], "document": q["document"], "url": q["url"],
             "snapshot": q["snapshot"], "fetched_at": q["fetched_at"], "quote": q["quote"]}
            for s in data["services"] for e in s["elements"] for q in e["evidence"]]


def host_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per traced host × hop, in chain order ("Where hosts stand"). Lists are joined with
    "; "; each legal deadline is "<deadline> <rule id> (<trigger>)"."""
    rows = []
    for t in data.get("hosts") or []:
        for step, h in enumerate(t["hops"], 1):
            sc, ch, st = h.get("score") or {}, h.get("channel") or {}, h.get("stated") or {}
            rows.append({
                "host": t["host"], "registered_domain": t["registered_domain"], "traced_at": t["traced_at"],
                "trace_id": t["trace_id"], "step": step, "role": h["role"], "fronting": h["fronting"],
                "organisation": h["organisation"], "unknown": h.get("unknown"), "country": h.get("country"),
                "asn": h.get("asn"), "abuse_emails": "; ".join(h["abuse_emails"]) or None,
                "target_id": h.get("target_id"), "matched_by": h.get("matched_by"), "score": sc.get("score"),
                "grade": sc.get("grade"), "score_from": sc.get("source"), "channel": ch.get("url"),
                "channel_kind": ch.get("kind"), "channel_ok": ch.get("ok"), "stated_hours": st.get("hours"),
                "stated_basis": st.get("basis"),
                "take_it_down_asks_for": "; ".join((h.get("take_it_down") or {}).get("asks_for") or []) or None,
                "legal_deadlines": "; ".join(f"{r['deadline']} {r['rule_id']} ({r['trigger'] or '?'})"
                                             for r in h["legal"]) or None,
                "jurisdictions_from": ("assumed: none known" if h["legal_assumed"] else h["legal_source"])
                if h["legal"] else None,
            })
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    tabular.write_csv(path, schema.names, rows)


def write_parquet(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd")


def target_results(data: dict[str, Any]) -> list[TargetResult]:
    """The run as `audits.model.TargetResult` objects (the shared export shape)."""
    out = []
    for s in data["services"]:
        elements = {}
        for e in s["elements"]:
            rev = e.get("review")
            elements[e["id"]] = ElementResult(
                element=e["id"], met=e["met"], hours=list(e["hours"]), reason=e["reason"],
                margin=e.get("margin") or "", needs_review=bool(e.get("needs_review")),
                evidence=[Evidence(document=q["document"], quote=q["quote"], url=q["url"], snapshot=q["snapshot"],
                                   fetched_at=_iso(q["fetched_at"])) for q in e["evidence"]],
                review={k: v for k, v in rev.items() if k not in ("replies", "pending")}
                if rev and rev["state"] != "machine" else None)
        out.append(TargetResult(service=s["service"], id=s["target_id"], kind=s["kind"], score=s["score"],
                                grade=s["grade"], categories=dict(s["categories"]), elements=elements,
                                rubric_version=s["rubric_version"], rules_version=s.get("rules_version") or "",
                                failed_documents=list(s.get("failed_documents") or [])))
    for s in data.get("not_assessed", []):
        out.append(not_assessed_result(service=s["service"], target_id=s["target_id"], kind=s["kind"],
                                       failed=s["failed_documents"]))
        out[-1].reason, out[-1].rubric_version = s["reason"], s["rubric_version"]
    return out


def scores_json(data: dict[str, Any], generated_at: _dt.datetime) -> dict[str, Any]:
    versions = data["rubric_versions"]
    return {
        "rubric_version": versions[0] if len(versions) == 1 else (versions or [data["rubric"]["version"]])[0],
        "generated_at": _iso(generated_at),
        "run_id": data["run_id"],
        "targets": [t.to_json() for t in target_results(data)],
    }


def write_exports(data: dict[str, Any], out_dir: Path, generated_at: _dt.datetime) -> list[Path]:
    """Write every export into `out_dir`; return the paths written."""
    written = []
    for name, rows, schema in (("scores", score_rows(data), SCORES_SCHEMA),
                               ("elements", element_rows(data), ELEMENTS_SCHEMA),
                               ("evidence", evidence_rows(data), EVIDENCE_SCHEMA),
                               ("hosts", host_rows(data), HOSTS_SCHEMA)):
        _guarded(out_dir / f"{name}.csv", write_csv, rows, schema)
        _guarded(out_dir / f"{name}.parquet", write_parquet, rows, schema)
        written += [out_dir / f"{name}.csv", out_dir / f"{name}.parquet"]
    path = out_dir / "scores.json"
    text = json.dumps(scores_json(data, generated_at), ensure_ascii=False, separators=(",", ":")) + "\n"
    _guarded(path, lambda p: p.write_text(text, encoding="utf-8"))
    written.append(path)
    return written


def _guarded(path: Path, write, *args) -> None:
    """Run `write(path, *args)`; a failed write (full disk, file too large: pyarrow's errors are
    OSErrors too) becomes one line naming the file."""
    try:
        write(path, *args)
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc.strerror or exc}; free space or pick a writable --out") from None


# ---------------------------------------------------------------- results (export / score-files)

RESULT_CSV_COLUMNS = ["rubric_version", "service", "id", "kind", "score", "grade", "cat_P", "cat_R", "cat_T",
                      "cat_A", "element", "category", "met", "hours", "ordinal", "document", "url", "snapshot",
                      "fetched_at", "quote", "status", "not_assessed_reason", "needs_review", "margin"]


def results_json(results: list[TargetResult], generated_at: str,
                 skipped: list[tuple[Path, str]] | None = None) -> dict:
    out = {"rubric_version": rubric.RUBRIC_VERSION, "generated_at": generated_at,
           "targets": [r.to_json() for r in sorted(results, key=lambda r: r.id)]}
    if skipped:
        out["skipped_files"] = [{"file": str(p), "error": msg} for p, msg in skipped]
    return out


def _num(v):
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


def result_rows(results: list[TargetResult]) -> list[list]:
    rows = []
    for r in sorted(results, key=lambda r: r.id):
        assessed = r.status == "assessed"
        cats = [_num(r.categories.get(c)) if assessed else None for c in "PRTA"]
        for el in rubric.ELEMENTS:
            er = r.elements[el.id]
            tail = [r.status, None if assessed else r.reason,
                    bool(er.needs_review) if er.met is not None else None, (er.margin or None) if er.met is not None else None]
            hours = " ".join(str(_num(h)) for h in er.hours) if el.id == "stated_response_time" else None
            head = [r.rubric_version, r.service, r.id, r.kind, _num(r.score) if assessed else None,
                    r.grade if assessed else None, *cats, el.id, el.category, er.met, hours or None]
            if not er.evidence:
                rows.append(head + [None] * 6 + tail)
            for i, ev in enumerate(er.evidence, start=1):
                rows.append(head + [i, ev.document, ev.url, ev.snapshot, ev.fetched_at, ev.quote] + tail)
    return rows


def results_csv(results: list[TargetResult]) -> str:
    return tabular.csv_text(RESULT_CSV_COLUMNS, result_rows(results))


def write_results(results: list[TargetResult], fmt: str, out: str | None, generated_at: str,
                  skipped: list[tuple[Path, str]] | None = None) -> None:
    """Write JSON or CSV to `out` ('-' or None = stdout)."""
    if fmt == "json":
        data = json.dumps(results_json(results, generated_at, skipped), ensure_ascii=False, indent=2) + "\n"
    elif fmt == "csv":
        data = results_csv(results)
    else:
        raise UserError(f"unknown format {fmt!r}: use json or csv")
    if out in (None, "-"):
        sys.stdout.write(data)
        return
    try:
        Path(out).write_text(data, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror or exc}") from None
