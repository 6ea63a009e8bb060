"""Reviewed findings (issue 13): states, staleness across crawls, scores and reports from reviewed
decisions, the queue, the spreadsheet round trip (atomic import), right of reply and the log."""
from __future__ import annotations

import csv
import io
import json

import pytest

from audits import rubric
from reports.build import build_report
from riskaudit import store
from riskaudit.cli import main
from riskaudit.core.errors import UserError
from riskaudit.stages import review
from riskaudit.stages.score import score_run
from tests.support import review_fixture as fx

REPLY_CHANNEL_QUOTE = "Victims can request removal of intimate images through our privacy form."
NCII_QUOTE = "You may not share intimate images of another person without their consent."
OVERRIDE_REASON = "the privacy form handles account data requests, not <b>image</b> removal"


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "audit.duckdb"
    fx.crawl_run(path)
    return path


def _ctx(db, run_id=None):
    con = store.connect(db, create=False)
    try:
        return review.load(con, run_id, str(db))
    finally:
        con.close()


def _review(db, target, element, reviewer, decision, reason="", quotes=None):
    con = store.connect(db, create=False)
    try:
        ctx = review.load(con, None, str(db))
        review.record(con, [ctx.prepare(target, element, reviewer=reviewer, decision=decision, reason=reason,
                                        quotes=quotes)])
    finally:
        con.close()


def _actions(db):
    con = store.connect(db, create=False)
    try:
        return review.log(con)
    finally:
        con.close()


