"""Trackers read into grids (evidence_store.grid.read_grid): the colours a cell shows (RGB, theme with tint, indexed,
conditional formats), merges, hidden sheets, saved formula values, 1904 workbooks, .xlsm, password-protected files,
a 50,000-row sheet under the reading limits, Word tables with their header paragraphs, shading and merges, and CSV
in its encodings and delimiters. Every fixture is made here, in code. Tests named TR1... are the tracker rows of
docs/security.md's table of bad inputs."""
from __future__ import annotations

import datetime as dt
import io
import re
import struct
import time
import zipfile

import pytest

from evidence_store.grid import Book, Cell, read_grid
from evidence_store.limits import Limits
from evidence_store.readers import Unreadable

HERE = Limits(reader_processes=-1)        # read in this process: the quick tests of what a reader makes
# Office's theme from 2013 on (Accent 6 is green 70AD47); openpyxl's own default is the 2007 theme
OFFICE_2013 = {"dk2": "44546A", "lt2": "E7E6E6", "accent1": "4472C4", "accent2": "ED7D31", "accent3": "A5A5A5",
               "accent4": "FFC000", "accent5": "5B9BD5", "accent6": "70AD47"}
# the tints Excel writes for its picker's "Lighter 40%", "Darker 25%" and "Darker 15%"
LIGHTER_40, DARKER_25, DARKER_15 = 0.3999755851924192, -0.249977111117893, -0.1499984740745262


# ------------------------------------------------------------------------------------------ fixtures

def workbook_bytes(build, *, theme: dict[str, str] | None = None) -> bytes:  # noqa: ANN001
    """A workbook made by `build(wb)`, with the theme's colours replaced where `theme` names them."""
    import openpyxl
    from openpyxl.writer.theme import theme_xml

    wb = openpyxl.Workbook()
    if theme:
        xml = theme_xml
        for name, rgb in theme.items():
            xml = re.sub(rf'(<a:{name}>\s*<a:srgbClr val=")[0-9A-Fa-f]{{6}}', rf"\g<1>{rgb}", xml)
        wb.loaded_theme = xml.encode("utf-8")
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rezip(data: bytes, changes: dict[str, bytes | None]) -> bytes:
    """The zip with members replaced (None: removed) or added."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in changes:
                target.writestr(info, source.read(info))
        for name, content in changes.items():
            if content is not None:
                target.writestr(name, content)
    return out.getvalue()


def with_cached_value(data: bytes, formula: str, value: str) -> bytes:
    """The workbook with `value` saved as the result of the first sheet's formula (as Excel saves it)."""
    member = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(member).decode("utf-8")
    xml = xml.replace(f"<f>{formula}</f><v></v>", f"<f>{formula}</f><v>{value}</v>", 1)
    return rezip(data, {member: xml.encode("utf-8")})


