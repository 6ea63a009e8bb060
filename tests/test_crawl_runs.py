"""Runs: re-running appends a new run and keeps earlier rows; a crashed or failed crawl leaves
earlier runs intact and is reported as a UserError; the `riskaudit crawl` command and
`scrapy crawl policies` entry points."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.runner import run_crawl
from riskaudit import store
from riskaudit.cli import main
from riskaudit.core.errors import UserError
from tests.support.testsite import CountingServer, Route, policy_page

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RISKAUDIT_RETRY_BACKOFF_BASE": 0,
        "DOWNLOAD_TIMEOUT": 5}
CRASHY = "tests.support.testsite.CrashAfterPipeline"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    routes = {"/robots.txt": Route(body="User-agent: *\nAllow: /\n", content_type="text/plain")}
    for i in range(12):
        routes[f"/p{i}"] = Route(body=policy_page(f"Policy {i}", seed=i, size_kb=3))
    tmp = tmp_path_factory.mktemp("runs")
    with CountingServer(routes) as srv:
        docs = "".join(f"      - {{type: p{i}, url: '{srv.url(f'/p{i}')}'}}\n" for i in range(12))
        reg = tmp / "reg.yaml"
        reg.write_text("targets:\n  - id: alpha\n    name: Alpha\n    kind: dating\n    documents:\n" + docs
                       + "  - id: beta\n    name: Beta\n    kind: adult\n"
                       f"    documents:\n      - {{type: terms, url: '{srv.url('/p0')}'}}\n", encoding="utf-8")
        yield srv, reg


def counts(db):
    con = store.connect(db, read_only=True)
    try:
        return {
            "runs": con.execute("SELECT run_id, status FROM runs ORDER BY run_id").fetchall(),
            "fetches": dict(con.execute("SELECT run_id, count(*) FROM fetches GROUP BY 1").fetchall()),
            "documents": dict(con.execute("SELECT run_id, count(*) FROM documents GROUP BY 1").fetchall()),
            "snapshots": con.execute("SELECT count(*) FROM snapshots").fetchone()[0],
        }
    finally:
        con.close()


def test_rerun_appends_and_crash_keeps_earlier_runs(site, tmp_path):
    srv, reg = site
    db = tmp_path / "runs.duckdb"
    first = run_crawl(str(reg), str(db), allow_private=True, settings=FAST)
    after_first = counts(db)
    assert after_first["runs"] == [(first, "finished")]
    assert after_first["documents"][first] == 13 and after_first["fetches"][first] == 14  # + robots.txt

    second = run_crawl(str(reg), str(db), allow_private=True, settings=FAST)
    after_second = counts(db)
    assert second > first and after_second["runs"] == [(first, "finished"), (second, "finished")]
    assert after_second["documents"] == {first: 13, second: 13}
    assert after_second["snapshots"] == after_first["snapshots"]        # content-addressed: no duplicates

    with pytest.raises(UserError, match="failed"):
        run_crawl(str(reg), str(db), allow_private=True,
                  settings=dict(FAST, ITEM_PIPELINES={"crawler.pipelines.DuckDBPipeline": 300, CRASHY: 900},
                                RISKAUDIT_TEST_CRASH_AFTER=5))
    after_crash = counts(db)
    crashed = after_crash["runs"][-1]
    assert crashed[1] == "running"                                      # killed: never finished
    assert after_crash["runs"][:2] == after_second["runs"]
    assert {k: v for k, v in after_crash["documents"].items() if k != crashed[0]} == {first: 13, second: 13}

    with pytest.raises(UserError, match="simulated_failure"):
        run_crawl(str(reg), str(db), allow_private=True,
                  settings=dict(FAST, CONCURRENT_REQUESTS=1,
                                ITEM_PIPELINES={"crawler.pipelines.DuckDBPipeline": 300, CRASHY: 900},
                                RISKAUDIT_TEST_CLOSE_AFTER=2))
    after_fail = counts(db)
    assert after_fail["runs"][-1][1] == "failed"
    assert after_fail["documents"][first] == 13 and after_fail["documents"][second] == 13

    third = run_crawl(str(reg), str(db), allow_private=True, settings=FAST, target_ids=["beta"])
    final = counts(db)
    assert final["runs"][-1] == (third, "finished") and final["documents"][third] == 1


def test_crawl_command(site, tmp_path, capsys):
    srv, reg = site
    db = tmp_path / "cli.duckdb"
    # --allow-private is needed for a local site; without it every fetch is refused (tested elsewhere)
    assert main(["crawl", "--registry", str(reg), "--db", str(db), "--allow-private", "--target", "beta"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("run 1:") and "1 documents for 1 targets" in out and str(db) in out
    assert main(["crawl", "--registry", str(reg), "--db", str(db), "--target", "gamma"]) == 2
    err = capsys.readouterr().err
    assert "unknown target id(s) gamma" in err and "alpha, beta" in err


def test_scrapy_crawl_entry_point(site, tmp_path):
    srv, reg = site
    db = tmp_path / "scrapy.duckdb"
    proc = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "policies", "-a", f"registry={reg}", "-a", f"db={db}",
         "-a", "allow_private=1", "-a", "targets=beta", "-s", "AUTOTHROTTLE_ENABLED=0", "-s", "DOWNLOAD_DELAY=0",
         "-s", "LOG_LEVEL=WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert counts(db)["documents"] == {1: 1}


def test_locked_database_is_a_user_error(site, tmp_path):
    srv, reg = site
    db = tmp_path / "locked.duckdb"
    holder = store.connect(db)            # another writer holds DuckDB's file lock
    try:
        with pytest.raises(UserError, match="cannot open database .*locked.duckdb"):
            run_crawl(str(reg), str(db), allow_private=True, settings=FAST, target_ids=["beta"])
    finally:
        holder.close()
