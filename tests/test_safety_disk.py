"""Issue 9, item 2: a write failure (full disk, file too large) fails the command in one line.

A crawl into a database that cannot grow exits non-zero naming the database and the cause, marks
its run `failed` and leaves the earlier run and its scores intact; `score` and `report` on a full
disk give one line, no traceback. The disk is really full (a 16 MB tmpfs, filled up) when this sandbox lets
us mount one, and a per-process file-size limit (RLIMIT_FSIZE: writes fail with EFBIG) always.
"""
from __future__ import annotations

import errno
import os
import resource
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from reports import exports
from riskaudit import store
from riskaudit.core.errors import UserError
from riskaudit.stages import score as score_stage
from tests.support.testsite import CountingServer, Route, policy_page

ROOT = Path(__file__).resolve().parent.parent
RISKAUDIT = [sys.executable, "-c", "import sys; from riskaudit.cli import main; sys.exit(main())"]
FAST = ["--depth", "0"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    routes = {"/robots.txt": Route(body="User-agent: *\nAllow: /\n", content_type="text/plain")}
    for i in range(30):
        routes[f"/p{i}"] = Route(body=policy_page(f"Policy {i}", seed=i, size_kb=60))
    tmp = tmp_path_factory.mktemp("disk")
    with CountingServer(routes) as srv:
        head = "targets:\n  - id: alpha\n    name: Alpha\n    kind: dating\n    documents:\n"
        docs = [f"      - {{type: p{i}, url: '{srv.url(f'/p{i}')}'}}\n" for i in range(30)]
        small, big = tmp / "small.yaml", tmp / "big.yaml"
        small.write_text(head + docs[0], encoding="utf-8")
        big.write_text(head + "".join(docs), encoding="utf-8")
        yield small, big


def riskaudit(*args, fsize: int | None = None):
    def limit():
        if fsize is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([*RISKAUDIT, *map(str, args)], capture_output=True, text=True, cwd=ROOT, env=env,
                          preexec_fn=limit, timeout=300)


def one_line(proc) -> str:
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def runs(db: Path) -> list[tuple]:
    con = store.connect(db, read_only=True)
    try:
        return con.execute("SELECT run_id, status, (SELECT count(*) FROM documents d WHERE d.run_id = r.run_id) "
                           "FROM runs r ORDER BY run_id").fetchall()
    finally:
        con.close()


@pytest.fixture(params=["tmpfs", "fsize"])
def disk(request, tmp_path):
    """(folder for the database, fill(reserve), free(), state): after fill(n) only about n more bytes
    can be written (state["fsize"]: the file-size limit to run the command under, or None)."""
    if request.param == "fsize":
        state = {"fsize": None}
        def fill(reserve: int):
            state["fsize"] = max(reserve, 1)      # no file (the WAL, an output) may grow past this
        yield tmp_path, fill, lambda: state.update(fsize=None), state
        return
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16M", "tmpfs", str(mnt)],
                                           capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the RLIMIT_FSIZE variant still runs)")
    filler = mnt / "filler"
    def fill(reserve: int):
        st = os.statvfs(mnt)
        with open(filler, "ab") as fh:
            fh.write(b"\0" * max(0, st.f_bavail * st.f_frsize - reserve))
    try:
        yield mnt, fill, lambda: filler.unlink(missing_ok=True), {"fsize": None}
    finally:
        subprocess.run(["umount", "-l", str(mnt)], capture_output=True)


def test_full_disk_fails_crawl_score_and_report(site, disk):
    small, big = site
    folder, fill, free, state = disk
    db = folder / "audit.duckdb"
    first = riskaudit("crawl", "--registry", small, "--db", db, "--allow-private", *FAST)
    assert first.returncode == 0, first.stderr
    assert riskaudit("score", "--db", db).returncode == 0

    fill(64 * 1024)           # room to mark the run failed, not for 30 pages
    crawl = riskaudit("crawl", "--registry", big, "--db", db, "--allow-private", *FAST, fsize=state["fsize"])
    line = one_line(crawl)
    assert f"cannot write to database {db}" in line and "run 2" in line
    assert "No space left on device" in line or "File too large" in line
    free()
    history = runs(db)
    assert history[0] == (1, "finished", 1)             # the earlier run is intact
    assert history[1][:2] == (2, "failed")

    fill(0)
    score = riskaudit("score", "--db", db, fsize=state["fsize"])
    line = one_line(score)
    assert str(db) in line and ("No space left on device" in line or "File too large" in line)
    free()
    con = store.connect(db, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM scores WHERE run_id = 1").fetchone()[0] == 1   # kept
    finally:
        con.close()

    out = folder / "report"
    fill(4096)
    report = riskaudit("report", "--db", db, "--out", out, fsize=state["fsize"])
    line = one_line(report)
    assert "cannot write" in line and str(out) in line
    free()


def test_score_write_failure_is_one_line(monkeypatch, tmp_path):
    from tests.support import store_fixture as fixture
    db = fixture.build_fixture_db(tmp_path / "a.duckdb")
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO documents (run_id, target_id, doc_type, name, text, source) "
                "VALUES (2, 'pixelboard', 'terms', 'Terms', 'We prohibit child sexual abuse material.', 'crawl')")
    con.close()

    def full(*_a, **_k):
        raise duckdb.IOException('Could not write file "a.duckdb.wal": No space left on device')
    monkeypatch.setattr(score_stage.result_store, "replace_results", full)
    with pytest.raises(UserError) as info:
        score_stage.score_run(str(db), 2)
    msg = str(info.value)
    assert msg.startswith(f"cannot write to database {db}") and "No space left on device" in msg and "\n" not in msg


def test_export_write_failure_names_the_file(monkeypatch, tmp_path):
    def full(path, *_a):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(exports, "write_parquet", full)
    data = {"services": [], "run_id": 1, "rubric_versions": [], "rubric": {"version": "x"}}
    with pytest.raises(UserError, match=r"cannot write .*scores\.parquet: No space left on device"):
        exports.write_exports(data, tmp_path, None)
