"""Spreadsheet files a pack writes (CSV and XLSX), safe to open: no cell is ever run as a formula.

In a CSV, text whose first character (or first after spaces) could start a formula — `= + - @`, tab,
CR, LF, NUL, or their full-width forms — gets a leading `'` (OWASP CSV injection); numbers sgpack
formatted itself are left as numbers where the caller says so. In an XLSX (`xlsx_workbook`, one or more sheets)
every text cell is stored as a string (`data_type='s'`, never a formula), numbers as numbers and dates as dates.
Workbook properties are fixed (creator "sgpack", created/modified = the as-of date) and the zip is written the
same way every time.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00", "＝", "＋", "－", "＠")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def formula_safe(value: object, *, numbers: bool = False) -> str:
    """A cell a spreadsheet shows as text: a leading `'` when it could start a formula. `numbers`: a plain
    number (`-3`, `4.5`) stays a number."""
    text = "" if value is None else str(value)
    if numbers and NUMBER.fullmatch(text):
        return text
    if text.startswith(FORMULA_TRIGGERS) or text.lstrip(" \u00a0").startswith(FORMULA_TRIGGERS):
        return "'" + text
    return text


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[object]], *, quote_all: bool = False,
              numbers: bool = False) -> bytes:
    """UTF-8 with a BOM (so Excel reads the encoding), CRLF line ends, every cell formula-safe."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([formula_safe(c, numbers=numbers) for c in row])
    return "\ufeff".encode("utf-8") + out.getvalue().encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    """One worksheet: rows of cells (text, numbers, dates, or None for an empty cell), laid out as the caller
    says. Columns and rows are counted from 0."""
    name: str
    rows: list[list[object]]
    widths: Sequence[float]
    table: int | None = None            # the header row of a table running to the last row: bold, filled, frozen
                                        # under it, with a filter; its drop-downs and fills cover the rows below it
    bold: frozenset[int] = frozenset()  # other rows in bold (titles, labels, a second table's headings)
    labels: bool = False                # the first column in bold (a form: a label, then its value)
    wrap: frozenset[int] = frozenset()  # columns whose text wraps
    choices: dict[int, Sequence[str]] = field(default_factory=dict)      # column -> the values its drop-down offers
    fills: dict[int, dict[str, tuple[str, str]]] = field(default_factory=dict)   # column -> {text: (fill, font)}
    merges: Sequence[str] = ()          # ranges shown as one cell ("B3:D3")


LINE_POINTS = 15            # the height of a line of 11-point text
CHARACTERS_PER_WIDTH = 1.1  # characters of running text a unit of column width holds (a unit is one "0")


def _row_heights(spec: Sheet) -> dict[int, float]:
    """{row (from 1): height} for the rows whose wrapped text needs more than one line. Set here because neither
    Excel nor LibreOffice sizes a row to merged cells, and a file's rows are not always sized when opened."""
    from openpyxl.utils import range_boundaries

    widths = dict(enumerate(spec.widths))
    spans = {}
    for merged in spec.merges:
        first_col, first_row, last_col, _ = range_boundaries(merged)
        spans[(first_row - 1, first_col - 1)] = sum(widths.get(c, 8.43) for c in range(first_col - 1, last_col))
    heights = {}
    for r, row in enumerate(spec.rows):
        lines = 1
        for c, value in enumerate(row):
            if not isinstance(value, str) or not value:
                continue
            wraps = c in spec.wrap or r == spec.table or (r, c) in spans
            if not wraps:
                continue
            room = max(1, int(spans.get((r, c), widths.get(c, 8.43)) * CHARACTERS_PER_WIDTH))
            lines = max(lines, sum(max(1, -(-len(part) // room)) for part in value.split("\n")))
        if lines > 1:
            heights[r + 1] = lines * LINE_POINTS
    return heights


def xlsx_workbook(sheets: Sequence[Sheet], *, title: str, as_of_iso: str) -> bytes:
    """A workbook of `sheets`, in order. Text is stored as text (never a formula), numbers as numbers, dates as dates
    shown day first; a column's drop-down offers its choices and refuses anything else; fills follow a cell's text
    (conditional formats, so a value typed in later is coloured too). Printed landscape on A4, one page wide."""
    from openpyxl import Workbook
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from compiler.render.docx.template import normalise_docx

    when = dt.datetime.combine(dt.date.fromisoformat(as_of_iso), dt.time())
    wb = Workbook()
    wb.remove(wb.active)
    heading_fill = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
    for spec in sheets:
        ws = wb.create_sheet(spec.name)
        for r, row in enumerate(spec.rows, 1):
            for c, value in enumerate(row, 1):
                if value is None or value == "":
                    continue
                cell = ws.cell(row=r, column=c)
                if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
                    cell.value = value
                    if isinstance(value, dt.date):
                        cell.number_format = "DD/MM/YYYY"
                else:
                    cell.value = str(value)
                    cell.data_type = "s"            # text stays text: never a formula
                bold = (r - 1 in spec.bold or r - 1 == spec.table or (spec.labels and c == 1))
                if bold:
                    cell.font = Font(bold=True)
                if r - 1 == spec.table:
                    cell.fill = heading_fill
                if c - 1 in spec.wrap or r - 1 == spec.table:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                else:
                    cell.alignment = Alignment(vertical="top")
        for merged in spec.merges:
            ws.merge_cells(merged)
        for i, width in enumerate(spec.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for r, height in _row_heights(spec).items():
            ws.row_dimensions[r].height = height
        if spec.table is not None:
            top, last = spec.table + 2, max(spec.table + 2, len(spec.rows))
            ws.freeze_panes = f"A{top}"
            ws.auto_filter.ref = f"A{spec.table + 1}:{get_column_letter(len(spec.widths))}{last}"
            ws.print_title_rows = f"{spec.table + 1}:{spec.table + 1}"
            for column, values in spec.choices.items():
                letter = get_column_letter(column + 1)
                check = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True,
                                       showErrorMessage=True, errorTitle=spec.name,
                                       error="Pick one of: " + ", ".join(values) + ".")
                check.add(f"{letter}{top}:{letter}{last}")
                ws.add_data_validation(check)
            for column, colours in spec.fills.items():
                letter = get_column_letter(column + 1)
                for text, (fill, font) in colours.items():
                    ws.conditional_formatting.add(f"{letter}{top}:{letter}{last}", CellIsRule(
                        operator="equal", formula=[f'"{text}"'], font=Font(color=font, bold=True),
                        fill=PatternFill("solid", start_color=fill, end_color=fill, bgColor=fill)))
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    props = wb.properties
    props.creator, props.lastModifiedBy, props.title = "sgpack", None, title
    props.created = props.modified = when
    props.lastPrinted = None
    out = io.BytesIO()
    wb.save(out)
    return normalise_docx(out.getvalue(), title=title, as_of_iso=as_of_iso)
