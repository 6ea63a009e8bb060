"""Evidence packages (issue 15): the crawl keeps what an archive needs, `riskaudit evidence` writes
a WARC that warcio reads back (digests, quotes, no media), `verify-evidence` catches tampering."""
from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import shutil

import pytest
from warcio.archiveiterator import ArchiveIterator

from riskaudit import store
from riskaudit.cli import main
from riskaudit.extract import extract
from tests.support import evidence_site as site


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    return site.crawl_and_score(tmp_path_factory.mktemp("evidence"))


@pytest.fixture(scope="module")
def package(crawled, tmp_path_factory):
    out = tmp_path_factory.mktemp("package")
    assert main(["evidence", "--db", str(crawled["db"]), "--out", str(out)]) == 0
    return out / "evidence.warc.gz"


def _records(path):
    out = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            out.append((rec.rec_type, rec.rec_headers, rec.http_headers, rec.content_stream().read()))
    return out


def _fetches(db):
    con = store.connect(db, read_only=True)
    try:
        cur = con.execute("SELECT url, status, media_refused, snapshot_sha256, fetched_at, request_headers, "
                          "response_headers, http_version, ip_address, tls_certificate FROM fetches")
        names = [d[0] for d in cur.description]
        return {r[0].split("/", 3)[3]: dict(zip(names, r)) for r in cur.fetchall()}
    finally:
        con.close()


@pytest.mark.slow
def test_fetch_rows_keep_headers_version_and_address(crawled):
    rows = _fetches(crawled["db"])
    page = rows[site.GZIPPED.lstrip("/")]
    sent = dict(json.loads(page["request_headers"]))
    received = json.loads(page["response_headers"])
    assert sent["User-Agent"].startswith("riskaudit/")
    assert ["X-Test", '<hostile> & "header"'] in received
    assert page["http_version"] == "HTTP/1.1" and page["ip_address"] == "127.0.0.1"
    assert page["tls_certificate"] is None                        # plain http: no certificate
    video = rows[site.VIDEO.lstrip("/")]
    assert video["media_refused"] and video["snapshot_sha256"] is None
    assert ["Content-Type", "video/mp4"] in json.loads(video["response_headers"])   # headers only
    assert rows[site.IMAGE.lstrip("/")]["media_refused"] and site.IMAGE not in crawled["hits"]
    robots = rows["robots.txt"]                               # recorded by a downloader middleware
    assert dict(json.loads(robots["request_headers"]))["User-Agent"].startswith("riskaudit/")
    assert robots["http_version"] == "HTTP/1.1"


@pytest.mark.slow
def test_warc_reads_back_with_digests_quotes_and_no_media(crawled, package):
    records = _records(package)
    assert records[0][0] == "warcinfo"
    fetches = _fetches(crawled["db"])
    responses = {}
    for rtype, rec, http, payload in records:
        uri = rec.get_header("WARC-Target-URI") or ""
        assert site.VIDEO_BYTES[:40] not in payload and b"IMAGE-BYTES" not in payload
        if rtype == "response":
            responses[rec.get_header("WARC-Record-ID")] = (uri, http, payload)
            algo, value = rec.get_header("WARC-Payload-Digest").split(":", 1)
            assert algo == "sha256" and base64.b32decode(value) == hashlib.sha256(payload).digest()
            assert rec.get_header("WARC-Riskaudit-Snapshot-SHA256") == hashlib.sha256(payload).hexdigest()
            row = fetches[uri.split("/", 3)[3]]
            assert row["snapshot_sha256"] == hashlib.sha256(payload).hexdigest()
            assert rec.get_header("WARC-IP-Address") == "127.0.0.1"
            when = dt.datetime.fromisoformat(rec.get_header("WARC-Date").replace("Z", "+00:00"))
            assert when == row["fetched_at"].astimezone(dt.timezone.utc)
            assert not http.get_header("Content-Type").startswith(("image/", "video/", "audio/"))
        if rtype in ("response", "resource", "request", "revisit"):
            assert site.VIDEO not in uri and site.IMAGE not in uri      # media only as metadata
    assert len(responses) == 7
    # the gzip-encoded page: stored decoded, so the wire's Content-Length is kept under another name
    gz = next(http for uri, http, _ in responses.values() if uri.endswith(site.GZIPPED))
    assert gz.get_header("Content-Encoding") is None and gz.get_header("X-Archive-Orig-Content-Length")
    assert int(gz.get_header("Content-Length")) == len(next(p for u, _, p in responses.values() if u.endswith(site.GZIPPED)))
    # requests pair with their responses
    requests = [rec for rtype, rec, _, _ in records if rtype == "request"]
    assert {r.get_header("WARC-Concurrent-To") for r in requests} == set(responses)
    # refused media: metadata only
    meta = [(rec, json.loads(payload)) for rtype, rec, _, payload in records if rtype == "metadata"]
    media = {d["fetch"]["url"].split("/", 3)[3] for _, d in meta if d["type"] == "media_refused"}
    assert media == {site.VIDEO.lstrip("/"), site.IMAGE.lstrip("/")}
    # every finding's quote is in the text riskaudit extracts from its response record
    findings = [(rec, d) for rec, d in meta if d["type"] == "finding"]
    con = store.connect(crawled["db"], read_only=True)
    try:
        n_quotes = con.execute("SELECT count(*) FROM evidence WHERE run_id = ?", [crawled["run_id"]]).fetchone()[0]
    finally:
        con.close()
    assert n_quotes > 10 and len(findings) == n_quotes
    for rec, d in findings:
        uri, http, payload = responses[rec.get_header("WARC-Refers-To")]
        assert d["response_record"] == rec.get_header("WARC-Refers-To")
        assert d["review_state"] == "machine" and d["decision"] == "met" and d["element"]
        text = extract(payload, content_type=http.get_header("Content-Type"), url=uri).text
        assert d["quote"] in text
    decisions = [d for _, d in meta if d["type"] == "decisions"]
    assert [d["target_id"] for d in decisions] == ["chirply"] and len(decisions[0]["elements"]) >= 18
    assert {e["decision"] for e in decisions[0]["elements"]} <= {"met", "not met", "not applicable"}
    assert all(e["review_state"] == "machine" and e["reason"] is not None for e in decisions[0]["elements"])
    manifest = json.loads((package.parent / "evidence-manifest.json").read_text())
    assert manifest["files"] == [{"path": package.name, "sha256": hashlib.sha256(package.read_bytes()).hexdigest(),
                                  "bytes": package.stat().st_size}]


