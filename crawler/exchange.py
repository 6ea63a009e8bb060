"""What an archive needs to rebuild an HTTP exchange: headers (size-capped), HTTP version, the
server address connected to and a TLS certificate summary, from what Scrapy exposes
(`response.headers`, `response.request.headers`, `response.protocol`, `response.ip_address`,
`response.certificate`). Stored in the `fetches` row (migration 0007); `riskaudit evidence`
turns them into WARC request/response records and host tracing reads the headers.

Never a body byte: a media response refused at its headers keeps its headers only.
"""
from __future__ import annotations

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


def certificate_summary(certificate) -> dict | None:
    """Subject, issuer, serial, validity, SHA-256 fingerprint and DNS names of the server's TLS
    certificate (a Twisted `Certificate`, a pyOpenSSL `X509` or a cryptography certificate);
    None when there is none."""
    if certificate is None:
        return None
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes

        cert = getattr(certificate, "original", certificate)
        if hasattr(cert, "to_cryptography"):
            cert = cert.to_cryptography()
        out = {"subject": cert.subject.rfc4514_string(), "issuer": cert.issuer.rfc4514_string(),
               "serial": format(cert.serial_number, "x"),
               "not_before": cert.not_valid_before_utc.isoformat(), "not_after": cert.not_valid_after_utc.isoformat(),
               "sha256": cert.fingerprint(hashes.SHA256()).hex(), "dns_names": []}
    except Exception as exc:      # an odd certificate must not cost the exchange: say what failed
        return {"error": f"{type(exc).__name__}: {exc}"[:200]}
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        out["dns_names"] = ext.value.get_values_for_type(x509.DNSName)[:MAX_DNS_NAMES]
    except x509.ExtensionNotFound:
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
