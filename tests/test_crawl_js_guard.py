"""The browser (`js: true`) obeys the same rules as Scrapy's downloads (crawler/browser.py):
every request it makes -- the document, its HTTP and script-made redirects, frames, fetch()/XHR,
subresources -- passes the private-address check (resolve, then refuse; connect to the address
checked) and no media body reaches the browser or the store.

Two local servers: the site (allowed exactly as 127.0.0.1:<its port> via RISKAUDIT_ALLOW_HOSTS,
the test-only allow-list) and a "private" server on another port that stands for an internal
address and must never see a request. Host names come from the scripted test DNS."""
from __future__ import annotations

import json
import os
import shutil

import pytest

from crawler.guards import SNIFF_BYTES, media_magic
from crawler.runner import run_crawl
from riskaudit import store
from tests.support.hostile import HostileServer

CHROMIUM = os.environ.get("RISKAUDIT_CHROMIUM") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)),
                                reason=f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")]
pytest.importorskip("scrapy_playwright", reason="browser tests need scrapy-playwright (pip install 'riskaudit[js]')")


def sync_xhr(label: str, url: str) -> str:
    # synchronous XHR: finished before the load event, so its outcome is in the stored DOM
    return (f"try{{var x=new XMLHttpRequest();x.open('GET','{url}',false);x.send();"
            f"out.push('{label}:'+x.status+':'+(x.responseText.indexOf('MEDIA'+'-BYTES')>=0?'media':'')+"
            f"(x.responseText.indexOf('SEC'+'RET')>=0?'secret':''));}}catch(e){{out.push('{label}:blocked');}}")


def test_browser_requests_pass_the_address_and_media_guards(tmp_path, monkeypatch):
    with HostileServer() as private, HostileServer() as site:
        private.add("/secret", body="<html><body>SECRET internal admin page</body></html>")
        private.add("/frame", body="<html><body>SECRET frame</body></html>")
        pb, pa = private.port, site.port
        monkeypatch.setenv("RA_TEST_DNS", json.dumps({"good.test": ["127.0.0.1"], "evil.test": ["127.0.0.1"],
                                                      "meta.test": ["169.254.169.254"]}))
        checks = "".join([
            sync_xhr("private-literal", f"http://127.0.0.1:{pb}/secret"),
            sync_xhr("private-other-ip", f"http://127.0.0.2:{pb}/secret"),
            sync_xhr("private-localhost", f"http://localhost:{pb}/secret"),
            sync_xhr("private-by-dns", f"http://evil.test:{pb}/secret"),
            sync_xhr("metadata-by-dns", f"http://meta.test:{pa}/secret"),
            sync_xhr("redirect-to-private", "/to-private"),
            sync_xhr("media-as-html", "/m/mp4/html"),
            sync_xhr("media-untyped", "/m/jpeg/none"),
            sync_xhr("redirect-to-media", "/redir/webm"),
            sync_xhr("own-page", "/page"),
        ])
        site.add("/to-private", status=302, content_type=None, headers=[("Location", f"http://127.0.0.1:{pb}/secret")])
        site.add("/js/fetcher", body=(
            "<!doctype html><html><head><title>Rules</title></head><body><main><h1>Community rules</h1>"
            "<p>We remove intimate images shared without consent.</p><ul id=log></ul>"
            f"<iframe src='http://127.0.0.1:{pb}/frame'></iframe><iframe src='/to-private'></iframe>"
            f"<script>var out=[];{checks}"
            "document.getElementById('log').innerHTML=out.map(function(s){return '<li>'+s+'</li>'}).join('');"
            f"fetch('http://127.0.0.1:{pb}/secret?async=1').catch(function(){{}});</script></main></body></html>"))
        site.add("/js/script-redirect", body=(
            "<html><head><title>Moving</title></head><body><p>Moving on.</p>"
            f"<script>location.replace('http://127.0.0.1:{pb}/secret?scripted=1')</script></body></html>"))
        docs = [("fetcher", site.url("/js/fetcher")), ("by_name", f"http://good.test:{pa}/js/fetcher"),
                ("redirect_302", site.url("/to-private")), ("script_redirect", site.url("/js/script-redirect")),
                ("private_main", f"http://evil.test:{pb}/secret"),
                ("media_main_html", site.url("/m/mp4/html")), ("media_main_none", site.url("/m/jpeg/none")),
                ("media_main_redirect", site.url("/redir/png"))]
        reg = tmp_path / "js.yaml"
        reg.write_text("targets:\n  - id: spa\n    name: Spa\n    kind: social\n    documents:\n"
                       + "".join(f"      - {{type: {t}, url: '{u}', js: true}}\n" for t, u in docs), encoding="utf-8")
        db = tmp_path / "js.duckdb"
        run_id = run_crawl(str(reg), str(db), settings={
            "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RISKAUDIT_CHROMIUM_PATH": CHROMIUM,
            "RETRY_TIMES": 0, "RISKAUDIT_RETRY_BACKOFF_BASE": 0,
            "RISKAUDIT_ALLOW_HOSTS": [f"127.0.0.1:{pa}"],
            "RISKAUDIT_RESOLVE_FUNC": "tests.support.hostile.fake_resolve"})
        private_hits = dict(private.hits)
    # the private server never saw a request: not from Scrapy, not from the browser
    assert private_hits == {}
    con = store.connect(db, read_only=True)
    try:
        fetches = {r[0]: r[1:] for r in con.execute(
            "SELECT url, status, error, media_refused, bytes, snapshot_sha256 FROM fetches "
            "WHERE run_id = ? AND purpose = 'document'", [run_id]).fetchall()}
        texts = dict(con.execute("SELECT doc_type, text FROM documents WHERE run_id = ?", [run_id]).fetchall())
        bodies = [store.get_snapshot(con, d) for (d,) in con.execute("SELECT sha256 FROM snapshots").fetchall()]
    finally:
        con.close()
    by_type = {t: fetches[u] for t, u in docs}
    # the rendered page is stored; each request it made was answered by the guard
    for doc in ("fetcher", "by_name"):
        text = texts[doc]
        assert "We remove intimate images shared without consent." in text
        for label in ("private-literal", "private-other-ip", "private-localhost", "private-by-dns",
                      "metadata-by-dns", "redirect-to-private", "media-as-html", "media-untyped", "redirect-to-media"):
            assert f"{label}:403:" in text or f"{label}:blocked" in text or f"{label}:0:" in text, (label, text)
        assert "own-page:200:" in text
        assert "SECRET" not in text and "MEDIA-BYTES" not in text and ":media" not in text and ":secret" not in text
    # main documents: redirect to / name of a private address refused; media refused; nothing stored
    assert by_type["redirect_302"][1] == "private_address" and by_type["redirect_302"][4] is None
    assert by_type["private_main"][1] == "private_address" and by_type["private_main"][4] is None
    for doc in ("media_main_html", "media_main_none", "media_main_redirect"):
        status, error, media, size, snap = by_type[doc]
        assert (error, media, size, snap) == ("media_refused", True, 0, None), (doc, by_type[doc])
    assert set(texts) <= {"fetcher", "by_name", "script_redirect"}
    for body in bodies:
        assert media_magic(body[:SNIFF_BYTES]) is None and b"MEDIA-BYTES" not in body and b"SECRET" not in body
