"""Exhibit tables as flowables: tables of data (CSV, XLSX), Markdown and Word tables, keys and values."""
from __future__ import annotations

import contextvars
from collections.abc import Iterable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable

from evidence_store.document import Cell, Document, Heading, KeyValues, ListItem
from evidence_store.document import Paragraph as Para
from evidence_store.document import Table as TableBlock
from evidence_store.document import frame_size

from compiler.render.pdf.fit import break_after_hyphens, columns, hyphen_narrow, share, text_cell, words

from .fonts import clean, fonts, multiline, note, para, styles
from .text import cell_paragraph, markup

GROUP_COLUMNS = 12                # wider tables of data are printed in groups of this many columns
CELL_PAD = 3                      # points, left and right of a cell's text
# A table whose longest words cannot share the page is set smaller, down to the last of these (points): no word
# is split between lines; only past the last does a hyphenated word break, after a hyphen.
SIZES = {8.5: (8.5, 8.0, 7.5, 7.0, 6.5), 7.5: (7.5, 7.0, 6.5, 6.0)}

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


def fitted(rows: list[list[Any]], avail: float, pad: float = 2 * CELL_PAD) -> list[float] | None:
    """Column widths from what the cells hold (compiler.render.pdf.fit): none narrower than its longest word;
    None when the longest words cannot share `avail`."""
    ncols = max((len(row) for row in rows), default=0)
    narrow, wide, cells = columns(rows, ncols, [pad] * ncols)
    return share(narrow, wide, avail, cells)


def _last_resort(rows: list[list[Any]], avail: float, pad: float = 2 * CELL_PAD) -> list[float]:
    """Widths when even the smallest type will not fit every word: hyphenated words break after a hyphen."""
    ncols = max((len(row) for row in rows), default=0)
    narrow = hyphen_narrow(rows, ncols, [pad] * ncols)
    _, wide, cells = columns(rows, ncols, [pad] * ncols)
    return share(narrow, wide, avail, cells) or [avail * n / (sum(narrow) or 1.0) for n in narrow]


def grid_style(header: bool, font: str, size: float, extra: Iterable[tuple] = ()) -> TableStyle:
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
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
    """A cell that fits its column on one line is drawn as a string; others become wrapped paragraphs. Columns
    are sized from their content; the table is set smaller rather than split a word."""
    chosen = fonts()
    base = 7.5 if small else 8.5
    measured = [[text_cell(text, chosen.bold if r == 0 else chosen.regular, base) for text in row]
                for r, row in enumerate(rows)]
    size, widths = base, None
    for size in SIZES[base]:
        scaled = [[text_cell(text, chosen.bold if r == 0 else chosen.regular, size) for text in row]
                  for r, row in enumerate(rows)] if size != base else measured
        widths = fitted(scaled, avail)
        if widths is not None:
            break
    hyphenate = widths is None
    if hyphenate:
        widths = _last_resort(scaled, avail)
    cell_style, head_style = (_sized(styles()["small" if small else "cell"], size),
                              _sized(styles()["smallhead" if small else "cellhead"], size))
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        font = chosen.bold if r == 0 else chosen.regular
        out: list[Any] = []
        for c, text in enumerate(row):
            if text and ("\n" in text or stringWidth(text, font, size) > widths[c] - 2 * CELL_PAD):
                shown = multiline(text)
                if hyphenate:
                    shown = break_after_hyphens(shown, widths[c] - 2 * CELL_PAD, font, size)
                out.append(Paragraph(shown, head_style if r == 0 else cell_style))
            else:
                out.append(text)
        data.append(out)
    return Table(data, colWidths=widths, repeatRows=1, splitInRow=SPLIT_IN_ROW.get(), hAlign="LEFT",
                 style=grid_style(True, chosen.regular, size))


def _sized(style: ParagraphStyle, size: float) -> ParagraphStyle:
    """The style at `size` points (its leading kept in proportion)."""
    if size == style.fontSize:
        return style
    return ParagraphStyle(f"{style.name}@{size:g}", parent=style, fontSize=size,
                          leading=style.leading * size / style.fontSize)


