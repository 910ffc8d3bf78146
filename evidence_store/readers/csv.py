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


_DELIMITERS = (",", ";", "\t")                      # a comma first: it wins a tie
_SNIFF_RECORDS = 50                                  # records each delimiter is tried on


def grid(data: bytes, limits: Limits) -> dict:
    """The records as one sheet named "CSV" of the plain form of an evidence_store.grid Book, every value text (the
    importer reads dates and numbers), an empty field None. UTF-8 with or without a byte-order mark, else
    Windows-1252 (said in a note); the delimiter whichever of , ; and tab splits the first records most evenly."""
    notes: list[str] = []
    try:
        text = decode_text(data)
    except Unreadable:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise Unreadable(f"neither UTF-8 nor Windows-1252 text (byte {exc.start}): save the file as "
                             "CSV UTF-8") from None
        notes.append("read as Windows-1252 (cp1252): not UTF-8")
    if not text.strip():
        raise Unreadable("not a tracker: the .csv is empty")
    if "\x00" in text:
        notes.append("contains NUL characters")
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append(f"fields separated by {'tabs' if delimiter == chr(9) else repr(delimiter)}")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[tuple]] = []
    truncated = wide = False
    while True:
        start_line = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            message = str(exc)
            if "unexpected end of data" in message:
                raise Unreadable(f"unterminated quote in the row starting on line {start_line}") from None
            raise Unreadable(f"line {reader.line_num}: {one_line(message)}") from None
        if len(rows) >= limits.max_csv_rows:
            truncated = True
            notes.append(f"only the first {limits.max_csv_rows:,} rows read (limit)")
            break
        if len(fields) > limits.max_columns:
            fields, wide = fields[: limits.max_columns], True
        while fields and not fields[-1]:
            fields.pop()
        rows.append([(value or None, None, None, False) for value in fields])
    if wide:
        notes.append(f"only the first {limits.max_columns:,} columns read (limit)")
    while rows and not rows[-1]:
        rows.pop()
    return {"format": "csv", "sheets": [{"name": "CSV", "hidden": False, "rows": rows, "merges": [],
                                         "truncated": truncated}], "notes": notes, "epoch_1904": False}


def _delimiter(text: str) -> str:
    """The delimiter splitting the first records into the most fields the most often (a record of one field
    counts for nothing)."""
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        counts: list[int] = []
        try:
            for fields in csv.reader(io.StringIO(text[: 1 << 16], newline=""), delimiter=delimiter):
                counts.append(len(fields))
                if len(counts) >= _SNIFF_RECORDS:
                    break
        except csv.Error:
            pass
        wide = [n for n in counts if n > 1]
        if not wide:
            continue
        common = max(set(wide), key=lambda n: (wide.count(n), n))
        score = (wide.count(common), common)
        if score > best_score:
            best, best_score = delimiter, score
    return best
