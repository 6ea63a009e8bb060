"""The HTML renderer walks an lxml tree but must read pages as the BeautifulSoup one did.

Each case is a place where a plain lxml port differs: tails of removed elements, strings kept
apart by removed nodes, get_text() leaving out script/template/ruby-annotation strings, markup
after </html>, XML declarations in decoded text, libxml2's depth limit.
"""
from __future__ import annotations

from riskaudit.extract import extract
from riskaudit.extract.html import html_to_text, parse

URL = "https://example.org/legal/terms"


def test_removed_elements_keep_the_text_around_them_apart():
    html = ("<body><ul>one<script>x</script>two<li>three</li></ul>"
            "<p>before<span hidden>gone</span>after</p></body>")
    # lxml's remove() would take "two" and "after" (the tails) with the removed elements, and
    # merging the strings would make "onetwo" a single item.
    assert html_to_text(html, URL)[1] == "- one\n- two\n- three\n\nbeforeafter"


def test_comments_separate_loose_list_items_and_are_never_text():
    html = "<body><h1>Title <!-- c --> <template><b>t</b></template>here</h1><ul>a<!-- c -->b</ul></body>"
    title, text, _ = html_to_text(html, URL)
    assert title == "Title here"
    assert text == "# Title here\n\n- a\n- b"


def test_link_text_leaves_out_scripts_and_ruby_annotations_but_the_text_keeps_them():
    html = '<body><p><a href="/r">漢<ruby>字<rt>ji</rt></ruby><script>var a</script></a> text</p></body>'
    _, text, links = html_to_text(html, URL)
    assert links == [("漢字", "https://example.org/r")]
    assert text == "[漢字ji](https://example.org/r) text"


def test_links_after_the_closing_html_tag_are_found():
    html = '<html><body><p>in</p></body></html><footer><a href="/after">After</a></footer>'
    assert html_to_text(html, URL) == (None, "in", [("After", "https://example.org/after")])
    assert len(parse(html)) == 2      # libxml2 opens a second top-level <html>


def test_decoded_text_with_an_xml_encoding_declaration():
    html = '<?xml version="1.0" encoding="UTF-8"?><html><head><title>X</title></head><body><p>Hi</p></body></html>'
    assert html_to_text(html, URL) == ("X", "Hi", [])
    e = extract(html.encode(), content_type="text/html", url=URL)
    assert (e.title, e.text, e.warnings) == ("X", "Hi", [])


def test_nesting_past_libxml2s_tree_depth_keeps_the_text():
    # libxml2 silently stops building its own tree 256 elements deep.
    html = "<ul><li>" * 300 + "leaf" + "</li></ul>" * 300 + "<p>after</p>"
    text = html_to_text(html, URL)[1]
    assert text.endswith("leaf\n\nafter")
    assert text.startswith("- - - ")


def test_empty_documents():
    assert parse("") == []
    assert html_to_text("", URL) == (None, "", [])
    assert html_to_text("<html><head><title>Only head</title></head></html>", URL) == ("Only head", "", [])


def test_a_doctype_inside_the_page_still_separates_the_text_around_it():
    # libxml2's own tree drops it and joins "first" and "second" into one string.
    html = "<!DOCTYPE html><body><ul>first<!DOCTYPE html>second<li>third</li></ul><p>a<!doctype html>b</p></body>"
    assert html_to_text(html, URL)[1] == "- first\n- second\n- third\n\nab"