def _paragraph_table(rows: list[list[Any]], make: Any, avail: float) -> tuple[list[list[Any]], list[float], float]:
    """Cells made by `make(row, column, size)` (paragraphs, or lists of them) at the largest size at which every
    word fits its column: (cells, widths, size). Past the smallest size, hyphenated words break after a hyphen."""
    cells: list[list[Any]] = []
    for size in SIZES[8.5]:
        cells = [[make(r, c, size) for c in range(len(row))] for r, row in enumerate(rows)]
        widths = fitted(cells, avail)
        if widths is not None:
            return cells, widths, size
    widths = _last_resort(cells, avail)
    return [[_hyphenated(cell, widths[c] - 2 * CELL_PAD) for c, cell in enumerate(row)] for row in cells], widths, size


def _hyphenated(cell: Any, room: float) -> Any:
    """A cell's paragraphs with their words wider than `room` broken after their hyphens."""
    if isinstance(cell, list):
        return [_hyphenated(c, room) for c in cell]
    if not isinstance(cell, Paragraph) or not isinstance(cell.text, str):
        return cell
    if not any(stringWidth(w, f, z) > room for w, f, z in words(cell)):
        return cell
    style = cell.style
    return Paragraph(break_after_hyphens(cell.text, room, style.fontName, style.fontSize), style,
                     bulletText=cell.bulletText)


# ------------------------------------------------------------------------------------------- Markdown

def _markdown(block: TableBlock) -> list[Flowable]:
    """Each cell one paragraph; the first row the header, bold and repeated on every page."""
    rows = [[markup(_inlines(cell)) for cell in row] for row in block.rows if row]
    if not rows:
        return []
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    st = styles()

    def make(r: int, c: int, size: float) -> Paragraph:
        return Paragraph(rows[r][c], _sized(st["cellhead"] if r == 0 else st["cell"], size))

    data, widths, size = _paragraph_table(rows, make, frame_size(False)[0])
    return [Spacer(1, 4),
            Table(data, colWidths=widths, repeatRows=1, splitInRow=SPLIT_IN_ROW.get(), hAlign="LEFT",
                  style=grid_style(True, fonts().regular, size)),
            Spacer(1, 6)]


def _inlines(cell: Cell) -> list:
    return [node for b in cell.blocks if isinstance(b, (Para, Heading, ListItem)) for node in b.content]


# ----------------------------------------------------------------------------------------------- Word

def _word(block: TableBlock) -> list[Flowable]:
    """Cells of paragraphs, spans kept; header rows shaded and repeated on every page."""
    cell_style = styles()["cell"]
    blocks: list[list[Any]] = []             # each cell's blocks, "" where a span covers it
    spans: list[tuple] = []
    for r, cells in enumerate(block.rows):
        row: list[Any] = []
        for cell in cells:
            if cell.span > 1:
                spans.append(("SPAN", (len(row), r), (len(row) + cell.span - 1, r)))
            row.append(cell.blocks if cell.span == 1 else ("span", cell.blocks))
            row.extend([""] * (cell.span - 1))
        blocks.append(row)
    ncols = max((len(row) for row in blocks), default=0)
    if ncols == 0:
        return []
    for row in blocks:
        row.extend([""] * (ncols - len(row)))

    def make(r: int, c: int, size: float) -> Any:
        found = blocks[r][c]
        if isinstance(found, str):
            return ""
        spanned = isinstance(found, tuple)
        shown = [p for p in (cell_paragraph(b, _sized(cell_style, size)) for b in (found[1] if spanned else found))
                 if p is not None]
        return _Spanned(shown) if spanned else (shown or "")

    data, widths, size = _paragraph_table(blocks, make, frame_size(False)[0])
    data = [[list(cell) if isinstance(cell, _Spanned) else cell for cell in row] for row in data]
    extra = list(spans)
    if block.header_rows:
        extra.append(("BACKGROUND", (0, 0), (-1, block.header_rows - 1), colors.HexColor("#e6e6e6")))
    return [Spacer(1, 3),
            Table(data, colWidths=widths, repeatRows=block.header_rows, splitInRow=SPLIT_IN_ROW.get(),
                  hAlign="LEFT", style=grid_style(False, fonts().regular, size, extra)),
            Spacer(1, 8)]


class _Spanned(list):
    """A cell spanning columns: its words are not counted against the first column alone (the columns it spans
    share them), so it is measured as nothing."""
    _sg_measure = (0.0, 0.0, ())
