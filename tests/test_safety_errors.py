"""Issue 9, item 5: one-line errors instead of tracebacks (corrupted databases, huge case-log fields,
non-UTF-8 names in an imported git history, impossible UTC offsets)."""
from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from audits.survival import parse_as_of
from riskaudit import cli, store
from riskaudit.core.errors import UserError
from riskaudit.importers.cases import import_cases_csv
from riskaudit.stages.imports import import_ota
from tests.support import store_fixture as fixture
from tests.support.changes_fixtures import HISTORY, fake_score, git, make_ota_repo, write_kinds

COMMANDS = [
    ["score"], ["report", "--out", "{tmp}/report"], ["export", "--format", "csv", "--out", "-"],
    ["explain", "--target", "pixelboard"], ["changes"], ["timeline", "--service", "pixelboard"],
    ["cases", "summary"], ["cases", "stated"],
]


@pytest.fixture(scope="module")
def good_db(tmp_path_factory) -> Path:
    return fixture.build_fixture_db(tmp_path_factory.mktemp("good") / "good.duckdb")


def _damaged(good: Path, tmp: Path, how: str) -> Path:
    data = good.read_bytes()
    if how == "truncated":
        data = data[: len(data) // 3]
    elif how == "garbage":
        data = bytes((i * 151 + 7) % 256 for i in range(len(data)))
    else:   # corrupted in the middle: the header and the start stay valid
        mid = len(data) // 2
        data = data[:mid] + b"\xa5" * 65536 + data[mid + 65536:]
    path = tmp / f"{how}.duckdb"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("how", ["truncated", "garbage", "middle"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_damaged_database_gives_one_line(good_db, tmp_path, capsys, how, command):
    db = _damaged(good_db, tmp_path, how)
    argv = [a.replace("{tmp}", str(tmp_path)) for a in command] + ["--db", str(db)]
    rc = cli.main(argv)           # a traceback here fails the test
    err = capsys.readouterr().err.strip().splitlines()
    if how == "middle" and rc == 0:
        return                    # this command never read the damaged blocks
    assert rc == 2, err
    assert len(err) == 1 and "error:" in err[0] and str(db) in err[0], err


def test_failure_message_leaves_programming_errors_alone():
    import duckdb
    assert store.failure_message(duckdb.CatalogException("Table x does not exist"), "a.duckdb") is None
    assert store.failure_message(ValueError("x"), "a.duckdb") is None
    msg = store.failure_message(duckdb.IOException("No space left on device"), "a.duckdb")
    assert msg == "database a.duckdb: No space left on device"


# ---------------------------------------------------------------- case logs

HEADER = ["case_id", "target", "channel", "submitted_at", "acknowledged_at", "removed_at", "closed_at",
          "outcome", "jurisdiction", "content_url"]


def _log(path: Path, rows: list[list[str]], header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, *rows])
    return path


def _row(i: int, **kw) -> list[str]:
    r = dict(case_id=f"C{i}", target="pixelboard", channel="ncii_form", submitted_at="2026-03-01T10:00:00Z",
             acknowledged_at="", removed_at="2026-03-02T10:00:00Z", closed_at="", outcome="removed",
             jurisdiction="GB", content_url=f"https://example.test/{i}")
    r.update(kw)
    return [r[c] for c in HEADER]


def test_huge_field_in_a_bad_row_is_reported_by_line(good_db, tmp_path):
    db = shutil.copy(good_db, tmp_path / "a.duckdb")
    huge = "https://example.test/" + "x" * 300_000
    log = _log(tmp_path / "cases.csv", [_row(1), _row(2, content_url=huge, outcome="lost")])
    with pytest.raises(UserError) as info:
        import_cases_csv(db, log)
    assert "line 3: unknown outcome 'lost'" in str(info.value)


def test_huge_header_field_is_one_line(good_db, tmp_path, capsys):
    db = shutil.copy(good_db, tmp_path / "a.duckdb")
    log = _log(tmp_path / "cases.csv", [_row(1)], header=HEADER[:-1] + ["content_url" + "y" * 200_000])
    assert cli.main(["cases", "import", "--db", str(db), str(log)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cases.csv: line 1" in err[0]


@pytest.mark.parametrize("offset", ["+25:00", "+23:00", "-15:00", "+14:30", "+05:60", "+0599"])
def test_impossible_utc_offsets_are_refused(good_db, tmp_path, offset):
    db = shutil.copy(good_db, tmp_path / "a.duckdb")
    log = _log(tmp_path / "cases.csv", [_row(1), _row(2, submitted_at=f"2026-03-01T10:00:00{offset}")])
    with pytest.raises(UserError) as info:
        import_cases_csv(db, log)
    assert "line 3: submitted_at" in str(info.value) and "out of range" in str(info.value)


@pytest.mark.parametrize("offset,utc_hour", [("+14:00", 20), ("-12:00", 22), ("+05:45", 4), ("+0530", 4), ("-03", 13)])
def test_real_utc_offsets_are_accepted(good_db, tmp_path, offset, utc_hour):
    db = shutil.copy(good_db, tmp_path / "a.duckdb")
    log = _log(tmp_path / "cases.csv", [_row(1, submitted_at=f"2026-03-01T10:00:00{offset}",
                                              removed_at="2026-03-04T10:00:00Z")])
    assert import_cases_csv(db, log) == 1
    con = store.connect(db)
    try:
        con.execute("SET TimeZone = 'UTC'")
        (submitted,) = con.execute("SELECT submitted_at FROM cases WHERE case_id = 'C1'").fetchone()
    finally:
        con.close()
    assert submitted.astimezone(dt.timezone.utc).hour == utc_hour % 24


@pytest.mark.parametrize("value", ["2026-06-30T00:00:00+23:00", "2026-06-30T00:00:00-14:01", "2026-06-30T00:00+15:00"])
def test_as_of_with_impossible_offset_is_refused(value):
    with pytest.raises(UserError, match="out of range"):
        parse_as_of(value)


def test_as_of_with_real_offset_is_accepted():
    assert parse_as_of("2026-06-30T00:00:00+14:00") == dt.datetime(2026, 6, 29, 10, tzinfo=dt.timezone.utc)


# ---------------------------------------------------------------- git history with a non-UTF-8 name

def test_non_utf8_file_name_does_not_block_the_archive(tmp_path, capsys):
    repo = make_ota_repo(tmp_path, HISTORY[:2])
    bad = os.fsencode(repo) + b"/Acme Social/Conditions g\xe9n\xe9rales.md"
    with open(bad, "wb") as fh:
        fh.write(b"Do not share intimate images of another person without their consent.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "latin-1 name", date="2026-03-01T10:00:00+00:00")
    kinds = write_kinds(tmp_path)
    con = store.connect(tmp_path / "h.duckdb")
    try:
        result = import_ota(con, repo, kinds_path=kinds, score_fn=fake_score)
        names = [r[0] for r in con.execute("SELECT DISTINCT name FROM documents ORDER BY 1").fetchall()]
    finally:
        con.close()
    assert names == ["Terms of Service", "Terms of Use"]
    assert result["skipped_names"] == ["Acme Social/Conditions g\\xe9n\\xe9rales.md"]
    from riskaudit.cli.commands.import_ota import report
    report(result)
    err = capsys.readouterr().err
    assert "warning: skipped Acme Social/Conditions g\\xe9n\\xe9rales.md: the file name is not UTF-8" in err
