"""Kaplan–Meier analysis of case logs against hand-computed values (censoring, ties, as-of)."""
from __future__ import annotations

import csv
import datetime as dt
import json
import math

import pytest

from riskaudit.cli import main
from riskaudit.core.errors import UserError
from riskaudit.importers.cases import COLUMNS, import_cases_csv
from riskaudit.stages.cases import km_curves, summarize
from riskaudit.store import connect
from riskaudit.store.targets import upsert_target

T0 = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
Z = 1.959963984540054   # normal quantile for a 95 % interval


def iso(hours: float | None, offset_hours: int = 0) -> str:
    if hours is None:
        return ""
    tz = dt.timezone(dt.timedelta(hours=offset_hours))
    return (T0 + dt.timedelta(hours=hours)).astimezone(tz).isoformat()


def case(cid, target, channel, outcome, *, sub=0.0, removed=None, closed=None, ack=None, offset=0):
    """A CSV row; times are hours after T0 (written with a UTC offset of `offset` hours)."""
    return ",".join([cid, target, channel, iso(sub, offset), iso(ack, offset), iso(removed, offset),
                     iso(closed, offset), outcome, "", ""])


@pytest.fixture
def db(tmp_path):
    con = connect(tmp_path / "km.duckdb")
    for tid in ("alpha", "beta", "gamma"):
        upsert_target(con, tid, tid.title(), "social", [])
    yield con, tmp_path
    con.close()


def load(db, rows):
    con, tmp_path = db
    path = tmp_path / f"log{len(rows)}.csv"
    path.write_text("\n".join([",".join(COLUMNS)] + rows) + "\n", encoding="utf-8")
    import_cases_csv(con, path)
    return con


def group(summary, target, channel):
    return next(g for g in summary["groups"] if g["target"] == target and g["channel"] == channel)


# Six ncii_form reports to alpha, analysed as of T0 + 200 h:
#   10 h removed | 20 h refused, closed at 20 h (censored) | 30 h removed | 40 h removed |
#   submitted at 150 h and still pending at as-of 200 h (censored at 50 h) | 60 h removed
#
#   t    at risk  removed  S(t)                      Greenwood sum  Σ d/(n(n-d))
#   10   6        1        5/6           = 0.8333    1/30            = 0.0333
#   20   5        0 (cens) 0.8333
#   30   4        1        0.8333 × 3/4  = 0.6250    + 1/12          = 0.1167
#   40   3        1        0.6250 × 2/3  = 0.4167    + 1/6           = 0.2833
#   50   2        0 (cens) 0.4167
#   60   1        1        0
# median = first t with S(t) <= 0.5 = 40 h
# within 24 h = 1 − S(24) = 1/6 = 0.167 ; within 48 h = 1 − S(48) = 0.583 ; within 7 d = 1 − S(168) = 1
# 95 % CI, exponential Greenwood: S^exp(±z·sqrt(V)/log S):
#   t=10: [0.2731, 0.9747]  t=30: [0.1419, 0.8931]  t=40: [0.0560, 0.7665]  t=60: [0, 0]
# CI of the median: lower = first t where the LOWER curve <= 0.5 = 10 h;
#                   upper = first t where the UPPER curve <= 0.5 = 60 h.
SIX = [
    case("k1", "alpha", "ncii_form", "removed", removed=10, ack=1),
    case("k2", "alpha", "ncii_form", "refused", closed=20, ack=2, offset=2),
    case("k3", "alpha", "ncii_form", "removed", removed=30, offset=-5),
    case("k4", "alpha", "ncii_form", "removed", removed=40),
    case("k5", "alpha", "ncii_form", "pending", sub=150),
    case("k6", "alpha", "ncii_form", "removed", removed=60),
]
AS_OF = (T0 + dt.timedelta(hours=200)).isoformat()


