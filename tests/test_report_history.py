"""The HTML report shows, per service, the timeline of element flips when history exists
(here: a dated folder archive imported, scored and reported through the CLI)."""
from bs4 import BeautifulSoup

from riskaudit.cli import main

V1 = "# Community rules\n\nYou must not post nude images of another person without their consent.\n"
V2 = V1 + "\nThis includes deepfakes and other AI-generated sexual images of real people.\n"


def test_report_shows_element_flips_of_an_imported_history(tmp_path):
    folder = tmp_path / "history" / "Examplegram" / "Community Rules"
    folder.mkdir(parents=True)
    (folder / "2026-01-10-a.md").write_text(V1, encoding="utf-8")
    (folder / "2026-03-02-b.md").write_text(V2, encoding="utf-8")
    (folder / "2026-04-20-c.md").write_text(V2.replace("\n\n", "\n\n\n"), encoding="utf-8")  # blank lines only
    kinds = tmp_path / "kinds.csv"
    kinds.write_text("service,kind\nExamplegram,social\n", encoding="utf-8")
    db, out = tmp_path / "h.duckdb", tmp_path / "out"
    assert main(["import-dir", str(tmp_path / "history"), "--db", str(db), "--kinds", str(kinds)]) == 0
    assert main(["score", "--db", str(db)]) == 0
    assert main(["report", "--db", str(db), "--out", str(out)]) == 0

    soup = BeautifulSoup((out / "report.html").read_text(encoding="utf-8"), "lxml")
    table = soup.find("table", class_="history")
    assert table is not None, "no policy history table"
    rows = [tr.get_text(" ", strip=True) for tr in table.find("tbody").find_all("tr")]
    flips = [r for r in rows if "Synthetic intimate imagery covered" in r]
    assert len(flips) == 1 and flips[0].startswith("2026-03-02") and "deepfakes" in flips[0]
    assert not any(r.startswith("2026-04-20") for r in rows)        # the re-formatting flips nothing
    assert "3 versions of 1 document" in soup.get_text(" ")
