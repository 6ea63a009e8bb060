"""Dump every history decision of a generated OTA repository, to check that a change is neutral.

Builds the repository of `bench/bench_history.py` (small by default: 10 services × 50 commits),
imports it, runs `riskaudit.stages.history.sync` in this process and writes one JSON file holding
(keys sorted, so two runs compare byte for byte):
- every derived history row (document_versions, document_changes, element_states, element_flips),
  timestamps as ISO strings;
- for every state the engine scored, the whole result as `eval/dump_decisions.py` writes it
  (met, quotes, reason, margin, needs_review, concepts, per-quote rules and hours).

    python eval/dump_history.py /tmp/before.json && <change> && python eval/dump_history.py /tmp/after.json
    cmp /tmp/before.json /tmp/after.json
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_history import generate  # noqa: E402

import audits.engine as engine  # noqa: E402
from riskaudit import store  # noqa: E402
from riskaudit.stages.history import sync  # noqa: E402
from riskaudit.stages.imports import import_ota  # noqa: E402
from riskaudit.store import history as hs  # noqa: E402

_ORDER = {"document_versions": "target_id, document_key, seq", "document_changes": "target_id, change_at, document_key",
          "element_states": "target_id, as_of, element", "element_flips": "target_id, flip_at, element"}


def _plain(v):
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return v


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="JSON file to write")
    ap.add_argument("--services", type=int, default=10)
    ap.add_argument("--commits", type=int, default=50)
    args = ap.parse_args(argv)
    scored: list[dict] = []
    real = engine.audit_target

    def recording(*a, **kw):
        res = real(*a, **kw)
        scored.append(res.decisions_json())
        return res

    with tempfile.TemporaryDirectory(prefix="riskaudit-dump-history-") as tmp:
        repo, db = Path(tmp) / "versions", Path(tmp) / "history.duckdb"
        generate(repo, args.services, args.commits)
        con = store.connect(db)
        import_ota(con, repo, default_kind="social", score=False)
        engine.audit_target = recording          # the default scorer is looked up at call time
        t0 = time.perf_counter()
        try:
            totals = sync(con, workers=1)
        finally:
            engine.audit_target = real
        took = time.perf_counter() - t0
        out: dict = {"totals": totals, "scored_states": scored}
        for table in hs.DERIVED_TABLES:
            cur = con.execute(f"SELECT * FROM {table} ORDER BY {_ORDER[table]}")
            cols = [d[0] for d in cur.description]
            out[table] = [{c: _plain(v) for c, v in zip(cols, row)} for row in cur.fetchall()]
        con.close()
        subprocess.run(["rm", "-rf", str(repo)], check=True)
    Path(args.out).write_text(json.dumps(out, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n",
                              encoding="utf-8")
    print(f"dump_history: {totals}, sync {took:.1f} s -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
