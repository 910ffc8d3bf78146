"""Exhibit tables as flowables: tables of data (CSV, XLSX), Markdown and Word tables, keys and values."""
from __future__ import annotations

import contextvars
import re
from collections.abc import Iterable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from evidence_store.document import Cell, Document, Heading, KeyValues, ListItem
from evidence_store.document import Paragraph as Para
from evidence_store.document import Table as TableBlock
from evidence_store.document import frame_size

from .fonts import clean, fonts, multiline, note, para, styles
from .text import cell_paragraph, markup, plain

GROUP_COLUMNS = 12                # wider tables of data are printed in groups of this many columns

# Table rows move whole to the next page; only when a row is taller than a page does the layout
# start again with rows allowed to split inside (reportlab splits a row wherever a page ends).
SPLIT_IN_ROW: contextvars.ContextVar[int] = contextvars.ContextVar("split_in_row", default=0)


def table(block: TableBlock, doc: Document, notes: list[str]) -> list[Flowable]:
    if any(cell.text is not None for row in block.rows for cell in row):
        return _data(block, doc, notes)
    if doc.source == "md":
        return _markdown(block)
    return _word(block)


def key_values(block: KeyValues, doc: Document, notes: list[str]) -> list[Flowable]:
    avail = frame_size(False)[0]
    if block.kind == "headers":            # an email's: no grid, a rule under the last
        rows = [[para(key + ":", "cellhead"), para(value, "cell")] for key, value in block.rows]
        return [Table(rows, colWidths=[2.2 * cm, avail - 2.2 * cm], hAlign="LEFT", splitInRow=SPLIT_IN_ROW.get(),
                      style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                        ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.grey),
                                        ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                                        ("TOPPADDING", (0, 0), (-1, -1), 1)])),
                Spacer(1, 10)]
    rows = [[para(key, "cellhead"), Paragraph(multiline(value), styles()["cell"])] for key, value in block.rows]
    return [Table(rows, colWidths=[avail * 0.28, avail * 0.72], splitInRow=SPLIT_IN_ROW.get(), hAlign="LEFT",
                  style=grid_style(False, fonts().regular, 8.5,
                                   [("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0"))])),
            Spacer(1, 10)]


def col_widths(columns: list[list[str]], avail: float, floor: float) -> list[float]:
    """Column widths that share `avail` by content length; no column narrower than `floor`
    (or an even share, when that is less)."""
    n = len(columns)
    if n == 0:
        return []
    weights = []
    for col in columns:
        lengths = [min(len(t), 80) for t in col if t] or [1]
        longest = max(lengths)
        mean = sum(lengths) / len(lengths)
        weights.append(max(3.0, min(45.0, (longest + 2 * mean) / 3 + 2)))
    floor = min(floor, avail / n)
    fixed: set[int] = set()
    widths = [avail * w / sum(weights) for w in weights]
    for _ in range(n):
        small = {i for i, w in enumerate(widths) if i not in fixed and w < floor}
        if not small:
            break
        fixed |= small
        rest = avail - floor * len(fixed)
        rest_weight = sum(w for i, w in enumerate(weights) if i not in fixed) or 1.0
        widths = [floor if i in fixed else rest * weights[i] / rest_weight for i in range(n)]
    return widths


