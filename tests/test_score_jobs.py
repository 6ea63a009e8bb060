"""`riskaudit score --jobs N`: targets audited in worker processes store exactly what one process stores."""
from __future__ import annotations

import shutil

from riskaudit import store
from riskaudit.cli import main
from tests.support.audit_store import TARGETS, build_audit_store

# four targets so that two workers each audit more than one, finishing out of order
MORE = TARGETS + [("copy-of-social", "Copy Of Social", "dating", "Example Social"),
                  ("another-gen", "Another Gen", "ai_tool", "Example Gen")]


def _stored(db) -> dict:
    con = store.connect(db, read_only=True)
    try:
        return {
            "scores": con.execute("SELECT * EXCLUDE (scored_at) FROM scores ORDER BY target_id").fetchall(),
            "categories": con.execute("SELECT * FROM category_scores ORDER BY target_id, category").fetchall(),
            "elements": con.execute("SELECT * FROM element_results ORDER BY target_id, element").fetchall(),
            "evidence": con.execute("SELECT * FROM evidence ORDER BY target_id, element, ordinal").fetchall(),
        }
    finally:
        con.close()


def _score(tmp_path, name, jobs, capsys):
    db = tmp_path / f"{name}.duckdb"
    shutil.copy(tmp_path / "crawled.duckdb", db)      # the same crawl (same fetch times) for both
    code = main(["score", "--db", str(db), "--jobs", str(jobs)])
    out = capsys.readouterr()
    assert code == 0, out.err
    return _stored(db), out.out


def test_jobs_2_stores_what_jobs_1_stores(tmp_path, capsys):
    build_audit_store(tmp_path / "crawled.duckdb", MORE)
    one, out1 = _score(tmp_path, "one", 1, capsys)
    two, out2 = _score(tmp_path, "two", 2, capsys)
    assert len(one["scores"]) == 4 and len(one["evidence"]) > 4
    assert one == two
    assert out1 == out2                       # the printed summary too (sorted by target id)
    ids = [line.split()[0] for line in out1.splitlines()[1:]]
    assert ids == sorted(t[0] for t in MORE)


def test_jobs_must_be_positive(tmp_path, capsys):
    db = tmp_path / "t.duckdb"
    build_audit_store(db)
    assert main(["score", "--db", str(db), "--jobs", "0"]) == 2
    err = capsys.readouterr().err
    assert "--jobs 0" in err and "Traceback" not in err
