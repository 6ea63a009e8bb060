"""Issue 9, item 1: every CSV riskaudit writes is safe to open in a spreadsheet.

Hostile crawled or user-file text (service names, document names, quotes, URLs, target ids) that
starts with a formula character (= + - @ TAB CR) or carries ';' and ',' must come out of every CSV
as cells that do not start with a formula character, whether the file is split on ',' or on ';'.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import duckdb
import pytest

from reports.build import build_report
from riskaudit import cli
from tests.support import store_fixture as fixture

FORMULA = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = ["=HYPERLINK(\"http://evil.test\";\"x\")", "+1+cmd|' /C calc'!A0", "-2-3", "@SUM(A1:A9)",
           "\t=1+1", "\r=2+2", "ok;=cmd|'/C calc'!A0,=3+3;@x"]


def _is_number(cell: str) -> bool:
    try:
        float(cell)
        return True
    except ValueError:
        return False


def assert_no_formula_cells(text: str, label: str) -> None:
    assert text.strip(), f"{label} is empty"
    for delim in (",", ";"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delim):
            for cell in row:
                # a plain negative number is data, not a formula
                assert not (cell.startswith(FORMULA) and not _is_number(cell)), \
                    f"{label} split on {delim!r}: cell {cell!r} starts with a formula character"


def _hostile_policy() -> str:
    return ("Do not share intimate images of another person without their consent. "
            "We prohibit child sexual abuse material. Report abuse at https://example.test/report.\n")


@pytest.fixture()
def corpus(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "corpus"
    kinds = [("service", "kind")]
    for i, name in enumerate(HOSTILE):
        name = name.replace("/", "_")
        # the kinds file strips blanks around names: those two are document (file) names only
        service = name if name == name.strip() else f"service {i}"
        folder = root / service
        folder.mkdir(parents=True)
        (folder / f"{name}.md").write_text(_hostile_policy(), encoding="utf-8")
        kinds.append((service, "social"))
    kinds_path = tmp_path / "kinds.csv"
    with kinds_path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(kinds)
    return root, kinds_path


def test_score_files_csv_neutralises_formulas(corpus, tmp_path, capsys):
    root, kinds = corpus
    out = tmp_path / "scores.csv"
    assert cli.main(["score-files", str(root), "--kinds", str(kinds), "--format", "csv", "--out", str(out)]) == 0
    text = out.open(encoding="utf-8", newline="").read()
    assert "'=HYPERLINK" in text and "'@SUM" in text
    assert_no_formula_cells(text, "score-files csv")


@pytest.fixture()
def hostile_db(tmp_path: Path) -> Path:
    db = fixture.build_fixture_db(tmp_path / "audit.duckdb")
    con = duckdb.connect(str(db))
    try:
        pairs = con.execute("SELECT target_id, element FROM evidence WHERE run_id = 2 AND ordinal = 1 "
                            "ORDER BY target_id, element").fetchall()
        for (tid, element), value in zip(pairs, HOSTILE):
            con.execute("UPDATE evidence SET quote = ?, document = ?, url = ? WHERE run_id = 2 AND ordinal = 1 "
                        "AND target_id = ? AND element = ?", [value, value, value, tid, element])
        con.execute("UPDATE targets SET name = ? WHERE target_id = 'hostile'", [HOSTILE[-1]])
        con.execute("UPDATE scores SET service = ? WHERE target_id = 'hostile'", [HOSTILE[-1]])
        con.execute("UPDATE targets SET name = ? WHERE target_id = 'amourly'", [HOSTILE[0]])
        con.execute("UPDATE scores SET service = ? WHERE target_id = 'amourly'", [HOSTILE[0]])
    finally:
        con.close()
    return db


def test_export_csv_neutralises_formulas(hostile_db, tmp_path):
    out = tmp_path / "export.csv"
    assert cli.main(["export", "--db", str(hostile_db), "--format", "csv", "--out", str(out)]) == 0
    text = out.open(encoding="utf-8", newline="").read()
    assert "'=HYPERLINK" in text and "'\r'=2+2" in text
    assert_no_formula_cells(text, "export csv")


def test_report_csvs_neutralise_formulas(hostile_db, tmp_path):
    out = tmp_path / "report"
    build_report(str(hostile_db), str(out))
    for name in ("scores.csv", "elements.csv", "evidence.csv"):
        text = (out / name).open(encoding="utf-8", newline="").read()
        assert "'=HYPERLINK" in text, name
        assert_no_formula_cells(text, f"report {name}")


def test_cases_summary_csv_neutralises_formulas(tmp_path):
    db = fixture.build_fixture_db(tmp_path / "audit.duckdb")
    hostile_id = HOSTILE[-1]
    con = duckdb.connect(str(db))
    try:
        con.execute("INSERT INTO targets (target_id, name, kind) VALUES (?, ?, 'social')", [hostile_id, HOSTILE[0]])
    finally:
        con.close()
    log = tmp_path / "cases.csv"
    rows = [["case_id", "target", "channel", "submitted_at", "acknowledged_at", "removed_at", "closed_at",
             "outcome", "jurisdiction", "content_url"]]
    for i in range(6):
        rows.append([f"C-{i}", hostile_id, "ncii_form", f"2026-03-0{i + 1}T10:00:00Z", "",
                     f"2026-03-0{i + 2}T10:00:00Z", "", "removed", "=GB;+x", "https://example.test/p"])
    with log.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    assert cli.main(["cases", "import", "--db", str(db), str(log)]) == 0
    out = tmp_path / "summary.csv"
    assert cli.main(["cases", "summary", "--db", str(db), "--format", "csv", "--out", str(out),
                     "--as-of", "2026-04-01T00:00:00Z"]) == 0
    text = out.open(encoding="utf-8", newline="").read()
    assert "ok;'=cmd" in text
    assert_no_formula_cells(text, "cases summary csv")


# tabular.py is the writer; make_cases.py is the developers' generator of the fixed, fictional demo
# case log riskaudit/demo/cases.csv (an input file, no crawled text; its plain format is tested).
ALLOWED_WRITERS = {"riskaudit/core/tabular.py", "riskaudit/demo/make_cases.py"}


def test_no_csv_writer_outside_tabular():
    """The one CSV writer: no other module of the tool builds csv.writer / DictWriter."""
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in root.glob("**/*.py"):
        rel = path.relative_to(root)
        if rel.parts[0] in (".venv", "tests", "build") or rel.as_posix() in ALLOWED_WRITERS:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if "csv.writer(" in text or "csv.DictWriter(" in text:
            offenders.append(rel.as_posix())
    assert offenders == []
