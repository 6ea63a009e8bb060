"""Stated response times by channel and their comparison with legal deadlines."""
from __future__ import annotations

import json

import pytest

from audits import response_times as rt
from audits import timeparse
from riskaudit.cli import main
from riskaudit.core.errors import UserError
from riskaudit.stages import cases
from riskaudit.store import connect
from riskaudit.store.targets import upsert_target

RULES = """
version: 1
rules:
  - id: us_ncii_48h
    name: "Test rule: NCII within 48 hours"
    jurisdiction: US
    content_type: ncii
    deadline_hours: 48
    applies_to_kinds: [social, adult]
    source: "test citation"
    effective: 2026-05-19
"""


def add_scored(con, run_id, target_id, quotes, hours):
    con.execute("INSERT INTO scores (run_id, target_id, service, kind, rubric_version) VALUES (?, ?, ?, ?, 'v1')",
                [run_id, target_id, target_id.title(), "social"])
    con.execute("INSERT INTO element_results (run_id, target_id, element, category, met, hours, rubric_version) "
                "VALUES (?, ?, 'stated_response_time', 'T', ?, ?, 'v1')", [run_id, target_id, bool(hours), hours])
    for i, q in enumerate(quotes):
        con.execute("INSERT INTO evidence (run_id, target_id, element, ordinal, document, url, quote) "
                    "VALUES (?, ?, 'stated_response_time', ?, 'Terms', ?, ?)",
                    [run_id, target_id, i, f"https://{target_id}.example/terms", q])


def test_hours_come_from_the_one_duration_parser():
    assert [float(h) for h in timeparse.commitments("We remove reported images within 48 hours.")] == [48.0]
    assert rt.tag_commitments("within 2 business days or 36 hours, at most one week") == [
        (48.0, "general"), (36.0, "general"), (168.0, "general")]


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "rt.duckdb")
    upsert_target(c, "fastco", "FastCo", "social", ["US", "EU"])
    upsert_target(c, "slowco", "SlowCo", "social", ["us"])
    upsert_target(c, "genco", "GenCo", "adult", [])
    upsert_target(c, "quietco", "QuietCo", "social", ["US"])
    upsert_target(c, "hostco", "HostCo", "host", ["US"])
    add_scored(c, 1, "fastco", ["We remove non-consensual intimate images within 48 hours of a valid request. "
                                "DMCA notices are processed within 10 business days."], [48, 240])
    add_scored(c, 1, "slowco", ["Reports of intimate imagery are reviewed within 72 hours.",
                                "We respond to all other reports within 24 hours."], [72, 24])
    add_scored(c, 1, "genco", ["We aim to act on every report within 24 hours."], [24])
    add_scored(c, 1, "quietco", [], [])
    add_scored(c, 1, "hostco", ["Copyright complaints: within 2 days."], [48])
    yield c
    c.close()


@pytest.fixture
def rules_file(tmp_path):
    p = tmp_path / "rules.yaml"
    p.write_text(RULES, encoding="utf-8")
    return p


def test_channel_tagging_by_sentence():
    assert rt.tag_commitments("We remove non-consensual nude images within 48 hours. "
                              "We handle DMCA notices within 5 days.") == [(48.0, "ncii"), (120.0, "copyright")]
    assert rt.tag_commitments("Law enforcement requests are answered within 12 hours.") == [(12.0, "illegal_content")]
    assert rt.tag_commitments("We reply within one week.") == [(168.0, "general")]
    assert rt.tag_commitments("Intimate image reports, copyright notices: 24h") == [(24.0, "ncii"), (24.0, "copyright")]
    # no cue in the quote: the document's title decides, when it names one channel
    assert rt.tag_commitments("We review these reports within 48 hours.", "Report intimate images") == [(48.0, "ncii")]
    assert rt.tag_commitments("We review these reports within 48 hours.", "Terms of Service") == [(48.0, "general")]


def test_stated_times_rows(con):
    rows = cases.stated_times(con)
    fast = [(r["hours"], r["channel"]) for r in rows if r["target_id"] == "fastco"]
    assert fast == [(48, "ncii"), (240, "copyright")]
    slow = [(r["hours"], r["channel"]) for r in rows if r["target_id"] == "slowco"]
    assert slow == [(72, "ncii"), (24, "general")]
    r = next(r for r in rows if r["target_id"] == "genco")
    assert r["document"] == "Terms" and r["url"] == "https://genco.example/terms" and "every report" in r["quote"]
    assert set(rows[0]) == {"target_id", "hours", "channel", "quote", "document", "url"}