def grid_style(header: bool, font: str, size: float, extra: Iterable[tuple] = ()) -> TableStyle:
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("FONT", (0, 0), (-1, -1), font, size, size + 1.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")))
        commands.append(("FONT", (0, 0), (-1, 0), fonts().bold, size, size + 1.5))
    commands.extend(extra)
    return TableStyle(commands)


# --------------------------------------------------------------------------------------- data (CSV, XLSX)

def _data(block: TableBlock, doc: Document, notes: list[str]) -> list[Flowable]:
    """Rows of text, the first the header repeated on every page; set small on landscape pages, and printed
    in groups of columns, each repeating the first, when too wide for one page."""
    texts = [[clean(cell.text or "") for cell in row] for row in block.rows]
    if not texts:
        return []
    ncols = max(len(row) for row in texts)
    avail = frame_size(doc.landscape)[0]
    if ncols <= GROUP_COLUMNS + 2:
        return [_data_table(texts, avail, small=doc.landscape)]
    groups = [list(range(start, min(start + GROUP_COLUMNS - 1, ncols)))
              for start in range(1, ncols, GROUP_COLUMNS - 1)]
    notes.append(f"wide table printed in {len(groups)} column groups")
    story: list[Flowable] = []
    for k, group in enumerate(groups):
        if k:
            story.append(PageBreak())
        cols = [0] + group
        story.append(note(f"Columns 1 and {group[0] + 1}–{group[-1] + 1} of {ncols} "
                          f"(group {k + 1} of {len(groups)})"))
        story.append(_data_table([[row[c] for c in cols] for row in texts], avail, small=True))
    return story


def _data_table(rows: list[list[str]], avail: float, *, small: bool) -> Table:
    """A cell that fits its column on one line is drawn as a string; others become wrapped paragraphs."""
    chosen = fonts()
    st = styles()
    size = 7.5 if small else 8.5
    cell_style, head_style = (st["small"], st["smallhead"]) if small else (st["cell"], st["cellhead"])
    widths = col_widths([list(col) for col in zip(*rows)], avail, 1.4 * cm)
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        font = chosen.bold if r == 0 else chosen.regular
        out: list[Any] = []
        for c, text in enumerate(row):
            if text and ("\n" in text or stringWidth(text, font, size) > widths[c] - 6):
                out.append(Paragraph(multiline(text), head_style if r == 0 else cell_style))
            else:
                out.append(text)
        data.append(out)
    return Table(data, colWidths=widths, repeatRows=1, splitInRow=SPLIT_IN_ROW.get(), hAlign="LEFT",
                 style=grid_style(True, chosen.regular, size))


# ------------------------------------------------------------------------------------------- Markdown

def _markdown(block: TableBlock) -> list[Flowable]:
    """Each cell one paragraph; the first row the header, bold and repeated on every page."""
    rows = [[markup(_inlines(cell)) for cell in row] for row in block.rows if row]
    if not rows:
        return []
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    st = styles()
    texts = [[re.sub(r"<[^>]*>", "", cell) for cell in row] for row in rows]
    widths = col_widths([list(col) for col in zip(*texts)], frame_size(False)[0], 1.4 * cm)
    data = [[Paragraph(cell, st["cellhead"] if r == 0 else st["cell"]) for cell in row] for r, row in enumerate(rows)]
    return [Spacer(1, 4),
            Table(data, colWidths=widths, repeatRows=1, splitInRow=SPLIT_IN_ROW.get(), hAlign="LEFT",
                  style=grid_style(True, fonts().regular, 8.5)),
            Spacer(1, 6)]


def _inlines(cell: Cell) -> list:
    return [node for b in cell.blocks if isinstance(b, (Para, Heading, ListItem)) for node in b.content]


# ----------------------------------------------------------------------------------------------- Word

def _word(block: TableBlock) -> list[Flowable]:
    """Cells of paragraphs, spans kept; header rows shaded and repeated on every page."""
    cell_style = styles()["cell"]
    rows: list[list[Any]] = []
    texts: list[list[str]] = []               # for column widths
    spans: list[tuple] = []
    for r, cells in enumerate(block.rows):
        row: list[Any] = []
        row_texts: list[str] = []
        for cell in cells:
            shown = [p for p in (cell_paragraph(b, cell_style) for b in cell.blocks) if p is not None]
            if cell.span > 1:
                spans.append(("SPAN", (len(row), r), (len(row) + cell.span - 1, r)))
            row.append(shown or "")
            row_texts.append(_cell_text(cell) if cell.span == 1 else "")
            row.extend([""] * (cell.span - 1))
            row_texts.extend([""] * (cell.span - 1))
        rows.append(row)
        texts.append(row_texts)
    ncols = max((len(row) for row in rows), default=0)
    if ncols == 0:
        return []
    for row, row_texts in zip(rows, texts):
        row.extend([""] * (ncols - len(row)))
        row_texts.extend([""] * (ncols - len(row_texts)))
    widths = col_widths([list(col) for col in zip(*texts)], frame_size(False)[0], 1.6 * cm)
    extra = list(spans)
    if block.header_rows:
        extra.append(("BACKGROUND", (0, 0), (-1, block.header_rows - 1), colors.HexColor("#e6e6e6")))
    return [Spacer(1, 3),
            Table(rows, colWidths=widths, repeatRows=block.header_rows, splitInRow=SPLIT_IN_ROW.get(),
                  hAlign="LEFT", style=grid_style(False, fonts().regular, 8.5, extra)),
            Spacer(1, 8)]


def _cell_text(cell: Cell) -> str:
    return " ".join(plain(b.content) for b in cell.blocks if isinstance(b, (Para, Heading, ListItem)))
