"""Alerts (issue 15): the Atom feed of flips between two demo editions (parsed with feedparser),
hostile quotes escaped, the JSON webhook (local server, private addresses refused by default),
and `monitor` cycles ending with --max-runs or on SIGTERM."""
from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest

from riskaudit import store
from riskaudit.cli import main
from riskaudit.evidence.feed import atom_feed

FLIPPED = ("dreamforge", "heartline")       # the demo sites whose previous edition differs in substance
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def editions(tmp_path_factory):
    """The demo crawled twice (previous edition, then current) for two services, each run scored."""
    from crawler.runner import run_crawl
    from riskaudit.cli.commands.demo import FAST_LOCAL_SETTINGS
    from riskaudit.demo import SITE_IDS, resolve_registry
    from riskaudit.demo.server import DemoServer
    from riskaudit.stages.score import score_run

    tmp = tmp_path_factory.mktemp("editions")
    db = tmp / "d.duckdb"
    with DemoServer(FLIPPED) as server:
        urls = {sid: server.urls.get(sid, "http://127.0.0.1:9") for sid in SITE_IDS}
        registry = resolve_registry(urls, tmp / "registry.yaml")
        runs = []
        for edition in ("previous", "current"):
            server.set_edition(edition)
            run_id = run_crawl(str(registry), str(db), allow_private=True, target_ids=list(FLIPPED),
                               settings=dict(FAST_LOCAL_SETTINGS))
            runs.append(score_run(str(db), run_id))
    return {"db": db, "runs": runs, "tmp": tmp}


def _flips(db):
    con = store.connect(db, read_only=True)
    try:
        return con.execute("SELECT target_id, element, from_met, to_met, quote FROM element_flips").fetchall()
    finally:
        con.close()


