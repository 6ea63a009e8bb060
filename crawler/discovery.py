"""Policy-link discovery: which links found on a target's pages look like policy pages.

A link is followed when it stays on the target's site and its anchor text or URL mentions a
policy topic (terms, rules, guidelines, acceptable use, safety, reporting, abuse, DMCA,
copyright, transparency, law enforcement, legal...). Pure functions; no Scrapy import.
"""
from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

from crawler.guards import is_media_url

POLICY_RE = re.compile(
    r"terms|\btos\b|rules|guidelines?|acceptable[\s_-]*use|\baup\b|safety|report|abuse|dmca|copyright|"
    r"intellectual[\s_-]*property|transparency|law[\s_-]*enforcement|legal|polic(?:y|ies)|"
    r"community[\s_-]*standards|takedown|take[\s_-]*down|complaint|non[\s_-]*consensual|ncii|"
    r"trust[\s_-]*(?:and|&|-)?[\s_-]*safety|child[\s_-]*(?:safety|protection)",
    re.I,
)
SKIP_RE = re.compile(r"log-?in|sign-?(?:in|up)|log-?out|register|cart|checkout|download", re.I)


def site_key(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def same_site(url: str, home_host: str) -> bool:
    """Same host as the homepage, or one of its subdomains (www. ignored)."""
    host = site_key(urlsplit(url).hostname)
    base = site_key(home_host)
    return bool(host) and (host == base or host.endswith("." + base))


def is_policy_link(text: str, url: str) -> bool:
    parts = urlsplit(url)
    haystack_url = f"{parts.path} {parts.query}"
    if SKIP_RE.search(haystack_url):
        return False
    return bool(POLICY_RE.search(text or "") or POLICY_RE.search(haystack_url))


def policy_links(links: list[tuple[str, str]], home_host: str) -> list[str]:
    """Absolute http(s) URLs (fragment removed, order kept, deduplicated) worth following."""
    out: list[str] = []
    seen: set[str] = set()
    for text, href in links:
        url = urldefrag(href)[0]
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        if is_media_url(url) or not same_site(url, home_host):
            continue
        if is_policy_link(text, url):
            out.append(url)
    return out
