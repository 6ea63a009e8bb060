"""HTML → Markdown-like plain text (the Open Terms Archive conventions) with BeautifulSoup/lxml.

Steps, in order:
1. parse with ``BeautifulSoup(text, "lxml")`` (tolerates malformed markup);
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

The text is normalised by :func:`riskaudit.extract.normalize_text` afterwards.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

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
SKIP_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
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
_WS = re.compile(r"[ \t\n\r\f\v]+")
BULLETS = "•●▪◦‣∙■□➢➤►▸"
_BULLET_LINE = re.compile(rf"^[{BULLETS}]\s+")
_HEADING_PREFIX = re.compile(r"^#{1,6} ")
BR = "\ue000"   # private-use marker for <br> that survives whitespace collapsing
MAX_DEPTH = 150  # deeper subtrees are flattened to text (no recursion overflow)


def _attr_text(tag: Tag) -> str:
    attrs = tag.attrs
    parts = []
    for name in ("id", "class", "aria-label", "data-testid"):
        v = attrs.get(name)
        if v:
            parts.append(" ".join(v.split()) if name == "class" else str(v))
    return " ".join(parts).lower()


def _tokens(tag: Tag) -> set[str]:
    out = set()
    v = tag.attrs.get("id")
    if v:
        out.add(str(v).lower())
    v = tag.attrs.get("class")
    if v:
        out.update(v.lower().split())
    return out


def _tags(node: Tag):
    """Descendant elements in document order (faster than bs4's generic find_all)."""
    for d in node.descendants:
        if isinstance(d, Tag):
            yield d


def _find(node: Tag, names) -> Tag | None:
    """First descendant element whose name is in ``names``."""
    for d in node.descendants:
        if isinstance(d, Tag) and d.name in names:
            return d
    return None


def _ancestor(el: Tag, names, stop: Tag | None = None) -> Tag | None:
    """Nearest ancestor whose name is in ``names`` (not looking above ``stop``)."""
    p = el.parent
    while p is not None and p is not stop:
        if p.name in names:
            return p
        p = p.parent
    return None


def _remove(doomed: list[Tag]) -> None:
    """Decompose elements, skipping those already inside a removed element."""
    ids = {id(el) for el in doomed}
    for el in doomed:
        p = el.parent
        inside = False
        while p is not None:
            if id(p) in ids:
                inside = True
                break
            p = p.parent
        if not inside:
            el.decompose()


def _text_len(tag: Tag) -> int:
    return sum(len(s.strip()) for s in tag.descendants
               if isinstance(s, NavigableString) and not isinstance(s, SKIP_STRINGS))


def _link_text_len(tag: Tag) -> int:
    return sum(_text_len(a) for a in _tags(tag) if a.name == "a")


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
        # multi_valued_attributes=None: bs4 would otherwise split every class/rel attribute
        # into a list while building the tree (~10 % of parsing); the few readers split lazily.
        self.soup = BeautifulSoup(text, "lxml", multi_valued_attributes=None)
        # Plain substring tests (memchr-fast); a case-insensitive regex over a 700 KB page is not.
        self.has_base = "<base" in text or "<BASE" in text or "<Base" in text
        self._hrefs: dict[str | None, str | None] = {}
        self.has_cfemail = "cfemail" in text or "email-protection" in text
        self.url = url
        self.base = url
        self.origin: str | None = None   # inferred https://host for root-relative hrefs

    # ---------------------------------------------------------------- pipeline
    def run(self) -> tuple[str | None, str, list[tuple[str, str]]]:
        soup = self.soup
        if self.url is None:
            # Saved/local page: the page says where it lives (canonical link, og:url).
            self.base = self._declared_url()
        base_tag = _find(soup, ("base",)) if self.has_base else None
        if base_tag is not None and base_tag.get("href"):
            self.base = resolve_href(base_tag["href"], self.base) or self.base
        title = self._title()
        if self.base is None:
            self.origin = self._infer_origin(title)
        if self.has_cfemail:
            self._decode_cfemails()
        links = self._links()
        body = soup.body or soup
        self._drop_noise(body)
        region = self._main_region(body)
        blocks = self._blocks(region, 0)
        text = "\n\n".join("\n".join(b) for b in blocks if b)
        text = text.replace(BR, "\n")
        return title, text, links

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
        for t in _tags(self.soup.head or self.soup):
            if t.name == "link" and canonical is None:
                rel = t.attrs.get("rel") or ""
                if "canonical" in str(rel).lower().split():
                    canonical = _absolute_http(t.attrs.get("href"))
            elif t.name == "meta" and meta is None:
                prop = str(t.attrs.get("property") or t.attrs.get("name") or "").lower()
                if prop in ("og:url", "twitter:url"):
                    meta = _absolute_http(t.attrs.get("content"))
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
        for a in _tags(self.soup):
            if a.name != "a":
                continue
            href = str(a.attrs.get("href") or "").strip()
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
        for t in _tags(self.soup.body or self.soup):
            if t.name == "h1":
                sample.append(t.get_text(" "))
        for t in _tags(self.soup.head or self.soup):
            if t.name == "meta" and str(t.attrs.get("property", "")).lower() == "og:site_name":
                sample.append(str(t.attrs.get("content") or ""))
        text = " ".join(sample).lower()
        found = {h: o for h, o in hosts.items()
                 if (name := _site_name(h)) and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)}
        return next(iter(found.values())) if len(found) == 1 else None

    def _title(self) -> str | None:
        for t in _tags(self.soup):
            if t.name == "title" and _ancestor(t, ("svg", "math")) is None:
                s = _WS.sub(" ", t.get_text()).strip()
                if s:
                    return s
                break
        h1 = _find(self.soup, ("h1",))
        if h1 is not None:
            s = _WS.sub(" ", h1.get_text()).strip()
            if s:
                return s
        return None

    def _decode_cfemails(self) -> None:
        for el in self.soup.find_all(attrs={"data-cfemail": True}):
            email = decode_cfemail(el.get("data-cfemail", ""))
            if email:
                el.clear()
                el.append(email)
                del el["data-cfemail"]
                parent_a = el if el.name == "a" else _ancestor(el, ("a",))
                if parent_a is not None and "email-protection" in (parent_a.get("href") or ""):
                    parent_a["href"] = "mailto:" + email
        for a in self.soup.find_all("a", href=re.compile(r"/cdn-cgi/l/email-protection")):
            href = a["href"]
            frag = href.split("#", 1)[1] if "#" in href else ""
            email = decode_cfemail(frag)
            if email:
                a["href"] = "mailto:" + email
                if "email" in a.get_text().lower() and "protected" in a.get_text().lower():
                    a.clear()
                    a.append(email)

    def _links(self) -> list[tuple[str, str]]:
        seen = set()
        out = []
        for a in _tags(self.soup):
            if a.name != "a" or "href" not in a.attrs or _ancestor(a, ("template",)):
                continue
            href = self._resolve(a["href"])
            if not href:
                continue
            text = _WS.sub(" ", a.get_text()).strip()
            if not text:
                text = (a.get("aria-label") or a.get("title") or "").strip()
                if not text:
                    img = _find(a, ("img",))
                    text = str(img.get("alt") or "").strip() if img is not None else ""
            key = (text, href)
            if key not in seen:
                seen.add(key)
                out.append(key)
        return out

    def _drop_noise(self, body: Tag) -> None:
        drop, comments = [], []
        for d in body.descendants:
            if isinstance(d, Tag):
                # A <select> inside a form lists what a report form accepts ("Intimate images",
                # "Copyright"…): kept as a list. Elsewhere (language pickers) it is chrome.
                if d.name in DROP_TAGS or (d.name == "select" and _ancestor(d, ("form",)) is None):
                    drop.append(d)
            elif isinstance(d, SKIP_STRINGS):
                comments.append(d)
        # Comments first: one inside an element removed below (<svg>, <noscript>…) would be
        # decomposed with it and could not be extracted afterwards.
        for c in comments:
            if getattr(c, "parent", None) is not None:
                c.extract()
        _remove(drop)
        doomed = [el for el in _tags(body)
                  if el.attrs and (self._is_hidden(el) or self._is_banner(el))]
        _remove(doomed)

    def _is_hidden(self, el: Tag) -> bool:
        attrs = el.attrs
        hidden = (
            ("hidden" in attrs and str(attrs.get("hidden")).lower() != "until-found")
            or str(attrs.get("aria-hidden", "")).lower() == "true"
            or (attrs.get("style") and _DISPLAY_NONE.search(str(attrs["style"])))
        )
        if not hidden:
            return False
        # Collapsed accordion panels are hidden too but hold real policy text: keep long prose.
        n = _text_len(el)
        if n < 200:
            return True
        return _link_text_len(el) > 0.5 * n

    def _is_banner(self, el: Tag) -> bool:
        if el.name in ("body", "html", "main", "article"):
            return False
        at = _attr_text(el)
        role = str(el.attrs.get("role", "")).lower()
        dialog = (role in ("dialog", "alertdialog") or el.name == "dialog"
                  or str(el.attrs.get("aria-modal", "")).lower() == "true")
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
        if _find(el, ("main", "article") if (dialog or vendor) else ("main", "article", "h1")):
            return False
        if dialog and not (vendor or generic):
            return _text_len(el) < 3000
        return _text_len(el) < 8000

    def _main_region(self, body: Tag) -> Tag:
        memo: dict[int, int] = {}

        def length(t: Tag) -> int:   # each candidate's text is measured once
            n = memo.get(id(t))
            if n is None:
                n = memo[id(t)] = _text_len(t)
            return n

        total = _text_len(body)
        mains, articles = [], []
        for t in _tags(body):
            if t.name == "main" or t.attrs.get("role") == "main":
                mains.append(t)
            if t.name == "article":
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

    def _drop_chrome(self, region: Tag, *, inside_main: bool, total: int = 0) -> None:
        """Remove navigation everywhere, and page-level header/footer/aside outside a main region."""
        doomed = []
        for el in _tags(region):
            name = el.name
            role = str(el.attrs.get("role", "")).lower()
            if name == "nav" or role == "navigation":
                doomed.append(el)
                continue
            if inside_main:
                # Malformed pages get the site footer parsed *inside* the article: drop
                # unambiguous chrome that is small, link-heavy and without a main heading.
                # A sidebar (sign-up form, app promo) needs no links to be chrome.
                toks = _tokens(el) if el.attrs else ()
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
    def _blocks(self, node: Tag, depth: int) -> list[list[str]]:
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
            inline.append(node.get_text(" "))
            flush()
            return blocks
        # Containers and inline elements are walked with an explicit stack (no recursion, so
        # deeply nested markup is safe); entering/leaving a block container ends a paragraph.
        stack: list[tuple[object, bool]] = [(iter(node.children), False)]
        while stack:
            it, is_block = stack[-1]
            child = next(it, None)  # type: ignore[call-overload]
            if child is None:
                stack.pop()
                if is_block:
                    flush()
                continue
            if isinstance(child, NavigableString):
                if not isinstance(child, SKIP_STRINGS):
                    inline.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            d = depth + len(stack)
            name = child.name
            if name == "br":
                inline.append(BR)
            elif name in HEADINGS or (child.attrs.get("role") == "heading"
                                       and str(child.attrs.get("aria-level", "")).isdigit()):
                flush()
                level = HEADINGS.get(name) or max(1, min(6, int(child.attrs["aria-level"])))
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
                lines = [ln.rstrip() for ln in child.get_text().replace("\r\n", "\n").split("\n")]
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
                options = [_WS.sub(" ", o.get_text()).strip() for o in _tags(child) if o.name == "option"]
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
                stack.append((iter(child.children), True))
            elif name == "a" and _find(child, BLOCK_TAGS) is None:
                inline.append(self._link(child, d))
            elif name == "img":
                continue
            else:
                # Inline or unknown element (or a link wrapping blocks): transparent.
                stack.append((iter(child.children), False))
        flush()
        return blocks

    def _inline(self, node: Tag, depth: int) -> str:
        """Inline content of ``node`` as one string (links rendered, <br> as BR marker)."""
        if depth > MAX_DEPTH:
            return node.get_text(" ")
        parts = []
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, SKIP_STRINGS):
                    parts.append(str(child))
            elif isinstance(child, Tag):
                if child.name == "br":
                    parts.append(BR)
                elif child.name == "a":
                    parts.append(self._link(child, depth + 1))
                elif child.name == "img":
                    continue
                else:
                    sep = " " if child.name in BLOCK_TAGS else ""
                    parts.append(sep + self._inline(child, depth + 1) + sep)
        return "".join(parts)

    def _link(self, a: Tag, depth: int) -> str:
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

    def _list(self, lst: Tag, depth: int) -> list[str]:
        ordered = lst.name == "ol"
        try:
            n = int(lst.get("start", 1)) if ordered else 1
        except ValueError:
            n = 1
        lines: list[str] = []
        for child in lst.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, SKIP_STRINGS) and child.strip():
                    lines.append("- " + _WS.sub(" ", str(child)).strip())
                continue
            if not isinstance(child, Tag):
                continue
            if child.name in ("ul", "ol"):
                lines.extend("  " + ln for ln in self._list(child, depth + 1))
                continue
            if child.name != "li":
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

    def _blocks_single(self, el: Tag, depth: int) -> list[list[str]]:
        """Render one element (not a child list) as blocks."""
        if el.name in ("ul", "ol"):
            return [self._list(el, depth)]
        if el.name == "li":
            return [["- " + ln for b in self._blocks(el, depth) for ln in b]]
        if el.name not in BLOCK_TAGS and _find(el, BLOCK_TAGS) is None:
            para = _paragraph(self._inline(el, depth))
            return [para] if para else []
        return self._blocks(el, depth)

    def _table(self, table: Tag, depth: int) -> list[list[str]]:
        if _find(table, ("table",)) is not None:
            return self._blocks(table, depth)   # layout table: render as ordinary blocks
        rows = [tr for tr in _tags(table) if tr.name == "tr"]
        if not rows:
            return self._blocks(table, depth)   # layout table: render as ordinary blocks
        cells_per_row = []
        for tr in rows:
            cells = []
            for cell in tr.children:
                if not isinstance(cell, Tag) or cell.name not in ("td", "th"):
                    continue
                lines = [ln for b in self._blocks(cell, depth + 1) for ln in b]
                cells.append(" ".join(ln.strip() for ln in lines if ln.strip()))
            if any(cells):
                cells_per_row.append(cells)
        if not cells_per_row:
            return []
        if max(len(c) for c in cells_per_row) == 1 and any(
                _find(tr, ("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"))
                for tr in rows):
            return self._blocks(table, depth)   # one-column layout table
        blocks: list[list[str]] = []
        cap = _find(table, ("caption",))
        if cap is not None:
            c = _WS.sub(" ", cap.get_text()).strip()
            if c:
                blocks.append([c])
        blocks.append([" | ".join(c for c in cells) for cells in cells_per_row])
        return blocks


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


def _first_char(el: Tag) -> str:
    for s in el.descendants:
        if isinstance(s, NavigableString) and not isinstance(s, SKIP_STRINGS):
            t = s.strip()
            if t:
                return t[0]
    return ""


def _paragraph(raw: str) -> list[str]:
    """Collapse whitespace of one paragraph; ``BR`` markers become separate lines."""
    if BR not in raw:   # fast path: one line (or only the whitespace between blocks)
        s = _WS.sub(" ", raw).strip()
        if not s:
            return []
        return [_BULLET_LINE.sub("- ", s, count=1) if s[0] in BULLETS else s]
    lines = []
    for part in raw.split(BR):
        s = _WS.sub(" ", part).strip()
        if s:
            lines.append(_BULLET_LINE.sub("- ", s, count=1) if s[0] in BULLETS else s)
    return lines


def html_to_text(text: str, url: str | None = None) -> tuple[str | None, str, list[tuple[str, str]]]:
    """Convert decoded HTML to ``(title, markdown_text, links)``."""
    return HtmlExtractor(text, url).run()
