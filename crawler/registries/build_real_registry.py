"""Builds `crawler/registries/real.yaml`, the registry of real services, from a policy-URL CSV.

Input: a CSV with columns service, document_type, url, js, collection (by default
`../shared/registry-sources/policy-urls.csv` next to the project). For every service selected in
`SERVICES` below it keeps the policy documents that can carry NCII rules (terms, acceptable use,
community guidelines, copyright, law enforcement, transparency, safety, reporting) and drops
privacy/cookie/advertising/developer documents unless nothing else is known. `js` is carried
over, URLs are de-duplicated per service and `http://` is upgraded to `https://`.
Services or documents missing from the CSV are added from `SERVICES` (hand-added, marked in a
YAML comment), as are report channels (their source is given in a comment). Each target's
`homepage` (where same-site policy-link discovery starts) is the site that serves most of its
policy documents.

Usage: python crawler/registries/build_real_registry.py [--csv PATH] [--out PATH]
The generated YAML is committed; without the CSV the script refuses to overwrite it.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CSV = HERE.parents[2] / "shared" / "registry-sources" / "policy-urls.csv"
DEFAULT_OUT = HERE / "real.yaml"

# CSV document_type -> registry `type`; types absent here are dropped.
KEEP_TYPES = {
    "Terms of Service": "terms_of_service",
    "Acceptable Use Policy": "acceptable_use_policy",
    "Restricted Use Policy": "acceptable_use_policy",
    "Community Guidelines": "community_guidelines",
    "Quality Guidelines": "community_guidelines",
    "Live Policy": "community_guidelines",
    "Copyright Claims Policy": "copyright_policy",
    "Law Enforcement Guidelines": "law_enforcement_guidelines",
}
# Kept only when a service has nothing else.
FALLBACK_TYPES = {"Privacy Policy": "privacy_policy"}

CSV_NOTE = "from policy-urls.csv"
HAND = "hand-added: well-known public URL, not in policy-urls.csv"
WELL_KNOWN = "well-known public channel"

# (id, display name, kind, CSV service names, extra documents [(type, url, js)],
#  report channels [(kind, url, source)])
SERVICES: list[tuple] = [
    # --- social ------------------------------------------------------------------------
    ("x", "X", "social", ["X"], [], []),
    ("reddit", "Reddit", "social", ["Reddit"], [],
     [("other", "https://www.reddit.com/report", WELL_KNOWN)]),
    ("discord", "Discord", "social", ["Discord"], [],
     [("other", "https://dis.gd/report", WELL_KNOWN)]),
    ("telegram", "Telegram", "social", ["Telegram"], [],
     [("abuse_email", "mailto:abuse@telegram.org", "Telegram FAQ"),
      ("copyright", "mailto:dmca@telegram.org", "Telegram FAQ")]),
    ("4chan", "4chan", "social", [],
     [("community_guidelines", "https://www.4chan.org/rules", False),
      ("terms_of_service", "https://www.4chan.org/legal", False)],
     [("copyright", "https://www.4chan.org/legal", "4chan legal page (DMCA section)")]),
    ("tiktok", "TikTok", "social", ["TikTok"], [],
     [("other", "https://www.tiktok.com/legal/report/feedback", WELL_KNOWN)]),
    ("snapchat", "Snapchat", "social", ["Snapchat"], [], []),
    ("instagram", "Instagram", "social", ["Instagram"], [], []),
    ("facebook", "Facebook", "social", ["Facebook"], [], []),
    ("threads", "Threads", "social", ["Threads"], [], []),
    ("youtube", "YouTube", "social", ["YouTube"],
     [("community_guidelines", "https://www.youtube.com/howyoutubeworks/policies/community-guidelines/", False)],
     []),
    ("twitch", "Twitch", "social", ["Twitch"], [],
     [("copyright", "mailto:dmca@twitch.tv", "Twitch DMCA guidelines")]),
    ("kick", "Kick", "social", ["Kick"], [], []),
    ("bluesky", "Bluesky", "social", ["Bluesky"], [],
     [("abuse_email", "mailto:moderation@blueskyweb.xyz", "Bluesky community guidelines")]),
    ("tumblr", "Tumblr", "social", ["Tumblr"], [],
     [("other", "https://www.tumblr.com/abuse", WELL_KNOWN)]),
    ("imgur", "Imgur", "social", ["Imgur"], [], []),
    ("pinterest", "Pinterest", "social", ["Pinterest"], [], []),
    ("linkedin", "LinkedIn", "social", ["LinkedIn"], [], []),
    ("quora", "Quora", "social", ["Quora"], [], []),
    ("truth-social", "Truth Social", "social", ["Truth Social"], [], []),
    ("parler", "Parler", "social", ["Parler"], [], []),
    ("whatsapp", "WhatsApp", "social", ["WhatsApp"], [], []),
    ("wechat", "WeChat", "social", ["WeChat"], [], []),
    ("line", "LINE", "social", ["LINE"], [], []),
    ("viber", "Viber", "social", ["Viber"], [], []),
    ("signal", "Signal", "social", ["Signal"], [], []),
    ("vimeo", "Vimeo", "social", ["Vimeo"], [], []),
    ("dailymotion", "Dailymotion", "social", ["Dailymotion"], [], []),
    ("deviantart", "DeviantArt", "social", ["DeviantArt"], [], []),
    ("flickr", "Flickr", "social", ["Flickr"], [], []),
    ("pixiv", "pixiv", "social", ["pixiv"], [], []),
    ("roblox", "Roblox", "social", ["Roblox"], [], []),
    ("nextdoor", "Nextdoor", "social", ["Nextdoor"], [], []),
    ("tildes", "Tildes", "social", ["Tildes"], [], []),
    ("revolt", "Revolt", "social", ["Revolt"], [], []),
    ("guilded", "Guilded", "social", ["Guilded"], [], []),
    ("substack", "Substack", "social", ["Substack"], [], []),
    ("streamable", "Streamable", "social", ["Streamable"], [], []),
    ("soundcloud", "SoundCloud", "social", ["SoundCloud"], [], []),
    ("bereal", "BeReal", "social", ["BeReal"], [], []),
    ("upscrolled", "Upscrolled", "social", ["Upscrolled"], [], []),
    # --- adult ---------------------------------------------------------------------------
    ("pornhub", "Pornhub", "adult", [],
     [("terms_of_service", "https://www.pornhub.com/information/terms", False)],
     [("ncii_form", "https://www.pornhub.com/content-removal", "Pornhub content removal request form")]),
    ("xvideos", "XVideos", "adult", [],
     [("terms_of_service", "https://info.xvideos.com/legal/tos/", False)], []),
    ("onlyfans", "OnlyFans", "adult", ["OnlyFans"],
     [("acceptable_use_policy", "https://onlyfans.com/aup", False),
      ("copyright_policy", "https://onlyfans.com/dmca", False)], []),
    ("stripchat", "Stripchat", "adult", [],
     [("terms_of_service", "https://stripchat.com/terms", True)], []),
    # --- dating --------------------------------------------------------------------------
    ("tinder", "Tinder", "dating", ["Tinder"], [], []),
    ("grindr", "Grindr", "dating", [],
     [("terms_of_service", "https://www.grindr.com/terms-of-service", False),
      ("community_guidelines", "https://www.grindr.com/community-guidelines", False)], []),
    ("bumble", "Bumble", "dating", ["Bumble"],
     [("community_guidelines", "https://bumble.com/en/guidelines", False)], []),
    ("badoo", "Badoo", "dating", ["Badoo"], [], []),
    ("happn", "happn", "dating", ["happn"], [], []),
    ("match", "Match", "dating", ["Match"], [], []),
    ("zoosk", "Zoosk", "dating", ["Zoosk"], [], []),
    # --- host ----------------------------------------------------------------------------
    ("cloudflare", "Cloudflare", "host", ["Cloudflare"],
     [("reporting_policy", "https://www.cloudflare.com/trust-hub/abuse-approach/", False)],
     [("other", "https://abuse.cloudflare.com/", "Cloudflare abuse reporting form")]),
    ("aws", "Amazon Web Services", "host", ["Amazon Web Services"], [],
     [("abuse_email", "mailto:abuse@amazonaws.com", "AWS abuse reporting")]),
    ("google-cloud", "Google Cloud", "host", ["Google Cloud Platform"],
     [("acceptable_use_policy", "https://cloud.google.com/terms/aup", False)], []),
    ("ovhcloud", "OVHcloud", "host", ["OVHcloud"], [], []),
    ("hetzner", "Hetzner", "host", ["Hetzner"],
     [("terms_of_service", "https://www.hetzner.com/legal/terms-and-conditions/", False),
      ("acceptable_use_policy", "https://www.hetzner.com/legal/system-policies/", False)],
     [("abuse_email", "mailto:abuse@hetzner.com", "Hetzner abuse contact")]),
    ("digitalocean", "DigitalOcean", "host", [],
     [("terms_of_service", "https://www.digitalocean.com/legal/terms-of-service-agreement", False),
      ("acceptable_use_policy", "https://www.digitalocean.com/legal/acceptable-use-policy", False)],
     [("abuse_email", "mailto:abuse@digitalocean.com", "DigitalOcean abuse contact")]),
    ("gofile", "Gofile", "host", ["Gofile"], [], []),
    ("mediafire", "MediaFire", "host", ["MediaFire"], [], []),
    ("wetransfer", "WeTransfer", "host", ["WeTransfer"], [], []),
    ("wpengine", "WP Engine", "host", ["WPEngine"], [], []),
    ("wix", "Wix", "host", ["Wix"], [], []),
    ("wordpress-com", "WordPress.com", "host", ["WordPress.com"], [], []),
    ("tresorit", "Tresorit", "host", ["Tresorit"], [], []),
    ("google-drive", "Google Drive", "host", ["Google Drive"], [], []),
    ("vidguard", "vidguard.to", "host", ["vidguard.to"], [], []),
    # --- ai_tool -------------------------------------------------------------------------
    ("grok", "Grok", "ai_tool", ["Grok"], [], []),
    ("chatgpt", "ChatGPT", "ai_tool", ["ChatGPT"], [], []),
    ("gemini", "Gemini", "ai_tool", ["Google Generative AI Services"], [], []),
    ("meta-ai", "Meta AI", "ai_tool", ["Meta AI"], [], []),
    ("midjourney", "Midjourney", "ai_tool", [],
     [("terms_of_service", "https://docs.midjourney.com/docs/terms-of-service", True),
      ("community_guidelines", "https://docs.midjourney.com/docs/community-guidelines", True)], []),
    ("civitai", "Civitai", "ai_tool", [],
     [("terms_of_service", "https://civitai.com/content/tos", True)], []),
    ("stability-ai", "Stability AI", "ai_tool", [],
     [("acceptable_use_policy", "https://stability.ai/use-policy", False),
      ("terms_of_service", "https://stability.ai/terms-of-use", False)], []),
    ("replicate", "Replicate", "ai_tool", [],
     [("terms_of_service", "https://replicate.com/terms", False)], []),
    ("fal", "fal", "ai_tool", [],
     [("terms_of_service", "https://fal.ai/terms", False)], []),
    ("claude", "Claude", "ai_tool", ["Claude.ai"], [], []),
    ("perplexity", "Perplexity", "ai_tool", ["Perplexity"], [], []),
    ("copilot", "Microsoft Copilot", "ai_tool", ["Microsoft Copilot"], [], []),
    ("deepseek", "DeepSeek", "ai_tool", ["DeepSeek"], [], []),
    ("qwen-chat", "Qwen Chat", "ai_tool", ["Qwen Chat"], [], []),
    ("le-chat", "Le Chat (Mistral AI)", "ai_tool", ["Vibe"], [], []),
    ("hugging-face", "Hugging Face", "ai_tool", ["Hugging Face"], [], []),
]


def _https(url: str) -> str:
    return "https://" + url[len("http://"):] if url.startswith("http://") else url


def read_csv(path: Path) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = {"service", "document_type", "url", "js"} - set(reader.fieldnames or ())
        if missing:
            sys.exit(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        for row in reader:
            rows.setdefault(row["service"].strip(), []).append(row)
    return rows


def documents_for(csv_rows: list[dict], extra: list[tuple]) -> list[tuple[str, str, bool, str]]:
    """(type, url, js, source) for one service: kept CSV rows, then hand-added ones."""
    docs: list[tuple[str, str, bool, str]] = []
    fallback: list[tuple[str, str, bool, str]] = []
    seen: set[str] = set()
    for row in csv_rows:
        url = _https(row["url"].strip())
        js = row["js"].strip().lower() == "true"
        if row["document_type"] in KEEP_TYPES and url not in seen:
            seen.add(url)
            docs.append((KEEP_TYPES[row["document_type"]], url, js, CSV_NOTE))
        elif row["document_type"] in FALLBACK_TYPES:
            fallback.append((FALLBACK_TYPES[row["document_type"]], url, js, CSV_NOTE))
    for type_, url, js in extra:
        if url not in seen:
            seen.add(url)
            docs.append((type_, url, js, HAND))
    if not docs:
        docs = list({d[1]: d for d in fallback}.values())
    return docs


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def policy_site(docs: list[tuple]) -> str:
    """Origin (https://host/) of the host serving most of a service's policy documents (first on ties),
    where same-site policy-link discovery starts."""
    from collections import Counter
    from urllib.parse import urlsplit

    hosts = [urlsplit(d[1]).hostname for d in docs]
    counts = Counter(hosts)
    best = max(hosts, key=lambda h: (counts[h], -hosts.index(h)))
    return f"https://{best}/"


# Jurisdictions (codes of audits/rules/legal_deadlines.yaml) whose NCII removal deadlines reach a
# service because it is offered to the public there. Listed only where that is well known;
# a target without jurisdictions gets every rule, flagged "jurisdiction assumed". TikTok has
# been blocked in India since 2020, so IN is left out for it.
ALL_MARKETS = ["US", "UK", "EU", "AU", "IN"]
JURISDICTIONS: dict[str, list[str]] = {
    **{sid: ALL_MARKETS for sid in (
        "x", "reddit", "discord", "telegram", "snapchat", "instagram", "facebook", "threads", "youtube",
        "twitch", "tumblr", "pinterest", "linkedin", "whatsapp", "bluesky", "quora", "tinder", "bumble",
        "cloudflare", "aws", "google-cloud", "digitalocean", "google-drive", "wetransfer", "wordpress-com",
        "wix", "chatgpt", "gemini", "copilot", "claude", "perplexity")},
    "tiktok": ["US", "UK", "EU", "AU"],
}


def render(csv_data: dict[str, list[dict]], csv_label: str) -> str:
    out = [
        "# Registry of real services audited by riskaudit (generated; do not edit by hand).",
        "# Regenerate: python crawler/registries/build_real_registry.py  (see docs/demo.md)",
        f"# Documents: {csv_label} (terms, AUP, community guidelines, copyright,",
        "# law-enforcement documents; privacy only when nothing else), plus hand-added",
        "# well-known URLs marked `hand-added`. Report channels name their source.",
        "targets:",
    ]
    for sid, name, kind, csv_names, extra, channels in SERVICES:
        rows = [r for n in csv_names for r in csv_data.get(n, [])]
        docs = documents_for(rows, extra)
        if not docs:
            print(f"skipped {name}: no documents in the CSV and none hand-added", file=sys.stderr)
            continue
        if not rows:
            out.append(f"  # {name}: not in policy-urls.csv; documents hand-added from well-known public URLs")
        out += [f"  - id: {sid}", f"    name: {_q(name)}", f"    kind: {kind}"]
        if sid in JURISDICTIONS:
            out.append(f"    jurisdictions: [{', '.join(JURISDICTIONS[sid])}]   # offered to the public there")
        out += [f"    homepage: {_q(policy_site(docs))}   # discovery start: the site holding most of its policy pages",
                "    documents:"]
        for type_, url, js, source in docs:
            out.append(f"      - type: {type_}")
            out.append(f"        url: {_q(url)}" + (f"   # {source}" if source != CSV_NOTE else ""))
            if js:
                out.append("        js: true")
        if channels:
            out.append("    report_channels:")
            for ckind, url, source in channels:
                out.append(f"      - kind: {ckind}   # source: {source}")
                out.append(f"        url: {_q(url)}")
        copyright_docs = [d for d in docs if d[0] == "copyright_policy" and d[3] == CSV_NOTE]
        if copyright_docs and not any(c[0] == "copyright" for c in channels):
            if not channels:
                out.append("    report_channels:")
            for d in copyright_docs[:1]:
                out.append("      - kind: copyright   # source: copyright policy in policy-urls.csv")
                out.append(f"        url: {_q(d[1])}")
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV, help=f"policy URL CSV (default {DEFAULT_CSV})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"YAML to write (default {DEFAULT_OUT})")
    args = parser.parse_args(argv)
    if not args.csv.is_file():
        print(f"{args.csv}: CSV not found; pass --csv PATH (the committed {args.out.name} is left unchanged)",
              file=sys.stderr)
        return 2
    text = render(read_csv(args.csv), args.csv.name)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out}: {len(SERVICES)} targets")
    return 0


if __name__ == "__main__":
    sys.exit(main())
