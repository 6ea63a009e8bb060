"""Import of an Open Terms Archive versions git repository: versions, dates, diffs, flips, idempotency, errors."""
from __future__ import annotations

import datetime as dt

import pytest

from riskaudit import store
from riskaudit.core.errors import UserError
from riskaudit.stages.history import list_changes, sync, timeline
from riskaudit.stages.imports import import_ota
from tests.support.changes_fixtures import DEEPFAKE, fake_score, make_ota_repo, write_kinds

pytestmark = pytest.mark.slow


@pytest.fixture()
def imported(tmp_path):
    repo = make_ota_repo(tmp_path)
    kinds = write_kinds(tmp_path)
    con = store.connect(tmp_path / "h.duckdb")
    result = import_ota(con, repo, kinds_path=kinds, score_fn=fake_score)
    yield con, repo, kinds, result
    con.close()


def test_every_version_is_a_dated_document(imported):
    con, _repo, _kinds, result = imported
    assert result["versions_inserted"] == 6 and result["versions_already_stored"] == 0
    assert result["services"] == ["Acme Social", "Pixel Forge"]
    rows = con.execute("SELECT target_id, name, fetched_at, source FROM documents ORDER BY fetched_at, target_id").fetchall()
    dates = [(t, n, f.astimezone(dt.timezone.utc).isoformat(), s) for t, n, f, s in rows]
    assert dates[0] == ("acme-social", "Terms of Service", "2026-01-10T09:00:00+00:00", "ota")
    assert ("acme-social", "Terms of Service", "2026-02-01T11:00:00+00:00", "ota") in dates      # committer date, UTC
    assert ("acme-social", "Terms of Service", "2026-05-21T01:30:00+00:00", "ota") in dates
    assert ("pixel-forge", "Terms of Use", "2026-04-01T10:00:00+00:00", "ota") in dates
    run = con.execute("SELECT kind, status FROM runs").fetchall()
    assert run == [("import-ota", "finished")]
    kinds = dict(con.execute("SELECT target_id, kind FROM targets").fetchall())
    assert kinds == {"acme-social": "social", "pixel-forge": "ai_tool"}
    versions = con.execute("SELECT target_id, seq, version_date, textual_change FROM document_versions "
                           "ORDER BY target_id, seq").fetchall()
    assert [(t, s, d.isoformat(), c) for t, s, d, c in versions] == [
        ("acme-social", 1, "2026-01-10", True), ("acme-social", 2, "2026-02-01", False),
        ("acme-social", 3, "2026-03-05", True), ("acme-social", 4, "2026-05-21", True),
        ("pixel-forge", 1, "2026-01-10", True), ("pixel-forge", 2, "2026-04-01", True)]


def test_changes_diffs_and_flips(imported):
    con = imported[0]
    changes = list_changes(con, score_fn=fake_score)
    summary = [(c["target_id"], c["date"], c["textual_change"]) for c in changes]
    assert summary == [("acme-social", "2026-02-01", False), ("acme-social", "2026-03-05", True),
                       ("pixel-forge", "2026-04-01", True), ("acme-social", "2026-05-21", True)]
    reformat, add, other, remove = changes
    # re-formatting only: no sentence change, nothing re-scored, nothing flipped
    assert reformat["added"] == [] and reformat["removed"] == [] and reformat["flips"] == []
    # the deepfake clause
    assert add["added"] == [DEEPFAKE] and add["removed"] == []
    assert add["flips"] == [{"element": "synthetic_intimate_covered", "from": False, "to": True, "quote": DEEPFAKE, "quote_in_change": True}]
    assert add["service"] == "Acme Social" and add["document"] == "Terms of Service"
    # another service only: its own flip, nothing for Acme
    assert other["added"] == ["Outputs carry an invisible watermark."]
    assert [f["element"] for f in other["flips"]] == ["provenance_marking"]
    # the clause disappears (and the 48-hour promise becomes 72 hours)
    assert set(remove["removed"]) == {DEEPFAKE, "We review reports within 48 hours."}
    assert remove["added"] == ["We review reports within 72 hours."]
    flips = {f["element"]: f for f in remove["flips"]}
    assert flips["synthetic_intimate_covered"] == {"element": "synthetic_intimate_covered", "from": True, "to": False,
                                                   "quote": DEEPFAKE, "quote_in_change": True}
    assert flips["ncii_removal_within_48h"]["quote"] == "We review reports within 48 hours."
    assert set(flips) == {"synthetic_intimate_covered", "ncii_removal_within_48h"}


def test_since_and_target_filters(imported):
    con = imported[0]
    assert [c["date"] for c in list_changes(con, score_fn=fake_score, since="2026-03-06")] == ["2026-04-01", "2026-05-21"]
    assert [c["date"] for c in list_changes(con, score_fn=fake_score, target_id="pixel-forge")] == ["2026-04-01"]
    with pytest.raises(UserError, match="--since"):
        list_changes(con, score_fn=fake_score, since="last tuesday")


