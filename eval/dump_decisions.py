"""Dump every decision of the audit engine on the dev corpora, to check that a change is neutral.

For every service of `../shared/corpus/dev/text` and `../shared/corpus/dev/html`, writes
`audit_target(...).to_json()` plus each element's reason, margin, needs_review, concepts and
per-quote rules/hours to one JSON file (keys sorted), so that two runs compare byte for byte:

    python eval/dump_decisions.py /tmp/before.json && <change> && python eval/dump_decisions.py /tmp/after.json
    cmp /tmp/before.json /tmp/after.json

`--cache FILE` keeps the loaded (extracted) documents in a pickle so that repeated runs time the
scoring only. Skips cleanly (exit 0) when the shared corpus is absent.
"""
from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audits.engine import audit_target  # noqa: E402
from riskaudit.core.text import slug  # noqa: E402
from riskaudit.importers.files import load_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="JSON file to write")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--cache", help="pickle of the loaded corpora (written if absent, read if present)")
    ap.add_argument("--corpus", choices=["text", "html", "both"], default="both")
    args = ap.parse_args(argv)
    dev = Path(args.shared) / "corpus" / "dev"
    if not dev.is_dir():
        print(f"dump_decisions: skipped: no corpus at {dev}")
        return 0
    names = ["text", "html"] if args.corpus == "both" else [args.corpus]
    cache = Path(args.cache) if args.cache else None
    if cache and cache.exists():
        loaded = pickle.loads(cache.read_bytes())
    else:
        loaded = {n: load_corpus(dev / n, dev / "kinds.csv") for n in names}
        if cache:
            cache.write_bytes(pickle.dumps(loaded))
    out: dict = {}
    for name in names:
        t0 = time.perf_counter()
        mb = 0.0
        out[name] = {}
        for service, kind, docs in loaded[name]:
            mb += sum(len(d.text.encode("utf-8")) for d in docs) / 1e6
            out[name][service] = audit_target(docs, service=service, target_id=slug(service), kind=kind).decisions_json()
        dt = time.perf_counter() - t0
        print(f"{name}: {len(out[name])} services, {mb:.2f} MB, {dt:.1f} s, {mb / dt:.3f} MB/s", file=sys.stderr)
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
