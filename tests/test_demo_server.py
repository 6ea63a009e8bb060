"""The demo server serves every fictional site with the behaviour the demo relies on."""
from __future__ import annotations

import io
import urllib.error
import urllib.request

import pytest
from protego import Protego
from pypdf import PdfReader

from riskaudit.demo import SITE_IDS
from riskaudit.demo.server import DemoServer

pytestmark = pytest.mark.slow


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str) -> tuple[int, dict, bytes]:
    """(status, headers, body) without following redirects."""
    try:
        with _OPENER.open(url, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


@pytest.fixture(scope="module")
def demo():
    with DemoServer() as server:
        yield server.urls


def test_one_loopback_port_per_site(demo):
    assert set(demo) == set(SITE_IDS) and len(SITE_IDS) == 11
    ports = {url.rsplit(":", 1)[1] for url in demo.values()}
    assert len(ports) == 11
    assert all(url.startswith("http://127.0.0.1:") for url in demo.values())


@pytest.mark.parametrize("site", SITE_IDS)
def test_homepage_links_to_policy_pages(demo, site):
    status, headers, body = fetch(demo[site] + "/")
    assert status == 200
    assert headers["Content-Type"].startswith("text/html")
    text = body.decode("cp1252" if site == "sparkmatch" else "utf-8")
    assert "<nav" in text or 'class="menu"' in text
    assert "<script" in text and "cookie" in text.lower()
    assert text.count('href="/') >= 3


def test_missing_path_and_config_are_404(demo):
    assert fetch(demo["chirply"] + "/no/such/page")[0] == 404
    assert fetch(demo["threadhub"] + "/site.yaml")[0] == 404
    assert fetch(demo["chirply"] + "/../../server.py")[0] == 404


def test_query_string_is_ignored_for_files(demo):
    status, _, body = fetch(demo["chirply"] + "/community-guidelines?utm_source=x")
    assert status == 200 and b"Community Guidelines" in body


def test_windows_1252_without_declared_charset(demo):
    status, headers, body = fetch(demo["sparkmatch"] + "/community-guidelines")
    assert status == 200
    assert headers["Content-Type"] == "text/html"
    assert b"charset" not in body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = body.decode("cp1252")
    assert "café" in text and "\u201c" in text and "\u2019" in text
    assert "within 24 hours" in text


def test_pdf_terms(demo):
    status, headers, body = fetch(demo["filedrop"] + "/terms.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF-")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "child sexual abuse material" in text
    assert "abuse@filedrop.example" in text


def test_robots_disallows_one_policy_page(demo):
    status, headers, body = fetch(demo["nimbuscdn"] + "/robots.txt")
    assert status == 200 and headers["Content-Type"].startswith("text/plain")
    robots = Protego.parse(body.decode())
    assert not robots.can_fetch(demo["nimbuscdn"] + "/legal/transparency", "riskaudit")
    assert robots.can_fetch(demo["nimbuscdn"] + "/legal/aup", "riskaudit")
    # The page itself exists: only robots.txt keeps a polite crawler away.
    assert fetch(demo["nimbuscdn"] + "/legal/transparency")[0] == 200


def test_redirect_chain(demo):
    base = demo["threadhub"]
    status, headers, _ = fetch(base + "/rules")
    assert (status, headers["Location"]) == (301, "/community/rules")
    status, headers, _ = fetch(base + "/community/rules")
    assert (status, headers["Location"]) == (302, "/community/rules/v2")
    status, _, body = fetch(base + "/community/rules/v2")
    assert status == 200 and b"without their consent" in body
    # urllib follows the whole chain to the final page
    with urllib.request.urlopen(base + "/rules", timeout=10) as resp:
        assert resp.geturl() == base + "/community/rules/v2"


def test_login_wall(demo):
    base = demo["lumencams"]
    status, headers, _ = fetch(base + "/report")
    assert status == 302 and headers["Location"].startswith("/login?next=")
    status, _, body = fetch(base + "/login?next=%2Freport")
    assert status == 200 and b'type="password"' in body


def test_dead_report_link(demo):
    base = demo["heartline"]
    _, _, safety = fetch(base + "/safety")
    assert b'href="/report-abuse"' in safety
    assert fetch(base + "/report-abuse")[0] == 404


def test_cloudflare_obfuscated_abuse_address(demo):
    _, _, body = fetch(demo["boxcloud"] + "/legal/aup")
    text = body.decode()
    assert "/cdn-cgi/l/email-protection#" in text and "data-cfemail=" in text
    assert "abuse@boxcloud.example" not in text
    hexcode = text.split('data-cfemail="', 1)[1].split('"', 1)[0]
    key = int(hexcode[:2], 16)
    decoded = "".join(chr(int(hexcode[i:i + 2], 16) ^ key) for i in range(2, len(hexcode), 2))
    assert decoded == "abuse@boxcloud.example"


def test_head_request(demo):
    req = urllib.request.Request(demo["chirply"] + "/", method="HEAD")
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200 and int(resp.headers["Content-Length"]) > 0 and resp.read() == b""


def test_server_stops_cleanly():
    server = DemoServer(["canvasai"])
    url = server.start()["canvasai"]
    assert fetch(url + "/terms")[0] == 200
    server.stop()
    with pytest.raises(OSError):
        urllib.request.urlopen(url + "/terms", timeout=2)


def test_module_entry_point_prints_urls_and_stops_on_ctrl_c(tmp_path):
    import signal
    import subprocess
    import sys

    registry = tmp_path / "registry.yaml"
    proc = subprocess.Popen([sys.executable, "-m", "riskaudit.demo.server", "--registry", str(registry)],
                            stdout=subprocess.PIPE, text=True)
    try:
        lines = []
        while not lines or not lines[-1].startswith("serving"):
            line = proc.stdout.readline()
            assert line, "server exited early"
            lines.append(line)
        urls = {ln.split()[0]: ln.split()[1] for ln in lines if ln.split()[0] in SITE_IDS}
        assert set(urls) == set(SITE_IDS)
        assert fetch(urls["pixelpost"] + "dmca")[0] == 200
        assert "{pixelpost}" not in registry.read_text() and urls["pixelpost"].rstrip("/") in registry.read_text()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_previous_edition_serves_older_pages_and_overlays_are_not_reachable():
    with DemoServer(["heartline", "dreamforge"]) as server:
        safety = server.urls["heartline"] + "/safety"
        usage = server.urls["dreamforge"] + "/policies/usage"
        current_safety, current_usage = fetch(safety)[2], fetch(usage)[2]
        server.set_edition("previous")
        previous_safety, previous_usage = fetch(safety)[2], fetch(usage)[2]
        hidden = fetch(server.urls["heartline"] + "/.previous/safety.html")[0]
        server.set_edition("current")
        assert fetch(safety)[2] == current_safety
    assert b"within 48 hours" in previous_safety and b"within 48 hours" not in current_safety
    assert b"nudify" in current_usage and b"nudify" not in previous_usage
    # pages without an older version are the same in both editions; dot-folders are never served
    assert hidden == 404
    with pytest.raises(ValueError):
        DemoServer().set_edition("next")
