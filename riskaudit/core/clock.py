"""Time, in one place: the current UTC time and the ISO 8601 form every output uses."""
from __future__ import annotations

import datetime as _dt

UTC = _dt.timezone.utc


def now_utc() -> _dt.datetime:
    return _dt.datetime.now(UTC)


def to_utc(value: _dt.datetime | _dt.date) -> _dt.datetime:
    """An aware UTC datetime (naive values are taken as UTC; a date is its midnight UTC)."""
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    raise TypeError(f"not a date or datetime: {value!r}")


def iso(value, *, timespec: str = "seconds") -> str | None:
    """ISO 8601 text of a datetime in UTC (None stays None; other values are str()-ed)."""
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return to_utc(value).isoformat(timespec=timespec)
    return str(value)