def test_hand_computed_km_with_closed_and_as_of_censoring(db):
    con = load(db, SIX)
    g = group(summarize(con, as_of=AS_OF), "alpha", "ncii_form")
    assert (g["n"], g["removed"], g["censored"]) == (6, 4, 2)
    assert g["median_hours"] == 40.0
    assert g["median_ci"] == [10.0, 60.0]
    assert g["within_24h"] == 0.167 and g["within_48h"] == 0.583 and g["within_7d"] == 1.0
    assert g["acknowledged_share"] == round(2 / 6, 3)
    assert g["small_sample"] is True
    assert g["logrank_p"] is None          # only one channel: nothing to compare
    # the exponential-Greenwood pointwise interval at t = 40, recomputed by hand
    s, v = 5 / 6 * 3 / 4 * 2 / 3, 1 / 30 + 1 / 12 + 1 / 6
    lo = math.exp(-math.exp(math.log(-math.log(s)) - Z * math.sqrt(v) / math.log(s)))
    hi = math.exp(-math.exp(math.log(-math.log(s)) + Z * math.sqrt(v) / math.log(s)))
    assert (round(min(lo, hi), 4), round(max(lo, hi), 4)) == (0.056, 0.7665)


def test_curve_points_include_censoring_steps(db):
    con = load(db, SIX)
    pts = km_curves(con, "alpha", as_of=AS_OF)["ncii_form"]
    assert [(t, round(s, 4)) for t, s in pts] == [
        (0.0, 1.0), (10.0, 0.8333), (20.0, 0.8333), (30.0, 0.625), (40.0, 0.4167), (50.0, 0.4167), (60.0, 0.0)]


def test_as_of_earlier_censors_later_removals_and_drops_later_cases(db):
    con = load(db, SIX)
    # as of T0 + 45 h: k6 (removed at 60) is censored at 45, k5 (submitted at 150) not yet filed.
    #   t=10 5 at risk → 4/5 = 0.8 ; 20 cens ; t=30 3 at risk → 0.5333 ; t=40 2 at risk → 0.2667 ; 45 cens
    #   median 40 ; within 24 h = 1 − 0.8 = 0.2
    s = summarize(con, as_of=(T0 + dt.timedelta(hours=45)).isoformat())
    g = group(s, "alpha", "ncii_form")
    assert (g["n"], g["removed"], g["censored"]) == (5, 3, 2)
    assert s["cases_after_as_of"] == 1
    assert g["median_hours"] == 40.0
    assert g["median_ci"][1] is None       # upper curve never reaches 0.5: infinite bound → null
    assert g["within_48h"] is None         # 48 h is past every follow-up and S > 0: not estimable
    assert g["within_24h"] == 0.2


def test_ties_and_event_before_censoring_at_same_time(db):
    # beta/email: removed at 5, 5; closed (refused) at 5; removed at 10; closed at 60
    #   t=5: 5 at risk (the case censored at 5 still counts), 2 removed → S = 3/5 = 0.6
    #   t=10: 2 at risk, 1 removed → S = 0.3 ; t=60 censored
    # median = 10 ; within 48 h = 0.7 ; within 7 d: past follow-up with S > 0 → null
    rows = [case("t1", "beta", "email", "removed", removed=5), case("t2", "beta", "email", "removed", removed=5),
            case("t3", "beta", "email", "refused", closed=5), case("t4", "beta", "email", "removed", removed=10),
            case("t5", "beta", "email", "no_response", closed=60)]
    g = group(summarize(load(db, rows), as_of=AS_OF), "beta", "email")
    assert g["median_hours"] == 10.0 and g["within_48h"] == 0.7 and g["within_7d"] is None
    assert (g["removed"], g["censored"]) == (3, 2)


def test_median_never_reached_is_null(db):
    # gamma/copyright: removed at 10; then censored at 20, 30, 40 → S = 3/4 after 10 h, never <= 0.5
    # lower curve at 10 h: exp(-exp(log(-log .75) + z·sqrt(1/12)/log .75)) = 0.128 <= 0.5 → CI [10, null]
    rows = [case("n1", "gamma", "copyright", "removed", removed=10),
            case("n2", "gamma", "copyright", "refused", closed=20),
            case("n3", "gamma", "copyright", "refused", closed=30),
            case("n4", "gamma", "copyright", "refused", closed=40)]
    g = group(summarize(load(db, rows), as_of=AS_OF), "gamma", "copyright")
    assert g["median_hours"] is None
    assert g["median_ci"] == [10.0, None]
    assert g["within_24h"] == 0.25


