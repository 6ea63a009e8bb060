"""Blind case sets: clauses written for the project, in its own words, by a reader who had not seen
the rules (eval/blind/*.yaml). Each case is one short text, an element, a kind and the expected
decision. Prints accuracy, false "met" and misses per set and per error class; `--json FILE`
writes every case's outcome (for before/after comparisons). Exit 0 always: a measurement.

    python eval/run_blind.py [eval/blind/blind2.yaml ...] [--json out.json] [--show]
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from audits.engine import audit_target  # noqa: E402
from audits.model import Document  # noqa: E402
from audits.rules import load_rules  # noqa: E402


def run(path: Path, rules) -> list[dict]:
    out = []
    for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
        res = audit_target([Document(name="case.md", text=case["text"])], service="Case", target_id="case",
                           kind=case["kind"], rules=rules)
        er = res.elements[case["element"]]
        got = "met" if er.met else "not_met"
        out.append({"id": case["id"], "element": case["element"], "class": case.get("class", ""),
                    "expect": case["expect"], "got": got, "ok": got == case["expect"],
                    "needs_review": getattr(er, "needs_review", None), "reason": er.reason[:160]})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", type=Path)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--show", action="store_true", help="print every wrong case")
    args = ap.parse_args(argv)
    sets = args.sets or sorted((ROOT / "eval" / "blind").glob("*.yaml"))
    rules = load_rules(None)
    allres = {}
    for path in sets:
        res = run(path, rules)
        allres[path.name] = res
        pos = [r for r in res if r["expect"] == "met"]
        neg = [r for r in res if r["expect"] == "not_met"]
        fm = [r for r in neg if not r["ok"]]
        print(f"{path.name}: {sum(r['ok'] for r in res)}/{len(res)} = {sum(r['ok'] for r in res) / len(res):.3f}; "
              f"met found {sum(r['ok'] for r in pos)}/{len(pos)}, false met {len(fm)}/{len(neg)}")
        by = collections.defaultdict(list)
        for r in res:
            by[r["class"]].append(r)
        for cls, rs in sorted(by.items()):
            bad = [r["id"] for r in rs if not r["ok"]]
            print(f"  {cls:32s} {sum(r['ok'] for r in rs):3d}/{len(rs):3d}" + (f"  wrong: {', '.join(bad)}" if bad else ""))
        flagged = [r for r in res if r["needs_review"]]
        if flagged:
            wrong_flagged = sum(not r["ok"] for r in flagged)
            print(f"  needs_review: {len(flagged)} flagged, {wrong_flagged} of the {sum(not r['ok'] for r in res)} wrong ones among them")
        if args.show:
            for r in res:
                if not r["ok"]:
                    print(f"  WRONG {r['id']} {r['element']} expect {r['expect']}: {r['reason']}")
    if args.json:
        args.json.write_text(json.dumps(allres, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
