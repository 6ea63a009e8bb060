"""Dump the engine's decisions, quotes and deciding rules for the dev corpora and every rule case.

    python eval/compare_engines.py dump OUT.json [--shared PATH] [--rules DIR]
    python eval/compare_engines.py diff BEFORE.json AFTER.json

`dump` writes {"corpus/<text|html>": {service: {element: [met, [quotes], hours]}},
"cases": {case_key: [met, [quotes], hours]}} for every service of the dev text and html corpora
(labelled or not) and every case of the rule-case files (plus the legacy test tables when they
still exist). `diff` lists every difference; exit 1 when there is one. Used to prove that a
conversion of a detector into a data rule keeps decisions and quotes identical.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from audits.engine import audit_target  # noqa: E402
from audits.model import Document  # noqa: E402
from riskaudit.core.text import slug  # noqa: E402
from riskaudit.importers.files import load_corpus  # noqa: E402


def _el(er) -> list:
    return [er.met, [e.quote for e in er.evidence], [float(h) for h in er.hours]]


def _all_cases() -> list[tuple[str, str, str, str]]:
    """(key, element, kind, text) for every case we know of."""
    out = []
    try:
        from audits.rules.cases import load_all_cases
        for c in load_all_cases():
            out.append((f"{c.element}:{c.source}:{c.text[:80]}", c.element, c.kind, c.text))
    except ImportError:
        pass
    for modname, shape in (("test_audit_paraphrases", "ektx"), ("test_audit_blind", "ekxt"), ("test_audit_detectors", "ektx")):
        try:
            mod = importlib.import_module(modname)
        except Exception:
            continue
        for table in ("CASES", "MORE_CASES", "LANG_CASES", "EXTRA_CASES"):
            for c in getattr(mod, table, []):
                el, kind = c[0], c[1]
                text = c[2] if shape == "ektx" else c[3]
                out.append((f"{el}:{kind}:{text[:80]}", el, kind, text))
    return out


def _disable_prefilters() -> None:
    """Evaluate every clause (to prove that two engines decide alike, independent of pre-filters)."""
    import audits.engine as E
    E.gate_open = lambda rule, seg: True


def dump(out: Path, shared: Path, rules_dir: str | None, no_prefilter: bool = False) -> None:
    if no_prefilter:
        _disable_prefilters()
    kw = {"rules_dir": rules_dir} if rules_dir else {}
    res: dict = {}
    dev = shared / "corpus" / "dev"
    for name in ("text", "html"):
        folder = dev / name
        if not folder.is_dir():
            continue
        block = res[f"corpus/{name}"] = {}
        for service, kind, docs in load_corpus(folder, dev / "kinds.csv"):
            r = audit_target(docs, service=service, target_id=slug(service), kind=kind, **kw)
            block[service] = {k: _el(v) for k, v in r.elements.items()}
    cases = res["cases"] = {}
    seen = set()
    for key, el, kind, text in _all_cases():
        k = (kind, text)
        if k in seen:
            continue
        seen.add(k)
        r = audit_target([Document(name="Policy.md", text=text)], service="Example", target_id="example", kind=kind, **kw)
        cases[f"{kind}|{text}"] = {k2: _el(v) for k2, v in r.elements.items()}
    out.write_text(json.dumps(res, indent=1, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    print(f"{out}: {sum(len(v) for k, v in res.items() if k.startswith('corpus'))} services, {len(cases)} case texts")


def diff(a: Path, b: Path, only: set[str] | None = None) -> int:
    A, B = json.loads(a.read_text()), json.loads(b.read_text())
    n = 0
    common_cases = set(A.get("cases", {})) & set(B.get("cases", {}))
    for block in sorted(set(A) | set(B)):
        xa, xb = A.get(block, {}), B.get(block, {})
        keys = common_cases if block == "cases" else set(xa) | set(xb)
        for key in sorted(keys):
            ea, eb = xa.get(key, {}), xb.get(key, {})
            for el in sorted(set(ea) | set(eb)):
                if only and el not in only:
                    continue
                if ea.get(el) != eb.get(el):
                    n += 1
                    print(f"{block} / {key[:90]!r} / {el}:\n   before {json.dumps(ea.get(el), ensure_ascii=False)[:300]}\n   after  {json.dumps(eb.get(el), ensure_ascii=False)[:300]}")
    print(f"{n} differences ({len(common_cases)} case texts compared)")
    return 1 if n else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out")
    d.add_argument("--shared", default=str(ROOT.parent / "shared"))
    d.add_argument("--rules")
    d.add_argument("--no-prefilter", action="store_true", help="evaluate every clause (pre-filters off)")
    f = sub.add_parser("diff")
    f.add_argument("before")
    f.add_argument("after")
    f.add_argument("--element", action="append")
    args = ap.parse_args(argv)
    if args.cmd == "dump":
        dump(Path(args.out), Path(args.shared), args.rules, args.no_prefilter)
        return 0
    return diff(Path(args.before), Path(args.after), set(args.element) if args.element else None)


if __name__ == "__main__":
    sys.exit(main())
