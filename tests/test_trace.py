"""Host tracing against a local DNS server and a local RDAP server (127.0.0.1, no network).

Three traces: a directly hosted site, a CDN-fronted site (CNAME suffix and IP range), and a
site whose host is a scored registry target. The addresses look public and are never
contacted: DNS answers come from tests/support/dns_server.py and RDAP answers from the
fixtures in tests/fixtures/rdap/ served by tests/support/rdap_server.py.
"""
from __future__ import annotations

import json
import shutil
import zlib
from pathlib import Path

import pytest

from audits import response_times as rt
from audits.take_it_down import missing_elements, request_elements
from riskaudit import USER_AGENT
from riskaudit.cli import main
from riskaudit.core.errors import UserError
from riskaudit.store import connect
from riskaudit.store.targets import upsert_target
from riskaudit.trace import cdn, rdap
from riskaudit.trace.match import HostMap, norm_name, registrable
from tests.support.testsite import CountingServer, Route
from tests.support.trace_fixture import TODAY, trace_argv, trace_servers

ZONE = {
    # 1. direct host: A + AAAA, NS delegated at the host name itself (so the domain RDAP
    #    look-up first asks for files.directsite.example: 404, then directsite.example)
    ("files.directsite.example", "A"): ["95.216.10.20"],
    ("files.directsite.example", "AAAA"): ["2a01:4f9:1:2::5"],
    ("files.directsite.example", "NS"): ["ns1.smallhost.example."],
    ("20.10.216.95.origin.asn.cymru.com", "TXT"): ['"212345 | 95.216.0.0/18 | FI | ripe | 2009-01-01"'],
    # 2. CDN-fronted: CNAME into cdn.cloudflare.net, address in a Cloudflare range
    ("www.fronted.example", "CNAME"): ["www.fronted.example.cdn.cloudflare.net."],
    ("www.fronted.example.cdn.cloudflare.net", "A"): ["104.16.132.229"],
    ("fronted.example", "NS"): ["ada.ns.cloudflare.com.", "bob.ns.cloudflare.com."],
    ("229.132.16.104.origin.asn.cymru.com", "TXT"): ['"13335 | 104.16.0.0/13 | US | arin | 2014-03-28"'],
    # 3. host in the registry (Hetzner, scored)
    ("sharehost.example", "A"): ["46.4.100.200"],
    ("sharehost.example", "NS"): ["ns1.sharehost.example."],
    ("200.100.4.46.origin.asn.cymru.com", "TXT"): ['"24940 | 46.4.0.0/16 | DE | ripe | 2010-11-22"'],
}


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    with trace_servers(ZONE, tmp_path_factory.mktemp("bootstrap")) as s:
        yield s


def run_trace(servers, db, *args, fmt="json", allow_private=True, capsys=None):
    code = main(trace_argv(servers, db, *args, fmt=fmt, allow_private=allow_private))
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out) if fmt == "json" else out


def roles(t):
    return [h["role"] for h in t["chain"]]


def legal_ids(hop):
    return [r["rule_id"] for r in hop["legal"]]


