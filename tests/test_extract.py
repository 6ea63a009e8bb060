"""Tests of riskaudit.extract: HTML structure, encodings, e-mail de-obfuscation, PDF, files."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from riskaudit.core.errors import UserError
from riskaudit.demo.make_pdf import serialize_pdf
from riskaudit.extract import (
    SUPPORTED_SUFFIXES,
    Extracted,
    detect_kind,
    extract,
    extract_file,
    normalize_text,
)

FIX = Path(__file__).parent / "fixtures" / "extract"
URL = "https://example.social/rules/community"


def lines(text: str) -> list[str]:
    return text.split("\n")


# ------------------------------------------------------------------------- realistic page
@pytest.fixture(scope="module")
def policy() -> Extracted:
    return extract((FIX / "policy.html").read_bytes(), content_type="text/html; charset=utf-8", url=URL)


def test_policy_page_exact_text(policy):
    assert policy.text == "\n".join([
        "# Community Rules",
        "",
        "Last updated: March 1, 2024",
        "",
        "These rules apply to everything you post on Example Social. Breaking them can get your account suspended.",
        "",
        "## Intimate imagery",
        "",
        "You may not:",
        "",
        "- share intimate images without consent, including images that were digitally altered or AI-generated;",
        "- threaten to share intimate images",
        "  - to extort money (“sextortion”), or",
        "  - to coerce someone into sending more images.",
        "",
        "### How to report",
        "",
        "1. Use the [report form](https://example.social/report/ncii).",
        "2. Or write to [safety@example.social](mailto:safety@example.social).",
        "",
        "Victims can also contact [StopNCII](https://stopncii.org/)",
        "or the helpline.",
        "",
        "## Response times",
        "",
        "Report type | Target response",
        "Non-consensual intimate imagery | 24 hours",
        "Copyright | 7 days",
    ])


def test_policy_page_drops_boilerplate(policy):
    for noise in ("cookies", "Accept All", "Features", "Skip to content", "dataLayer",
                  "font-family", "enable JavaScript", "icon", "abc123", "Share", "©",
                  "WebPage", "Privacy Policy"):
        assert noise not in policy.text, noise


def test_policy_page_title_language_links(policy):
    assert policy.title == "Community Rules – Example Social"
    assert policy.language == "en"
    # Links come from the whole page (footer included: the crawler discovers documents there).
    assert ("report form", "https://example.social/report/ncii") in policy.links
    assert ("safety@example.social", "mailto:safety@example.social") in policy.links
    assert ("Terms of Service", "https://example.social/terms") in policy.links
    assert ("Example Social home", "https://example.social/") in policy.links
    assert all(not href.startswith(("#", "javascript:")) for _, href in policy.links)
    assert len(policy.links) == len(set(policy.links))


@pytest.mark.parametrize("name", ["policy.html", "no_landmarks.html", "saved_canonical.html"])
def test_links_false_changes_nothing_but_the_link_list(name):
    # The crawl asks for no link list (it stores none); the stored text must not change.
    body = (FIX / name).read_bytes()
    full = extract(body, content_type="text/html", url=URL)
    bare = extract(body, content_type="text/html", url=URL, links=False)
    assert full.links, name                     # the fixture has links: the flag is exercised
    assert bare.links == []
    assert (bare.title, bare.text, bare.language, bare.warnings) == \
        (full.title, full.text, full.language, full.warnings)


def test_base_href_resolves_links():
    html = (b'<html><head><base href="https://cdn.example.net/help/"></head><body><main>'
            b'<p>See <a href="report.html">the report page</a> and <a href="javascript:void(0)">menu</a>'
            b' and <a href="/x"></a>.</p></main></body></html>')
    e = extract(html, content_type="text/html", url="https://example.net/terms")
    assert e.text == "See [the report page](https://cdn.example.net/help/report.html) and menu and ."
    # Every http(s)/mailto link is listed, even one without text (it is not rendered).
    assert e.links == [("the report page", "https://cdn.example.net/help/report.html"),
                       ("", "https://cdn.example.net/x")]


def test_main_region_preferred_but_nothing_lost_without_landmarks():
    cf = "".join(f"{b:02x}" for b in [0x5A] + [c ^ 0x5A for c in b"dmca@example-host.com"])
    html = (FIX / "no_landmarks.html").read_text(encoding="utf-8").replace("CFHEX", cf)
    e = extract(html.encode("utf-8"), content_type="text/html", url="https://example-host.com/terms")
    assert e.text == "\n".join([
        "1. Prohibited content. You agree not to post sexually explicit images of any person "
        "without that person's consent.",
        "Nor may you post content that has been edited to depict a real person nude.",
        "",
        "2. Reporting. Contact us at [dmca@example-host.com](mailto:dmca@example-host.com)"
        " or at legal@example-host.com.",
        "",
        "3. Takedown. | We remove reported content within 48 hours.",
    ])
    assert e.title == "Terms"
    assert ("dmca@example-host.com", "mailto:dmca@example-host.com") in e.links
    assert "[email" not in e.text


def test_cloudflare_href_only_and_munged_variants():
    key = 0x13
    cf = "%02x" % key + "".join("%02x" % (c ^ key) for c in b"report@site.example")
    html = (f'<p>Write to <a href="/cdn-cgi/l/email-protection#{cf}">[email&#160;protected]</a>.</p>'
            '<p>Or abuse(at)site(dot)co(dot)uk, or press {at} site.example.</p>'
            '<p>We meet at [noon] daily.</p>')
    e = extract(html.encode(), content_type="text/html", url="https://site.example/")
    assert lines(e.text) == [
        "Write to [report@site.example](mailto:report@site.example).",
        "",
        "Or abuse@site.co.uk, or press@site.example.",
        "",
        "We meet at [noon] daily.",
    ]


def test_structure_br_nested_ordered_and_headings_roles():
    html = """<main>
      <div role="heading" aria-level="2">Section   two</div>
      <ol start="3"><li><p>First para</p><p>continued</p></li><li>Next<ol><li>deep</li></ol></li></ol>
      <p>• share intimate images<br>• post nudes of others</p>
      <pre>  keep   this
   spacing</pre>
      <dl><dt>NCII</dt><dd>non-consensual intimate imagery</dd></dl>
    </main>"""
    e = extract(html.encode(), content_type="text/html")
    assert lines(e.text) == [
        "## Section two",
        "",
        "3. First para",
        "  continued",
        "4. Next",
        "  1. deep",
        "",
        "- share intimate images",
        "- post nudes of others",
        "",
        "  keep   this",
        "   spacing",
        "",
        "NCII",
        "",
        "non-consensual intimate imagery",
    ]


def test_hidden_elements_and_consent_dialogs_dropped_but_long_accordions_kept():
    panel = "Intimate images shared without consent are removed. " * 6
    html = f"""<body><main><h1>Help</h1>
      <div hidden><p>secret menu</p></div>
      <div style="display: none">invisible</div>
      <div class="accordion-panel" aria-hidden="true"><p>{panel}</p></div>
      <div role="dialog" class="cc-window">This site uses cookies.</div>
      <section id="cookies"><h2>Cookies</h2><p>We use cookies to remember you.</p></section>
    </main>
    <div role="dialog" aria-modal="true" id="newsletter">Subscribe now!</div></body>"""
    e = extract(html.encode(), content_type="text/html")
    assert "secret menu" not in e.text and "invisible" not in e.text
    assert "This site uses cookies" not in e.text and "Subscribe" not in e.text
    assert panel.strip() in e.text                        # collapsed accordion keeps its prose
    assert "## Cookies\n\nWe use cookies to remember you." in e.text   # a cookie *section* stays


def test_normalisation():
    raw = "a\u00a0b\u200bc  \n\n\n\nd\u0301e\r\nf \u2019"
    assert normalize_text(raw) == "a bc\n\nd\u0301e\nf \u2019".replace("d\u0301", "d\u0301")
    e = extract("<p>Cafe\u0301\u00a0\u201cquoted\u201d\u200b</p>".encode(), content_type="text/html")
    assert e.text == "Café “quoted”"


# ------------------------------------------------------------------------- encodings
def test_windows_1252_undeclared():
    e = extract((FIX / "cp1252_undeclared.html").read_bytes(), content_type="text/html")
    assert e.title == "Conditions d’utilisation"
    assert lines(e.text)[0] == "# Conditions générales d’utilisation"
    assert "Nous appelons cela le “revenge porn” — et nous le supprimons rapidement." in lines(e.text)
    assert e.language == "fr"


def test_latin1_declared_in_meta_only():
    e = extract((FIX / "latin1_meta.html").read_bytes(), content_type="text/html")
    assert e.title == "Allgemeine Geschäftsbedingungen"
    assert "Die Veröffentlichung intimer Aufnahmen ohne Einwilligung der abgebildeten Person ist untersagt." in e.text
    assert e.language == "de"


def test_shift_jis_undeclared():
    e = extract((FIX / "shiftjis_undeclared.html").read_bytes())
    assert e.title == "利用規約"
    assert "本人の同意なく性的な画像や動画を投稿することを禁止します。" in lines(e.text)
    assert e.language == "ja"


def test_http_header_charset_wins_and_bom():
    body = "<p>Zürich “quoted”</p>".encode("cp1252")
    assert extract(body, content_type="text/html; charset=windows-1252").text == "Zürich “quoted”"
    bom = b"\xef\xbb\xbf" + "<p>déjà vu</p>".encode("utf-8")
    assert extract(bom, content_type="text/html; charset=iso-8859-1").text == "déjà vu"
    utf16 = "<p>naïve</p>".encode("utf-16")   # with BOM
    assert extract(utf16, content_type="text/html").text == "naïve"


# ------------------------------------------------------------------------- robustness
def test_garbage_and_empty_bodies_give_empty_text():
    garbage = bytes((i * 37 + 11) % 256 for i in range(5000))
    for body in (b"", garbage, b"\x00" * 100, b"\x89PNG\r\n\x1a\n" + garbage):
        e = extract(body, content_type="application/octet-stream")
        assert e.text == "" and e.language is None


def test_malformed_and_deeply_nested_markup():
    e = extract(b"<p>Unclosed <b>bold <i>and <div>div</p></span>text after", content_type="text/html")
    assert "Unclosed bold and" in e.text and "text after" in e.text
    deep = b"<div>" * 3000 + b"<p>deep text</p>" + b"</div>" * 3000
    assert extract(deep, content_type="text/html").text == "deep text"
    deep_inline = b"<span>" * 3000 + b"inline" + b"</span>" * 3000
    assert extract(deep_inline, content_type="text/html").text == "inline"


def test_huge_page_is_capped():
    para = b"<p>" + b"word " * 2000 + b"</p>\n"
    body = b"<html><body>" + para * 1200 + b"</body></html>"      # ~12 MB
    e = extract(body, content_type="text/html")
    assert 0 < len(e.text) <= 2_000_000
    assert e.text.startswith("word word")


def test_detect_kind():
    assert detect_kind(b"%PDF-1.4\n...", None, None) == "pdf"
    assert detect_kind(b"...", "application/pdf", None) == "pdf"
    assert detect_kind(b"<p>x</p>", "text/html; charset=utf-8", None) == "html"
    assert detect_kind(b"<!DOCTYPE html><html>", "text/plain", None) == "html"
    assert detect_kind(b"# Title\n\ntext", "text/markdown", None) == "text"
    assert detect_kind(b"plain words", None, "https://x.example/terms.txt") == "text"
    assert detect_kind(b"<div>hi</div>", None, None) == "html"
    assert set(SUPPORTED_SUFFIXES) >= {".md", ".markdown", ".txt", ".html", ".htm", ".pdf"}


# ------------------------------------------------------------------------- PDF
def make_pdf(lines_: list[str], uri: str | None = None) -> bytes:
    """A minimal valid one-page PDF drawing each line with Helvetica (hand-written objects)."""
    def esc(s: str) -> str:
        return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    ops = ["BT", "/F1 11 Tf", "14 TL", "50 780 Td"]
    for ln in lines_:
        ops.append(f"({esc(ln)}) Tj T*")
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R"
        + (b" /Annots [<< /Type /Annot /Subtype /Link /Rect [50 700 300 714] "
           b"/A << /S /URI /URI (%s) >> >>]" % uri.encode() if uri else b"") + b" >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return serialize_pdf(objects, root=1)


PDF_LINES = [
    "Acceptable Use Policy",
    "You must not upload intimate images of another person without their con-",
    "sent. This rule also applies to images that were digitally altered and to non-",
    "consensual deepfakes made with our tools.",
    "\x95 Report abuse to abuse@example.org.",
    "\x95 We respond within two business days.",
    "3",
]


def test_pdf_reflows_paragraphs_and_hyphens(tmp_path):
    body = make_pdf(PDF_LINES)
    expected = "\n".join([
        "Acceptable Use Policy",
        "",
        "You must not upload intimate images of another person without their consent. This rule "
        "also applies to images that were digitally altered and to non-consensual deepfakes made "
        "with our tools.",
        "",
        "- Report abuse to abuse@example.org.",
        "- We respond within two business days.",
    ])
    e = extract(body, content_type="application/pdf", url="https://example.org/aup.pdf")
    assert e.text == expected
    assert e.links == []
    assert e.title == "Acceptable Use Policy"
    assert e.language == "en"
    p = tmp_path / "aup.pdf"
    p.write_bytes(body)
    assert extract_file(p).text == expected


def test_broken_pdf_body_warns_and_file_raises(tmp_path, caplog):
    broken = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << >>\n%%EOF"
    with caplog.at_level(logging.WARNING, logger="riskaudit.extract"):
        e = extract(broken, url="https://example.org/broken.pdf")
    assert e.text == ""
    assert "https://example.org/broken.pdf" in caplog.text
    p = tmp_path / "broken.pdf"
    p.write_bytes(broken)
    with pytest.raises(UserError, match="broken.pdf"):
        extract_file(p)
    q = tmp_path / "fake.pdf"
    q.write_bytes(b"<html>not a pdf</html>")
    with pytest.raises(UserError, match="not a PDF"):
        extract_file(q)


# ------------------------------------------------------------------------- files
def test_markdown_file_as_is():
    e = extract_file(FIX / "guidelines.md")
    assert e.text == (FIX / "guidelines.md").read_text(encoding="utf-8")
    assert e.title == "Community Guidelines"
    assert e.links == [("our form", "https://example.org/report"),
                       ("mailto:abuse@example.org", "mailto:abuse@example.org")]


def test_txt_file_newlines_and_nbsp_normalised():
    e = extract_file(FIX / "aup.txt")
    assert e.text == "Acceptable use policy\n\nNo revenge porn.  Ever.\n"


def test_txt_file_latin1_fallback(tmp_path):
    p = tmp_path / "legacy.txt"
    p.write_bytes("Réglement: pas d’images intimes sans accord.".encode("cp1252"))
    assert extract_file(p).text == "Réglement: pas d’images intimes sans accord."


def test_html_file(tmp_path):
    e = extract_file(FIX / "policy.html")
    assert e.text.startswith("# Community Rules\n\nLast updated: March 1, 2024")
    # Without a URL, relative links stay plain text; absolute ones keep their target.
    assert "1. Use the report form." in e.text
    assert "[StopNCII](https://stopncii.org/)" in e.text


def test_file_errors(tmp_path):
    with pytest.raises(UserError, match="missing.md: file not found"):
        extract_file(tmp_path / "missing.md")
    doc = tmp_path / "terms.docx"
    doc.write_bytes(b"PK\x03\x04")
    with pytest.raises(UserError, match="unsupported file type '.docx'"):
        extract_file(doc)
    (tmp_path / "dir.md").mkdir()
    with pytest.raises(UserError, match="is a directory"):
        extract_file(tmp_path / "dir.md")


def test_utf8_page_with_a_stray_byte_stays_utf8():
    body = ("<p>Les données “personnelles” sont protégées à Zürich. " * 5 + "</p>").encode("utf-8")
    body = body.replace(b"Z\xc3\xbcrich", b"Z\xfcrich", 1)      # one windows-1252 byte
    text = extract(body, content_type="text/html").text
    assert "données “personnelles” sont protégées" in text
    assert text.count("\ufffd") == 1


def test_pdf_links_from_text_and_annotations():
    body = make_pdf(["Report abuse at https://example.org/report.", "Thank you."],
                    uri="https://example.org/ncii-form")
    e = extract(body, url="https://example.org/x.pdf")
    assert e.text == "Report abuse at https://example.org/report. Thank you."
    assert e.links == [("https://example.org/report", "https://example.org/report"),
                       ("https://example.org/ncii-form", "https://example.org/ncii-form")]


@pytest.mark.parametrize("chars, pattern", [("_BAD_CHAR_LIST", "_BAD_CHARS"), ("_SPACE_CHARS", "_SPACES"),
                                            ("_INVISIBLE_CHARS", "_INVISIBLE"), ("_CONTROL_CHARS", "_CONTROL")])
def test_each_pre_check_lists_exactly_the_characters_of_its_pattern(chars, pattern):
    import riskaudit.extract as mod
    listed, regex = getattr(mod, chars), getattr(mod, pattern)
    assert len(listed) == len(set(listed))
    assert set(listed) == {chr(c) for c in range(0x110000) if regex.match(chr(c))}
