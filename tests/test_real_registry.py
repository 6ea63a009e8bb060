"""The committed registry of real services: size, coverage of kinds and required services, https."""
from __future__ import annotations

from pathlib import Path

import yaml

from riskaudit.registry import TARGET_KINDS, load_registry

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "crawler" / "registries" / "real.yaml"

REQUIRED = [
    "X", "Reddit", "Discord", "Telegram", "4chan", "TikTok", "Snapchat", "Instagram", "Facebook",
    "YouTube", "Twitch", "Kick", "Bluesky", "Tumblr", "Imgur", "Pornhub", "XVideos", "OnlyFans",
    "Stripchat", "Tinder", "Grindr", "Bumble", "Cloudflare", "Amazon Web Services", "Google Cloud",
    "OVHcloud", "Hetzner", "DigitalOcean", "Gofile", "MediaFire", "Grok", "ChatGPT", "Gemini",
    "Meta AI", "Midjourney", "Civitai", "Stability AI", "Replicate", "fal",
]


def test_real_registry_validates_and_covers_required_services():
    registry = load_registry(REAL)
    targets = registry.targets
    assert len(targets) >= 60
    assert {t.kind for t in targets} == set(TARGET_KINDS)
    names = {t.name for t in targets}
    missing = [n for n in REQUIRED if n not in names]
    assert not missing, f"required services missing from real.yaml: {missing}"
    for t in targets:
        assert t.documents, t.id
        urls = [d.url for d in t.documents] + [c.url for c in t.report_channels]
        urls += [t.homepage] if t.homepage else []
        for url in urls:
            assert url.startswith("https://") or url.startswith("mailto:"), (t.id, url)
        assert len({d.url for d in t.documents}) == len(t.documents), f"duplicate document URL in {t.id}"


def test_real_registry_uses_only_schema_fields():
    data = yaml.safe_load(REAL.read_text(encoding="utf-8"))
    assert set(data) == {"targets"}
    for t in data["targets"]:
        assert set(t) <= {"id", "name", "kind", "jurisdictions", "homepage", "documents", "report_channels"}
        for d in t["documents"]:
            assert set(d) <= {"type", "url", "js"}
        for c in t.get("report_channels") or []:
            assert set(c) <= {"kind", "url"}


def test_builder_is_reproducible_from_a_small_csv(tmp_path):
    """The generator keeps policy documents, drops privacy-only rows, upgrades http and carries js."""
    from crawler.registries import build_real_registry as mod
    csv_path = tmp_path / "urls.csv"
    csv_path.write_text(
        "service,document_type,url,js,collection\n"
        "Reddit,Terms of Service,https://www.redditinc.com/policies/user-agreement,False,t\n"
        "Reddit,Privacy Policy,https://www.reddit.com/policies/privacy-policy,False,t\n"
        "Reddit,Community Guidelines,http://www.redditinc.com/policies/content-policy,True,t\n"
        "Reddit,Community Guidelines,http://www.redditinc.com/policies/content-policy,False,u\n",
        encoding="utf-8")
    out = tmp_path / "real.yaml"
    assert mod.main(["--csv", str(csv_path), "--out", str(out)]) == 0
    registry = load_registry(out)
    reddit = next(t for t in registry.targets if t.id == "reddit")
    assert [(d.type, d.url, d.js) for d in reddit.documents] == [
        ("terms_of_service", "https://www.redditinc.com/policies/user-agreement", False),
        ("community_guidelines", "https://www.redditinc.com/policies/content-policy", True),
    ]
    # services absent from this CSV keep their hand-added documents
    assert any(t.id == "4chan" and t.documents for t in registry.targets)


def test_builder_refuses_without_csv(tmp_path, capsys):
    from crawler.registries import build_real_registry as mod
    out = tmp_path / "real.yaml"
    assert mod.main(["--csv", str(tmp_path / "missing.csv"), "--out", str(out)]) == 2
    assert not out.exists()
    assert "CSV not found" in capsys.readouterr().err


def test_every_real_target_has_a_discovery_homepage_on_one_of_its_policy_hosts():
    from urllib.parse import urlsplit

    from riskaudit.registry import load_registry

    reg = load_registry(REAL)
    for t in reg.targets:
        assert t.homepage and t.homepage.startswith("https://"), t.id
        hosts = {urlsplit(d.url).hostname for d in t.documents}
        assert urlsplit(t.homepage).hostname in hosts, t.id
