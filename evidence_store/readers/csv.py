"""CSV: UTF-8 records read strictly (an unterminated quote is an error, not a swallowed file); as a
document, a table."""
from __future__ import annotations

import csv
import dataclasses
import io

from ..document import MAX_TABLE_ROWS, Document
from ..limits import Limits
from .base import ReadResult, TextBuilder, Unreadable, decode_text, one_line
from .blocks import data_table

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again


def read(data: bytes, limits: Limits) -> ReadResult:
    text = decode_text(data)
    result = ReadResult(rows=[])
    if "\x00" in text:
        result.notes.append("contains NUL characters")
    builder = TextBuilder(limits, result)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    row = 0
    while True:
        start_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = str(exc)
            if "unexpected end of data" in message:
                raise Unreadable(f"unterminated quote in the row starting on line {start_line}") from None
            raise Unreadable(f"line {reader.line_num}: {one_line(message)}") from None
        row += 1                                  # a spreadsheet's row number; blank lines count, as in Excel
        if row > limits.max_csv_rows:
            result.rows_truncated = True
            result.notes.append(f"only the first {limits.max_csv_rows} rows read (limit)")
            break
        cells = cells[: limits.max_columns]
        if not any(cell.strip() for cell in cells):
            continue
        result.rows.append((row, cells))
        builder.add(f"in row {row}", "\t".join(cells))
    return result


def document(data: bytes, limits: Limits) -> Document:
    """The records as a table, the first row its header, cut at MAX_TABLE_ROWS."""
    capped = dataclasses.replace(limits, max_csv_rows=min(limits.max_csv_rows, MAX_TABLE_ROWS + 1), max_text_chars=1)
    result = read(data, capped)
    return data_table("csv", [cells for _, cells in result.rows or []], [], truncated=result.rows_truncated)
