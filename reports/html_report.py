"""Render the self-contained HTML report (report.html) from `riskaudit.stages.report.load_report_data` output.

Safety: Jinja2 runs with autoescape on for every template, so all crawled text (titles, quotes, URLs,
error strings, service names) is HTML-escaped; links are emitted only for absolute http(s) URLs
(`web_url` test) and always carry rel="noopener noreferrer nofollow"; element ids in the page are
built from loop indexes, never from stored strings. The only script is the table sorter embedded in
the template; a Content-Security-Policy meta tag forbids any other source as defence in depth.
"""
from __future__ import annotations

import datetime as _dt
from collections import Counter
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from reports import svg
from riskaudit.core.text import is_web_url

STATUS_TEXT = {"met": "met", "not_met": "not met", "na": "n.a.", "pending": "pending review"}
STATUS_SYMBOL = {"met": "✓", "not_met": "✗", "na": "–", "pending": "?"}


def fmt_time(value: Any) -> str:
    """UTC timestamp (datetime or ISO string) as 'YYYY-MM-DD HH:MM UTC'; dates as ISO; None as an em dash."""
    if value is None:
        return "—"
    if isinstance(value, str) and len(value) > 10:
        try:
            value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if isinstance(value, _dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc)
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def fmt_num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    try:
        f = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{f:.{digits}f}"


def fmt_hours(value: Any) -> str:
    if value is None:
        return "—"
    h = float(value)
    text = f"{h:g} h"
    if h >= 48:
        text += f" ({h / 24:.1f} d)"
    return text


def fmt_pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.0f}%"


def short_hash(value: Any, n: int = 12) -> str:
    return "—" if not value else str(value)[:n]


def element_codes(elements: list[dict[str, Any]]) -> dict[str, str]:
    """'P1', 'P2', … 'R1' … in rubric order: short column headers for the heat map."""
    counts: Counter[str] = Counter()
    codes = {}
    for e in elements:
        counts[e["category"]] += 1
        codes[e["id"]] = f"{e['category']}{counts[e['category']]}"
    return codes


def make_env() -> Environment:
    env = Environment(
        loader=PackageLoader("reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(time=fmt_time, num=fmt_num, hours=fmt_hours, pct=fmt_pct, short=short_hash,
                       status_text=STATUS_TEXT.get, status_symbol=STATUS_SYMBOL.get, hours_label=svg.hours_label)
    env.tests["web_url"] = is_web_url
    return env


def render_html(data: dict[str, Any], generated_at: _dt.datetime) -> str:
    """The full report page as a string (deterministic apart from the generated-at line)."""
    env = make_env()
    grades = Counter(s["grade"] for s in data["services"] if s["grade"])
    curves = {
        tid: svg.km_plot(c, f"Reports still online over time, by channel: {name}")
        for tid, c in data["response"]["observed"]["curves"].items()
        for name in [next((s["service"] for s in data["services"] if s["target_id"] == tid), tid)]
        if c
    }
    return env.get_template("report.html.j2").render(
        d=data, generated_at=fmt_time(generated_at), codes=element_codes(data["rubric"]["elements"]),
        grade_chart=svg.grade_bars(dict(grades)), km=curves,
    )
