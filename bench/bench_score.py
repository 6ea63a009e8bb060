"""Benchmark: `score-files` over the whole dev text corpus (../shared/corpus/dev/text).

Runs the scoring in child processes so that each one's peak memory (ru_maxrss) is measured
alone; reports documents/s, MB/s (of extracted text) and peak memory for the engine in one
process (jobs=1) and in two worker processes (jobs=2, `riskaudit score --jobs 2`), and with
`--baseline DIR` (a checkout of an earlier commit, e.g. `git archive main | tar -x -C DIR`) the
same figures for that code in the same run, as ratios (the machine's load cancels out). Writes
bench/results/score.json. Aim: the whole dev corpus in under 20 s on 2 cores. Skips cleanly
(exit 0) when ../shared is absent. Options: --shared PATH, --baseline DIR, --rounds N.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchlib import write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent


def child(corpus: str, kinds: str, jobs: int, code_root: str) -> None:
    sys.path.insert(0, code_root)
    from audits.engine import audit_target
    from riskaudit.core.text import slug
    from riskaudit.importers.files import load_corpus
    t0 = time.perf_counter()
    loaded = load_corpus(Path(corpus), Path(kinds))
    t1 = time.perf_counter()
    c1 = time.process_time()
    docs = sum(len(d) for _, _, d in loaded)
    chars = sum(len(d.text.encode("utf-8")) for _, _, ds in loaded for d in ds)
    if jobs == 1:
        for service, kind, documents in loaded:
            audit_target(documents, service=service, target_id=slug(service), kind=kind)
    else:
        from riskaudit.stages.score import audit_many
        audit_many([(documents, service, slug(service), kind) for service, kind, documents in loaded], jobs=jobs)
    t2 = time.perf_counter()
    c2 = time.process_time()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({"worker_peak_mb": worker_kb / 1024, "services": len(loaded), "documents": docs, "text_mb": chars / 1e6,
                      "load_s": t1 - t0, "audit_s": t2 - t1, "audit_cpu_s": c2 - c1, "peak_mb": peak_kb / 1024}))


def _run(dev: Path, jobs: int, code_root: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(code_root))
    out = subprocess.run([sys.executable, __file__, "--child", str(dev / "text"), str(dev / "kinds.csv"), str(jobs), str(code_root)],
                         capture_output=True, text=True, check=True, env=env, cwd=str(code_root))
    return json.loads(out.stdout.strip().splitlines()[-1])


def _figures(fig: dict) -> dict:
    return {"audit_s": round(fig["audit_s"], 2), "audit_mb_per_s": round(fig["text_mb"] / fig["audit_s"], 3),
            "load_extract_s": round(fig["load_s"], 2), "total_s": round(fig["load_s"] + fig["audit_s"], 2),
            "mb_per_s": round(fig["text_mb"] / (fig["load_s"] + fig["audit_s"]), 3),
            "documents_per_s": round(fig["documents"] / (fig["load_s"] + fig["audit_s"]), 1),
            "peak_memory_mb": round(fig["peak_mb"], 1), "worker_peak_memory_mb": round(fig.get("worker_peak_mb", 0), 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="score-files benchmark on the dev text corpus")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--baseline", help="a checkout of earlier code to measure side by side (jobs=1)")
    ap.add_argument("--rounds", type=int, default=1, help="alternate the contenders N times, keep each one's best")
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]), args.child[3])
        return 0
    dev = Path(args.shared) / "corpus" / "dev"
    if not (dev / "text").is_dir():
        print(f"bench_score: skipped: no corpus at {dev / 'text'} (pass --shared PATH)")
        return 0
    contenders = {"jobs1": (1, ROOT), "jobs2": (2, ROOT)}
    if args.baseline:
        contenders = {"baseline_jobs1": (1, Path(args.baseline).resolve()), **contenders}
    best: dict[str, dict] = {}
    for _ in range(max(1, args.rounds)):
        for name, (jobs, code) in contenders.items():
            fig = _run(dev, jobs, code)
            if name not in best or fig["audit_s"] < best[name]["audit_s"]:
                best[name] = fig
    any_fig = next(iter(best.values()))
    result = {
        "benchmark": "score-files, dev text corpus",
        "services": any_fig["services"], "documents": any_fig["documents"], "text_mb": round(any_fig["text_mb"], 2),
        **{name: _figures(fig) for name, fig in best.items()},
        "jobs2_vs_jobs1": round(best["jobs1"]["audit_s"] / best["jobs2"]["audit_s"], 2),
        "aim_s": 20, "ok": best["jobs1"]["load_s"] + best["jobs1"]["audit_s"] < 20,
        "load_average": os.getloadavg()[0], "cpus": os.cpu_count(),
        "python": platform.python_version(), "machine": platform.machine(),
    }
    if "baseline_jobs1" in best:
        b = best["baseline_jobs1"]
        result["baseline"] = str(args.baseline)
        result["jobs1_vs_baseline"] = round(b["audit_s"] / best["jobs1"]["audit_s"], 2)
        result["jobs1_vs_baseline_cpu"] = round(b["audit_cpu_s"] / best["jobs1"]["audit_cpu_s"], 2)
        result["jobs2_vs_baseline"] = round(b["audit_s"] / best["jobs2"]["audit_s"], 2)
    print(f"score-files: {result['services']} services, {result['documents']} documents, {result['text_mb']} MB text")
    for name in best:
        f = result[name]
        print(f"  {name:15} audit {f['audit_s']:6.2f} s = {f['audit_mb_per_s']:.3f} MB/s; load+extract {f['load_extract_s']} s; "
              f"peak memory {f['peak_memory_mb']} MB")
    print(f"  jobs=2 vs jobs=1: {result['jobs2_vs_jobs1']}x" +
          (f"; jobs=1 vs baseline: {result['jobs1_vs_baseline']}x (CPU time {result['jobs1_vs_baseline_cpu']}x), "
           f"jobs=2 vs baseline: {result['jobs2_vs_baseline']}x" if "baseline" in result else ""))
    print(f"  aim < 20 s (load + audit, jobs=1): {'ok' if result['ok'] else 'MISSED'}; load average {result['load_average']:.1f}")
    write_result("score", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
