"""Spreadsheet files a pack writes (CSV and XLSX), safe to open: no cell is ever run as a formula.

In a CSV, text whose first character (or first after spaces) could start a formula — `= + - @`, tab,
CR, LF, NUL, or their full-width forms — gets a leading `'` (OWASP CSV injection); numbers sgpack
formatted itself are left as numbers where the caller says so. In an XLSX every text cell is stored as a
string (`data_type='s'`, never a formula) and numbers as numbers. Workbook properties are fixed (creator
"sgpack", created/modified = the as-of date) and the zip is written the same way every time.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence

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


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], *, sheet: str, widths: Sequence[float],
               title: str, as_of_iso: str) -> bytes:
    """One worksheet: a frozen header row, then the rows; a cell that is a plain number is stored as one."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.utils import get_column_letter

    from compiler.render.docx.template import normalise_docx

    when = dt.datetime.combine(dt.date.fromisoformat(as_of_iso), dt.time())
    wb = Workbook()
    ws = wb.active
    ws.title = sheet

    def cell(value: str) -> Cell:
        c = Cell(ws)
        if NUMBER.fullmatch(value):
            c.value = float(value) if "." in value else int(value)
        else:
            c.value = value
            c.data_type = "s"          # text stays text: never a formula
        return c

    ws.append([cell(c) for c in header])
    for row in rows:
        ws.append([cell(c) for c in row])
    for i, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    props = wb.properties
    props.creator, props.lastModifiedBy, props.title = "sgpack", None, title
    props.created = props.modified = when
    props.lastPrinted = None
    out = io.BytesIO()
    wb.save(out)
    return normalise_docx(out.getvalue(), title=title, as_of_iso=as_of_iso)