def test_stated_vs_legal_statuses(con, rules_file):
    found = {f["target_id"]: f for f in cases.stated_vs_legal(con, rules_path=rules_file, today="2026-06-01")}
    assert set(found) == {"fastco", "slowco", "genco", "quietco"}     # hostco: kind not covered
    assert found["fastco"]["status"] == "states_within_deadline" and found["fastco"]["basis"] == "ncii"
    assert found["fastco"]["stated_hours"] == 48 and "intimate images within 48 hours" in found["fastco"]["quote"]
    # a specific NCII time (72 h) wins over a shorter general one (24 h)
    assert found["slowco"]["status"] == "states_longer" and found["slowco"]["stated_hours"] == 72
    assert found["genco"]["status"] == "states_within_deadline" and found["genco"]["basis"] == "general"
    assert found["genco"]["jurisdiction_assumed"] is True and "assumed" in found["genco"]["finding"]
    assert "its general stated time" in found["genco"]["finding"]
    assert found["quietco"]["status"] == "states_no_time" and found["quietco"]["quote"] is None
    assert all(f["in_force"] for f in found.values())


def test_rule_not_yet_in_force(con, rules_file):
    f = next(f for f in cases.stated_vs_legal(con, rules_path=rules_file, today="2026-01-01") if f["target_id"] == "fastco")
    assert f["in_force"] is False and "Not yet in force (effective 2026-05-19)" in f["finding"]


def test_jurisdiction_not_listed_means_rule_does_not_apply(con, rules_file):
    con.execute("UPDATE targets SET jurisdictions = ['GB'] WHERE target_id = 'fastco'")
    ids = {f["target_id"] for f in cases.stated_vs_legal(con, rules_path=rules_file, today="2026-06-01")}
    assert "fastco" not in ids


def test_default_rules_file_is_valid_and_has_take_it_down():
    rules = {r["id"]: r for r in rt.load_rules()}
    tid = rules["us_take_it_down_48h"]
    assert tid["deadline_hours"] == 48 and tid["jurisdiction"] == "US" and tid["content_type"] == "ncii"
    assert tid["effective"].isoformat() == "2026-05-19" and "119-12" in tid["source"]


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.replace("    deadline_hours: 48\n", ""), "rule 1 (us_ncii_48h): missing deadline_hours"),
    (lambda t: t.replace("deadline_hours: 48", "deadline_hours: soon"), "deadline_hours 'soon' must be a positive number"),
    (lambda t: t.replace("content_type: ncii", "content_type: spam"), "content_type 'spam' not one of"),
    (lambda t: t.replace("[social, adult]", "[social, forum]"), "applies_to_kinds"),
    (lambda t: t.replace("effective: 2026-05-19", "effective: next year"), "effective 'next year' must be a date"),
    (lambda t: t + t.split("rules:\n")[1], "rule 2 (us_ncii_48h): duplicate id"),
    (lambda t: t.replace("rules:", "rulez:"), "expected a mapping with a `rules:` list"),
    (lambda t: t + "  - [oops\n", "not valid YAML"),
])
def test_rule_validation_errors_name_file_and_rule(tmp_path, edit, message):
    p = tmp_path / "bad.yaml"
    p.write_text(edit(RULES), encoding="utf-8")
    with pytest.raises(UserError) as info:
        rt.load_rules(p)
    assert str(p) in str(info.value) and message in str(info.value)


def test_no_scored_run_gives_no_rows(tmp_path):
    c = connect(tmp_path / "empty.duckdb")
    assert cases.stated_times(c) == [] and cases.stated_vs_legal(c) == []
    c.close()


def test_cli_stated(con, rules_file, tmp_path, capsys):
    con.close()
    db = str(tmp_path / "rt.duckdb")
    assert main(["cases", "stated", "--db", db, "--format", "json", "--rules", str(rules_file),
                 "--today", "2026-06-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {f["status"] for f in data["legal"]} == {"states_within_deadline", "states_longer", "states_no_time"}
    assert main(["cases", "stated", "--db", db, "--rules", str(rules_file)]) == 0
    assert "us_ncii_48h" in capsys.readouterr().out
