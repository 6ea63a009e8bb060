"""robots.txt is obeyed for every request, including the ones queued while it is being fetched.

Regression: Scrapy parks a host's requests on one shared Deferred while robots.txt downloads;
under the asyncio reactor only the first waiter used to receive the parser, so the others were
sent unchecked. Here every registry document is requested at once, most of them disallowed.
"""
from __future__ import annotations

import pytest

from crawler.runner import run_crawl
from riskaudit import store
from tests.support.testsite import CountingServer, Route, policy_page

pytestmark = pytest.mark.slow

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
        "RISKAUDIT_RETRY_BACKOFF_BASE": 0, "DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}


def test_requests_queued_behind_robots_txt_are_checked(tmp_path):
    routes = {"/robots.txt": Route(body="# polite crawlers only\nUser-agent: *\nDisallow: /members/\n",
                                   content_type="text/plain"),
              "/terms": Route(body=policy_page("Terms", seed=3))}
    blocked = [f"/members/rules-{i}" for i in range(6)]
    for path in blocked:
        routes[path] = Route(body=policy_page("Members only", seed=5))
    with CountingServer(routes) as srv:
        docs = "\n".join(f"      - {{type: rules, url: '{srv.url(p)}'}}" for p in [*blocked, "/terms"])
        reg = tmp_path / "reg.yaml"
        reg.write_text(f"targets:\n  - id: site\n    name: Site\n    kind: social\n    documents:\n{docs}\n",
                       encoding="utf-8")
        run_id = run_crawl(str(reg), str(tmp_path / "db.duckdb"), allow_private=True, settings=FAST)
        seen = dict(srv.hits)
    assert not any(path.startswith("/members/") for path in seen), seen
    assert seen.get("/terms") == 1
    con = store.connect(tmp_path / "db.duckdb", read_only=True)
    try:
        rows = con.execute("SELECT url, robots_blocked, status FROM fetches WHERE run_id = ? AND purpose = 'document'",
                           [run_id]).fetchall()
        docs_stored = {u for (u,) in con.execute("SELECT url FROM documents WHERE run_id = ?", [run_id]).fetchall()}
    finally:
        con.close()
    blocked_rows = [r for r in rows if "/members/" in r[0]]
    assert len(blocked_rows) == len(blocked) and all(r[1] and r[2] is None for r in blocked_rows)
    assert docs_stored == {srv.url("/terms")}
