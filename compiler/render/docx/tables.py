"""Tables as a reader expects them in a rendered Word document: columns sized from their content, and RAG
cells shaded.

Column widths (compiler.render.docx.measure measures the text): every column first gets its widest word, so
no cell splits a word, and a short line (an id, a date, a page range, a RAG) is kept whole. The room left
goes, a step at a time, to the column whose widening makes the table shortest for the room it takes, so a
title or narrative column comes out wide and an id or date column narrow; room that shortens nothing is
shared in proportion to the widths the template gave the columns. The table spans the text width, and the
widths are written the same in the grid (w:tblGrid) and in every cell (w:tcW), with a fixed layout, so
Word and LibreOffice lay it out alike.

A cell that holds nothing but RAG chips of one colour (compiler.render.docx.ooxml.chip) is shaded in it
(the fill of the chip's character style in the template) and the chip's own shading is turned off: a
shaded cell, not a highlighted word.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from compiler.render.docx.measure import DEFAULT_CELL_MARGIN, NS, Measure, Styles, margins_of, measure, w
from compiler.render.docx.ooxml import CHIP_FILLS, CHIP_STYLES

# Child order the schema requires (Word refuses a file whose properties are out of order)
TBL_PR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize", "tblW",
          "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar", "tblLook", "tblCaption",
          "tblDescription", "tblPrChange")
TC_PR = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "textDirection",
         "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge", "tcPrChange")
R_PR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline", "shadow",
        "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern",
        "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em",
        "lang", "eastAsianLayout", "specVanish", "oMath")
CHIP_STYLE_IDS = frozenset(CHIP_STYLES.values())
OWN_LINES = 0.25            # a cell's own height counts this much beside its row's (a date on one line, not three)
STEPS_TRIED = 24            # widenings tried per column and step (more: fewer, longer steps)
SAMPLED_ROWS = 80           # rows a long table is sized on
SHORT = 1 / 8               # a line no wider than this share of the table is never wrapped


def child(parent: etree._Element, tag: str, order: tuple[str, ...]) -> etree._Element:
    """`parent`'s `w:tag` child, made and put in its schema place when missing."""
    found = parent.find(f"w:{tag}", NS)
    if found is not None:
        return found
    made = etree.Element(w(tag))
    rank = order.index(tag)
    for i, existing in enumerate(parent):
        name = etree.QName(existing).localname if isinstance(existing.tag, str) else ""
        if name in order and order.index(name) > rank:
            parent.insert(i, made)
            return made
    parent.append(made)
    return made


def properties(el: etree._Element, tag: str) -> etree._Element:
    """The properties element (w:tblPr, w:tcPr, w:rPr) of a table, cell or run: always its first child."""
    found = el.find(f"w:{tag}", NS)
    if found is None:
        found = etree.Element(w(tag))
        el.insert(0, found)
    return found


def _int(el: etree._Element | None, attr: str = "w", default: int = 0) -> int:
    value = el.get(w(attr)) if el is not None else None
    return int(value) if value and value.lstrip("-").isdigit() else default


def text_width(section: etree._Element | None) -> int | None:
    """The width between a section's margins, in twips."""
    if section is None:
        return None
    size, margins = section.find("w:pgSz", NS), section.find("w:pgMar", NS)
    if size is None or margins is None or not _int(size):
        return None
    return _int(size) - _int(margins, "left") - _int(margins, "right") - _int(margins, "gutter")


def body_tables(body: etree._Element) -> list[tuple[etree._Element, int | None]]:
    """The body's own tables (not those nested in a cell), each with the text width of its section."""
    out, pending = [], []
    for el in body:
        if el.tag == w("tbl"):
            pending.append(el)
            continue
        section = el.find("w:pPr/w:sectPr", NS) if el.tag == w("p") else el if el.tag == w("sectPr") else None
        if section is not None:
            width = text_width(section)
            out += [(t, width) for t in pending]
            pending = []
    return out + [(t, None) for t in pending]


def _cells(row: etree._Element):
    """(first grid column, columns spanned, cell) for each cell of a row."""
    col = _int(row.find("w:trPr/w:gridBefore", NS), "val")
    for cell in row.findall("w:tc", NS):
        span = max(1, _int(cell.find("w:tcPr/w:gridSpan", NS), "val", 1))
        yield col, span, cell
        col += span


