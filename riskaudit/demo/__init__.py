"""The embedded demo: eleven fictional services' policy sites, served locally, and their registry.

`riskaudit.demo.server.DemoServer` serves every site in `sites/<id>/` on its own 127.0.0.1
ephemeral port; `resolve_registry(urls, out_path)` turns `crawler/registries/demo.yaml`
(URL placeholders such as `{chirply}`) into a registry pointing at those ports.
"""
from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from riskaudit.core.errors import UserError

SITE_IDS: tuple[str, ...] = (
    "chirply", "pixelpost", "threadhub", "lumencams", "sparkmatch", "heartline",
    "boxcloud", "filedrop", "nimbuscdn", "dreamforge", "canvasai",
)

_PLACEHOLDER = re.compile(r"\{([a-z0-9_]+)\}")


def demo_registry_text() -> str:
    """The template registry (`crawler/registries/demo.yaml`) as text, with its placeholders."""
    try:
        ref = resources.files("crawler").joinpath("registries", "demo.yaml")
        return ref.read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise UserError("crawler/registries/demo.yaml is missing from the installation; "
                        "reinstall riskaudit (pip install -e .)") from exc


def resolve_registry(urls: dict[str, str], out_path: str | Path, template: str | None = None) -> Path:
    """Write the demo registry with every `{site_id}` placeholder replaced by `urls[site_id]`.

    `urls` maps site ids to base URLs without a trailing slash (as `DemoServer.urls`).
    Returns the path written.
    """
    text = demo_registry_text() if template is None else template

    def sub(match: re.Match) -> str:
        key = match.group(1)
        if key not in urls:
            raise UserError(f"demo registry placeholder {{{key}}} has no running demo site; "
                            f"known sites: {', '.join(sorted(urls))}")
        return urls[key].rstrip("/")

    resolved = _PLACEHOLDER.sub(sub, text)
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(resolved, encoding="utf-8")
    return out
