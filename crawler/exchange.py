"""What an archive needs to rebuild an HTTP exchange: headers (size-capped), HTTP version, the
server address connected to and a TLS certificate summary, from what Scrapy exposes
(`response.headers`, `response.request.headers`, `response.protocol`, `response.ip_address`,
`response.certificate`). Stored in the `fetches` row (migration 0007); `riskaudit evidence`
turns them into WARC request/response records and host tracing reads the headers.

Never a body byte: a media response refused at its headers keeps its headers only.
"""
from __future__ import annotations

import datetime as _dt
import json

HEADERS_MAX_BYTES = 16 * 1024        # per header list (request, response), names + values
MAX_DNS_NAMES = 50                   # certificate subjectAltName entries kept


def _text(value) -> str:
    return value.decode("latin-1") if isinstance(value, (bytes, bytearray)) else str(value)


def header_pairs(headers) -> tuple[list[list[str]], bool]:
    """[[name, value], ...] of a Scrapy `Headers` (or a dict / list of pairs), in order, duplicates
    kept, cut at HEADERS_MAX_BYTES; and whether it was cut."""
    if headers is None:
        return [], False
    if hasattr(headers, "getlist"):
        items = [(k, v) for k in headers.keys() for v in headers.getlist(k)]
    elif isinstance(headers, dict):
        items = list(headers.items())
    else:
        items = list(headers)
    pairs: list[list[str]] = []
    size = 0
    for name, value in items:
        name, value = _text(name), _text(value)
        size += len(name) + len(value) + 4          # "name: value\r\n"
        if size > HEADERS_MAX_BYTES:
            return pairs, True
        pairs.append([name, value])
    return pairs, False


def _asn1_time(value) -> str | None:
    if not value:
        return None
    text = _text(value)
    try:
        when = _dt.datetime.strptime(text, "%Y%m%d%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
    except ValueError:
        return text
    return when.isoformat()


def _x509_name(name) -> str:
    return ", ".join(f"{_text(k)}={_text(v)}" for k, v in name.get_components())


def certificate_summary(certificate) -> dict | None:
    """Subject, issuer, serial, validity, SHA-256 fingerprint and DNS names of the server's TLS
    certificate (a Twisted `Certificate` or a pyOpenSSL `X509`); None when there is none."""
    if certificate is None:
        return None
    x509 = getattr(certificate, "original", certificate)
    try:
        out = {"subject": _x509_name(x509.get_subject()), "issuer": _x509_name(x509.get_issuer()),
               "serial": format(x509.get_serial_number(), "x"),
               "not_before": _asn1_time(x509.get_notBefore()), "not_after": _asn1_time(x509.get_notAfter()),
               "sha256": _text(x509.digest("sha256")), "dns_names": []}
    except Exception as exc:      # an odd certificate must not cost the exchange: say what failed
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}
    try:
        from cryptography import x509 as cx509
        ext = x509.to_cryptography().extensions.get_extension_for_class(cx509.SubjectAlternativeName)
        out["dns_names"] = ext.value.get_values_for_type(cx509.DNSName)[:MAX_DNS_NAMES]
    except Exception:             # no SAN extension (or no cryptography): the subject says it
        pass
    return out


def exchange_details(response, request=None) -> dict:
    """The FetchItem fields of migration 0007 for one response (JSON columns as text); `request`
    when `response.request` is not set yet (downloader middlewares)."""
    request = request if request is not None else getattr(response, "request", None)
    sent, cut_sent = header_pairs(request.headers if request is not None else None)
    received, cut_received = header_pairs(response.headers)
    ip = getattr(response, "ip_address", None)
    cert = certificate_summary(getattr(response, "certificate", None))
    return {
        "request_headers": json.dumps(sent, ensure_ascii=False),
        "response_headers": json.dumps(received, ensure_ascii=False),
        "headers_truncated": cut_sent or cut_received,
        "http_version": getattr(response, "protocol", None),
        "ip_address": str(ip) if ip is not None else None,
        "tls_certificate": json.dumps(cert, ensure_ascii=False) if cert is not None else None,
    }
