"""HTML → Markdown-like plain text (the Open Terms Archive conventions) on an lxml tree.

Steps, in order:
1. parse with lxml's ``etree.HTMLParser`` (libxml2; tolerates malformed markup), see :func:`parse`;
2. take the title (``<title>``, else the first ``<h1>``) and the base URL: the crawled URL,
   else (saved pages) the page's ``<link rel=canonical>``/``og:url``, then ``<base href>``;
   a fragment naming no URL at all may get its site's origin inferred for ``/path`` links;
3. decode Cloudflare-protected e-mail addresses in place;
4. collect every http(s)/mailto link of the whole page (navigation and footers included: the
   crawler discovers policy pages through them);
5. drop what is never content: scripts, styles, noscript, svg, templates, iframes, form
   controls, ``hidden``/``aria-hidden``/``display:none`` elements, cookie/consent banners and
   dialogs;
6. keep the main region (``<main>``/``role=main``, else the dominant ``<article>``), else the
   whole body minus page headers, footers, navigation and sidebars;
7. render blocks: ``#`` headings, ``- ``/``1. `` list items (2 spaces per nesting level),
   ``a | b`` table rows, ``[text](href)`` links, paragraphs separated by blank lines.

The output is the one the former BeautifulSoup(lxml) renderer gave, byte for byte
(`eval/dump_extract.py OUT`, run in a checkout of each, dumps the output on the corpora,
fixtures, demo sites and broken pages; `bench/bench_extract.py --baseline DIR` times them side
by side). It
reads the tree as bs4 did: the parser is fed the same way; text nodes stay separate strings
where bs4 had separate strings (around comments and removed elements); a link's, a title's or
an option's text leaves out script, style, template and ruby-annotation strings (bs4's
``get_text``); pages that go on after ``</html>`` are searched whole; and a tree deeper than
libxml2 builds (256 levels) is built from parser events instead.

The text is normalised by :func:`riskaudit.extract.normalize_text` afterwards.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from lxml import etree

from riskaudit.extract.email import decode_cfemail

# Elements whose content is never page text.
DROP_TAGS = frozenset({
    "script", "style", "noscript", "svg", "template", "iframe", "object", "embed", "canvas",
    "head", "input", "textarea", "datalist", "audio", "video", "map", "math", "link", "meta",
})
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "blockquote",
    "address", "figure", "figcaption", "form", "fieldset", "details", "summary", "dl", "dt", "dd",
    "hr", "center", "body", "html", "ul", "ol", "li", "table", "tr", "td", "th", "thead", "tbody",
    "tfoot", "caption", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dialog", "menu", "legend",
    "hgroup", "search", "noframes", "frameset", "frame", "listing", "plaintext", "xmp", "dir",
    "label", "button", "select", "option", "optgroup",
})
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SECTIONING = frozenset({"article", "aside", "nav", "section", "main"})

# Consent-management platforms and cookie banners, by id/class/aria-label.
_VENDOR_BANNER = re.compile(
    r"onetrust|optanon|cookiebot|cybotcookiebot|didomi|truste|trustarc|cc-banner|cc-window|"
    r"cc_banner|cookie-?law|cookielaw|usercentrics|qc-cmp|quantcast-choice|osano|iubenda|"
    r"cookieyes|cky-consent|cmplz|complianz|termly|consentmanager|cookie-?script|klaro|"
    r"tarteaucitron|axeptio|sp_message|sp-message|fides-|evidon|borlabs|moove_gdpr|gdpr-cookie",
)   # matched against lower-cased attribute text (re.I makes this alternation slow)
_GENERIC_CONSENT = re.compile(r"cookie|consent|gdpr|ccpa|privacy-?(?:banner|notice|prompt)")
_BANNERISH = re.compile(
    r"banner|bar\b|notice|notification|popup|pop-up|modal|dialog|overlay|prompt|alert|toast|"
    r"sticky|fixed|wall|layer|box|container|wrapper|consent|accept|settings|preferences|manager",
)
_BANNER_ANY = re.compile(_VENDOR_BANNER.pattern + "|" + _GENERIC_CONSENT.pattern)
# Page chrome on pages without landmarks, by exact id/class token.
_CHROME_TOKENS = frozenset({
    "header", "footer", "nav", "navbar", "navigation", "nav-bar", "menu", "menubar", "main-menu",
    "mainmenu", "main-nav", "mainnav", "breadcrumb", "breadcrumbs", "sidebar", "side-bar",
    "site-header", "siteheader", "site-footer", "sitefooter", "global-header", "global-footer",
    "global-nav", "globalnav", "page-header", "page-footer", "skip-link", "skiplink", "skip-links",
    "mega-menu", "megamenu", "topbar", "top-bar", "masthead", "toc", "table-of-contents",
})
_INNER_CHROME_TOKENS = frozenset({
    "footer", "site-footer", "sitefooter", "global-footer", "page-footer", "site-header",
    "global-header", "masthead", "navbar", "nav-bar", "breadcrumb", "breadcrumbs", "skip-link",
    "skiplink", "skip-links", "mega-menu", "megamenu", "global-nav", "globalnav",
})
_SIDEBAR_TOKENS = frozenset({"sidebar", "side-bar"})
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Runs of ASCII whitespace, for ``_WS.sub(" ", s)`` (= ``[ \t\n\r\f\v]+`` → one space): a lone
# space is not matched at all, which makes the substitution ~1.7x faster on prose.
_WS = re.compile(r" [ \t\n\r\f\v]+|[\t\n\r\f\v][ \t\n\r\f\v]*")
BULLETS = "•●▪◦‣∙■□➢➤►▸"
_BULLET_LINE = re.compile(rf"^[{BULLETS}]\s+")
_HEADING_PREFIX = re.compile(r"^#{1,6} ")
BR = "\ue000"   # private-use marker for <br> that survives whitespace collapsing
MAX_DEPTH = 150  # deeper subtrees are flattened to text (no recursion overflow)
MAX_TREE_DEPTH = 256   # libxml2's limit when it builds the tree itself
REMOVED = "_removed"   # name of an element taken out of the tree (see _remove)


# Strings inside these elements are not "text" to bs4's get_text() (its string containers): a
# link's or a heading's text leaves out <script>/<style>/<template> content and ruby
# annotations (<rt>, <rp>) -- the renderer keeps the annotations in running text.
CONTAINERS = ("rt", "rp", "style", "script", "template")
_NESTING_CONTAINERS = ("rt", "rp", "template")   # the ones that can hold elements
_CONTAINER_SET = frozenset(CONTAINERS)
_Element = etree._Element
_EL = etree.Element    # tag filter: elements only (no comments or processing instructions)


def parse(text: str) -> list[_Element]:
    """The top-level nodes of a decoded page (its ``<html>`` element, and any comment or further
    ``<html>`` around it), in order; empty for an empty document.

    Fed to ``etree.HTMLParser`` as one string, exactly as bs4's lxml builder does, so that
    libxml2 makes the same repairs of broken markup (``lxml.html.fromstring`` would also refuse
    a string that starts with an XML encoding declaration). Comments and processing
    instructions stay in the tree: they separate text nodes, and are never rendered.

    libxml2 silently stops building a tree 256 elements deep (bs4, fed parser events, does
    not): a document that deep is parsed again through :class:`_EventTree`. So is one with a
    doctype after its start: libxml2's tree drops it, joining the text around it that bs4
    kept as two strings (two list items). (On that path only, control characters that lxml
    cannot store -- form feed, vertical tab, C0 controls -- become a space or nothing; bs4
    kept them, which shows only inside <pre> text and in hrefs.)
    """
    if text[:1] == "\ufeff":
        text = text[1:]
    if _stray_doctype(text):
        return list(_feed(etree.HTMLParser(target=_EventTree()), text))
    root = _feed(etree.HTMLParser(), text)
    if root is None:
        return []
    tops = [*reversed(list(root.itersiblings(preceding=True))), root, *root.itersiblings()]
    if not any(_TOO_DEEP(t) for t in tops if t.tag.__class__ is str):
        return tops
    return list(_feed(etree.HTMLParser(target=_EventTree()), text))


_PROLOGUE = re.compile(r"\s*(?:<!--.*?-->|<\?[^>]*>)", re.S)   # leading comment, <?xml ...?>


def _stray_doctype(text: str) -> bool:
    """Whether ``<!doctype`` (any case) may occur elsewhere than at the start of the page
    (after white space, comments such as "saved from url" and an XML declaration)."""
    n = text.count("<!D") + text.count("<!d")
    if n == 0:
        return False
    if n > 1:
        return True
    pos = 0
    for _ in range(20):
        m = _PROLOGUE.match(text, pos)
        if m is None:
            break
        pos = m.end()
    return text[pos:pos + 40].lstrip()[:9].lower() != "<!doctype"


def _feed(parser, text: str):
    try:
        parser.feed(text)
        return parser.close()
    except (UnicodeError, LookupError, etree.ParserError):
        parser = etree.HTMLParser(encoding="utf8", target=parser.target)   # bs4's second strategy
        parser.feed(text.encode("utf8"))
        return parser.close()


_TOO_DEEP = etree.XPath("boolean(" + "/".join(["*"] * (MAX_TREE_DEPTH - 2)) + ")")
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(s: str) -> str:
    return _NOT_XML_CHARS.sub(lambda m: " " if m.group() in "\x0b\x0c" else "", s)


class _EventTree:
    """lxml parser target building the tree from parser events, as bs4 does (no depth limit).

    Doctypes, comments and processing instructions become empty comments (separators between
    strings, like bs4's Doctype/Comment strings); names lxml refuses become ``_invalid``."""

    def __init__(self):
        self.doc = etree.Element("_document")
        self.stack = [self.doc]

    def start(self, tag, attrib):
        parent = self.stack[-1]
        try:
            el = etree.SubElement(parent, tag)
        except ValueError:
            el = etree.SubElement(parent, "_invalid")
        for k, v in attrib.items():
            try:
                el.set(k, v)
            except ValueError:
                try:
                    el.set(k, _xml_safe(v))
                except ValueError:
                    pass
        self.stack.append(el)

    def end(self, tag):
        if len(self.stack) > 1:
            self.stack.pop()

    def data(self, data):
        parent = self.stack[-1]
        if len(parent):
            last = parent[-1]
            value = (last.tail or "") + data
            try:
                last.tail = value
            except ValueError:
                last.tail = _xml_safe(value)
        else:
            value = (parent.text or "") + data
            try:
                parent.text = value
            except ValueError:
                parent.text = _xml_safe(value)

    def _separator(self, *_args):
        self.stack[-1].append(etree.Comment())

    comment = pi = doctype = _separator

    def close(self):
        return self.doc


def _is_element(node) -> bool:
    return node.tag.__class__ is str


def _attr_text(el: _Element) -> str:
    parts = []
    for name in ("id", "class", "aria-label", "data-testid"):
        v = el.get(name)
        if v:
            parts.append(" ".join(v.split()) if name == "class" else v)
    return " ".join(parts).lower()


def _tokens(el: _Element) -> set[str]:
    out = set()
    v = el.get("id")
    if v:
        out.add(v.lower())
    v = el.get("class")
    if v:
        out.update(v.lower().split())
    return out


def _tags(node: _Element):
    """Descendant elements in document order (not ``node`` itself)."""
    return node.iterdescendants(_EL)


def _find(node: _Element, names) -> _Element | None:
    """First descendant element whose name is in ``names``."""
    return next(node.iterdescendants(*names), None)


def _ancestor(el: _Element, names, stop: _Element | None = None) -> _Element | None:
    """Nearest ancestor whose name is in ``names`` (not looking above ``stop``)."""
    p = el.getparent()
    while p is not None and p is not stop:
        if p.tag in names:
            return p
        p = p.getparent()
    return None


def _remove(doomed: list[_Element]) -> None:
    """Take elements out of the tree, leaving their tail text where it was.

    Each is emptied (children, text and attributes) and renamed ``_removed``, which nothing
    renders, so that the text before and after it stays two separate strings (as when bs4
    decomposes an element): list items made of loose text and ``get_text(" ")`` depend on it.
    (Moving the tail instead would go through lxml's text setter, which refuses the control
    characters libxml2 leaves in text.) Elements inside one removed earlier go with it.
    """
    for el in doomed:
        el.clear(keep_tail=True)
        el.tag = REMOVED


def _text_len(el: _Element) -> int:
    return sum(map(len, map(str.strip, el.itertext())))


def _link_text_len(el: _Element) -> int:
    return sum(_text_len(a) for a in el.iterdescendants("a"))


def _strings(el: _Element):
    """Text nodes and child elements of ``el`` in order (comments skipped, their tails kept)."""
    t = el.text
    if t:
        yield t
    for child in el:
        if child.tag.__class__ is str:
            yield child
        t = child.tail
        if t:
            yield t


def _get_text(el: _Element, sep: str = "", nested: bool = True, plain=frozenset()) -> str:
    """bs4's ``Tag.get_text(sep)``: the strings of ``el`` not inside a string container (or,
    for a container, only its own kind). ``nested``: the document has <rt>/<rp>/<template>;
    ``plain``: elements whose text was set afterwards (a plain string wherever it is)."""
    tag = el.tag
    kind = tag if tag in _CONTAINER_SET else None
    if kind is None and nested:
        p = el.getparent()
        while p is not None:
            if p.tag in _CONTAINER_SET:
                kind = p.tag
                break
            p = p.getparent()
    if kind is None and next(el.iterdescendants(*CONTAINERS), None) is None:
        return sep.join(el.itertext())
    want = tag if tag in _CONTAINER_SET else None
    out = []
    if el.text and (None if el in plain else kind) == want:
        out.append(el.text)
    stack = [(iter(el), kind, None)]
    while stack:
        it, k, node = stack[-1]
        child = next(it, None)
        if child is None:
            stack.pop()
            if node is not None and node.tail and stack[-1][1] == want:
                out.append(node.tail)
            continue
        if child.tag.__class__ is str:
            ck = child.tag if child.tag in _CONTAINER_SET else k
            if child.text and (None if child in plain else ck) == want:
                out.append(child.text)
            stack.append((iter(child), ck, child))
        elif child.tail and k == want:
            out.append(child.tail)
    return sep.join(out)


_BARE_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-zA-Z]{2,}")


