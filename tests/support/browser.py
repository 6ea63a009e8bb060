"""Headless Chromium for the browser tests (report page, review page): where the binary is, the
flags it runs with, and a page that records what a hostile document could make it do.

`CHROMIUM` is None when no browser is installed; the tests then skip with a clear reason (CI
installs Debian's `chromium`).
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@dataclass
class Watched:
    """What happened in a page: every request, console errors, uncaught errors, dialogs (dismissed)."""
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


def watched_page(browser, **options):
    """A new page of `browser` (viewport 1280×900 unless given) and the `Watched` record it fills."""
    page = browser.new_page(**({"viewport": {"width": 1280, "height": 900}} | options))
    seen = Watched()
    page.on("request", lambda r: seen.requests.append(r.url))
    page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    return page, seen
