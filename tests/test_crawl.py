"""End-to-end crawl of a generated local site (60+ pages) served by a request-counting server.

One crawl (module fixture) covers: registry documents, homepage discovery, 404s, a retried 500,
a 503-then-200, a timeout, a redirect loop, a robots-blocked page, media (by extension, after a
redirect, and by Content-Type at the headers), report channels (ok, dead, login-walled, mailto)
and a `js: true` document without a browser. Counting rule checked here: the sum of
`fetches.attempts` equals the number of requests the server saw (robots.txt included).
"""
from __future__ import annotations

import hashlib
import os
import zlib
from unittest import mock

import pytest

from crawler.guards import is_media_url
from crawler.runner import run_crawl
from riskaudit import store
from tests.support.testsite import CountingServer, Route, policy_page, redirect

pytestmark = pytest.mark.slow

N_DOCS = 40
VIDEO_BYTES = 40_000_000
REDIRECT_MAX = 4
FAST = {  # test settings: no politeness delays, short timeouts
    "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "CONCURRENT_REQUESTS_PER_DOMAIN": 4,
    "RISKAUDIT_RETRY_BACKOFF_BASE": 0, "DOWNLOAD_TIMEOUT": 2, "RETRY_TIMES": 2,
    "REDIRECT_MAX_TIMES": REDIRECT_MAX, "RISKAUDIT_PAGE_BUDGET": 30, "LOG_LEVEL": "INFO",
    "RISKAUDIT_CHROMIUM_PATH": "/nonexistent/chromium", "DOWNLOAD_MAXSIZE": 1_000_000,
}
DISCOVERABLE = ["/legal/terms", "/community-guidelines", "/safety/intimate-images", "/report-abuse",
                "/dmca", "/copyright-policy", "/transparency", "/law-enforcement", "/acceptable-use"]
NOT_POLICY = ["/about", "/blog", "/careers", "/products"]
LOGIN_PAGE = ('<html><head><title>Sign in</title></head><body><form method="post" action="/login">'
              '<input name="user"><input type="password" name="pw"><button>Sign in</button></form></body></html>')


def build_routes() -> dict[str, Route]:
    r: dict[str, Route] = {
        "/robots.txt": Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/": Route(body=policy_page("Chirp home", seed=1, links=(
            [(p.strip("/").replace("-", " ").title(), p) for p in DISCOVERABLE]
            + [(p.strip("/").title(), p) for p in NOT_POLICY]
            + [("Our logo", "/static/logo.png"), ("Promo video", "/media/promo.mp4"),
               ("Sign in", "/login"), ("Terms (mirror)", "http://localhost:1/terms")]))),
        "/private/secret": Route(body="<html><body>never fetched</body></html>"),
        "/e500": Route(status=500, body="<html><body>boom</body></html>"),
        "/flaky": Route(fail_first=1, body=policy_page("Flaky policy", seed=7)),
        "/slow": Route(delay=4.5, body="<html><body>too slow</body></html>"),
        "/loop/a": redirect("/loop/b"), "/loop/b": redirect("/loop/a"),
        "/to-image": redirect("/media/banner.jpg"),
        "/media/banner.jpg": Route(content_type="image/jpeg", body=b"\xff\xd8\xffMEDIA-BYTES-JPEG"),
        "/photo.jpg": Route(content_type="image/jpeg", body=b"\xff\xd8\xffMEDIA-BYTES-JPEG"),
        "/watch": Route(content_type="video/mp4", stream_bytes=VIDEO_BYTES),
        "/report-form": Route(body='<html><head><title>Report</title></head><body><form><textarea name="d">'
                                   '</textarea><button>Send</button></form></body></html>'),
        "/abuse-form": redirect("/login?next=/abuse-form"),
        "/login": Route(body=LOGIN_PAGE),
        "/spa-rules": Route(body="<html><body><div id=app></div></body></html>"),
        "/huge": Route(stream_bytes=30_000_000),    # text/html over DOWNLOAD_MAXSIZE
    }
    for i in range(N_DOCS):
        r[f"/docs/policy-{i}"] = Route(body=policy_page(f"Policy {i}", seed=100 + i, size_kb=6,
                                                        links=[("Home", "/"), ("Terms", "/legal/terms")]))
    for i, path in enumerate(DISCOVERABLE):
        links = [("Home", "/"), ("Section details", f"{path}/details"), ("Photo", f"{path}/photo.png")]
        r[path] = Route(body=policy_page(path.strip("/").title(), seed=200 + i, size_kb=6, links=links))
        r[f"{path}/details"] = Route(body=policy_page(f"{path} details", seed=300 + i, size_kb=4))
    for path in NOT_POLICY:
        r[path] = Route(body=policy_page(path.title(), seed=400))
    return r


