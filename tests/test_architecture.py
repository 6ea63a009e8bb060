"""The house rules that a reviewer would otherwise check by eye: SQL only in the store, and the
import layers (the same contract `make lint` runs with import-linter)."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("riskaudit", "crawler", "audits", "reports")


def _python_files():
    for pkg in PACKAGES:
        yield from sorted((ROOT / pkg).rglob("*.py"))


def test_sql_is_executed_only_in_the_store():
    offenders = []
    for path in _python_files():
        rel = path.relative_to(ROOT)
        if rel.parts[:2] == ("riskaudit", "store"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("execute", "executemany", "sql", "query")
                    and isinstance(node.func.value, (ast.Name, ast.Attribute))):
                name = node.func.value.id if isinstance(node.func.value, ast.Name) else node.func.value.attr
                if name in ("con", "conn", "connection", "db", "duckdb"):
                    offenders.append(f"{rel}:{node.lineno}")
    assert offenders == [], "SQL outside riskaudit/store: " + ", ".join(offenders)


def test_the_audit_engine_imports_no_storage_or_crawling():
    bad = []
    for path in sorted((ROOT / "audits").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for n in names:
                if n.split(".")[0] in ("duckdb", "scrapy", "crawler", "reports") or n.startswith(
                        ("riskaudit.store", "riskaudit.stages", "riskaudit.importers", "riskaudit.cli")):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {n}")
    assert bad == []


def test_the_layer_contract_holds():
    import subprocess
    import sys
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "0 broken" in proc.stdout
