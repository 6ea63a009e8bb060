"""Evidence packages and alerts.

- `warc`: write a WARC (ISO 28500, with warcio) from a stored run: a `warcinfo` record,
  `request`/`response` records rebuilt from the stored snapshots and headers, `metadata` records
  for every fetch without a stored body (refused media included: metadata only) and for every
  finding (element, decision, review state, quote), and a SHA-256 manifest.
- `verify`: re-check a WARC: record digests, snapshot hashes, no media, each finding's quote in
  the text extracted (by riskaudit.extract) from its response record, the manifest.
- `feed`: alert entries since the previous run (element flips, dead or login-walled report
  channels, services not assessed) as an Atom feed and as a JSON webhook POST.
"""
from __future__ import annotations


def review_states(con, run_id: int) -> dict[tuple[str, str], str]:
    """{(target_id, element): review state} of a scored run (riskaudit.stages.review); empty for a
    run that was not scored (every finding is then machine-made)."""
    from riskaudit.core.errors import UserError
    from riskaudit.stages import review

    try:
        ctx = review.load(con, run_id)
    except UserError:
        return {}
    return {key: f["state"] for key, f in ctx.findings.items()}


def review_state(finding: dict, states: dict[tuple[str, str], str] | None = None) -> str:
    """The review state of a finding as written into evidence packages and alerts: machine,
    confirmed, overridden, disputed or stale (`states` from `review_states`)."""
    return (states or {}).get((finding.get("target_id"), finding.get("element")), "machine")


def select_run(con, run_id: int | None, target_ids: list[str] | None, db_label) -> int:
    """The run an evidence package or a feed is made of (`run_id`, else the latest scored run, else
    the latest finished crawl); unknown target ids are a one-line error."""
    from riskaudit.core.errors import UserError
    from riskaudit.core.text import terminal_safe
    from riskaudit.store.runs import latest_run, latest_scored_run, run_row
    from riskaudit.store.targets import target_ids as known_targets

    known = known_targets(con)
    unknown = [t for t in target_ids or [] if t not in known]
    if unknown:
        raise UserError(f"unknown target {terminal_safe(unknown[0])!r} in {db_label}; known targets: "
                        f"{', '.join(known) or 'none'}")
    if run_id is None:
        run_id = latest_scored_run(con) or latest_run(con, "crawl")
        if run_id is None:
            raise UserError(f"{db_label}: no scored or finished crawl run; run `riskaudit crawl --db {db_label}` "
                            "and `riskaudit score` first (or pass --run ID)")
    elif run_row(con, run_id) is None:
        raise UserError(f"{db_label}: run {run_id} does not exist (see the `runs` table)")
    return int(run_id)
