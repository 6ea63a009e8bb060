"""Re-check an evidence WARC written by `riskaudit evidence` (or any WARC with riskaudit findings).

Checks, each failure one line naming the record:
- every record's block and payload digest (warcio's digest-verifying reader);
- each response's payload SHA-256 equals its WARC-Riskaudit-Snapshot-SHA256 (the store's snapshot);
- no response or resource record carries media (image/video/audio by type or by magic number);
- each finding's quote occurs in the text riskaudit's extraction gives for its response's payload;
- the manifest next to the file (`<name>-manifest.json`), when there is one, has the file's SHA-256.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from crawler.guards import media_content_type, media_magic
from riskaudit.core.errors import UserError
from riskaudit.evidence.warc import _file_sha256
from riskaudit.extract import extract


def _read_all(stream) -> bytes:
    parts = []
    while True:
        piece = stream.read(1 << 20)
        if not piece:
            break
        parts.append(piece)
    return b"".join(parts)


def _records(path: Path):
    try:
        with open(path, "rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for record in it:
                yield record, it
    except OSError as exc:
        raise UserError(f"{path}: cannot read ({exc.strerror})") from None
    except ArchiveLoadFailed as exc:
        raise UserError(f"{path}: not a readable WARC file ({str(exc).strip().splitlines()[0]})") from None


def verify(path: str | Path) -> dict:
    """Check the WARC at `path`; return counts {records, responses, findings, quotes_checked} or raise
    UserError with one line (the first problem, and how many there are)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such evidence file")
    problems: list[str] = []
    findings: list[tuple[str, dict]] = []
    responses: dict[str, tuple[str, str | None]] = {}     # record id -> (uri, content type)
    n = 0
    for record, _it in _records(path):
        n += 1
        rtype = record.rec_type
        rid = record.rec_headers.get_header("WARC-Record-ID") or f"#{n}"
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        payload = _read_all(record.content_stream())
        if record.digest_checker.passed is False:
            problems.append(f"record {rid} ({uri}): digest does not match ({'; '.join(record.digest_checker.problems)})")
            continue
        if rtype in ("response", "resource"):
            ctype = record.http_headers.get_header("Content-Type") if record.http_headers else \
                record.rec_headers.get_header("Content-Type")
            if media_content_type(ctype or "", uri) or media_magic(payload[:512]):
                problems.append(f"record {rid} ({uri}): media ({ctype}) in an evidence package")
            snap = record.rec_headers.get_header("WARC-Riskaudit-Snapshot-SHA256")
            if snap and hashlib.sha256(payload).hexdigest() != snap:
                problems.append(f"record {rid} ({uri}): payload SHA-256 differs from the stored snapshot {snap}")
            responses[rid] = (uri, ctype)
        elif rtype == "metadata" and record.rec_headers.get_header("WARC-Riskaudit-Metadata") == "finding":
            try:
                findings.append((rid, json.loads(payload.decode("utf-8"))))
            except (UnicodeDecodeError, ValueError):
                problems.append(f"record {rid} ({uri}): finding metadata is not JSON")
    if n == 0:
        raise UserError(f"{path}: no WARC records")
    wanted = {d.get("response_record") for _, d in findings} & set(responses)
    texts: dict[str, str] = {}
    if wanted:
        for record, _it in _records(path):
            rid = record.rec_headers.get_header("WARC-Record-ID")
            if rid in wanted and rid not in texts:
                uri, ctype = responses[rid]
                texts[rid] = extract(_read_all(record.content_stream()), content_type=ctype, url=uri).text or ""
            else:
                _read_all(record.content_stream())
    checked = 0
    for rid, d in findings:
        ref = d.get("response_record")
        label = f"finding {d.get('target_id')}/{d.get('element')} (record {rid})"
        if not ref or ref not in responses:
            problems.append(f"{label}: no response record to check its quote against")
            continue
        if ref not in texts:
            continue       # its response failed a digest check: already reported
        if d.get("document_url") and d["document_url"] != responses[ref][0]:
            problems.append(f"{label}: names {d['document_url']} but its response record is {responses[ref][0]}")
            continue
        if (d.get("quote") or "") not in texts[ref]:
            problems.append(f"{label}: quote not found in the text of {responses[ref][0]}")
            continue
        checked += 1
    manifest = _manifest_for(path)
    if manifest is not None:
        try:
            listed = {f["path"]: f["sha256"] for f in json.loads(manifest.read_text(encoding="utf-8"))["files"]}
        except (OSError, ValueError, KeyError, TypeError):
            problems.append(f"{manifest}: unreadable manifest")
        else:
            if path.name in listed and listed[path.name] != _file_sha256(path):
                problems.append(f"{path.name}: SHA-256 differs from {manifest.name}")
    if problems:
        more = f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})" if len(problems) > 1 else ""
        raise UserError(f"{path}: verification FAILED: {problems[0]}{more}")
    return {"records": n, "responses": len(responses), "findings": len(findings), "quotes_checked": checked,
            "manifest": str(manifest) if manifest else None}


def _manifest_for(path: Path) -> Path | None:
    name = path.name
    for suffix in (".warc.gz", ".warc"):
        if name.endswith(suffix):
            cand = path.with_name(name[: -len(suffix)] + "-manifest.json")
            return cand if cand.is_file() else None
    return None
