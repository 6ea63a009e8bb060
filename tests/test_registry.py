"""Registry loading and validation: good files load; each kind of mistake is reported with the
file, the target and the field; `riskaudit validate-registry` exit codes."""
from __future__ import annotations

import pytest

from riskaudit.cli import main
from riskaudit.registry import RegistryError, load_registry
from tests.support.registry_fixture import GOOD, error_of, write


def test_good_registry_loads(tmp_path):
    path = write(tmp_path, GOOD)
    reg = load_registry(path)
    assert reg.path == str(path) and len(reg.sha256) == 64
    chirp, canvas = reg.targets
    assert (chirp.id, chirp.name, chirp.kind, chirp.jurisdictions) == ("chirp-social", "Chirp Social", "social", ["US", "EU"])
    assert chirp.homepage == "https://chirp.example/"
    assert [(d.type, d.js) for d in chirp.documents] == [("terms_of_service", False), ("community_guidelines", True)]
    assert [(c.kind, c.url) for c in chirp.report_channels] == [
        ("ncii_form", "https://chirp.example/report/intimate"), ("abuse_email", "mailto:abuse@chirp.example")]
    assert canvas.kind == "ai_tool" and canvas.homepage is None and canvas.report_channels == []
    assert reg.select(["canvas_ai"]) == [canvas]


def test_unknown_field_names_target_and_field(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("    homepage: https://chirp.example/\n",
                                          "    homepage: https://chirp.example/\n    hompage: x\n"))
    assert "reg.yaml" in msg and "'chirp-social'" in msg and "unknown field(s) hompage" in msg


def test_unknown_document_field(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("        js: true", "        render: true"))
    assert "'chirp-social'" in msg and "documents[1]" in msg and "render" in msg


def test_duplicate_id(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("id: canvas_ai", "id: chirp-social"))
    assert "duplicate id 'chirp-social'" in msg and "target #2" in msg and "target #1" in msg


def test_bad_kind(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("kind: ai_tool", "kind: chatbot"))
    assert "'canvas_ai'" in msg and "'kind'" in msg and "'chatbot'" in msg and "ai_tool" in msg


def test_bad_channel_kind(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("kind: ncii_form", "kind: webform"))
    assert "report_channels[0]" in msg and "'webform'" in msg


@pytest.mark.parametrize("bad", ["ftp://chirp.example/terms", "chirp.example/terms", "javascript:alert(1)",
                                 "mailto:abuse@chirp.example"])
def test_bad_document_url(tmp_path, bad):
    msg = error_of(tmp_path, GOOD.replace("https://chirp.example/legal/terms", bad))
    assert "'chirp-social'" in msg and "documents[0]" in msg and "'url'" in msg and "http(s)://" in msg


def test_channel_may_be_mailto_but_not_other_schemes(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("mailto:abuse@chirp.example", "tel:+15551234"))
    assert "report_channels[1]" in msg and "mailto:" in msg


def test_missing_name(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("    name: Canvas AI\n", ""))
    assert "'canvas_ai'" in msg and "missing required field 'name'" in msg


def test_missing_id_names_index(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("  - id: canvas_ai\n    name: Canvas AI", "  - name: Canvas AI"))
    assert "target #2" in msg and "missing required field 'id'" in msg


def test_id_must_be_slug(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("id: canvas_ai", "id: Canvas AI"))
    assert "'Canvas AI' is not a slug" in msg


def test_js_must_be_bool(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("js: true", "js: sometimes"))
    assert "'js' must be true or false" in msg


def test_yaml_syntax_error_reports_line(tmp_path):
    msg = error_of(tmp_path, GOOD.replace("    name: Chirp Social", "   name: Chirp Social"))
    assert "reg.yaml:3:" in msg and "YAML syntax error" in msg
    msg = error_of(tmp_path, GOOD.replace("url: http://canvas.example/aup", "url: [http://canvas.example/aup"))
    assert "YAML syntax error" in msg and "line 23" in msg


def test_missing_file_and_empty_targets(tmp_path):
    with pytest.raises(RegistryError, match="registry file not found"):
        load_registry(tmp_path / "nope.yaml")
    assert "'targets' must be a non-empty list" in error_of(tmp_path, "targets: []\n")
    assert "unknown top-level field(s) version" in error_of(tmp_path, "version: 2\n" + GOOD)


def test_select_unknown_target(tmp_path):
    reg = load_registry(write(tmp_path, GOOD))
    with pytest.raises(RegistryError, match="unknown target id.*nope.*known ids: canvas_ai, chirp-social"):
        reg.select(["nope"])


def test_validate_registry_command(tmp_path, capsys):
    good = write(tmp_path, GOOD, "good.yaml")
    assert main(["validate-registry", str(good)]) == 0
    assert f"{good}: 2 targets OK" in capsys.readouterr().out
    bad = write(tmp_path, GOOD.replace("kind: ai_tool", "kind: robot"), "bad.yaml")
    assert main(["validate-registry", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("riskaudit validate-registry: error:") and "bad.yaml" in err and "'robot'" in err
    assert len(err.strip().splitlines()) == 1
