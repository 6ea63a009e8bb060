"""`js: true` documents rendered by scrapy-playwright on the system Chromium: the rendered DOM
text is stored, and the browser never loads images, media or fonts. Skipped when Chromium or
scrapy-playwright is missing (the no-browser path is tested in test_crawl.py)."""
from __future__ import annotations

import os
import shutil

import pytest

from crawler.runner import run_crawl
from riskaudit import store
from tests.support.testsite import CountingServer, Route

CHROMIUM = os.environ.get("RISKAUDIT_CHROMIUM") or "/usr/bin/chromium"
import scrapy_playwright  # noqa: E402,F401  (installed with the js extra, which `make install` includes)

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not (os.path.isfile(CHROMIUM) or shutil.which(CHROMIUM)),
                                reason=f"no Chromium at {CHROMIUM}")]

SPA = """<!doctype html><html><head><title>Rules</title>
<link rel="icon" href="/favicon.png"><style>@font-face{font-family:x;src:url(/font.woff2)}
body{font-family:x;background:url(/bg.webp)}</style></head>
<body><div id="app">Loading...</div><img src="/hero.jpg"><video src="/clip"></video>
<script>
document.getElementById('app').innerHTML =
  '<h1>Community rules</h1><p>We remove intimate images shared without consent within 48 hours.</p>';
</script></body></html>"""


def test_js_document_is_rendered_without_media(tmp_path):
    routes = {"/robots.txt": Route(body="", content_type="text/plain"), "/rules": Route(body=SPA),
              "/clip": Route(content_type="video/mp4", stream_bytes=5_000_000)}
    with CountingServer(routes) as srv:
        reg = tmp_path / "js.yaml"
        reg.write_text("targets:\n  - id: spa\n    name: Spa\n    kind: social\n    documents:\n"
                       f"      - {{type: community_guidelines, url: '{srv.url('/rules')}', js: true}}\n")
        db = tmp_path / "js.duckdb"
        run_id = run_crawl(str(reg), str(db), allow_private=True,
                           settings={"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0,
                                     "RISKAUDIT_CHROMIUM_PATH": CHROMIUM})
    assert srv.hits["/rules"] == 1
    assert set(srv.hits) <= {"/robots.txt", "/rules"}, srv.hits      # no image, video, font, icon request
    con = store.connect(db, read_only=True)
    text, = con.execute("SELECT text FROM documents WHERE run_id = ?", [run_id]).fetchone()
    assert "intimate images shared without consent within 48 hours" in text and "Loading..." not in text
    row = con.execute("SELECT status, error, attempts FROM fetches WHERE run_id = ? AND purpose = 'document'",
                      [run_id]).fetchone()
    assert row == (200, None, 1)
