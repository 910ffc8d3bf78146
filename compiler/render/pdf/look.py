"""The look of every sgpack PDF: page geometry, paragraph styles, colours and RAG chips from the theme."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from compiler.render.escape import clean
from compiler.render.escape import markup as esc
from compiler.render.pdf import running
from compiler.render.pdf.fit import break_after_hyphens, columns, hyphen_narrow, share, words
from compiler.render.pdf.flow import Para, Text, plain_text
from compiler.render.pdf.fonts import body_fonts
from compiler.render.pdf.keep import EmptySections
from compiler.render.theme import Theme
from compiler.views.words import RAG_SHORT

if TYPE_CHECKING:
    from compiler.views.common import Head

__all__ = ["Look", "esc", "link", "fit", "PAGE_W", "PAGE_H", "MARGIN_X", "MARGIN_TOP", "MARGIN_BOTTOM", "TEXT_W",
           "FRAME_H", "SPLIT_ROW_MIN"]

PAGE_W, PAGE_H = A4
MARGIN_X = 2.0 * cm
MARGIN_TOP = 2.6 * cm        # the top and bottom 2 cm carry the bundle's stamps
MARGIN_BOTTOM = 2.6 * cm
TEXT_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
# A table whose longest words cannot share the width is set smaller, step by step, down to the last: 8.2 pt cells
# at 6.5 pt. Only past that does a hyphenated word break after a hyphen (compiler.render.pdf.fit).
TABLE_SCALES = (1.0, 0.94, 0.88, 0.83, 0.79)
# Where table rows may split at a page's end (reportlab's splitInRow), neither part of a row, nor what is left of
# the table, is less than this high (points: three lines of a cell): no page holds two lines of a row's end.
SPLIT_ROW_MIN = 40
CELL_PAD = 4                 # a table cell's left and right padding
KV_PAD = 6                   # reportlab's own, which the key-value tables keep


def link(anchor: str, label: str, *, plain: bool = False) -> str:
    """A link to an anchor; `label` is markup already escaped. Anchors are [A-Za-z0-9_] only."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", anchor):
        raise ValueError(f"bad anchor {anchor!r}")
    if plain:
        return f'<a href="sgpack:{anchor}">{label}</a>'
    return f'<a href="sgpack:{anchor}"><font color="#1d70b8"><u>{label}</u></font></a>'