@pytest.mark.slow
def test_verify_evidence_passes_then_fails_on_tampering(crawled, package, tmp_path, capsys):
    assert main(["verify-evidence", str(package)]) == 0
    assert "ok" in capsys.readouterr().out
    # one byte of a page changed (same length): the payload digest no longer matches
    raw = gzip.decompress(package.read_bytes())
    marker = b'<main id="content">'               # in the pages' bodies only
    assert marker in raw
    tampered = tmp_path / "tampered.warc"
    tampered.write_bytes(raw.replace(marker, b'<main id="kontent">', 1))
    assert main(["verify-evidence", str(tampered)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "digest does not match" in err
    # the file changed behind its manifest
    copy = tmp_path / "evidence.warc.gz"
    shutil.copy(package, copy)
    shutil.copy(package.parent / "evidence-manifest.json", tmp_path / "evidence-manifest.json")
    with open(copy, "ab") as fh:
        fh.write(gzip.compress(b""))
    assert main(["verify-evidence", str(copy)]) == 2
    assert "manifest" in capsys.readouterr().err


@pytest.mark.slow
def test_verify_evidence_fails_on_a_quote_not_in_the_page(crawled, tmp_path, capsys):
    db = tmp_path / "copy.duckdb"
    shutil.copy(crawled["db"], db)
    con = store.connect(db)
    try:
        con.execute("UPDATE evidence SET quote = 'We never remove anything.' WHERE run_id = ? AND ordinal = 1 "
                    "AND element = (SELECT min(element) FROM evidence WHERE run_id = ?)",
                    [crawled["run_id"], crawled["run_id"]])
    finally:
        con.close()
    out = tmp_path / "forged.warc.gz"
    assert main(["evidence", "--db", str(db), "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["verify-evidence", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "quote not found" in err


@pytest.mark.slow
def test_evidence_options_fail_in_one_line(crawled, package, tmp_path, capsys, monkeypatch):
    assert main(["evidence", "--db", str(crawled["db"]), "--target", "nope", "--out", str(tmp_path)]) == 2
    assert "unknown target 'nope'" in capsys.readouterr().err
    import riskaudit.cli.commands.evidence as cmd
    monkeypatch.setattr(cmd.shutil, "which", lambda name: None)
    assert main(["evidence", "--db", str(crawled["db"]), "--out", str(tmp_path / "w.warc.gz"), "--wacz"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "wacz create -o" in err and (tmp_path / "w.warc.gz").is_file()
    assert main(["verify-evidence", str(tmp_path / "missing.warc.gz")]) == 2
    assert main(["verify-evidence", str(crawled["registry"])]) == 2        # not a WARC
    assert len(capsys.readouterr().err.strip().splitlines()) == 2


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("wacz") is None, reason="webrecorder's `wacz` packer is not installed (extra `wacz`)")
def test_wacz_is_packed_and_listed_in_the_manifest(crawled, tmp_path):
    out = tmp_path / "c.warc.gz"
    assert main(["evidence", "--db", str(crawled["db"]), "--out", str(out), "--wacz"]) == 0
    files = {f["path"]: f for f in json.loads((tmp_path / "c-manifest.json").read_text())["files"]}
    assert set(files) == {"c.warc.gz", "c.wacz"}
    assert files["c.wacz"]["sha256"] == hashlib.sha256((tmp_path / "c.wacz").read_bytes()).hexdigest()


def test_certificate_summary_of_a_self_signed_certificate():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    from OpenSSL import crypto

    from crawler.exchange import certificate_summary

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "policy.example")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(0xABC).not_valid_before(now).not_valid_after(now + dt.timedelta(days=90))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("policy.example"), x509.DNSName("www.policy.example")]),
                           critical=False).sign(key, hashes.SHA256()))
    summary = certificate_summary(crypto.X509.from_cryptography(cert))
    assert summary["subject"] == "CN=policy.example" and summary["issuer"] == "CN=policy.example"
    assert summary["serial"] == "abc" and summary["not_before"] == "2026-01-01T00:00:00+00:00"
    assert summary["dns_names"] == ["policy.example", "www.policy.example"]
    assert summary["sha256"] == cert.fingerprint(hashes.SHA256()).hex()
    assert certificate_summary(None) is None


