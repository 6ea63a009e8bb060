"""Issue 9 "Safety and integrity", crawler side: a hostile local server (tests/support/hostile.py)
serves each case; the tests check what the store holds byte for byte, what `fetches` records,
and exit codes. Offline: 127.0.0.1 only, scripted DNS (RISKAUDIT_RESOLVE_FUNC)."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crawler.guards import SNIFF_BYTES, media_magic
from crawler.runner import crawl_command, run_crawl
from riskaudit import store
from tests.support.hostile import CONTENT_TYPES, FORMATS, MEDIA_SAMPLES, HostileServer

ROOT = Path(__file__).resolve().parent.parent
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "RISKAUDIT_RETRY_BACKOFF_BASE": 0, "DOWNLOAD_TIMEOUT": 10, "RETRY_TIMES": 0,
        "RISKAUDIT_CHROMIUM_PATH": "/nonexistent/chromium", "LOG_LEVEL": "INFO"}
HOOKS = "tests.support.hostile"


def registry(path: Path, targets: dict[str, list[tuple[str, str]]], channels: dict | None = None) -> str:
    lines = ["targets:"]
    for tid, docs in targets.items():
        lines += [f"  - id: {tid}", f"    name: {tid.title()}", "    kind: social", "    documents:"]
        lines += [f"      - {{type: {t}, url: '{u}'}}" for t, u in docs]
        if channels and tid in channels:
            lines.append("    report_channels:")
            lines += [f"      - {{kind: {k}, url: '{u}'}}" for k, u in channels[tid]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def rows(con, sql, *params):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def assert_no_media_stored(con):
    """Every stored snapshot body (decompressed), byte for byte: no media magic, no media filler."""
    digests = [d for (d,) in con.execute("SELECT sha256 FROM snapshots").fetchall()]
    for digest in digests:
        body = store.get_snapshot(con, digest)
        assert media_magic(body[:SNIFF_BYTES]) is None, (digest, body[:32])
        assert b"MEDIA-BYTES" not in body, digest
    assert not con.execute("SELECT count(*) FROM documents WHERE text LIKE '%MEDIA-BYTES%'").fetchone()[0]


# -- item 1: media stored when the headers do not say media -----------------------------------
def test_media_bodies_refused_by_magic_whatever_the_content_type(tmp_path):
    with HostileServer() as srv:
        docs = [(f"{fmt}_{ct}", srv.url(f"/m/{fmt}/{ct}")) for fmt in FORMATS for ct in CONTENT_TYPES]
        docs += [(f"{fmt}_extra", srv.url(f"/m/{fmt}/none")) for fmt in MEDIA_SAMPLES if fmt not in FORMATS]
        docs += [(f"redir_{fmt}", srv.url(f"/redir/{fmt}")) for fmt in ("mp4", "jpeg", "webp")]
        docs += [("big", srv.url("/big-mp4")), ("terms", srv.url("/page"))]
        reg = registry(tmp_path / "r.yaml", {"hostile": docs})
        db = tmp_path / "m.duckdb"
        run_id = run_crawl(reg, str(db), allow_private=True, settings=FAST)
        sent_big = srv.bytes_sent["/big-mp4"]
    con = store.connect(db, read_only=True)
    try:
        got = {r["doc_type"]: r for r in rows(con, "SELECT f.*, f.purpose AS p, d.doc_type FROM fetches f JOIN ("
                                                 "SELECT unnest(?) AS doc_type, unnest(?) AS url) d ON d.url = f.url "
                                                 "WHERE run_id = ? AND purpose = 'document'",
                                                 [t for t, _ in docs], [u for _, u in docs], run_id)}
        assert set(got) == {t for t, _ in docs}
        for doc_type, row in got.items():
            if doc_type == "terms":
                assert row["status"] == 200 and row["snapshot_sha256"] and not row["media_refused"]
                continue
            assert (row["media_refused"], row["error"], row["bytes"], row["snapshot_sha256"]) == \
                (True, "media_refused", 0, None), (doc_type, row)
        assert sent_big < 8_000_000                         # stopped on the first bytes
        docs_stored = [t for (t,) in con.execute("SELECT doc_type FROM documents WHERE run_id = ?", [run_id]).fetchall()]
        assert docs_stored == ["terms"]
        assert_no_media_stored(con)
        assert con.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    finally:
        con.close()


# -- item 10 of the issue (item 5 here): robots.txt 5xx / timeout / oversize ---------------------
def test_robots_txt_failures_follow_rfc9309(tmp_path):
    servers = {mode: HostileServer(robots=mode, delay=4.0) for mode in ("500", "timeout", "huge", "404")}
    for srv in servers.values():
        srv.__enter__()
    try:
        targets = {f"r{mode}": [("open", srv.url("/open/page")), ("blocked", srv.url("/blocked/page"))]
                   for mode, srv in servers.items()}
        targets["rhuge"].append(("late", servers["huge"].url("/late/page")))
        reg = registry(tmp_path / "r.yaml", targets)
        db = tmp_path / "r.duckdb"
        run_id = run_crawl(reg, str(db), allow_private=True,
                           settings=dict(FAST, DOWNLOAD_TIMEOUT=1, DOWNLOAD_MAXSIZE=1_000_000))
        hits = {mode: dict(srv.hits) for mode, srv in servers.items()}
    finally:
        for srv in servers.values():
            srv.__exit__(None, None, None)
    con = store.connect(db, read_only=True)
    try:
        robots = {r["url"]: r for r in rows(con, "SELECT * FROM fetches WHERE run_id = ? AND purpose = 'robots'", run_id)}
        docs = {(r["target_id"], r["url"].rsplit("/", 2)[-2]): r for r in rows(
            con, "SELECT * FROM fetches WHERE run_id = ? AND purpose = 'document'", run_id)}
    finally:
        con.close()
    # the robots.txt fetch itself is recorded in every case
    assert {u: (r["status"], r["error"]) for u, r in robots.items()} == {
        servers["500"].url("/robots.txt"): (500, None), servers["timeout"].url("/robots.txt"): (None, "timeout"),
        servers["huge"].url("/robots.txt"): (200, None), servers["404"].url("/robots.txt"): (404, None)}
    assert robots[servers["huge"].url("/robots.txt")]["bytes"] >= 500 * 1024
    # 5xx and timeout: the whole host is disallowed; nothing but robots.txt is requested
    for mode in ("500", "timeout"):
        assert set(hits[mode]) == {"/robots.txt"}, hits[mode]
        for path in ("open", "blocked"):
            row = docs[(f"r{mode}", path)]
            assert (row["robots_blocked"], row["error"], row["attempts"], row["status"]) == (True, "robots", 0, None)
    # oversize: the first 500 KiB are parsed (its Disallow holds), the rest is not read
    assert docs[("rhuge", "blocked")]["robots_blocked"] and "/blocked/page" not in hits["huge"]
    assert docs[("rhuge", "open")]["status"] == 200 and docs[("rhuge", "late")]["status"] == 200
    # 4xx: allow all
    assert docs[("r404", "open")]["status"] == 200 and docs[("r404", "blocked")]["status"] == 200


# -- item 7 of the issue (item 3 here): DNS fails closed, re-checked per connection --------------
def test_dns_failure_then_private_answer_is_refused_and_rebinding_caught(tmp_path, monkeypatch):
    """Scripted DNS (no real lookups). The server speaks HTTP/1.0: one connection, hence one
    lookup, per request. Only 127.0.0.1:<port> is allowed (RISKAUDIT_ALLOW_HOSTS)."""
    with HostileServer(keepalive=False) as srv:
        p = srv.port
        script = {
            "flaky.test": ["127.0.0.1", "fail", "127.0.0.2"],   # robots ok; then a failure; then private
            "good.test": ["127.0.0.1"],                         # resolvable only by the test DNS
            "rebind.test": ["127.0.0.1", "127.0.0.1", "10.0.0.7"],  # the answer changes mid-crawl
            "meta.test": ["169.254.169.254"],                   # cloud metadata address
        }
        monkeypatch.setenv("RA_TEST_DNS", json.dumps(script))
        targets = {
            "flaky": [("a", f"http://flaky.test:{p}/doc/a"), ("b", f"http://flaky.test:{p}/doc/b")],
            "good": [("a", f"http://good.test:{p}/doc/a")],
            "rebind": [(f"d{i}", f"http://rebind.test:{p}/doc/{i}") for i in range(3)],
            "meta": [("a", f"http://meta.test:{p}/doc/a")],
            "literal": [("a", f"http://127.0.0.2:{p}/doc/a"), ("b", f"http://localhost:{p}/doc/b"),
                        ("c", f"http://127.0.0.1:{p + 1 if p < 65535 else p - 1}/doc/c")],
        }
        reg = registry(tmp_path / "r.yaml", targets)
        db = tmp_path / "d.duckdb"
        run_id = run_crawl(reg, str(db), settings=dict(
            FAST, RISKAUDIT_RESOLVE_FUNC=f"{HOOKS}.fake_resolve", CONCURRENT_REQUESTS_PER_DOMAIN=1,
            RISKAUDIT_ALLOW_HOSTS=[f"127.0.0.1:{p}"]))
        total_hits = sum(srv.hits.values())
    con = store.connect(db, read_only=True)
    try:
        docs = rows(con, "SELECT * FROM fetches WHERE run_id = ? AND purpose = 'document'", run_id)
        errors = {}
        for r in docs:
            errors.setdefault(r["target_id"], []).append(r["error"])
        robots = {r["url"]: r for r in rows(con, "SELECT * FROM fetches WHERE run_id = ? AND purpose = 'robots'", run_id)}
        n_docs = con.execute("SELECT count(*) FROM documents WHERE run_id = ?", [run_id]).fetchone()[0]
        attempts = con.execute("SELECT sum(attempts) FILTER (WHERE error IS DISTINCT FROM 'dns') FROM fetches "
                               "WHERE run_id = ?", [run_id]).fetchone()[0]
    finally:
        con.close()
    # good.test: connected to the address the guarded resolver checked (there is no real DNS)
    assert errors["good"] == [None]
    # flaky.test: a failed lookup is a DNS error for that request only; the next (private) answer is refused
    assert sorted(errors["flaky"]) == ["dns", "private_address"]
    # rebind.test: every connection is checked: once the answer turns private, it is refused
    assert sorted(errors["rebind"], key=str) == [None, "private_address", "private_address"]
    # meta.test: refused at robots.txt already, recorded as private_address (not as a robots block)
    assert errors["meta"] == ["private_address"]
    assert robots[f"http://meta.test:{p}/robots.txt"]["error"] == "private_address"
    # literals: another loopback address, localhost and another port of the allowed address
    assert errors["literal"] == ["private_address"] * 3
    assert n_docs == 2                                  # good.test and the first rebind.test page
    assert attempts == total_hits      # refusals count no attempt (a DNS failure counts its one attempt)
