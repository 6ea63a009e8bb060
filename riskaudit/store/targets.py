"""Targets: the audited services (registry id, display name, kind, jurisdictions, homepage)."""
from __future__ import annotations

from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError
from riskaudit.store import Connection


def upsert_target(con: Connection, target_id: str, name: str, kind: str,
                  jurisdictions: list[str] | None = None, homepage: str | None = None) -> None:
    con.execute(
        "INSERT INTO targets (target_id, name, kind, jurisdictions, homepage, updated_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (target_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, "
        "jurisdictions = excluded.jurisdictions, homepage = excluded.homepage, updated_at = excluded.updated_at",
        [target_id, name, kind, jurisdictions or [], homepage, now_utc()],
    )


def target_meta(con: Connection) -> dict[str, tuple[str, str]]:
    """{target_id: (name, kind)} of every target."""
    return {tid: (name, kind) for tid, name, kind in con.execute("SELECT target_id, name, kind FROM targets").fetchall()}


def target_info(con: Connection, target_id: str) -> tuple[str, str] | None:
    row = con.execute("SELECT name, kind FROM targets WHERE target_id = ?", [target_id]).fetchone()
    return (row[0], row[1]) if row else None


def target_kind(con: Connection, target_id: str) -> str | None:
    info = target_info(con, target_id)
    return info[1] if info else None


def target_ids(con: Connection) -> list[str]:
    return [t for (t,) in con.execute("SELECT target_id FROM targets ORDER BY target_id").fetchall()]


def find_target(con: Connection, service: str) -> tuple[str, str, str]:
    """(target_id, name, kind) by id or name, case-insensitive; unknown → UserError listing known ones."""
    rows = con.execute(
        "SELECT target_id, name, kind FROM targets WHERE lower(target_id) = lower(?) OR lower(name) = lower(?) "
        "ORDER BY target_id", [service, service]).fetchall()
    if not rows:
        known = [f"{n} ({t})" for t, n in con.execute("SELECT target_id, name FROM targets ORDER BY lower(name)").fetchall()]
        listing = ", ".join(known) if known else "none: import or crawl something first"
        from riskaudit.core.text import terminal_safe
        raise UserError(f"unknown service {terminal_safe(service)!r}; known services: {terminal_safe(listing)}")
    return rows[0]
