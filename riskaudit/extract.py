"""Text extraction from raw pages and files (placeholder until the extractor lands)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Extracted:
    title: str | None
    text: str
    language: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)


def extract(body: bytes, *, content_type: str | None = None, url: str | None = None) -> Extracted:
    raise NotImplementedError


def extract_file(path) -> Extracted:
    raise NotImplementedError
