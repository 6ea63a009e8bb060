"""Benchmark of riskaudit.extract: milliseconds per page on real policy pages.

Wall and CPU (process) time are both reported: the CPU figure is less disturbed by other jobs
on a shared machine. Uses ../shared/corpus/dev/html (raw HTML/PDF snapshots) when present, else the project's own
test fixtures. Each document is extracted REPEAT times after one warm-up pass (the first call
loads the language model, ~0.5 s, once per process). Prints a table and writes
bench/results/extract.json.

``--baseline DIR``: also time the HTML renderer of an earlier checkout (as for bench_score.py and
bench_history.py: ``git archive 5c43d89 | tar -x -C DIR`` is the former BeautifulSoup renderer)
on the same documents in the same run, interleaved, report both medians and whether the texts
are the same.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import timed, write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

import riskaudit.extract.html as html_module  # noqa: E402
from riskaudit.extract import extract  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "dev" / "html"
FIXTURES = ROOT / "tests" / "fixtures" / "extract"
REPEAT = 5


def documents(corpus: Path = CORPUS) -> tuple[str, list[Path]]:
    if corpus.is_dir():
        docs = sorted(p for p in corpus.rglob("*") if p.suffix in (".html", ".pdf") and p.stat().st_size)
        if docs:
            return str(corpus), docs
    return str(FIXTURES), sorted(FIXTURES.glob("*.html"))


def _time(body: bytes, ctype: str) -> tuple[float, float, object]:
    extract(body, content_type=ctype)          # warm-up (language model, caches)
    return timed(lambda: extract(body, content_type=ctype), REPEAT)


def _baseline_renderer(root: Path):
    """The `riskaudit/extract/html.py` module of the checkout `root`, loaded under another name
    (its own imports resolve to this checkout's package: the renderer is what is compared)."""
    import importlib.util
    path = root / "riskaudit" / "extract" / "html.py"
    if not path.is_file():
        raise SystemExit(f"bench_extract: {path}: not found; --baseline takes a checkout of riskaudit")
    spec = importlib.util.spec_from_file_location("baseline_html", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--baseline", help="a checkout of earlier code whose HTML renderer is timed alongside")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="path of the shared folder (default ../shared)")
    args = ap.parse_args(argv)
    lxml_renderer = html_module.html_to_text
    legacy = _baseline_renderer(Path(args.baseline)) if args.baseline else None
    source, docs = documents(Path(args.shared) / "corpus" / "dev" / "html")
    rows = []
    for p in docs:
        body = p.read_bytes()
        ctype = "application/pdf" if p.suffix == ".pdf" else "text/html"
        ms, cpu_ms, e = _time(body, ctype)
        row = {"doc": str(p.relative_to(p.parents[1])), "kind": p.suffix[1:],
               "kb": round(len(body) / 1024, 1), "ms": round(ms, 1), "cpu_ms": round(cpu_ms, 1),
               "text_chars": len(e.text)}
        if legacy is not None:
            html_module.html_to_text = legacy.html_to_text
            try:
                bms, bcpu, be = _time(body, ctype)
            finally:
                html_module.html_to_text = lxml_renderer
            row.update({"baseline_ms": round(bms, 1), "baseline_cpu_ms": round(bcpu, 1), "same_text": be.text == e.text})
        rows.append(row)
    html = [r for r in rows if r["kind"] == "html"]
    for r in rows:
        print(f"{r['doc'][:48]:48} {r['kind']:4} {r['kb']:8.1f} KB {r['ms']:8.1f} ms "
              f"{r['cpu_ms']:8.1f} cpu-ms {r['text_chars']:8} chars")
    summary = {
        "source": source,
        "documents": len(rows),
        "html_median_ms": round(statistics.median(r["ms"] for r in html), 1) if html else None,
        "html_ms_per_100kb": round(sum(r["ms"] for r in html) / sum(r["kb"] for r in html) * 100, 1)
        if html else None,
        "html_max_ms": max((r["ms"] for r in html), default=None),
        "html_median_cpu_ms": round(statistics.median(r["cpu_ms"] for r in html), 1) if html else None,
        "html_cpu_ms_per_100kb": round(sum(r["cpu_ms"] for r in html) / sum(r["kb"] for r in html) * 100, 1)
        if html else None,
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "rows": rows,
    }
    if legacy is not None and html:
        summary["baseline_html_median_ms"] = round(statistics.median(r["baseline_ms"] for r in html), 1)
        summary["baseline_html_median_cpu_ms"] = round(statistics.median(r["baseline_cpu_ms"] for r in html), 1)
        summary["same_text"] = sum(r["same_text"] for r in rows)
        print(f"baseline renderer ({args.baseline}): median {summary['baseline_html_median_ms']} ms/page wall "
              f"({summary['baseline_html_median_cpu_ms']} ms CPU); same text on {summary['same_text']} of {len(rows)}")
    print(f"HTML: median {summary['html_median_ms']} ms/page wall "
          f"({summary['html_median_cpu_ms']} ms CPU), {summary['html_ms_per_100kb']} ms per 100 KB "
          f"({summary['html_cpu_ms_per_100kb']} CPU), max {summary['html_max_ms']} ms; "
          f"{len(html)} pages from {source}; load average {summary['load_average_1min']}")
    write_result("extract", summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
