"""Benchmark `build_report` on a synthetic store: 500 services × 20 elements with quoted evidence.

Generates the store (deterministic pseudo-random decisions; 2–3 quotes per met element, 3 documents,
crawl fetches and two report channels per service), times one `build_report`, and writes the
figures (seconds, output sizes, row counts) to bench/results/report.json.

    .venv/bin/python bench/bench_report.py [--services 500]
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchlib import write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

from audits import rubric  # noqa: E402
from reports.build import build_report  # noqa: E402
from riskaudit import store  # noqa: E402

WORDS = ("content intimate images consent report remove within hours account policy users service "
         "we may will not share post upload generate real people minors law enforcement notice").split()


def _sentence(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(18, 40))).capitalize() + "."


def make_store(path: Path, n_services: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    con = store.connect(path)
    started = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.timezone.utc)
    con.execute("INSERT INTO runs (run_id, kind, started_at, finished_at, status, tool_version) "
                "VALUES (1, 'crawl', ?, ?, 'finished', 'bench')", [started, started + dt.timedelta(hours=3)])
    targets, docs, fetches, chans, scores, elements, evidence = [], [], [], [], [], [], []
    categories: list[tuple] = []
    doc_id = 0
    for i in range(n_services):
        tid = f"svc-{i:04d}"
        kind = rubric.KINDS[i % len(rubric.KINDS)]
        base = f"https://{tid}.example.test"
        at = started + dt.timedelta(seconds=20 * i)
        targets.append((tid, f"Service {i:04d}", kind, base + "/"))
        my_docs = []
        for name in ("Terms of Service", "Community Guidelines", "Copyright Policy"):
            doc_id += 1
            url = f"{base}/{name.split()[0].lower()}"
            snap = store.sha256_hex(f"{tid}/{name}")
            my_docs.append((doc_id, name, url, snap))
            docs.append((doc_id, 1, tid, name, url, name, "text", snap, snap, at))
            fetches.append((1, tid, "document", url, 200, None, False, False, at))
        fetches.append((1, tid, "document", f"{base}/private", None, "robots", True, False, at))
        fetches.append((1, tid, "discovery", f"{base}/x.jpg", None, "media_refused", False, True, at))
        if i % 7 == 0:
            fetches.append((1, tid, "document", f"{base}/slow", None, "timeout", False, False, at))
        status = 404 if i % 11 == 0 else 200
        chans.append((1, tid, "ncii_form", f"{base}/report", status, i % 13 == 0, status == 200 and i % 13 != 0, at))
        chans.append((1, tid, "abuse_email", "mailto:abuse@example.test", None, None, None, at))
        decisions = {e.id: (rng.random() < 0.55) if rubric.applicable(e.id, kind) else None for e in rubric.ELEMENTS}
        cats = rubric.category_scores(decisions)
        score = rubric.overall_score(decisions)
        scores.append((1, tid, f"Service {i:04d}", kind, rubric.RUBRIC_VERSION, score, rubric.grade(score), at))
        categories.extend((1, tid, c, v) for c, v in cats.items())
        for e in rubric.ELEMENTS:
            met = decisions[e.id]
            hours = [24.0] if e.id == "stated_response_time" and met else None
            elements.append((1, tid, e.id, e.category, met, hours, rubric.RUBRIC_VERSION))
            if met:
                for ordinal in range(rng.randint(2, 3)):
                    d = my_docs[ordinal % len(my_docs)]
                    quote = _sentence(rng) if e.id != "stated_response_time" else "We act on reports within 24 hours."
                    evidence.append((1, tid, e.id, ordinal, d[0], d[1], d[2], d[3], at, quote))

    def insert(table: str, columns: str, rows: list[tuple]) -> None:
        names = [c.strip() for c in columns.split(",")]
        arrow = pa.Table.from_pylist([dict(zip(names, r)) for r in rows])
        con.register("_rows", arrow)
        con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _rows")
        con.unregister("_rows")

    insert("targets", "target_id, name, kind, homepage", targets)
    insert("documents", "document_id, run_id, target_id, name, url, title, text, text_sha256, snapshot_sha256, "
           "fetched_at", docs)
    insert("fetches", "run_id, target_id, purpose, url, status, error, robots_blocked, media_refused, fetched_at",
           fetches)
    insert("channel_checks", "run_id, target_id, channel_kind, url, status, login_required, ok, checked_at", chans)
    insert("scores", "run_id, target_id, service, kind, rubric_version, score, grade, scored_at", scores)
    insert("category_scores", "run_id, target_id, category, score", categories)
    insert("element_results", "run_id, target_id, element, category, met, hours, rubric_version", elements)
    insert("evidence", "run_id, target_id, element, ordinal, document_id, document, url, snapshot_sha256, "
           "fetched_at, quote", evidence)
    con.close()
    return {"services": n_services, "elements": len(elements), "quotes": len(evidence), "documents": len(docs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        counts = make_store(db, args.services)
        generate_s = time.perf_counter() - t0
        out = Path(tmp) / "out"
        t0 = time.perf_counter()
        html = build_report(str(db), str(out))
        build_s = time.perf_counter() - t0
        sizes = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    result = {
        "benchmark": "build_report", **counts,
        "generate_store_s": round(generate_s, 2), "build_report_s": round(build_s, 2),
        "report_html_bytes": sizes[html.name], "output_bytes": sizes,
        "target_s": 10.0, "within_target": build_s < 10.0,
    }
    write_result("report", result)
    print(f"build_report: {counts['services']} services, {counts['elements']} element results, "
          f"{counts['quotes']} quotes -> {build_s:.2f} s (target < 10 s); "
          f"report.html {sizes[html.name] / 1e6:.1f} MB; all outputs {sum(sizes.values()) / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