def registry_text(srv: CountingServer) -> str:
    docs = [f"      - {{type: policy_{i}, url: '{srv.url(f'/docs/policy-{i}')}'}}" for i in range(N_DOCS)]
    docs += [f"      - {{type: {t}, url: '{srv.url(p)}'}}" for t, p in [
        ("gone", "/docs/missing-1"), ("gone", "/docs/missing-2"), ("gone", "/docs/missing-3"),
        ("server_error", "/e500"), ("flaky", "/flaky"), ("slow", "/slow"), ("loop", "/loop/a"),
        ("private", "/private/secret"), ("redirect_to_image", "/to-image"), ("image", "/photo.jpg"),
        ("video", "/watch"), ("huge", "/huge")]]
    docs.append(f"      - {{type: rules, url: '{srv.url('/spa-rules')}', js: true}}")
    return "\n".join([
        "targets:", "  - id: chirp", "    name: Chirp", "    kind: social", "    jurisdictions: [US]",
        f"    homepage: {srv.url('/')}", "    documents:", *docs, "    report_channels:",
        f"      - {{kind: ncii_form, url: '{srv.url('/report-form')}'}}",
        f"      - {{kind: copyright, url: '{srv.url('/dead-form')}'}}",
        f"      - {{kind: other, url: '{srv.url('/abuse-form')}'}}",
        "      - {kind: abuse_email, url: 'mailto:abuse@chirp.example'}", ""])


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    with CountingServer(build_routes()) as srv, mock.patch.dict(os.environ):
        os.environ.pop("RISKAUDIT_CHROMIUM", None)
        reg = tmp / "site.yaml"
        reg.write_text(registry_text(srv), encoding="utf-8")
        db = tmp / "crawl.duckdb"
        run_id = run_crawl(str(reg), str(db), allow_private=True, settings=FAST)
    con = store.connect(db, read_only=True)
    yield srv, con, run_id
    con.close()


def rows(con, sql, *params):
    cur = con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def fetch(con, run_id, path_suffix):
    found = rows(con, "SELECT * FROM fetches WHERE run_id = ? AND url LIKE ?", run_id, "%" + path_suffix)
    assert len(found) == 1, (path_suffix, found)
    return found[0]


def test_site_is_big_enough_and_every_request_is_accounted(crawl):
    srv, con, run_id = crawl
    assert len(srv.routes) >= 60
    n_rows, attempts = con.execute("SELECT count(*), sum(attempts) FROM fetches WHERE run_id = ?", [run_id]).fetchone()
    # Counting rule: one fetches row per logical fetch; `attempts` = requests sent for it
    # (retries + redirect hops); robots.txt is its own row (purpose 'robots').
    assert attempts == srv.total_hits
    assert n_rows >= 60
    assert srv.hits["/robots.txt"] == 1
    robots = rows(con, "SELECT * FROM fetches WHERE run_id = ? AND purpose = 'robots'", run_id)
    assert [(r["status"], r["attempts"]) for r in robots] == [(200, 1)]
    assert all("riskaudit" in ua for ua in srv.user_agents) and srv.user_agents


def test_documents_and_snapshots(crawl):
    srv, con, run_id = crawl
    docs = rows(con, "SELECT * FROM documents WHERE run_id = ? AND doc_type LIKE 'policy_%'", run_id)
    assert len(docs) == N_DOCS
    for d in docs:
        assert d["source"] == "crawl" and d["target_id"] == "chirp" and d["title"].startswith("Policy ")
        assert d["text_sha256"] == hashlib.sha256(d["text"].encode("utf-8")).hexdigest()
        body = store.get_snapshot(con, d["snapshot_sha256"])
        assert hashlib.sha256(body).hexdigest() == d["snapshot_sha256"]
        assert body == srv.routes[d["url"].split(srv.base)[1]].payload()
    assert all(srv.hits[f"/docs/policy-{i}"] == 1 for i in range(N_DOCS))
    target = con.execute("SELECT name, kind, jurisdictions FROM targets WHERE target_id = 'chirp'").fetchone()
    assert target == ("Chirp", "social", ["US"])
    run = con.execute("SELECT kind, status, registry_sha256, finished_at IS NOT NULL FROM runs WHERE run_id = ?",
                      [run_id]).fetchone()
    assert run[0] == "crawl" and run[1] == "finished" and len(run[2]) == 64 and run[3]


def test_discovery_follows_policy_links_only(crawl):
    srv, con, run_id = crawl
    for path in DISCOVERABLE:
        assert srv.hits[path] == 1 and srv.hits[f"{path}/details"] == 1   # depth 1 and depth 2
    for path in NOT_POLICY + ["/login", "/help"]:
        assert srv.hits[path] == 0, path
    discovered = {d["url"].split(srv.base)[1] for d in rows(
        con, "SELECT url FROM documents WHERE run_id = ? AND doc_type = 'discovered'", run_id)}
    assert discovered == set(DISCOVERABLE) | {f"{p}/details" for p in DISCOVERABLE}
    home = fetch(con, run_id, f"{srv.base}/")
    assert home["purpose"] == "discovery" and home["status"] == 200 and home["snapshot_sha256"]
    assert not rows(con, "SELECT 1 FROM documents WHERE run_id = ? AND url = ?", run_id, srv.url("/"))


