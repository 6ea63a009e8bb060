"""Query results as dicts: the one helper every store module uses to hand rows to the layers above."""
from __future__ import annotations

from typing import Any

from riskaudit.store import Connection


def dicts(con: Connection, sql: str, params: list | None = None) -> list[dict[str, Any]]:
    """Run `sql` and return its rows as dicts keyed by column name."""
    cur = con.execute(sql, params or [])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]
