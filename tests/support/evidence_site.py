"""A local copy of the demo's Chirply site with traps for evidence packages: a video answered
with its Content-Type (refused at the headers), an image URL (refused before any request), a
gzip-encoded policy page and a dead report channel; `crawl_and_score` crawls and scores it."""
from __future__ import annotations

import gzip
from importlib import resources
from pathlib import Path

from tests.support.testsite import CountingServer, Route

FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RETRY_TIMES": 0, "DOWNLOAD_TIMEOUT": 10,
        "RISKAUDIT_RETRY_BACKOFF_BASE": 0, "RISKAUDIT_PAGE_BUDGET": 0, "LOG_LEVEL": "WARNING"}
PAGES = {"/community-guidelines": "community-guidelines.html", "/policies/intimate-imagery": "policies/intimate-imagery.html",
         "/policies/child-safety": "policies/child-safety.html", "/legal/terms": "legal/terms.html",
         "/transparency": "transparency.html", "/report/intimate-imagery": "report/intimate-imagery.html"}
GZIPPED = "/legal/copyright"            # served gzip-encoded (Content-Encoding: gzip)
VIDEO = "/media/clip"                   # no media extension: refused at the headers (video/mp4)
IMAGE = "/media/poster.jpg"             # media extension: refused before any request
VIDEO_BYTES = b"\x00\x00\x00\x18ftypmp42" + b"VIDEO-BYTES-NEVER-STORED" * 200


def _page(rel: str) -> str:
    return resources.files("riskaudit.demo").joinpath("sites", "chirply", rel).read_text(encoding="utf-8")


def routes() -> dict[str, Route]:
    r = {path: Route(body=_page(rel)) for path, rel in PAGES.items()}
    r["/robots.txt"] = Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    r[GZIPPED] = Route(body=gzip.compress(_page("legal/copyright.html").encode("utf-8")),
                       headers={"Content-Encoding": "gzip", "X-Test": "<hostile> & \"header\""})
    r[VIDEO] = Route(body=VIDEO_BYTES, content_type="video/mp4")
    r[IMAGE] = Route(body=b"\xff\xd8\xffIMAGE-BYTES", content_type="image/jpeg")
    return r


def registry(srv: CountingServer) -> str:
    docs = "".join(f"      - {{type: {t}, url: '{srv.url(p)}'}}\n" for t, p in [
        ("community_guidelines", "/community-guidelines"), ("ncii_policy", "/policies/intimate-imagery"),
        ("child_safety_policy", "/policies/child-safety"), ("terms_of_service", "/legal/terms"),
        ("copyright_policy", GZIPPED), ("transparency_report", "/transparency"),
        ("promo_video", VIDEO), ("poster", IMAGE)])
    return ("targets:\n  - id: chirply\n    name: Chirply\n    kind: social\n    documents:\n" + docs +
            "    report_channels:\n"
            f"      - {{kind: ncii_form, url: '{srv.url('/report/intimate-imagery')}'}}\n"
            f"      - {{kind: other, url: '{srv.url('/report-gone')}'}}\n")


def crawl_and_score(tmp: Path) -> dict:
    """Serve the site, crawl it into tmp/e.duckdb and score the run: {db, run_id, server hits}."""
    from crawler.runner import run_crawl
    from riskaudit.stages.score import score_run

    db = tmp / "e.duckdb"
    with CountingServer(routes()) as srv:
        reg = tmp / "registry.yaml"
        reg.write_text(registry(srv), encoding="utf-8")
        run_id = run_crawl(str(reg), str(db), allow_private=True, settings=dict(FAST))
        hits = dict(srv.hits)
    score_run(str(db), run_id)
    return {"db": db, "run_id": run_id, "hits": hits, "registry": reg}