def test_http_errors_retries_timeouts_and_loops(crawl):
    srv, con, run_id = crawl
    for i in (1, 2, 3):
        row = fetch(con, run_id, f"/docs/missing-{i}")
        assert (row["status"], row["attempts"], row["snapshot_sha256"]) == (404, 1, None)
    e500 = fetch(con, run_id, "/e500")
    assert (e500["status"], e500["attempts"], srv.hits["/e500"]) == (500, 3, 3)
    flaky = fetch(con, run_id, "/flaky")
    assert (flaky["status"], flaky["attempts"], srv.hits["/flaky"]) == (200, 2, 2)
    assert rows(con, "SELECT 1 FROM documents WHERE run_id = ? AND doc_type = 'flaky'", run_id)
    slow = fetch(con, run_id, "/slow")
    assert (slow["status"], slow["error"], slow["attempts"], srv.hits["/slow"]) == (None, "timeout", 3, 3)
    loop = fetch(con, run_id, "/loop/a")
    assert loop["error"] == "too_many_redirects" and loop["attempts"] == REDIRECT_MAX + 1
    assert srv.hits["/loop/a"] + srv.hits["/loop/b"] == REDIRECT_MAX + 1
    assert not rows(con, "SELECT 1 FROM documents WHERE run_id = ? AND doc_type IN ('gone','server_error','slow','loop')", run_id)


def test_oversized_page_is_aborted_and_recorded(crawl):
    srv, con, run_id = crawl
    huge = fetch(con, run_id, "/huge")
    assert (huge["error"], huge["status"], huge["bytes"], huge["attempts"]) == ("too_large", None, 0, 1)
    assert srv.bytes_sent["/huge"] < 30_000_000
    assert not rows(con, "SELECT 1 FROM documents WHERE run_id = ? AND doc_type = 'huge'", run_id)


def test_robots_blocked_page_is_recorded_not_fetched(crawl):
    srv, con, run_id = crawl
    row = fetch(con, run_id, "/private/secret")
    assert srv.hits["/private/secret"] == 0
    assert row["robots_blocked"] and row["error"] == "robots" and row["attempts"] == 0 and row["status"] is None


def test_media_is_never_fetched_or_stored(crawl):
    srv, con, run_id = crawl
    assert [p for p in srv.hits if is_media_url(p)] == []          # no request for a media extension
    assert srv.hits["/to-image"] == 1                               # the redirect itself was fetched
    to_image = fetch(con, run_id, "/to-image")
    assert to_image["media_refused"] and to_image["error"] == "media_refused" and to_image["bytes"] == 0
    assert to_image["final_url"].endswith("/media/banner.jpg") and to_image["attempts"] == 1
    photo = fetch(con, run_id, "/photo.jpg")
    assert photo["media_refused"] and photo["attempts"] == 0
    watch = fetch(con, run_id, "/watch")                            # extension-less, video/mp4
    assert srv.hits["/watch"] == 1
    assert watch["media_refused"] and watch["status"] == 200 and watch["bytes"] == 0
    assert watch["content_type"] == "video/mp4" and watch["snapshot_sha256"] is None
    assert srv.bytes_sent["/watch"] < VIDEO_BYTES                  # aborted at the headers
    for (compressed,) in con.execute("SELECT body FROM snapshots").fetchall():
        assert b"MEDIA-BYTES" not in zlib.decompress(compressed)
    assert not con.execute("SELECT count(*) FROM documents WHERE text LIKE '%MEDIA-BYTES%'").fetchone()[0]
    assert not rows(con, "SELECT 1 FROM documents WHERE run_id = ? AND doc_type IN ('image','video','redirect_to_image')", run_id)


def test_channel_checks(crawl):
    srv, con, run_id = crawl
    checks = {r["channel_kind"]: r for r in rows(con, "SELECT * FROM channel_checks WHERE run_id = ?", run_id)}
    assert set(checks) == {"ncii_form", "copyright", "other", "abuse_email"}
    ok = checks["ncii_form"]
    assert (ok["status"], ok["ok"], ok["login_required"]) == (200, True, False) and ok["latency_ms"] >= 0
    dead = checks["copyright"]
    assert (dead["status"], dead["ok"]) == (404, False)
    walled = checks["other"]
    assert walled["status"] == 200 and walled["login_required"] and not walled["ok"]
    assert "/login" in walled["final_url"]
    mail = checks["abuse_email"]
    assert mail["status"] is None and mail["error"] == "mailto: not checked"
    assert srv.hits["/report-form"] == 1 and srv.hits["/dead-form"] == 1


def test_js_document_without_browser_records_install_hint(crawl):
    srv, con, run_id = crawl
    row = fetch(con, run_id, "/spa-rules")
    assert srv.hits["/spa-rules"] == 0 and row["attempts"] == 0
    assert "apt-get install chromium" in row["error"] and "pip install 'riskaudit[js]'" in row["error"]