def _template_widths(table: etree._Element, columns: int) -> list[int]:
    """The widths the template gave the columns (its cells' w:tcW, else its grid), as weights."""
    for row in table.findall("w:tr", NS):
        widths = [0] * columns
        for col, span, cell in _cells(row):
            tcw = cell.find("w:tcPr/w:tcW", NS)
            if span == 1 and col < columns and tcw is not None and tcw.get(w("type"), "dxa") == "dxa":
                widths[col] = _int(tcw)
        if all(widths):
            return widths
    grid = [_int(g) for g in table.findall("w:tblGrid/w:gridCol", NS)]
    return grid if len(grid) == columns and all(grid) else [1] * columns


def _margins(table: etree._Element, styles: Styles) -> int:
    """Left plus right cell margin, in twips."""
    own = margins_of(table.find("w:tblPr/w:tblCellMar", NS))
    style = table.find("w:tblPr/w:tblStyle", NS)
    margins = own or styles.cell_margins(style.get(w("val")) if style is not None else None)
    return sum(margins) if margins else 2 * DEFAULT_CELL_MARGIN


@dataclass
class Column:
    """What a column's cells ask of it: the widest piece no break may fall in (twips, with the cell margins),
    the width the template gave it (a weight), and each row's paragraphs."""
    need: int
    weight: int
    cells: dict[int, list[Measure]] = field(default_factory=dict)     # row -> paragraphs


def _height(paragraphs: list[Measure], width: float, margins: int) -> float:
    return sum(p.height(int(width) - margins) for p in paragraphs)


def widths(columns: list[Column], rows: int, total: int, margins: int) -> list[int]:
    """Column widths summing to `total` twips that keep the table short.

    Every column first gets its `need`, so no cell splits a word. Then, a step at a time, the column whose
    widening saves the most height per twip gets the room to its next saving: a row is as tall as its tallest
    cell, and a cell's own lines count a little too (a date on one line rather than three). Room no widening
    saves anything with goes to the columns in proportion to their template widths."""
    need = [c.need for c in columns]
    room = total - sum(need)
    if room < 0:                            # words wider than the page: shrink them alike (some must split)
        return _whole([n * total / sum(need) for n in need], total)
    width = list(need)
    heights = [[_height(c.cells.get(r, []), width[i], margins) for i, c in enumerate(columns)] for r in range(rows)]
    savings: dict[tuple[int, int], list[int]] = {}           # (column, width) -> its next savings
    while room > 0:
        best: tuple[float, int, int] | None = None          # (height saved per twip, column, added twips)
        for i, column in enumerate(columns):
            others = {r: max((h for j, h in enumerate(heights[r]) if j != i), default=0.0) for r in column.cells}
            if (i, width[i]) not in savings:
                savings[i, width[i]] = _next_savings(column, width[i], margins)
            for step in (s for s in savings[i, width[i]] if s <= room):
                saved = 0.0
                for r, paragraphs in column.cells.items():
                    old, new = heights[r][i], _height(paragraphs, width[i] + step, margins)
                    saved += max(others[r], old) - max(others[r], new) + OWN_LINES * (old - new)
                if saved > 0 and (best is None or saved / step > best[0]):
                    best = (saved / step, i, step)
        if best is None:
            break
        _, i, step = best
        width[i] += step
        room -= step
        for r, paragraphs in columns[i].cells.items():
            heights[r][i] = _height(paragraphs, width[i], margins)
    spread = [float(x) for x in width]
    if room > 0:
        weights = [c.weight for c in columns] if sum(c.weight for c in columns) else [1] * len(columns)
        spread = [x + room * k / sum(weights) for x, k in zip(width, weights)]
    return _whole(spread, total)


def _next_savings(column: Column, width: int, margins: int) -> list[int]:
    """The widenings (twips) at which one of the column's paragraphs loses a line: the smallest few."""
    steps = set()
    for paragraphs in column.cells.values():
        for p in paragraphs:
            count = p.line_count(width - margins)
            if count > len(p.lines):
                fewer = p.narrowest(count - 1, width - margins + 1)
                if fewer is not None:
                    steps.add(fewer + margins - width)
    return sorted(steps)[:STEPS_TRIED]


def _whole(widths: list[float], total: int) -> list[int]:
    """Whole twips summing to `total`: the widest column takes the odd twips."""
    out = [int(x) for x in widths]
    out[out.index(max(out))] += total - sum(out)
    return out


