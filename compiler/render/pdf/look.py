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
from reportlab.platypus import CondPageBreak, Paragraph, Table, TableStyle

from compiler.render.escape import clean
from compiler.render.escape import markup as esc
from compiler.render.pdf import running
from compiler.render.pdf.flow import Para, Text, plain_text
from compiler.render.pdf.fonts import body_fonts
from compiler.render.theme import Theme
from compiler.views.words import RAG_SHORT

if TYPE_CHECKING:
    from compiler.views.common import Head

__all__ = ["Look", "esc", "link", "fit", "PAGE_W", "PAGE_H", "MARGIN_X", "MARGIN_TOP", "MARGIN_BOTTOM", "TEXT_W",
           "FRAME_H"]

PAGE_W, PAGE_H = A4
MARGIN_X = 2.0 * cm
MARGIN_TOP = 2.6 * cm        # the top and bottom 2 cm carry the bundle's stamps
MARGIN_BOTTOM = 2.6 * cm
TEXT_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM


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
        self.split_rows = 0          # 1 only when a table row is taller than a page (see _lay_out_part)
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
        s["h2"] = ParagraphStyle("h2", base, fontName=self.bold, fontSize=14.5, leading=18, textColor=self.heading,
                                 spaceBefore=6, spaceAfter=6, keepWithNext=1)
        s["h3"] = ParagraphStyle("h3", base, fontName=self.bold, fontSize=11.5, leading=15, textColor=self.heading,
                                 spaceBefore=4, spaceAfter=6)
        s["action"] = ParagraphStyle("action", base, fontName=self.bold, fontSize=12.5, leading=16.5,
                                     textColor=colors.white, backColor=self.heading, borderPadding=(6, 6, 6, 6),
                                     leftIndent=6, rightIndent=6,
                                     spaceBefore=6, spaceAfter=14, keepWithNext=1)
        s["h4"] = ParagraphStyle("h4", base, fontName=self.bold, fontSize=10.5, leading=14, textColor=self.heading,
                                 spaceBefore=10, spaceAfter=4)
        s["bullet"] = ParagraphStyle("bullet", base, leftIndent=14, bulletIndent=3)
        s["toc0"] = ParagraphStyle("toc0", s["cell"], fontName=self.bold, fontSize=10, leading=13)
        s["toc0r"] = ParagraphStyle("toc0r", s["toc0"], alignment=TA_RIGHT)
        s["toc1"] = ParagraphStyle("toc1", s["cell"], fontSize=9.2, leading=12, leftIndent=12)
        s["toc2"] = ParagraphStyle("toc2", s["cell"], fontSize=9, leading=11.5, leftIndent=24)
        s["toc3"] = ParagraphStyle("toc3", s["cell"], fontSize=8.6, leading=11, leftIndent=36)
        self.styles = s
        self._cells: dict[tuple[str, str], Paragraph] = {}

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

    def sub(self, markup: str, style: str = "h4", room: float = 3.2 * cm) -> list:
        """A sub-heading that never sits alone at the foot of a page, without glueing a long table to it."""
        return [CondPageBreak(room), Para(markup, self.styles[style])]

    def table(self, header: list[str], rows: list[list], widths: list[float], *, extra: list | None = None,
              zebra: bool = True) -> Table:
        """A table whose every cell is a Paragraph (nothing overflows); header row repeats across pages."""
        def cell(v):
            return v if not isinstance(v, str) else self.cell(v)
        data = [[self.cell(h, "th") for h in header]] + [[cell(v) for v in row] for row in rows]
        style = [("BACKGROUND", (0, 0), (-1, 0), self.heading),
                 ("VALIGN", (0, 0), (-1, -1), "TOP"),
                 ("LINEBELOW", (0, 0), (-1, -1), 0.4, self.rule),
                 ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                 ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
        if zebra:
            style += [("BACKGROUND", (0, i), (-1, i), self.zebra) for i in range(2, len(data), 2)]
        t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=self.split_rows)
        t.setStyle(TableStyle(style + (extra or [])))
        return t

    def kv_table(self, rows: list[tuple[str, object]], widths: tuple[float, float], extra: list | None = None) -> Table:
        data = [[self.cell(esc(k), "cell_b"), v if not isinstance(v, str) else self.cell(v)] for k, v in rows]
        t = Table(data, colWidths=list(widths), hAlign="LEFT", splitInRow=self.split_rows)
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LINEBELOW", (0, 0), (-1, -1), 0.4, self.rule),
                               ("BACKGROUND", (0, 0), (0, -1), self.zebra),
                               ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]
                              + (extra or [])))
        return t

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


def fit(text: str, font: str, size: float, width: float) -> str:
    text = clean(text)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"