# ---------------------------------------------------------------- the three traces
def test_trace_direct_host(servers, tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    t = run_trace(servers, db, "https://files.directsite.example/album/1?x=2", capsys=capsys)
    assert t["host"] == "files.directsite.example" and t["registered_domain"] == "directsite.example"
    assert t["dns"]["a"] == ["95.216.10.20"] and t["dns"]["aaaa"] == ["2a01:4f9:1:2::5"]
    assert t["dns"]["cname_chain"] == [] and t["cdn"] == []
    assert roles(t) == ["host", "host", "registrar"]
    host, unknown, registrar = t["chain"]
    assert unknown["organisation"] is None and unknown["addresses"] == ["2a01:4f9:1:2::5"]
    assert "holder of 2a01:4f9:1:2::5 unknown" in unknown["unknown"] and "HTTP 404" in unknown["unknown"]
    assert host["organisation"] == "SmallHost Oy" and host["target_id"] is None
    assert host["addresses"] == ["95.216.10.20"] and host["asn"] == 212345 and host["country"] == "FI"
    assert host["abuse_emails"] == ["abuse@smallhost.example"]
    assert host["channel"] == {"url": "mailto:abuse@smallhost.example", "kind": "rdap_abuse", "ok": None,
                               "checked_at": None, "source": "RDAP abuse contact"}
    # FI network -> FI, EU: the DSA "timely" duty, no hour figure
    assert legal_ids(host) == ["eu_dsa_art16_timely"] and host["legal"][0]["deadline"] == "timely"
    assert registrar["organisation"] == "Example Names, Inc." and registrar["registrar_iana_id"] == "9991"
    assert registrar["abuse_emails"] == ["abuse@examplenames.example"]     # nested under the registrar
    # the 404 for files.directsite.example found the registration and is not an error;
    # the IPv6 registry's 404 and the autnum 429 are recorded failures
    errs = "\n".join(t["errors"])
    assert "domain/files.directsite.example" not in errs
    assert "ip/2a01%3A4f9%3A1%3A2%3A%3A5: HTTP 404" in errs
    assert "autnum/212345: HTTP 429" in errs and "retry after 30 s" in errs
    con = connect(db)
    try:
        assert con.execute("SELECT count(*) FROM traces").fetchone()[0] == 1
        hops = con.execute("SELECT seq, role, organisation, abuse_emails, channel FROM trace_hops ORDER BY seq").fetchall()
        assert hops == [(1, "host", "SmallHost Oy", ["abuse@smallhost.example"], "mailto:abuse@smallhost.example"),
                        (2, "host", None, [], None),
                        (3, "registrar", "Example Names, Inc.", ["abuse@examplenames.example"],
                         "mailto:abuse@examplenames.example")]
        rows = con.execute("SELECT query_type, query, status, error_kind, compression, body FROM rdap_responses "
                           "ORDER BY query_type, query").fetchall()
        by = {(r[0], r[1]): r for r in rows}
        assert by[("autnum", "212345")][2:4] == (429, "rate_limited")
        assert by[("ip", "2a01:4f9:1:2::5")][2:4] == (404, "not_found")
        assert by[("domain", "files.directsite.example")][2:4] == (404, "not_found")
        ok = by[("ip", "95.216.10.20")]
        assert ok[2] == 200 and json.loads(zlib.decompress(ok[5]))["name"] == "SMALLHOST-NET"
    finally:
        con.close()
    assert {ua for _, ua in servers["rdap"].requests} == {USER_AGENT}


def test_trace_cdn_fronted_site(servers, tmp_path, capsys):
    t = run_trace(servers, tmp_path / "t.duckdb", "www.fronted.example", capsys=capsys)
    assert t["dns"]["cname_chain"] == ["www.fronted.example.cdn.cloudflare.net"]
    assert t["dns"]["a"] == ["104.16.132.229"] and t["registered_domain"] == "fronted.example"
    assert [c["provider"] for c in t["cdn"]] == ["cloudflare"]
    signals = t["cdn"][0]["signals"]
    assert "address 104.16.132.229 in Cloudflare range 104.16.0.0/13" in signals
    assert "CNAME www.fronted.example.cdn.cloudflare.net under cdn.cloudflare.net" in signals
    assert "name server ada.ns.cloudflare.com under ns.cloudflare.com" in signals
    assert roles(t) == ["cdn", "host", "registrar"]
    cdn_hop, host, registrar = t["chain"]
    # the CDN fronts the site; it is not reported as the host
    assert cdn_hop["organisation"] == "Cloudflare" and cdn_hop["asn"] == 13335
    assert cdn_hop["abuse_emails"] == ["abuse@cloudflare.com"]          # nested in the registrant org
    assert cdn_hop["target_id"] == "cloudflare" and cdn_hop["matched_by"] == "cdn data"
    assert host["organisation"] is None and "hidden behind Cloudflare" in host["unknown"]
    assert registrar["organisation"] == "Cloudflare, Inc." and registrar["abuse_emails"] == ["registrar-abuse@cloudflare.com"]
    assert any("coverage" in (r["caveat"] or "") for r in cdn_hop["legal"] if r["rule_id"] == "us_take_it_down_48h")
    text = run_trace(servers, tmp_path / "t.duckdb", "www.fronted.example", fmt="table", capsys=capsys)
    assert "fronted by Cloudflare:" in text and "1. cdn       Cloudflare" in text
    assert "2. host      origin host hidden behind Cloudflare" in text
    assert "Traceback" not in text


@pytest.fixture
def scored_db(tmp_path):
    db = tmp_path / "audit.duckdb"
    con = connect(db)
    upsert_target(con, "hetzner", "Hetzner", "host", ["DE", "EU"], "https://www.hetzner.com/")
    upsert_target(con, "sharehost", "ShareHost", "host", [], "https://sharehost.example/")
    con.execute("INSERT INTO scores (run_id, target_id, service, kind, rubric_version, score, grade) VALUES "
                "(3, 'hetzner', 'Hetzner', 'host', 'v1', 41.5, 'D'), (3, 'sharehost', 'ShareHost', 'host', 'v1', 12.0, 'F')")
    con.execute("INSERT INTO channel_checks (run_id, target_id, channel_kind, url, status, ok, checked_at) VALUES "
                "(3, 'hetzner', 'abuse_email', 'mailto:abuse@hetzner.com', NULL, NULL, '2026-11-30 10:00:00+00'), "
                "(3, 'hetzner', 'ncii_form', 'https://abuse.hetzner.example/ncii', 200, TRUE, '2026-11-30 10:00:00+00')")
    quotes = [("stated_response_time", "Reports concerning intimate images are processed within 24 hours. "
               "Other abuse reports are handled within 3 business days."),
              ("statutory_ncii_process", "Your removal request must include your physical or electronic signature, "
               "identification of the image and where it is located, and a statement that it was published "
               "without your consent.")]
    for i, (element, quote) in enumerate(quotes):
        con.execute("INSERT INTO evidence (run_id, target_id, element, ordinal, document, url, quote) "
                    "VALUES (3, 'hetzner', ?, ?, 'Abuse policy', 'https://www.hetzner.com/legal/abuse', ?)",
                    [element, i, quote])
    con.close()
    return db


def test_trace_host_in_registry(servers, scored_db, capsys, monkeypatch):
    t = run_trace(servers, scored_db, "https://sharehost.example/f/abc123", capsys=capsys)
    assert roles(t) == ["platform", "host", "registrar"]
    platform, host, registrar = t["chain"]
    assert platform["target_id"] == "sharehost" and platform["score"]["score"] == 12.0
    assert host["organisation"] == "Hetzner Online GmbH" and host["target_id"] == "hetzner"
    assert host["matched_by"] == "asn" and host["asn"] == 24940 and host["country"] == "DE"
    assert host["score"]["score"] == 41.5 and host["score"]["grade"] == "D" and host["score"]["run_id"] == 3
    assert host["channel"]["url"] == "https://abuse.hetzner.example/ncii" and host["channel"]["ok"] is True
    assert host["stated"]["hours"] == 24 and host["stated"]["basis"] == "ncii"
    assert host["take_it_down_elements"] == ["signature", "identification", "good_faith_statement"]
    # registry jurisdictions DE, EU decide: only the DSA rule, no hour figure
    assert legal_ids(host) == ["eu_dsa_art16_timely"]
    # the platform lists no jurisdictions: every rule for its kind applies, flagged as assumed
    assert legal_ids(platform)[0] == "in_it_rules_3_2_b_2h"
    assert "us_take_it_down_48h" in legal_ids(platform)
    assert all(r["jurisdiction_assumed"] for r in platform["legal"])
    au = next(r for r in platform["legal"] if r["rule_id"] == "au_osa_removal_notice_24h")
    assert au["trigger"] == "regulator_notice" and au["trigger_text"] == "from a regulator's notice"
    assert registrar["organisation"] == "Example Names, Inc."
    con = connect(scored_db)
    try:
        row = con.execute("SELECT target_id, matched_by, score, grade, stated_hours, take_it_down_elements, legal "
                          "FROM trace_hops WHERE role = 'host'").fetchone()
    finally:
        con.close()
    assert row[:6] == ("hetzner", "asn", 41.5, "D", 24.0, ["signature", "identification", "good_faith_statement"])
    assert json.loads(row[6])[0]["rule_id"] == "eu_dsa_art16_timely"
    text = run_trace(servers, scored_db, "https://sharehost.example/f/abc123", fmt="table", capsys=capsys)
    assert "[registry: hetzner by asn, score 41.5 D]" in text
    assert "TAKE IT DOWN request asks for: physical or electronic signature" in text
    assert "(not asked: contact information)" in text
    assert "deadlines: timely eu_dsa_art16_timely (notice)\n" in text
    assert "(jurisdictions from registry)" in text
    assert "48 h us_take_it_down_48h (valid request, verify)" in text          # the platform's line


def test_trace_from_file_and_guard(servers, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text("# sites\nwww.fronted.example\n\nhttps://files.directsite.example/x\n", encoding="utf-8")
    out = run_trace(servers, tmp_path / "t.duckdb", "--from-file", str(urls), capsys=capsys)
    assert [t["host"] for t in out] == ["www.fronted.example", "files.directsite.example"]
    # without --allow-private the RDAP server on 127.0.0.1 is refused: recorded, not raised
    t = run_trace(servers, tmp_path / "t.duckdb", "www.fronted.example", allow_private=False, capsys=capsys)
    assert any("refused (127.0.0.1 loopback)" in e for e in t["errors"])
    assert roles(t) == ["cdn", "host"]          # still fronted (from DNS and the ranges), registrar unknown


def test_from_file_bad_line_names_file_and_line(servers, tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_text("# sites\nwww.fronted.example\n\nlocalhost\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    code = main(trace_argv(servers, db, "--from-file", str(urls)))
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert f"{urls} line 4: " in err and "not a fully qualified domain name" in err and "fix or remove the line" in err
    assert not db.exists()                     # checked before anything was traced or stored


def test_bootstrap_cache_downloads_once_and_keeps_a_stale_copy(tmp_path):
    keys = {"dns.json": "example", "ipv4.json": "104.0.0.0/8", "ipv6.json": "2a00::/12", "asn.json": "1-100"}
    files = {f"/rdap/{name}": Route(body=json.dumps({"version": "1.0", "services": [[[key], ["https://r/"]]]}),
                                    content_type="application/json") for name, key in keys.items()}
    cache = tmp_path / "cache"
    with CountingServer(files) as srv:
        b = rdap.Bootstrap.cached(cache, allow_private=True, base_url=srv.url("/rdap/"))
        assert b.for_domain("x.example") == ["https://r/"]
        assert sorted(p.name for p in cache.iterdir()) == sorted(rdap.BOOTSTRAP_FILES)
        rdap.Bootstrap.cached(cache, allow_private=True, base_url=srv.url("/rdap/"))
        assert srv.total_hits == len(rdap.BOOTSTRAP_FILES)          # fresh copies are not fetched again
        srv.routes.clear()                                           # the server now answers 404
        stale = rdap.Bootstrap.cached(cache, allow_private=True, base_url=srv.url("/rdap/"), max_age_s=0)
        assert stale.for_domain("x.example") == ["https://r/"]      # stale but usable
        with pytest.raises(UserError, match="pass --rdap-bootstrap DIR"):
            rdap.Bootstrap.cached(tmp_path / "empty", allow_private=True, base_url=srv.url("/rdap/"))
    (cache / "asn.json").write_text(json.dumps({"services": [[["AS13335"], ["https://r/"]]]}))
    with pytest.raises(UserError, match=r"asn.json: 'AS13335' is not a valid AS range key"):
        rdap.Bootstrap.from_dir(cache)
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(UserError, match="cannot create"):
        rdap.Bootstrap.cached(afile / "sub", allow_private=True, base_url="http://127.0.0.1:9/")


def test_trace_bad_input_is_one_line(servers, tmp_path, capsys):
    code = main(["trace", "localhost", "--db", str(tmp_path / "t.duckdb"), "--resolver", servers["dns"].address,
                 "--rdap-bootstrap", str(servers["bootstrap"])])
    err = capsys.readouterr().err
    assert code == 2 and "not a fully qualified domain name" in err and "Traceback" not in err
    assert main(["trace", "example.com", "--resolver", "not-an-ip"]) == 2
    assert "--resolver 'not-an-ip'" in capsys.readouterr().err


# ---------------------------------------------------------------- pure parts
FIX = Path(__file__).parent / "fixtures" / "rdap"


def test_rdap_parsers_find_nested_abuse_contacts():
    net = rdap.parse_ip_network(json.loads((FIX / "arin/ip/104.16.132.229.json").read_text()))
    assert net["registrant"] == "Cloudflare, Inc." and net["registrant_handle"] == "CLOUD14"
    assert net["abuse_emails"] == ["abuse@cloudflare.com"] and net["cidrs"] == ["104.16.0.0/12"]
    ripe = rdap.parse_ip_network(json.loads((FIX / "ripe/ip/95.216.10.20.json").read_text()))
    assert ripe["abuse_emails"] == ["abuse@smallhost.example"] and ripe["country"] == "FI"
    dom = rdap.parse_domain(json.loads((FIX / "example-registry/domain/fronted.example.json").read_text()))
    assert dom["registrar"] == "Cloudflare, Inc." and dom["registrar_iana_id"] == "1910"
    assert dom["abuse_emails"] == ["registrar-abuse@cloudflare.com"]
    assert dom["nameservers"] == ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"]
    assert dom["expires"] == "2027-04-02T10:11:12Z"


def test_bootstrap_lookup(tmp_path):
    for name, services in (("dns.json", [[["com", "net"], ["http://a/", "https://a/"]], [["co.uk"], ["https://b/"]]]),
                           ("ipv4.json", [[["104.0.0.0/8"], ["https://arin/"]], [["104.16.0.0/12"], ["https://x/"]]]),
                           ("asn.json", [[["13312-18431"], ["https://arin/"]]])):
        (tmp_path / name).write_text(json.dumps({"version": "1.0", "services": services}))
    b = rdap.Bootstrap.from_dir(tmp_path)
    assert b.for_domain("www.example.com") == ["https://a/", "http://a/"]       # https first
    assert b.for_domain("x.example.co.uk") == ["https://b/"] and b.for_domain("example.org") == []
    assert b.for_ip("104.16.1.1") == ["https://x/"] and b.for_ip("104.1.1.1") == ["https://arin/"]
    assert b.for_asn(13335) == ["https://arin/"] and b.for_asn(1) == []
    with pytest.raises(UserError, match="no RDAP bootstrap files"):
        rdap.Bootstrap.from_dir(tmp_path / "missing")


def test_cdn_data_file_and_header_detection():
    providers = cdn.load_providers()
    cf = next(p for p in providers if p.id == "cloudflare")
    assert cf.networks and cf.target == "cloudflare"
    found = cdn.detect(providers, headers={"Server": "cloudflare", "CF-RAY": "8a1b2c3d4e5f-AMS"})
    assert [m.provider.id for m in found] == ["cloudflare"]
    assert cdn.detect(providers, headers={"X-Amz-Cf-Id": "abc"})[0].provider.id == "cloudfront"
    assert cdn.detect(providers, cnames=["d111111abcdef8.cloudfront.net"])[0].provider.id == "cloudfront"
    assert cdn.detect(providers, addresses=["95.216.10.20"], cnames=["files.directsite.example"]) == []
    # name servers alone are not enough to call a site fronted
    assert cdn.detect(providers, ns=["ada.ns.cloudflare.com"]) == []


def test_cdn_ranges_update_from_local_files(tmp_path):
    data = tmp_path / "cdn_ranges.yaml"
    shutil.copy(cdn.DATA_PATH, data)
    saved = tmp_path / "saved"
    saved.mkdir()
    (saved / "cloudflare.1.txt").write_text("173.245.48.0/20\n# comment\n104.16.0.0/13\n")
    (saved / "cloudflare.2.txt").write_text("2606:4700::/32\n")
    (saved / "fastly.1.json").write_text(json.dumps({"addresses": ["151.101.0.0/16"], "ipv6_addresses": ["2a04:4e42::/32"]}))
    (saved / "cloudfront.1.json").write_text(json.dumps({
        "prefixes": [{"ip_prefix": "13.32.0.0/15", "service": "CLOUDFRONT"}, {"ip_prefix": "3.5.0.0/19", "service": "S3"}],
        "ipv6_prefixes": [{"ipv6_prefix": "2600:9000::/28", "service": "CLOUDFRONT"}]}))
    (saved / "bunny.1.json").write_text(json.dumps(["185.93.1.243", "89.187.162.166"]))
    fetched = cdn.fetch_updates(data, from_dir=saved)
    assert set(fetched) == {"cloudflare", "fastly", "cloudfront"}     # bunny lacks its 2nd (ipv6) list
    counts = cdn.update_file(data, fetched, retrieved="2026-12-03T12:00:00Z")
    assert counts == {"cloudflare": 3, "fastly": 2, "cloudfront": 2}
    providers = {p.id: p for p in cdn.load_providers(data)}
    assert [str(n) for n in providers["cloudfront"].networks] == ["13.32.0.0/15", "2600:9000::/28"]
    assert providers["cloudfront"].ranges_retrieved == "2026-12-03T12:00:00Z"
    assert providers["akamai"].cname_suffixes and not providers["akamai"].networks    # untouched
    assert data.read_text().startswith("# CDN / reverse-proxy providers")
    assert cdn.parse_published(b'["185.93.1.243"]', "ip_list_json") == ["185.93.1.243/32"]
    with pytest.raises(UserError, match="not an address"):
        cdn.parse_published(b"not-a-range\n", "lines")
    # the CLI flag does the same
    assert main(["trace", "--update-cdn-ranges", "--from-dir", str(saved), "--cdn-ranges", str(data)]) == 0


def test_host_map_matching_and_user_extension(tmp_path):
    extra = tmp_path / "mine.yaml"
    extra.write_text("hosts:\n  - target: smallhost\n    handles: [ORG-SHL1-RIPE]\n    names: ['SmallHost Oy']\n")
    hm = HostMap.load([extra])
    assert hm.match_org(handles=["org-shl1-ripe"]) == ("smallhost", "rdap handle")
    assert hm.match_org(names=["SMALLHOST OY."]) == ("smallhost", "name")
    assert hm.match_org(asn=24940) == ("hetzner", "asn")
    assert hm.match_org(domains=["hetzner.com"]) == ("hetzner", "domain")
    assert hm.match_org(asn=24940, known={"cloudflare"}) is None
    assert hm.match_platform("www.instagram.com") == "instagram"
    assert norm_name("Hetzner Online GmbH") == "hetzner online" and registrable("a.b.example.co.uk") == "example.co.uk"
    bad = tmp_path / "bad.yaml"
    bad.write_text("hosts:\n  - asns: [1]\n")
    with pytest.raises(UserError, match="needs a `target`"):
        HostMap.load([bad])


def test_take_it_down_request_elements():
    full = ("To be valid, your request must include: your physical or electronic signature; identification of "
            "the intimate image and information to locate it (such as its URL); a brief statement of your "
            "good-faith belief that it was published without your consent; and your contact information.")
    assert request_elements([full]) == ["signature", "identification", "good_faith_statement", "contact_information"]
    assert request_elements(["Send us the URLs of the content and your email address."]) == [
        "identification", "contact_information"]
    assert request_elements(["Under the TAKE IT DOWN Act you may request removal."]) == []
    assert missing_elements("Please sign the request.") == ["identification", "good_faith_statement", "contact_information"]


# ---------------------------------------------------------------- legal deadline rules
def test_shipped_rules_have_trigger_covered_and_verify_notes():
    rules = {r["id"]: r for r in rt.load_rules()}
    assert set(rules) == {"us_take_it_down_48h", "uk_osa_intimate_image_48h", "au_osa_removal_notice_24h",
                          "in_it_rules_3_2_b_2h", "eu_dsa_art16_timely"}
    assert all(r["trigger"] and r["covered"] for r in rules.values())
    assert rules["eu_dsa_art16_timely"]["deadline_hours"] is None and rules["eu_dsa_art16_timely"]["deadline_text"] == "timely"
    assert rules["au_osa_removal_notice_24h"]["trigger"] == "regulator_notice"
    assert "host" in rules["us_take_it_down_48h"]["applies_to_kinds"]       # hosts are not all excluded
    assert rules["uk_osa_intimate_image_48h"]["verify"] and rules["in_it_rules_3_2_b_2h"]["verify"]
    assert rules["in_it_rules_3_2_b_2h"]["deadline_hours"] == 2


@pytest.mark.parametrize("extra, message", [
    ("    trigger: whenever\n", "trigger 'whenever' not one of"),
    ("    verify: 3\n", "verify must be text"),
])
def test_rule_validation_of_new_fields(tmp_path, extra, message):
    p = tmp_path / "r.yaml"
    p.write_text("rules:\n  - id: r1\n    name: n\n    jurisdiction: EU\n    content_type: ncii\n    deadline_hours: 24\n"
                 "    applies_to_kinds: all\n    source: s\n    effective: 2024-01-01\n" + extra)
    with pytest.raises(UserError, match=message):
        rt.load_rules(p)


def test_null_deadline_needs_deadline_text(tmp_path):
    p = tmp_path / "r.yaml"
    base = ("rules:\n  - id: dsa\n    name: n\n    jurisdiction: EU\n    content_type: illegal_content\n"
            "    deadline_hours: null\n    applies_to_kinds: all\n    source: s\n    effective: 2024-02-17\n")
    p.write_text(base)
    with pytest.raises(UserError, match="missing deadline_hours"):
        rt.load_rules(p)
    p.write_text(base + "    deadline_text: timely\n    trigger: notice\n")
    assert rt.load_rules(p)[0]["deadline_hours"] is None


def test_cases_stated_with_timely_rule_and_take_it_down_elements(scored_db, capsys, monkeypatch):
    assert main(["cases", "stated", "--db", str(scored_db), "--today", TODAY]) == 0
    out = capsys.readouterr().out
    assert "eu_dsa_art16_timely" in out and "no_hour_deadline" in out
    assert "TAKE IT DOWN request elements" in out
    line = next(ln for ln in out.splitlines() if ln.startswith("hetzner ") and "signature" in ln)
    assert line.split()[1:] == ["signature,", "identification,", "good_faith_statement", "contact_information"]
    assert main(["cases", "stated", "--db", str(scored_db), "--today", TODAY, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    dsa = next(f for f in data["legal"] if f["rule_id"] == "eu_dsa_art16_timely" and f["target_id"] == "hetzner")
    assert dsa["status"] == "no_hour_deadline" and dsa["deadline_text"] == "timely"
    assert "sets no hour deadline (\"timely\")" in dsa["finding"]
    assert data["take_it_down"]["hetzner"]["missing"] == ["contact_information"]
