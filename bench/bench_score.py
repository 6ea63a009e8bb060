"""Benchmark: `score-files` over the whole dev text corpus (../shared/corpus/dev/text).

Runs the scoring in a child process so that its peak memory (ru_maxrss) is measured alone;
reports documents/s, MB/s (of extracted text) and peak memory; writes
bench/results/score.json. Aim: the whole dev corpus in under 20 s on 2 cores. Skips cleanly
(exit 0) when ../shared is absent. Options: --shared PATH.
"""
from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchlib import write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def child(corpus: str, kinds: str) -> None:
    from audits.engine import audit_target
    from riskaudit.core.text import slug
    from riskaudit.importers.files import load_corpus
    t0 = time.perf_counter()
    loaded = load_corpus(Path(corpus), Path(kinds))
    t1 = time.perf_counter()
    docs = chars = 0
    for service, kind, documents in loaded:
        docs += len(documents)
        chars += sum(len(d.text.encode("utf-8")) for d in documents)
        audit_target(documents, service=service, target_id=slug(service), kind=kind)
    t2 = time.perf_counter()
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"services": len(loaded), "documents": docs, "text_mb": chars / 1e6,
                      "load_s": t1 - t0, "audit_s": t2 - t1, "peak_mb": peak_kb / 1024}))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="score-files benchmark on the dev text corpus")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    dev = Path(args.shared) / "corpus" / "dev"
    if not (dev / "text").is_dir():
        print(f"bench_score: skipped: no corpus at {dev / 'text'} (pass --shared PATH)")
        return 0
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child", str(dev / "text"), str(dev / "kinds.csv")],
                         capture_output=True, text=True, check=True)
    wall = time.perf_counter() - t0
    fig = json.loads(out.stdout.strip().splitlines()[-1])
    total = fig["load_s"] + fig["audit_s"]
    result = {
        "benchmark": "score-files, dev text corpus",
        "services": fig["services"], "documents": fig["documents"], "text_mb": round(fig["text_mb"], 2),
        "load_extract_s": round(fig["load_s"], 2), "audit_s": round(fig["audit_s"], 2), "total_s": round(total, 2),
        "wall_s_with_startup": round(wall, 2),
        "documents_per_s": round(fig["documents"] / total, 1), "mb_per_s": round(fig["text_mb"] / total, 3),
        "peak_memory_mb": round(fig["peak_mb"], 1), "aim_s": 20, "ok": total < 20,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    print(f"score-files: {result['services']} services, {result['documents']} documents, {result['text_mb']} MB text")
    print(f"  load+extract {result['load_extract_s']} s, audit {result['audit_s']} s, total {result['total_s']} s "
          f"(aim < 20 s: {'ok' if result['ok'] else 'MISSED'})")
    print(f"  {result['documents_per_s']} documents/s, {result['mb_per_s']} MB/s, peak memory {result['peak_memory_mb']} MB")
    write_result("score", result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
