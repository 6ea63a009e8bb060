"""Dump what riskaudit.extract makes of a fixed set of documents, to check a change is neutral.

Documents (every one extracted the same way in every run):
- every HTML/PDF file of ``../shared/corpus/dev/html`` (skipped with a message when absent),
  HTML both without a URL (saved page) and with one;
- every ``*.html`` fixture under ``tests/`` and every page of the demo sites (riskaudit/demo);
- generated bench pages (bench/bench_crawl.py ``make_pages``);
- the HTML the extraction tests hand to ``html_to_text`` (captured by running
  tests/test_extract*.py in-process), converted again with ``html_to_text`` here;
- hand-written parser edge cases (comments, PIs, doctypes, ruby, entities, NUL bytes, XML
  declarations, deep nesting…) and deterministic mutations of the corpus pages (truncated,
  tags broken, comments/PIs/NULs spliced in), so that parser differences show up.

Writes one JSON line per document: name, title, text, language, links, warnings (or, for the
captured test inputs, the raw ``html_to_text`` triple). Compare two runs byte for byte:

    python eval/dump_extract.py /tmp/before.jsonl && <change> && python eval/dump_extract.py /tmp/after.jsonl
    python eval/dump_extract.py --compare /tmp/before.jsonl /tmp/after.jsonl
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

CORPUS = ROOT.parent / "shared" / "corpus" / "dev" / "html"   # --shared PATH overrides
URL = "https://www.example.org/legal/terms"

EDGE_CASES: dict[str, str] = {
    "comment-split-list": "<ul>a<!-- c -->b<li>x</li></ul>",
    "comment-in-h1": "<body><h1>Alpha<!--x-->Beta</h1><p>t</p></body>",
    "pi-and-doctype": '<!DOCTYPE html><?php echo 1 ?><html><body><p>a<?pi x?>b</p></body></html>',
    "xml-decl": '<?xml version="1.0" encoding="UTF-8"?><html><head><title>X</title></head><body><p>Hi</p></body></html>',
    "xml-decl-latin": "<?xml version='1.0' encoding='iso-8859-1'?>\n<!DOCTYPE html><html><body><p>caf\u00e9</p></body></html>",
    "ruby": "<body><h1>\u6f22<ruby>\u5b57<rp>(</rp><rt>ji</rt><rp>)</rp></ruby></h1>"
            "<p><a href='/r'>\u6f22<ruby>\u5b57<rt>ji</rt></ruby></a> text</p></body>",
    "script-in-link": "<body><p><a href='/x'>Go<script>var a=1</script><style>p{}</style></a></p></body>",
    "template-link": "<body><template><a href='/t'>T</a></template><p><a href='/u'>U<template>in</template></a></p></body>",
    "entities": "<p>&amp; &lt;b&gt; &nbsp;x&#160;y &eacute; &notanentity; &#0; &#x1F600; &copy</p>",
    "nul-bytes": "<p>a\x00b</p><div\x00>c</div><p>d\x00</p>",
    "pre-ws": "<body><pre>\n  line 1\n\n    line 2  \n</pre><p>  </p><pre> </pre><pre>a<b> </b>c</pre></body>",
    "no-body": "<html><head><title>Only head</title></head></html>",
    "empty": "",
    "text-only": "just some text",
    "frameset": "<html><frameset><frame src='a.html'><noframes><p>No frames</p></noframes></frameset></html>",
    "two-bodies": "<body class='a'><p>one</p></body><body><p>two</p></body>",
    "after-html": "<html><body><p>in</p></body></html><p>after</p><!-- tail comment -->tail",
    "before-html": "<!-- lead -->text before<html><body><p>in</p></body></html>",
    "custom-elements": "<p><x-a>one</x-a> <x-b>two</x-b> <time>3</time> <mark>4</mark> <sup>5</sup></p>",
    "inline-ws": "<div><span>a</span> <span>b</span>\n<img src=x> <b>c</b> <br> <i>d</i></div>",
    "table-ws": "<table> <tr> <td> a </td> <td>b</td> </tr> <tr><th>c</th></tr></table>",
    "table-nested": "<table><tr><td><table><tr><td>in</td></tr></table></td></tr></table>",
    "table-caption": "<table><caption> Cap <b>tion</b></caption><tr><td>x</td><td>y</td></tr></table>",
    "list-stray": "<ul> text <div>wrap <a href='/d'>d</a></div><li>one</li><ol start='x'><li>n</li></ol></ul>",
    "list-start": "<ol start='3'><li>c</li><li><p>d</p><p>e</p></li></ol>",
    "stray-li": "<div><li>stray <b>item</b></li></div>",
    "headings-aria": "<div role='heading' aria-level='9'>Deep</div><div role='heading' aria-level='x'>No</div>",
    "hidden": "<body><div hidden>h</div><div hidden='until-found'>f</div><div aria-hidden='TRUE'>a</div>"
              "<div style='display: none'>s</div><p>visible</p></body>",
    "banner": "<body><main><p>" + "Policy text. " * 30 + "</p></main><div id='onetrust-banner'>cookies</div>"
              "<div role='dialog'><p>Sign up</p></div></body>",
    "cfemail": "<body><p><a href='/cdn-cgi/l/email-protection#a7d4c6c1c2d3dee7c2dfc6cad7cbc289c8d5c0'>[email&#160;protected]</a>"
               " <span class='__cf_email__' data-cfemail='a7d4c6c1c2d3dee7c2dfc6cad7cbc289c8d5c0'>[email protected]</span></p></body>",
    "base-href": "<html><head><base href='https://other.example/sub/'></head><body><p><a href='x'>x</a> <a href='#f'>f</a></p></body></html>",
    "canonical": "<html><head><link rel='Canonical' href='https://site.example/p/q'><meta property='og:url' content='https://og.example/'>"
                 "</head><body><p><a href='r'>r</a> <a href='/s'>s</a></p></body></html>",
    "fragment-origin": "<title>Match terms</title><p><a href='https://uk.match.example/a'>a</a> <a href='/faq'>faq</a></p>",
    "bare-email": "<p><a href='someone@example.org'>mail</a> <a href='mailto:'>empty</a> <a href='tel:1'>t</a></p>",
    "select-outside-form": "<p>Lang <select><option>en</option></select></p><form><select><option> A </option><option></option></select></form>",
    "svg-title": "<body><svg><title>logo</title><text>svg text</text></svg><math><title>m</title></math><h1>Real</h1></body>",
    "title-empty": "<html><head><title>  </title></head><body><h1>H <b>one</b></h1></body></html>",
    "title-twice": "<html><head><title>First</title><title>Second</title></head><body></body></html>",
    "br-runs": "<p>a<br><br/>b<br> </p><h2>x<br>y</h2><a href='/l'>l<br>m</a>",
    "bullets": "<p>\u2022 item one</p><ul><li>\u2022 two</li><li><span>\u25aa</span> three</li></ul>",
    "link-blocks": "<a href='/big'><div>Block</div><p>link</p></a><a href='/s'> spaced </a>x",
    "link-parens": "<p><a href='/a b(c)'>odd</a> <a href='https://x.example/[1]'>br</a></p>",
    "unclosed": "<div><p>one<p>two<div>three<span>four",
    "bad-nesting": "<b><i>bi</b>i</i><p>x<table><tr><td>in p</td></tr></table>",
    "attrs-odd": "<div class=' A  B ' id='NAV'>x</div><div {weird}='1' class='footer'>y</div><p class=''>z</p>",
    "chrome-tokens": "<body><div id='header'>hdr</div><div class='breadcrumbs'>bc</div><p>content</p><div class='toc'><h1>keep</h1></div></body>",
    "inner-chrome": "<body><article><h1>T</h1><p>" + "words " * 200 + "</p><div class='site-footer'><a href='/a'>a</a></div></article></body>",
    "role-main": "<body><nav>n</nav><div role='main'><p>" + "main text " * 100 + "</p></div><footer>f</footer></body>",
    "noscript-iframe": "<body><noscript><p>enable js</p></noscript><iframe src='x'>ifr</iframe><p>ok</p><textarea>ta</textarea></body>",
    "cdata": "<body><p><![CDATA[cdata text]]> after</p></body>",
    "conditional-comment": "<!--[if IE]><p>ie</p><![endif]--><p>all</p>",
    "bogus-comment": "<p>a</ p>b<!>c<!-->d<!--->e<?>f</p>",
    "uppercase": "<HTML><BODY><P CLASS='X'>Upper <A HREF='/u'>Link</A></P><UL><LI>i</LI></UL></BODY></HTML>",
    "whitespace-kinds": "<p>a\u00a0b\u2003c\x0bd\x0ce\rf</p><div>\x0b</div><p>\u3000</p>",
    "surrogates-ish": "<p>\ud7ff \ue000 marker \uffff</p>",
    "deep-200": "<div>" * 200 + "deep text" + "</div>" * 200,
    "deep-inline-200": "<p>" + "<span>" * 200 + "x <a href='/d'>d</a>" + "</span>" * 200 + "</p>",
    "deep-list": "<ul><li>" * 120 + "leaf" + "</li></ul>" * 120,
    "deep-5000": "<div>" * 5000 + "very deep" + "</div>" * 5000,
    "doctype-html4": '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN"><html><body> <span>a</span> <span>b</span> </body></html>',
    "head-text": "<html><head>stray head text<title>T</title></head><body>b</body></html>",
    "meta-charset": "<html><head><meta charset='shift_jis'><title>t</title></head><body><p>x</p></body></html>",
    "script-unclosed": "<p>before</p><script>never closed <p>not text</p>",
    "style-in-body": "<body><style>.a{}</style><p>t<style>x</style>u</p></body>",
    "dl": "<dl><dt>term</dt><dd>def <a href='/d'>link</a></dd></dl>",
    "details": "<details><summary>More</summary><p>Hidden detail</p></details>",
    "label-button": "<form><label>Name</label><button>Go</button><fieldset><legend>L</legend></fieldset></form>",
    "img-alt-link": "<p><a href='/i'><img alt='Alt text'></a><a href='/j' aria-label='Aria'></a><a href='/k' title='Ttl'></a></p>",
    "dup-links": "<p><a href='/a'>A</a><a href='/a'>A</a><a href='/a'>B</a><a href='a'>A</a></p>",
    "javascript-links": "<p><a href='javascript:void(0)'>js</a><a href='ftp://x'>ftp</a><a href='//cdn.example/x'>proto</a></p>",
    "h-in-li": "<ul><li><h3>Head</h3>body</li><li></li><li>   </li></ul>",
    "hr-blocks": "<p>a</p><hr><p>b</p>text<hr>more",
    "menu-dir": "<menu><li>m</li></menu><dir><li>d</li></dir>",
    "nested-lists-stray-text": "<ul><li>a<ul><li>b</li></ul></li> loose <ol><li>c</li></ol></ul>",
    "table-one-col": "<table><tr><td><p>Para one</p></td></tr><tr><td><div>two</div></td></tr></table>",
    "table-empty": "<table><tr><td> </td></tr></table><table></table>",
    "select-in-table": "<form><table><tr><td><select><option>o1</option></select></td><td>x</td></tr></table></form>",
    "unicode-title": "<title>\u00c9t\u00e9 \u2014 r\u00e8gles</title><p>texte</p>",
    "crlf": "<p>line\r\none</p>\r\n<pre>a\r\nb\r\n</pre>",
}


def _mutations(name: str, html: str, n: int = 4) -> list[tuple[str, str]]:
    """Deterministic broken variants of a real page (parser-difference bait)."""
    rnd = random.Random(name)
    out = []
    size = len(html)
    if size < 100:
        return out
    out.append((f"{name}#trunc", html[: rnd.randrange(size // 4, size)]))
    s = list(html)
    for _ in range(40):
        i = rnd.randrange(size)
        if s[i] in "<>\"'":
            s[i] = ""
    out.append((f"{name}#broken", "".join(s)))
    inserts = ["<!-- x -->", "<?pi y?>", "\x00", "<!DOCTYPE html>", "</div>", "<p>", "&amp", "</body>",
               "<![CDATA[z]]>", "<br>", "</html>", "<li>", "<table>", "<script>", "</a>"]
    t = html
    for _ in range(25):
        i = rnd.randrange(len(t))
        t = t[:i] + rnd.choice(inserts) + t[i:]
    out.append((f"{name}#spliced", t))
    a, b = sorted(rnd.sample(range(size), 2))
    out.append((f"{name}#cut", html[:a] + html[b:]))
    return out[:n]


def documents(capture: bool = True):
    """Yield (name, kind, payload, url, content_type); kind 'extract' or 'html_to_text'."""
    from riskaudit.extract.encoding import decode

    real_pages: list[tuple[str, str]] = []
    if CORPUS.is_dir():
        for p in sorted(CORPUS.rglob("*")):
            if p.suffix not in (".html", ".pdf") or not p.stat().st_size:
                continue
            rel = str(p.relative_to(CORPUS))
            body = p.read_bytes()
            ctype = "application/pdf" if p.suffix == ".pdf" else "text/html"
            yield f"corpus:{rel}", "extract", body, None, ctype
            if p.suffix == ".html":
                yield f"corpus-url:{rel}", "extract", body, URL, ctype
                real_pages.append((rel, decode(body, None, html=True)[0]))
    else:
        print(f"note: {CORPUS} absent; corpus documents skipped", file=sys.stderr)
    for p in sorted((ROOT / "tests").rglob("*.html")):
        rel = str(p.relative_to(ROOT))
        body = p.read_bytes()
        yield f"fixture:{rel}", "extract", body, None, "text/html"
        yield f"fixture-url:{rel}", "extract", body, URL, "text/html"
        real_pages.append((rel, decode(body, None, html=True)[0]))
    for p in sorted((ROOT / "riskaudit" / "demo").rglob("*.htm*")):
        rel = str(p.relative_to(ROOT))
        yield f"demo:{rel}", "extract", p.read_bytes(), None, "text/html"
    from bench_crawl import make_pages

    for path, body in list(make_pages(40).items()):
        if path != "/robots.txt":
            yield f"bench:{path}", "extract", body, "http://127.0.0.1:1" + path, "text/html; charset=utf-8"
    for name, html in EDGE_CASES.items():
        yield f"edge:{name}", "html_to_text", html, None, None
        yield f"edge-url:{name}", "html_to_text", html, URL, None
        yield f"edge-bytes:{name}", "extract", html.encode("utf-8", "surrogatepass"), URL, "text/html"
    for rel, html in real_pages:
        for name, variant in _mutations(rel, html):
            yield f"mutant:{name}", "html_to_text", variant, URL, None
    if capture:
        for html, url in _captured_test_inputs():
            digest = hashlib.sha256(f"{url}\n{html}".encode("utf-8", "surrogatepass")).hexdigest()[:16]
            yield f"test-input:{digest}", "html_to_text", html, url, None


def _captured_test_inputs() -> list[tuple[str, str | None]]:
    """Every (html, url) the extraction tests pass to html_to_text, in call order."""
    import pytest

    import riskaudit.extract.html as mod

    seen: dict[tuple[str, str | None], None] = {}
    real = mod.html_to_text

    def spy(text, url=None, **kwargs):
        seen.setdefault((text, url), None)
        return real(text, url, **kwargs)

    tests = sorted(str(p) for p in (ROOT / "tests").glob("test_extract*.py"))
    mod.html_to_text = spy
    try:
        rc = pytest.main(["-q", "-p", "no:cacheprovider", "--no-header", *tests])
    finally:
        mod.html_to_text = real
    if rc not in (0, 1):
        print(f"warning: pytest exit code {rc} while capturing test inputs", file=sys.stderr)
    return list(seen)


def run_one(kind, payload, url, ctype) -> dict:
    from riskaudit.extract import extract
    from riskaudit.extract.html import html_to_text

    if kind == "extract":
        e = extract(payload, content_type=ctype, url=url)
        return {"title": e.title, "text": e.text, "language": e.language,
                "links": [list(x) for x in e.links], "warnings": e.warnings}
    try:
        title, text, links = html_to_text(payload, url)
    except RecursionError:
        return {"error": "RecursionError"}
    return {"title": title, "text": text, "links": [list(x) for x in links]}


def compare(a: Path, b: Path) -> int:
    def load(p):
        return {d["name"]: d for d in map(json.loads, p.read_text().splitlines())}
    before, after = load(a), load(b)
    names = sorted(set(before) | set(after))
    diff = [n for n in names if before.get(n) != after.get(n)]
    for n in diff[:50]:
        x, y = before.get(n) or {}, after.get(n) or {}
        keys = [k for k in sorted(set(x) | set(y)) if x.get(k) != y.get(k)]
        print(f"DIFF {n}: {', '.join(keys)}")
    print(f"{len(names) - len(diff)} of {len(names)} documents identical")
    return 1 if diff else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", help="JSONL file to write")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), type=Path)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"), help="path of the shared folder (default ../shared)")
    ap.add_argument("--no-tests", action="store_true", help="skip capturing the tests' inputs")
    args = ap.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if not args.out:
        ap.error("give an output file or --compare BEFORE AFTER")
    global CORPUS
    CORPUS = Path(args.shared) / "corpus" / "dev" / "html"
    t0 = time.perf_counter()
    n = 0
    with open(args.out, "w", encoding="utf-8") as fh:
        for name, kind, payload, url, ctype in documents(capture=not args.no_tests):
            row = {"name": name, **run_one(kind, payload, url, ctype)}
            fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            n += 1
    print(f"{n} documents written to {args.out} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
