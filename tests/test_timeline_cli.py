"""The `changes`, `timeline`, `import-ota` and `import-dir` commands end to end (default engine)."""
from __future__ import annotations

import json

import pytest

from audits import rubric
from riskaudit.cli import main
from tests.support.changes_fixtures import DEEPFAKE, make_ota_repo, write_kinds

pytestmark = pytest.mark.slow


@pytest.fixture()
def db(tmp_path, capsys):
    repo = make_ota_repo(tmp_path)
    path = tmp_path / "h.duckdb"
    assert main(["import-ota", str(repo), "--db", str(path), "--kinds", str(write_kinds(tmp_path)), "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "2 services, 6 versions read, 6 new" in out
    return path


def test_changes_json_and_table(db, capsys):
    assert main(["changes", "--db", str(db), "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)
    assert [c["date"] for c in changes] == ["2026-02-01", "2026-03-05", "2026-04-01", "2026-05-21"]
    assert changes[1]["added"] == [DEEPFAKE]
    assert set(changes[0]) >= {"target_id", "service", "date", "document", "added", "removed", "flips"}
    assert main(["changes", "--db", str(db), "--since", "2026-05-01", "--target", "acme-social"]) == 0
    table = capsys.readouterr().out
    assert table.startswith("2026-05-21  Acme Social (acme-social)  Terms of Service")
    assert f"- {DEEPFAKE}" in table and "2026-02-01" not in table
    assert main(["changes", "--db", str(db), "--target", "acme-social", "--since", "2026-01-01"]) == 0
    assert "no textual change (formatting only" in capsys.readouterr().out


def test_timeline_json_shape(db, capsys):
    assert main(["timeline", "--db", str(db), "--service", "pixel forge", "--format", "json"]) == 0
    tl = json.loads(capsys.readouterr().out)
    assert tl["service"] == "Pixel Forge" and set(tl) >= {"service", "elements", "changes"}
    assert list(tl["elements"]) == list(rubric.ELEMENT_IDS)
    for ivs in tl["elements"].values():
        assert ivs[0]["from"] == "2026-01-10" and ivs[-1]["to"] is None
        assert all(set(i) == {"met", "from", "to", "evidence"} for i in ivs)
    for c in tl["changes"]:
        assert set(c) == {"date", "document", "element", "from", "to", "quote", "quote_in_change"}
    assert main(["timeline", "--db", str(db), "--service", "Acme Social"]) == 0
    assert "synthetic_intimate_covered" in capsys.readouterr().out


def test_user_errors_exit_2(db, tmp_path, capsys):
    assert main(["timeline", "--db", str(db), "--service", "Nobody"]) == 2
    assert "unknown service 'Nobody'; known services: Acme Social (acme-social)" in capsys.readouterr().err
    assert main(["changes", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["changes", "--db", str(db), "--target", "nobody"]) == 2
    assert "unknown target 'nobody'" in capsys.readouterr().err
    assert main(["changes", "--db", str(db), "--since", "yesterday"]) == 2
    assert "--since 'yesterday' is not a date" in capsys.readouterr().err
    assert main(["import-ota", str(tmp_path), "--db", str(db)]) == 2
    assert "is not a git repository" in capsys.readouterr().err
    bad = tmp_path / "hist" / "Acme" / "Terms"
    bad.mkdir(parents=True)
    (bad / "2026-02-30.md").write_text("Text.")
    assert main(["import-dir", str(tmp_path / "hist"), "--db", str(db), "--default-kind", "social"]) == 2
    assert "2026-02-30.md: '2026-02-30' is not a real date" in capsys.readouterr().err