def _csv(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _machine_decisions(ctx, target):
    return {k[1]: f["met"] for k, f in ctx.findings.items() if k[0] == target}


def test_override_rescore_report_shows_the_override_and_the_new_score(db, tmp_path):
    ctx = _ctx(db)
    machine = _machine_decisions(ctx, "pixelboard")
    assert machine["ncii_reporting_channel"] is True and machine["ncii_prohibited"] is True
    _review(db, "pixelboard", "ncii_reporting_channel", "ana", "not_met", OVERRIDE_REASON, [REPLY_CHANNEL_QUOTE])
    _review(db, "pixelboard", "ncii_prohibited", "ana", "confirm")
    ctx = _ctx(db)
    assert ctx.findings[("pixelboard", "ncii_reporting_channel")]["state"] == "overridden"
    assert ctx.findings[("pixelboard", "ncii_prohibited")]["state"] == "confirmed"

    expected = rubric.overall_score(dict(machine, ncii_reporting_channel=False))
    machine_score = rubric.overall_score(machine)
    assert expected < machine_score
    score_run(str(db), 1)                          # re-scoring keeps the reviews (documents unchanged)
    out = tmp_path / "out"
    html = build_report(str(db), str(out)).read_text(encoding="utf-8")
    scores = {r["id"]: r for r in _csv(out / "scores.csv")}
    assert float(scores["pixelboard"]["score"]) == expected
    assert float(scores["pixelboard"]["machine_score"]) == machine_score
    assert "overridden: the privacy form handles account data requests, not &lt;b&gt;image&lt;/b&gt; removal" in html
    assert "<b>image</b>" not in html
    assert "reviewed by ana on" in html
    assert "6% of findings reviewed (2 of 36); 1 overridden" in html    # 18 applicable elements each
    elements = {(r["service"], r["element"]): r for r in _csv(out / "elements.csv")}
    row = elements[("Pixelboard", "ncii_reporting_channel")]
    assert (row["met"], row["machine_met"], row["review_state"], row["reviewed_by"]) == ("false", "true", "overridden", "ana")
    assert row["review_reason"] == OVERRIDE_REASON
    js = {t["id"]: t for t in json.loads((out / "scores.json").read_text(encoding="utf-8"))["targets"]}
    assert js["pixelboard"]["score"] == expected
    assert js["pixelboard"]["elements"]["ncii_reporting_channel"]["review"]["state"] == "overridden"
    assert "Review: 6% of findings reviewed (2 of 36); 1 overridden" in (out / "summary.md").read_text(encoding="utf-8")


def test_riskaudit_export_uses_the_reviewed_decision(db, tmp_path, capsys):
    _review(db, "pixelboard", "ncii_reporting_channel", "ana", "not_met", OVERRIDE_REASON)
    out = tmp_path / "export.json"
    assert main(["export", "--db", str(db), "--out", str(out)]) == 0
    targets = {t["id"]: t for t in json.loads(out.read_text(encoding="utf-8"))["targets"]}
    el = targets["pixelboard"]["elements"]["ncii_reporting_channel"]
    assert el["met"] is False and el["review"]["machine_met"] is True
    build_report(str(db), str(tmp_path / "rep"))
    report = {t["id"]: t for t in json.loads((tmp_path / "rep" / "scores.json").read_text(encoding="utf-8"))["targets"]}
    assert report["pixelboard"] == targets["pixelboard"]      # one overlay, two code paths


def test_reviewed_only_scores_only_reviewed_findings(db, tmp_path):
    _review(db, "pixelboard", "ncii_prohibited", "ana", "confirm")
    _review(db, "pixelboard", "hash_matching", "ana", "confirm")
    out = tmp_path / "out"
    html = build_report(str(db), str(out), reviewed_only=True).read_text(encoding="utf-8")
    scores = {r["id"]: r for r in _csv(out / "scores.csv")}
    # P: 1 of 1 reviewed element met; R: 0 of 1 -> mean of 100 and 0
    assert float(scores["pixelboard"]["score"]) == 50.0
    assert scores["stackhost"]["score"] == ""           # nothing reviewed: no score
    assert "pending review (not scored)" in html and "--reviewed-only" in html


def test_changed_document_makes_its_review_stale_with_a_diff(db, capsys):
    _review(db, "pixelboard", "ncii_prohibited", "ana", "confirm")                   # relies on the terms page
    _review(db, "pixelboard", "ncii_reporting_channel", "ana", "not_met", OVERRIDE_REASON,
            [REPLY_CHANNEL_QUOTE])                                                 # relies on the safety page
    _review(db, "stackhost", "abuse_contact_published", "ben", "confirm")
    pages = {tid: dict(docs) for tid, docs in fx.PAGES.items()}
    pages["pixelboard"]["https://pixelboard.example/terms"] = fx.PIXEL_TERMS.replace(
        "without their consent.", "without their consent, unless they are a public figure.")
    run2 = fx.crawl_run(db.parent / db.name, pages)           # a re-crawl: terms changed, the rest unchanged
    assert run2 == 2
    ctx = _ctx(db)
    stale = ctx.findings[("pixelboard", "ncii_prohibited")]
    assert stale["state"] == "stale" and not stale["reviewed"]
    r = stale["reviews"][0]
    assert any("changed since the review" in s for s in r.stale)
    assert any("no longer occurs verbatim" in s for s in r.stale)        # the quote itself was edited
    assert "+" in r.diffs[0]["diff"] and "unless they are a public figure" in r.diffs[0]["diff"]
    kept = ctx.findings[("pixelboard", "ncii_reporting_channel")]
    assert kept["state"] == "overridden" and kept["effective_met"] is False
    assert ctx.findings[("stackhost", "abuse_contact_published")]["state"] == "confirmed"
    q = review.queue(ctx)
    # machine decisions flagged needs_review come first (issue 13), then stale reviews
    first_other = next(x for x in q if x["rank"] > 0)
    assert all(x["rank"] == 0 and x["state"] == "machine" for x in q[:q.index(first_other)])
    assert (first_other["target_id"], first_other["element"], first_other["state"]) == ("pixelboard", "ncii_prohibited", "stale")
    capsys.readouterr()
    assert main(["review", "queue", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "pixelboard/ncii_prohibited: what changed in Terms of Service" in out
    assert "+You may not share intimate images of another person without their consent, unless they are a public figure." in out
    assert main(["review", "queue", "--db", str(db), "--format", "json"]) == 0
    first = next(x for x in json.loads(capsys.readouterr().out)["queue"] if x["state"] != "machine")
    assert first["state"] == "stale" and "public figure" in first["diffs"][0]["diff"]
    # confirming it again against the new text brings it back
    _review(db, "pixelboard", "ncii_prohibited", "ana", "confirm")
    assert _ctx(db).findings[("pixelboard", "ncii_prohibited")]["state"] == "confirmed"


def test_unchanged_documents_keep_their_reviews_across_a_new_crawl(db):
    _review(db, "pixelboard", "ncii_prohibited", "ana", "confirm")
    _review(db, "pixelboard", "hash_matching", "ana", "confirm")             # not met: relies on every document
    _review(db, "pixelboard", "ncii_reporting_channel", "ana", "not_met", OVERRIDE_REASON)
    before = {k: f["state"] for k, f in _ctx(db).findings.items()}
    assert fx.crawl_run(db) == 2
    ctx = _ctx(db)
    assert ctx.run_id == 2
    assert {k: f["state"] for k, f in ctx.findings.items()} == before
    assert ctx.progress()["reviewed"] == 3
    # any document change makes a "not met" without quotes stale (absence is a claim about all of them)
    pages = {tid: dict(docs) for tid, docs in fx.PAGES.items()}
    pages["pixelboard"]["https://pixelboard.example/safety"] += "\nWe also answer questions by email.\n"
    fx.crawl_run(db, pages)
    ctx = _ctx(db)
    assert ctx.findings[("pixelboard", "hash_matching")]["state"] == "stale"
    assert ctx.findings[("pixelboard", "ncii_prohibited")]["state"] == "confirmed"


def test_two_reviewers_disagreeing_is_a_dispute(db):
    _review(db, "pixelboard", "appeal_available", "ana", "confirm")
    _review(db, "pixelboard", "appeal_available", "ben", "not_met", "appeals cover bans only, not content")
    f = _ctx(db).findings[("pixelboard", "appeal_available")]
    assert f["state"] == "disputed" and f["effective_met"] is True        # the machine's stands until they agree
    assert "ana says met" in f["label"] and "ben says not met" in f["label"]
    _review(db, "pixelboard", "appeal_available", "ana", "not_met", "agreed with ben")   # ana's latest action counts
    assert _ctx(db).findings[("pixelboard", "appeal_available")]["state"] == "overridden"
    assert len(_actions(db)) == 3                                            # appended, never updated


def test_validation_of_a_review(db):
    ctx = _ctx(db)
    with pytest.raises(UserError, match="reason is required"):
        ctx.prepare("pixelboard", "ncii_prohibited", reviewer="ana", decision="not_met")
    with pytest.raises(UserError, match="does not occur verbatim"):
        ctx.prepare("pixelboard", "hash_matching", reviewer="ana", decision="met", reason="x",
                    quotes=["We use hash matching."])
    with pytest.raises(UserError, match="needs at least one verbatim quote"):
        ctx.prepare("pixelboard", "hash_matching", reviewer="ana", decision="met", reason="x")
    with pytest.raises(UserError, match="unknown target"):
        ctx.prepare("nope", "hash_matching", reviewer="ana", decision="confirm")
    with pytest.raises(UserError, match="does not apply to a social service"):
        ctx.prepare("pixelboard", "provenance_marking", reviewer="ana", decision="confirm")
    with pytest.raises(UserError, match="unknown element"):
        ctx.prepare("pixelboard", "nope", reviewer="ana", decision="confirm")
    row = ctx.prepare("pixelboard", "ncii_prohibited", reviewer="ana", decision="confirm")
    assert row["quotes"][0]["quote"] == NCII_QUOTE and row["quotes"][0]["doc_key"] == "https://pixelboard.example/terms"


def test_queue_puts_needs_review_first(db):
    con = store.connect(db, create=False)      # the engine's flags (migration 0008): none flagged first
    con.execute("UPDATE element_results SET needs_review = FALSE")
    con.close()
    q = review.queue(_ctx(db))
    assert q[0]["rank"] == 3 and q[0]["met"] is False and q[0]["category"] in ("P", "R")
    assert all(a["rank"] <= b["rank"] for a, b in zip(q, q[1:]))
    con = store.connect(db, create=False)
    con.execute("UPDATE element_results SET needs_review = TRUE, margin = 'one clause only (x, score 2.9; weak)' "
                "WHERE target_id = 'stackhost' AND element = 'csam_prohibited'")
    con.close()
    q = review.queue(_ctx(db))
    assert (q[0]["target_id"], q[0]["element"], q[0]["rank"]) == ("stackhost", "csam_prohibited", 0)
    assert "one clause only" in q[0]["why"]


def _fill(rows, updates):
    for r in rows:
        key = (r["target_id"], r["element"])
        if key in updates:
            r.update(updates[key])
    return rows


def _write_sheet(path, rows):
    from riskaudit.core import tabular
    tabular.write_csv(path, list(rows[0].keys()), rows)


def test_sheet_import_is_atomic_and_names_every_bad_row(db, tmp_path, capsys):
    sheet = tmp_path / "sheet.csv"
    assert main(["review", "export", "--db", str(db), "--out", str(sheet)]) == 0
    rows = _csv(sheet)
    assert len(rows) == 36 and rows[0]["machine_decision"] in ("met", "not_met")
    good = {("pixelboard", "ncii_prohibited"): {"decision": "confirm"},
            ("pixelboard", "ncii_reporting_channel"): {"decision": "not_met", "reason": OVERRIDE_REASON,
                                                       "quotes": REPLY_CHANNEL_QUOTE}}
    bad = {("pixelboard", "hash_matching"): {"decision": "met", "reason": "they say so",
                                             "quotes": "We use hash matching to block known imagery."},
           ("pixelboard", "appeal_available"): {"decision": "not_met"}}
    rows = _fill(rows, {**good, **bad})
    rows.append(dict(rows[0], target_id="pixelboard", element="no_such_element", decision="confirm"))
    rows.append(dict(rows[0], target_id="ghost", element="ncii_prohibited", decision="confirm"))
    _write_sheet(sheet, rows)
    capsys.readouterr()
    assert main(["review", "import", str(sheet), "--db", str(db), "--reviewer", "ben"]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith(f"{sheet}:")]
    assert len(lines) == 4, err
    assert "does not occur verbatim" in err and "reason is required" in err
    assert "unknown element 'no_such_element'" in err and "unknown target 'ghost'" in err
    assert "nothing was imported" in err
    assert _actions(db) == []                                     # not one row written
    # every line number points at the row in the file
    text = sheet.read_text(encoding="utf-8").splitlines()
    for line in lines:
        n = int(line[len(str(sheet)) + 1:].split(":", 1)[0])
        assert text[n - 1].startswith('"pixelboard"') or text[n - 1].startswith('"ghost"')

    rows = [r for r in _fill(_csv(sheet), {k: {"decision": ""} for k in bad}) if r["target_id"] != "ghost"
            and r["element"] != "no_such_element"]
    _write_sheet(sheet, rows)
    assert main(["review", "import", str(sheet), "--db", str(db), "--reviewer", "ben"]) == 0
    assert "imported 2 review(s) by ben" in capsys.readouterr().out
    ctx = _ctx(db)
    assert ctx.findings[("pixelboard", "ncii_reporting_channel")]["state"] == "overridden"
    assert ctx.findings[("pixelboard", "ncii_prohibited")]["state"] == "confirmed"
    assert all(a["via"] == "sheet sheet.csv" for a in _actions(db))


def test_xlsx_round_trip(db, tmp_path, capsys):
    from openpyxl import load_workbook

    sheet = tmp_path / "sheet.xlsx"
    assert main(["review", "export", "--db", str(db), "--out", str(sheet)]) == 0
    wb = load_workbook(sheet)
    ws = wb.active
    header = [c.value for c in ws[1]]
    col = {name: i + 1 for i, name in enumerate(header)}
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, col["service"]).value == "Stackhost <b>Host</b>" and \
                ws.cell(row, col["element"]).value == "csam_prohibited":
            ws.cell(row, col["decision"]).value = "confirm"
    wb.save(sheet)
    assert main(["review", "import", str(sheet), "--db", str(db), "--reviewer", "ana"]) == 0
    assert _ctx(db).findings[("stackhost", "csam_prohibited")]["state"] == "confirmed"


def test_formula_like_text_round_trips_through_the_sheet(tmp_path):
    pages = {tid: dict(docs) for tid, docs in fx.PAGES.items()}
    pages["stackhost"]["https://stackhost.example/aup"] += "\n=HYPERLINK(\"http://evil.example\") is not a policy.\n"
    db = tmp_path / "f.duckdb"
    fx.crawl_run(db, pages)
    sheet = tmp_path / "s.csv"
    assert main(["review", "export", "--db", str(db), "--out", str(sheet)]) == 0
    rows = _fill(_csv(sheet), {("stackhost", "ncii_prohibited"): {
        "decision": "not_met", "reason": "=1+1 looks like a formula",
        "quotes": "'=HYPERLINK(\"http://evil.example\") is not a policy."}})
    _write_sheet(sheet, rows)
    assert main(["review", "import", str(sheet), "--db", str(db), "--reviewer", "ana"]) == 0
    [a] = _actions(db)
    assert a["detail"] == "=1+1 looks like a formula"
    f = _ctx(db).findings[("stackhost", "ncii_prohibited")]
    assert f["reviews"][0].quotes[0]["quote"].startswith("=HYPERLINK")


def test_reply_and_log(db, tmp_path, capsys):
    _review(db, "pixelboard", "hash_matching", "ana", "confirm")
    assert main(["review", "reply", "--db", str(db), "--target", "pixelboard", "--element", "hash_matching",
                 "--date", "2026-12-01", "--text", "We joined <script>StopNCII</script> in 2025.",
                 "--link", "https://pixelboard.example/blog", "--reviewer", "ana"]) == 0
    assert main(["review", "reply", "--db", str(db), "--target", "pixelboard", "--date", "2026-12-02",
                 "--text", "General response", "--link", "javascript:alert(1)", "--reviewer", "ana"]) == 2
    assert "not an http(s) URL" in capsys.readouterr().err
    html = build_report(str(db), str(tmp_path / "out")).read_text(encoding="utf-8")
    assert "We joined &lt;script&gt;StopNCII&lt;/script&gt; in 2025." in html
    capsys.readouterr()
    assert main(["review", "log", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "confirm (not met)" in out and "reply of 2026-12-01" in out
    assert main(["review", "log", "--db", str(db), "--format", "json"]) == 0
    assert [r["kind"] for r in json.loads(capsys.readouterr().out)] == ["review", "reply"]


def test_queue_cli_and_errors(db, tmp_path, capsys):
    assert main(["review", "queue", "--db", str(db), "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "0 of 36 findings reviewed; 5 listed" in out
    assert main(["review", "queue", "--db", str(tmp_path / "missing.duckdb")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert main(["review", "export", "--db", str(db), "--out", str(tmp_path / "s.ods")]) == 2
    assert "use a .csv or .xlsx" in capsys.readouterr().err
    assert main(["review", "import", str(tmp_path / "none.csv"), "--db", str(db), "--reviewer", "x"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_review_page_refuses_foreign_hosts_and_forms_without_the_token(db):
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from reports.review_web import make_server

    srv = make_server(db, port=0, reviewer="ana")
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"

    def status(path, data=None, headers=None):
        req = urllib.request.Request(base + path, data=data, headers=headers or {})
        try:
            with urllib.request.urlopen(req) as r:
                return r.status, r.read().decode(), dict(r.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode(), dict(exc.headers)

    try:
        code, page, headers = status("/f/pixelboard/ncii_prohibited")
        assert code == 200 and "script-src 'nonce-" in headers["Content-Security-Policy"]
        assert "Stackhost &lt;b&gt;Host&lt;/b&gt;" in status("/")[1]
        assert status("/", headers={"Host": "evil.example"})[0] == 403             # DNS rebinding
        form = {"reviewer": "ana", "decision": "confirm"}
        assert status("/f/pixelboard/ncii_prohibited/review", urllib.parse.urlencode(form).encode())[0] == 403
        token = page.split('name="token" value="', 1)[1].split('"', 1)[0]
        data = urllib.parse.urlencode(dict(form, token=token)).encode()
        assert status("/f/pixelboard/ncii_prohibited/review", data, {"Origin": "http://evil.example"})[0] == 403
        assert _actions(db) == []
        code, page, _ = status("/f/pixelboard/ncii_prohibited/review", data, {"Origin": base})
        assert code == 200 and 'id="state">confirmed' in page             # followed the 303 back to the finding
        assert status("/f/pixelboard/ncii_prohibited/review")[0] in (404, 405)   # no change by GET
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)


def test_evidence_packages_carry_the_review_state(db, tmp_path):
    from warcio.archiveiterator import ArchiveIterator

    from riskaudit.evidence.warc import write_warc

    _review(db, "pixelboard", "ncii_prohibited", "ana", "confirm")
    _review(db, "stackhost", "abuse_contact_published", "ben", "not_met", OVERRIDE_REASON)
    con = store.connect(db, create=False)
    try:
        run_id = con.execute("SELECT max(run_id) FROM scores").fetchone()[0]
        out = write_warc(con, run_id, tmp_path / "e.warc.gz")
    finally:
        con.close()
    states = {}
    with open(out["warc"], "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "metadata":
                data = json.loads(rec.content_stream().read())
                if data.get("type") == "finding":
                    states[(data["target_id"], data["element"])] = data["review_state"]
    assert states[("pixelboard", "ncii_prohibited")] == "confirmed"
    assert states[("stackhost", "abuse_contact_published")] == "overridden"
    assert {v for k, v in states.items() if k not in {("pixelboard", "ncii_prohibited"), ("stackhost", "abuse_contact_published")}} == {"machine"}
