"""A tracker as the readers see it: its sheets (or Word tables) as grids of cells, with what a person sees of each
cell beside its value: the colour it is filled with, and whether a merge covers it.

The readers parse trackers as they parse evidence (under the same limits, XLSX and DOCX in the reader processes
of evidence_store.isolate); the compiler maps a grid to plans (compiler/trackers). `read_grid(fmt, data, limits)`
is the one way in: it gives a Book, or raises evidence_store.readers.Unreadable with a one-line reason a user can
act on. Every class is a plain dataclass of strings, numbers, dates and lists.

    Book        format ("xlsx", "xlsm", "docx", "csv"); sheets in the file's order; notes (what was read
                differently or left out: "sheet 'Old' is hidden", "read as Windows-1252 (cp1252): not UTF-8",
                "macros in the workbook are never run: the values it saved are read"); epoch_1904 (an XLSX
                workbook counting dates from 1904: a serial number in a cell that is not formatted as a date is
                read with it)
    Sheet       name (the tab's name; "Table 2" for a Word document's second table; "CSV" for a CSV file, whose
                caller gives no name; "Text" for a Word document's paragraphs before its first table, below);
                hidden (the tab is hidden or very hidden: read all the same, and said in a note); rows (row 1
                first; a row is a list of Cells, column A first, trailing empty cells left out, and trailing empty
                rows too); merges (each merged range as (first row, first column, last row, last column),
                1-based, inclusive; a Word cell spanning columns or merged down is one); truncated (the row
                limit cut it short)
    Cell        value: what the cell holds (text, a number, a bool, a date or datetime for a cell formatted as
                a date, or None when empty; a formula's cached value, never the formula, never evaluated; in a
                Word table the cell's paragraphs joined with "\n"; in a CSV always text); fill: the colour the
                cell shows as "#RRGGBB" (a theme colour with its tint applied, an indexed colour looked up, a
                conditional format that applies resolved to the colour it gives; a Word cell's shading), or None
                for no fill; font: the text's colour the same way, or None for the default (automatic or black);
                merged: a merge covers it and it is not the merge's first cell (its value is then None, and it
                shows the first cell's fill and font, as a merged range does)

"Text", in a Word document's Book only: the paragraphs before the document's first table (where a tracker keeps its
title, service, manager and date), one row per paragraph that holds text, the paragraph in column A. It comes first
in `sheets`, and only when there are such paragraphs; the Word tables follow as "Table 1", "Table 2"...

The readers (evidence_store.readers.xlsx, .docx and .csv: `grid(data, limits)`) return a Book's plain form, which
`read_grid` makes into the Book: {"format", "notes", "epoch_1904", "sheets": [{"name", "hidden", "rows", "merges",
"truncated"}]}, each row a list of (value, fill, font, merged) tuples. They import nothing of this module because
`read_grid` runs them in the reader processes (this module -> isolate -> readers): a reader importing the model
would close that circle.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Union

from .limits import DEFAULT_LIMITS, Limits, reader_process_count

__all__ = ["Book", "Sheet", "Cell", "CellValue", "GRID_FORMATS", "read_grid"]

GRID_FORMATS = ("xlsx", "xlsm", "docx", "csv")       # what a tracker may be, by its lower-case extension

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


_EMPTY = Cell()


def read_grid(fmt: str, data: bytes, limits: Limits | None = None) -> Book:
    """The tracker in `data` (format `fmt`, its extension: xlsx, xlsm, docx or csv) as a Book. XLSX, XLSM and DOCX
    are parsed in the reader processes with the time and memory limits of reading (a time-out or a crash is
    Unreadable, never a hang); CSV here. Raises Unreadable with a one-line reason a user can act on."""
    from .isolate import GRID_ISOLATED, grid_reader, pool_for
    from .readers.base import Unreadable, one_line

    limits = limits or DEFAULT_LIMITS
    fmt = fmt.lower().lstrip(".")
    reader = grid_reader(fmt) if fmt in GRID_FORMATS else None
    if reader is None:
        raise Unreadable(f"not a tracker format (.{one_line(fmt, 20)}): a tracker is an .xlsx, .xlsm, .docx or "
                         ".csv file")
    if len(data) > limits.max_file_bytes:
        raise Unreadable(f"the file is {len(data):,} bytes (limit {limits.max_file_bytes:,})")
    if fmt not in GRID_ISOLATED or reader_process_count(limits) == 0:
        try:
            return _book(reader(data, limits))
        except (Unreadable, MemoryError):
            raise
        except Exception as exc:  # noqa: BLE001 - as in a reader process: the file's fault is a reason, not a crash
            raise Unreadable(one_line(f"could not be read ({type(exc).__name__}: {exc})", 300)) from None
    pool = pool_for(limits)
    mine = object()                                  # this call's key in the pool
    try:
        pool.submit(mine, fmt, data, limits, mode="grid")
        outcome = next(outcome for key, outcome in pool.drain() if key is mine)
    except BaseException:
        pool.close()                                 # a child in the middle of the file is not left running
        raise
    if outcome.reason is not None:
        raise Unreadable(outcome.reason)
    return _book(outcome.result)


def _book(plain: dict[str, Any]) -> Book:
    """The Book of a reader's plain form (this module's docstring)."""
    sheets = []
    for raw in plain["sheets"]:
        rows = [[_EMPTY if cell == (None, None, None, False) else Cell(*cell) for cell in row] for row in raw["rows"]]
        sheets.append(Sheet(raw["name"], rows, bool(raw["hidden"]), [tuple(m) for m in raw["merges"]],
                            bool(raw["truncated"])))
    return Book(plain["format"], sheets, list(plain["notes"]), bool(plain["epoch_1904"]))
