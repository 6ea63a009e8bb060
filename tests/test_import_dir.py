"""Import of a dated folder layout <Service>/<Document>/<YYYY-MM-DD>*.md."""
from __future__ import annotations

import pytest

from audits.versions import sentences
from riskaudit import store
from riskaudit.core.errors import UserError
from riskaudit.importers.dated_dir import order_same_day
from riskaudit.stages.history import list_changes, timeline
from riskaudit.stages.imports import import_dir
from tests.support.changes_fixtures import (
    ACME_V1,
    ACME_V2_REFORMAT,
    ACME_V3_DEEPFAKE,
    ACME_V4_REMOVED,
    DEEPFAKE,
    PIXEL_V1,
    PIXEL_V2,
    fake_score,
    write_kinds,
)


def write(root, rel, text):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")


@pytest.fixture()
def layout(tmp_path):
    root = tmp_path / "history"
    write(root, "Acme Social/Terms of Service/2026-01-10-aaaa.md", ACME_V1)
    write(root, "Acme Social/Terms of Service/2026-02-01-bbbb.md", ACME_V2_REFORMAT)
    write(root, "Acme Social/Terms of Service/2026-03-05.md", ACME_V3_DEEPFAKE)
    write(root, "Acme Social/Terms of Service/2026-05-20_v4.md", ACME_V4_REMOVED)
    write(root, "Pixel Forge/Terms of Use/2026-01-10-1111.md", PIXEL_V1)
    write(root, "Pixel Forge/Terms of Use/2026-04-01-2222.md", PIXEL_V2)
    write(root, "Pixel Forge/Terms of Use/notes.json", "{}")       # not a version file: ignored
    return root


def test_import_dir_versions_and_flips(layout, tmp_path):
    con = store.connect(tmp_path / "h.duckdb")
    result = import_dir(con, layout, kinds_path=write_kinds(tmp_path), score_fn=fake_score)
    assert result["versions_inserted"] == 6
    assert con.execute("SELECT DISTINCT source FROM documents").fetchall() == [("dir",)]
    changes = list_changes(con, score_fn=fake_score)
    assert [(c["target_id"], c["date"], c["textual_change"]) for c in changes] == [
        ("acme-social", "2026-02-01", False), ("acme-social", "2026-03-05", True),
        ("pixel-forge", "2026-04-01", True), ("acme-social", "2026-05-20", True)]
    assert changes[1]["flips"][0]["quote"] == DEEPFAKE
    tl = timeline(con, "acme-social", score_fn=fake_score)
    assert [(i["met"], i["from"], i["to"]) for i in tl["elements"]["synthetic_intimate_covered"]] == [
        (False, "2026-01-10", "2026-03-05"), (True, "2026-03-05", "2026-05-20"), (False, "2026-05-20", None)]
    again = import_dir(con, layout, kinds_path=write_kinds(tmp_path), score_fn=fake_score)
    assert again["versions_inserted"] == 0 and again["versions_already_stored"] == 6
    con.close()


def test_same_day_versions_end_of_day_state(tmp_path):
    """Two versions on one date: the one continuing towards the next date ends the day, whatever the names."""
    root = tmp_path / "history"
    write(root, "Acme Social/Terms of Service/2026-01-10.md", ACME_V1)
    write(root, "Acme Social/Terms of Service/2026-03-05-zzzz.md", ACME_V1 + "\nA draft sentence that was withdrawn.\n")
    write(root, "Acme Social/Terms of Service/2026-03-05-aaaa.md", ACME_V3_DEEPFAKE + "\nA later sentence.\n")
    write(root, "Acme Social/Terms of Service/2026-04-01.md", ACME_V3_DEEPFAKE + "\nA later sentence.\nAnother.\n")
    con = store.connect(tmp_path / "h.duckdb")
    import_dir(con, root, default_kind="social", score_fn=fake_score)
    changes = list_changes(con, score_fn=fake_score)
    first = changes[0]
    assert first["date"] == "2026-03-05" and first["versions"] == 2
    assert DEEPFAKE in first["added"] and "A draft sentence that was withdrawn." not in first["added"]
    assert [f["element"] for f in first["flips"]] == ["synthetic_intimate_covered"]
    con.close()


def test_order_same_day_prefers_low_churn():
    a, b, c = "One. Two.", "One. Two. Three.", "One. Two. Three. Four."
    ordered = order_same_day([("c", c), ("a", a), ("b", b)], set(sentences("One.")), None)
    assert [p for p, _ in ordered] == ["a", "b", "c"]


def test_bad_layouts(tmp_path):
    con = store.connect(tmp_path / "h.duckdb")
    root = tmp_path / "history"
    write(root, "Acme Social/Terms of Service/2026-13-45-x.md", ACME_V1)
    with pytest.raises(UserError, match=r"2026-13-45-x.md: '2026-13-45' is not a real date"):
        import_dir(con, root, default_kind="social")
    (root / "Acme Social/Terms of Service/2026-13-45-x.md").unlink()
    write(root, "Acme Social/Terms of Service/latest.md", ACME_V1)
    with pytest.raises(UserError, match=r"latest.md: file name must start with the version date"):
        import_dir(con, root, default_kind="social")
    (root / "Acme Social/Terms of Service/latest.md").unlink()
    write(root, "Acme Social/stray.md", ACME_V1)
    with pytest.raises(UserError, match=r"stray.md: expected a document folder"):
        import_dir(con, root, default_kind="social")
    with pytest.raises(UserError, match="is not a folder"):
        import_dir(con, tmp_path / "nowhere", default_kind="social")
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    con.close()