def test_header_pairs_are_capped_and_trace_reads_them(tmp_path):
    from crawler.exchange import HEADERS_MAX_BYTES, header_pairs
    from riskaudit.store.traces import site_headers

    pairs, cut = header_pairs([("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Big", "x" * HEADERS_MAX_BYTES)])
    assert pairs == [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]] and cut
    con = store.connect(tmp_path / "t.duckdb")
    try:
        con.execute("INSERT INTO fetches (run_id, url, fetched_at, response_headers) VALUES "
                    "(1, 'http://cdn.example:8080/x', now(), ?)",
                    [json.dumps([["Server", "cloudflare"], ["CF-Ray", "1"], ["Via", "a"], ["Via", "b"]])])
        assert site_headers(con, "cdn.example") == {"server": "cloudflare", "cf-ray": "1", "via": "a, b"}
        assert site_headers(con, "other.example") == {}
    finally:
        con.close()


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "tls.policy.test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("tls.policy.test")]), critical=False)
            .sign(key, hashes.SHA256()))
    pem = tmp_path / "cert.pem"
    pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return pem, cert.fingerprint(hashes.SHA256()).hex()


@pytest.mark.slow
def test_https_fetch_stores_the_certificate_summary(tmp_path):
    import ssl

    from crawler.runner import run_crawl
    from tests.support.testsite import CountingServer, Route, policy_page

    pem, fingerprint = _self_signed(tmp_path)
    with CountingServer({"/terms": Route(body=policy_page("Terms", seed=3, size_kb=2)),
                         "/robots.txt": Route(body="User-agent: *\n", content_type="text/plain")}) as srv:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(pem)
        srv.httpd.socket = ctx.wrap_socket(srv.httpd.socket, server_side=True)
        url = srv.url("/terms").replace("http://", "https://")
        reg = tmp_path / "r.yaml"
        reg.write_text(f"targets:\n  - id: tls\n    name: TLS\n    kind: host\n    documents:\n"
                       f"      - {{type: terms_of_service, url: '{url}'}}\n", encoding="utf-8")
        run_crawl(str(reg), str(tmp_path / "t.duckdb"), allow_private=True, settings=dict(site.FAST))
    row = _fetches(tmp_path / "t.duckdb")["terms"]
    assert row["status"] == 200 and row["ip_address"] == "127.0.0.1"
    cert = json.loads(row["tls_certificate"])
    assert cert["subject"] == "CN=tls.policy.test" and cert["sha256"] == fingerprint
    assert cert["dns_names"] == ["tls.policy.test"]


def test_rebuilt_headers_are_one_line_each_and_match_the_decoded_body():
    from riskaudit.evidence.warc import response_headers, status_protocol

    body = b"<html>ok</html>"
    out = response_headers([["Content-Encoding", "gzip"], ["Content-Length", "9"], ["X-Evil", "a\r\nSet-Cookie: x=1"]],
                           body, "text/html")
    assert ("X-Archive-Orig-Content-Encoding", "gzip") in out and ("X-Archive-Orig-Content-Length", "9") in out
    assert ("Content-Length", str(len(body))) in out and ("X-Evil", "a  Set-Cookie: x=1") in out
    assert all("\r" not in n + v and "\n" not in n + v for n, v in out)
    assert (status_protocol("h2"), status_protocol("HTTP/1.0"), status_protocol(None)) == ("HTTP/2.0", "HTTP/1.0", "HTTP/1.1")
