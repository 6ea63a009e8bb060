"""Write the evidence of a stored run as a WARC file (ISO 28500 / WARC 1.1) with warcio.

Records, in order:
  warcinfo   the tool, the store, the run, the targets, what the file holds and what it never holds
  response   one per fetch whose body is stored (a 2xx text page): the stored headers (Content-Encoding,
             Transfer-Encoding and a wrong Content-Length renamed X-Archive-Orig-*: the body stored is
             the decoded one) and the stored snapshot as payload; WARC-Date is the fetch time,
             WARC-IP-Address the server address, WARC-Payload-Digest sha256 (warcio)
  request    its request, rebuilt from the stored request headers (WARC-Concurrent-To the response)
  metadata   per response: the exchange (HTTP version, TLS certificate, redirect origin, fetch row);
             per fetch without a stored body: its outcome (HTTP error, robots.txt, media refused:
             never a body byte); per finding: element, decision, review state, quote, linked to
             the response record by WARC-Refers-To; per target: every element decision (met, not met,
             not applicable) with its reason
The manifest (`<name>-manifest.json` and `.csv` next to the WARC) lists every file with its SHA-256.
Case-log rows are never part of a package (their content URLs stay hashed in the store).
"""
from __future__ import annotations

import hashlib
import io
import json
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.utils import Digester
from warcio.warcwriter import WARCWriter

from riskaudit import USER_AGENT, __version__
from riskaudit.core.clock import iso, now_utc, to_utc
from riskaudit.core.errors import UserError
from riskaudit.core.tabular import write_csv
from riskaudit.evidence import review_state, review_states
from riskaudit.store import Connection, get_snapshot
from riskaudit.store import evidence as ev_store
from riskaudit.store.runs import run_row

WARC_NAME = "evidence.warc.gz"
RENAMED_HEADERS = ("content-encoding", "transfer-encoding")
ORIG_PREFIX = "X-Archive-Orig-"
RISKAUDIT_PROFILE = "https://github.com/riskaudit/riskaudit#evidence"   # names the metadata JSON shapes


class _Sha256Writer(WARCWriter):
    """warcio's writer with SHA-256 block and payload digests (warcio's default is SHA-1)."""

    @staticmethod
    def _create_digester():
        return Digester("sha256")


def warc_date(value) -> str:
    return datetime_to_iso_date(to_utc(value).replace(tzinfo=None), use_micros=True)


def output_paths(out: str | Path) -> tuple[Path, Path, Path]:
    """(warc, manifest.json, manifest.csv) for --out DIR or --out FILE.warc.gz."""
    out = Path(out)
    if out.name.endswith((".warc.gz", ".warc")):
        warc = out
    else:
        warc = out / WARC_NAME
    stem = warc.name[: -len(".warc.gz")] if warc.name.endswith(".warc.gz") else warc.name[: -len(".warc")]
    return warc, warc.with_name(f"{stem}-manifest.json"), warc.with_name(f"{stem}-manifest.csv")


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def _one_line(text) -> str:
    """A header name or value as one line (a stored value with CR/LF must not forge header lines)."""
    return str(text).replace("\r", " ").replace("\n", " ")


def status_protocol(version: str | None) -> str:
    """The protocol of a rebuilt status line: HTTP/1.x as received, HTTP/2.0 for h2 (the real value is
    in the exchange metadata), HTTP/1.1 when unknown."""
    v = (version or "").strip()
    if v.upper().startswith("HTTP/"):
        return v.upper()
    if v.lower() in ("h2", "http2"):
        return "HTTP/2.0"
    return "HTTP/1.1"


