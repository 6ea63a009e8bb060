"""Benchmark: import + Kaplan–Meier summary of a 1,000,000-case log over 200 targets.

Generates the CSV with DuckDB into a temp dir (deterministic: hash-based pseudo-random values),
creates the 200 targets, then runs the import and the summary in a child process so that its
peak memory (ru_maxrss) is measured alone. Prints the figures and writes
bench/results/cases.json. Aims: under 30 s and under 2 GB. Options: --rows N, --targets N.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHANNELS = ["ncii_form", "copyright", "in_app", "email", "other"]


def generate(csv_path: Path, db_path: Path, rows: int, targets: int) -> None:
    import duckdb

    from riskaudit.store import connect, now_utc
    con = connect(db_path)
    con.executemany(
        "INSERT INTO targets (target_id, name, kind, jurisdictions, updated_at) VALUES (?, ?, 'social', ['US'], ?)",
        [[f"svc{i:03d}", f"Service {i:03d}", now_utc()] for i in range(targets)])
    con.close()
    gen = duckdb.connect()
    gen.execute("SET TimeZone = 'UTC'")
    channels = "[" + ", ".join(f"'{c}'" for c in CHANNELS) + "]"
    # u1..u4: uniform [0,1) from hashes of the row number; durations ~ exponential, in minutes
    gen.execute(f"""
        COPY (
          WITH r AS (
            SELECT i, (hash(i) % 1000000) / 1e6 AS u1, (hash(i + 7919) % 1000000) / 1e6 AS u2,
                      (hash(i * 31 + 3) % 1000000) / 1e6 AS u3, (hash(i * 17 + 11) % 1000000) / 1e6 AS u4
            FROM range({rows}) t(i)),
          c AS (
            SELECT i, 'svc' || lpad(CAST(i % {targets} AS VARCHAR), 3, '0') AS target,
                   {channels}[1 + CAST(floor(u3 * 5) AS INTEGER)] AS channel,
                   TIMESTAMPTZ '2026-01-01 00:00:00+00' + to_minutes(CAST(u1 * 240 * 1440 AS BIGINT)) AS sub,
                   u2, u3, u4
            FROM r),
          d AS (
            SELECT *, sub + to_minutes(CAST(-ln(1 - u2) * (600 + 300 * (i % {targets} % 7)) AS BIGINT) + 1) AS t_end,
                   CASE WHEN u4 < 0.7 THEN 'removed' WHEN u4 < 0.8 THEN 'refused'
                        WHEN u4 < 0.9 THEN 'no_response' ELSE 'pending' END AS outcome
            FROM c)
          SELECT 'C' || lpad(CAST(i AS VARCHAR), 8, '0') AS case_id, target, channel,
                 strftime(sub, '%Y-%m-%dT%H:%M:%SZ') AS submitted_at,
                 CASE WHEN u3 * 10 % 1 < 0.8 THEN strftime(sub + INTERVAL 30 MINUTE, '%Y-%m-%dT%H:%M:%S+00:00') END AS acknowledged_at,
                 CASE WHEN outcome = 'removed' THEN strftime(t_end, '%Y-%m-%dT%H:%M:%SZ') END AS removed_at,
                 CASE WHEN outcome IN ('refused', 'no_response') THEN strftime(t_end, '%Y-%m-%dT%H:%M:%SZ') END AS closed_at,
                 outcome, 'US' AS jurisdiction, 'https://example.invalid/c/' || i AS content_url
          FROM d ORDER BY i
        ) TO '{csv_path}' (HEADER, DELIMITER ',')""")
    gen.close()


def run_child(csv_path: str, db_path: str) -> dict:
    import audits.survival as survival
    from riskaudit.importers.cases import import_cases_csv
    from riskaudit.store import connect
    con = connect(db_path)
    t0, c0 = time.perf_counter(), time.process_time()
    n = import_cases_csv(con, csv_path)
    t1, c1 = time.perf_counter(), time.process_time()
    summary = survival.summarize(con, as_of="2026-10-01T00:00:00Z")
    t2, c2 = time.perf_counter(), time.process_time()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    con.close()
    return {"rows_imported": n, "import_seconds": round(t1 - t0, 2), "import_cpu_seconds": round(c1 - c0, 2),
            "summary_seconds": round(t2 - t1, 2), "summary_cpu_seconds": round(c2 - c1, 2),
            "groups": len(summary["groups"]), "peak_rss_mb": round(rss, 1)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--targets", type=int, default=200)
    ap.add_argument("--child", nargs=2, metavar=("CSV", "DB"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(run_child(*args.child)))
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_cases_") as tmp:
        csv_path, db_path = Path(tmp) / "cases.csv", Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        generate(csv_path, db_path, args.rows, args.targets)
        gen_s = time.perf_counter() - t0
        size_mb = csv_path.stat().st_size / 1e6
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child", str(csv_path), str(db_path)],
                             check=True, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = __import__("os").getloadavg()[0]
        child = json.loads(out.stdout.strip().splitlines()[-1])
    result = {
        "benchmark": "cases import + summary", "rows": args.rows, "targets": args.targets,
        "csv_mb": round(size_mb, 1), "generate_seconds": round(gen_s, 2), **child,
        "import_plus_summary_seconds": round(child["import_seconds"] + child["summary_seconds"], 2),
        "child_wall_seconds": round(wall, 2),
        "largest_child_rss_mb": round(after.ru_maxrss / 1024, 1),
        "load_average_1min_after": round(load, 2),
        "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cpu, Python {platform.python_version()}",
        "aim": "import + summary < 30 s, peak RSS < 2048 MB",
    }
    result["meets_aim"] = result["import_plus_summary_seconds"] < 30 and child["peak_rss_mb"] < 2048
    for k, v in result.items():
        print(f"{k}: {v}")
    write_result("cases", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
