"""The HTML report as a person sees it: opened in headless Chromium, clicked, and screenshotted.

Skips only when no Chromium binary is installed (CI installs Debian's `chromium`).
"""
from __future__ import annotations

import datetime as dt

import pytest

from reports.build import build_report
from tests.support.browser import ARGS, CHROMIUM, watched_page

pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser installed "
                                "(apt-get install chromium) — the browser test of report.html is skipped")]

from tests.support import store_fixture as fixture


def _column(page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#league-table tbody tr", f"rows => rows.map(r => r.cells[{index}].textContent.trim())")


def test_report_in_browser(tmp_path):
    from playwright.sync_api import sync_playwright

    db = fixture.build_fixture_db(tmp_path / "audit.duckdb")
    html = build_report(str(db), str(tmp_path / "out"), generated_at=dt.datetime(2026, 4, 2, tzinfo=dt.timezone.utc))
    url = html.resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page, seen = watched_page(browser)
            requests, console_errors, dialogs, page_errors = seen.requests, seen.console_errors, seen.dialogs, seen.page_errors
            page.goto(url, wait_until="load")
            page.screenshot(path=str(tmp_path / "report.png"))  # the top of the report, as first seen
            page.hover("text=Evil <img src=x onerror=alert(1)>", timeout=5000)  # would fire onmouseover if live

            assert page.locator("#league-table tbody tr").count() == 6
            services = _column(page, 1)
            assert services[0] == "Pixelboard" and services[-1] == "Stackhost"
            # JS turned the sortable headers into buttons; sorting by service is alphabetical
            page.click("#league-table thead th:nth-child(2) button")
            by_name = _column(page, 1)
            assert by_name == sorted(by_name, key=str.lower)
            assert page.get_attribute("#league-table thead th:nth-child(2)", "aria-sort") == "ascending"
            page.click("#league-table thead th:nth-child(2) button")
            assert _column(page, 1) == sorted(by_name, key=str.lower, reverse=True)
            # score: first click sorts descending (numbers), second ascending
            page.click("#league-table thead th:nth-child(4) button")
            page.click("#league-table thead th:nth-child(4) button")
            scores = [float(s) for s in _column(page, 3)]
            assert scores == sorted(scores)

            # the hostile text is visible as text
            assert page.locator("text=<script>alert(1)</script>").count() > 0
            page.locator("#league").screenshot(path=str(tmp_path / "report-league-sorted.png"))

            phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
            phone.on("request", lambda r: requests.append(r.url))
            phone.goto(url, wait_until="load")
            # on a phone the page itself does not scroll sideways: wide tables scroll in their wrapper
            assert phone.evaluate("document.documentElement.scrollWidth") <= 390 + 1
            phone.screenshot(path=str(tmp_path / "report-phone.png"))
            phone.emulate_media(media="print")
            assert phone.evaluate("getComputedStyle(document.querySelector('nav.toc')).display") == "none"
        finally:
            browser.close()
    assert set(requests) == {url}, f"requests beyond the file itself: {sorted(set(requests) - {url})}"
    assert console_errors == [] and page_errors == []
    assert dialogs == [], f"a script in crawled content ran: {dialogs}"
    assert (tmp_path / "report.png").stat().st_size > 10_000
    print(f"screenshots in {tmp_path}: report.png, report-league-sorted.png, report-phone.png")