def fit_table(table: etree._Element, total: int, styles: Styles) -> None:
    """Size `table`'s columns from its content to `total` twips; grid and cells written alike, layout fixed."""
    rows = table.findall("w:tr", NS)
    grid = table.find("w:tblGrid", NS)
    count = max([len(grid.findall("w:gridCol", NS)) if grid is not None else 0]
                + [col + span for row in rows for col, span, _ in _cells(row)])
    if not count:
        return
    margins = _margins(table, styles)
    columns = [Column(margins, weight) for weight in _template_widths(table, count)]
    # a long table is sized on a sample of its rows (every row's words still count): the same shape, in time
    sampled = set(range(0, len(rows), max(1, len(rows) // SAMPLED_ROWS)))
    for n, row in enumerate(rows):
        header = row.find("w:trPr/w:tblHeader", NS) is not None      # a heading may wrap as it must
        for col, span, cell in _cells(row):
            if span != 1:
                continue
            found = [measure(p, styles) for p in cell.findall("w:p", NS) + cell.findall("w:sdt/w:sdtContent/w:p", NS)]
            # a short line (an id, a date, a page range, a RAG) is kept whole: as much a piece as a word
            columns[col].need = max([columns[col].need] + [(p.want if p.want <= total * SHORT and not header
                                                            else p.need) + margins for p in found])
            if n in sampled and not header:
                columns[col].cells[n] = found
    sized = widths(columns, len(rows), total, margins)

    if grid is None:
        grid = etree.Element(w("tblGrid"))
        table.insert(table.index(properties(table, "tblPr")) + 1, grid)
    for col in grid.findall("w:gridCol", NS):
        grid.remove(col)
    for width in sized:
        etree.SubElement(grid, w("gridCol")).set(w("w"), str(width))
    tbl_pr = properties(table, "tblPr")
    tbl_w = child(tbl_pr, "tblW", TBL_PR)
    tbl_w.attrib.clear()
    tbl_w.set(w("w"), str(total))
    tbl_w.set(w("type"), "dxa")
    child(tbl_pr, "tblLayout", TBL_PR).set(w("type"), "fixed")
    for row in rows:
        for col, span, cell in _cells(row):
            tcw = child(properties(cell, "tcPr"), "tcW", TC_PR)
            tcw.attrib.clear()
            tcw.set(w("w"), str(sum(sized[col:col + span])))
            tcw.set(w("type"), "dxa")


def shade_rag_cells(body: etree._Element, styles: Styles) -> None:
    """Every cell holding only RAG chips of one colour: shaded in it, the chips' own shading off."""
    for cell in body.iter(w("tc")):
        runs = [r for p in cell.findall("w:p", NS) for r in p.iter(w("r"))
                if "".join(t.text or "" for t in r.findall("w:t", NS)).strip("\u00a0 ")]
        chips = {(r.find("w:rPr/w:rStyle", NS).get(w("val")) if r.find("w:rPr/w:rStyle", NS) is not None else None)
                 for r in runs}
        if not runs or len(chips) != 1 or not chips <= CHIP_STYLE_IDS:
            continue
        style = chips.pop()
        fill = styles.fill(style) or CHIP_FILLS[style]
        shd = child(properties(cell, "tcPr"), "shd", TC_PR)
        shd.attrib.clear()
        shd.set(w("val"), "clear")
        shd.set(w("color"), "auto")
        shd.set(w("fill"), fill)
        for r in cell.iter(w("r")):
            if r.find("w:rPr/w:rStyle", NS) is not None:
                own = child(properties(r, "rPr"), "shd", R_PR)
                own.attrib.clear()
                own.set(w("val"), "clear")
                own.set(w("color"), "auto")
                own.set(w("fill"), "auto")


P_PR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr", "suppressLineNumbers",
        "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap", "overflowPunct", "topLinePunct",
        "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing",
        "mirrorIndents", "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
        "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")


def end_after_table(body: etree._Element) -> None:
    """A document that ends with a table ends with an empty paragraph (Word needs one after a table): made a
    point high, so a table that fills the last page leaves no empty page after it."""
    blocks = [el for el in body if el.tag in (w("p"), w("tbl"))]
    if len(blocks) < 2 or blocks[-1].tag != w("p") or blocks[-2].tag != w("tbl") or text_of(blocks[-1]):
        return
    ppr = properties(blocks[-1], "pPr")
    spacing = child(ppr, "spacing", P_PR)
    for side in ("before", "after"):
        spacing.set(w(side), "0")
    spacing.set(w("line"), "20")
    spacing.set(w("lineRule"), "exact")
    child(child(ppr, "rPr", P_PR), "sz", R_PR).set(w("val"), "2")


def text_of(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(w("t")))

