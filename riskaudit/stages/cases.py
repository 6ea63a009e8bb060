"""The cases stage: observed response times from case logs, and stated times against legal deadlines.

Reads the store (`riskaudit.store.cases`, `riskaudit.store.results`) and hands plain data to the
pure analyses (`audits.survival`, `audits.response_times`).
"""
from __future__ import annotations

from audits import response_times, survival
from audits.take_it_down import missing_elements, request_elements
from riskaudit.core.clock import now_utc
from riskaudit.store import Connection
from riskaudit.store import cases as case_store
from riskaudit.store import results as result_store
from riskaudit.store.runs import latest_scored_run


def summarize(con: Connection, as_of=None, target_id: str | None = None) -> dict:
    """Kaplan–Meier summary per target × channel (see `audits.survival.summarize`)."""
    as_of_dt = survival.parse_as_of(as_of)
    agg = case_store.removal_times(con, as_of_dt, target_id)
    counts = case_store.case_counts(con, as_of_dt, target_id, survival.ALL)
    after = case_store.cases_after(con, as_of_dt, target_id)
    return survival.summarize(agg, counts, as_of_dt, after, now_utc())


def km_curves(con: Connection, target_id: str, as_of=None) -> dict[str, list[tuple[float, float]]]:
    return survival.km_curves(case_store.removal_times(con, survival.parse_as_of(as_of), target_id))


def _run(con: Connection, run_id: int | None) -> int | None:
    return run_id if run_id is not None else latest_scored_run(con)


def stated_times(con: Connection, run_id: int | None = None) -> list[dict]:
    """Every stated commitment of a scored run (default: latest), one row per (hours, channel)."""
    run_id = _run(con, run_id)
    if run_id is None:
        return []
    return response_times.stated_times(*result_store.stated_time_quotes(con, run_id))


def stated_vs_legal(con: Connection, run_id: int | None = None, rules_path=None, today=None) -> list[dict]:
    """One finding per (scored target, applicable legal rule); see `audits.response_times.stated_vs_legal`."""
    run_id = _run(con, run_id)
    if run_id is None:
        response_times.load_rules(rules_path)          # a bad rules file is still an error
        return []
    return response_times.stated_vs_legal(result_store.scored_targets(con, run_id), stated_times(con, run_id),
                                          rules_path=rules_path, today=today)


def take_it_down_elements(con: Connection, run_id: int | None, target_ids: list[str]) -> dict[str, dict]:
    """{target_id: {asks_for, missing}}: which of the TAKE IT DOWN Act's four request elements the
    statutory_ncii_process quotes of each target ask for (targets without such quotes are left out)."""
    run_id = _run(con, run_id)
    out = {}
    for tid in target_ids:
        quotes = [q["quote"] for q in result_store.element_quotes(con, tid, "statutory_ncii_process", run_id)]
        if quotes:
            out[tid] = {"asks_for": request_elements(quotes), "missing": missing_elements(quotes)}
    return out
