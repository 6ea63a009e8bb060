"""Run the `policies` spider from Python: `run_crawl(...) -> run_id`.

Each call starts a child process (`python -m crawler.run`), because Twisted's reactor cannot
be restarted inside one process; so run_crawl can be called any number of times. The registry
is validated here first, and the child's errors come back as `UserError`.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from riskaudit.core.errors import UserError
from riskaudit.registry import load_registry


def crawl_command(registry_path, db_path, *, allow_private=False, target_ids=None,
                  settings=None, result_path="") -> list[str]:
    cmd = [sys.executable, "-m", "crawler.run", "--registry", str(registry_path), "--db", str(db_path),
           "--settings", json.dumps(settings or {}), "--result", str(result_path)]
    if allow_private:
        cmd.append("--allow-private")
    for target_id in target_ids or []:
        cmd += ["--target", target_id]
    return cmd


def run_crawl(registry_path: str, db_path: str, *, allow_private: bool = False,
              target_ids: list[str] | None = None, settings: dict | None = None,
              quiet: bool = True) -> int:
    """Crawl the registry's targets into the store at `db_path`; return the new run id.

    `settings` overrides Scrapy/riskaudit settings for this run (e.g. DOWNLOAD_TIMEOUT).
    With `quiet`, Scrapy's log is kept and shown only when the crawl fails.
    """
    registry = load_registry(registry_path)
    registry.select(target_ids)          # unknown ids fail before any fetch
    try:
        json.dumps(settings or {})
    except TypeError as exc:
        raise UserError(f"crawl settings must be JSON-serialisable: {exc}") from None
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="riskaudit-crawl-") as tmp:
        result_path = Path(tmp) / "result.json"
        cmd = crawl_command(registry_path, db_path, allow_private=allow_private, target_ids=target_ids,
                            settings=settings, result_path=result_path)
        env = dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings")
        root = str(Path(__file__).resolve().parent.parent)
        env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        if quiet:
            log_path = Path(tmp) / "crawl.log"
            with open(log_path, "wb") as log:
                proc = subprocess.run(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
            log_tail = log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-15:]
        else:
            proc = subprocess.run(cmd, env=env)
            log_tail = []
        result = json.loads(result_path.read_text()) if result_path.exists() else {}
    if "error" in result:
        raise UserError(result["error"] if proc.returncode == 2 else
                        f"crawl of {registry_path} failed: {result['error']}; " + " | ".join(log_tail[-5:]))
    if proc.returncode != 0 or "run_id" not in result:
        detail = " | ".join(line.strip() for line in log_tail[-5:]) or f"exit code {proc.returncode}"
        raise UserError(f"crawl of {registry_path} into {db_path} failed "
                        f"(run {result.get('run_id', '?')}, reason {result.get('finish_reason', '?')}): {detail}")
    return int(result["run_id"])
