"""Safety rules of the crawler: private addresses refused unless allowed, media recognised by
extension and by Content-Type, Playwright never loads media, login-wall heuristics."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from crawler.discovery import is_policy_link, policy_links, same_site
from crawler.guards import address_refusal, host_refusal, is_media_url, looks_login_url, media_content_type
from crawler.middlewares import playwright_abort_request
from crawler.runner import run_crawl
from riskaudit import store
from tests.support.testsite import CountingServer, Route, policy_page

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.169.254",
                                "224.0.0.1", "0.0.0.0", "240.0.0.1", "100.64.0.1", "::1", "fe80::1",
                                "fc00::1", "ff02::1", "::", "::ffff:127.0.0.1", "::ffff:10.0.0.1"])
def test_non_public_addresses_refused(ip):
    assert address_refusal(ip)


@pytest.mark.parametrize("ip", ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111"])
def test_public_addresses_allowed(ip):
    assert address_refusal(ip) is None


def test_host_refusal_literals_and_localhost():
    assert "loopback" in host_refusal("127.0.0.1")
    assert host_refusal("[::1]")
    assert "loopback" in host_refusal("localhost")
    assert host_refusal("93.184.216.34") is None


@pytest.mark.parametrize("url", ["https://x.example/a.JPG", "https://x.example/p/clip.mp4?sig=1",
                                 "https://x.example/s/photo.webp#frag", "https://x.example/a%2Ejpg",
                                 "https://x.example/song.mp3", "https://x.example/v.mkv", "https://x.example/i.avif",
                                 "https://x.example/icon.svg", "https://x.example/a.heic", "https://x.example/x.opus"])
def test_media_urls(url):
    assert is_media_url(url)


@pytest.mark.parametrize("url", ["https://x.example/terms", "https://x.example/policy.html",
                                 "https://x.example/terms.pdf", "https://x.example/jpg/terms", "https://x.example/?f=a.jpg"])
def test_non_media_urls(url):
    assert not is_media_url(url)


def test_media_content_types():
    assert media_content_type(b"image/png", "https://x.example/a")
    assert media_content_type("video/mp4; codecs=avc1", "https://x.example/watch")
    assert media_content_type("audio/mpeg", "")
    assert media_content_type("application/octet-stream", "https://x.example/dl/clip.mov")
    assert not media_content_type("application/octet-stream", "https://x.example/terms.pdf")
    assert not media_content_type("text/html; charset=utf-8", "https://x.example/a.jpg")
    assert not media_content_type(None, "https://x.example/a")


def test_playwright_aborts_media_resources():
    req = lambda rtype, url: SimpleNamespace(resource_type=rtype, url=url)  # noqa: E731
    assert playwright_abort_request(req("image", "https://x.example/pixel"))
    assert playwright_abort_request(req("media", "https://x.example/stream"))
    assert playwright_abort_request(req("font", "https://x.example/f.woff2"))
    assert playwright_abort_request(req("fetch", "https://x.example/a.mp4"))
    assert not playwright_abort_request(req("document", "https://x.example/terms"))
    assert not playwright_abort_request(req("script", "https://x.example/app.js"))


def test_login_and_discovery_heuristics():
    assert looks_login_url("https://x.example/login?next=/report")
    assert looks_login_url("https://accounts.x.example/signin/v2")
    assert looks_login_url("https://x.example/account/auth")
    assert not looks_login_url("https://x.example/report/intimate-images")
    assert same_site("https://help.x.example/terms", "www.x.example")
    assert not same_site("https://x.example.evil.test/terms", "x.example")
    assert is_policy_link("Community Guidelines", "https://x.example/g")
    assert is_policy_link("", "https://x.example/legal/acceptable_use")
    assert not is_policy_link("Careers", "https://x.example/jobs")
    assert not is_policy_link("Report", "https://x.example/login?next=report")
    links = [("Terms", "https://x.example/terms#top"), ("Terms again", "https://x.example/terms"),
             ("DMCA", "https://other.example/dmca"), ("Logo", "https://x.example/legal/logo.png"),
             ("Safety", "mailto:safety@x.example")]
    assert policy_links(links, "x.example") == ["https://x.example/terms"]


def test_exception_labels():
    from scrapy.exceptions import (
        CannotResolveHostError,
        DownloadCancelledError,
        DownloadConnectionRefusedError,
        DownloadTimeoutError,
        IgnoreRequest,
        StopDownload,
    )
    from twisted.internet.error import DNSLookupError

    from crawler.middlewares import MediaRefused, PrivateAddressRefused, classify_exception
    assert classify_exception(DownloadTimeoutError("took longer")) == "timeout"
    assert classify_exception(CannotResolveHostError("x")) == "dns"
    assert classify_exception(DNSLookupError("x")) == "dns"
    assert classify_exception(DownloadConnectionRefusedError("x")) == "connection_refused"
    assert classify_exception(DownloadCancelledError("max size")) == "too_large"
    assert classify_exception(IgnoreRequest("Forbidden by robots.txt")) == "robots"
    assert classify_exception(IgnoreRequest("max redirections reached")) == "too_many_redirects"
    assert classify_exception(MediaRefused("x")) == "media_refused"
    assert classify_exception(StopDownload(fail=True)) == "media_refused"
    assert classify_exception(PrivateAddressRefused("x")) == "private_address"
    assert classify_exception(ValueError("odd")) == "ValueError: odd"


def test_private_address_refused_without_allow_private(tmp_path):
    routes = {"/robots.txt": Route(body="", content_type="text/plain"), "/terms": Route(body=policy_page("T"))}
    with CountingServer(routes) as srv:
        reg = tmp_path / "r.yaml"
        reg.write_text("targets:\n  - id: local\n    name: Local\n    kind: host\n"
                       f"    homepage: {srv.url('/')}\n"
                       f"    documents:\n      - {{type: terms, url: '{srv.url('/terms')}'}}\n"
                       f"    report_channels:\n      - {{kind: other, url: '{srv.url('/report')}'}}\n")
        db = tmp_path / "c.duckdb"
        run_id = run_crawl(str(reg), str(db), settings={"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0})
    assert srv.total_hits == 0
    con = store.connect(db, read_only=True)
    got = con.execute("SELECT purpose, error, attempts, status FROM fetches WHERE run_id = ? AND purpose <> 'robots' "
                      "ORDER BY purpose", [run_id]).fetchall()
    assert got == [("channel", "private_address", 0, None), ("discovery", "private_address", 0, None),
                   ("document", "private_address", 0, None)]
    check = con.execute("SELECT ok, error FROM channel_checks WHERE run_id = ?", [run_id]).fetchone()
    assert check == (False, "private_address")
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