def resolve_href(href: str | None, base: str | None, origin: str | None = None) -> str | None:
    """Absolute http(s)/mailto URL for an href, or None for other schemes/fragments.

    ``origin`` (``https://host``, inferred for documents without any URL) resolves only
    root-relative (``/path``) and protocol-relative (``//host/path``) hrefs. An href that is
    a bare e-mail address (``name@example.com``, a common CMS slip) is a ``mailto:`` link.
    """
    if not href:
        return None
    href = href.strip()
    if not href or href[0] == "#":
        return None
    low = href[:12].lower()
    if low.startswith("mailto:"):
        return href if len(href) > 7 else None
    if "@" in href and ":" not in href and "/" not in href and _BARE_EMAIL.fullmatch(href):
        return "mailto:" + href
    if base:
        try:
            href = urljoin(base, href)
        except ValueError:
            return None
    elif href[0] == "/":
        if href.startswith("//"):
            href = "https:" + href
        elif origin:
            href = origin + href
    scheme = urlsplit(href).scheme.lower() if ":" in href[:12] else ""
    if scheme in ("http", "https"):
        return href
    return None


class HtmlExtractor:
    """One-shot converter: ``HtmlExtractor(text, url).run() -> (title, markdown, links)``."""

    def __init__(self, text: str, url: str | None = None):
        # Markup after </html> makes libxml2 start another top-level <html> (a sibling of the
        # root); bs4 keeps both under its document, so whole-page searches look at every one.
        self.tops = parse(text)
        # Plain substring tests (memchr-fast); a case-insensitive regex over a 700 KB page is not.
        self.has_base = "<base" in text or "<BASE" in text or "<Base" in text
        self._hrefs: dict[str | None, str | None] = {}
        self.has_cfemail = "cfemail" in text or "email-protection" in text
        self._decoded: set[_Element] = set()   # elements whose text is now a decoded address
        # <rt>/<rp>/<template> can hold elements whose text get_text() then leaves out.
        self.nested = next(self._all(*_NESTING_CONTAINERS), None) is not None
        self.url = url
        self.base = url
        self.origin: str | None = None   # inferred https://host for root-relative hrefs

    def _all(self, *tags):
        """Elements of the whole document (named ``tags``, else all) in document order."""
        for top in self.tops:
            yield from top.iter(*(tags or (_EL,)))

    def _text(self, el: _Element, sep: str = "") -> str:
        return _get_text(el, sep, self.nested, self._decoded)

    # ---------------------------------------------------------------- pipeline
    def run(self, links: bool = True) -> tuple[str | None, str, list[tuple[str, str]]]:
        if not self.tops:
            return None, "", []
        if self.url is None:
            # Saved/local page: the page says where it lives (canonical link, og:url).
            self.base = self._declared_url()
        base_tag = next(self._all("base"), None) if self.has_base else None
        if base_tag is not None and base_tag.get("href"):
            self.base = resolve_href(base_tag.get("href"), self.base) or self.base
        title = self._title()
        if self.base is None:
            self.origin = self._infer_origin(title)
        if self.has_cfemail:
            self._decode_cfemails()
        links = self._links() if links else []
        body = self._body()
        self._drop_noise(body)
        region = self._main_region(body)
        blocks = self._blocks(region, 0)
        text = "\n\n".join("\n".join(b) for b in blocks if b)
        text = text.replace(BR, "\n")
        return title, text, links

    def _body(self) -> _Element:
        """The first <body>; without one, the whole document under one (unnamed) element."""
        body = next(self._all("body"), None)   # (an element with no children is falsy)
        if body is not None:
            return body
        doc = etree.Element("_document")
        for top in self.tops:
            doc.append(top)
        self.tops = [doc]
        return doc

    def _head_or_all(self):
        """Elements of the first <head> (or of the whole document if there is none)."""
        head = next(self._all("head"), None)
        return head.iterdescendants(_EL) if head is not None else self._all()

    def _resolve(self, href: str | None) -> str | None:
        """:func:`resolve_href` against this page's base, memoised (links repeat a lot)."""
        try:
            return self._hrefs[href]
        except KeyError:
            out = self._hrefs[href] = resolve_href(href, self.base, self.origin)
            return out

    def _declared_url(self) -> str | None:
        """Absolute http(s) URL the page declares for itself: ``<link rel=canonical>``, else
        ``og:url``/``twitter:url``. Used only when no URL is known (local files)."""
        canonical = meta = None
        for t in self._head_or_all():
            if t.tag == "link" and canonical is None:
                rel = t.get("rel") or ""
                if "canonical" in rel.lower().split():
                    canonical = _absolute_http(t.get("href"))
            elif t.tag == "meta" and meta is None:
                prop = (t.get("property") or t.get("name") or "").lower()
                if prop in ("og:url", "twitter:url"):
                    meta = _absolute_http(t.get("content"))
        return canonical or meta

    def _infer_origin(self, title: str | None) -> str | None:
        """``https://host`` of the site for a page that names no URL at all (a saved fragment).

        Root-relative links (``/faq``) are resolved against it only when exactly one host among
        the page's absolute links has its site name (``uk.match.example`` → ``match``) written
        in the page's ``<title>``, an ``<h1>`` or ``og:site_name``: a fragment titled after its
        site and linking to that site's safety page is unambiguous; links to third parties (not
        named in the title) or to several hosts of the same name leave root-relative links as
        plain text."""
        hosts: dict[str, str] = {}
        has_rooted = False
        for a in self._all("a"):
            href = (a.get("href") or "").strip()
            if href[:1] == "/" and href[1:2] != "/":
                has_rooted = True
            elif href[:4].lower() == "http":
                try:
                    parts = urlsplit(href)
                except ValueError:
                    continue
                host = (parts.hostname or "").lower()
                if host and parts.scheme.lower() in ("http", "https"):
                    hosts.setdefault(host, f"{parts.scheme.lower()}://{parts.netloc}")
        if not has_rooted or not hosts:
            return None
        # The page names its own site in its title or main headings; a third party it links to
        # is typically named only in prose or in the link text.
        sample = [title or ""]
        body = next(self._all("body"), None)
        for t in (body.iterdescendants("h1") if body is not None else self._all("h1")):
            sample.append(self._text(t, " "))
        for t in self._head_or_all():
            if t.tag == "meta" and (t.get("property") or "").lower() == "og:site_name":
                sample.append(t.get("content") or "")
        text = " ".join(sample).lower()
        found = {h: o for h, o in hosts.items()
                 if (name := _site_name(h)) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)}
        return next(iter(found.values())) if len(found) == 1 else None

    def _title(self) -> str | None:
        for t in self._all("title"):
            if _ancestor(t, ("svg", "math")) is None:
                s = _WS.sub(" ", self._text(t)).strip()
                if s:
                    return s
                break
        h1 = next(self._all("h1"), None)
        if h1 is not None:
            s = _WS.sub(" ", self._text(h1)).strip()
            if s:
                return s
        return None

    def _decode_cfemails(self) -> None:
        for el in [e for e in self._all() if e.get("data-cfemail") is not None]:
            email = decode_cfemail(el.get("data-cfemail", ""))
            if email:
                _set_text(el, email)
                self._decoded.add(el)
                del el.attrib["data-cfemail"]
                parent_a = el if el.tag == "a" else _ancestor(el, ("a",))
                if parent_a is not None and "email-protection" in (parent_a.get("href") or ""):
                    parent_a.set("href", "mailto:" + email)
        for a in [a for a in self._all("a") if _CF_HREF.search(a.get("href") or "")]:
            href = a.get("href")
            frag = href.split("#", 1)[1] if "#" in href else ""
            email = decode_cfemail(frag)
            if email:
                a.set("href", "mailto:" + email)
                if "email" in self._text(a).lower() and "protected" in self._text(a).lower():
                    _set_text(a, email)
                    self._decoded.add(a)

    def _links(self) -> list[tuple[str, str]]:
        seen = set()
        out = []
        for a in self._all("a"):
            raw = a.get("href")
            if raw is None or _ancestor(a, ("template",)) is not None:
                continue
            href = self._resolve(raw)
            if not href:
                continue
            text = _WS.sub(" ", self._text(a)).strip()
            if not text:
                text = (a.get("aria-label") or a.get("title") or "").strip()
                if not text:
                    img = _find(a, ("img",))
                    text = (img.get("alt") or "").strip() if img is not None else ""
            key = (text, href)
            if key not in seen:
                seen.add(key)
                out.append(key)
        return out

    def _drop_noise(self, body: _Element) -> None:
        drop = []
        for d in body.iterdescendants(_EL):
            # A <select> inside a form lists what a report form accepts ("Intimate images",
            # "Copyright"…): kept as a list. Elsewhere (language pickers) it is chrome.
            name = d.tag
            if name in DROP_TAGS or (name == "select" and _ancestor(d, ("form",)) is None):
                drop.append(d)
        # Comments and processing instructions stay: they are never rendered.
        _remove(drop)
        doomed = [el for el in body.iterdescendants(_EL)
                  if el.attrib and (self._is_hidden(el) or self._is_banner(el))]
        _remove(doomed)

    def _is_hidden(self, el: _Element) -> bool:
        hidden_attr = el.get("hidden")
        style = el.get("style")
        hidden = (
            (hidden_attr is not None and hidden_attr.lower() != "until-found")
            or (el.get("aria-hidden") or "").lower() == "true"
            or (style and _DISPLAY_NONE.search(style))
        )
        if not hidden:
            return False
        # Collapsed accordion panels are hidden too but hold real policy text: keep long prose.
        n = _text_len(el)
        if n < 200:
            return True
        return _link_text_len(el) > 0.5 * n

    def _is_banner(self, el: _Element) -> bool:
        name = el.tag
        if name in ("body", "html", "main", "article"):
            return False
        at = _attr_text(el)
        role = (el.get("role") or "").lower()
        dialog = (role in ("dialog", "alertdialog") or name == "dialog"
                  or (el.get("aria-modal") or "").lower() == "true")
        if not dialog and (not at or _BANNER_ANY.search(at) is None):
            return False   # fast path: most elements name neither a vendor nor consent
        vendor = bool(at) and _VENDOR_BANNER.search(at) is not None
        generic = bool(at) and _GENERIC_CONSENT.search(at) is not None and (
            dialog or _BANNERISH.search(_GENERIC_CONSENT.sub("", at)) is not None
            or role in ("alert", "region", "banner", "status"))
        if not (vendor or generic or dialog):
            return False
        # Never remove something holding the document itself. A consent *dialog* may well have
        # its own <h1>; a generic "cookie…container" holding an <h1> is a cookie policy.
        if _find(el, ("main", "article") if (dialog or vendor) else ("main", "article", "h1")) is not None:
            return False
        if dialog and not (vendor or generic):
            return _text_len(el) < 3000
        return _text_len(el) < 8000

    def _main_region(self, body: _Element) -> _Element:
        memo: dict[_Element, int] = {}

        def length(t: _Element) -> int:   # each candidate's text is measured once
            n = memo.get(t)
            if n is None:
                n = memo[t] = _text_len(t)
            return n

        total = _text_len(body)
        mains, articles = [], []
        for t in body.iterdescendants(_EL):
            if t.tag == "main" or t.get("role") == "main":
                mains.append(t)
            if t.tag == "article":
                articles.append(t)
        if mains:
            best = max(mains, key=length)
            n = length(best)
            if n >= 0.25 * total or n >= 2000:
                self._drop_chrome(best, inside_main=True, total=n)
                return best
        if articles:
            best = max(articles, key=length)
            n = length(best)
            if n >= 0.6 * total:
                self._drop_chrome(best, inside_main=True, total=n)
                return best
        self._drop_chrome(body, inside_main=False, total=total)
        return body

    def _drop_chrome(self, region: _Element, *, inside_main: bool, total: int = 0) -> None:
        """Remove navigation everywhere, and page-level header/footer/aside outside a main region."""
        doomed = []
        for el in region.iterdescendants(_EL):
            name = el.tag
            role = (el.get("role") or "").lower()
            if name == "nav" or role == "navigation":
                doomed.append(el)
                continue
            if inside_main:
                # Malformed pages get the site footer parsed *inside* the article: drop
                # unambiguous chrome that is small, link-heavy and without a main heading.
                # A sidebar (sign-up form, app promo) needs no links to be chrome.
                toks = _tokens(el) if el.attrib else ()
                if toks and (toks & _INNER_CHROME_TOKENS or toks & _SIDEBAR_TOKENS) \
                        and _find(el, ("h1", "h2")) is None:
                    n = _text_len(el)
                    if n < 0.15 * max(total, 1) and (
                            toks & _SIDEBAR_TOKENS or _link_text_len(el) >= 0.25 * n):
                        doomed.append(el)
                continue
            if name in ("header", "footer") or role in ("banner", "contentinfo"):
                parent = _ancestor(el, SECTIONING, stop=region)
                if parent is None:
                    doomed.append(el)
                continue
            if name == "aside" or role == "complementary":
                doomed.append(el)
                continue
            if _tokens(el) & _CHROME_TOKENS and _find(el, ("h1",)) is None:
                if _text_len(el) < 0.3 * max(total, 1):
                    doomed.append(el)
        _remove(doomed)

    # ---------------------------------------------------------------- rendering
    def _blocks(self, node: _Element, depth: int) -> list[list[str]]:
        """Render the children of ``node`` into blocks (each a list of lines)."""
        blocks: list[list[str]] = []
        inline: list[str] = []

        def flush() -> None:
            if inline:
                para = _paragraph("".join(inline))
                inline.clear()
                if para:
                    blocks.append(para)

        if depth > MAX_DEPTH:
            inline.append(self._text(node, " "))
            flush()
            return blocks
        # Containers and inline elements are walked with an explicit stack (no recursion, so
        # deeply nested markup is safe); entering/leaving a block container ends a paragraph.
        stack: list[tuple[object, bool]] = [(_strings(node), False)]
        while stack:
            it, is_block = stack[-1]
            child = next(it, None)  # type: ignore[call-overload]
            if child is None:
                stack.pop()
                if is_block:
                    flush()
                continue
            if child.__class__ is str:
                inline.append(child)
                continue
            d = depth + len(stack)
            name = child.tag
            if name == "br":
                inline.append(BR)
            elif name in HEADINGS or (child.get("role") == "heading"
                                       and (child.get("aria-level") or "").isdigit()):
                flush()
                level = HEADINGS.get(name) or max(1, min(6, int(child.get("aria-level"))))
                line = _WS.sub(" ", self._inline(child, d).replace(BR, " ")).strip()
                if line:
                    blocks.append(["#" * level + " " + line])
            elif name in ("ul", "ol", "menu", "dir"):
                flush()
                lines = self._list(child, d)
                if lines:
                    blocks.append(lines)
            elif name == "table":
                flush()
                blocks.extend(self._table(child, d))
            elif name == "pre":
                flush()
                lines = [ln.rstrip() for ln in self._text(child).replace("\r\n", "\n").split("\n")]
                while lines and not lines[0].strip():
                    lines.pop(0)
                while lines and not lines[-1].strip():
                    lines.pop()
                if lines:
                    blocks.append(lines)
            elif name == "hr":
                flush()
            elif name == "select":
                flush()
                options = [_WS.sub(" ", self._text(o)).strip() for o in child.iterdescendants("option")]
                options = [o for o in options if o]
                if options:
                    blocks.append(["- " + o for o in options])
            elif name == "li":   # stray item outside a list
                flush()
                item = [ln for b in self._blocks(child, d) for ln in b]
                if item:
                    blocks.append(["- " + item[0]] + ["  " + ln for ln in item[1:]])
            elif name in BLOCK_TAGS:
                flush()
                stack.append((_strings(child), True))
            elif name == "a" and _find(child, BLOCK_TAGS) is None:
                inline.append(self._link(child, d))
            elif name == "img":
                continue
            else:
                # Inline or unknown element (or a link wrapping blocks): transparent.
                stack.append((_strings(child), False))
        flush()
        return blocks

    def _inline(self, node: _Element, depth: int) -> str:
        """Inline content of ``node`` as one string (links rendered, <br> as BR marker)."""
        if depth > MAX_DEPTH:
            return self._text(node, " ")
        parts = []
        t = node.text
        if t:
            parts.append(t)
        for child in node:
            name = child.tag
            if name.__class__ is str:
                if name == "br":
                    parts.append(BR)
                elif name == "a":
                    parts.append(self._link(child, depth + 1))
                elif name != "img":
                    sep = " " if name in BLOCK_TAGS else ""
                    parts.append(sep + self._inline(child, depth + 1) + sep)
            t = child.tail
            if t:
                parts.append(t)
        return "".join(parts)

    def _link(self, a: _Element, depth: int) -> str:
        inner = self._inline(a, depth)
        href = self._resolve(a.get("href"))
        text = _WS.sub(" ", inner.replace(BR, " ")).strip()
        if not href or not text:
            return inner
        # Keep the surrounding whitespace outside the brackets.
        lead = " " if inner[:1].isspace() else ""
        trail = " " if inner[-1:].isspace() else ""
        href = href.replace(" ", "%20").replace(")", "%29").replace("(", "%28")
        return f"{lead}[{text}]({href}){trail}"

    def _list(self, lst: _Element, depth: int) -> list[str]:
        ordered = lst.tag == "ol"
        try:
            n = int(lst.get("start", 1)) if ordered else 1
        except ValueError:
            n = 1
        lines: list[str] = []
        for child in _strings(lst):
            if child.__class__ is str:
                if child.strip():
                    lines.append("- " + _WS.sub(" ", child).strip())
                continue
            if child.tag in ("ul", "ol"):
                lines.extend("  " + ln for ln in self._list(child, depth + 1))
                continue
            if child.tag != "li":
                # Stray markup between items (div wrappers from CMSs): render and keep going.
                for b in self._blocks_single(child, depth + 1):
                    lines.extend(b)
                continue
            marker = f"{n}. " if ordered else "- "
            n += 1
            item_blocks = self._blocks(child, depth + 1)
            item_lines = [ln for b in item_blocks for ln in b]
            if not item_lines:
                continue
            # "1. # Title" reads badly: a heading inside an item is plain item text.
            item_lines = [_HEADING_PREFIX.sub("", ln) for ln in item_lines]
            # An item whose text starts with its own bullet glyph ("• text") would become "- - text".
            if item_lines[0].startswith("- ") and _first_char(child) in tuple(BULLETS):
                item_lines[0] = item_lines[0][2:]
            if not item_lines[0]:
                continue
            first = True
            for ln in item_lines:
                if first:
                    lines.append(marker + ln)
                    first = False
                else:
                    lines.append("  " + ln)
        return lines

    def _blocks_single(self, el: _Element, depth: int) -> list[list[str]]:
        """Render one element (not a child list) as blocks."""
        if el.tag in ("ul", "ol"):
            return [self._list(el, depth)]
        if el.tag == "li":
            return [["- " + ln for b in self._blocks(el, depth) for ln in b]]
        if el.tag not in BLOCK_TAGS and _find(el, BLOCK_TAGS) is None:
            para = _paragraph(self._inline(el, depth))
            return [para] if para else []
        return self._blocks(el, depth)

    def _table(self, table: _Element, depth: int) -> list[list[str]]:
        if _find(table, ("table",)) is not None:
            return self._blocks(table, depth)   # layout table: render as ordinary blocks
        rows = list(table.iterdescendants("tr"))
        if not rows:
            return self._blocks(table, depth)   # layout table: render as ordinary blocks
        cells_per_row = []
        for tr in rows:
            cells = []
            for cell in tr:
                if cell.tag not in ("td", "th"):
                    continue
                lines = [ln for b in self._blocks(cell, depth + 1) for ln in b]
                cells.append(" ".join(ln.strip() for ln in lines if ln.strip()))
            if any(cells):
                cells_per_row.append(cells)
        if not cells_per_row:
            return []
        if max(len(c) for c in cells_per_row) == 1 and any(
                _find(tr, ("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6")) is not None
                for tr in rows):
            return self._blocks(table, depth)   # one-column layout table
        blocks: list[list[str]] = []
        cap = _find(table, ("caption",))
        if cap is not None:
            c = _WS.sub(" ", self._text(cap)).strip()
            if c:
                blocks.append([c])
        blocks.append([" | ".join(c for c in cells) for cells in cells_per_row])
        return blocks