@pytest.mark.slow
def test_feed_has_an_entry_for_each_flip_between_demo_editions(editions, tmp_path):
    out = tmp_path / "feed.xml"
    assert main(["feed", "--db", str(editions["db"]), "--out", str(out)]) == 0
    parsed = feedparser.parse(out.read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.id.startswith("urn:riskaudit:feed:")
    flips = _flips(editions["db"])
    assert ("dreamforge", "synthetic_intimate_covered", False, True) in [f[:4] for f in flips]
    flip_entries = [e for e in parsed.entries if e.tags[0].term == "element_flip"]
    assert len(flip_entries) == len(flips)
    by_key = {(d["target_id"], d["element"]): (e, d) for e in flip_entries for d in [json.loads(e.content[0].value)]}
    for target, element, was, now, quote in flips:
        entry, data = by_key[(target, element)]
        assert data["quote"] == quote and element in entry.title
        assert quote and quote in entry.summary
        assert entry.link.endswith("report.html#changes") and entry.updated
    heartline = json.loads(next(e for e in flip_entries if "stated_response_time" in e.title).content[0].value)
    assert heartline["direction"] == "weakened" and heartline["from"] == "met" and heartline["to"] == "not met"
    # the same condition keeps its entry id from one feed to the next
    again = tmp_path / "again.xml"
    assert main(["feed", "--db", str(editions["db"]), "--out", str(again)]) == 0
    assert [e.id for e in feedparser.parse(again.read_bytes()).entries] == [e.id for e in parsed.entries]


def test_hostile_text_is_escaped_in_the_atom_xml():
    quote = 'Report </summary><entry><title>pwned</title></entry> & <script>alert(1)</script> \x00\x1b[31m "q"'
    entries = [{"id": "urn:riskaudit:alert:x", "kind": "element_flip", "service": "Evil <b>Corp</b>",
                "element": "ncii_prohibited", "from": "met", "to": "not met", "document": "Terms & <i>",
                "quote": quote, "updated": "2026-12-01T00:00:00+00:00", "link": "report.html#changes",
                "title": "Evil <b>Corp</b>: ncii_prohibited met → not met (weakened)", "target_id": "evil"}]
    xml = atom_feed(entries, feed_id="urn:riskaudit:feed:test")
    assert b"<script>" not in xml and b"</summary><entry>" not in xml and b"\x00" not in xml and b"\x1b" not in xml
    root = ET.fromstring(xml)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert len(root.findall("a:entry", ns)) == 1
    summary = root.find("a:entry/a:summary", ns).text
    assert "</summary><entry><title>pwned</title></entry> & <script>alert(1)</script>" in summary
    parsed = feedparser.parse(xml)
    assert not parsed.bozo and len(parsed.entries) == 1 and parsed.entries[0].title.startswith("Evil <b>Corp</b>")


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((self.headers["Content-Type"], json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.slow
def test_webhook_posts_entries_to_a_local_server_only_when_allowed(editions, tmp_path, capsys):
    _Hook.received = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.server_address[1]}/hook"
    try:
        out = tmp_path / "feed.xml"
        assert main(["feed", "--db", str(editions["db"]), "--out", str(out), "--webhook", url]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "refused" in err and "--allow-private" in err
        assert _Hook.received == []
        assert main(["feed", "--db", str(editions["db"]), "--out", str(out), "--webhook", url, "--allow-private"]) == 0
        assert "HTTP 204" in capsys.readouterr().out
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert len(_Hook.received) == 1
    ctype, payload = _Hook.received[0]
    assert ctype.startswith("application/json")
    ids = [e.id for e in feedparser.parse(out.read_bytes()).entries]
    assert [e["id"] for e in payload["entries"]] == ids and ids
    assert any(e["kind"] == "element_flip" and e["quote"] for e in payload["entries"])


def test_monitor_interval_parsing():
    from riskaudit.cli.commands.monitor import parse_interval
    from riskaudit.core.errors import UserError

    assert parse_interval("24h") == 86400 and parse_interval("30m") == 1800 and parse_interval("0.5s") == 0.5
    assert parse_interval("1d") == 86400 and parse_interval("90") == 90
    for bad in ("", "0h", "-1h", "soon", "5 weeks"):
        with pytest.raises(UserError):
            parse_interval(bad)


@pytest.fixture()
def small_site(tmp_path):
    from tests.support import evidence_site as site
    from tests.support.testsite import CountingServer

    with CountingServer(site.routes()) as srv:
        registry = tmp_path / "registry.yaml"
        registry.write_text(site.registry(srv), encoding="utf-8")
        yield {"registry": registry, "server": srv}


@pytest.mark.slow
def test_monitor_runs_cycles_until_max_runs(small_site, tmp_path, capsys):
    db, feed = tmp_path / "m.duckdb", tmp_path / "feed.xml"
    assert main(["monitor", "--registry", str(small_site["registry"]), "--db", str(db), "--every", "0.1s",
                 "--max-runs", "2", "--out", str(feed), "--allow-private"]) == 0
    out = capsys.readouterr().out
    assert "cycle 1" in out and "cycle 2" in out and "stopped after 2 cycles" in out
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM runs WHERE status = 'finished'").fetchone()[0] == 2
        assert con.execute("SELECT count(DISTINCT run_id) FROM scores").fetchone()[0] == 2
    finally:
        con.close()
    parsed = feedparser.parse(feed.read_bytes())
    assert not parsed.bozo and any(e.tags[0].term == "channel_dead" for e in parsed.entries)


@pytest.mark.slow
def test_monitor_stops_cleanly_on_sigterm(small_site, tmp_path):
    db, feed = tmp_path / "m.duckdb", tmp_path / "feed.xml"
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from riskaudit.cli import main; sys.exit(main(sys.argv[1:]))", "monitor", "--registry", str(small_site["registry"]),
                             "--db", str(db), "--every", "24h", "--out", str(feed), "--allow-private"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    lines = []
    try:
        for line in proc.stdout:                  # wait until the first cycle wrote its feed
            lines.append(line)
            if line.startswith("monitor: run "):
                break
        proc.send_signal(signal.SIGTERM)
        rest, _ = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    output = "".join(lines) + rest
    assert proc.returncode == 0, output
    assert "SIGTERM received, stopping" in output and "stopped after 1 cycle" in output
    assert "Traceback" not in output and feed.is_file()
