"""Shared fixtures for the change-tracking tests: invented policy texts, a tiny git archive, a fake scorer.

The fake scorer decides three elements by plain sentence matching so the flip logic can be tested
independently of the real engine's rules.
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from audits import rubric
from audits.model import ElementResult, Evidence, TargetResult

ACME_V1 = """# Acme Social Terms of Service

## Content rules

You must not post content that is illegal or that harasses other members.
- Do not share intimate images of another person without their consent.
- Do not post spam or misleading links.

## Reporting

Use the report button on any post. We review reports within 48 hours.
"""

# same sentences: headings moved, bullets re-nested, emphasis, line wrapping, curly quotes
ACME_V2_REFORMAT = """# Acme Social Terms of Service

## Reporting

Use the **report button** on any post.
We review reports within 48 hours.

## Content rules

You must not post content that is illegal
or that harasses other members.

  * Do not share *intimate images* of another person without their consent.
      * Do not post spam or misleading links.
"""

DEEPFAKE = "Do not create or share deepfakes that show a real person nude or in a sexual act."

ACME_V3_DEEPFAKE = ACME_V2_REFORMAT.replace(
    "      * Do not post spam or misleading links.\n",
    f"      * Do not post spam or misleading links.\n      * {DEEPFAKE}\n")

ACME_V4_REMOVED = ACME_V2_REFORMAT.replace(
    "We review reports within 48 hours.", "We review reports within 72 hours.")

PIXEL_V1 = """# Pixel Forge Terms

Pixel Forge lets you generate images from text prompts.
You may not use Pixel Forge to generate sexual images of real people without their consent.
"""

PIXEL_V2 = PIXEL_V1 + "Outputs carry an invisible watermark.\n"

KINDS_CSV = "service,kind\nAcme Social,social\nPixel Forge,ai_tool\n"

# (date, {path: text}) in commit order
HISTORY = [
    ("2026-01-10T09:00:00+00:00", {"Acme Social/Terms of Service.md": ACME_V1, "Pixel Forge/Terms of Use.md": PIXEL_V1,
                                   "README.md": "versions\n"}),
    ("2026-02-01T12:00:00+01:00", {"Acme Social/Terms of Service.md": ACME_V2_REFORMAT}),
    ("2026-03-05T08:30:00+00:00", {"Acme Social/Terms of Service.md": ACME_V3_DEEPFAKE}),
    ("2026-04-01T10:00:00+00:00", {"Pixel Forge/Terms of Use.md": PIXEL_V2}),
    ("2026-05-20T23:30:00-02:00", {"Acme Social/Terms of Service.md": ACME_V4_REMOVED}),   # 2026-05-21 in UTC
]


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ, GIT_CONFIG_NOSYSTEM="1", HOME=str(repo.parent))
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    return subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                          cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def make_ota_repo(root: Path, history=HISTORY) -> Path:
    repo = root / "versions"
    repo.mkdir()
    git(repo, "init", "-q")
    for date, files in history:
        for rel, text in files.items():
            p = repo / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Record changes {date}", date=date)
    return repo


def write_kinds(root: Path) -> Path:
    p = root / "kinds.csv"
    p.write_text(KINDS_CSV, encoding="utf-8")
    return p


_SENT = re.compile(r"[^.\n]*[A-Za-z][^.\n]*\.")
RULES = {
    "synthetic_intimate_covered": re.compile(r"deepfake", re.I),
    "ncii_prohibited": re.compile(r"without their consent", re.I),
    "ncii_removal_within_48h": re.compile(r"within 48 hours", re.I),
    "provenance_marking": re.compile(r"watermark", re.I),
}


def fake_score(documents, *, service, target_id, kind) -> TargetResult:
    """Met when some sentence matches the element's pattern; the quote is that verbatim sentence."""
    elements = {}
    for el in rubric.ELEMENTS:
        if not rubric.applicable(el.id, kind):
            elements[el.id] = ElementResult(el.id, None)
            continue
        evidence = []
        pattern = RULES.get(el.id)
        if pattern:
            for doc in documents:
                for m in _SENT.finditer(doc.text):
                    if pattern.search(m.group(0)):
                        evidence.append(Evidence(doc.name, m.group(0).strip(" *-\t"), document_id=doc.document_id))
        elements[el.id] = ElementResult(el.id, bool(evidence), evidence)
    decisions = {k: v.met for k, v in elements.items()}
    score = rubric.overall_score(decisions)
    return TargetResult(service, target_id, kind, score, rubric.grade(score), rubric.category_scores(decisions),
                        elements, rubric.RUBRIC_VERSION)
