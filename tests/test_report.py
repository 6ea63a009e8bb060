"""Tests of `riskaudit report`: outputs, exports, safety against hostile pages, optional sections, errors."""
from __future__ import annotations

import csv
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from audits import rubric
from reports import svg
from reports.build import build_report
from riskaudit import cli, store
from riskaudit.core.errors import UserError
from riskaudit.core.tabular import csv_safe
from tests.support import store_fixture as fixture

GENERATED = dt.datetime(2026, 4, 2, 12, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return fixture.build_fixture_db(tmp_path_factory.mktemp("store") / "audit.duckdb")


@pytest.fixture(scope="module")
def out(db, tmp_path_factory) -> Path:
    out_dir = tmp_path_factory.mktemp("report")
    build_report(str(db), str(out_dir), generated_at=GENERATED)
    return out_dir


class TagCollector(HTMLParser):
    """Every start tag with its attributes, and the text of every <script>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def parse(html: str) -> TagCollector:
    p = TagCollector()
    p.feed(html)
    p.close()
    return p


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_writes_every_output(out):
    for name in ("report.html", "summary.md", "scores.csv", "elements.csv", "evidence.csv", "scores.json",
                 "scores.parquet", "elements.parquet", "evidence.parquet"):
        assert (out / name).stat().st_size > 0, name


def test_html_sections_and_league_order(out):
    html = (out / "report.html").read_text(encoding="utf-8")
    for section in ("summary", "league", "heatmap", "scorecards", "response-times", "changes", "methodology"):
        assert f'id="{section}"' in html
    # default order without JavaScript: by score, best first
    positions = [html.index(f"<td><a href=\"#svc-{i}\">") for i in range(1, 7)]
    assert positions == sorted(positions)
    league = html[html.index('id="league-table"'):html.index("</table>", html.index('id="league-table"'))]
    assert league.index("Pixelboard") < league.index("Velvet Lounge") < league.index("Stackhost")
    assert '<link rel="icon" href="data:,">' in html
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert "@media print" in html and "break-before: page" in html
    tags = parse(html).tags
    assert sum(t == "table" for t, _ in tags) == sum(t == "caption" for t, _ in tags) > 5
    assert all(a.get("scope") in ("col", "row") for t, a in tags if t == "th")


def test_html_shows_evidence_provenance_and_crawl_health(out, db):
    html = (out / "report.html").read_text(encoding="utf-8")
    con = store.connect(db, create=False)
    snap = con.execute("SELECT snapshot_sha256 FROM evidence WHERE run_id = 2 AND target_id = 'pixelboard' "
                       "AND element = 'hash_matching'").fetchone()[0]
    con.close()
    assert "We use hash matching, including StopNCII hashes, to block known imagery." in html
    assert f'title="sha256 {snap}">{snap[:12]}</code>' in html
    assert 'href="https://pixelboard.example.test/terms" rel="noopener noreferrer nofollow"' in html
    assert "fetched 2026-04-01 09:00 UTC" in html
    assert "Dead report channel</strong>: ncii_form" in html
    assert "Report channel behind a login</strong>" in html
    assert "HTTP 404: 1" in html and "timeout: 1" in html
    assert '<dd>1: <a href="https://stackhost.example.test/private" rel="noopener noreferrer nofollow">' in html
    assert "not applicable: applies to generative-AI tools only" in html
    # heat map: text and shape, not colour only
    assert 'aria-label="Stackhost — NCII prohibited: not met">✗</td>' in html
    assert 'aria-label="DreamForge AI — Provenance marking: met">✓</td>' in html
    assert 'aria-label="Amourly — Provenance marking: n.a.">–</td>' in html


def test_changes_since_previous_run(out):
    html = (out / "report.html").read_text(encoding="utf-8")
    changes = html[html.index('id="changes"'):html.index('id="methodology"')]
    assert "run 1" in changes
    assert "Pixelboard" in changes and "▲ +48.4" in changes
    assert "Hash matching: not met →" in changes
    assert "Amourly" not in changes  # unchanged services are not listed
    brief = (out / "summary.md").read_text(encoding="utf-8")
    assert "Pixelboard: 37.9 → 86.3 (+48.4), 8 elements changed." in brief


def test_methodology_is_generated_from_rubric(out):
    html = (out / "report.html").read_text(encoding="utf-8")
    method = html[html.index('id="methodology"'):]
    for e in rubric.ELEMENTS:
        assert e.title in method and e.id in method
    for letter, threshold in rubric.GRADE_THRESHOLDS:
        assert f"{letter} ≥ {threshold:.0f}" in method


def test_hostile_page_is_inert(out):
    html = (out / "report.html").read_text(encoding="utf-8")
    doc = parse(html)
    assert len(doc.scripts) == 1 and "table.sortable" in doc.scripts[0]
    for tag, attrs in doc.tags:
        assert tag not in ("img", "iframe", "object", "embed", "form", "base"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name, value)
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                assert value.startswith(("https://", "http://", "#", "data:,")), (tag, name, value)
                assert "javascript:" not in value.lower()
    # the hostile strings are shown, escaped, as text
    assert "Evil &lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34; onmouseover=&#34;alert(1)" in html
    assert '<span class="rawurl" title="not a web link: shown as text">javascript:alert(1)</span>' in html
    # a hostile query string in an http URL stays inside the attribute
    assert 'href="https://hostile.example.test/rules?q=&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_brief_escapes_markdown(out):
    brief = (out / "summary.md").read_text(encoding="utf-8")
    assert not re.search(r"(?<!\\)[<>]", brief), "every < and > is backslash-escaped"
    assert "Evil \\<img src=x onerror=alert(1)\\>" in brief
    assert "Amourly: ncii\\_form `https://amourly.example.test/report` is dead (HTTP 404)." in brief
    assert "1 service put a report channel behind a login: Velvet Lounge." in brief


def test_csv_exports(out):
    scores = read_csv(out / "scores.csv")
    assert [r["id"] for r in scores] == ["pixelboard", "velvet-lounge", "dreamforge", "amourly", "hostile", "stackhost"]
    assert list(scores[0]) == ["service", "id", "kind", "score", "grade", "P", "R", "T", "A", "rubric_version", "run_id",
                               "status", "not_assessed_reason", "machine_score", "machine_grade"]
    assert scores[0]["score"] == "86.3" and scores[0]["run_id"] == "2" and scores[0]["A"] == ""
    elements = read_csv(out / "elements.csv")
    assert len(elements) == 6 * len(rubric.ELEMENTS)
    row = next(r for r in elements if r["service"] == "Amourly" and r["element"] == "provenance_marking")
    assert row["met"] == "" and row["quote_count"] == "0"
    row = next(r for r in elements if r["service"] == "Pixelboard" and r["element"] == "ncii_prohibited")
    assert row == {"service": "Pixelboard", "element": "ncii_prohibited", "category": "P", "met": "true",
                   "quote_count": "2", "machine_met": "true", "review_state": "machine", "reviewed_by": "",
                   "reviewed_at": "", "review_reason": "", "review": "machine",
                   "needs_review": "false", "margin": ""}
    evidence = read_csv(out / "evidence.csv")
    hostile = [r for r in evidence if r["service"].startswith("Evil")]
    assert any(r["url"] == "javascript:alert(1)" for r in hostile)


def test_csv_formula_injection_is_neutralised():
    assert csv_safe("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [csv_safe(v) for v in ("+1", "-2", "@SUM(A1)", "\t=1")] == ["'+1", "'-2", "'@SUM(A1)", "'\t=1"]
    assert csv_safe("plain text") == "plain text" and csv_safe(-3.5) == -3.5


def test_json_and_parquet_match(out):
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert data["rubric_version"] == rubric.RUBRIC_VERSION
    assert data["generated_at"] == "2026-04-02T12:00:00+00:00"
    first = data["targets"][0]
    assert set(first) == {"service", "id", "kind", "status", "score", "grade", "categories", "rules_version", "elements"}
    assert first["categories"] == {"P": 71.4, "R": 87.5, "T": 100.0, "A": None}
    el = first["elements"]["stated_response_time"]
    assert el["met"] is True and el["hours"] == [24]
    assert el["evidence"][0]["quote"] == "We respond to reports within 24 hours."
    assert set(el["evidence"][0]) >= {"document", "url", "snapshot", "quote"}
    assert "hours" not in first["elements"]["ncii_prohibited"]
    assert pq.read_table(out / "scores.parquet").num_rows == 6
    assert pq.read_table(out / "elements.parquet").num_rows == 6 * len(rubric.ELEMENTS)
    ev = pq.read_table(out / "evidence.parquet")
    assert ev.num_rows == len(read_csv(out / "evidence.csv"))
    assert ev.schema.field("fetched_at").type.tz == "UTC"


def test_output_is_deterministic(db, out, tmp_path):
    build_report(str(db), str(tmp_path), generated_at=GENERATED)
    for name in ("report.html", "summary.md", "scores.csv", "elements.csv", "evidence.csv", "scores.json"):
        assert (tmp_path / name).read_bytes() == (out / name).read_bytes(), name
    later = tmp_path / "later"
    build_report(str(db), str(later), generated_at=GENERATED + dt.timedelta(days=3))
    a = (out / "report.html").read_text(encoding="utf-8").splitlines()
    b = (later / "report.html").read_text(encoding="utf-8").splitlines()
    differing = [x for x, y in zip(a, b) if x != y]
    assert len(a) == len(b) and differing and all("generated at" in x.lower() for x in differing)


def test_older_run_can_be_reported(db, tmp_path):
    build_report(str(db), str(tmp_path), run_id=1, generated_at=GENERATED)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "scored run 1" in html and "first scored run" in html
    assert read_csv(tmp_path / "scores.csv")[0]["run_id"] == "1"


def test_user_errors(db, tmp_path):
    with pytest.raises(UserError, match="does not exist"):
        build_report(str(tmp_path / "missing.duckdb"), str(tmp_path / "o"))
    with pytest.raises(UserError, match=r"no scores for run 9.*\[1, 2\]"):
        build_report(str(db), str(tmp_path / "o"), run_id=9)
    empty = tmp_path / "empty.duckdb"
    store.connect(empty).close()
    with pytest.raises(UserError, match="has no scores"):
        build_report(str(empty), str(tmp_path / "o"))
    afile = tmp_path / "afile"
    afile.write_text("x")
    with pytest.raises(UserError, match="is a file"):
        build_report(str(db), str(afile))


def test_cli(db, tmp_path, capsys):
    assert cli.main(["report", "--db", str(db), "--out", str(tmp_path / "r"), "--redact-urls"]) == 0
    assert "report.html" in capsys.readouterr().out
    assert cli.main(["report", "--db", str(db), "--out", str(tmp_path / "r"), "--run", "7"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("riskaudit report: error:") and err.count("\n") == 1


def test_sections_without_case_logs_or_text_changes(db, tmp_path):
    """No case log imported and no document text changed: those sections say so; stated times still show."""
    build_report(str(db), str(tmp_path), generated_at=GENERATED)
    html = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "no observed times are shown" in html
    # stated times still come from the store
    rt = html[html.index('id="response-times"'):html.index('id="changes"')]
    assert "24 h" in rt and "We respond to reports within 24 hours." in rt
    assert "No policy text changed between the runs." in html


def test_km_plot_geometry_and_escaping():
    chart = str(svg.km_plot({"<script>": [(12.0, 0.5), (24.0, 0.0)]}, 'A "title" <x>'))
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    assert 'aria-label="A &#34;title&#34; &lt;x&gt;"' in chart
    assert ">0 h</text>" in chart and ">48 h</text>" in chart
    assert [svg.hours_label(h) for h in (6, 24, 48, 168, 30)] == ["6 h", "24 h", "2 d", "7 d", "30 h"]


CASE_LOG = """case_id,target,channel,submitted_at,acknowledged_at,removed_at,closed_at,outcome,jurisdiction,content_url
c1,amourly,ncii_form,2026-03-01T10:00:00Z,2026-03-01T12:00:00Z,2026-03-05T10:00:00Z,,removed,US,https://victim.example/a
c2,amourly,email,2026-03-02T10:00:00Z,,,,pending,US,https://victim.example/b
c3,pixelboard,ncii_form,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,2026-03-01T20:00:00Z,,removed,US,https://victim.example/c
c4,pixelboard,ncii_form,2026-03-04T10:00:00Z,,2026-03-07T10:00:00Z,,removed,US,https://victim.example/d
c5,pixelboard,in_app,2026-03-05T10:00:00Z,,,2026-03-20T10:00:00Z,refused,US,https://victim.example/e
"""


def test_observed_times_from_a_real_case_log(tmp_path):
    from riskaudit.importers import cases
    db = fixture.build_fixture_db(tmp_path / "audit.duckdb")
    (tmp_path / "cases.csv").write_text(CASE_LOG, encoding="utf-8")
    cases.import_cases_csv(str(db), str(tmp_path / "cases.csv"), keep_urls=True)
    out = tmp_path / "out"
    build_report(str(db), str(out), generated_at=GENERATED)
    html = (out / "report.html").read_text(encoding="utf-8")
    rt = html[html.index('id="response-times"'):html.index('id="changes"')]
    assert rt.count("<svg") == 2  # Amourly and Pixelboard have cases
    assert "as of 2026-03-20 10:00 UTC" in rt  # the case log's last event, not today
    for name in ("report.html", "summary.md", "scores.csv", "evidence.csv", "scores.json"):
        assert "victim.example" not in (out / name).read_text(encoding="utf-8"), name
    brief = (out / "summary.md").read_text(encoding="utf-8")
    assert "Pixelboard: promises 24 h, observed median" in brief
    again = tmp_path / "again"
    build_report(str(db), str(again), generated_at=GENERATED)
    assert (again / "report.html").read_bytes() == (out / "report.html").read_bytes()
