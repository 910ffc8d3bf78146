"""A tracker as the readers see it: its sheets (or Word tables) as grids of cells, with what a person sees of each
cell beside its value: the colour it is filled with, and whether a merge covers it.

The readers parse trackers as they parse evidence (under the same limits, XLSX and DOCX in the reader processes
of evidence_store.isolate); the compiler maps a grid to plans (compiler/trackers). Every class is a plain
dataclass of strings, numbers, dates and lists, so a grid pickles between processes.

    Book        format ("xlsx", "docx", "csv"); sheets in the file's order; notes (what was skipped or changed:
                "hidden sheet 'Old' skipped", "read as cp1252", "macros in an .xlsm are never run");
                epoch_1904 (an XLSX workbook counting dates from 1904: a serial number in a cell that is not
                formatted as a date is read with it)
    Sheet       name (the tab's name; "Table 2" for a Word document's second table; the file's stem for a CSV);
                hidden; rows (row 1 first; a row is a list of Cells, column A first, trailing empty cells left
                out); merges (each merged range as (first row, first column, last row, last column), 1-based,
                inclusive); truncated (the row limit cut it short)
    Cell        value: what the cell holds (text, a number, a bool, a date or datetime for a cell formatted as
                a date, or None when empty; a formula's cached value, never the formula, never evaluated);
                fill: the colour the cell shows as "#RRGGBB" (a theme colour with its tint applied, an
                indexed colour looked up, a conditional format that applies resolved to the colour it gives),
                or None for no fill; font: the text's colour the same way, or None for the default;
                merged: a merge covers it and it is not the merge's first cell (its value is then None)
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Union

__all__ = ["Book", "Sheet", "Cell", "CellValue"]

CellValue = Union[str, int, float, bool, dt.date, dt.datetime, None]


@dataclass(frozen=True)
class Cell:
    value: CellValue = None
    fill: str | None = None
    font: str | None = None
    merged: bool = False


@dataclass
class Sheet:
    name: str
    rows: list[list[Cell]] = field(default_factory=list)
    hidden: bool = False
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    truncated: bool = False

    def cell(self, row: int, column: int) -> Cell:
        """The cell at (row, column), 1-based; an empty Cell beyond the rows read."""
        if 1 <= row <= len(self.rows) and 1 <= column <= len(self.rows[row - 1]):
            return self.rows[row - 1][column - 1]
        return Cell()


@dataclass
class Book:
    format: str
    sheets: list[Sheet] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    epoch_1904: bool = False
