"""The store's schema is applied by numbered migrations, once each; a database written by
riskaudit 0.1.0 (before migrations existed) is upgraded in place with its data."""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from riskaudit import cli
from riskaudit.core.errors import UserError
from riskaudit.stages.report import load_report_data
from riskaudit.stages.score import load_results
from riskaudit.store import connect, migration_files, pending_migrations

LEGACY = Path(__file__).parent / "fixtures" / "legacy" / "riskaudit-0.1.0.duckdb.gz"


@pytest.fixture
def legacy_db(tmp_path) -> Path:
    """A database written by riskaudit 0.1.0: the report-test store of two scored crawl runs,
    a three-case log and the derived history tables."""
    db = tmp_path / "old.duckdb"
    with gzip.open(LEGACY) as src, open(db, "wb") as dst:
        shutil.copyfileobj(src, dst)
    return db


def test_fresh_store_applies_every_migration_once(tmp_path):
    con = connect(tmp_path / "new.duckdb")
    applied = [v for (v,) in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert applied == [n for n, _name, _sql in migration_files()]
    assert pending_migrations(con) == []
    con.close()
    again = connect(tmp_path / "new.duckdb")       # re-opening applies nothing twice
    assert again.execute("SELECT count(*) FROM schema_migrations").fetchone()[0] == len(applied)
    again.close()


def test_a_0_1_0_database_upgrades_in_place_with_its_data(legacy_db):
    raw = duckdb.connect(str(legacy_db), read_only=True)
    old_cols = {c for (c,) in raw.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores'").fetchall()}
    old_scores = raw.execute("SELECT run_id, target_id, cat_p, cat_r, cat_t, cat_a FROM scores ORDER BY 1, 2").fetchall()
    old_cases = raw.execute("SELECT count(*) FROM cases").fetchone()[0]
    raw.close()
    assert {"cat_p", "cat_a"} <= old_cols and "schema_migrations" not in old_cols

    con = connect(legacy_db)
    versions = [v for (v,) in con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert versions == [n for n, _name, _sql in migration_files()]
    cols = {c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'scores'").fetchall()}
    assert "cat_p" not in cols                                   # category scores moved to a long table
    moved = {(r, t, c): s for r, t, c, s in con.execute(
        "SELECT run_id, target_id, category, score FROM category_scores").fetchall()}
    for run_id, tid, p, r_, t, a in old_scores:
        assert [moved[(run_id, tid, c)] for c in "PRTA"] == [p, r_, t, a]
    assert con.execute("SELECT count(*) FROM cases").fetchone()[0] == old_cases == 3
    results = load_results(con, 2)
    assert len(results) == 6 and all(set(r.categories) == {"P", "R", "T", "A"} for r in results)
    data = load_report_data(con, 2)
    assert data["services"] and data["response"]["observed"]["available"]
    con.close()


def test_read_only_commands_upgrade_a_writable_legacy_database(legacy_db, tmp_path, capsys):
    assert cli.main(["export", "--db", str(legacy_db), "--format", "json", "--out", str(tmp_path / "x.json")]) == 0
    assert (tmp_path / "x.json").read_text(encoding="utf-8").count('"service"') == 6


def test_a_file_that_is_not_a_database_is_one_line(tmp_path):
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a duckdb file at all\n" * 100)
    with pytest.raises(UserError, match=r"bad\.duckdb"):
        connect(bad)
