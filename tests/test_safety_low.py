"""Issue 9, item 6: symlinks out of the given folder, Markdown autolinks and bidi controls in
summary.md, terminal escapes in CLI output and errors, read-only databases."""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import duckdb
import pytest

from reports.brief import md
from reports.build import build_report
from riskaudit import cli, store
from tests.support import store_fixture as fixture
from tests.support.changes_fixtures import ACME_V1, fake_score

POLICY = "Do not share intimate images of another person without their consent.\n"
SECRET = "TOP SECRET: this file lives outside the corpus and must never be read.\n"


# ---------------------------------------------------------------- symlinks

@pytest.fixture()
def outside(tmp_path) -> Path:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "secret.md").write_text(SECRET, encoding="utf-8")
    return secret


def test_score_files_skips_links_out_of_the_folder(tmp_path, outside, capsys):
    root = tmp_path / "corpus"
    (root / "Acme").mkdir(parents=True)
    (root / "Acme" / "Terms.md").write_text(POLICY, encoding="utf-8")
    (root / "Acme" / "Leak.md").symlink_to(outside / "secret.md")
    (root / "Acme" / "Inside.md").symlink_to(root / "Acme" / "Terms.md")     # inside the root: followed
    (root / "Stolen").symlink_to(outside, target_is_directory=True)
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("service,kind\nAcme,social\nStolen,social\n", encoding="utf-8")
    out = tmp_path / "scores.csv"
    assert cli.main(["score-files", str(root), "--kinds", str(kinds), "--format", "csv", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "TOP SECRET" not in text and "Stolen" not in text and "Leak.md" not in text
    assert "Inside.md" in text
    err = capsys.readouterr().err
    assert f"warning: skipped {root / 'Acme' / 'Leak.md'}: a symbolic link to {outside / 'secret.md'}" in err
    assert f"warning: skipped {root / 'Stolen'}" in err


def test_import_dir_skips_links_out_of_the_folder(tmp_path, outside, capsys):
    root = tmp_path / "layout"
    (root / "Acme" / "Terms").mkdir(parents=True)
    (root / "Acme" / "Terms" / "2026-01-01.md").write_text(ACME_V1, encoding="utf-8")
    (root / "Acme" / "Terms" / "2026-02-01.md").symlink_to(outside / "secret.md")
    (outside / "Policy").mkdir()
    (outside / "Policy" / "2026-01-05.md").write_text(SECRET, encoding="utf-8")
    (root / "Acme" / "Policy").symlink_to(outside / "Policy", target_is_directory=True)
    from riskaudit.stages.imports import import_dir
    con = store.connect(tmp_path / "h.duckdb")
    try:
        result = import_dir(con, root, default_kind="social", score_fn=fake_score)
        texts = [r[0] for r in con.execute("SELECT text FROM documents").fetchall()]
    finally:
        con.close()
    assert texts and not any("TOP SECRET" in t for t in texts)
    assert sorted(result["skipped_links"]) == sorted([str(root / "Acme" / "Policy"),
                                                      str(root / "Acme" / "Terms" / "2026-02-01.md")])
    from riskaudit.cli.commands.import_ota import report
    report(result)
    assert "a symbolic link out of the imported folder" in capsys.readouterr().err


# ---------------------------------------------------------------- Markdown

BIDI = "\u202e\u2066\u200f"


def test_md_breaks_autolinks_and_strips_bidi():
    out = md(f"Evil{BIDI} see https://evil.example/login?x=1 or www.evil.example, mail bob@evil.example")
    assert not any(ch in out for ch in BIDI)
    # each linkable thing is inside a code span; nothing linkable is left outside one
    outside_code = re.sub(r"(`+).*?\1", "", out)
    assert not re.search(r"https?:|www\.|@", outside_code)
    assert "`https://evil.example/login?x=1`" in out and "`www.evil.example,`" in out
    assert md("x `` https://a.example/` y") .count("https://a.example/`") == 1


def test_summary_md_neutralises_hostile_service_names(tmp_path):
    db = fixture.build_fixture_db(tmp_path / "a.duckdb")
    hostile = f"Evil{BIDI}Corp https://phish.example/login [click](https://phish.example) www.phish.example"
    con = duckdb.connect(str(db))
    con.execute("UPDATE targets SET name = ? WHERE target_id = 'hostile'", [hostile])
    con.close()
    build_report(str(db), str(tmp_path / "out"))
    brief = (tmp_path / "out" / "summary.md").read_text(encoding="utf-8")
    assert "EvilCorp" in brief and not any(ch in brief for ch in BIDI)
    outside_code = re.sub(r"(`+).*?\1", "", brief)
    assert "phish.example" not in outside_code
    assert "](https://phish" not in outside_code


# ---------------------------------------------------------------- terminal escapes

ESC = "\x1b]0;owned\x07\x1b[2J"


def test_user_error_messages_are_terminal_safe(tmp_path, capsys):
    root = tmp_path / "corpus"
    (root / ("Evil" + ESC)).mkdir(parents=True)          # a folder name from an untrusted corpus
    (root / ("Evil" + ESC) / "Terms.md").write_text(POLICY, encoding="utf-8")
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("service,kind\nSomeone else,social\n", encoding="utf-8")
    assert cli.main(["score-files", str(root), "--kinds", str(kinds)]) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "Evil\\x1b]0;owned\\x07" in err


def test_timeline_and_changes_escape_service_names(tmp_path, capsys):
    from riskaudit.stages.imports import import_dir
    root = tmp_path / "layout"
    name = "Acme" + ESC
    (root / name / "Terms").mkdir(parents=True)
    (root / name / "Terms" / "2026-01-01.md").write_text(ACME_V1, encoding="utf-8")
    (root / name / "Terms" / "2026-02-01.md").write_text(ACME_V1 + "We remove deepfakes.\n", encoding="utf-8")
    db = tmp_path / "h.duckdb"
    con = store.connect(db)
    try:
        import_dir(con, root, default_kind="social", score_fn=fake_score)
        (tid,) = con.execute("SELECT target_id FROM targets").fetchone()
    finally:
        con.close()
    assert cli.main(["timeline", "--db", str(db), "--service", tid]) == 0
    assert cli.main(["changes", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "Acme\\x1b]0;owned" in out


# ---------------------------------------------------------------- read-only databases

READ_COMMANDS = [["report", "--out", "{tmp}/report"], ["export", "--format", "csv", "--out", "-"],
                 ["explain", "--target", "pixelboard"], ["changes"], ["timeline", "--service", "pixelboard"],
                 ["cases", "summary"], ["cases", "stated"]]


@pytest.fixture(scope="module")
def ro_db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ro")
    db = fixture.build_fixture_db(folder / "audit.duckdb")
    os.chmod(db, 0o444)
    yield db
    os.chmod(db, 0o644)


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_read_only_database_serves_read_only_commands(ro_db, tmp_path, capsys, command):
    before = hashlib.sha256(ro_db.read_bytes()).hexdigest()
    argv = [a.replace("{tmp}", str(tmp_path)) for a in command] + ["--db", str(ro_db)]
    assert cli.main(argv) == 0, capsys.readouterr().err
    assert hashlib.sha256(ro_db.read_bytes()).hexdigest() == before      # not written, even by root
    assert not Path(str(ro_db) + ".wal").exists()


def test_read_only_database_needing_an_upgrade_is_one_line(tmp_path, capsys):
    db = fixture.build_fixture_db(tmp_path / "old.duckdb")
    con = duckdb.connect(str(db))
    con.execute("DELETE FROM schema_migrations WHERE version = 5")
    con.close()
    os.chmod(db, 0o444)
    try:
        assert cli.main(["report", "--db", str(db), "--out", str(tmp_path / "r")]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and "read-only" in err[0] and "chmod u+w" in err[0]
    finally:
        os.chmod(db, 0o644)


def test_is_read_only_uses_mode_bits(tmp_path):
    f = tmp_path / "x.duckdb"
    f.write_bytes(b"")
    assert not store.is_read_only(f)
    os.chmod(f, 0o444)
    assert store.is_read_only(f)
    os.chmod(f, 0o644)
    os.chmod(tmp_path, 0o555)
    try:
        assert store.is_read_only(f)           # DuckDB could not create its .wal next to it
    finally:
        os.chmod(tmp_path, 0o755)
