"""`riskaudit score-files`: score folders of policy files (`DIR/<service>/<files>`) without crawling.

Also holds the JSON/CSV writers shared with `riskaudit export`: JSON is
`{"rubric_version", "generated_at", "targets": [TargetResult.to_json(), …]}` (targets sorted by
id, quotes in rank order); CSV has one row per target × element × quote (an element without
evidence has one row with an empty quote).
"""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from audits import rubric
from audits.engine import audit_target
from audits.loaders import load_corpus, slug
from audits.model import TargetResult
from riskaudit.commands import add_command
from riskaudit.errors import UserError

CSV_COLUMNS = ["rubric_version", "service", "id", "kind", "score", "grade", "cat_P", "cat_R", "cat_T", "cat_A",
               "element", "category", "met", "hours", "ordinal", "document", "url", "snapshot", "fetched_at", "quote"]


def score_dir(root: Path, kinds_path: Path, only: set[str] | None = None,
              skipped: list[tuple[Path, str]] | None = None, rules_dir=None) -> list[TargetResult]:
    """Audit every service folder of `root` (kinds from `kinds_path`); results sorted by target id.
    Unreadable files raise UserError, or with a `skipped` list are recorded there and left out."""
    results = []
    ids: dict[str, str] = {}
    for service, kind, docs in load_corpus(root, kinds_path, only, skipped):
        tid = slug(service)
        if tid in ids:
            raise UserError(f"{root}: services {ids[tid]!r} and {service!r} have the same id {tid!r}; rename one folder")
        ids[tid] = service
        results.append(audit_target(docs, service=service, target_id=tid, kind=kind, rules_dir=rules_dir))
    return sorted(results, key=lambda r: r.id)


def results_json(results: list[TargetResult], generated_at: str,
                 skipped: list[tuple[Path, str]] | None = None) -> dict:
    out = {"rubric_version": rubric.RUBRIC_VERSION, "generated_at": generated_at,
           **({"rules_version": results[0].rules_version} if results and results[0].rules_version else {}),
           "targets": [r.to_json() for r in sorted(results, key=lambda r: r.id)]}
    if skipped:
        out["skipped_files"] = [{"file": str(p), "error": msg} for p, msg in skipped]
    return out


def _fmt_num(v) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else str(v)


def results_csv(results: list[TargetResult]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in sorted(results, key=lambda r: r.id):
        cats = [_fmt_num(r.categories.get(c)) for c in "PRTA"]
        for el in rubric.ELEMENTS:
            er = r.elements[el.id]
            met = "" if er.met is None else ("true" if er.met else "false")
            hours = " ".join(_fmt_num(h) for h in er.hours) if el.id == "stated_response_time" else ""
            head = [r.rubric_version, r.service, r.id, r.kind, _fmt_num(r.score), r.grade, *cats, el.id, el.category, met, hours]
            if not er.evidence:
                w.writerow(head + ["", "", "", "", "", ""])
            for i, ev in enumerate(er.evidence, start=1):
                w.writerow(head + [i, ev.document, ev.url or "", ev.snapshot or "", ev.fetched_at or "", ev.quote])
    return buf.getvalue()


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
        raise UserError(f"cannot write {out}: {exc}") from None


def run(args) -> int:
    from riskaudit.store import now_utc
    root = Path(args.dir)
    skipped: list[tuple[Path, str]] | None = None if args.strict else []
    from riskaudit.commands.score import _rules_dir
    results = score_dir(root, Path(args.kinds), skipped=skipped, rules_dir=_rules_dir(args))
    for path, msg in skipped or []:
        # the message already names the file; the other files of the service are still scored
        print(f"riskaudit score-files: warning: skipped unreadable file: {msg}", file=sys.stderr)
    write_results(results, args.format, args.out, now_utc().isoformat(timespec="seconds"), skipped)
    if args.out not in (None, "-"):
        print(f"scored {len(results)} services from {root} → {args.out}", file=sys.stderr)
    return 0


def register(subparsers) -> None:
    p = add_command(
        subparsers, "score-files",
        "Score folders of policy files (DIR/<service>/*.md|txt|html|htm|pdf) against the rubric, without crawling.",
        ["riskaudit score-files corpus/ --kinds kinds.csv --format json --out scores.json",
         "riskaudit score-files corpus/ --kinds kinds.csv --format csv --out -"],
        run)
    p.add_argument("dir", help="folder with one sub-folder per service holding its policy files")
    p.add_argument("--kinds", required=True,
                   help="CSV with header 'service,kind' (kind: social, dating, adult, host, ai_tool); every service folder must be listed")
    p.add_argument("--format", choices=["json", "csv"], default="json", help="output format (default json)")
    p.add_argument("--out", default=None, help="output file ('-' or omitted: standard output)")
    p.add_argument("--rules", default=None, metavar="DIR",
                   help="rules folder to score with (a copy of audits/rules; default: the built-in rules)")
    p.add_argument("--strict", action="store_true",
                   help="fail on the first unreadable file instead of skipping it with a warning "
                        "(skipped files are listed under 'skipped_files' in JSON)")