class Look:
    """Fonts, colours and paragraph styles from the theme, shared by the body and the exhibit sheets."""

    def __init__(self, theme: Theme):
        fonts = body_fonts(theme.font, theme.font_bold)
        self.font, self.bold, self.italic, self.mono = fonts.regular, fonts.bold, fonts.italic, fonts.mono
        self.logo = theme.logo_png               # the provider's logo, top right of every cover, or None
        self.split_rows = 0          # SPLIT_ROW_MIN only when rows may split (see layout._lay_out_part)
        c = theme.colours
        self.text = colors.HexColor(c.get("text", "#1d1d1b"))
        self.heading = colors.HexColor(c.get("heading", "#003a5d"))
        self.rule = colors.HexColor(c.get("rule", "#b1b4b6"))
        self.zebra = colors.HexColor("#f3f2f1")
        self.grey = colors.HexColor("#505a5f")
        self.rag = {r: colors.HexColor(c.get(f"rag_{r}", d)) for r, d in
                    (("red", "#d4351c"), ("amber", "#f47738"), ("green", "#00703c"), ("blue", "#1d70b8"))}
        self.result = {"pass": self.rag["green"], "fail": self.rag["red"], "n/a": colors.HexColor("#6f777b")}
        s = {}
        base = ParagraphStyle("base", fontName=self.font, fontSize=9.5, leading=13.5, textColor=self.text,
                              spaceAfter=5, splitLongWords=1)
        s["body"] = base
        s["small"] = ParagraphStyle("small", base, fontSize=8, leading=10.5, textColor=self.grey)
        s["cell"] = ParagraphStyle("cell", base, fontSize=8.2, leading=10.4, spaceAfter=0)
        s["cell_b"] = ParagraphStyle("cell_b", s["cell"], fontName=self.bold)
        s["cell_r"] = ParagraphStyle("cell_r", s["cell"], alignment=TA_RIGHT)
        s["cell_c"] = ParagraphStyle("cell_c", s["cell"], alignment=TA_CENTER)
        s["cell_chip"] = ParagraphStyle("cell_chip", s["cell"], fontName=self.bold, textColor=colors.white,
                                        alignment=TA_CENTER)
        s["cell_chip_dark"] = ParagraphStyle("cell_chip_dark", s["cell_chip"], textColor=self.text)
        s["cell_mono"] = ParagraphStyle("cell_mono", s["cell"], fontName=self.mono, fontSize=7.6)
        s["th"] = ParagraphStyle("th", s["cell"], fontName=self.bold, textColor=colors.white)
        s["h1"] = ParagraphStyle("h1", base, fontName=self.bold, fontSize=19, leading=24, textColor=self.heading,
                                 spaceBefore=0, spaceAfter=12, keepWithNext=1)
        s["h1_next"] = ParagraphStyle("h1_next", s["h1"], spaceBefore=18)      # an h1 that does not start a page
        s["h2"] = ParagraphStyle("h2", base, fontName=self.bold, fontSize=14.5, leading=18, textColor=self.heading,
                                 spaceBefore=6, spaceAfter=6, keepWithNext=1)
        s["h3"] = ParagraphStyle("h3", base, fontName=self.bold, fontSize=11.5, leading=15, textColor=self.heading,
                                 spaceBefore=4, spaceAfter=6, keepWithNext=1)
        s["action"] = ParagraphStyle("action", base, fontName=self.bold, fontSize=12.5, leading=16.5,
                                     textColor=colors.white, backColor=self.heading, borderPadding=(6, 6, 6, 6),
                                     leftIndent=6, rightIndent=6,
                                     spaceBefore=6, spaceAfter=14, keepWithNext=1)
        s["h4"] = ParagraphStyle("h4", base, fontName=self.bold, fontSize=10.5, leading=14, textColor=self.heading,
                                 spaceBefore=10, spaceAfter=4, keepWithNext=1)
        s["bullet"] = ParagraphStyle("bullet", base, leftIndent=14, bulletIndent=3)
        s["folded"] = ParagraphStyle("folded", base, spaceBefore=6)        # empty sections said on one line
        s["toc0"] = ParagraphStyle("toc0", s["cell"], fontName=self.bold, fontSize=10, leading=13)
        s["toc0r"] = ParagraphStyle("toc0r", s["toc0"], alignment=TA_RIGHT)
        s["toc1"] = ParagraphStyle("toc1", s["cell"], fontSize=9.2, leading=12, leftIndent=12)
        s["toc2"] = ParagraphStyle("toc2", s["cell"], fontSize=9, leading=11.5, leftIndent=24)
        s["toc3"] = ParagraphStyle("toc3", s["cell"], fontSize=8.6, leading=11, leftIndent=36)
        self.styles = s
        self._cells: dict[tuple[str, str], Paragraph] = {}
        self._fitted: dict[tuple, tuple[float, tuple[float, ...], bool]] = {}     # a table's content -> its sizing

    def p(self, markup: str, style: str = "body") -> Paragraph:
        return Para(markup, self.styles[style])

    def cell(self, markup: str, style: str = "cell") -> Paragraph:
        """A table cell's Paragraph. The same (markup, style) gives the same object, in this pass and the next:
        cells are only ever wrapped and drawn inside their table (never postponed or split by the frame), so
        each is parsed and broken into lines once per build, not once per pass."""
        key = (markup, style)
        para = self._cells.get(key)
        if para is None:
            st = self.styles[style]
            text = plain_text(markup) if Text.simple(st) else None
            para = self._cells[key] = Para(markup, st) if text is None else Text(markup, text, st)
        return para

    def sub(self, markup: str, style: str = "h4") -> list:
        """A sub-heading: kept with the start of what follows it (every heading style is; see keep.KeepStart)."""
        return [Para(markup, self.styles[style])]

    def lead(self, markup: str, style: str = "small") -> Paragraph:
        """A paragraph introducing what follows it, kept with it as a heading is."""
        para = Para(markup, self.styles[style])
        para.keepWithNext = 1
        return para

    def empty(self, sections: list[tuple[Flowable, str]], *, last: bool = False) -> EmptySections:
        """Sections with nothing to show: (heading, what it says instead, as markup). `last`: a page break or the
        end of the document follows, so where they do not fit they fold onto one line or are left out."""
        pairs = [(heading, self.p(text)) for heading, text in sections]
        folded = " ".join(f"<b>{heading.text.rstrip(':')}:</b> {text}" for heading, text in sections
                          if isinstance(getattr(heading, "text", None), str))
        return EmptySections(pairs, Para(folded, self.styles["folded"]), last=last)

    def table(self, header: list[str], rows: list[list], widths: list[float] | None = None, *,
              extra: list | None = None, zebra: bool = True, width: float = TEXT_W) -> Table:
        """A table whose every cell is a Paragraph (nothing overflows); header row repeats across pages. Its columns
        are sized from their content (compiler.render.pdf.fit) to fill `width`, unless `widths` are given and every
        column's longest word fits them."""
        def cell(v):
            return v if not isinstance(v, str) else self.cell(v)
        data = [[self.cell(h, "th") for h in header]] + [[cell(v) for v in row] for row in rows]
        data, widths = self.fitted(data, width, CELL_PAD, widths)
        style = [("BACKGROUND", (0, 0), (-1, 0), self.heading),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LINEBELOW", (0, 0), (-1, -1), 0.4, self.rule),
                 ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD), ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
                 ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
        if zebra:
            style += [("BACKGROUND", (0, i), (-1, i), self.zebra) for i in range(2, len(data), 2)]
        t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=self.split_rows)
        t.setStyle(TableStyle(style + (extra or [])))
        return t

    def kv_table(self, rows: list[tuple[str, object]], widths: tuple[float, float], extra: list | None = None) -> Table:
        data = [[self.cell(esc(k), "cell_b"), v if not isinstance(v, str) else self.cell(v)] for k, v in rows]
        data, fitted = self.fitted(data, sum(widths), KV_PAD, list(widths))
        t = Table(data, colWidths=fitted, hAlign="LEFT", splitInRow=self.split_rows)
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, self.rule),
                               ("BACKGROUND", (0, 0), (0, -1), self.zebra),
                               ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
                              + (extra or [])))
        return t

    def grid(self, data: list[list], widths: list[float], pad: float = KV_PAD, **kw) -> Table:  # noqa: ANN003
        """A table of cells laid out by hand (`widths` as designed), its columns widened from content only when
        a word would not fit them."""
        data, fitted = self.fitted(data, sum(widths), pad, widths)
        return Table(data, colWidths=fitted, hAlign=kw.pop("hAlign", "LEFT"), splitInRow=self.split_rows, **kw)

    def fitted(self, data: list[list], total: float, pad: float,
               hints: list[float] | None = None) -> tuple[list[list], list[float]]:
        """The cells, set smaller when they must be, and column widths summing to `total` in which no word is
        split: `hints` when every column's longest word fits them, else from the content. Past the smallest size
        a hyphenated word breaks after a hyphen; only a word wider than its column with no hyphen is cut."""
        if not data:
            return data, list(hints or [])
        key = (total, pad, tuple(hints or ()), tuple(tuple(_identity(c) for c in row) for row in data))
        known = self._fitted.get(key)
        if known is not None:                   # laid out again in the next pass: sized as in the last
            scale, widths, hyphenated = known
            shown = data if scale == 1.0 else self._scaled(data, scale)
            if hyphenated:
                shown = [[self._hyphenated(cell, w - 2 * pad) for cell, w in zip(row, widths)] for row in shown]
            return shown, list(widths)
        shown, widths, scale, hyphenated = self._fit(data, total, pad, hints)
        self._fitted[key] = (scale, tuple(widths), hyphenated)
        return shown, widths

    def _fit(self, data: list[list], total: float, pad: float,
             hints: list[float] | None) -> tuple[list[list], list[float], float, bool]:
        ncols = max(len(row) for row in data)
        pads = [2 * pad] * ncols
        shown = data
        for scale in TABLE_SCALES:
            shown = data if scale == 1.0 else self._scaled(data, scale)
            narrow, wide, cells = columns(shown, ncols, pads)
            if hints is not None and scale == 1.0 and all(n <= h + 1e-6 for n, h in zip(narrow, hints)):
                return shown, list(hints), scale, False
            widths = share(narrow, wide, total, cells)
            if widths is not None:
                return shown, widths, scale, False
        narrow = hyphen_narrow(shown, ncols, pads)
        widths = share(narrow, wide, total, cells) or [total * n / sum(narrow) for n in narrow]
        return ([[self._hyphenated(cell, widths[c] - pads[c]) for c, cell in enumerate(row)] for row in shown],
                widths, scale, True)

    def _scaled(self, data: list[list], scale: float) -> list[list]:
        return [[self._scaled_cell(cell, scale) for cell in row] for row in data]

    def _scaled_cell(self, cell, scale: float):  # noqa: ANN001, ANN202 - a table cell
        if isinstance(cell, list):
            return [self._scaled_cell(c, scale) for c in cell]
        if isinstance(cell, Text):
            return self.cell(_scale_sizes(cell.markup, scale), self._scaled_style(cell.style, scale))
        if isinstance(cell, Paragraph) and isinstance(cell.text, str):
            return Para(_scale_sizes(cell.text, scale), self.styles[self._scaled_style(cell.style, scale)],
                        bulletText=cell.bulletText)
        return cell

    def _scaled_style(self, style: ParagraphStyle, scale: float) -> str:
        name = f"{style.name}@{scale:g}"
        if name not in self.styles:
            self.styles[name] = ParagraphStyle(name, style, fontSize=style.fontSize * scale,
                                               leading=style.leading * scale)
        return name

    def _hyphenated(self, cell, room: float):  # noqa: ANN001, ANN202 - a table cell
        """The cell with its words wider than `room` broken after their hyphens."""
        if isinstance(cell, list):
            return [self._hyphenated(c, room) for c in cell]
        markup = cell.markup if isinstance(cell, Text) else getattr(cell, "text", None)
        if not isinstance(markup, str) or not any(stringWidth(w, f, z) > room for w, f, z in words(cell)):
            return cell
        style = cell.style
        return Para(break_after_hyphens(markup, room, style.fontName, style.fontSize), style,
                    bulletText=getattr(cell, "bulletText", None))

    def chip(self, rag: str | None) -> tuple[Paragraph, colors.Color]:
        """A RAG value as (cell paragraph, cell background)."""
        if rag not in self.rag:
            return self.cell("—", "cell_c"), colors.HexColor("#dee0e2")
        style = "cell_chip_dark" if rag == "amber" else "cell_chip"
        return self.cell(esc(RAG_SHORT[rag]), style), self.rag[rag]

    def draw_running(self, canv, head: Head) -> None:  # noqa: ANN001 - a reportlab canvas
        """Provider and date top left, pack title bottom left, each whole (compiler.render.pdf.running): the
        centre and right are kept for the bundle's stamps."""
        room = running.head_room(PAGE_W, MARGIN_X, head.classification, self.bold)
        canv.saveState()
        canv.setFillColor(self.grey)
        for text, middle in ((f"{head.provider} · as at {head.as_of}", PAGE_H - 1.15 * cm), (head.title, 1.0 * cm)):
            lines, size = running.lines_for(text, self.font, room)
            canv.setFont(self.font, size)
            for line, y in zip(lines, running.baselines(middle, len(lines), size)):
                canv.drawString(MARGIN_X, y, line)
        canv.setStrokeColor(self.rule)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, PAGE_H - 1.9 * cm, PAGE_W - MARGIN_X, PAGE_H - 1.9 * cm)
        canv.line(MARGIN_X, 1.9 * cm, PAGE_W - MARGIN_X, 1.9 * cm)
        canv.restoreState()


def _identity(cell: object) -> object:
    """What a table cell shows, to know the same table again in the next pass: its markup and style, or itself."""
    if isinstance(cell, list):
        return tuple(_identity(c) for c in cell)
    markup = cell.markup if isinstance(cell, Text) else getattr(cell, "text", None)
    style = getattr(cell, "style", None)
    if isinstance(markup, str) and style is not None:
        return markup, style.name, getattr(cell, "bulletText", None)
    return id(cell)


def _scale_sizes(markup: str, scale: float) -> str:
    """Markup whose inline font sizes (<font size='7'>) are set `scale` times smaller too."""
    return re.sub(r"size=(['\"])([0-9.]+)\1", lambda m: f"size={m.group(1)}{float(m.group(2)) * scale:g}{m.group(1)}",
                  markup)


def fit(text: str, font: str, size: float, width: float) -> str:
    text = clean(text)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
