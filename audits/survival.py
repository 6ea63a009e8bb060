"""Observed response times: Kaplan–Meier time-to-removal per target × reporting channel.

Each case is one subject: the event is removal (`removed_at`), time is measured in hours from
`submitted_at`. Cases not removed (by the analysis time `as_of`) are right-censored at
`closed_at` when the case was closed by then, else at `as_of`. Cases submitted after `as_of`
are left out. Rows are aggregated in DuckDB to (target, channel, hours, event, count) and the
curves fitted with lifelines using `weights=`, so a million cases cost one fit per group on
aggregated rows, not a Python loop over cases.

`summarize` returns the JSON shape used by `riskaudit cases summary` and the report;
`km_curves` returns step points for plotting. Methodology: docs/response-times.md.
"""
from __future__ import annotations

import datetime as _dt
import math
import warnings

import numpy as np
import pandas as pd

from riskaudit.core.clock import now_utc
from riskaudit.core.errors import UserError
from riskaudit.core.vocab import CASE_CHANNELS

SMALL_SAMPLE_N = 10          # groups with fewer cases are flagged `small_sample: true`
WITHIN_HOURS = {"within_24h": 24.0, "within_48h": 48.0, "within_7d": 168.0}
ALL = "all"
CHANNEL_ORDER = CASE_CHANNELS


def parse_as_of(as_of) -> _dt.datetime:
    """`as_of` (None = now, datetime, or ISO 8601 string with offset) as an aware UTC datetime."""
    if as_of is None:
        return now_utc()
    if isinstance(as_of, str):
        text = as_of.strip()
        try:
            value = _dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise UserError(f"--as-of {as_of!r} is not an ISO 8601 time (e.g. 2026-06-30T00:00:00Z)") from None
        offset = value.utcoffset()
        if offset is not None and (abs(offset) > _dt.timedelta(hours=14) or offset.seconds % 60
                                   or offset.microseconds):
            raise UserError(f"--as-of {as_of!r}: the UTC offset is out of range: offsets run from -14:00 "
                            "to +14:00 in whole minutes")
        if value.tzinfo is None:
            if len(text) == 10:   # a plain date means midnight UTC
                value = value.replace(tzinfo=_dt.timezone.utc)
            else:
                raise UserError(f"--as-of {as_of!r} has no UTC offset: add Z or +hh:mm")
        as_of = value
    if isinstance(as_of, _dt.date) and not isinstance(as_of, _dt.datetime):
        as_of = _dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=_dt.timezone.utc)
    if as_of.tzinfo is None:
        raise UserError("as_of must be timezone-aware")
    return as_of.astimezone(_dt.timezone.utc)


