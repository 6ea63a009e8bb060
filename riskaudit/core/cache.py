"""Where riskaudit keeps files it can always rebuild: ``$XDG_CACHE_HOME/riskaudit`` or ``~/.cache/riskaudit``."""
from __future__ import annotations

import os
from pathlib import Path


def cache_dir(name: str) -> Path:
    """The cache folder ``name`` (not created here)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "riskaudit" / name