def test_weighted_fit_equals_per_case_fit(db):
    from lifelines import KaplanMeierFitter
    hours = [3, 3, 3, 7, 7, 12, 20, 20, 50, 90]
    events = [1, 1, 0, 1, 1, 0, 1, 1, 0, 1]
    rows = [case(f"w{i}", "alpha", "in_app", "removed" if e else "refused",
                 removed=h if e else None, closed=None if e else h) for i, (h, e) in enumerate(zip(hours, events))]
    g = group(summarize(load(db, rows), as_of=AS_OF), "alpha", "in_app")
    kmf = KaplanMeierFitter().fit(hours, events)
    assert g["median_hours"] == round(kmf.median_survival_time_, 1)
    assert g["within_48h"] == round(1 - float(kmf.survival_function_at_times(48).iloc[0]), 3)
    assert g["small_sample"] is False      # n = 10 reaches the threshold


def test_logrank_identical_channels_p_near_one_and_different_small(db):
    same = [case(f"s{c}{i}", "alpha", c, "removed", removed=h)
            for c in ("ncii_form", "copyright") for i, h in enumerate([5, 10, 20, 40, 80])]
    fast = [case(f"f{i}", "beta", "copyright", "removed", removed=1 + i) for i in range(10)]
    slow = [case(f"l{i}", "beta", "ncii_form", "removed", removed=200 + 10 * i) for i in range(10)]
    s = summarize(load(db, same + fast + slow), as_of=(T0 + dt.timedelta(days=30)).isoformat())
    assert group(s, "alpha", "all")["logrank_p"] == pytest.approx(1.0, abs=1e-6)
    assert group(s, "beta", "all")["logrank_p"] < 0.05
    assert group(s, "beta", "copyright")["logrank_p"] == group(s, "beta", "all")["logrank_p"]


def test_order_totals_and_target_filter(db):
    rows = SIX + [case("c1", "alpha", "copyright", "removed", removed=2), case("b1", "beta", "email", "pending")]
    con = load(db, rows)
    s = summarize(con, as_of=AS_OF)
    assert [(g["target"], g["channel"]) for g in s["groups"]] == [
        ("alpha", "ncii_form"), ("alpha", "copyright"), ("alpha", "all"), ("beta", "email"), ("beta", "all")]
    total = group(s, "alpha", "all")
    assert (total["n"], total["removed"]) == (7, 5)
    assert s["as_of"] == "2026-03-09T08:00:00Z"
    only = summarize(con, as_of=AS_OF, target_id="beta")
    assert {g["target"] for g in only["groups"]} == {"beta"}
    assert group(only, "beta", "email")["median_hours"] is None


def test_as_of_must_have_offset():
    from audits.survival import parse_as_of
    with pytest.raises(UserError, match="no UTC offset"):
        parse_as_of("2026-03-01T10:00:00")
    assert parse_as_of("2026-03-01").isoformat() == "2026-03-01T00:00:00+00:00"


def test_cli_summary_formats(db, capsys):
    con, tmp_path = db
    load(db, SIX)
    con.close()
    dbp = str(tmp_path / "km.duckdb")
    assert main(["cases", "summary", "--db", dbp, "--format", "json", "--as-of", AS_OF]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["as_of"] == "2026-03-09T08:00:00Z" and data["groups"][0]["median_ci"] == [10.0, 60.0]
    out = tmp_path / "s.csv"
    assert main(["cases", "summary", "--db", dbp, "--format", "csv", "--as-of", AS_OF, "--out", str(out)]) == 0
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows[0][:8] == ["target", "channel", "n", "removed", "censored", "median_hours", "median_ci_low",
                           "median_ci_high"]
    assert rows[1][:11] == ["alpha", "ncii_form", "6", "4", "2", "40.0", "10.0", "60.0", "0.167", "0.583", "1.0"]
    assert out.read_text().splitlines()[1].startswith('"alpha","ncii_form",6,4,2,40.0')   # text quoted, numbers not
    assert main(["cases", "summary", "--db", dbp, "--format", "table", "--as-of", AS_OF]) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[1].split()[:3] == ["target", "channel", "n"] and any(line.startswith("alpha ") for line in table)
    assert main(["cases", "summary", "--db", dbp, "--as-of", "yesterday"]) == 2
    assert "not an ISO 8601 time" in capsys.readouterr().err

