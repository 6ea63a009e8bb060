"""Edge cases of the HTML → text conversion: regions, banners, tables, links, e-mail schemes."""
from __future__ import annotations

from riskaudit.extract import extract
from riskaudit.extract.email import decode_cfemail, encode_cfemail, unmunge_emails


def text_of(html: str, url: str | None = "https://example.org/legal/terms") -> str:
    return extract(html.encode("utf-8"), content_type="text/html; charset=utf-8", url=url).text


def test_section_headers_are_content_but_page_header_is_not():
    html = """<body>
      <header><div>Brand</div><ul><li><a href="/a">Menu A</a></li></ul></header>
      <section><header><h2>Prohibited content</h2></header>
        <p>No intimate images without consent.</p></section>
      <aside><p>Related: our blog</p></aside>
      <div class="sidebar"><a href="/x">Sidebar link</a></div>
      <footer><p>Imprint</p></footer></body>"""
    assert text_of(html) == "## Prohibited content\n\nNo intimate images without consent."


def test_small_main_does_not_hide_the_real_content():
    body = "<p>" + "Sharing private sexual images of others is forbidden. " * 30 + "</p>"
    html = f"<body><main><p>Loading…</p></main><div id='app'>{body}</div></body>"
    out = text_of(html)
    assert "Loading…" in out and "private sexual images" in out


def test_dominant_article_is_the_region():
    html = """<body><div class="promo"><p>Download our app today!</p></div>
      <article><h1>Terms</h1><p>""" + "You must not post deepfakes of real people. " * 20 + """</p></article>
      <div class="related"><p>More news</p></div></body>"""
    out = text_of(html)
    assert out.startswith("# Terms\n\nYou must not post deepfakes")
    assert "Download our app" not in out and "More news" not in out


def test_consent_vendors_and_generic_banners():
    html = """<body><main><h1>Policy</h1><p>Report abuse.</p></main>
      <div id="CybotCookiebotDialog"><p>This website uses cookies</p></div>
      <div class="cookie-notice-container"><p>We use cookies. OK?</p></div>
      <div id="didomi-host"><p>Vos choix</p></div>
      <div class="qc-cmp2-container"><p>We value your privacy</p></div>
      </body>"""
    assert text_of(html) == "# Policy\n\nReport abuse."


def test_layout_table_and_caption():
    layout = """<table><tr><td><table><tr><td>inner</td></tr></table>
      <h2>Rules</h2><p>Be kind.</p></td></tr></table>"""
    assert text_of(layout) == "inner\n\n## Rules\n\nBe kind."
    data = """<table><caption>Deadlines</caption><tr><th>Type</th><th>Days</th></tr>
      <tr><td><a href="/report">Report</a> NCII</td><td>2</td></tr></table>"""
    assert text_of(data) == "Deadlines\n\nType | Days\n[Report](https://example.org/report) NCII | 2"


def test_link_rendering_rules():
    html = """<p>Use <a href="https://example.org/help#report">the <b>report</b> tool</a>,
      call <a href="tel:+100">us</a>, <a href="mailto:safety@example.org?subject=NCII">email</a>,
      open <a href="javascript:open()">chat</a> or <a href="report form.html">the form (PDF)</a>.
      <a href="/icon"><img src="x.png" alt="Help"></a></p>"""
    e = extract(html.encode(), content_type="text/html", url="https://example.org/legal/")
    assert e.text == (
        "Use [the report tool](https://example.org/help#report), call us, "
        "[email](mailto:safety@example.org?subject=NCII), open chat or "
        "[the form (PDF)](https://example.org/legal/report%20form.html).")
    assert ("Help", "https://example.org/icon") in e.links
    assert ("the report tool", "https://example.org/help#report") in e.links
    assert all(not h.startswith(("tel:", "javascript:")) for _, h in e.links)


def test_title_falls_back_to_h1_and_ignores_svg_titles():
    e = extract(b"<body><svg><title>logo</title></svg><h1>Safety <em>Centre</em></h1></body>",
                content_type="text/html")
    assert e.title == "Safety Centre"


def test_inline_block_mix_and_whitespace():
    html = "<div>Lead <span>text <div>block</div> tail</span> end</div><p>a\n\t b<br/>  c</p>"
    assert text_of(html) == "Lead text\n\nblock\n\ntail end\n\na b\nc"


