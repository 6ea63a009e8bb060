"""The demo registry template resolves to the live ports and passes the real validator."""
from __future__ import annotations

import pytest
import yaml

from riskaudit.core.errors import UserError
from riskaudit.demo import SITE_IDS, demo_registry_text, resolve_registry
from riskaudit.registry import load_registry


def test_template_covers_every_site_with_placeholders_only():
    text = demo_registry_text()
    data = yaml.safe_load(text)
    urls = [t["homepage"] for t in data["targets"]]
    urls += [d["url"] for t in data["targets"] for d in t["documents"]]
    urls += [c["url"] for t in data["targets"] for c in t.get("report_channels") or []]
    for site in SITE_IDS:
        assert f'"{{{site}}}/' in text
    assert all(u.startswith("{") or u.startswith("mailto:") for u in urls), urls


def test_resolved_registry_validates(tmp_path):
    urls = {site: f"http://127.0.0.1:{40000 + i}" for i, site in enumerate(SITE_IDS)}
    path = resolve_registry(urls, tmp_path / "out" / "registry.yaml")
    registry = load_registry(path)
    by_id = {t.id: t for t in registry.targets}
    assert list(by_id) == list(SITE_IDS)
    assert {t.kind for t in registry.targets} == {"social", "dating", "adult", "host", "ai_tool"}
    for target in registry.targets:
        assert target.homepage == urls[target.id] + "/"
        assert target.documents
        for doc in target.documents:
            assert doc.url.startswith(urls[target.id] + "/")
    channels = {(t.id, c.kind, c.url) for t in registry.targets for c in t.report_channels}
    assert ("heartline", "other", urls["heartline"] + "/report-abuse") in channels
    assert ("lumencams", "ncii_form", urls["lumencams"] + "/report") in channels
    assert ("chirply", "abuse_email", "mailto:abuse@chirply.example") in channels
    assert by_id["filedrop"].documents[0].url.endswith("/terms.pdf")


def test_unknown_placeholder_is_a_user_error(tmp_path):
    with pytest.raises(UserError, match="nosuchsite"):
        resolve_registry({}, tmp_path / "r.yaml", template='targets:\n  - homepage: "{nosuchsite}/"\n')
