"""XLSX: cached cell values with openpyxl (read-only). Text and rows from every sheet; the table, and the document,
from the first."""
from __future__ import annotations

import datetime as dt
import io
import warnings

from ..document import MAX_TABLE_ROWS, Document
from ..limits import Limits
from ..zipsafe import open_ooxml
from .base import ReadResult, TextBuilder, Unreadable, one_line
from .blocks import data_table

READER_VERSION = "2"   # bump when what this reader returns changes: the cache then reads such files again


def cell_text(value) -> str:  # noqa: ANN001
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(data: bytes, limits: Limits) -> ReadResult:
    open_ooxml(data, "xlsx", limits).close()          # zip pre-check before openpyxl sees it
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Unreadable:
        raise
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:                      # openpyxl raises many kinds on a damaged workbook
        raise Unreadable(f"not a valid .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    result = ReadResult(rows=[], sheets={})
    builder = TextBuilder(limits, result)
    total = 0
    try:
        sheets = book.worksheets
        hidden = [sheet.title for sheet in sheets if getattr(sheet, "sheet_state", "visible") != "visible"]
        if hidden:
            result.notes.append("hidden sheets read: " + ", ".join(one_line(t, 40) for t in hidden))
        for index, sheet in enumerate(sheets):
            suffix = f" of sheet {sheet.title!r}" if len(sheets) > 1 else ""
            rows = result.rows if index == 0 else []
            result.sheets[sheet.title] = (rows, False)
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
                total += 1
                if total > limits.max_xlsx_rows:      # the limit counts the rows of all sheets together
                    result.notes.append(f"only the first {limits.max_xlsx_rows} rows read (limit)")
                    if index == 0:
                        result.rows_truncated = True
                    result.sheets[sheet.title] = (rows, True)
                    result.sheets.update((later.title, ([], True)) for later in sheets[index + 1:])
                    return result
                cells = list(values[: limits.max_columns])
                if all(value is None or (isinstance(value, str) and not value.strip()) for value in cells):
                    continue
                rows.append((number, cells))
                builder.add(f"in row {number}{suffix}", "\t".join(cell_text(v) for v in cells))
    except Unreadable:
        raise
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:
        raise Unreadable(f"damaged .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        book.close()
    return result


def document(data: bytes, limits: Limits) -> Document:
    """The first sheet as a table (the others named in the notes), cut at MAX_TABLE_ROWS."""
    open_ooxml(data, "xlsx", limits).close()          # zip pre-check before openpyxl sees it
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:                      # openpyxl raises many kinds on a damaged workbook
        raise Unreadable(f"not a valid .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    notes: list[str] = []
    rows: list[list[str]] = []
    truncated = False
    try:
        sheets = book.worksheets
        if not sheets:
            raise Unreadable("the .xlsx has no worksheets")
        first = sheets[0]
        if len(sheets) > 1:
            others = ", ".join(repr(one_line(s.title, 40)) for s in sheets[1:6])
            more = f" and {len(sheets) - 6} more" if len(sheets) > 6 else ""
            notes.append(f"first sheet {one_line(first.title, 40)!r} shown; not shown: {others}{more}")
        max_col = min(first.max_column or limits.max_columns, limits.max_columns)
        for count, values in enumerate(first.iter_rows(values_only=True, max_col=max_col), start=1):
            if count > limits.max_xlsx_rows:
                truncated = True
                break
            cells = [cell_text(v) for v in values[: limits.max_columns]]
            if not any(c.strip() for c in cells):
                continue
            if len(rows) > MAX_TABLE_ROWS:
                truncated = True
                break
            rows.append(cells)
    except Unreadable:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        raise Unreadable(f"damaged .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        book.close()
    # drop columns that are empty in every row (read-only sheets often report a wide dimension)
    width = max((max((i + 1 for i, c in enumerate(row) if c.strip()), default=0) for row in rows), default=0)
    return data_table("xlsx", [row[:width] for row in rows], notes, truncated=truncated)
