"""De-obfuscation of e-mail addresses that pages hide from scrapers.

Two schemes are decoded:
- Cloudflare "email protection": ``data-cfemail="HEX"`` attributes and
  ``/cdn-cgi/l/email-protection#HEX`` hrefs. HEX is a key byte followed by the address bytes,
  each XOR-ed with the key.
- textual munging: ``name [at] example [dot] com``, ``name(at)example.com``,
  ``name {at} example {dot} co {dot} uk`` (brackets required, so ordinary prose "at" is kept).
"""
from __future__ import annotations

import re

_HEX = re.compile(r"^(?:[0-9a-fA-F]{2}){2,}$")


def decode_cfemail(hexstr: str) -> str | None:
    """Decode one Cloudflare-protected address; None when the value is not a valid encoding."""
    hexstr = (hexstr or "").strip()
    if not _HEX.match(hexstr):
        return None
    data = bytes.fromhex(hexstr)
    key = data[0]
    try:
        email = bytes(b ^ key for b in data[1:]).decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "@" not in email or any(c.isspace() or ord(c) < 32 for c in email):
        return None
    return email


def encode_cfemail(email: str, key: int = 0x42) -> str:
    """Inverse of :func:`decode_cfemail` (used by tests and the demo sites)."""
    return "%02x" % key + "".join("%02x" % (b ^ key) for b in email.encode("utf-8"))


_OPEN = r"[\[\(\{<]"
_CLOSE = r"[\]\)\}>]"
_AT = rf"\s*{_OPEN}\s*at\s*{_CLOSE}\s*"
_DOT = rf"(?:\s*{_OPEN}\s*dot\s*{_CLOSE}\s*|\.)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_MUNGED = re.compile(
    rf"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9._%+-]*){_AT}({_LABEL}(?:{_DOT}{_LABEL})*{_DOT}[A-Za-z]{{2,24}})(?![\w-])",
    re.I,
)
_AT_TOKEN = re.compile(rf"{_OPEN}\s*at\s*{_CLOSE}", re.I)   # cheap pre-check
_DOT_ONLY = re.compile(rf"\s*{_OPEN}\s*dot\s*{_CLOSE}\s*", re.I)


def unmunge_emails(text: str) -> str:
    """Rewrite ``name [at] domain [dot] com`` style addresses to ``name@domain.com``."""
    if not _AT_TOKEN.search(text):
        return text

    def fix(m: re.Match) -> str:
        domain = _DOT_ONLY.sub(".", m.group(2))
        return f"{m.group(1)}@{domain}"

    return _MUNGED.sub(fix, text)
