"""The review page as a reviewer uses it: headless Chromium opens a finding, overrides it with a
reason, reloads, and the override is there; keyboard shortcuts move and confirm.

Skips only when no Chromium binary is installed (CI installs Debian's `chromium`), like
tests/test_report_browser.py.
"""
from __future__ import annotations

import threading

import pytest

from reports.review_web import make_server
from tests.support import review_fixture as fx
from tests.support.browser import ARGS, CHROMIUM, watched_page

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser installed "
                                "(apt-get install chromium) — the browser test of the review page is skipped")]

REASON = "the privacy form is for account data, not <img src=x onerror=alert(1)> removal"


@pytest.fixture()
def server(tmp_path):
    db = tmp_path / "audit.duckdb"
    fx.crawl_run(db)
    srv = make_server(db, port=0, reviewer="ana")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{srv.server_address[1]}"
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


def test_override_a_finding_in_the_browser(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page, seen = watched_page(browser)
            requests, console_errors, page_errors, dialogs = seen.requests, seen.console_errors, seen.page_errors, seen.dialogs

            page.goto(server + "/", wait_until="load")
            assert page.text_content("#progress") == "0 of 36 reviewed"
            page.click("#targets >> text=Pixelboard")
            page.click("#elements >> text=NCII-specific reporting channel")
            page.wait_for_selector("#state")
            assert page.text_content("#state") == "machine"
            assert page.text_content("#machine") == "met"
            # the machine's quote is highlighted in the stored text, and its link scrolls to it
            mark = page.locator("mark[id]").first
            assert "request removal of intimate images" in mark.text_content()
            page.click("#decision ol a")
            assert page.evaluate("location.hash") == "#" + mark.get_attribute("id")
            assert page.evaluate("(() => { const r = document.querySelector(location.hash).getBoundingClientRect();"
                                 " const box = document.querySelector(location.hash).closest('.doc').getBoundingClientRect();"
                                 " return r.top >= box.top && r.bottom <= box.bottom; })()")
            page.screenshot(path=str(tmp_path / "review-finding.png"))

            # override without a reason: refused, nothing saved
            page.select_option("#override-decision", "not_met")
            page.click("#override")
            page.wait_for_selector("#error")
            assert "a reason is required" in page.text_content("#error")
            assert page.text_content("#state") == "machine"

            # override with a reason (o focuses the reason box)
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("o")
            assert page.evaluate("document.activeElement.id") == "reason"
            page.keyboard.type(REASON)
            page.select_option("#override-decision", "not_met")
            page.click("#override")
            page.wait_for_selector("#saved")
            page.reload(wait_until="load")
            assert page.text_content("#state") == "overridden"
            assert REASON in page.text_content("#label")
            assert page.text_content("#progress") == "1 of 36 reviewed"
            page.screenshot(path=str(tmp_path / "review-overridden.png"))

            # j goes to the next finding, c confirms it
            here = page.url
            page.keyboard.press("j")
            page.wait_for_url(lambda u: u != here)
            nxt = page.url
            page.keyboard.press("c")
            page.wait_for_selector("#saved")
            assert page.url.startswith(nxt) and page.text_content("#state") == "confirmed"
            assert page.text_content("#progress") == "2 of 36 reviewed"
            page.keyboard.press("k")
            page.wait_for_url(lambda u: u.split("?")[0] == here.split("?")[0])
            assert page.text_content("#state") == "overridden"

            # the crawled service name is text, not markup
            page.goto(server + "/t/stackhost", wait_until="load")
            assert page.locator("h1").text_content().startswith("Stackhost <b>Host</b>")
        finally:
            browser.close()
    assert all(u.startswith(server + "/") for u in requests), [u for u in requests if not u.startswith(server)]
    # the refused override answers 400 (Bad Request) on purpose; Chromium logs that status, nothing else may appear
    console_errors = [m for m in console_errors if "status of 400" not in m]
    assert console_errors == [] and page_errors == [], (console_errors, page_errors)
    assert dialogs == []
