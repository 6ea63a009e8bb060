"""Builds a small, realistic DuckDB store for the report tests by inserting rows directly.

Two finished crawl runs of six fictional services of every kind: evidence quotes, fetches (including
robots-blocked, refused media and failures), report-channel checks (one dead, one login-walled,
one mailto) and one hostile service whose crawled titles, quotes and URLs carry script injections.
Run 2 changes some element decisions so "changes since the previous run" has content.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from audits import rubric
from riskaudit import store

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "img": "<img src=x onerror=alert(1)>",
    "attr": '" onmouseover="alert(1)',
    "js_url": "javascript:alert(1)",
}

UTC = dt.timezone.utc
RUN1_START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
RUN2_START = dt.datetime(2026, 4, 1, 9, 0, tzinfo=UTC)

# (target_id, name, kind, elements met in run 2, elements met in run 1 when different)
SERVICES = [
    ("pixelboard", "Pixelboard", "social",
     {"ncii_prohibited", "synthetic_intimate_covered", "sextortion_prohibited", "csam_prohibited",
      "csam_reported_to_authorities", "general_reporting_channel", "ncii_reporting_channel", "non_user_reporting",
      "abuse_contact_published", "copyright_takedown_channel", "appeal_available", "hash_matching",
      "stated_response_time", "ncii_removal_within_48h", "transparency_reporting"},
     {"ncii_prohibited", "sextortion_prohibited", "csam_prohibited", "general_reporting_channel",
      "copyright_takedown_channel", "appeal_available", "stated_response_time"}),
    ("amourly", "Amourly", "dating",
     {"ncii_prohibited", "csam_prohibited", "general_reporting_channel", "abuse_contact_published",
      "copyright_takedown_channel"}, None),
    ("velvet-lounge", "Velvet Lounge", "adult",
     {"ncii_prohibited", "creation_or_solicitation_prohibited", "csam_prohibited", "synthetic_csam_covered",
      "general_reporting_channel", "ncii_reporting_channel", "statutory_ncii_process", "stated_response_time",
      "ncii_removal_within_48h"}, None),
    ("stackhost", "Stackhost", "host",
     {"csam_prohibited", "abuse_contact_published", "copyright_takedown_channel"}, None),
    ("dreamforge", "DreamForge AI", "ai_tool",
     {"ncii_prohibited", "synthetic_intimate_covered", "creation_or_solicitation_prohibited", "csam_prohibited",
      "synthetic_csam_covered", "general_reporting_channel", "provenance_marking", "sexual_content_safeguards"},
     None),
    ("hostile", "Evil " + HOSTILE["img"], "social",
     {"ncii_prohibited", "general_reporting_channel", "stated_response_time"}, None),
]

QUOTES = {
    "ncii_prohibited": "Do not share intimate images of another person without their consent.",
    "synthetic_intimate_covered": "This includes AI-generated or digitally altered intimate images of real people.",
    "creation_or_solicitation_prohibited": "Do not create or request sexual images of real people.",
    "sextortion_prohibited": "Threatening to share someone's intimate images is forbidden.",
    "csam_prohibited": "We prohibit child sexual abuse material.",
    "synthetic_csam_covered": "This covers drawn, animated or AI-generated depictions of minors.",
    "csam_reported_to_authorities": "We report child sexual abuse material to NCMEC.",
    "general_reporting_channel": "Use the Report button on any post to tell us about content that breaks our rules.",
    "ncii_reporting_channel": "Report intimate images shared without consent with our dedicated form.",
    "non_user_reporting": "Anyone, including people without an account, can use the form.",
    "abuse_contact_published": "Send abuse notices to abuse@example.test.",
    "copyright_takedown_channel": "Send copyright notices to our designated agent.",
    "statutory_ncii_process": "Under the TAKE IT DOWN Act you may request removal of intimate images.",
    "appeal_available": "You can appeal any moderation decision from your account page.",
    "hash_matching": "We use hash matching, including StopNCII hashes, to block known imagery.",
    "stated_response_time": "We respond to reports within 24 hours.",
    "ncii_removal_within_48h": "We remove non-consensual intimate imagery within 48 hours of a valid request.",
    "transparency_reporting": "We publish a transparency report twice a year.",
    "provenance_marking": "Images we generate carry C2PA content credentials.",
    "sexual_content_safeguards": "Automated classifiers block sexual content involving real people.",
}


def _decisions(kind: str, met: set[str]) -> dict[str, bool | None]:
    return {e: (e in met) if rubric.applicable(e, kind) else None for e in rubric.ELEMENT_IDS}


def _insert_run(con, run_id: int, started: dt.datetime, which: int) -> None:
    con.execute("INSERT INTO runs (run_id, kind, started_at, finished_at, status, tool_version) "
                "VALUES (?, 'crawl', ?, ?, 'finished', 'test')", [run_id, started, started + dt.timedelta(minutes=42)])
    for n, (tid, name, kind, met2, met1) in enumerate(SERVICES):
        met = met2 if which == 2 or met1 is None else met1
        hostile = tid == "hostile"
        base = f"https://{tid}.example.test"
        fetched = started + dt.timedelta(minutes=n)
        docs = [("Terms of Service", f"{base}/terms"), ("Community Guidelines", f"{base}/rules")]
        if hostile:
            docs = [("Terms " + HOSTILE["script"], HOSTILE["js_url"]),
                    ("Rules " + HOSTILE["attr"], f"{base}/rules?q=\"><script>alert(1)</script>")]
        doc_ids = []
        for i, (title, url) in enumerate(docs):
            snap = store.sha256_hex(f"{tid}-{run_id}-{i}")
            doc_id = run_id * 1000 + n * 10 + i
            doc_ids.append((doc_id, title, url, snap))
            con.execute("INSERT INTO documents (document_id, run_id, target_id, doc_type, name, url, final_url, title, "
                        "text, text_sha256, snapshot_sha256, fetched_at, source) "
                        "VALUES (?, ?, ?, 'terms_of_service', ?, ?, ?, ?, ?, ?, ?, ?, 'crawl')",
                        [doc_id, run_id, tid, title, url, url, title, "text", snap, snap, fetched])
            con.execute("INSERT INTO fetches (run_id, target_id, purpose, url, final_url, status, latency_ms, bytes, "
                        "content_type, snapshot_sha256, fetched_at) VALUES (?, ?, 'document', ?, ?, 200, 120, 5000, "
                        "'text/html', ?, ?)", [run_id, tid, url, url, snap, fetched])
        # crawl trouble: one robots-blocked page, one refused image, one timeout, one 404
        con.execute("INSERT INTO fetches (run_id, target_id, purpose, url, error, robots_blocked, fetched_at) "
                    "VALUES (?, ?, 'document', ?, 'robots', TRUE, ?)", [run_id, tid, f"{base}/private", fetched])
        if n % 2 == 0:
            con.execute("INSERT INTO fetches (run_id, target_id, purpose, url, error, media_refused, bytes, fetched_at) "
                        "VALUES (?, ?, 'discovery', ?, 'media_refused', TRUE, 0, ?)", [run_id, tid, f"{base}/a.jpg", fetched])
            con.execute("INSERT INTO fetches (run_id, target_id, purpose, url, error, fetched_at) "
                        "VALUES (?, ?, 'document', ?, ?, ?)",
                        [run_id, tid, f"{base}/slow", HOSTILE["script"] if hostile else "timeout", fetched])
        else:
            con.execute("INSERT INTO fetches (run_id, target_id, purpose, url, status, fetched_at) "
                        "VALUES (?, ?, 'document', ?, 404, ?)", [run_id, tid, f"{base}/gone", fetched])
        # report channels: Amourly's NCII form is dead, Velvet Lounge's is behind a login
        chans = [("ncii_form", f"{base}/report", 200, False, True, None), ("abuse_email", "mailto:abuse@example.test",
                                                                           None, None, None, None)]
        if tid == "amourly":
            chans[0] = ("ncii_form", f"{base}/report", 404, False, False, None)
        if tid == "velvet-lounge":
            chans[0] = ("ncii_form", f"{base}/report", 200, True, False, None)
        if hostile:
            chans.append(("other", HOSTILE["js_url"], None, None, None, HOSTILE["script"]))
        for kind_, url, status, login, ok, err in chans:
            con.execute("INSERT INTO channel_checks (run_id, target_id, channel_kind, url, status, final_url, latency_ms, "
                        "login_required, ok, error, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [run_id, tid, kind_, url, status, url if status else None, 250.0 if status else None,
                         login, ok, err, fetched])
        # scores
        dec = _decisions(kind, met)
        cats = rubric.category_scores(dec)
        score = rubric.overall_score(dec)
        con.execute("INSERT INTO scores (run_id, target_id, service, kind, rubric_version, score, grade, "
                    "scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [run_id, tid, name, kind, rubric.RUBRIC_VERSION, score, rubric.grade(score), fetched])
        for cat, value in cats.items():
            con.execute("INSERT INTO category_scores (run_id, target_id, category, score) VALUES (?, ?, ?, ?)",
                        [run_id, tid, cat, value])
        for e in rubric.ELEMENTS:
            hours = [24.0] if e.id == "stated_response_time" and dec[e.id] else None
            con.execute("INSERT INTO element_results (run_id, target_id, element, category, met, hours, "
                        "rubric_version) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [run_id, tid, e.id, e.category, dec[e.id], hours, rubric.RUBRIC_VERSION])
            if not dec[e.id]:
                continue
            quotes = [QUOTES[e.id]]
            if hostile:
                quotes = [QUOTES[e.id] + " " + HOSTILE["script"], HOSTILE["img"] + " " + HOSTILE["attr"]]
            elif e.category == "P":
                quotes.append("See also section 4 of these terms.")
            for ordinal, q in enumerate(quotes):
                doc_id, title, url, snap = doc_ids[ordinal % len(doc_ids)]
                con.execute("INSERT INTO evidence (run_id, target_id, element, ordinal, document_id, document, url, "
                            "snapshot_sha256, fetched_at, quote) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [run_id, tid, e.id, ordinal, doc_id, title, url, snap, fetched, q])


def build_fixture_db(path: str | Path) -> Path:
    """Create the fixture store at `path` (which must not exist yet) and return it."""
    path = Path(path)
    con = store.connect(path)
    try:
        for tid, name, kind, _m2, _m1 in SERVICES:
            con.execute("INSERT INTO targets (target_id, name, kind, jurisdictions, homepage) VALUES (?, ?, ?, [], ?)",
                        [tid, name, kind, HOSTILE["js_url"] if tid == "hostile" else f"https://{tid}.example.test/"])
        _insert_run(con, 1, RUN1_START, 1)
        _insert_run(con, 2, RUN2_START, 2)
    finally:
        con.close()
    return path
