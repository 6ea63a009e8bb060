"""Machine-readable exports of one scored run: CSV, JSON and Parquet copies of the same tables.

Tables (one row per …): `scores` (service), `elements` (service × element), `evidence` (quote).
CSV cells that a spreadsheet would read as a formula (text starting with = + - @, tab or carriage
return) get a leading apostrophe; JSON and Parquet keep the values exactly as stored.
`scores.json` has the shape of `riskaudit export`, built with the `audits.model` classes.
"""
from __future__ import annotations

import csv
import datetime as _dt
import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from audits.model import ElementResult, Evidence, TargetResult

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

SCORES_SCHEMA = pa.schema([
    ("service", pa.string()), ("id", pa.string()), ("kind", pa.string()), ("score", pa.float64()),
    ("grade", pa.string()), ("P", pa.float64()), ("R", pa.float64()), ("T", pa.float64()), ("A", pa.float64()),
    ("rubric_version", pa.string()), ("run_id", pa.int64()),
])
ELEMENTS_SCHEMA = pa.schema([
    ("service", pa.string()), ("element", pa.string()), ("category", pa.string()), ("met", pa.bool_()),
    ("quote_count", pa.int64()),
])
EVIDENCE_SCHEMA = pa.schema([
    ("service", pa.string()), ("element", pa.string()), ("document", pa.string()), ("url", pa.string()),
    ("snapshot", pa.string()), ("fetched_at", pa.timestamp("us", tz="UTC")), ("quote", pa.string()),
])


def csv_safe(value: Any) -> Any:
    """Neutralise spreadsheet formula injection: prefix risky text with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        return value.isoformat()
    return str(value)


def score_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"service": s["service"], "id": s["target_id"], "kind": s["kind"], "score": s["score"],
             "grade": s["grade"], **{c: s["categories"][c] for c in ("P", "R", "T", "A")},
             "rubric_version": s["rubric_version"], "run_id": data["run_id"]} for s in data["services"]]


def element_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"service": s["service"], "element": e["id"], "category": e["category"], "met": e["met"],
             "quote_count": len(e["evidence"])} for s in data["services"] for e in s["elements"]]


def evidence_rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"service": s["service"], "element": e["id"], "document": q["document"], "url": q["url"],
             "snapshot": q["snapshot"], "fetched_at": q["fetched_at"], "quote": q["quote"]}
            for s in data["services"] for e in s["elements"] for q in e["evidence"]]


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _dt.datetime):
        return _iso(value)
    return csv_safe(value)


def write_csv(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(schema.names)
        for row in rows:
            writer.writerow([_csv_cell(row[name]) for name in schema.names])


def write_parquet(path: Path, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(table, path, compression="zstd")


def target_results(data: dict[str, Any]) -> list[TargetResult]:
    """The run as `audits.model.TargetResult` objects (the shared export shape)."""
    out = []
    for s in data["services"]:
        elements = {}
        for e in s["elements"]:
            elements[e["id"]] = ElementResult(
                element=e["id"], met=e["met"], hours=list(e["hours"]), reason=e["reason"],
                evidence=[Evidence(document=q["document"], quote=q["quote"], url=q["url"], snapshot=q["snapshot"],
                                   fetched_at=_iso(q["fetched_at"])) for q in e["evidence"]])
        out.append(TargetResult(service=s["service"], id=s["target_id"], kind=s["kind"], score=s["score"],
                                grade=s["grade"], categories=dict(s["categories"]), elements=elements,
                                rubric_version=s["rubric_version"]))
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
                               ("evidence", evidence_rows(data), EVIDENCE_SCHEMA)):
        write_csv(out_dir / f"{name}.csv", rows, schema)
        write_parquet(out_dir / f"{name}.parquet", rows, schema)
        written += [out_dir / f"{name}.csv", out_dir / f"{name}.parquet"]
    path = out_dir / "scores.json"
    path.write_text(json.dumps(scores_json(data, generated_at), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    written.append(path)
    return written
