"""A valid registry (two targets: a social service with a JS document and report channels, an AI
tool) and helpers to write a registry file and get the one-line error a broken one gives."""
from __future__ import annotations

import textwrap

import pytest

from riskaudit.registry import RegistryError, load_registry

GOOD = """\
targets:
  - id: chirp-social
    name: Chirp Social
    kind: social
    jurisdictions: [US, EU]
    homepage: https://chirp.example/
    documents:
      - type: terms_of_service
        url: https://chirp.example/legal/terms
      - type: community_guidelines
        url: https://chirp.example/rules
        js: true
    report_channels:
      - kind: ncii_form
        url: https://chirp.example/report/intimate
      - kind: abuse_email
        url: mailto:abuse@chirp.example
  - id: canvas_ai
    name: Canvas AI
    kind: ai_tool
    documents:
      - type: acceptable_use_policy
        url: http://canvas.example/aup
"""


def write(tmp_path, text, name="reg.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path, text) -> str:
    path = write(tmp_path, text)
    with pytest.raises(RegistryError) as info:
        load_registry(path)
    return str(info.value)
