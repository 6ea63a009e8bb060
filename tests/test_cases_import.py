"""Case-log import: validation of every bad-input case (with CSV line numbers), nothing
half-imported, --replace, URL hashing with a per-database salt that never leaves the DB."""
from __future__ import annotations

import hashlib
import json

import pytest

from audits.survival import flat_rows
from riskaudit.cli import main
from riskaudit.core.errors import UserError
from riskaudit.importers.cases import COLUMNS, import_cases_csv
from riskaudit.stages.cases import summarize
from riskaudit.store import connect
from riskaudit.store.cases import has_cases, url_salt
from riskaudit.store.targets import upsert_target

HEADER = ",".join(COLUMNS)
GOOD = [
    "a1,alpha,ncii_form,2026-03-01T10:00:00Z,2026-03-01T11:00:00Z,2026-03-02T10:00:00+02:00,,removed,US,https://example.invalid/a1",
    "a2,Alpha Social,copyright,2026-03-01T10:00:00-05:00,,,,pending,,",
    "b1,beta,email,2026-03-01 10:00+0530,,,2026-03-05T00:00:00Z,refused,DE,https://example.invalid/b1",
]


@pytest.fixture
def con(tmp_path):
    c = connect(tmp_path / "t.duckdb")
    upsert_target(c, "alpha", "Alpha Social", "social", ["US"])
    upsert_target(c, "beta", "Beta Host", "host", [])
    yield c
    c.close()


def write(tmp_path, rows, name="log.csv", header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header] + rows) + "\n", encoding="utf-8")
    return path


def errors_of(con, path, **kw) -> str:
    with pytest.raises(UserError) as info:
        import_cases_csv(con, path, **kw)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 0   # nothing half-imported
    return str(info.value)


def test_good_file_imports_all_rows_and_normalises_times(con, tmp_path):
    assert not has_cases(con)
    assert import_cases_csv(con, write(tmp_path, GOOD)) == 3
    assert has_cases(con)
    rows = dict(con.execute("SELECT case_id, target_id FROM cases").fetchall())
    assert rows == {"a1": "alpha", "a2": "alpha", "b1": "beta"}   # name resolved case-insensitively
    # +02:00, -05:00 and +0530 offsets converted to UTC
    got = con.execute("SELECT case_id, strftime(removed_at, '%Y-%m-%d %H:%M'), strftime(submitted_at, '%H:%M') "
                      "FROM cases ORDER BY case_id").fetchall()
    assert got == [("a1", "2026-03-02 08:00", "10:00"), ("a2", None, "15:00"), ("b1", None, "04:30")]


