"""Scale-out (docs/scaling.md): a shared frontier on a real redis-server, two workers on a
310-page local site, one killed with SIGKILL mid-crawl, the other finishing alone, and the ingest
storing every page exactly once. Skipped only when no `redis-server` binary exists."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from riskaudit import store
from riskaudit.cli import main
from tests.support.redis_server import RedisServer, redis_server_binary
from tests.support.testsite import CountingServer, Route, policy_page

pytestmark = pytest.mark.slow
needs_redis = pytest.mark.skipif(redis_server_binary() is None,
                                 reason="no redis-server binary (apt-get install redis-server) for the frontier tests")

ROOT = Path(__file__).resolve().parent.parent
N_TARGETS, N_DOCS = 10, 29          # + a homepage and one discovered page each: 310 pages
WORKER_SETTINGS = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RISKAUDIT_RETRY_BACKOFF_BASE": 0,
                   "DOWNLOAD_TIMEOUT": 10, "CONCURRENT_REQUESTS": 8, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
                   "RISKAUDIT_EXTRACT_WORKERS": 0, "RISKAUDIT_FRONTIER_LEASE": 3, "LOG_LEVEL": "INFO"}


def site_routes() -> dict:
    routes = {"/robots.txt": Route(body="User-agent: *\nAllow: /\n", content_type="text/plain")}
    for t in range(N_TARGETS):
        for d in range(N_DOCS):
            routes[f"/t{t}/doc{d}"] = Route(body=policy_page(f"Policy {t}-{d}", seed=t * 100 + d, size_kb=3),
                                            delay=0.01)
        routes[f"/t{t}/community-guidelines"] = Route(body=policy_page(f"Guidelines {t}", seed=t, size_kb=3))
        routes[f"/t{t}/"] = Route(body=policy_page(f"Home {t}", seed=5000 + t, size_kb=2, links=[
            ("Community guidelines", f"/t{t}/community-guidelines"), ("Terms of service", f"/t{t}/doc0")]))
    return routes


def registry_text(srv: CountingServer) -> str:
    lines = ["targets:"]
    for t in range(N_TARGETS):
        lines += [f"  - id: svc{t}", f"    name: Service {t}", "    kind: social", f"    homepage: {srv.url(f'/t{t}/')}",
                  "    documents:"]
        lines += [f"      - {{type: policy_{d}, url: '{srv.url(f'/t{t}/doc{d}')}'}}" for d in range(N_DOCS)]
    lines += ["    report_channels:", "      - {kind: abuse_email, url: 'mailto:abuse@svc.example'}", ""]
    return "\n".join(lines)


def start_worker(url: str, log: Path, settings: dict) -> subprocess.Popen:
    code = ("import json, sys; from crawler.runner import run_worker; "
            f"print(json.dumps(run_worker({url!r}, allow_private=True, settings=json.loads(sys.argv[1]))))")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", code, json.dumps(settings)], cwd=ROOT, env=env,
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, start_new_session=True)


def worker_id(r, proc: subprocess.Popen) -> str:
    """The frontier id of the worker run by `proc` (its crawl child's pid is in the id)."""
    found: list[str] = []

    def look() -> bool:
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        found[:] = [w.decode() for w in r.smembers("riskaudit:frontier:workers")
                    if any(f":{pid}:" in w.decode() for pid in children)]
        return bool(found)
    wait_until(look, 60, "the worker to join the frontier")
    return found[0]


def wait_until(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@needs_redis
def test_two_workers_one_killed_every_page_stored_once(tmp_path, capsys):
    import redis
    with RedisServer(tmp_path / "redis") as rs, CountingServer(site_routes()) as srv:
        r = redis.Redis.from_url(rs.url)
        reg = tmp_path / "reg.yaml"
        reg.write_text(registry_text(srv), encoding="utf-8")
        db = tmp_path / "audit.duckdb"
        assert main(["crawl", "--registry", str(reg), "--frontier", rs.url, "--seed", "--allow-private"]) == 0
        assert "300 requests queued, 1 rows" in capsys.readouterr().out      # 290 documents + 10 homepages
        # seeding again while the crawl is unfinished is refused (one crawl per frontier)
        assert main(["crawl", "--registry", str(reg), "--frontier", rs.url, "--seed", "--allow-private"]) == 2
        assert "already holds crawl" in capsys.readouterr().err

        a = start_worker(rs.url, tmp_path / "a.log", WORKER_SETTINGS)
        b = start_worker(rs.url, tmp_path / "b.log", WORKER_SETTINGS)
        try:
            leases_a = "riskaudit:frontier:leases:" + worker_id(r, a)
            wait_until(lambda: r.llen("riskaudit:frontier:items") >= 60 and r.hlen(leases_a) > 0, 120,
                       "60 results and requests leased by worker A")
            os.killpg(a.pid, signal.SIGKILL)                     # worker A dies with its leases
            a.wait(10)
            held = r.hlen(leases_a)
            assert held > 0
            # an ingest while the crawl runs: the run is started and stays 'running'
            assert main(["ingest", "--frontier", rs.url, "--db", str(db)]) == 0
            assert "still running" in capsys.readouterr().out
            assert b.wait(180) == 0, (tmp_path / "b.log").read_text()[-3000:]
        finally:
            for p in (a, b):
                if p.poll() is None:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
        assert json.loads((tmp_path / "b.log").read_text().strip().splitlines()[-1])["finish_reason"] == "finished"
        assert r.exists("riskaudit:frontier:done")
        assert int(r.get("riskaudit:frontier:reclaimed")) >= held     # A's requests went back on the queue
        # a result delivered twice (a re-fetched page) is stored once
        copy = r.lindex("riskaudit:frontier:items", -1)
        if copy is not None:
            r.lpush("riskaudit:frontier:items", copy)
        assert main(["ingest", "--frontier", rs.url, "--db", str(db)]) == 0
        out = capsys.readouterr().out
        assert "finished" in out and "still running" not in out

    con = store.connect(db, read_only=True)
    try:
        runs = con.execute("SELECT run_id, kind, status, settings FROM runs").fetchall()
        assert len(runs) == 1 and runs[0][1:3] == ("crawl", "finished")
        run_id = runs[0][0]
        assert json.loads(runs[0][3])["targets"] == [f"svc{t}" for t in range(N_TARGETS)]
        docs = con.execute("SELECT target_id, doc_type, url, count(*) FROM documents WHERE run_id = ? "
                           "GROUP BY ALL", [run_id]).fetchall()
        assert len(docs) == N_TARGETS * (N_DOCS + 1)                  # 29 documents + 1 discovered
        assert all(n == 1 for *_, n in docs)                           # exactly once
        expected = {(f"svc{t}", f"policy_{d}", srv.url(f"/t{t}/doc{d}")) for t in range(N_TARGETS)
                    for d in range(N_DOCS)}
        expected |= {(f"svc{t}", "discovered", srv.url(f"/t{t}/community-guidelines")) for t in range(N_TARGETS)}
        assert {d[:3] for d in docs} == expected                        # nothing lost
        fetches = con.execute("SELECT purpose, target_id, url, count(*) FROM fetches WHERE run_id = ? "
                              "GROUP BY ALL", [run_id]).fetchall()
        assert all(n == 1 for *_, n in fetches)
        by_purpose = {}
        for purpose, *_ in fetches:
            by_purpose[purpose] = by_purpose.get(purpose, 0) + 1
        # the homepage's link to doc0 is not fetched again as a discovery (per-target seen set)
        assert by_purpose == {"document": 290, "discovery": 20, "channel": 1, "robots": 1}
        assert con.execute("SELECT count(*) FROM fetches WHERE run_id = ? AND status = 200",
                           [run_id]).fetchone()[0] == 311
        assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 310
        assert con.execute("SELECT count(*) FROM targets").fetchone()[0] == N_TARGETS
    finally:
        con.close()
    assert srv.user_agents and all("riskaudit" in ua.lower() for ua in srv.user_agents)


@needs_redis
def test_frontier_errors_and_private_guard(tmp_path, capsys):
    with RedisServer(tmp_path / "redis") as rs, CountingServer(site_routes()) as srv:
        assert main(["crawl", "--frontier", rs.url, "--worker"]) == 2
        assert "holds no crawl" in capsys.readouterr().err
        assert main(["crawl", "--frontier", rs.url]) == 2
        assert "--seed" in capsys.readouterr().err
        assert main(["crawl", "--frontier", "http://127.0.0.1:1/", "--worker"]) == 2
        assert "expected a Redis URL" in capsys.readouterr().err
        reg = tmp_path / "reg.yaml"
        reg.write_text("targets:\n  - id: local\n    name: Local\n    kind: social\n    documents:\n"
                       f"      - {{type: terms, url: '{srv.url('/t0/doc0')}'}}\n", encoding="utf-8")
        assert main(["crawl", "--registry", str(reg), "--frontier", rs.url, "--seed", "--allow-private"]) == 0
        capsys.readouterr()
        import redis
        queued = redis.Redis.from_url(rs.url).lindex("riskaudit:frontier:requests", 0)
        assert json.loads(queued)["url"] == srv.url("/t0/doc0")       # JSON, never pickle
        # a crawl seeded with --allow-private needs each worker's consent
        assert main(["crawl", "--frontier", rs.url, "--worker"]) == 2
        assert "--allow-private" in capsys.readouterr().err
        # reseed without it: the Redis frontier on 127.0.0.1 is used, the 127.0.0.1 target is refused
        assert main(["crawl", "--registry", str(reg), "--frontier", rs.url, "--seed", "--reset"]) == 0
        capsys.readouterr()
        assert main(["crawl", "--frontier", rs.url, "--worker"]) == 0
        assert main(["ingest", "--frontier", rs.url, "--db", str(tmp_path / "g.duckdb")]) == 0
        assert "finished" in capsys.readouterr().out
        assert srv.total_hits == 0
        # one crawl, one store: another database is refused
        assert main(["ingest", "--frontier", rs.url, "--db", str(tmp_path / "other.duckdb")]) == 2
        assert "ingest it there" in capsys.readouterr().err
    con = store.connect(tmp_path / "g.duckdb", read_only=True)
    try:
        assert con.execute("SELECT error FROM fetches WHERE purpose = 'document'").fetchall() == [("private_address",)]
        assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    finally:
        con.close()


def test_request_serializer_is_json_and_refuses_objects():
    from scrapy import Request
    from scrapy.utils.request import request_from_dict

    from crawler import frontier_json
    request = Request("https://example.com/terms", headers={"Accept": "text/html"},
                      meta={"ra_target": "x", "ra_trace": {"attempts": 1}, "handle_httpstatus_list": [404],
                            "$odd": b"\x00"}, dont_filter=True)
    data = frontier_json.dumps(request.to_dict())
    back = request_from_dict(frontier_json.loads(data))
    obj = frontier_json.loads(data)
    assert obj["url"] == "https://example.com/terms" and obj["meta"]["$odd"] == b"\x00"
    assert obj["headers"][b"Accept"] == [b"text/html"] and obj["dont_filter"] is True
    assert back.url == request.url and back.meta["ra_trace"] == {"attempts": 1}
    assert back.headers.get("Accept") == b"text/html"
    with pytest.raises(TypeError, match="cannot carry"):
        frontier_json.dumps({"meta": {"x": object()}})


@needs_redis
def test_workers_together_keep_one_pace_per_host(tmp_path, capsys):
    """Two workers on one host: their requests reach it at least RISKAUDIT_SHARED_HOST_DELAY
    apart (the reservation is on Redis's clock), while each of them alone has no delay at all."""
    delay = 0.3
    routes = {"/robots.txt": Route(body="User-agent: *\nAllow: /\n", content_type="text/plain")}
    routes.update({f"/doc{d}": Route(body=policy_page(f"Policy {d}", seed=d, size_kb=2)) for d in range(14)})
    settings = {**WORKER_SETTINGS, "RISKAUDIT_SHARED_HOST_DELAY": delay, "RANDOMIZE_DOWNLOAD_DELAY": False}
    with RedisServer(tmp_path / "redis") as rs, CountingServer(routes) as srv:
        reg = tmp_path / "reg.yaml"
        reg.write_text("targets:\n  - id: one\n    name: One host\n    kind: social\n    documents:\n"
                       + "".join(f"      - {{type: p{d}, url: '{srv.url(f'/doc{d}')}'}}\n" for d in range(14)),
                       encoding="utf-8")
        assert main(["crawl", "--registry", str(reg), "--frontier", rs.url, "--seed", "--allow-private"]) == 0
        workers = [start_worker(rs.url, tmp_path / f"{n}.log", settings) for n in "ab"]
        try:
            for w, n in zip(workers, "ab"):
                assert w.wait(120) == 0, (tmp_path / f"{n}.log").read_text()[-3000:]
        finally:
            for w in workers:
                if w.poll() is None:
                    os.killpg(w.pid, signal.SIGKILL)
                    w.wait()
        capsys.readouterr()
        times = sorted(t for t, _ in srv.arrivals)
    results = [json.loads((tmp_path / f"{n}.log").read_text().strip().splitlines()[-1]) for n in "ab"]
    sent = [r["stats"].get("downloader/request_count", 0) for r in results]
    assert sum(sent) == len(times) == 16 and all(sent), sent     # 14 documents + each worker's robots.txt
    gaps = [b - a for a, b in zip(times, times[1:])]
    # the slots are exactly `delay` apart; a request may leave a little after its slot starts
    assert min(gaps) > 0.5 * delay, gaps
    assert times[-1] - times[0] >= (len(times) - 1) * delay * 0.95
