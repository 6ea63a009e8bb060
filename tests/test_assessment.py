"""Issue 9, item 3: services that were never fetched are not published with grade F.

A target none of whose documents could be used (fetch errors, HTTP errors, a bot challenge or
another wall instead of the policy) is `not_assessed`: no score, no grade in every export, listed
apart in the report and the brief, never in the grade chart, league table or coverage. A target
with some failed documents is assessed, and its result names the documents that failed.
"""
from __future__ import annotations

import csv
import io
import json
import socket
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from audits.pages import judge_page
from reports.build import build_report
from riskaudit import cli, store
from riskaudit.extract import extract_file
from riskaudit.stages.crawl import crawl
from riskaudit.stages.score import load_results, score_run
from tests.support.testsite import CountingServer, Route, policy_page

WALLS = Path(__file__).parent / "fixtures" / "walls"
FAST = {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "RISKAUDIT_RETRY_BACKOFF_BASE": 0,
        "DOWNLOAD_TIMEOUT": 5, "RETRY_TIMES": 0}


# ---------------------------------------------------------------- the page judge (pure)

@pytest.mark.parametrize("name,kind", [("cloudflare.html", "Cloudflare challenge"),
                                       ("consent.html", "cookie-consent interstitial"),
                                       ("enable_js.html", "near-empty"),
                                       ("login_wall.html", "login wall")])
def test_walls_are_not_policies(name, kind):
    page = extract_file(WALLS / name)
    assert kind in (judge_page(page.text, page.title) or "")


def test_real_policy_mentioning_cookies_and_login_is_a_policy():
    page = extract_file(WALLS / "real_policy.html")
    assert "cookie" in page.text.lower() and "log in" in page.text.lower() and "CAPTCHA" in page.text
    assert judge_page(page.text, page.title) is None


@pytest.mark.parametrize("text", [
    "Access Denied. You don't have permission to access \"http://www.x.example/terms\" on this server. "
    "Reference #18.2f3e4d5c.1767200000.1a2b3c4d",
    "Request unsuccessful. Incapsula incident ID: 1234000870123456789-123456789012345678",
    "Please enable JavaScript to view this page. This site requires JavaScript to work properly, sorry "
    "about that. Once JavaScript is on, reload the page and you will see the content you asked for here.",
    "Press & Hold to confirm you are a human (and not a bot). Reference ID 5b3f2c10-0000-11ef-9a6e",
])
def test_challenge_texts(text):
    assert judge_page(text) is not None


# ---------------------------------------------------------------- crawl → score → exports → report

def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("assess")
    routes = {
        "/robots.txt": Route(body="User-agent: *\nDisallow: /private/\n", content_type="text/plain"),
        "/good/terms": Route(body=policy_page("Good Terms", seed=1, size_kb=4)),
        "/partial/terms": Route(body=(WALLS / "real_policy.html").read_text(encoding="utf-8")),
        "/partial/gone": Route(status=404, body="<html><body><h1>Not found</h1></body></html>"),
        "/walled/terms": Route(body=(WALLS / "cloudflare.html").read_text(encoding="utf-8")),
        "/walled/rules": Route(body=(WALLS / "login_wall.html").read_text(encoding="utf-8")),
        "/broken/terms": Route(status=503, body="<html><body>Service unavailable</body></html>"),
        "/private/terms": Route(body=policy_page("Hidden", seed=2, size_kb=4)),
    }
    with CountingServer(routes) as srv:
        refused = f"http://127.0.0.1:{_closed_port()}/terms"
        reg = tmp / "reg.yaml"
        reg.write_text(f"""targets:
  - id: good
    name: Good Service
    kind: social
    documents: [{{type: terms_of_service, url: '{srv.url('/good/terms')}'}}]
  - id: partial
    name: Partial Service
    kind: social
    documents:
      - {{type: terms_of_service, url: '{srv.url('/partial/terms')}'}}
      - {{type: community_guidelines, url: '{srv.url('/partial/gone')}'}}
  - id: walled
    name: Walled Service
    kind: dating
    documents:
      - {{type: terms_of_service, url: '{srv.url('/walled/terms')}'}}
      - {{type: community_guidelines, url: '{srv.url('/walled/rules')}'}}
  - id: broken
    name: Broken Service
    kind: adult
    documents:
      - {{type: terms_of_service, url: '{srv.url('/broken/terms')}'}}
      - {{type: privacy_policy, url: '{refused}'}}
      - {{type: community_guidelines, url: '{srv.url('/private/terms')}'}}
""", encoding="utf-8")
        db = tmp / "audit.duckdb"
        run_id, _counts = crawl(str(reg), str(db), allow_private=True, settings=FAST)
    score_run(str(db), run_id)
    return db, run_id, tmp


def _by_id(db, run_id):
    con = store.connect(db, read_only=True)
    try:
        return {r.id: r for r in load_results(con, run_id)}
    finally:
        con.close()


def test_targets_without_a_usable_document_are_not_assessed(audited):
    db, run_id, _ = audited
    results = _by_id(db, run_id)
    assert results["good"].status == "assessed" and results["good"].grade is not None
    assert results["partial"].status == "assessed" and results["partial"].score is not None
    for tid in ("walled", "broken"):
        r = results[tid]
        assert r.status == "not_assessed" and r.score is None and r.grade is None, tid
        assert all(v is None for v in r.categories.values())
        assert all(e.met is None for e in r.elements.values())
    walled = results["walled"].reason
    assert "bot_wall: Cloudflare challenge" in walled and "bot_wall: login wall" in walled
    broken = results["broken"].reason
    assert "(HTTP 503)" in broken and "(robots)" in broken and "/private/terms" in broken
    # the closed port: refused, or (RFC 9309) robots.txt unreachable, so the whole site is disallowed
    assert "3 documents failed" in broken, broken