_CF_HREF = re.compile(r"/cdn-cgi/l/email-protection")


def _set_text(el: _Element, text: str) -> None:
    """bs4's ``el.clear(); el.append(text)``: children replaced by one string, tail kept."""
    for child in list(el):
        el.remove(child)
    el.text = text


_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "gv"})


def _site_name(host: str) -> str | None:
    """The registrable name of a host: ``uk.match.example`` → ``match``,
    ``www.shop.co.uk`` → ``shop``; None for IP addresses and one-label hosts."""
    labels = [lab for lab in host.split(".") if lab]
    if len(labels) < 2 or labels[-1].isdigit():
        return None
    labels.pop()
    if len(labels) >= 2 and labels[-1] in _SECOND_LEVEL:
        labels.pop()
    name = labels[-1]
    return name if len(name) >= 3 and name != "www" else None


def _absolute_http(href) -> str | None:
    href = str(href or "").strip()
    try:
        scheme = urlsplit(href).scheme.lower()
    except ValueError:
        return None
    return href if scheme in ("http", "https") and "//" in href[:8] else None


def _first_char(el: _Element) -> str:
    for s in el.itertext():
        t = s.strip()
        if t:
            return t[0]
    return ""


def _collapse(s: str) -> str:
    """``_WS.sub(" ", s)``, skipped when it cannot match: no tab/newline/CR/FF/VT, no double space."""
    if "  " in s or "\n" in s or "\t" in s or "\r" in s or "\f" in s or "\v" in s:
        return _WS.sub(" ", s)
    return s


def _paragraph(raw: str) -> list[str]:
    """Collapse whitespace of one paragraph; ``BR`` markers become separate lines."""
    if BR not in raw:   # fast path: one line (or only the whitespace between blocks)
        s = _collapse(raw).strip()
        if not s:
            return []
        return [_BULLET_LINE.sub("- ", s, count=1) if s[0] in BULLETS else s]
    lines = []
    for part in raw.split(BR):
        s = _collapse(part).strip()
        if s:
            lines.append(_BULLET_LINE.sub("- ", s, count=1) if s[0] in BULLETS else s)
    return lines


def html_to_text(text: str, url: str | None = None, *, links: bool = True) -> tuple[str | None, str, list[tuple[str, str]]]:
    """Convert decoded HTML to ``(title, markdown_text, links)`` (links ``[]`` with ``links=False``)."""
    return HtmlExtractor(text, url).run(links)
