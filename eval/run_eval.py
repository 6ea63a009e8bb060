"""`make eval`: accuracy of the audit engine against the gold labels of the dev corpus.

Scores `../shared/corpus/dev/text` (Markdown versions) and `../shared/corpus/dev/html` (raw
pages: measures extraction too) with `score-files` logic in-process, using `corpus/dev/kinds.csv`,
and compares with `corpus/dev/labels/*.jsonl` (one JSON line per service × element: met
true/false/null). Only labelled services are scored. Prints, per corpus: per-element
precision/recall/F1 (positive class = met), overall accuracy over all labelled pairs (null
compares with null), and every disagreement with its quote (ours for false positives, the gold
quote for false negatives). Asserts that every emitted quote is a verbatim substring of its
document's extracted text. Skips cleanly (exit 0) when the shared corpus is absent.

    python eval/run_eval.py [--shared PATH] [--json FILE] [--corpus text|html|both] [--quiet]
"""
from __future__ import annotations

import argparse
import json
import sys
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from audits import rubric  # noqa: E402
from audits.engine import audit_target  # noqa: E402
from riskaudit.core.text import slug  # noqa: E402
from riskaudit.importers.files import load_corpus  # noqa: E402


def load_labels(labels_dir: Path) -> dict[tuple[str, str], dict]:
    gold: dict[tuple[str, str], dict] = {}
    for f in sorted(labels_dir.glob("*.jsonl")):
        for lineno, line in enumerate(f.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            row = json.loads(line)
            row["batch"] = f.stem                      # D1..D5: the labels the rules were developed on; D6: new
            gold[(row["service"], row["element"])] = row
    return gold


def evaluate(corpus_dir: Path, kinds: Path, gold: dict) -> dict:
    services = {s for s, _ in gold}
    present = {p.name for p in corpus_dir.iterdir() if p.is_dir()} & services
    t0 = time.perf_counter()
    loaded = load_corpus(corpus_dir, kinds, only=present)
    results = {}
    texts = {}
    for service, kind, docs in loaded:
        results[service] = audit_target(docs, service=service, target_id=slug(service), kind=kind)
        texts[service] = {d.name: d.text for d in docs}
    elapsed = time.perf_counter() - t0
    per_el = {e: {"tp": 0, "fp": 0, "fn": 0, "tn": 0} for e in rubric.ELEMENT_IDS}
    agree = total = 0
    batches: dict[str, dict] = {}
    high = {"agree": 0, "total": 0}
    review = {"flagged": 0, "wrong_flagged": 0}
    disagreements = []
    quotes_checked = 0
    for (service, element), row in sorted(gold.items()):
        if service not in results:
            continue
        er = results[service].elements[element]
        for ev in er.evidence:
            quotes_checked += 1
            assert ev.quote in texts[service][ev.document], f"quote not verbatim in {service}/{ev.document}: {ev.quote!r}"
        ours, theirs = er.met, row["met"]
        total += 1
        review["flagged"] += bool(er.needs_review)
        review["wrong_flagged"] += bool(er.needs_review and ours != theirs)
        b = batches.setdefault(row["batch"], {"agree": 0, "total": 0, "services": set()})
        b["total"] += 1
        b["services"].add(service)
        if row.get("confidence") == "high":
            high["total"] += 1
        if ours == theirs:
            agree += 1
            b["agree"] += 1
            if row.get("confidence") == "high":
                high["agree"] += 1
        c = per_el[element]
        if theirs is True and ours is True:
            c["tp"] += 1
        elif theirs is True:
            c["fn"] += 1
        elif ours is True:
            c["fp"] += 1
        elif theirs is False:
            c["tn"] += 1
        if ours != theirs:
            if ours is True:
                q = er.evidence[0]
                quote, doc = q.quote, q.document
            else:
                ev = (row.get("evidence") or [{}])[0]
                quote, doc = ev.get("quote", ""), ev.get("document", "")
            disagreements.append({"service": service, "element": element, "ours": ours, "gold": theirs,
                                  "confidence": row.get("confidence"), "document": doc, "quote": quote,
                                  "reason": er.reason, "note": row.get("note", "")})
    figures = {}
    for e, c in per_el.items():
        p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else None
        r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else None
        f1 = 2 * p * r / (p + r) if p and r else (0.0 if (p is not None or r is not None) and c["tp"] == 0 and (c["fp"] or c["fn"]) else None)
        figures[e] = {**c, "positives": c["tp"] + c["fn"], "precision": p, "recall": r, "f1": f1}
    by_batch = {k: {"services": len(v["services"]), "pairs": v["total"], "accuracy": v["agree"] / v["total"]}
                for k, v in sorted(batches.items())}
    f1s = [x["f1"] for x in figures.values() if x["f1"] is not None]
    return {"services": len(results), "pairs": total, "accuracy": agree / total if total else None,
            "batches": by_batch, "high_confidence_accuracy": high["agree"] / high["total"] if high["total"] else None,
            "macro_f1": sum(f1s) / len(f1s) if f1s else None,
            "elements": figures, "disagreements": disagreements, "quotes_checked": quotes_checked,
            "needs_review": review, "seconds": round(elapsed, 2)}


def _f(v) -> str:
    return "  -  " if v is None else f"{v:.2f}"


def print_report(name: str, res: dict, quiet: bool) -> None:
    print(f"\n=== {name}: {res['services']} labelled services, {res['pairs']} (service, element) pairs, "
          f"{res['seconds']} s ===")
    print(f"accuracy {res['accuracy']:.3f}   quotes verbatim: {res['quotes_checked']}/{res['quotes_checked']}"
          + (f"   high-confidence labels {res['high_confidence_accuracy']:.3f}" if res["high_confidence_accuracy"] else "")
          + (f"   macro-F1 {res['macro_f1']:.2f}" if res["macro_f1"] is not None else ""))
    dev = [b for k, b in res["batches"].items() if k != "D6"]
    if len(res["batches"]) > 1:
        parts = []
        if dev:
            n, ok = sum(b["pairs"] for b in dev), sum(b["accuracy"] * b["pairs"] for b in dev)
            parts.append(f"D1-D5 (rules developed on these): {ok / n:.3f} on {n} pairs")
        for k, b in res["batches"].items():
            parts.append(f"{k} {b['accuracy']:.3f} ({b['services']} services)")
        print("by batch: " + "; ".join(parts))
    nr = res.get("needs_review")
    if nr and res["pairs"]:
        wrong = len(res["disagreements"])
        print(f"needs_review: {nr['flagged']} of {res['pairs']} decisions flagged ({nr['flagged'] / res['pairs']:.0%}); "
              f"they hold {nr['wrong_flagged']} of the {wrong} disagreements")
    accs = {e: (c["tp"] + c["tn"]) / n for e, c in res["elements"].items() if (n := c["tp"] + c["tn"] + c["fp"] + c["fn"])}
    if accs:
        low = min(accs, key=accs.get)
        print(f"lowest element accuracy: {low} {accs[low]:.3f}")
    print(f"{'element':38} {'pos':>4} {'tp':>3} {'fp':>3} {'fn':>3}  {'P':>5} {'R':>5} {'F1':>5} {'acc':>6}")
    for e, c in res["elements"].items():
        acc = f"{accs[e]:.3f}" if e in accs else "  -  "
        print(f"{e:38} {c['positives']:>4} {c['tp']:>3} {c['fp']:>3} {c['fn']:>3}  {_f(c['precision']):>5} {_f(c['recall']):>5} {_f(c['f1']):>5} {acc:>6}")
    if quiet:
        print(f"({len(res['disagreements'])} disagreements; run without --quiet to list them)")
        return
    print(f"\n--- {len(res['disagreements'])} disagreements ---")
    for d in res["disagreements"]:
        kind = "FP" if d["ours"] is True else ("FN" if d["gold"] is True else "≠")
        print(f"[{kind}] {d['service']} / {d['element']} (gold {d['gold']}, {d['confidence']}) — {d['document']}")
        print(textwrap.fill(d["quote"][:600], 110, initial_indent="    « ", subsequent_indent="      ") + " »")
        print(textwrap.fill("ours: " + d["reason"], 110, initial_indent="    ", subsequent_indent="      "))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="path of the shared folder (default ../shared)")
    ap.add_argument("--json", help="write the figures to this JSON file")
    ap.add_argument("--corpus", choices=["text", "html", "both"], default="both")
    ap.add_argument("--quiet", action="store_true", help="do not list disagreements")
    args = ap.parse_args(argv)
    dev = Path(args.shared) / "corpus" / "dev"
    if not (dev / "labels").is_dir():
        print(f"eval: skipped: no labelled corpus at {dev} (pass --shared PATH)")
        return 0
    gold = load_labels(dev / "labels")
    out = {}
    for name in (["text", "html"] if args.corpus == "both" else [args.corpus]):
        folder = dev / name
        if not folder.is_dir():
            print(f"eval: {folder} missing, skipped")
            continue
        res = evaluate(folder, dev / "kinds.csv", gold)
        print_report(name, res, args.quiet)
        out[name] = res
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nfigures written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
