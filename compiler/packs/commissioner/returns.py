"""The commissioner return: `return.csv` and `return.xlsx`, one row per metric per period.

Both are safe to open in a spreadsheet (compiler.render.spreadsheet): text that could start a formula
is quoted in the CSV and stored as text in the workbook; numbers sgpack formatted itself stay numbers.
"""
from __future__ import annotations

from compiler.render.spreadsheet import csv_bytes, xlsx_bytes
from compiler.views.commissioner import RETURN_COLUMNS, ReturnRow

WIDTHS = (22, 20, 10, 40, 10, 12, 8, 10, 8, 7, 28, 60, 34)


def return_csv(rows: list[ReturnRow]) -> bytes:
    return csv_bytes(RETURN_COLUMNS, (row.cells() for row in rows), quote_all=True, numbers=True)


def return_xlsx(rows: list[ReturnRow], *, title: str, as_of_iso: str) -> bytes:
    return xlsx_bytes(RETURN_COLUMNS, (row.cells() for row in rows), sheet="Return", widths=WIDTHS, title=title,
                      as_of_iso=as_of_iso)