def _iso(value: _dt.datetime) -> str:
    return value.astimezone(_dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _fit(hours: np.ndarray, events: np.ndarray, weights: np.ndarray):
    from lifelines import KaplanMeierFitter
    kmf = KaplanMeierFitter(alpha=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kmf.fit(hours, event_observed=events, weights=weights)
    return kmf


def _finite(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _share_within(kmf, hours: np.ndarray, t: float) -> float | None:
    """KM estimate of 1 − S(t); None when t lies beyond the follow-up and S has not reached 0.

    Reads the step function lifelines fitted (S at the last time <= t), without a pandas call
    per lookup.
    """
    times = kmf.survival_function_.index.to_numpy(float)
    values = kmf.survival_function_.iloc[:, 0].to_numpy(float)
    s = float(values[np.searchsorted(times, t, side="right") - 1])
    if t > float(hours.max()) and s > 0:
        return None
    return 1.0 - s


def _median(kmf) -> tuple[float | None, list[float | None]]:
    from lifelines.utils import median_survival_times
    median = _finite(kmf.median_survival_time_)
    ci = median_survival_times(kmf.confidence_interval_)
    lo, hi = (_finite(v) for v in ci.iloc[0].tolist())
    return median, [lo, hi]


def _logrank(group: pd.DataFrame) -> float | None:
    """Multivariate log-rank p-value between the channels of one target (None if untestable)."""
    if group["channel"].nunique() < 2 or not group["event"].any():
        return None
    from lifelines.statistics import multivariate_logrank_test
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = multivariate_logrank_test(group["hours"].to_numpy(float), group["channel"].to_numpy(),
                                           group["event"].to_numpy(bool), weights=group["n"].to_numpy(float))
    return _finite(result.p_value)


def _r(value, digits):
    return None if value is None else round(float(value), digits)


def _channel_key(channel: str):
    if channel == ALL:
        return (2, "")
    return (0, CHANNEL_ORDER.index(channel), channel) if channel in CHANNEL_ORDER else (1, channel)


def _target_rows(tid: str, tgroup: pd.DataFrame, counts: dict) -> list[dict]:
    """Summary rows of one target: its channels, then "all" (counts: {channel: count fields})."""
    p = _logrank(tgroup)
    per_channel = {ch: g for ch, g in tgroup.groupby("channel", sort=False)}
    per_channel[ALL] = tgroup.groupby(["hours", "event"], as_index=False)["n"].sum()
    rows = []
    for channel in sorted(per_channel, key=_channel_key):
        g = per_channel[channel]
        hours, events, weights = (g["hours"].to_numpy(float), g["event"].to_numpy(bool),
                                  g["n"].to_numpy(float))
        kmf = _fit(hours, events, weights)
        median, ci = _median(kmf)
        c = counts[channel]
        n = int(c["n"])
        row = {
            "target": tid, "channel": channel, "n": n, "removed": int(c["removed"]),
            "censored": n - int(c["removed"]),
            "median_hours": _r(median, 1), "median_ci": [_r(ci[0], 1), _r(ci[1], 1)],
        }
        for key, t in WITHIN_HOURS.items():
            row[key] = _r(_share_within(kmf, hours, t), 3)
        row.update({
            "acknowledged_share": _r(int(c["acked"]) / n, 3),
            "small_sample": n < SMALL_SAMPLE_N,
            "logrank_p": _r(p, 4) if p is None or p >= 0.0001 else float(f"{p:.2e}"),
            "refused": int(c["refused"]), "no_response": int(c["no_response"]),
            "pending": int(c["pending"]),
        })
        rows.append(row)
    return rows


def summarize(agg: pd.DataFrame, counts_frame: pd.DataFrame, as_of: _dt.datetime, cases_after: int,
              generated_at: _dt.datetime) -> dict:
    """Kaplan–Meier summary per target × channel plus per-target totals (`channel: "all"`).

    `agg`: (target_id, channel, hours, event, n) rows; `counts_frame`: per-group counts (see
    `riskaudit.store.cases.case_counts`); both for the cases known at `as_of`.
    """
    counts: dict[str, dict] = {}
    for rec in counts_frame.to_dict("records"):
        counts.setdefault(rec["target_id"], {})[rec["channel"]] = rec
    results = [_target_rows(tid, tgroup, counts[tid]) for tid, tgroup in agg.groupby("target_id", sort=True)]
    groups = [row for rows in results for row in rows]
    return {"generated_at": _iso(generated_at), "as_of": _iso(as_of),
            "cases_after_as_of": int(cases_after), "small_sample_threshold": SMALL_SAMPLE_N,
            "groups": groups}


def km_curves(agg: pd.DataFrame) -> dict[str, list[tuple[float, float]]]:
    """{channel: [(hours, survival), ...]} step points of each KM curve of one target, plus "all".

    Points start at (0, 1) and include every event and censoring time (where S is unchanged),
    so a plot can mark censoring. Survival = share of reports still not removed.
    """
    out: dict[str, list[tuple[float, float]]] = {}
    if agg.empty:
        return out
    per_channel = {ch: g for ch, g in agg.groupby("channel", sort=False)}
    per_channel[ALL] = agg.groupby(["hours", "event"], as_index=False)["n"].sum()
    for channel in sorted(per_channel, key=_channel_key):
        g = per_channel[channel]
        kmf = _fit(g["hours"].to_numpy(float), g["event"].to_numpy(bool), g["n"].to_numpy(float))
        sf = kmf.survival_function_.iloc[:, 0]
        out[channel] = [(float(t), float(s)) for t, s in zip(sf.index, sf.to_numpy())]
    return out


CSV_FIELDS = ["target", "channel", "n", "removed", "censored", "median_hours", "median_ci_low",
              "median_ci_high", "within_24h", "within_48h", "within_7d", "acknowledged_share",
              "small_sample", "logrank_p", "refused", "no_response", "pending"]


def flat_rows(summary: dict) -> list[dict]:
    """Groups flattened for CSV/table output (median_ci split into two columns)."""
    rows = []
    for g in summary["groups"]:
        row = {k: g.get(k) for k in CSV_FIELDS if k in g}
        row["median_ci_low"], row["median_ci_high"] = g["median_ci"]
        rows.append({k: row.get(k) for k in CSV_FIELDS})
    return rows
