"""score-files CLI (JSON/CSV, kinds.csv validation) and the score → export → explain round trip on a small DuckDB."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from audits.rubric import ELEMENT_IDS, RUBRIC_VERSION
from riskaudit import store
from riskaudit.cli import main
from tests.support.audit_store import build_audit_store

FIX = Path(__file__).parent / "fixtures" / "audit"


def run_cli(argv, capsys):
    code = main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_score_files_json_shape_and_determinism(tmp_path, capsys):
    outs = []
    for name in ("a.json", "b.json"):
        code, _, err = run_cli(["score-files", str(FIX / "corpus"), "--kinds", str(FIX / "kinds.csv"),
                                "--format", "json", "--out", str(tmp_path / name)], capsys)
        assert code == 0, err
        outs.append(json.loads((tmp_path / name).read_text()))
    a, b = outs
    a.pop("generated_at"), b.pop("generated_at")
    assert a == b
    assert a["rubric_version"] == RUBRIC_VERSION
    assert [t["id"] for t in a["targets"]] == ["example-gen", "example-social"]
    social = a["targets"][1]
    assert social["service"] == "Example Social" and social["kind"] == "social"
    assert set(social["elements"]) == set(ELEMENT_IDS)
    assert social["elements"]["provenance_marking"] == {"met": None, "evidence": []}
    assert social["categories"]["A"] is None
    srt = social["elements"]["stated_response_time"]
    assert srt["met"] is True and srt["hours"] == [24]
    texts = {p.name: p.read_text() for p in (FIX / "corpus" / "Example Social").iterdir()}
    for el, v in social["elements"].items():
        for ev in v["evidence"]:
            assert ev["quote"] in texts[ev["document"]], (el, ev)
    for el in ("ncii_prohibited", "sextortion_prohibited", "creation_or_solicitation_prohibited", "synthetic_intimate_covered",
               "csam_prohibited", "synthetic_csam_covered", "csam_reported_to_authorities", "general_reporting_channel",
               "ncii_reporting_channel", "non_user_reporting", "abuse_contact_published", "copyright_takedown_channel",
               "appeal_available", "hash_matching", "transparency_reporting"):
        assert social["elements"][el]["met"] is True, el
    gen = a["targets"][0]
    assert gen["elements"]["provenance_marking"]["met"] is True
    assert gen["elements"]["sexual_content_safeguards"]["met"] is True
    assert gen["elements"]["synthetic_csam_covered"]["met"] is True


def test_score_files_csv_to_stdout(capsys):
    code, out, err = run_cli(["score-files", str(FIX / "corpus"), "--kinds", str(FIX / "kinds.csv"), "--format", "csv"], capsys)
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["id"] for r in rows} == {"example-gen", "example-social"}
    ncii = [r for r in rows if r["id"] == "example-social" and r["element"] == "ncii_prohibited"]
    assert ncii[0]["met"] == "true" and ncii[0]["quote"]
    prov = [r for r in rows if r["id"] == "example-social" and r["element"] == "provenance_marking"]
    assert prov[0]["met"] == "" and prov[0]["quote"] == ""


@pytest.mark.parametrize("content,message", [
    ("name,type\nExample Social,social\n", ":1: missing header"),
    ("service,kind\nExample Social,social\nExample Gen,robot\n", ":3: unknown kind 'robot'"),
    ("service,kind\nExample Social,social\n", "has no kind in"),
    ("service,kind\nExample Social\n", ":2: expected 'service,kind'"),
])
def test_score_files_bad_kinds(tmp_path, capsys, content, message):
    kinds = tmp_path / "kinds.csv"
    kinds.write_text(content)
    code, out, err = run_cli(["score-files", str(FIX / "corpus"), "--kinds", str(kinds)], capsys)
    assert code == 2
    assert message in err and "Traceback" not in err
    assert str(kinds) in err or "Example Gen" in err


def test_score_files_missing_dir(tmp_path, capsys):
    code, _, err = run_cli(["score-files", str(tmp_path / "nope"), "--kinds", str(FIX / "kinds.csv")], capsys)
    assert code == 2 and "not a directory" in err


def _build_store(db: Path) -> int:
    return build_audit_store(db)


def test_score_export_explain_round_trip(tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    run_id = _build_store(db)
    code, out, err = run_cli(["score", "--db", str(db)], capsys)
    assert code == 0, err
    assert f"run {run_id}" in out and "example-social" in out
    # re-scoring the same run replaces its rows
    code, out2, _ = run_cli(["score", "--db", str(db), "--run", str(run_id)], capsys)
    assert code == 0
    con = store.connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM scores WHERE run_id = ?", [run_id]).fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM element_results WHERE run_id = ?", [run_id]).fetchone()[0] == 2 * len(ELEMENT_IDS)
    hours = con.execute("SELECT hours FROM evidence WHERE run_id = ? AND element = 'stated_response_time'", [run_id]).fetchall()
    assert hours == [([24.0],)]
    con.close()
    code, _, err = run_cli(["export", "--db", str(db), "--format", "json", "--out", str(tmp_path / "e.json")], capsys)
    assert code == 0, err
    exported = json.loads((tmp_path / "e.json").read_text())
    code, _, _ = run_cli(["score-files", str(FIX / "corpus"), "--kinds", str(FIX / "kinds.csv"), "--out", str(tmp_path / "f.json")], capsys)
    files = json.loads((tmp_path / "f.json").read_text())
    for a, b in zip(exported["targets"], files["targets"]):
        assert a["score"] == b["score"] and a["grade"] == b["grade"] and a["categories"] == b["categories"]
        for el in ELEMENT_IDS:
            assert a["elements"][el]["met"] == b["elements"][el]["met"], el
            assert [e["quote"] for e in a["elements"][el]["evidence"]] == [e["quote"] for e in b["elements"][el]["evidence"]]
    ev = exported["targets"][1]["elements"]["ncii_prohibited"]["evidence"][0]
    assert ev["url"].startswith("https://example-social.example/") and len(ev["snapshot"]) == 64 and ev["fetched_at"]
    code, _, _ = run_cli(["export", "--db", str(db), "--format", "csv", "--out", str(tmp_path / "e.csv")], capsys)
    assert code == 0 and "ncii_prohibited" in (tmp_path / "e.csv").read_text()
    code, out, err = run_cli(["explain", "--db", str(db), "--target", "example-social", "--element", "ncii_prohibited"], capsys)
    assert code == 0, err
    assert "ncii_prohibited: MET" in out and "why:" in out and "«" in out and "\033[" not in out
    code, _, err = run_cli(["explain", "--db", str(db), "--target", "nobody"], capsys)
    assert code == 2 and "not scored" in err


def test_score_without_runs(tmp_path, capsys):
    db = tmp_path / "empty.duckdb"
    store.connect(db).close()
    code, _, err = run_cli(["score", "--db", str(db)], capsys)
    assert code == 2 and "no finished crawl or import run" in err
    code, _, err = run_cli(["export", "--db", str(db)], capsys)
    assert code == 2 and "nothing scored" in err


def test_explain_never_emits_control_sequences():
    from audits.engine import audit_target
    from audits.model import Document
    from riskaudit.cli.commands.explain import explain_lines
    text = "Do not post nude images of another person without their consent \x1b[31mnow\x1b[0m."
    res = audit_target([Document(name="P.md", text=text)], service="X", target_id="x", kind="social")
    out = "\n".join(explain_lines(res, "ncii_prohibited", width=80))
    assert "\x1b" not in out and "\\x1b" in out


def test_score_files_skips_an_unreadable_file_with_a_warning(tmp_path, capsys):
    svc = tmp_path / "corpus" / "Examplegram"
    svc.mkdir(parents=True)
    (svc / "rules.md").write_text("# Rules\n\nYou must not post nude images of another person without their consent.\n",
                                  encoding="utf-8")
    (svc / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("service,kind\nExamplegram,social\n", encoding="utf-8")
    out = tmp_path / "out.json"
    code, _, err = run_cli(["score-files", str(tmp_path / "corpus"), "--kinds", str(kinds), "--out", str(out)], capsys)
    assert code == 0 and "warning: skipped unreadable file" in err and "broken.pdf" in err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["targets"][0]["elements"]["ncii_prohibited"]["met"] is True     # the readable file still counts
    assert [Path(s["file"]).name for s in data["skipped_files"]] == ["broken.pdf"]
    code, _, err = run_cli(["score-files", str(tmp_path / "corpus"), "--kinds", str(kinds), "--strict",
                            "--out", str(out)], capsys)
    assert code == 2 and "broken.pdf" in err and "cannot read this PDF" in err
