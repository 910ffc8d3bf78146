"""The commissioner return: `return.csv` and `return.xlsx`, one row per metric per period (DOMAIN 3.3).

Both are safe to open in a spreadsheet: in the CSV every text cell that starts with `= + - @`,
tab, CR or LF (or their full-width forms, or spaces before one) gets a leading `'` (OWASP CSV
injection; numbers we formatted ourselves are left as numbers); in the XLSX every text cell is
stored as a string (`data_type='s'`, never a formula) and numbers as numbers. The workbook's
properties are fixed (creator "sgpack", created/modified = the as-of date) and the zip is re-made
with fixed entry times and order, so the same inputs give the same bytes.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re

from compiler.writers.commissioner_view import RETURN_COLUMNS, ReturnRow

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def guard(cell: str) -> str:
    """A CSV cell that no spreadsheet will run: formula-like text gets a leading `'`."""
    if _NUMBER.fullmatch(cell):
        return cell
    if cell.startswith(_TRIGGERS) or cell.lstrip(" \u00a0").startswith(_TRIGGERS):
        return "'" + cell
    return cell


def return_csv(rows: list[ReturnRow]) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(RETURN_COLUMNS)
    for row in rows:
        writer.writerow([guard(c) for c in row.cells()])
    return out.getvalue().encode("utf-8-sig")


def return_xlsx(rows: list[ReturnRow], *, title: str, as_of_iso: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell

    when = dt.datetime.combine(dt.date.fromisoformat(as_of_iso), dt.time())
    wb = Workbook()
    ws = wb.active
    ws.title = "Return"

    def cell(value: str) -> Cell:
        c = Cell(ws)
        if _NUMBER.fullmatch(value):
            c.value = float(value) if "." in value else int(value)
        else:
            c.value = value
            c.data_type = "s"          # text stays text: never a formula
        return c

    ws.append([cell(c) for c in RETURN_COLUMNS])
    for row in rows:
        ws.append([cell(c) for c in row.cells()])
    widths = (22, 20, 10, 40, 10, 12, 8, 10, 8, 7, 28, 60, 34)
    for i, width in enumerate(widths):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    props = wb.properties
    props.creator, props.lastModifiedBy, props.title = "sgpack", None, title
    props.created = props.modified = when
    props.lastPrinted = None
    out = io.BytesIO()
    wb.save(out)
    return normalise_zip(out.getvalue(), title=title, as_of_iso=as_of_iso)


def normalise_zip(data: bytes, *, title: str, as_of_iso: str) -> bytes:
    """Fixed entry order and times; core properties written afresh (the same as the Word pack's)."""
    from compiler.writers.docx import normalise_docx

    return normalise_docx(data, title=title, as_of_iso=as_of_iso)
