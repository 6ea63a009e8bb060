"""A small store for the review tests: crawl runs written the way the crawler's pipeline writes them
(`CrawlWriter`: snapshot, fetch and document rows), then scored by the real engine (`score_run`).

`crawl_run(db, pages)` adds one finished crawl run of the given pages ({target_id: {url: text}}) and
scores it; call it again with changed or unchanged texts to stand for a re-crawl.
"""
from __future__ import annotations

from pathlib import Path

from riskaudit import store
from riskaudit.core.clock import now_utc
from riskaudit.core.hashing import sha256_hex
from riskaudit.stages.score import score_run
from riskaudit.store.crawl import CrawlWriter
from riskaudit.store.runs import finish_run, start_run
from riskaudit.store.targets import upsert_target

TARGETS = {"pixelboard": ("Pixelboard", "social"), "stackhost": ("Stackhost <b>Host</b>", "host")}

PIXEL_TERMS = (
    "Terms of Service\n\n"
    "You may not share intimate images of another person without their consent.\n\n"
    "We prohibit child sexual abuse material and report it to NCMEC.\n\n"
    "Use the Report button on any post to tell us about content that breaks our rules.\n\n"
    "You can appeal any moderation decision from your account page.\n")
PIXEL_SAFETY = (
    "Safety Centre\n\n"
    "We work with partners, researchers and support groups to keep our community safe, and we publish guidance "
    "for people who are worried about their images being shared online.\n\n"
    "Victims can request removal of intimate images through our privacy form.\n")
STACK_AUP = (
    "Acceptable Use Policy\n\n"
    "This policy applies to every customer of Stackhost and to every site, server and service that a customer "
    "runs on our network, including resellers and their own customers.\n\n"
    "Customers must not host child sexual abuse material.\n\n"
    "Customers must not use our services to send spam, to attack other networks or to distribute malware.\n\n"
    "Send abuse notices to abuse@stackhost.example.\n")

PAGES = {
    "pixelboard": {"https://pixelboard.example/terms": PIXEL_TERMS,
                   "https://pixelboard.example/safety": PIXEL_SAFETY},
    "stackhost": {"https://stackhost.example/aup": STACK_AUP},
}


def crawl_run(db: Path, pages: dict[str, dict[str, str]] | None = None) -> int:
    """One finished, scored crawl run of `pages` (default PAGES) in `db`; returns its run id."""
    pages = PAGES if pages is None else pages
    con = store.connect(db)
    try:
        for tid, (name, kind) in TARGETS.items():
            upsert_target(con, tid, name, kind)
        run_id = start_run(con, "crawl")
        writer = CrawlWriter(con)
        now = now_utc()
        for tid, docs in pages.items():
            for url, text in docs.items():
                body = f"<html><body><pre>{text}</pre></body></html>".encode()
                snap = writer.snapshot(body, "text/html", now)
                writer.add("fetches", {"run_id": run_id, "target_id": tid, "purpose": "document", "url": url,
                                       "final_url": url, "status": 200, "error": None, "latency_ms": 1.0,
                                       "bytes": len(body), "content_type": "text/html", "robots_blocked": False,
                                       "media_refused": False, "attempts": 1, "snapshot_sha256": snap, "fetched_at": now})
                writer.add("documents", {"run_id": run_id, "target_id": tid, "doc_type": "terms_of_service",
                                         "name": text.split("\n", 1)[0], "url": url, "final_url": url,
                                         "title": text.split("\n", 1)[0], "language": "en", "text": text,
                                         "text_sha256": sha256_hex(text), "snapshot_sha256": snap,
                                         "fetched_at": now, "source": "crawl"})
        writer.flush()
        finish_run(con, run_id)
    finally:
        con.close()
    return score_run(str(db), run_id)