def response_headers(stored: list | None, body: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """The HTTP headers of a rebuilt response: the stored ones, with the encodings of the wire
    (the stored body is decoded) and a Content-Length that does not match renamed X-Archive-Orig-*."""
    out: list[tuple[str, str]] = []
    length_seen = False
    for name, value in stored or []:
        name, value = _one_line(name), _one_line(value)
        low = name.lower()
        if low in RENAMED_HEADERS:
            out.append((ORIG_PREFIX + name, value))
        elif low == "content-length":
            if value.strip() == str(len(body)) and not length_seen:
                out.append((name, value))
                length_seen = True
            else:
                out.append((ORIG_PREFIX + name, value))
        else:
            out.append((name, value))
    if not stored and content_type:
        out.append(("Content-Type", content_type))
    if not length_seen:
        out.append(("Content-Length", str(len(body))))
    return out


def request_headers(stored: list | None, url: str) -> list[tuple[str, str]]:
    out = [(_one_line(n), _one_line(v)) for n, v in (stored or [])]
    if not any(n.lower() == "host" for n, _ in out):
        out.insert(0, ("Host", urlsplit(url).netloc))
    if not stored:
        out.append(("User-Agent", USER_AGENT))
    return out


def _request_line_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _json_bytes(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str, indent=1).encode("utf-8")


def _decision(met) -> str:
    return "not applicable" if met is None else ("met" if met else "not met")


def _fetch_summary(f: dict) -> dict:
    return {k: (iso(v, timespec="microseconds") if k == "fetched_at" else v) for k, v in f.items()
            if k not in ("request_headers",)}


def write_warc(con: Connection, run_id: int, out: str | Path, *, target_ids: list[str] | None = None,
               db_label: str = "") -> dict:
    """Write the WARC and its manifest for run `run_id`; return a summary
    {warc, manifest, records: {type: n}, responses, findings, media_refused, sha256}."""
    run = run_row(con, run_id)
    if run is None:
        raise UserError(f"{db_label or 'the database'}: run {run_id} does not exist (see the `runs` table)")
    warc_path, manifest_json, manifest_csv = output_paths(out)
    try:
        warc_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"{warc_path.parent}: cannot create the output folder ({exc.strerror})") from None
    fetches = ev_store.exchanges(con, run_id, target_ids)
    findings = ev_store.findings(con, run_id, target_ids)
    counts: dict[str, int] = {}
    by_snapshot: dict[tuple[str, str], dict] = {}     # (snapshot, url) -> response record info
    by_digest: dict[str, dict] = {}
    media = 0

    def put(writer, record) -> str:
        writer.write_record(record)
        kind = record.rec_headers.get_header("WARC-Type")
        counts[kind] = counts.get(kind, 0) + 1
        return record.rec_headers.get_header("WARC-Record-ID")

    def metadata(writer, uri: str, data: dict, date, refers_to: dict | None = None) -> str:
        headers = {"WARC-Date": warc_date(date), "Content-Type": "application/json",
                   "WARC-Riskaudit-Metadata": data["type"]}
        if refers_to:
            headers.update({"WARC-Refers-To": refers_to["id"], "WARC-Refers-To-Target-URI": refers_to["uri"],
                            "WARC-Refers-To-Date": refers_to["date"]})
        body = _json_bytes(data)
        return put(writer, writer.create_warc_record(uri, "metadata", payload=io.BytesIO(body), length=len(body),
                                                     warc_content_type="application/json", warc_headers_dict=headers))

    try:
        fh = open(warc_path, "wb")
    except OSError as exc:
        raise UserError(f"{warc_path}: cannot write the WARC ({exc.strerror})") from None
    with fh:
        writer = _Sha256Writer(fh, gzip=warc_path.name.endswith(".gz"), warc_version="1.1")
        info = {
            "software": f"riskaudit/{__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "description": "Policy pages of online services fetched by riskaudit (NCII policy audit), the "
                           "findings quoted from them, and the outcome of every fetch. Media (image, video, "
                           "audio) is never fetched or stored: refused media appears as metadata only.",
            "isPartOf": f"riskaudit run {run_id}",
            "riskaudit-run": str(run_id), "riskaudit-run-kind": str(run.get("kind")),
            "riskaudit-run-started": iso(run.get("started_at"), timespec="microseconds") or "",
            "riskaudit-run-status": str(run.get("status")),
            "riskaudit-registry-sha256": str(run.get("registry_sha256") or ""),
            "riskaudit-targets": ",".join(sorted({f["target_id"] for f in fetches if f["target_id"]})),
            "riskaudit-database": str(db_label), "riskaudit-review-state": "machine unless stated per finding",
            "http-header-user-agent": USER_AGENT, "robots": "obey",
            "created": warc_date(now_utc()),
        }
        put(writer, writer.create_warcinfo_record(warc_path.name, info))
        for f in fetches:
            uri = f["final_url"] or f["url"]
            body = get_snapshot(con, f["snapshot_sha256"]) if f["snapshot_sha256"] else None
            if body is None or f["media_refused"] or f["status"] is None:
                media += bool(f["media_refused"])
                kind = "media_refused" if f["media_refused"] else "fetch-outcome"
                data = {"type": kind, "profile": RISKAUDIT_PROFILE, "fetch": _fetch_summary(f),
                        "body": "never fetched or stored (media)" if f["media_refused"] else "not stored"}
                metadata(writer, f["url"] if f["url"].startswith(("http:", "https:")) else
                         f"urn:riskaudit:fetch:{f['fetch_id']}", data, f["fetched_at"])
                continue
            date = warc_date(f["fetched_at"])
            common = {"WARC-Date": date}
            if f["ip_address"]:
                common["WARC-IP-Address"] = f["ip_address"]
            resp_http = StatusAndHeaders(f"{f['status']} {_reason(int(f['status']))}",
                                         response_headers(f["response_headers"], body, f["content_type"]),
                                         protocol=status_protocol(f["http_version"]))
            resp = writer.create_warc_record(
                uri, "response", payload=io.BytesIO(body), length=len(body), http_headers=resp_http,
                warc_headers_dict=dict(common, **{"WARC-Riskaudit-Snapshot-SHA256": f["snapshot_sha256"],
                                                  "WARC-Riskaudit-Fetch-Id": str(f["fetch_id"]),
                                                  "WARC-Riskaudit-Target": f["target_id"] or ""}))
            req_http = StatusAndHeaders(f"GET {_request_line_target(uri)} HTTP/1.1",
                                        request_headers(f["request_headers"], uri), is_http_request=True)
            req = writer.create_warc_record(uri, "request", payload=io.BytesIO(b""), length=0,
                                            http_headers=req_http, warc_headers_dict=dict(common))
            writer.write_request_response_pair(req, resp)
            counts["response"] = counts.get("response", 0) + 1
            counts["request"] = counts.get("request", 0) + 1
            ref = {"id": resp.rec_headers.get_header("WARC-Record-ID"), "uri": uri, "date": date}
            by_snapshot.setdefault((f["snapshot_sha256"], uri), ref)
            by_digest.setdefault(f["snapshot_sha256"], ref)
            metadata(writer, uri, {"type": "exchange", "profile": RISKAUDIT_PROFILE, "fetch": _fetch_summary(f),
                                   "redirected_from": f["url"] if f["url"] != uri else None}, f["fetched_at"], ref)
        states = review_states(con, run_id)
        n_findings = 0
        for fd in findings:
            ref = by_snapshot.get((fd["snapshot_sha256"], fd["final_url"])) or by_digest.get(fd["snapshot_sha256"] or "")
            uri = fd["final_url"] or fd["url"] or f"urn:riskaudit:document:{fd['document_id']}"
            data = {"type": "finding", "profile": RISKAUDIT_PROFILE, "run_id": run_id,
                    "target_id": fd["target_id"], "service": fd["service"], "element": fd["element"],
                    "decision": _decision(fd["met"]), "review_state": review_state(fd, states), "quote": fd["quote"],
                    "rank": fd["ordinal"], "hours": fd["hours"], "document": fd["document"],
                    "document_url": uri, "snapshot_sha256": fd["snapshot_sha256"],
                    "fetched_at": iso(fd["fetched_at"], timespec="microseconds"),
                    "response_record": ref["id"] if ref else None}
            metadata(writer, uri, data, fd["fetched_at"] or run.get("started_at") or now_utc(), ref)
            n_findings += 1
        decisions: dict[str, list[dict]] = {}
        for r in ev_store.element_results(con, run_id, target_ids):
            decisions.setdefault(r["target_id"], []).append(r)
        for target_id, rows in decisions.items():
            data = {"type": "decisions", "profile": RISKAUDIT_PROFILE, "run_id": run_id, "target_id": target_id,
                    "service": rows[0]["service"], "status": rows[0]["status"],
                    "elements": [{"element": r["element"], "category": r["category"], "decision": _decision(r["met"]),
                                  "hours": r["hours"], "reason": r["reason"], "review_state": review_state(r, states)}
                                 for r in rows]}
            metadata(writer, f"urn:riskaudit:run:{run_id}:target:{target_id}", data, run.get("started_at") or now_utc())
    digest = _file_sha256(warc_path)
    files = [{"path": warc_path.name, "sha256": digest, "bytes": warc_path.stat().st_size}]
    write_manifest(manifest_json, manifest_csv, files, run_id=run_id, counts=counts)
    return {"warc": warc_path, "manifest": manifest_json, "manifest_csv": manifest_csv, "records": counts,
            "responses": counts.get("response", 0), "findings": n_findings, "media_refused": media,
            "sha256": digest}


def write_manifest(path_json: Path, path_csv: Path, files: list[dict], *, run_id: int, counts: dict) -> None:
    data = {"tool": f"riskaudit/{__version__}", "created": iso(now_utc()), "run_id": run_id,
            "records": counts, "files": files}
    try:
        path_json.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        write_csv(path_csv, ["path", "sha256", "bytes"], files)
    except OSError as exc:
        raise UserError(f"{path_json.parent}: cannot write the manifest ({exc.strerror})") from None


def add_to_manifest(path_json: Path, path_csv: Path, extra: Path) -> None:
    """Add a file made from the WARC (the WACZ) to the manifest."""
    data = json.loads(path_json.read_text(encoding="utf-8"))
    data["files"] = [f for f in data["files"] if f["path"] != extra.name] + [
        {"path": extra.name, "sha256": _file_sha256(extra), "bytes": extra.stat().st_size}]
    write_manifest(path_json, path_csv, data["files"], run_id=data["run_id"], counts=data["records"])


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
