"""`riskaudit demo` end to end: the local sites are crawled, scored, reported and summarised.

The whole demo runs once per module (two crawls of the sites, previous and current edition).
"""
from __future__ import annotations

import contextlib
import io

import duckdb
import pytest

from riskaudit.cli.commands.demo import run_demo
from riskaudit.demo import SITE_IDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo-out")
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        report = run_demo(out)
    return {"out": out, "db": out / "riskaudit.duckdb", "stdout": stdout.getvalue(), "report": report}


def _crawled(demo_run):
    return duckdb.connect(str(demo_run["db"]), read_only=True)


def _rel(url: str | None) -> str | None:
    return None if url is None else "/" + url.split("/", 3)[3] if url.startswith("http") else url


def test_registry_written_and_resolved(demo_run):
    text = (demo_run["out"] / "registry.yaml").read_text(encoding="utf-8")
    assert "{chirply}" not in text and "http://127.0.0.1:" in text
    assert demo_run["stdout"].startswith("[1/8] starting the demo sites")


def test_crawl_captures_every_demo_trap(demo_run):
    con = _crawled(demo_run)
    try:
        docs = {(t, _rel(u)): (_rel(f), text) for t, u, f, text in con.execute(
            "SELECT target_id, url, final_url, text FROM documents").fetchall()}
        channels = {(t, _rel(u)): (s, ok, login) for t, u, s, ok, login in con.execute(
            "SELECT target_id, url, status, ok, login_required FROM channel_checks").fetchall()}
    finally:
        con.close()
    assert {t for t, _ in docs} == set(SITE_IDS)  # every service yields documents
    # redirect chain: the rules page is stored under its registry URL with the final URL
    assert docs[("threadhub", "/rules")][0] == "/community/rules/v2"
    assert "without their consent" in docs[("threadhub", "/rules")][1]
    # windows-1252 without a declared charset is decoded correctly
    assert "café" in docs[("sparkmatch", "/community-guidelines")][1]
    # the PDF policy is extracted
    assert "child sexual abuse material" in docs[("filedrop", "/terms.pdf")][1]
    # the login-walled report form and the dead report link are measured
    status, ok, login = channels[("lumencams", "/report")]
    assert login is True and ok is False
    status, ok, login = channels[("heartline", "/report-abuse")]
    assert status == 404 and ok is False
    assert channels[("chirply", "/report/intimate-imagery")][:2] == (200, True)


def test_crawl_obeys_demo_robots_txt(demo_run):
    con = _crawled(demo_run)
    try:
        rows = con.execute(
            "SELECT status, robots_blocked FROM fetches WHERE target_id = 'nimbuscdn' "
            "AND url LIKE '%/legal/transparency'").fetchall()
        stored = con.execute(
            "SELECT count(*) FROM documents WHERE target_id = 'nimbuscdn' "
            "AND url LIKE '%/legal/transparency'").fetchone()[0]
    finally:
        con.close()
    assert rows and all(blocked for _, blocked in rows), rows
    assert stored == 0


def test_demo_end_to_end(demo_run):
    assert demo_run["report"].is_file()
    con = duckdb.connect(str(demo_run["db"]), read_only=True)
    try:
        scores = dict(con.execute("SELECT target_id, score FROM scores").fetchall())
    finally:
        con.close()
    assert set(scores) == set(SITE_IDS)
    assert scores["chirply"] == max(scores.values())
    assert scores["chirply"] > scores["pixelpost"] and scores["dreamforge"] > scores["canvasai"]
    out = demo_run["stdout"]
    assert "service" in out and "grade" in out and "Chirply" in out
    assert f"report: {demo_run['report']}" in out


def test_demo_report_fills_every_section(demo_run):
    """Every section of the demo report has content: curves from the case log, flips between runs."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(demo_run["report"].read_text(encoding="utf-8"), "lxml")
    sections = {s["id"]: s for s in soup.find_all("section", id=True)}
    assert {"summary", "league", "heatmap", "scorecards", "response-times", "changes", "methodology"} <= set(sections)
    league_rows = sections["league"].find("tbody").find_all("tr")
    assert len(league_rows) == len(SITE_IDS)
    assert len(sections["response-times"].find_all("svg")) >= 3          # Kaplan-Meier curves
    changes = sections["changes"].get_text(" ", strip=True)
    assert "DreamForge" in changes and "Heartline" in changes and "PixelPost" not in changes
    assert "nudify" in changes                                            # the quote responsible
    assert "TAKE IT DOWN" in soup.get_text(" ")                           # legal-deadline findings
    for element_id in ("ncii_prohibited", "sexual_content_safeguards"):
        assert element_id in sections["methodology"].get_text(" ")


def test_demo_changes_between_editions(demo_run):
    con = _crawled(demo_run)
    try:
        flips = set(con.execute("SELECT target_id, element, from_met, to_met FROM element_flips").fetchall())
    finally:
        con.close()
    assert ("heartline", "stated_response_time", True, False) in flips
    assert ("dreamforge", "synthetic_intimate_covered", False, True) in flips
    assert not any(t == "pixelpost" for t, *_ in flips)                  # markup-only edit


def test_report_scores_json_equals_riskaudit_export(demo_run, tmp_path):
    """Two code paths write the shared JSON shape (the report's exports and `riskaudit export`):
    apart from generation metadata and target order they must agree."""
    import json

    from riskaudit.cli import main

    exported = tmp_path / "export.json"
    assert main(["export", "--db", str(demo_run["db"]), "--format", "json", "--out", str(exported)]) == 0
    a = json.loads(exported.read_text(encoding="utf-8"))
    b = json.loads((demo_run["out"] / "scores.json").read_text(encoding="utf-8"))
    assert a["rubric_version"] == b["rubric_version"]
    # export lists targets by id, the report by score: compare target by target
    assert {t["id"]: t for t in a["targets"]} == {t["id"]: t for t in b["targets"]}
    assert len(a["targets"]) == len(b["targets"]) == 11


def test_demo_writes_a_verifiable_warc_and_a_feed_of_the_flips(demo_run, capsys):
    import feedparser

    from riskaudit.cli import main

    warc, feed = demo_run["out"] / "evidence.warc.gz", demo_run["out"] / "feed.xml"
    assert main(["verify-evidence", str(warc)]) == 0
    assert "digests match" in capsys.readouterr().out
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo
    flips = [e for e in parsed.entries if e.tags[0].term == "element_flip"]
    assert any("DreamForge" in e.title and "synthetic_intimate_covered" in e.title for e in flips)
    assert any("Heartline" in e.title and "weakened" in e.title for e in flips)
    assert any(e.tags[0].term == "channel_dead" for e in parsed.entries)
    # the demo imported a case log: its content URLs never reach a package or an alert
    import gzip
    assert b"example.invalid" not in gzip.decompress(warc.read_bytes()) and b"example.invalid" not in feed.read_bytes()