@pytest.mark.parametrize("row, line_msg", [
    ("x1,nobody,ncii_form,2026-03-01T10:00:00Z,,,,pending,,", "line 3: unknown target 'nobody'"),
    ("x1,alpha,fax,2026-03-01T10:00:00Z,,,,pending,,", "line 3: unknown channel 'fax'"),
    ("x1,alpha,email,2026-03-01T10:00:00Z,,,,lost,,", "line 3: unknown outcome 'lost'"),
    ("x1,alpha,email,2026-03-01T10:00:00,,,,pending,,", "line 3: submitted_at '2026-03-01T10:00:00' has no UTC offset"),
    ("x1,alpha,email,2026-03-01,,,,pending,,", "line 3: submitted_at '2026-03-01' has no UTC offset"),
    ("x1,alpha,email,01/03/2026 10:00,,,,pending,,", "line 3: submitted_at '01/03/2026 10:00' is not an ISO 8601 time"),
    ("x1,alpha,email,2026-02-30T10:00:00Z,,,,pending,,", "line 3: submitted_at '2026-02-30T10:00:00Z' is not an ISO 8601"),
    ("x1,alpha,email,,,,,pending,,", "line 3: submitted_at is empty"),
    ("x1,alpha,email,2026-03-01T10:00:00Z,,2026-03-01T09:00:00Z,,removed,,", "line 3: removed_at is before submitted_at"),
    ("x1,alpha,email,2026-03-01T10:00:00Z,2026-03-01T11:00:00+02:00,,,pending,,", "line 3: acknowledged_at is before submitted_at"),
    ("x1,alpha,email,2026-03-01T10:00:00Z,,,2026-02-01T00:00:00Z,refused,,", "line 3: closed_at is before submitted_at"),
    ("x1,alpha,email,2026-03-01T10:00:00Z,,,,removed,,", "line 3: outcome is removed but removed_at is empty"),
    ("x1,alpha,email,2026-03-01T10:00:00Z,,2026-03-02T10:00:00Z,,refused,,", "line 3: removed_at is set but outcome is refused"),
    ("x1,alpha,email,2026-03-01T10:00:00Z,,,2026-03-02T10:00:00Z,pending,,", "line 3: outcome is pending but closed_at is set"),
    (",alpha,email,2026-03-01T10:00:00Z,,,,pending,,", "line 3: case_id is empty"),
    ("a1,alpha,email,2026-03-01T10:00:00Z,,,,pending,,", "line 3: duplicate case_id 'a1' (first on line 2)"),
])
def test_each_bad_row_is_reported_with_its_line(con, tmp_path, row, line_msg):
    path = write(tmp_path, [GOOD[0], row])
    msg = errors_of(con, path)
    assert str(path) in msg and "nothing imported" in msg
    assert line_msg in msg
    assert "line 2" not in msg.replace("first on line 2", "")  # the good row is not reported


def test_all_bad_rows_listed_up_to_a_cap(con, tmp_path):
    rows = [f"z{i},nobody,email,2026-03-01T10:00:00Z,,,,pending,," for i in range(25)]
    msg = errors_of(con, write(tmp_path, [GOOD[0]] + rows))
    assert "25 invalid row(s) of 26" in msg
    assert "line 3: unknown target" in msg and "line 22: unknown target" in msg
    assert "line 23:" not in msg and "... and 5 more" in msg


def test_line_numbers_follow_quoted_newlines_and_blank_lines(con, tmp_path):
    rows = ['q1,alpha,email,2026-03-01T10:00:00Z,,,,pending,"multi\nline",', "",
            "q2,nobody,email,2026-03-01T10:00:00Z,,,,pending,,"]
    msg = errors_of(con, write(tmp_path, rows))
    assert "line 5: unknown target 'nobody'" in msg


def test_header_problems(con, tmp_path):
    missing = ",".join(c for c in COLUMNS if c != "outcome")
    msg = errors_of(con, write(tmp_path, [], header=missing))
    assert "line 1 (header): missing column(s) outcome" in msg
    msg = errors_of(con, write(tmp_path, [], header=HEADER + ",notes"))
    assert "unexpected column(s) 'notes'" in msg


def test_rows_with_wrong_field_count(con, tmp_path):
    msg = errors_of(con, write(tmp_path, [GOOD[0], "y1,alpha,email", GOOD[1] + ",extra"]))
    assert "line 3:" in msg and "line 4:" in msg and "2 malformed row(s)" in msg


def test_missing_and_empty_files(con, tmp_path):
    with pytest.raises(UserError, match="not found"):
        import_cases_csv(con, tmp_path / "nope.csv")
    with pytest.raises(UserError, match="no cases after the header"):
        import_cases_csv(con, write(tmp_path, []))


def test_ambiguous_display_name(con, tmp_path):
    upsert_target(con, "alpha2", "alpha social", "social", [])
    msg = errors_of(con, write(tmp_path, ["m1,ALPHA SOCIAL,email,2026-03-01T10:00:00Z,,,,pending,,"]))
    assert "matches several targets (alpha, alpha2): use the registry id" in msg