def test_cfemail_roundtrip_and_invalid_values():
    enc = encode_cfemail("trust+safety@example.co.uk", key=0xA7)
    assert decode_cfemail(enc) == "trust+safety@example.co.uk"
    assert decode_cfemail("zz") is None and decode_cfemail("") is None
    assert decode_cfemail("4242") is None          # decodes, but not an address


def test_unmunge_keeps_prose():
    assert unmunge_emails("mail jane.doe [at] example [dot] org now") == "mail jane.doe@example.org now"
    assert unmunge_emails("team(AT)example.com") == "team@example.com"
    prose = "Meet us at the office at 5 (at the latest) in town."
    assert unmunge_emails(prose) == prose


def test_text_plain_body_is_kept_verbatim():
    body = "Rules\r\n=====\r\n\r\n* No  nudes\u00a0of others\r\n".encode("utf-8")
    e = extract(body, content_type="text/plain; charset=utf-8", url="https://example.org/rules.txt")
    assert e.text == "Rules\n=====\n\n* No  nudes of others\n"
    assert e.title == "Rules"


def test_list_items_holding_headings_or_bullet_glyphs():
    html = """<ol><li><h2>DEFINITIONS</h2><p>Words mean things.</p></li></ol>
      <ul><li><p>• At the top of a profile; or</p></li><li>• In a chat.</li></ul>"""
    assert text_of(html) == ("1. DEFINITIONS\n  Words mean things.\n\n"
                             "- At the top of a profile; or\n- In a chat.")


def test_report_form_keeps_labels_and_categories_but_not_language_pickers():
    html = """<body><main><h1>Report content</h1>
      <form action="/report"><input type="hidden" name="token" value="t0k3n">
        <label for="c">What is the problem?</label>
        <select id="c"><option value="">Choose…</option><option>Intimate image shared without consent</option>
          <option>Copyright</option></select>
        <label><input type="checkbox" name="me"> I am the person shown</label>
        <textarea name="details">prefilled</textarea><button type="submit">Send</button>
      </form>
      <p>Language: <select><option>English</option><option>Deutsch</option></select></p>
    </main></body>"""
    assert text_of(html) == "\n".join([
        "# Report content", "",
        "What is the problem?", "",
        "- Choose…", "- Intimate image shared without consent", "- Copyright", "",
        "I am the person shown", "",
        "Send", "",
        "Language:",
    ])


def test_consent_dialog_with_its_own_h1_and_footer_misparsed_into_article():
    prose = "Users must not share sexual images of others without their consent. " * 10
    html = f"""<body><article><h1>Terms of Use</h1><p>{prose}</p>
      <div class="modal-overlay" id="cookieNoticeBox"><div role="dialog" aria-modal="true">
        <form><h1>Cookie Consent</h1><p>We use functional cookies.</p></form></div></div>
      <div id="footer"><h4>Company</h4><ul><li><a href="/jobs">Jobs</a></li>
        <li><a href="/about">About us</a></li></ul></div>
    </article></body>"""
    assert text_of(html) == "# Terms of Use\n\n" + prose.strip()


def test_sidebar_with_a_signup_form_inside_the_article_is_chrome():
    prose = "<p>" + "Sharing intimate images without consent leads to a permanent ban. " * 12 + "</p>"
    html = f"""<body><article><h1>Terms</h1>{prose}
      <aside class="sidebar"><form><div>I am</div><label><input type="radio"> a woman</label>
        <label><input type="radio"> a man</label><div>Create your password</div>
        <button>Join now</button></form></aside>
      <div class="note"><p>Contact support for help.</p></div></article></body>"""
    out = text_of(html)
    assert out.startswith("# Terms\n\nSharing intimate images") and out.endswith("Contact support for help.")
    assert "Join now" not in out and "a woman" not in out
    # A sidebar holding a main heading, or most of the text, stays.
    html = f"<body><article><div class='sidebar'><h2>Key points</h2>{prose}</div></article></body>"
    assert "## Key points" in text_of(html)


def test_whitespace_collapse_skips_only_texts_it_would_not_change():
    import itertools

    from riskaudit.extract.html import _WS, _collapse
    alphabet = ["a", " ", "\t", "\n", "\r", "\f", "\v", "\xa0", "\u2003", "\x1c"]
    for n in range(1, 5):
        for chars in itertools.product(alphabet, repeat=n):
            s = "".join(chars)
            assert _collapse(s) == _WS.sub(" ", s), repr(s)
