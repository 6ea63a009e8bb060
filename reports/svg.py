"""Inline SVG charts for the HTML report: Kaplan–Meier step plots and the grade distribution.

Charts are built as strings here (no external library, no external resources) and every piece of
text placed in them goes through `markupsafe.escape`, so crawled or user-supplied labels stay inert.
Series are told apart by dash pattern and marker shape as well as colour; each chart carries a
<title>/<desc> and the report shows the same numbers in a table next to it.
"""
from __future__ import annotations

import math

from markupsafe import Markup, escape

# Colour-blind-safe palette (Okabe–Ito) with a distinct dash pattern per series.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")
MARKERS = ("circle", "square", "triangle", "diamond", "circle", "square", "triangle")


def _num(x: float) -> str:
    """Short, deterministic number formatting for coordinates."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if not float(x).is_integer() else str(int(x))


def hours_label(h: float) -> str:
    """'12 h' below two days, '3 d' from two days on (whole days), else hours."""
    if h >= 48 and h % 24 == 0:
        return f"{int(h // 24)} d"
    return f"{_num(h)} h"


def _x_ticks(max_h: float) -> list[float]:
    for step in (6, 12, 24, 48, 168, 336, 720):
        if max_h / step <= 8:
            break
    n = int(math.ceil(max_h / step))
    return [float(i * step) for i in range(n + 1)]


def _marker(shape: str, x: float, y: float, color: str) -> str:
    if shape == "square":
        return f'<rect x="{_num(x - 3.5)}" y="{_num(y - 3.5)}" width="7" height="7" fill="{color}"/>'
    if shape == "triangle":
        return (f'<polygon points="{_num(x)},{_num(y - 4.5)} {_num(x + 4.5)},{_num(y + 3.5)} '
                f'{_num(x - 4.5)},{_num(y + 3.5)}" fill="{color}"/>')
    if shape == "diamond":
        return (f'<polygon points="{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y)} {_num(x)},{_num(y + 5)} '
                f'{_num(x - 5)},{_num(y)}" fill="{color}"/>')
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{color}"/>'


def km_plot(curves: dict[str, list[tuple[float, float]]], title: str, reference_hours: float = 48.0) -> Markup:
    """A Kaplan–Meier step plot: share of reports still online (y) against hours since report (x)."""
    width, height = 640, 320
    left, right, top, bottom = 56, 150, 30, 46
    pw, ph = width - left - right, height - top - bottom
    last = max([h for pts in curves.values() for h, _ in pts] + [reference_hours * 1.5])
    ticks = _x_ticks(last)
    x_max = ticks[-1] or 1.0

    def sx(h: float) -> float:
        return left + pw * min(h, x_max) / x_max

    def sy(s: float) -> float:
        return top + ph * (1.0 - max(0.0, min(1.0, s)))

    t = escape(title)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart km" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{t}">',
        f"<title>{t}</title>",
        "<desc>Kaplan–Meier estimate of the share of reported items still online, by hours since the "
        "report; one stepped line per report channel; dashed vertical line at the 48-hour mark.</desc>",
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="#fff" stroke="#888"/>',
    ]
    for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = sy(frac)
        parts.append(f'<line x1="{left}" x2="{left + pw}" y1="{_num(y)}" y2="{_num(y)}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end" class="tick">{int(frac * 100)}%</text>')
    in_days = x_max > 96  # ticks in whole days on long axes, in hours on short ones
    for h in ticks:
        x = sx(h)
        parts.append(f'<line x1="{_num(x)}" x2="{_num(x)}" y1="{top + ph}" y2="{top + ph + 4}" stroke="#555"/>')
        parts.append(f'<text x="{_num(x)}" y="{top + ph + 17}" text-anchor="middle" class="tick">'
                     f"{_num(h / 24) + ' d' if in_days else _num(h) + ' h'}</text>")
    parts.append(f'<text x="{left + pw / 2:.0f}" y="{height - 6}" text-anchor="middle" class="axis">'
                 "time since report (h = hours, d = days)</text>")
    parts.append(f'<text transform="translate(14 {top + ph / 2:.0f}) rotate(-90)" text-anchor="middle" '
                 'class="axis">still online</text>')
    if reference_hours <= x_max:
        rx = sx(reference_hours)
        parts.append(f'<line x1="{_num(rx)}" x2="{_num(rx)}" y1="{top}" y2="{top + ph}" stroke="#B00020" '
                     'stroke-dasharray="5 4" stroke-width="1.5"/>')
        parts.append(f'<text x="{_num(rx + 4)}" y="{top + 12}" class="ref">{_num(reference_hours)} h</text>')
    for i, (channel, pts) in enumerate(sorted(curves.items())):
        color, dash, shape = PALETTE[i % len(PALETTE)], DASHES[i % len(DASHES)], MARKERS[i % len(MARKERS)]
        d = [f"M{_num(sx(0))},{_num(sy(1.0))}"]
        prev_s = 1.0
        for h, s in sorted(pts):
            d.append(f"H{_num(sx(h))}")
            if s != prev_s:
                d.append(f"V{_num(sy(s))}")
            prev_s = s
        d.append(f"H{_num(sx(x_max))}")
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<path d="{"".join(d)}" fill="none" stroke="{color}" stroke-width="2"{dash_attr}>'
                     f"<title>{escape(channel)}</title></path>")
        parts.append(_marker(shape, sx(x_max), sy(prev_s), color))
        ly = top + 14 + 20 * i
        lx = left + pw + 12
        parts.append(f'<line x1="{lx}" x2="{lx + 26}" y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="2"{dash_attr}/>')
        parts.append(_marker(shape, lx + 13, ly, color))
        parts.append(f'<text x="{lx + 32}" y="{ly + 4}" class="legend">{escape(channel)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


GRADE_COLORS = {"A": "#1a7f37", "B": "#4d9a3a", "C": "#b08800", "D": "#d4691a", "E": "#c0392b", "F": "#8b1a1a"}


def grade_bars(counts: dict[str, int]) -> Markup:
    """Horizontal bars: number of services per risk grade, each bar labelled with its count."""
    grades = ["A", "B", "C", "D", "E", "F"]
    width, row = 420, 24
    height = row * len(grades) + 10
    top_n = max(counts.values(), default=0) or 1
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart grades" viewBox="0 0 {width} {height}" '
             'role="img" aria-label="Number of services per grade">',
             "<title>Number of services per grade</title>"]
    for i, g in enumerate(grades):
        n = counts.get(g, 0)
        y = 5 + i * row
        w = 300 * n / top_n
        parts.append(f'<text x="10" y="{y + 16}" class="legend">Grade {g}</text>')
        parts.append(f'<rect x="70" y="{y + 3}" width="{_num(w)}" height="{row - 8}" fill="{GRADE_COLORS[g]}"/>')
        parts.append(f'<text x="{_num(76 + w)}" y="{y + 16}" class="legend">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
