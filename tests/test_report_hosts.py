"""The report's "Where hosts stand" section: each traced site's escalation chain.

A scored fixture store (tests/support/store_fixture.py) gets a host target (Hetzner, scored in
the reported run) and a platform with its own domain (Pixelboard); then `riskaudit trace` runs
against the local DNS and RDAP servers (tests/support/trace_fixture.py) for a Pixelboard site
that a CDN fronts and Hetzner hosts. The RDAP answer for the Hetzner network carries a script
in the organisation name: it must come out inert in every output.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from audits import rubric
from reports.build import build_report
from riskaudit.cli import main
from riskaudit.store import connect
from riskaudit.store.targets import upsert_target
from tests.support import store_fixture as fixture
from tests.support.rdap_server import FIXTURES
from tests.support.trace_fixture import trace_argv, trace_servers

GENERATED = dt.datetime(2026, 4, 2, 12, 0, tzinfo=dt.timezone.utc)
HETZNER_MET = {"csam_prohibited", "abuse_contact_published", "stated_response_time", "statutory_ncii_process"}
HETZNER_SCORE = rubric.overall_score(fixture._decisions("host", HETZNER_MET))
HETZNER_GRADE = rubric.grade(HETZNER_SCORE)
EVIL_ORG = "Hetzner <script>alert(1)</script> GmbH"
ZONE = {
    # a platform site behind Cloudflare (CNAME into cdn.cloudflare.net), with a second address
    # outside any CDN range: that network's holder is the origin host
    ("www.pixelboard.example", "CNAME"): ["www.pixelboard.example.cdn.cloudflare.net."],
    ("www.pixelboard.example.cdn.cloudflare.net", "A"): ["104.16.132.229", "46.4.100.200"],
    ("pixelboard.example", "NS"): ["ns1.pixelboard.example."],
    ("229.132.16.104.origin.asn.cymru.com", "TXT"): ['"13335 | 104.16.0.0/13 | US | arin | 2014-03-28"'],
    ("200.100.4.46.origin.asn.cymru.com", "TXT"): ['"24940 | 46.4.0.0/16 | DE | ripe | 2010-11-22"'],
}


def hostile_rdap(root: Path) -> Path:
    """The RDAP fixtures, with a script in the Hetzner network's organisation name and a
    registration for pixelboard.example."""
    shutil.copytree(FIXTURES, root)
    net = root / "ripe" / "ip" / "46.4.100.200.json"
    net.write_text(net.read_text(encoding="utf-8").replace("Hetzner Online GmbH", EVIL_ORG.replace('"', '\\"')),
                   encoding="utf-8")
    domain = root / "example-registry" / "domain"
    (domain / "pixelboard.example.json").write_text(
        (domain / "sharehost.example.json").read_text(encoding="utf-8").replace("SHAREHOST", "PIXELBOARD")
        .replace("sharehost", "pixelboard"), encoding="utf-8")
    return root


def add_hetzner(db: Path) -> None:
    con = connect(db)
    try:
        upsert_target(con, "hetzner", "Hetzner", "host", ["DE", "EU"], "https://www.hetzner.com/")
        con.execute("UPDATE targets SET homepage = 'https://www.pixelboard.example/' WHERE target_id = 'pixelboard'")
        dec = fixture._decisions("host", HETZNER_MET)
        con.execute("INSERT INTO scores (run_id, target_id, service, kind, rubric_version, score, grade) "
                    "VALUES (2, 'hetzner', 'Hetzner', 'host', ?, ?, ?)",
                    [rubric.RUBRIC_VERSION, rubric.overall_score(dec), rubric.grade(rubric.overall_score(dec))])
        for e in rubric.ELEMENTS:
            con.execute("INSERT INTO element_results (run_id, target_id, element, category, met, rubric_version) "
                        "VALUES (2, 'hetzner', ?, ?, ?, ?)", [e.id, e.category, dec[e.id], rubric.RUBRIC_VERSION])
        for cat, value in rubric.category_scores(dec).items():
            con.execute("INSERT INTO category_scores (run_id, target_id, category, score) VALUES (2, 'hetzner', ?, ?)",
                        [cat, value])
        for i, (element, quote) in enumerate([
                ("stated_response_time", "Reports concerning intimate images are processed within 24 hours."),
                ("statutory_ncii_process", "Your request must include your electronic signature and "
                 "identification of the image and where it is located.")]):
            con.execute("INSERT INTO evidence (run_id, target_id, element, ordinal, document, url, quote) "
                        "VALUES (2, 'hetzner', ?, ?, 'Abuse policy', 'https://www.hetzner.com/legal/abuse', ?)",
                        [element, i, quote])
    finally:
        con.close()


@pytest.fixture(scope="module")
def traced(tmp_path_factory):
    """(store with a trace, report output directory)."""
    base = tmp_path_factory.mktemp("hosts")
    db = fixture.build_fixture_db(base / "audit.duckdb")
    add_hetzner(db)
    with trace_servers(ZONE, base / "bootstrap", rdap_root=hostile_rdap(base / "rdap")) as servers:
        assert main(trace_argv(servers, db, "https://www.pixelboard.example/p/123", fmt="table")) == 0
    out = base / "report"
    build_report(str(db), str(out), generated_at=GENERATED)
    return db, out


def section(html: str) -> str:
    return html[html.index('<section id="hosts"'):html.index('<section id="changes"')]


def rows(html: str) -> list[str]:
    return re.findall(r'<tr class="hop hop-\w+">.*?</tr>', section(html), flags=re.S)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_section_shows_the_chain_in_order(traced):
    _, out = traced
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<a href="#hosts">Where hosts stand</a>' in html
    sec = section(html)
    assert "<h3>www.pixelboard.example</h3>" in sec and "fronted by Cloudflare" in sec
    assert "/p/123" not in html                       # the URL traced (maybe a content URL) is never shown
    assert re.findall(r'<tr class="hop hop-(\w+)">', sec) == ["platform", "cdn", "host", "registrar"]
    platform, cdn, host, registrar = rows(html)
    # the platform is the audited service, with its score in this run and a link to its scorecard
    assert "Pixelboard" in platform and "(this run)" in platform and 'href="#svc-1"' in platform
    assert "pixelboard.example.test/report" in platform            # its live channel from the channel checks
    # the CDN fronts the site; it is not the host
    assert '<span class="fronting">fronting</span>' in cdn and "Cloudflare" in cdn
    assert "fronting" not in host and "fronting" not in platform and "fronting" not in registrar
    assert "abuse@cloudflare.com" in cdn and "not in the registry" in cdn
    # the origin host is matched to the registry target Hetzner and shows its score in this run
    assert "Hetzner</a>" in host and "matched by asn" in host
    assert f"{HETZNER_SCORE:.1f} / 100" in host and f'<span class="grade g-{HETZNER_GRADE}">{HETZNER_GRADE}</span>' in host
    assert "(this run)" in host
    assert "abuse@hetzner.com" in host and "24 h" in host and "intimate images" in host
    assert "TAKE IT DOWN request asks for: physical or electronic signature; identification" in host
    assert "not asked: statement of good-faith belief that it is not consensual; contact information" in host
    # legal deadlines: the registry's jurisdictions (DE, EU) leave the DSA's "timely" duty
    assert "Digital Services Act, Article 16" in host and "from a notice" in host
    assert "jurisdictions from registry" in host and "TAKE IT DOWN Act" not in host.split("TAKE IT DOWN request")[0]
    assert "Example Names, Inc." in registrar and "abuse@examplenames.example" in registrar
    # nothing known of the registrar's jurisdiction: every rule, with its trigger
    assert "48 h</strong> US TAKE IT DOWN Act" in registrar and "from the person&#39;s valid request" in registrar
    assert "from a regulator&#39;s notice" in registrar and "every rule assumed to apply" in registrar


def test_hostile_organisation_name_is_escaped(traced):
    db, out = traced
    con = connect(db)
    try:
        stored = con.execute("SELECT organisation FROM trace_hops WHERE role = 'host'").fetchone()[0]
    finally:
        con.close()
    assert stored == EVIL_ORG                          # kept verbatim in the store
    html = (out / "report.html").read_text(encoding="utf-8")
    sec = section(html)
    assert "Hetzner &lt;script&gt;alert(1)&lt;/script&gt; GmbH" in sec
    assert "<script" not in sec
    assert html.count("<script>") == 1                 # only the report's own table sorter
    brief = (out / "summary.md").read_text(encoding="utf-8")
    assert "## Where hosts stand" in brief and "<script>" not in brief
    assert r"Hetzner \<script\>alert(1)\</script\> GmbH" in brief
    line = next(ln for ln in brief.splitlines() if ln.startswith("- `www.pixelboard.example`:"))
    assert line.index("platform Pixelboard [") < line.index("CDN (fronting) Cloudflare") < line.index("origin host") \
        < line.index("registrar Example Names")
    assert f"Hetzner {HETZNER_SCORE:.1f}/100, grade {HETZNER_GRADE}" in line


def test_hosts_csv(traced):
    _, out = traced
    got = read_csv(out / "hosts.csv")
    assert [(r["step"], r["role"], r["fronting"]) for r in got] == [
        ("1", "platform", "false"), ("2", "cdn", "true"), ("3", "host", "false"), ("4", "registrar", "false")]
    host = got[2]
    assert host["organisation"] == EVIL_ORG and host["target_id"] == "hetzner"
    assert (float(host["score"]), host["grade"], host["score_from"]) == (HETZNER_SCORE, HETZNER_GRADE, "this run")
    assert host["legal_deadlines"] == "timely eu_dsa_art16_timely (notice)"
    assert got[0]["host"] == "www.pixelboard.example" and "p/123" not in (out / "hosts.csv").read_text()
    assert (out / "hosts.parquet").stat().st_size > 0


def test_no_traces_no_section(tmp_path):
    db = fixture.build_fixture_db(tmp_path / "audit.duckdb")
    out = tmp_path / "report"
    build_report(str(db), str(out), generated_at=GENERATED)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Where hosts stand" not in html and 'id="hosts"' not in html
    assert "Where hosts stand" not in (out / "summary.md").read_text(encoding="utf-8")
    assert read_csv(out / "hosts.csv") == []            # header only
    # statutory_ncii_process findings name the TAKE IT DOWN request elements their quotes ask for
    assert "TAKE IT DOWN request elements these quotes ask for: none of the four" in html