def test_partly_failed_target_names_the_failed_documents(audited):
    db, run_id, _ = audited
    partial = _by_id(db, run_id)["partial"]
    assert [(f["kind"], f["url"].rsplit("/", 1)[-1]) for f in partial.failed_documents] == [("HTTP 404", "gone")]
    not_met = [e for e in partial.elements.values() if e.met is False]
    assert not_met and all("not checked: 1 document" in e.reason and "/partial/gone (HTTP 404)" in e.reason
                           for e in not_met)
    assert all("not checked" not in e.reason for e in partial.elements.values() if e.met)


def test_exports_give_null_score_and_grade(audited, tmp_path, capsys):
    db, run_id, _ = audited
    out = tmp_path / "x.json"
    assert cli.main(["export", "--db", str(db), "--format", "json", "--out", str(out)]) == 0
    targets = {t["id"]: t for t in json.loads(out.read_text(encoding="utf-8"))["targets"]}
    assert targets["walled"]["status"] == "not_assessed" and targets["walled"]["score"] is None
    assert targets["walled"]["grade"] is None and "Cloudflare" in targets["walled"]["not_assessed_reason"]
    assert targets["good"]["status"] == "assessed" and isinstance(targets["good"]["score"], (int, float))
    assert targets["partial"]["failed_documents"][0]["kind"] == "HTTP 404"

    out = tmp_path / "x.csv"
    assert cli.main(["export", "--db", str(db), "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    walled = [r for r in rows if r["id"] == "walled"]
    assert walled and all(r["score"] == "" and r["grade"] == "" and r["status"] == "not_assessed" for r in walled)
    assert all(r["grade"] != "" for r in rows if r["id"] == "good")

    assert cli.main(["score", "--db", str(db), "--run", str(run_id)]) == 0
    text = capsys.readouterr().out
    assert "not assessed: 2" in text and "walled" in text and "not assessed: no usable policy document" in text
    assert cli.main(["explain", "--db", str(db), "--target", "broken"]) == 0
    assert "NOT ASSESSED (no score, no grade)" in capsys.readouterr().out


def test_report_lists_not_assessed_apart(audited, tmp_path):
    db, run_id, _ = audited
    out = tmp_path / "report"
    build_report(str(db), str(out))
    scores = list(csv.DictReader(io.StringIO((out / "scores.csv").read_text(encoding="utf-8"))))
    by_id = {r["id"]: r for r in scores}
    assert by_id["broken"]["score"] == "" and by_id["broken"]["grade"] == "" and by_id["broken"]["status"] == "not_assessed"
    parquet = {r["id"]: r for r in pq.read_table(out / "scores.parquet").to_pylist()}
    assert parquet["walled"]["score"] is None and parquet["walled"]["grade"] is None
    js = {t["id"]: t for t in json.loads((out / "scores.json").read_text(encoding="utf-8"))["targets"]}
    assert js["broken"]["score"] is None and js["broken"]["status"] == "not_assessed"
    elements = list(csv.DictReader(io.StringIO((out / "elements.csv").read_text(encoding="utf-8"))))
    assert {r["service"] for r in elements} == {"Good Service", "Partial Service"}   # coverage rows

    html = (out / "report.html").read_text(encoding="utf-8")
    assert 'id="not-assessed"' in html and "Not assessed: 2 services" in html
    league = html[html.index('id="league"'):html.index('id="heatmap"')]
    assert "Walled Service" not in league and "Broken Service" not in league and "Good Service" in league
    assert "How well do 2 online services" in html
    assert "bot_wall" in html            # crawl health / not-assessed table

    brief = (out / "summary.md").read_text(encoding="utf-8")
    assert "- Not assessed: 2 services (" in brief and "Broken Service, Walled Service" in brief
    assert "## Not assessed" in brief
    assert "services are graded D or worse" in brief and "of 2 services" in brief


def test_coverage_and_grades_count_assessed_only(audited):
    db, run_id, _ = audited
    from riskaudit.stages.report import load_report_data
    con = store.connect(db, read_only=True)
    try:
        data = load_report_data(con, run_id)
    finally:
        con.close()
    assert [s["target_id"] for s in data["not_assessed"]] == ["broken", "walled"]
    assert {s["target_id"] for s in data["services"]} == {"good", "partial"}
    assert all(c["applicable"] <= 2 for c in data["coverage"])
    assert dict(data["not_assessed_why"])["bot_wall"] == 1


def test_migration_0005_adds_the_columns(tmp_path):
    con = store.connect(tmp_path / "new.duckdb")
    try:
        cols = {r[0]: r[1] for r in con.execute(
            "SELECT column_name, column_default FROM duckdb_columns() WHERE table_name = 'scores'").fetchall()}
        applied = [r[0] for r in con.execute("SELECT name FROM schema_migrations ORDER BY version").fetchall()]
    finally:
        con.close()
    assert {"status", "not_assessed_reason", "failed_documents"} <= set(cols)
    assert "assessed" in str(cols["status"]) and "0005_assessment" in applied
