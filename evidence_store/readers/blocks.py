"""Document blocks more than one reader makes: plain text as line blocks, rows as a table of data."""
from __future__ import annotations

from typing import Any

from ..document import (MAX_CELL_CHARS, MAX_TABLE_ROWS, MAX_TEXT_CHARS, PORTRAIT_MAX_COLUMNS, Cell, Document,
                        LineBlock, Remark, Table, cut, one_break)


def limit_text(text: str, notes: list[str]) -> str:
    """The text a document shows at most, saying so in `notes` when it is cut."""
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"text cut at {MAX_TEXT_CHARS:,} characters")
        return text[:MAX_TEXT_CHARS]
    return text


def line_blocks(text: str) -> list[LineBlock]:
    """Plain text as blocks of lines: blank lines separate them, trailing spaces go."""
    blocks: list[LineBlock] = []
    lines: list[str] = []
    for line in text.splitlines():
        if line.strip():
            lines.append(line.rstrip())
        elif lines:
            blocks.append(LineBlock(lines))
            lines = []
    if lines:
        blocks.append(LineBlock(lines))
    return blocks


def data_table(source: str, rows: list[list[Any]], notes: list[str], *, truncated: bool) -> Document:
    """CSV/XLSX rows (the header row first) as a document of one table of text; landscape when wide."""
    if not rows:
        return Document(source, [Remark("[the table is empty]")], notes)
    if len(rows) > MAX_TABLE_ROWS + 1:
        rows = rows[: MAX_TABLE_ROWS + 1]
        truncated = True
    if truncated:
        notes.append(f"table cut at {MAX_TABLE_ROWS:,} rows")
    texts = [[one_break(str(v)) for v in row] for row in rows]
    if any(len(v) > MAX_CELL_CHARS for row in texts for v in row):
        notes.append(f"table cell text cut at {MAX_CELL_CHARS:,} characters")
        texts = [[cut(v, MAX_CELL_CHARS) for v in row] for row in texts]
    ncols = max(len(row) for row in texts)
    blocks: list[Any] = []
    if truncated:
        blocks.append(Remark(f"Only the first {MAX_TABLE_ROWS:,} rows are shown."))
    blocks.append(Table([[Cell(text=v) for v in row + [""] * (ncols - len(row))] for row in texts], header_rows=1))
    return Document(source, blocks, notes, landscape=ncols > PORTRAIT_MAX_COLUMNS)