def compound_file(streams: list[str]) -> bytes:
    """A minimal OLE compound file (the container of an encrypted Office file, and of Office 97-2003 files)
    holding empty streams with these names: header, one FAT sector, one directory sector."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3, 0xFFFE,
                         9, 6, bytes(6), 0, 1, 1, 0, 0x1000, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = struct.pack("<II", fat_sector, end) + struct.pack("<I", free) * 126

    def entry(name: str, kind: int, right: int, child: int) -> bytes:
        encoded = (name + "\x00").encode("utf-16-le")
        return struct.pack("<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, no_stream, right, child,
                           bytes(16), 0, 0, 0, end, 0)

    # names in a directory are ordered by length, then by upper case: each stream the next one's left neighbour
    ordered = sorted(streams, key=lambda n: (len(n), n.upper()))
    entries = [entry("Root Entry", 5, no_stream, 1)]
    entries += [entry(name, 2, i + 2 if i + 1 < len(ordered) else no_stream, no_stream)
                for i, name in enumerate(ordered)]
    directory = b"".join(entries).ljust(512, b"\x00")
    return header + fat + directory


def docx_tracker(*, heading: list[str], tables: list[list[list[str]]], between: str = "Notes between tables",
                 style: str | None = None):  # noqa: ANN201
    """A python-docx Document: the heading paragraphs, then the tables (a paragraph between them)."""
    import docx

    document = docx.Document()
    for text in heading:
        document.add_paragraph(text)
    made = []
    for n, rows in enumerate(tables):
        if n:
            document.add_paragraph(between)
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        if style:
            table.style = style
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
        made.append(table)
    return document, made


def shade(cell, *, fill: str | None = None, theme: str | None = None, tint: str | None = None) -> None:  # noqa: ANN001
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    for attribute, value in (("w:fill", fill), ("w:themeFill", theme), ("w:themeFillTint", tint)):
        if value:
            shd.set(qn(attribute), value)
    cell._tc.get_or_add_tcPr().append(shd)


def saved(document) -> bytes:  # noqa: ANN001
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def values(book: Book, sheet: int = 0) -> list[list[object]]:
    return [[cell.value for cell in row] for row in book.sheets[sheet].rows]


# ------------------------------------------------------------------------------------------ XLSX colours

def test_a_theme_colour_is_the_colour_excel_shows_with_its_tint():
    from openpyxl.styles import Color, Font, PatternFill

    def build(wb):  # noqa: ANN001, ANN202
        ws = wb.active
        ws.append(["Complete", "Overdue", "Background", "Plain", "Accent text"])
        ws["A1"].fill = PatternFill("solid", fgColor=Color(theme=9, tint=LIGHTER_40))   # Green, Accent 6, Lighter 40%
        ws["B1"].fill = PatternFill("solid", fgColor=Color(theme=9, tint=DARKER_25))    # Green, Accent 6, Darker 25%
        ws["C1"].fill = PatternFill("solid", fgColor=Color(theme=0, tint=DARKER_15))    # theme 0 is lt1 (white)
        ws["D1"].font = Font(color=Color(theme=1))                                      # theme 1 is dk1: black
        ws["E1"].font = Font(color=Color(theme=5))                                      # Accent 2 (orange)

    book = read_grid("xlsx", workbook_bytes(build, theme=OFFICE_2013), HERE)
    row = book.sheets[0].rows[0]
    assert [cell.fill for cell in row] == ["#A9D08E", "#548235", "#D9D9D9", None, None]
    assert [cell.font for cell in row] == [None, None, None, None, "#ED7D31"]


def test_a_workbook_with_no_theme_part_uses_the_office_theme():
    from openpyxl.styles import Color, PatternFill

    def build(wb):  # noqa: ANN001, ANN202
        wb.active["A1"] = "x"
        wb.active["A1"].fill = PatternFill("solid", fgColor=Color(theme=9))

    data = rezip(workbook_bytes(build), {"xl/theme/theme1.xml": None})
    assert read_grid("xlsx", data, HERE).sheets[0].rows[0][0].fill == "#F79646"   # the 2007 theme's Accent 6


def test_rgb_and_indexed_colours_and_no_fill():
    from openpyxl.styles import Color, Font, PatternFill

    def build(wb):  # noqa: ANN001, ANN202
        ws = wb.active
        ws.append(["rgb", "indexed", "none", "pattern none", "black text", "auto text", "red text", "grey pattern"])
        ws["A1"].fill = PatternFill("solid", fgColor="FF00B050")
        ws["B1"].fill = PatternFill("solid", fgColor=Color(indexed=10))       # the standard palette's red
        ws["D1"].fill = PatternFill(patternType=None, fgColor="FF00B050")
        ws["E1"].font = Font(color="FF000000")
        ws["F1"].font = Font(color=Color(auto=True))
        ws["G1"].font = Font(color="00C00000")                                 # an alpha of 00 still draws red
        ws["H1"].fill = PatternFill("darkGray", fgColor="FFFFC000")

    row = read_grid("xlsx", workbook_bytes(build), HERE).sheets[0].rows[0]
    assert [cell.fill for cell in row] == ["#00B050", "#FF0000", None, None, None, None, None, "#FFC000"]
    assert [cell.font for cell in row] == [None, None, None, None, None, None, "#C00000", None]


def test_the_workbooks_own_palette_gives_indexed_colours():
    from openpyxl.styles import Color, PatternFill

    def build(wb):  # noqa: ANN001, ANN202
        from openpyxl.styles.colors import COLOR_INDEX

        wb._colors = list(COLOR_INDEX[:64])
        wb._colors[10] = "FF123456"                  # the workbook redefines its palette's red
        wb.active["A1"] = "Red?"
        wb.active["A1"].fill = PatternFill("solid", fgColor=Color(indexed=10))

    assert read_grid("xlsx", workbook_bytes(build), HERE).sheets[0].rows[0][0].fill == "#123456"


# ------------------------------------------------------------------------------------------ conditional formats

def conditional_workbook() -> bytes:
    from openpyxl.formatting.rule import CellIsRule, ColorScaleRule, FormulaRule, Rule
    from openpyxl.styles import Font, PatternFill
    from openpyxl.styles.differential import DifferentialStyle

    def build(wb):  # noqa: ANN001, ANN202
        ws = wb.active
        ws.title = "Plan"
        ws.append(["Ref", "Action", "RAG", "Progress", "Status"])
        ws.append(["R1", "Train staff", "red", 20, "Not started"])
        ws.append(["R2", "Audit files", "Amber", 75, "Some issues outstanding"])
        ws.append(["R3", "Update policy", "Green", 100, "Complete"])
        ws.append(["R4", "Review", None, 150, "complete and evidenced"])
        ws["C2"].fill = PatternFill("solid", fgColor="FFFFFFFF")          # the cell's own fill, under the format
        red, amber = PatternFill(bgColor="FFFF0000"), PatternFill(bgColor="FFFFC000")
        # text "Red" -> red (Excel compares text without regard to case)
        ws.conditional_formatting.add("C2:C20", CellIsRule(operator="equal", formula=['"Red"'], fill=red,
                                                           font=Font(color="FFFFFFFF")))
        ws.conditional_formatting.add("C2:C20", Rule(type="containsText", operator="containsText", text="amber",
                                                     formula=['NOT(ISERROR(SEARCH("amber",C2)))'],
                                                     dxf=DifferentialStyle(fill=amber)))
        # a value between: progress 50-100 pale green; over 100 nothing (a later rule would say blue)
        ws.conditional_formatting.add("D2:D20", CellIsRule(operator="between", formula=["50", "100"],
                                                           fill=PatternFill(bgColor="FFC6EFCE")))
        # a whole row coloured by its status: the first true rule (by priority) gives the fill, stopIfTrue ends it
        ws.conditional_formatting.add("A2:B20", FormulaRule(formula=['ISNUMBER(SEARCH("evidenced",$E2))'],
                                                            stopIfTrue=True))                # no fill: stops
        ws.conditional_formatting.add("A2:B20", FormulaRule(formula=['$E2="Complete"'],
                                                            fill=PatternFill(bgColor="FF00B050")))
        ws.conditional_formatting.add("A2:B20", FormulaRule(formula=['NOT(ISERROR(SEARCH("complete",$E2)))'],
                                                            fill=PatternFill(bgColor="FF0070C0")))
        ws.conditional_formatting.add("E2:E20", FormulaRule(formula=['AND($D2>50,$D2<100)'],
                                                            fill=PatternFill(bgColor="FF7030A0")))
        ws.conditional_formatting.add("D2:D20", ColorScaleRule(start_type="min", start_color="FFFFFFFF",
                                                               end_type="max", end_color="FF0000FF"))

    return workbook_bytes(build)


def test_conditional_formats_give_the_fill_the_cell_shows():
    book = read_grid("xlsx", conditional_workbook(), HERE)
    rows = book.sheets[0].rows
    assert [rows[r][2].fill for r in (1, 2, 3)] == ["#FF0000", "#FFC000", None]   # red, amber; Green: no rule
    assert rows[1][2].font == "#FFFFFF"
    assert [rows[r][3].fill for r in (1, 2, 3, 4)] == [None, "#C6EFCE", "#C6EFCE", None]
    # R3 "Complete": two true rules, the first gives green; R4 "complete and evidenced": the rule with
    # stopIfTrue (and no fill) is true first, so the search for "complete" below it never colours it blue
    assert [rows[r][0].fill for r in (1, 2, 3, 4)] == [None, None, "#00B050", None]
    assert rows[3][1].fill == "#00B050"


def test_a_conditional_format_sgpack_cannot_evaluate_is_named_in_a_note():
    book = read_grid("xlsx", conditional_workbook(), HERE)
    assert any("Plan" in note and "colorScale" in note and "does not evaluate" in note for note in book.notes)
    assert any("AND($D2>50,$D2<100)" in note for note in book.notes)        # an expression beyond a literal test


def test_formula_rules_follow_their_relative_references_and_the_rule_order():
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import PatternFill

    def build(wb):  # noqa: ANN001, ANN202
        ws = wb.active
        for row in (["a", 1], ["b", 2], ["c", 3]):
            ws.append(row)
        # written for A1, applied down A1:A3: each row looks at its own B
        ws.conditional_formatting.add("A1:A3", FormulaRule(formula=["$B1>=2"], fill=PatternFill(bgColor="FF0000FF")))
        ws.conditional_formatting.add("A1:A3", FormulaRule(formula=["$B1>=1"], fill=PatternFill(bgColor="FFFF0000")))
        ws.conditional_formatting.add("B1:B3", FormulaRule(formula=['A1="b"'], fill=PatternFill(bgColor="FF00FF00")))

    rows = read_grid("xlsx", workbook_bytes(build), HERE).sheets[0].rows
    assert [row[0].fill for row in rows] == ["#FF0000", "#0000FF", "#0000FF"]   # the first true rule wins
    assert [row[1].fill for row in rows] == [None, "#00FF00", None]


# ------------------------------------------------------------------------------------------ structure

def test_merged_cells_down_and_across():
    from openpyxl.styles import PatternFill

    def build(wb):  # noqa: ANN001, ANN202
        ws = wb.active
        ws.append(["Recommendation", "Action", "Owner", "Due"])
        ws.append(["R1: training", "Train staff", "P. Marsh", "30/06/2026"])
        ws.append([None, "Audit training", "P. Marsh", "30/09/2026"])
        ws.append([None, "Report to the board", None, None])
        ws.append(["A note across the table"])
        ws.merge_cells("A2:A4")
        ws.merge_cells("A5:D5")
        ws["A2"].fill = PatternFill("solid", fgColor="FFFFC000")

    sheet = read_grid("xlsx", workbook_bytes(build), HERE).sheets[0]
    assert sheet.merges == [(2, 1, 4, 1), (5, 1, 5, 4)]
    assert [sheet.cell(r, 1) for r in (2, 3, 4)] == [Cell("R1: training", "#FFC000"),
                                                     Cell(None, "#FFC000", merged=True),
                                                     Cell(None, "#FFC000", merged=True)]
    assert [cell.merged for cell in sheet.rows[4]] == [False, True, True, True]
    assert sheet.cell(5, 1).value == "A note across the table"


def test_TR3_hidden_and_very_hidden_sheets_are_read_and_marked():
    def build(wb):  # noqa: ANN001, ANN202
        wb.active.title = "Plan"
        wb.active["A1"] = "Action"
        for name, state in (("Old plan", "hidden"), ("Lists", "veryHidden")):
            ws = wb.create_sheet(name)
            ws["A1"] = "kept"
            ws.sheet_state = state

    book = read_grid("xlsx", workbook_bytes(build), HERE)
    assert [(s.name, s.hidden) for s in book.sheets] == [("Plan", False), ("Old plan", True), ("Lists", True)]
    assert values(book, 2) == [["kept"]]
    assert "hidden sheets read, and marked hidden: 'Old plan', 'Lists' (very hidden)" in book.notes


def test_TR4_formulas_give_their_saved_values_and_are_never_evaluated():
    def build(wb):  # noqa: ANN001, ANN202
        ws = wb.active
        ws.append([42, "=A1*2", "=1+1", '=HYPERLINK("http://example.org","go")'])

    data = with_cached_value(workbook_bytes(build), "A1*2", "84")
    book = read_grid("xlsx", data, HERE)
    assert values(book) == [[42, 84]]                    # 1+1 has no saved value: empty, never 2
    assert any("2 formulas with no saved value read as empty" in note and "never calculates" in note
               for note in book.notes)


def test_a_1904_workbook_says_so_and_its_dates_are_right():
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    def build(wb):  # noqa: ANN001, ANN202
        wb.epoch = CALENDAR_MAC_1904
        wb.active.append([dt.datetime(2026, 7, 1), 45000])

    book = read_grid("xlsx", workbook_bytes(build), HERE)
    assert book.epoch_1904 is True
    assert values(book) == [[dt.datetime(2026, 7, 1), 45000]]   # the serial number stays a number
    assert read_grid("xlsx", workbook_bytes(lambda wb: wb.active.append([1])), HERE).epoch_1904 is False


def test_a_header_only_sheet_and_an_empty_one():
    def build(wb):  # noqa: ANN001, ANN202
        wb.active.append(["Ref", "Action", "Owner", "Due", "RAG"])
        wb.create_sheet("Empty")

    book = read_grid("xlsx", workbook_bytes(build), HERE)
    assert values(book) == [["Ref", "Action", "Owner", "Due", "RAG"]]
    assert book.sheets[1].rows == [] and not book.sheets[1].truncated


def test_TR2_an_xlsm_is_read_for_its_values_and_its_macros_never_run():
    def build(wb):  # noqa: ANN001, ANN202
        wb.active.append(["Action", "Status"])
        wb.active.append(["Train staff", "Complete"])

    data = workbook_bytes(build)
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode("utf-8")
    types = types.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                          "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    types = types.replace("<Default Extension=\"xml\"", "<Default Extension=\"bin\" ContentType="
                          "\"application/vnd.ms-office.vbaProject\"/><Default Extension=\"xml\"")
    xlsm = rezip(data, {"[Content_Types].xml": types.encode("utf-8"), "xl/vbaProject.bin": b"Attribute VB_Name"})
    book = read_grid("xlsm", xlsm)
    assert book.format == "xlsm"
    assert values(book) == [["Action", "Status"], ["Train staff", "Complete"]]
    assert "macros in the workbook are never run: the values it saved are read" in book.notes


def test_TR1_a_password_protected_workbook_or_document_is_unreadable_with_what_to_do():
    encrypted = compound_file(["EncryptionInfo", "EncryptedPackage"])
    with pytest.raises(Unreadable, match="^the workbook is password-protected: save an unprotected copy$"):
        read_grid("xlsx", encrypted)
    with pytest.raises(Unreadable, match="^the document is password-protected: save an unprotected copy$"):
        read_grid("docx", encrypted)
    legacy = compound_file(["Workbook"])
    with pytest.raises(Unreadable, match=r"Excel 97-2003 workbook \(\.xls\): save it as an Excel Workbook"):
        read_grid("xlsx", legacy)


def test_other_files_are_unreadable_with_a_reason():
    with pytest.raises(Unreadable, match=r"not a valid \.xlsx \(not a zip file\)"):
        read_grid("xlsx", b"Ref,Action\n")
    with pytest.raises(Unreadable, match=r"not a tracker format \(\.pdf\)"):
        read_grid("pdf", b"%PDF-1.7")


# ------------------------------------------------------------------------------------------ a large sheet

@pytest.fixture(scope="module")
def fifty_thousand_rows() -> bytes:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import PatternFill

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Plan")
    green = PatternFill("solid", fgColor="FF00B050")
    ws.append(["Ref", "Action", "Owner", "Due", "RAG", "Update"])
    for n in range(50_000):
        rag = WriteOnlyCell(ws, value="Green")
        rag.fill = green
        ws.append([f"R{n}", f"Action {n} on safeguarding practice", "P. Marsh, Head of Safeguarding", "30/06/2026",
                   rag, "Progress reported to the board " * 2])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_TR5_a_50000_row_sheet_is_read_in_a_reader_process_within_the_limits(fifty_thousand_rows):
    limits = Limits()
    started = time.monotonic()
    book = read_grid("xlsx", fifty_thousand_rows, limits)        # a time-out or the memory cap would be Unreadable
    assert time.monotonic() - started < limits.read_seconds + 10
    sheet = book.sheets[0]
    assert len(sheet.rows) == 50_001 and not sheet.truncated
    assert sheet.rows[-1][0] == Cell("R49999") and sheet.rows[-1][4] == Cell("Green", "#00B050")


def test_TR5_the_row_limit_cuts_a_sheet_short_and_says_so(fifty_thousand_rows):
    book = read_grid("xlsx", fifty_thousand_rows, Limits(max_xlsx_rows=10_000))
    sheet = book.sheets[0]
    assert len(sheet.rows) == 10_000 and sheet.truncated
    assert "only the first 10,000 rows read (limit)" in book.notes


def test_TR5_a_read_over_the_time_limit_is_unreadable_never_a_hang(fifty_thousand_rows):
    started = time.monotonic()
    with pytest.raises(Unreadable, match="took longer than 0.5 s to read"):
        read_grid("xlsx", fifty_thousand_rows, Limits(read_seconds=0.5))
    assert time.monotonic() - started < 60


# ------------------------------------------------------------------------------------------ Word

def word_tracker() -> bytes:
    from docx.shared import RGBColor

    document, (plan, actions) = docx_tracker(
        heading=["Safeguarding Adults Review: action plan", "", "Service: Oakwood House",
                 "Manager: P. Marsh (Registered Manager)", "Date:\t14 May 2026"],
        tables=[[["Recommendation", "Action", "Lead", "RAG"],
                 ["1. Training", "Train all staff", "PM", "Green"],
                 ["", "Audit the training", "PM", "Amber"],
                 ["2. Policy", "Rewrite the policy", "JS", ""]],
                [["Key", "Meaning"], ["Green", "Complete"]]])
    plan.cell(1, 0).merge(plan.cell(2, 0))                    # a recommendation merged down over its actions
    plan.cell(3, 2).merge(plan.cell(3, 3))                    # a lead spanning two columns
    shade(plan.cell(1, 3), fill="00B050")
    shade(plan.cell(2, 3), theme="accent6", tint="99")        # Accent 6, lighter 40%, with no RGB written
    shade(plan.cell(0, 0), fill="auto")
    run = plan.cell(2, 1).paragraphs[0].runs[0]
    run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    plan.cell(2, 1).add_paragraph("and report to the board")
    return saved(document)


def test_a_word_tracker_gives_its_header_paragraphs_and_every_table():
    book = read_grid("docx", word_tracker())
    assert book.format == "docx"
    assert [sheet.name for sheet in book.sheets] == ["Text", "Table 1", "Table 2"]
    assert values(book, 0) == [["Safeguarding Adults Review: action plan"], ["Service: Oakwood House"],
                               ["Manager: P. Marsh (Registered Manager)"], ["Date:\t14 May 2026"]]
    assert values(book, 2) == [["Key", "Meaning"], ["Green", "Complete"]]


def test_word_cells_give_their_text_shading_font_and_merges():
    table = read_grid("docx", word_tracker()).sheets[1]
    assert table.merges == [(2, 1, 3, 1), (4, 3, 4, 4)]
    assert table.cell(2, 1) == Cell("1. Training")
    assert table.cell(3, 1) == Cell(None, merged=True)
    assert table.cell(3, 2) == Cell("Audit the training\nand report to the board", font="#C00000")
    assert [table.cell(r, 4).fill for r in (1, 2, 3)] == [None, "#00B050", "#FABF8F"]   # the 2007 theme's Accent 6
    assert [table.cell(4, c) for c in (3, 4)] == [Cell("JS"), Cell(None, merged=True)]
    assert table.cell(1, 1).fill is None                       # shading "auto" is no fill


def test_a_word_table_style_is_named_in_a_note():
    document, _ = docx_tracker(heading=[], tables=[[["Action", "RAG"], ["Train", "Green"]]],
                               style="Light Grid Accent 1")
    book = read_grid("docx", saved(document), HERE)
    assert [sheet.name for sheet in book.sheets] == ["Table 1"]          # no paragraphs before it: no Text sheet
    assert any("Table 1 has the table style" in note and "not read" in note for note in book.notes)


def test_TR6_a_word_document_with_no_table_is_not_a_tracker():
    import docx

    document = docx.Document()
    document.add_paragraph("Minutes of the safeguarding meeting")
    with pytest.raises(Unreadable, match=r"^not a tracker: the \.docx has no tables"):
        read_grid("docx", saved(document))


# ------------------------------------------------------------------------------------------ CSV

def test_csv_in_utf8_with_a_byte_order_mark():
    book = read_grid("csv", "\ufeffRef,Action,Due\nR1,Train staff,30/06/2026\nR2,\"Audit, then report\",\n"
                     .encode("utf-8"))
    assert book.format == "csv" and [sheet.name for sheet in book.sheets] == ["CSV"]
    assert values(book) == [["Ref", "Action", "Due"], ["R1", "Train staff", "30/06/2026"], ["R2", "Audit, then report"]]
    assert book.notes == []


def test_TR7_csv_in_windows_1252_is_read_with_a_note_and_other_bytes_are_refused():
    book = read_grid("csv", "Action;Owner;Cost\nRéview;Zoë Marsh;£200\n".encode("cp1252"))
    assert values(book) == [["Action", "Owner", "Cost"], ["Réview", "Zoë Marsh", "£200"]]
    assert book.notes == ["read as Windows-1252 (cp1252): not UTF-8", "fields separated by ';'"]
    with pytest.raises(Unreadable, match=r"^neither UTF-8 nor Windows-1252 text \(byte 9\): save the file as CSV"):
        read_grid("csv", b"Action\nR\xe9\x81view\n")


def test_csv_delimiters_are_sniffed():
    semicolons = 'Ref;Action;Note\nR1;"Train, then audit";x\nR2;Review;"a; b"\n'.encode()
    assert values(read_grid("csv", semicolons)) == [["Ref", "Action", "Note"], ["R1", "Train, then audit", "x"],
                                                    ["R2", "Review", "a; b"]]
    tabs = "Ref\tAction\nR1\tTrain, audit; report\n".encode()
    assert values(read_grid("csv", tabs)) == [["Ref", "Action"], ["R1", "Train, audit; report"]]


def test_csv_that_cannot_be_read_says_why():
    with pytest.raises(Unreadable, match="unterminated quote"):
        read_grid("csv", b'Ref,Action\nR1,"Train\n')
    with pytest.raises(Unreadable, match="the .csv is empty"):
        read_grid("csv", b"\n\n")