def test_reimport_rejected_unless_replace(con, tmp_path):
    path = write(tmp_path, GOOD)
    import_cases_csv(con, path)
    with pytest.raises(UserError) as info:
        import_cases_csv(con, path)
    assert "line 2: case_id 'a1' is already in the database (use --replace" in str(info.value)
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 3
    changed = [GOOD[0], GOOD[1].replace("pending", "refused").replace(",,,,refused", ",,,2026-03-09T00:00:00Z,refused"), GOOD[2]]
    assert import_cases_csv(con, write(tmp_path, changed, "v2.csv"), replace=True) == 3
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == 3
    assert con.execute("SELECT outcome FROM cases WHERE case_id = 'a2'").fetchone()[0] == "refused"


def test_urls_hashed_with_db_salt_that_is_never_exported(con, tmp_path):
    import_cases_csv(con, write(tmp_path, GOOD))
    salt = url_salt(con)
    assert len(salt) == 32
    stored = con.execute("SELECT content_url, content_url_hash FROM cases WHERE case_id = 'a1'").fetchone()
    assert stored[0] is None
    assert stored[1] == hashlib.sha256((salt + "https://example.invalid/a1").encode()).hexdigest()
    # stable: same salt and hash after --replace and after reopening the database
    import_cases_csv(con, write(tmp_path, GOOD), replace=True)
    assert url_salt(con) == salt
    assert con.execute("SELECT content_url_hash FROM cases WHERE case_id = 'a1'").fetchone()[0] == stored[1]
    # no export carries the salt (nor the clear URL)
    summary = summarize(con, as_of="2026-04-01T00:00:00Z")
    text = json.dumps(summary) + json.dumps(flat_rows(summary))
    assert salt not in text and "example.invalid" not in text
    # another database gets another salt
    other = connect(tmp_path / "other.duckdb")
    assert url_salt(other) != salt
    other.close()


def test_keep_urls_stores_clear_url(con, tmp_path):
    import_cases_csv(con, write(tmp_path, GOOD), keep_urls=True)
    assert con.execute("SELECT content_url FROM cases WHERE case_id = 'b1'").fetchone()[0] == "https://example.invalid/b1"
    assert con.execute("SELECT count(*) FROM cases WHERE content_url_hash IS NULL").fetchone()[0] == 1  # a2: no URL


def test_cli_import_and_error_exit_code(tmp_path, capsys):
    db = tmp_path / "cli.duckdb"
    c = connect(db)
    upsert_target(c, "alpha", "Alpha Social", "social", ["US"])
    upsert_target(c, "beta", "Beta Host", "host", [])
    c.close()
    path = write(tmp_path, GOOD)
    assert main(["cases", "import", str(path), "--db", str(db)]) == 0
    assert "imported 3 cases" in capsys.readouterr().out
    assert main(["cases", "import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("riskaudit cases: error: ") and "already in the database" in err
    assert main(["cases", "import", str(path), "--db", str(db), "--replace"]) == 0


def test_demo_case_log_imports(tmp_path):
    from importlib import resources

    from riskaudit.demo import make_cases
    c = connect(tmp_path / "demo.duckdb")
    for tid, kind in [("chirply", "social"), ("pixelpost", "social"), ("threadhub", "social"),
                      ("lumencams", "adult"), ("sparkmatch", "dating"), ("boxcloud", "host")]:
        upsert_target(c, tid, tid.title(), kind, ["US"])
    csv_path = resources.files("riskaudit") / "demo" / "cases.csv"
    # the committed CSV is what the generator writes
    lines = csv_path.read_text(encoding="utf-8").splitlines()
    assert lines[1].split(",")[0] == make_cases.generate()[0]["case_id"]
    assert len(lines) - 1 == len(make_cases.generate())
    assert import_cases_csv(c, csv_path) == len(lines) - 1
    groups = {(g["target"], g["channel"]): g for g in summarize(c, as_of=make_cases.DEMO_AS_OF)["groups"]}
    assert groups[("pixelpost", "copyright")]["within_48h"] > 0.8
    assert groups[("pixelpost", "ncii_form")]["within_48h"] < 0.2
    assert groups[("pixelpost", "all")]["logrank_p"] < 0.05
    c.close()