def test_reimport_is_idempotent(imported, tmp_path):
    con, repo, kinds, _ = imported
    before = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    flips_before = con.execute("SELECT count(*) FROM element_flips").fetchone()[0]
    again = import_ota(con, repo, kinds_path=kinds, score_fn=fake_score)
    assert again["versions_inserted"] == 0 and again["versions_already_stored"] == 6
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == before
    assert con.execute("SELECT count(*) FROM element_flips").fetchone()[0] == flips_before == 4
    assert con.execute("SELECT count(*) FROM document_versions").fetchone()[0] == 6
    assert again["scoring"]["targets"] == 0                       # nothing new: nothing rebuilt
    # a forced rebuild reuses the cached scores of identical states (same scorer, same texts)
    forced = sync(con, force=True, score_fn=fake_score)
    assert forced["states_scored"] == 0 and forced["states_cached"] == 5   # the formatting-only version is never scored
    assert con.execute("SELECT count(*) FROM element_flips").fetchone()[0] == 4


def test_service_filter_and_unknown_service(tmp_path):
    repo = make_ota_repo(tmp_path)
    con = store.connect(tmp_path / "h.duckdb")
    result = import_ota(con, repo, services=["pixel forge"], default_kind="ai_tool", score_fn=fake_score)
    assert result["services"] == ["Pixel Forge"] and result["versions_inserted"] == 2
    with pytest.raises(UserError, match="no such service folder: Nope.*available: Acme Social, Pixel Forge"):
        import_ota(con, repo, services=["Nope"], default_kind="social")
    con.close()


def test_errors(tmp_path):
    con = store.connect(tmp_path / "h.duckdb")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(UserError, match="is not a git repository"):
        import_ota(con, plain)
    with pytest.raises(UserError, match="is not a folder"):
        import_ota(con, tmp_path / "missing")
    repo = make_ota_repo(tmp_path)
    with pytest.raises(UserError, match="no kind for 2 service.*Acme Social, Pixel Forge"):
        import_ota(con, repo)
    with pytest.raises(UserError, match="--default-kind 'forum' is not one of"):
        import_ota(con, repo, default_kind="forum")
    with pytest.raises(UserError, match="is inside the git repository .* but is not its top folder"):
        import_ota(con, repo / "Acme Social", default_kind="social")
    bad = tmp_path / "bad.csv"
    bad.write_text("service,kind\nAcme Social,forum\n")
    with pytest.raises(UserError, match=r"bad.csv:2: unknown kind 'forum'"):
        import_ota(con, repo, kinds_path=bad)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == 0
    con.close()


def test_timeline_shape(imported):
    con = imported[0]
    tl = timeline(con, "ACME social", score_fn=fake_score)
    assert tl["service"] == "Acme Social" and tl["target_id"] == "acme-social"
    syn = tl["elements"]["synthetic_intimate_covered"]
    assert [(i["met"], i["from"], i["to"]) for i in syn] == [
        (False, "2026-01-10", "2026-03-05"), (True, "2026-03-05", "2026-05-21"), (False, "2026-05-21", None)]
    assert syn[1]["evidence"] == [DEEPFAKE]
    ncii = tl["elements"]["ncii_prohibited"]
    assert [(i["met"], i["from"], i["to"]) for i in ncii] == [(True, "2026-01-10", None)]    # merged, still current
    for ivs in tl["elements"].values():
        assert ivs[0]["from"] == "2026-01-10" and ivs[-1]["to"] is None
        assert all(a["to"] == b["from"] for a, b in zip(ivs, ivs[1:]))
    assert tl["elements"]["provenance_marking"] == [{"met": None, "from": "2026-01-10", "to": None, "evidence": []}]
    assert [(c["date"], c["element"], c["from"], c["to"]) for c in tl["changes"]] == [
        ("2026-03-05", "synthetic_intimate_covered", False, True),
        ("2026-05-21", "ncii_removal_within_48h", True, False),
        ("2026-05-21", "synthetic_intimate_covered", True, False)]
    assert all(c["document"] == "Terms of Service" for c in tl["changes"])
    with pytest.raises(UserError, match="unknown service 'Nobody'.*Acme Social \\(acme-social\\), Pixel Forge"):
        timeline(con, "Nobody", score_fn=fake_score)


def test_parallel_scoring_gives_the_same_history(tmp_path):
    repo = make_ota_repo(tmp_path)
    kinds = write_kinds(tmp_path)
    results = []
    for workers in (1, 2):
        con = store.connect(tmp_path / f"w{workers}.duckdb")
        import_ota(con, repo, kinds_path=kinds, score_fn=fake_score, workers=workers)
        results.append(list_changes(con, score_fn=fake_score))
        con.close()
    assert results[0] == results[1] and sum(len(c["flips"]) for c in results[0]) == 4


def test_streamed_large_targets_give_the_same_history(tmp_path, monkeypatch):
    import riskaudit.stages.history as changes_mod
    repo = make_ota_repo(tmp_path)
    kinds = write_kinds(tmp_path)
    con = store.connect(tmp_path / "a.duckdb")
    import_ota(con, repo, kinds_path=kinds, score_fn=fake_score)
    materialised = list_changes(con, score_fn=fake_score)
    monkeypatch.setattr(changes_mod, "MATERIALISE_MAX_BYTES", 0)        # every target streams its texts
    assert not isinstance(changes_mod._observations(con, "acme-social"), list)
    sync(con, force=True, score_fn=fake_score, workers=2)
    assert list_changes(con, score_fn=fake_score) == materialised
    con.close()
