"""Generates the demo case log `riskaudit/demo/cases.csv` (fictional, deterministic).

Run `python riskaudit/demo/make_cases.py` to rewrite the CSV; the fixed seed makes the output
identical on every run. The pattern is one a journalist would report: pixelpost removes
copyright reports in about a day while most NCII reports stay pending for weeks; chirply
removes most NCII reports within 48 h; boxcloud answers e-mail in several days. All content
URLs are on the reserved `example.invalid` domain. Analyse it with
`riskaudit cases summary --as-of 2026-06-30T00:00:00Z` (DEMO_AS_OF) for stable figures.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

SEED = 20260519
DEMO_AS_OF = "2026-06-30T00:00:00Z"
OUT = Path(__file__).with_name("cases.csv")
COLUMNS = ["case_id", "target", "channel", "submitted_at", "acknowledged_at", "removed_at",
           "closed_at", "outcome", "jurisdiction", "content_url"]
OFFSETS = [dt.timezone.utc, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-5)),
           dt.timezone(dt.timedelta(hours=5, minutes=30))]
JURISDICTIONS = ["US", "US", "US", "GB", "DE", "IN", "AU", ""]

# (target, channel, cases, P(removed), median hours to removal, spread (log-sd),
#  P(acknowledged), share of the not-removed that are refused / no_response (rest pending))
PROFILES = [
    ("chirply", "ncii_form", 26, 0.92, 20, 0.6, 0.95, (0.5, 0.2)),
    ("chirply", "email", 9, 0.7, 60, 0.7, 0.6, (0.3, 0.4)),
    ("pixelpost", "copyright", 22, 0.95, 24, 0.35, 0.9, (0.5, 0.0)),
    ("pixelpost", "ncii_form", 22, 0.15, 400, 0.5, 0.3, (0.1, 0.3)),
    ("boxcloud", "email", 24, 0.8, 110, 0.6, 0.7, (0.4, 0.4)),
    ("threadhub", "in_app", 16, 0.55, 70, 1.0, 0.8, (0.7, 0.1)),
    ("threadhub", "ncii_form", 6, 0.8, 30, 0.5, 1.0, (0.5, 0.0)),
    ("lumencams", "ncii_form", 15, 0.9, 12, 0.5, 1.0, (0.5, 0.0)),
    ("sparkmatch", "in_app", 10, 0.4, 150, 0.8, 0.5, (0.3, 0.5)),
]


def _ts(value: dt.datetime | None, tz: dt.tzinfo) -> str:
    if value is None:
        return ""
    text = value.astimezone(tz).isoformat(timespec="minutes")
    return text.replace("+00:00", "Z")


def generate(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    start = dt.datetime(2026, 2, 2, tzinfo=dt.timezone.utc)
    rows = []
    for target, channel, count, p_removed, median, spread, p_ack, (p_refused, p_nr) in PROFILES:
        for _ in range(count):
            submitted = start + dt.timedelta(minutes=rng.randrange(0, 115 * 24 * 60))
            tz = rng.choice(OFFSETS)
            acked = (submitted + dt.timedelta(minutes=rng.randrange(5, 36 * 60))) if rng.random() < p_ack else None
            removed = closed = None
            if rng.random() < p_removed:
                hours = median * rng.lognormvariate(0, spread)
                removed = submitted + dt.timedelta(minutes=round(hours * 60) + 1)
                outcome = "removed"
                if acked and acked > removed:
                    acked = removed
            else:
                r = rng.random()
                outcome = "refused" if r < p_refused else "no_response" if r < p_refused + p_nr else "pending"
                if outcome == "refused":
                    closed = submitted + dt.timedelta(hours=rng.uniform(24, 240))
                elif outcome == "no_response":
                    acked = None
                    closed = submitted + dt.timedelta(days=rng.choice([21, 28, 30]))
                if closed and acked and acked > closed:
                    acked = closed
            rows.append({"target": target, "channel": channel, "submitted": submitted, "tz": tz,
                         "acknowledged_at": acked, "removed_at": removed, "closed_at": closed,
                         "outcome": outcome, "jurisdiction": rng.choice(JURISDICTIONS)})
    rows.sort(key=lambda r: r["submitted"])
    out = []
    for i, r in enumerate(rows, 1):
        out.append({
            "case_id": f"DEMO-{i:04d}", "target": r["target"], "channel": r["channel"],
            "submitted_at": _ts(r["submitted"], r["tz"]), "acknowledged_at": _ts(r["acknowledged_at"], r["tz"]),
            "removed_at": _ts(r["removed_at"], r["tz"]), "closed_at": _ts(r["closed_at"], r["tz"]),
            "outcome": r["outcome"], "jurisdiction": r["jurisdiction"],
            "content_url": f"https://example.invalid/{r['target']}/post/{i:04d}",
        })
    return out


def write(path: Path = OUT) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(generate())
    return path


if __name__ == "__main__":  # pragma: no cover
    print(f"wrote {write()}")
