"""Benchmark: riskaudit's HTML extraction against trafilatura (a maintained main-text extractor).

For every raw HTML page of ../shared/corpus/dev/html (else the project's HTML test fixtures), in
the same run: milliseconds per page of `riskaudit.extract.extract` and of `trafilatura.extract`
(same bytes; default trafilatura settings; one warm-up pass, then REPEAT timed calls each, median
of wall and CPU time), their ratio, and how far the two texts agree:

- token overlap: lower-cased word multisets, trafilatura's text scored against riskaudit's
  (precision = share of trafilatura's words also in ours, recall = share of ours it keeps), F1
  per page (1 when both are empty), and the share of pages with F1 >= 0.9;
- gold evidence quotes: the verbatim quotes of corpus/dev/labels/*.jsonl for the documents that
  have an HTML page (manifest.csv), and how many of them each extractor's text contains (both
  sides normalised: Markdown link targets and markers dropped, whitespace collapsed, case folded).

trafilatura is the `bench` extra (`pip install -e '.[bench]'`; `make bench` installs it); without
it, or without any page, the script says so in one line and exits 0. Writes
bench/results/extract_compare.json; no corpus text is stored, only counts.

    python bench/bench_extract_compare.py [--shared PATH] [--repeat N]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchlib import timed, write_result  # noqa: E402  (bench/ is on sys.path when run as a script)

from riskaudit.extract import extract  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "extract"
REPEAT = 5

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")         # [anchor](href) -> anchor
_MARKERS = re.compile(r"[*_`#>|\[\]]+")                 # emphasis, headings, quotes, table bars, stray brackets
_BULLET = re.compile(r"(?m)^\s*(?:[-+]|\d+[.)])\s+")    # list items
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Compare text, not markup: NFKC, Markdown links/markers/bullets dropped, whitespace collapsed, case folded."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    text = _BULLET.sub(" ", _LINK.sub(r"\1", text))
    text = _MARKERS.sub(" ", text)
    return " ".join(text.split()).casefold()


def token_agreement(reference: str, other: str) -> tuple[float, float, float]:
    """Precision, recall, F1 of `other`'s word multiset against `reference`'s (both normalised)."""
    ref, oth = Counter(_WORD.findall(reference)), Counter(_WORD.findall(other))
    if not ref and not oth:
        return 1.0, 1.0, 1.0                              # both empty: they agree
    common = sum((ref & oth).values())
    p = common / sum(oth.values()) if oth else 0.0
    r = common / sum(ref.values()) if ref else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def gold_quotes(dev: Path) -> dict[str, list[str]]:
    """Page path relative to dev/html -> the gold evidence quotes of that document."""
    pages: dict[tuple[str, str], str] = {}
    with (dev / "manifest.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["format"] == "html":
                pages[(row["service"], Path(row["document"]).stem)] = str(Path(row["path"]).relative_to("html"))
    quotes: dict[str, list[str]] = {}
    for f in sorted((dev / "labels").glob("*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            for ev in row.get("evidence") or []:
                page = pages.get((row["service"], Path(ev.get("document", "")).stem))
                if page and ev.get("quote"):
                    quotes.setdefault(page, []).append(ev["quote"])
    return quotes


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="path of the shared folder (default ../shared)")
    ap.add_argument("--repeat", type=int, default=REPEAT)
    args = ap.parse_args(argv)
    try:
        import trafilatura
    except ImportError:
        print("bench_extract_compare: skipped: trafilatura is not installed (pip install -e '.[bench]', or make bench)")
        return 0
    dev = Path(args.shared) / "corpus" / "dev"
    corpus = dev / "html"
    if corpus.is_dir():
        source, docs = corpus, sorted(p for p in corpus.rglob("*.html") if p.stat().st_size)
        quotes = gold_quotes(dev) if (dev / "labels").is_dir() and (dev / "manifest.csv").is_file() else {}
    else:
        print(f"bench_extract_compare: no corpus at {corpus} (pass --shared PATH); using the HTML test fixtures")
        source, docs, quotes = FIXTURES, sorted(FIXTURES.glob("*.html")), {}
    if not docs:
        print(f"bench_extract_compare: skipped: no HTML page under {source}")
        return 0
    bodies = {p: p.read_bytes() for p in docs}
    for body in bodies.values():                  # warm-up: language model, lxml, trafilatura's caches
        extract(body, content_type="text/html")
        trafilatura.extract(body)
    rows = []
    for p, body in bodies.items():
        ours_ms, ours_cpu, ours = timed(lambda: extract(body, content_type="text/html"), args.repeat)
        traf_ms, traf_cpu, theirs = timed(lambda: trafilatura.extract(body), args.repeat)
        ours_n, theirs_n = normalise(ours.text), normalise(theirs or "")
        prec, rec, f1 = token_agreement(ours_n, theirs_n)
        page_quotes = [normalise(q) for q in quotes.get(str(p.relative_to(source)), [])]
        rows.append({
            "doc": str(p.relative_to(source)), "kb": round(len(body) / 1024, 1),
            "riskaudit_ms": round(ours_ms, 1), "riskaudit_cpu_ms": round(ours_cpu, 1),
            "trafilatura_ms": round(traf_ms, 1), "trafilatura_cpu_ms": round(traf_cpu, 1),
            "riskaudit_words": len(_WORD.findall(ours_n)), "trafilatura_words": len(_WORD.findall(theirs_n)),
            "precision": round(prec, 3), "recall": round(rec, 3), "f1": round(f1, 3),
            "quotes": len(page_quotes),
            "quotes_in_riskaudit": sum(q in ours_n for q in page_quotes),
            "quotes_in_trafilatura": sum(q in theirs_n for q in page_quotes),
        })
    print(f"{'page':44} {'KB':>6} {'ours ms':>8} {'traf ms':>8} {'words':>7} {'traf w':>7} {'P':>5} {'R':>5} {'F1':>5} quotes")
    for r in rows:
        q = f"{r['quotes_in_riskaudit']}/{r['quotes_in_trafilatura']}/{r['quotes']}" if r["quotes"] else ""
        print(f"{r['doc'][:44]:44} {r['kb']:6.1f} {r['riskaudit_ms']:8.1f} {r['trafilatura_ms']:8.1f} "
              f"{r['riskaudit_words']:7} {r['trafilatura_words']:7} {r['precision']:5.2f} {r['recall']:5.2f} {r['f1']:5.2f} {q}")

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 1)

    n_quotes = sum(r["quotes"] for r in rows)
    summary = {
        "source": str(source),
        "pages": len(rows),
        "repeat": args.repeat,
        "trafilatura_version": trafilatura.__version__,
        "trafilatura_settings": "trafilatura.extract(body) with its defaults: txt output, links dropped, tables and comments kept",
        "riskaudit_median_ms": med("riskaudit_ms"), "riskaudit_median_cpu_ms": med("riskaudit_cpu_ms"),
        "trafilatura_median_ms": med("trafilatura_ms"), "trafilatura_median_cpu_ms": med("trafilatura_cpu_ms"),
        "riskaudit_total_cpu_ms": round(sum(r["riskaudit_cpu_ms"] for r in rows), 1),
        "trafilatura_total_cpu_ms": round(sum(r["trafilatura_cpu_ms"] for r in rows), 1),
        "median_precision": round(statistics.median(r["precision"] for r in rows), 3),
        "median_recall": round(statistics.median(r["recall"] for r in rows), 3),
        "median_f1": round(statistics.median(r["f1"] for r in rows), 3),
        "pages_f1_ge_0_9": sum(r["f1"] >= 0.9 for r in rows),
        "pages_empty_riskaudit": sum(not r["riskaudit_words"] for r in rows),
        "pages_empty_trafilatura": sum(not r["trafilatura_words"] for r in rows),
        "gold_quotes": n_quotes,
        "gold_quotes_in_riskaudit": sum(r["quotes_in_riskaudit"] for r in rows),
        "gold_quotes_in_trafilatura": sum(r["quotes_in_trafilatura"] for r in rows),
        "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "rows": rows,
    }
    summary["cpu_ratio_trafilatura_to_riskaudit"] = round(
        summary["trafilatura_total_cpu_ms"] / summary["riskaudit_total_cpu_ms"], 2) if summary["riskaudit_total_cpu_ms"] else None
    print(f"ms/page (median): riskaudit {summary['riskaudit_median_ms']} wall, {summary['riskaudit_median_cpu_ms']} CPU; "
          f"trafilatura {summary['trafilatura_median_ms']} wall, {summary['trafilatura_median_cpu_ms']} CPU; "
          f"total CPU ratio trafilatura/riskaudit {summary['cpu_ratio_trafilatura_to_riskaudit']}")
    print(f"agreement (trafilatura vs riskaudit words): median P {summary['median_precision']}, R {summary['median_recall']}, "
          f"F1 {summary['median_f1']}; F1 >= 0.9 on {summary['pages_f1_ge_0_9']}/{len(rows)} pages; "
          f"empty text: riskaudit {summary['pages_empty_riskaudit']}, trafilatura {summary['pages_empty_trafilatura']} pages")
    print(f"gold quotes found in riskaudit text {summary['gold_quotes_in_riskaudit']}/{n_quotes}, "
          f"in trafilatura text {summary['gold_quotes_in_trafilatura']}/{n_quotes}; "
          f"{len(rows)} pages from {source}; load average {summary['load_average_1min']}")
    write_result("extract_compare", summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
