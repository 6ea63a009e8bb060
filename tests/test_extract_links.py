"""Link targets of saved pages: base URL from the page itself, origin inference for fragments,
bare e-mail hrefs; plus the fast paths of the extractor (paragraphs, binary check)."""
from __future__ import annotations

from pathlib import Path

from riskaudit.extract import _looks_binary, extract, extract_file
from riskaudit.extract.html import _paragraph, _site_name, resolve_href

FIX = Path(__file__).parent / "fixtures" / "extract"


def html_text(html: str, url: str | None = None):
    return extract(html.encode("utf-8"), content_type="text/html; charset=utf-8", url=url)


def test_saved_page_resolves_relative_links_against_its_canonical_url():
    e = extract_file(FIX / "saved_canonical.html")
    base = "https://www.lumen-dating.example"
    assert f"[Community Guidelines]({base}/guidelines)" in e.text
    assert f"[sharing FAQ]({base}/legal/faq#sharing)" in e.text
    assert f"[contact us]({base}/feedback)" in e.text
    # An href that is a bare address is an e-mail link, not a relative path.
    assert "[reports@lumen-dating.example](mailto:reports@lumen-dating.example)" in e.text
    assert "[the app store](https://apps.store.example/lumen)" in e.text
    assert ("Community Guidelines", f"{base}/guidelines") in e.links
    assert (e.title, e.text.split("\n")[0]) == ("Safety Terms – Lumen Dating", "# Safety Terms")


def test_crawled_url_wins_over_the_declared_canonical():
    body = (FIX / "saved_canonical.html").read_bytes()
    e = extract(body, content_type="text/html", url="https://mirror.example/copy/safety")
    assert "[Community Guidelines](https://mirror.example/guidelines)" in e.text


def test_og_url_when_canonical_is_missing_relative_or_empty():
    for canonical in ("", '<link rel="canonical" href="">', '<link rel="canonical" href="/en/terms/">'):
        html = (f'<html><head>{canonical}<meta property="og:url" content="https://site.example/en/terms/">'
                '</head><body><p>See <a href="../privacy/">privacy</a>.</p></body></html>')
        assert "[privacy](https://site.example/en/privacy/)" in html_text(html).text


def test_base_href_is_resolved_against_the_declared_url():
    html = ('<html><head><link rel="canonical" href="https://site.example/a/b">'
            '<base href="/docs/"></head><body><a href="terms">Terms</a></body></html>')
    assert html_text(html).text == "[Terms](https://site.example/docs/terms)"


def test_fragment_without_url_uses_the_one_host_named_in_its_heading():
    e = extract_file(FIX / "fragment_no_url.html")
    assert "[member services](https://uk.orbit.example/help/)" in e.text
    assert "[safety page](https://uk.orbit.example/safety/)" in e.text
    assert ("member services", "https://uk.orbit.example/help/") in e.links


def test_fragment_origin_is_not_guessed_from_third_parties_or_ambiguous_hosts():
    # The only absolute link goes to a third party, named in its link text but not the title.
    html = ("<html><head><title>Community Rules – Example Social</title></head><body>"
            "<h1>Community Rules</h1><p>Contact <a href='https://stopncii.example/'>StopNCII</a>"
            " or use the <a href='/report'>report form</a>.</p></body></html>")
    e = html_text(html)
    assert "use the report form." in e.text and "[report form]" not in e.text
    # Two hosts carry the site's name: which one serves /terms is unknown.
    html = ("<body><h1>Spark guidelines</h1><p><a href='https://spark.example'>Home</a> "
            "<a href='https://help.spark.example/'>Help</a> and our <a href='/terms'>Terms</a>.</p></body>")
    assert "and our Terms." in html_text(html).text


def test_captcha_stub_gives_empty_text():
    html = ('<html><head><link rel="icon" href="data:;"><meta http-equiv="refresh" '
            'content="0;/.well-known/check/?r=%2Fterms"></meta></head></html>')
    e = html_text(html)
    assert (e.title, e.text, e.links) == (None, "", [])


def test_resolve_href_rules():
    assert resolve_href("help@site.example", None) == "mailto:help@site.example"
    assert resolve_href("help@site.example", "https://site.example/x") == "mailto:help@site.example"
    assert resolve_href("/a@b", "https://site.example/x") == "https://site.example/a@b"
    assert resolve_href("//cdn.example/p", None) == "https://cdn.example/p"
    assert resolve_href("/faq", None) is None
    assert resolve_href("/faq", None, "https://site.example") == "https://site.example/faq"
    assert resolve_href("faq", None, "https://site.example") is None
    assert resolve_href("#top", None, "https://site.example") is None


def test_site_name():
    assert _site_name("uk.orbit.example") == "orbit"
    assert _site_name("www.shop.co.uk") == "shop"
    assert _site_name("www.lovers24.de") == "lovers24"
    assert _site_name("127.0.0.1") is None
    assert _site_name("localhost") is None


def test_paragraph_fast_path_and_binary_check():
    assert _paragraph("  \n\t ") == []
    assert _paragraph(" • one\n two ") == ["- one two"]
    assert _paragraph("a\ue000 b ") == ["a", "b"]
    assert _looks_binary("ok\x00\x01\x02" * 5) and not _looks_binary("line\tone\r\nline\ftwo")
    assert _looks_binary("\ufffd" * 10 + "a" * 20) and not _looks_binary("")
