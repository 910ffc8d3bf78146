"""The PDF pack's main body (reportlab platypus): cover, contents, summary, actions, index, gaps, waivers.

Page references are made the way TECH-NOTES describes: every heading records the page it is
drawn on, and the contents and cross-references are built from the previous pass's record;
`render_body` repeats until the record is stable. Every link points at a private
`sgpack:<anchor>` URI; `bundle.py` rewrites those into GoTo destinations after the merge.
All user text goes through `esc()` before it reaches Paragraph markup (reportlab markup has
had code-execution and fetch bugs), so `<img src=...>`, `{{ }}` and `<script>` print as typed.
The module is longer than the house ~400 lines because each section's layout lives here.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import (BaseDocTemplate, CondPageBreak, Flowable, Frame, KeepTogether, PageBreak, PageTemplate, Paragraph,
                                Spacer, Table, TableStyle)

from compiler.gcpolicy import young_collections_only
from compiler.packs.profiles import Theme
from compiler.writers.context import (CQC_SECTIONS, RAG_WORDS, ActionView, ExhibitRef, PackContext, PageMap)
from compiler.writers.pdf_flow import Para, Text, image, parsed, plain_text

_image = image                      # (packs.board places its charts with it)

# Binary Flate streams, no ASCII85 layer: reportlab's pure-Python A85 encoder and pypdf's decoder were a fifth of
# the body and bundle time, and the PDFs come out smaller. Set once for the process; output stays deterministic.
rl_config.useA85 = 0

PAGE_W, PAGE_H = A4
MARGIN_X = 2.0 * cm
MARGIN_TOP = 2.6 * cm        # the top and bottom 2 cm carry the bundle's stamps
MARGIN_BOTTOM = 2.6 * cm
TEXT_W = PAGE_W - 2 * MARGIN_X
FRAME_H = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
MAX_PASSES = 6

RAG_SHORT = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue"}
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Body:
    parts: tuple[bytes, ...]         # the body's parts, each laid out as a PDF of its own, in order (_parts)
    pages: int
    anchors: dict[str, int]          # anchor -> body page (1-based)

    @property
    def pdf(self) -> bytes:
        """The parts as one PDF (the bundle joins the parts themselves)."""
        from compiler.writers.pdfjoin import concatenate

        return concatenate(self.parts)


def esc(text: object) -> str:
    """User text -> inert Paragraph markup: escaped, control characters shown as U+FFFD."""
    return escape(_CONTROL.sub("\ufffd", str(text)))


def link(anchor: str, label: str, *, plain: bool = False) -> str:
    """A link to an anchor; `label` is markup already escaped. Anchors are [A-Za-z0-9_] only."""
    if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{0,39}", anchor):
        raise ValueError(f"bad anchor {anchor!r}")
    if plain:
        return f'<a href="sgpack:{anchor}">{label}</a>'
    return f'<a href="sgpack:{anchor}"><font color="#1d70b8"><u>{label}</u></font></a>'


# ---------------------------------------------------------------------------------- fonts & styles

def _register_fonts(theme: Theme) -> tuple[str, str, str, str]:
    """DejaVu Sans (ships with matplotlib) so ×, –, ’ and non-Latin names render; else the theme's fonts."""
    try:
        import matplotlib

        ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        names = {"sgpack-Sans": "DejaVuSans.ttf", "sgpack-Sans-Bold": "DejaVuSans-Bold.ttf",
                 "sgpack-Sans-Oblique": "DejaVuSans-Oblique.ttf",
                 "sgpack-Sans-BoldOblique": "DejaVuSans-BoldOblique.ttf", "sgpack-Mono": "DejaVuSansMono.ttf"}
        if not all((ttf / f).is_file() for f in names.values()):
            raise FileNotFoundError(ttf)
        registered = pdfmetrics.getRegisteredFontNames()
        for name, file in names.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(ttf / file)))
        pdfmetrics.registerFontFamily("sgpack-Sans", normal="sgpack-Sans", bold="sgpack-Sans-Bold",
                                      italic="sgpack-Sans-Oblique", boldItalic="sgpack-Sans-BoldOblique")
        return "sgpack-Sans", "sgpack-Sans-Bold", "sgpack-Sans-Oblique", "sgpack-Mono"
    except (ImportError, OSError):
        font = theme.font if theme.font in pdfmetrics.standardFonts else "Helvetica"
        bold = theme.font_bold if theme.font_bold in pdfmetrics.standardFonts else "Helvetica-Bold"
        return font, bold, "Helvetica-Oblique", "Courier"


class Look:
    """Fonts, colours and paragraph styles from the theme, shared by the body and the exhibit sheets."""

    def __init__(self, theme: Theme):
        self.font, self.bold, self.italic, self.mono = _register_fonts(theme)
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

    def draw_running(self, canv, ctx: PackContext) -> None:
        """Provider top left, pack title bottom left: the centre and right are kept for the bundle's stamps."""
        canv.saveState()
        canv.setFont(self.font, 7.5)
        canv.setFillColor(self.grey)
        canv.drawString(MARGIN_X, PAGE_H - 1.15 * cm, _fit(f"{ctx.provider} · as at {ctx.as_of}", self.font, 7.5, 180))
        canv.drawString(MARGIN_X, 1.0 * cm, _fit(ctx.title, self.font, 7.5, 180))
        canv.setStrokeColor(self.rule)
        canv.setLineWidth(0.5)
        canv.line(MARGIN_X, PAGE_H - 1.9 * cm, PAGE_W - MARGIN_X, PAGE_H - 1.9 * cm)
        canv.line(MARGIN_X, 1.9 * cm, PAGE_W - MARGIN_X, 1.9 * cm)
        canv.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    text = _CONTROL.sub("\ufffd", text)
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# ---------------------------------------------------------------------------------- page records

class Heading(Paragraph):
    """A heading that records the page it lands on (the per-pass record of anchor pages)."""

    def __init__(self, markup: str, style: ParagraphStyle, anchor: str, record: dict[str, int]):
        super().__init__(markup, style, frags=parsed(markup, style))
        self.anchor, self.record = anchor, record

    def split(self, availWidth, availHeight):
        if availHeight < FRAME_H - 1:              # the whole heading moves on to the next page
            return []
        # taller than a whole page (absurd user text): split it, recording the page at its start
        plain = Paragraph(self.text, self.style)
        plain.wrap(availWidth, availHeight)
        return [_Mark(self.anchor, self.record), *plain.split(availWidth, availHeight)]

    def draw(self):
        self.record[self.anchor] = self.canv.getPageNumber()
        super().draw()


class _Mark(Flowable):
    """Zero-size: records the page a split heading starts on."""

    def __init__(self, anchor: str, record: dict[str, int]):
        super().__init__()
        self.anchor, self.record = anchor, record

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        self.record[self.anchor] = self.canv.getPageNumber()


class Pages:
    """Page numbers known from the previous pass (body anchors) and from the bundle (exhibits). Every answer
    is recorded in `seen` (question -> answer), so a part laid out with these answers is known to be laid out
    again the same way while every question gets the same answer (see _lay_out_part)."""

    def __init__(self, known: dict[str, int], exhibits: PageMap | None):
        self.known, self.exhibits = known, exhibits
        self.seen: dict[tuple[str, ...], str] = {}

    def recording(self) -> Pages:
        """The same answers, with a record of its own."""
        return Pages(self.known, self.exhibits)

    def answer(self, question: tuple[str, ...]) -> str:
        kind, *args = question
        if kind == "page":
            n = self.known.get(args[0])
            if n is None and self.exhibits is not None:
                n = self.exhibits.anchors.get(args[0])
            return str(n) if n else "–"
        if kind == "exhibit":
            label = esc(args[0])
            if self.exhibits is not None and args[0] in self.exhibits.exhibits:
                label += "\u00a0(" + esc(self.exhibits.exhibit_pages(args[0])).replace(" ", "\u00a0") + ")"
            return link(args[1], label)
        if kind == "span":
            if self.exhibits is None or args[0] not in self.exhibits.exhibits:
                return "–"
            first, last = self.exhibits.exhibits[args[0]]
            return f"{first}–{last}" if last != first else str(first)
        raise ValueError(f"no such page question: {kind}")

    def _ask(self, *question: str) -> str:
        answer = self.seen[question] = self.answer(question)
        return answer

    def page(self, anchor: str) -> str:
        return self._ask("page", anchor)

    def exhibit(self, ref_number: str, anchor: str) -> str:
        """'E-012 (p. 47)' as a link to the exhibit sheet; the bare number outside a bundle."""
        return self._ask("exhibit", ref_number, anchor)

    def span(self, number: str) -> str:
        """An exhibit's bundle pages for the index: '47–52', '47', or '–' outside a bundle."""
        return self._ask("span", number)

    def refs(self, refs: list[ExhibitRef]) -> str:
        return ", ".join(self.exhibit(r.number, r.anchor) for r in refs) or "—"

    def same_answers(self, seen: dict[tuple[str, ...], str]) -> bool:
        return all(self.answer(q) == a for q, a in seen.items())


# ---------------------------------------------------------------------------------- sections

def _cover(ctx: PackContext, look: Look, rec: dict[str, int]) -> list:
    s = look.styles
    big = ParagraphStyle("cover_provider", s["h1"], fontSize=26, leading=32, spaceAfter=6)
    title = ParagraphStyle("cover_title", s["h1"], fontSize=17, leading=22, textColor=look.text, spaceAfter=18)
    cls = ParagraphStyle("cover_cls", s["body"], fontName=look.bold, fontSize=16, leading=20,
                         textColor=look.rag["red"], alignment=TA_CENTER, borderColor=look.rag["red"],
                         borderWidth=1.5, borderPadding=(8, 8, 8, 8), spaceBefore=8, spaceAfter=26)
    story = [Spacer(1, 2.2 * cm), Heading(esc(ctx.provider), big, "cover", rec),
             Paragraph(esc(ctx.title), title),
             Paragraph(esc(ctx.classification), cls)]
    story.append(look.kv_table([("Service", esc(ctx.service)), ("As at", esc(ctx.as_of)),
                                ("Prepared for", esc(ctx.audience)), ("Prepared by", esc(ctx.prepared_by)),
                                ("Tool version", esc(f"sgpack {ctx.tool_version}"))],
                               (4.2 * cm, TEXT_W - 4.2 * cm)))
    story += [Spacer(1, 0.8 * cm), look.p("Plans included", "h3")]
    rows = [[esc(pid), esc(t), esc(svc), esc(risk.capitalize())] for pid, t, svc, risk in ctx.plans]
    story.append(look.table(["Plan", "Title", "Service", "Risk"], rows,
                            [3.2 * cm, TEXT_W - 9.7 * cm, 4.5 * cm, 2.0 * cm]))
    story += [Spacer(1, 0.8 * cm), look.p(
        "This pack is a paginated bundle: the main body is followed by every exhibit, each opened by an "
        "exhibit sheet. Every page carries a bundle page number; every appendix page carries its exhibit "
        "stamp. Page references and links in this body point at bundle pages.", "small"), PageBreak()]
    return story


def _contents(ctx: PackContext, look: Look, rec: dict[str, int], pages: Pages) -> list:
    entries: list[tuple[int, str, str]] = []
    for anchor, name in CQC_SECTIONS:
        entries.append((0, anchor, esc(name)))
        if anchor == "sec_actions":
            for gi, group in enumerate(ctx.groups, 1):
                entries.append((1, f"kq_{gi}", esc(group.name)))
                for si, st in enumerate(group.statements, 1):
                    entries.append((2, f"qs_{gi}_{si}", esc(st.name)))
                    for a in st.actions:
                        entries.append((3, a.anchor, f"<b>{esc(a.id)}</b>\u2002{esc(a.title)}"))
    rows = []
    style = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 2.2),
             ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2), ("LEFTPADDING", (0, 0), (-1, -1), 0)]
    for i, (level, anchor, label) in enumerate(entries):
        rows.append([look.cell(link(anchor, label, plain=True), f"toc{level}"),
                     look.cell(link(anchor, pages.page(anchor), plain=True), "toc0r" if level == 0 else "cell_r")])
        if level == 0:
            style += [("LINEABOVE", (0, i), (-1, i), 0.5, look.rule), ("TOPPADDING", (0, i), (-1, i), 7)]
    t = Table(rows, colWidths=[TEXT_W - 1.6 * cm, 1.6 * cm], hAlign="LEFT", repeatRows=0)
    t.setStyle(TableStyle(style))
    return [Heading("Contents", look.styles["h1"], "contents", rec), t, PageBreak()]


def _rag_drawing(ctx: PackContext, look: Look) -> Drawing:
    """Declared (light) against assessed (solid) RAG counts, one pair of bars per RAG."""
    rows = ctx.rag_table
    biggest = max([1] + [max(d, a) for _, d, a in rows])
    label_w, bar_h, gap, top = 150, 9, 10, 22
    height = top + len(rows) * (2 * bar_h + gap) + 4
    width = TEXT_W * 0.72
    scale = (width - label_w - 30) / biggest
    d = Drawing(width, height)
    d.add(Rect(label_w, height - 12, 10, 8, fillColor=colors.HexColor("#9fb1c0"), strokeColor=None))
    d.add(String(label_w + 14, height - 11, "Declared", fontName=look.font, fontSize=8, fillColor=look.text))
    d.add(Rect(label_w + 70, height - 12, 10, 8, fillColor=look.heading, strokeColor=None))
    d.add(String(label_w + 84, height - 11, "Assessed", fontName=look.font, fontSize=8, fillColor=look.text))
    y = height - top
    for rag, declared, assessed in rows:
        colour = look.rag[rag]
        light = colors.Color(*(0.45 * v + 0.55 for v in (colour.red, colour.green, colour.blue)))
        d.add(String(0, y - bar_h - 3, RAG_WORDS[rag], fontName=look.font, fontSize=8.5, fillColor=look.text))
        for i, (count, fill) in enumerate(((declared, light), (assessed, colour))):
            by = y - (i + 1) * bar_h
            d.add(Rect(label_w, by, max(count * scale, 0.8), bar_h - 1.5, fillColor=fill, strokeColor=None))
            d.add(String(label_w + count * scale + 4, by + 1, str(count), fontName=look.font, fontSize=7.5,
                         fillColor=look.text))
        y -= 2 * bar_h + gap
    return d


def _summary(ctx: PackContext, look: Look, rec: dict[str, int]) -> list:
    story = [Heading("Summary", look.styles["h1"], "sec_summary", rec),
             *look.sub("Declared and assessed RAG", "h3"), _rag_drawing(ctx, look), Spacer(1, 6)]
    rows, extra = [], []
    for i, (rag, declared, assessed) in enumerate(ctx.rag_table, 1):
        chip, bg = look.chip(rag)
        rows.append([chip, look.cell(str(declared), "cell_r"), look.cell(str(assessed), "cell_r")])
        extra.append(("BACKGROUND", (0, i), (0, i), bg))
    rows = [[look.cell(esc(RAG_WORDS[r]), "cell_chip_dark" if r == "amber" else "cell_chip"), d, a] for (r, _, _), (_, d, a)
            in zip(ctx.rag_table, rows)]
    story += [look.table(["RAG", "Declared", "Assessed"], rows, [5.5 * cm, 2.5 * cm, 2.5 * cm], extra=extra,
                         zebra=False), Spacer(1, 10)]
    fc = ctx.findings_count
    counts = [("Actions in this pack", str(len(ctx.actions))),
              ("Ready to close on evidence", str(ctx.closure_ready)),
              ("Declared RAG better than assessed", str(ctx.overstated)),
              ("Findings", f"{fc.get('error', 0)} errors, {fc.get('warning', 0)} warnings, {fc.get('info', 0)} info"),
              ("Exhibits", str(len(ctx.exhibits))),
              ("Unreadable evidence items", str(len(ctx.unreadable)))]
    story += [*look.sub("Counts", "h3"), look.kv_table([(k, esc(v)) for k, v in counts], (7 * cm, 6 * cm)),
              Spacer(1, 6)]

    def action_rows(items, cols):
        rows, extra = [], []
        for i, r in enumerate(items, 1):
            dec, dbg = look.chip(r.declared_rag)
            ass, abg = look.chip(r.assessed_rag)
            due = esc(r.due) + (" <font color='#d4351c'><b>(overdue)</b></font>" if r.overdue else "")
            row = {"id": link(r.anchor, esc(r.id)), "title": esc(r.title), "owner": esc(r.owner), "due": due,
                   "dec": dec, "ass": ass, "ready": "Yes" if r.closure_ready else "No"}
            rows.append([row[c] for c in cols])
            extra += [("BACKGROUND", (cols.index("dec"), i), (cols.index("dec"), i), dbg),
                      ("BACKGROUND", (cols.index("ass"), i), (cols.index("ass"), i), abg)]
        return rows, extra

    story += look.sub("High-risk actions", "h3")
    if ctx.high_risk:
        cols = ["id", "title", "owner", "due", "dec", "ass"]
        rows, extra = action_rows(ctx.high_risk, cols)
        story.append(look.table(["Action", "Title", "Owner", "Due", "Declared", "Assessed"], rows,
                                [1.5 * cm, TEXT_W - 11.4 * cm, 3.4 * cm, 2.7 * cm, 1.9 * cm, 1.9 * cm],
                                extra=extra, zebra=False))
    else:
        story.append(look.p("No high-risk actions."))
    story += [Spacer(1, 6), *look.sub("All actions", "h3")]
    cols = ["id", "title", "owner", "due", "dec", "ass", "ready"]
    rows, extra = action_rows(ctx.summary, cols)
    story += [look.table(["Action", "Title", "Owner", "Due", "Declared", "Assessed", "Ready"], rows,
                         [1.5 * cm, TEXT_W - 12.0 * cm, 2.8 * cm, 2.6 * cm, 1.9 * cm, 1.9 * cm, 1.3 * cm],
                         extra=extra, zebra=False), PageBreak()]
    return story


def _action(a: ActionView, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    s = look.styles
    story: list = [Heading(f"{esc(a.id)}\u2003{esc(a.title)}", s["action"], a.anchor, rec)]
    dec, dbg = look.chip(a.declared_rag)
    ass, abg = look.chip(a.assessed_rag)
    kw, vw = 2.6 * cm, TEXT_W / 2 - 2.6 * cm
    pairs = [("Plan", f"{esc(a.plan_id)}: {esc(a.plan_title)}", "Service", esc(a.service)),
             ("Kind", esc(a.kind), "Risk", esc(a.risk.capitalize())),
             ("Owner", esc(a.owner), "Status", esc(a.status)),
             ("Opened", esc(a.opened), "Due", esc(a.due)),
             ("Declared RAG", dec, "Assessed RAG", ass)]
    data = [[look.cell(esc(k1), "cell_b"), v1 if not isinstance(v1, str) else look.cell(v1),
             look.cell(esc(k2), "cell_b"), v2 if not isinstance(v2, str) else look.cell(v2)]
            for k1, v1, k2, v2 in pairs]
    why = "<br/>".join(esc(r) for r in a.rag_reasons) or "—"
    data.append([look.cell("Why assessed", "cell_b"), look.cell(why), "", ""])
    n = len(data) - 1
    kv = Table(data, colWidths=[kw, vw, kw, vw], hAlign="LEFT", splitInRow=look.split_rows)
    kv.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, look.rule),
                            ("BACKGROUND", (0, 0), (0, -1), look.zebra), ("BACKGROUND", (2, 0), (2, n - 1), look.zebra),
                            ("BACKGROUND", (1, n - 1), (1, n - 1), dbg), ("BACKGROUND", (3, n - 1), (3, n - 1), abg),
                            ("SPAN", (1, n), (3, n)),
                            ("TOPPADDING", (0, 0), (-1, -1), 3.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    story.append(kv)

    if a.narrative:
        story += look.sub("Narrative", "h4")
        for block in a.narrative:
            if block.kind == "li":
                story.append(Para(esc(block.text), s["bullet"], bulletText="•"))
            elif block.kind == "h":
                story.append(look.p(f"<b>{esc(block.text)}</b>"))
            else:
                story.append(look.p(esc(block.text)))

    story += look.sub("Evidence required", "h4")
    if a.requirements:
        rows, extra = [], []
        for i, r in enumerate(a.requirements, 1):
            req = f"<b>{esc(r.label)}</b>" + (f"<br/><font color='#505a5f'>{esc(r.note)}</font>" if r.note else "")
            ex = pages.refs(r.exhibits)
            if r.unreadable:
                ex += "<br/><font color='#d4351c'>unreadable: " + esc(", ".join(r.unreadable)) + "</font>"
            colour = "#00703c" if r.status == "met" else "#d4351c"
            rows.append([req, esc(r.counts), f"<font color='{colour}'><b>{esc(r.status_text)}</b></font>", ex])
        story.append(look.table(["Requirement", "Found", "Status", "Exhibits"], rows,
                                [6.2 * cm, 2.6 * cm, 2.0 * cm, TEXT_W - 10.8 * cm], extra=extra))
    else:
        story.append(look.p("No evidence requirements declared."))

    story += look.sub("Closure test", "h4")
    rows, extra = [], []
    for i, c in enumerate(a.closure, 1):
        result = look.cell(esc(c.result.upper() if c.result != "n/a" else "n/a"), "cell_chip")
        rows.append([esc(c.name), result, esc(c.reason), pages.refs(c.exhibits)])
        extra.append(("BACKGROUND", (1, i), (1, i), look.result.get(c.result, look.grey)))
    story.append(look.table(["Criterion", "Result", "Reason", "Exhibits"], rows,
                            [4.6 * cm, 1.5 * cm, TEXT_W - 10.8 * cm, 4.7 * cm], extra=extra, zebra=False))
    story += [Spacer(1, 4), look.p("Ready to close on evidence: <b>" + ("yes" if a.closure_ready else "no") + "</b>",
                                   "small")]

    if a.charts:
        story += look.sub("Indicators" if len(a.charts) > 1 else "Indicator", "h4", room=9 * cm)
    for chart in a.charts:
        img = image(chart.png, TEXT_W, 9 * cm)
        caption = f"<b>{esc(chart.title)}</b>. {esc(chart.explanation)}"
        if chart.exhibit is not None:
            caption += f" Source data: {pages.exhibit(chart.exhibit.number, chart.exhibit.anchor)}."
        story.append(KeepTogether([img, Spacer(1, 4), look.p(caption, "small"), Spacer(1, 6)]))

    story += look.sub("Review history", "h4")
    if a.reviews:
        rows = [[esc(r.date), esc(r.forum), esc(r.rag), esc(r.narrative)] for r in a.reviews]
        story.append(look.table(["Date", "Forum", "RAG", "Review"], rows,
                                [2.8 * cm, 4.2 * cm, 2.2 * cm, TEXT_W - 9.2 * cm]))
    else:
        story.append(look.p("No reviews recorded."))

    story += look.sub("Findings", "h4")
    if a.findings:
        rows = [[esc(f.rule), _severity(f.severity), _finding_text(f)] for f in a.findings]
        story.append(look.table(["Rule", "Severity", "Finding"], rows, [1.6 * cm, 1.9 * cm, TEXT_W - 3.5 * cm]))
    else:
        story.append(look.p("No findings."))
    return story


def _severity(sev: str) -> str:
    colour = {"error": "#d4351c", "warning": "#b35c00", "info": "#505a5f"}.get(sev, "#505a5f")
    return f"<font color='{colour}'><b>{esc(sev)}</b></font>"


def _finding_text(f) -> str:
    text = esc(f.message)
    if f.hint:
        text += f"<br/><font color='#505a5f'><i>Hint: {esc(f.hint)}</i></font>"
    if f.waiver_reason:
        text += f"<br/><font color='#505a5f'>Waived: {esc(f.waiver_reason)}</font>"
    return text


# A part of the body holds this many actions: few enough that a changed action lays out a few pages again,
# enough that the parts' own copies of the font subsets stay a small share of the bundle.
ACTIONS_PER_PART = 40


def _action_items(ctx: PackContext) -> list[tuple[int, int, int, str, str, ActionView]]:
    """(key question no., statement no., action no. in its statement, key question, statement, action)."""
    return [(gi, si, ai, group.name, st.name, a) for gi, group in enumerate(ctx.groups, 1)
            for si, st in enumerate(group.statements, 1) for ai, a in enumerate(st.actions)]


def _actions(items: list, first: bool, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    """Some of the actions section's actions, each on a page of its own; `first`: the section starts here."""
    story: list = [Heading(esc(CQC_SECTIONS[1][1]), look.styles["h1"], "sec_actions", rec)] if first else []
    for n, (gi, si, ai, group_name, statement_name, a) in enumerate(items):
        if n:
            story.append(PageBreak())
        if ai == 0:
            if si == 1:
                story.append(Heading(f"Key question: {esc(group_name)}", look.styles["h2"], f"kq_{gi}", rec))
            story.append(Heading(f"Quality statement: {esc(statement_name)}", look.styles["h3"], f"qs_{gi}_{si}", rec))
        story += _action(a, look, pages, rec)
    if first and not items:
        story.append(look.p("No actions in this pack."))
    return story


def _index(ctx: PackContext, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    story: list = [Heading("Evidence index", look.styles["h1"], "sec_index", rec)]
    if not ctx.exhibits:
        return story + [look.p("No exhibits."), PageBreak()]
    rows = []
    for e in ctx.exhibits:
        span = pages.span(e.number)
        supports = ", ".join(link(anchor, esc(aid)) for aid, anchor in e.actions) or "—"
        rows.append([link(e.anchor, f"<b>{esc(e.number)}</b>"),
                     f"{esc(e.title)}<br/><font name='{look.mono}' size='7' color='#505a5f'>"
                     f"SHA-256 {esc(e.sha_short)}</font>",
                     f"{esc(e.type)}<br/><font color='#505a5f'>{esc(e.category)}</font>", esc(e.date), supports,
                     span])
    story.append(look.table(["Exhibit", "Title", "Type / CQC category", "Date", "Supports", "Pages"],
                            rows, [1.45 * cm, TEXT_W - 11.75 * cm, 2.7 * cm, 2.0 * cm, 3.6 * cm, 2.0 * cm]))
    story.append(look.p("Pages are bundle pages: the first is the exhibit sheet. SHA-256 shows the first 12 "
                        "characters of the hash; each exhibit sheet gives it in full.", "small"))
    return story + [PageBreak()]


_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def _gaps(ctx: PackContext, look: Look, rec: dict[str, int]) -> list:
    story: list = [Heading("Gap report", look.styles["h1"], "sec_gaps", rec)]
    gaps = sorted(ctx.gaps, key=lambda f: _SEVERITY_ORDER.get(f.severity, 3))
    if gaps:
        rows = [[_severity(f.severity), esc(f.rule), esc(f.subject), _finding_text(f), esc(f.location)]
                for f in gaps]
        story.append(look.table(["Severity", "Rule", "Subject", "Finding", "Location"], rows,
                                [1.8 * cm, 1.4 * cm, 2.4 * cm, TEXT_W - 10.0 * cm, 4.4 * cm]))
    else:
        story.append(look.p("No findings."))
    story += look.sub("Unreadable evidence", "h3")
    if ctx.unreadable:
        rows = [[esc(i), esc(p), esc(r)] for i, p, r in ctx.unreadable]
        story.append(look.table(["Evidence", "File", "Reason"], rows,
                                [4.2 * cm, TEXT_W - 10.2 * cm, 6.0 * cm]))
    else:
        story.append(look.p("Every evidence item could be read."))
    return story + _personal_data(ctx, look, rec) + [PageBreak()]


def _personal_data(ctx: PackContext, look: Look, rec: dict[str, int]) -> list:
    """sec_personal_data: personal data found in the pack's text and exhibits, by file and location,
    each value masked (compiler.privacy.pack_scan); left out when the pack was not scanned."""
    if ctx.personal_data is None:
        return []
    story: list = [CondPageBreak(4 * cm),
                   Heading("Personal data warnings", look.styles["h2"], "sec_personal_data", rec)]
    if not ctx.personal_data:
        return story + [look.p("No personal data was found in this pack's text or exhibits.")]
    story.append(look.p(
        "For the compliance officer: this pack holds personal data. Check each item is needed before the pack "
        "is shared; values are masked here.", "small"))
    rows = [[esc(h.file), esc(h.location), esc(h.kind) + (f"<br/><font color='#505a5f'>{esc(h.detail)}</font>"
                                                           if h.detail else ""), esc(h.masked)]
            for h in ctx.personal_data]
    story.append(look.table(["File", "Location", "Kind", "Value (masked)"], rows,
                            [4.6 * cm, TEXT_W - 13.2 * cm, 4.6 * cm, 4.0 * cm]))
    return story


def _waivers(ctx: PackContext, look: Look, rec: dict[str, int]) -> list:
    story: list = [Heading("Waivers", look.styles["h1"], "sec_waivers", rec)]
    if ctx.waivers:
        rows = [[esc(f.rule), esc(f.subject), esc(f.waiver_reason or ""), esc(f.message)] for f in ctx.waivers]
        story.append(look.table(["Rule", "Subject", "Reason", "Finding waived"], rows,
                                [1.6 * cm, 2.6 * cm, 6.5 * cm, TEXT_W - 10.7 * cm]))
    else:
        story.append(look.p("No waivers."))
    return story + [PageBreak()]


def _appendices(ctx: PackContext, look: Look, pages: Pages, rec: dict[str, int]) -> list:
    story: list = [Heading("Appendices: exhibits", look.styles["h1"], "sec_appendices", rec)]
    story.append(look.p("Each exhibit follows, opened by a one-page exhibit sheet giving its number, title, "
                        "type, date, source file, SHA-256 and the actions it supports. Every appendix page is "
                        "stamped with its exhibit number and its page within the exhibit."))
    if ctx.exhibits:
        rows = [[link(e.anchor, f"<b>{esc(e.number)}</b>"), esc(e.title), pages.page(e.anchor)]
                for e in ctx.exhibits]
        story.append(look.table(["Exhibit", "Title", "Sheet page"], rows,
                                [1.8 * cm, TEXT_W - 4.0 * cm, 2.2 * cm]))
    return story


# ---------------------------------------------------------------------------------- rendering
#
# The body is laid out in parts, each a PDF of its own that starts on a new page: the front (cover, contents,
# summary), the actions ACTIONS_PER_PART at a time, the index, and the back (gaps, waivers, the appendices' list).
# Each part records the page numbers it printed (Pages.seen). A part is laid out again only when what it is
# made from changed or a page number it printed moved: the passes after the first lay out only the parts
# whose numbers changed, and with a store (an evidence_store cache) a later build takes every part nothing
# it shows changed from the earlier one. The bundle joins the parts as they are.

@dataclass(frozen=True)
class _Part:
    key: str                                                      # what its story is made from, digested
    story: Callable[[Look, Pages, dict[str, int]], list]


@dataclass(frozen=True)
class _Laid:
    pdf: bytes | None               # None: laid out dry (its page numbers only)
    pages: int
    anchors: dict[str, int]         # anchor -> page within the part
    seen: dict[tuple[str, ...], str]


def _parts(ctx: PackContext, theme_key: str) -> list[_Part]:
    from compiler.writers.memo import inputs_key

    def front(look: Look, pages: Pages, rec: dict[str, int]) -> list:
        return _cover(ctx, look, rec) + _contents(ctx, look, rec, pages) + _summary(ctx, look, rec)[:-1]

    def index(look: Look, pages: Pages, rec: dict[str, int]) -> list:
        return _index(ctx, look, pages, rec)[:-1]

    def back(look: Look, pages: Pages, rec: dict[str, int]) -> list:
        return _gaps(ctx, look, rec) + _waivers(ctx, look, rec) + _appendices(ctx, look, pages, rec)

    def actions(items: list, first: bool) -> Callable[[Look, Pages, dict[str, int]], list]:
        return lambda look, pages, rec: _actions(items, first, look, pages, rec)

    items = _action_items(ctx)
    chunks = [items[i:i + ACTIONS_PER_PART] for i in range(0, len(items), ACTIONS_PER_PART)] or [[]]
    # The front shows a little of everything, so it is keyed by the whole view model. The other parts are keyed
    # by what their sections read and what every page prints (the running head: _render_pass): a changed
    # exhibit lays out the index again (it prints the SHA-256), not the gap report or the list of appendices.
    running = (ctx.title, ctx.provider, ctx.as_of, ctx.tool_version)
    parts = [_Part(inputs_key("front", ctx, theme_key), front)]
    parts += [_Part(inputs_key("actions", i == 0, chunk, running, theme_key), actions(chunk, i == 0))
              for i, chunk in enumerate(chunks)]
    parts.append(_Part(inputs_key("index", ctx.exhibits, running, theme_key), index))
    listed = [(e.anchor, e.number, e.title) for e in ctx.exhibits]
    parts.append(_Part(inputs_key("back", ctx.gaps, ctx.unreadable, ctx.personal_data, ctx.waivers, listed, running,
                                  theme_key), back))
    return parts


def _lay_out_part(ctx: PackContext, look: Look, part: _Part, pages: Pages, *, dry: bool) -> _Laid:
    """One part, once. Table rows move whole to the next page; only when a row is taller than a page is the
    part laid out again with rows allowed to split where a page ends."""
    recording = pages.recording()
    look.split_rows = 0
    try:
        pdf, count, rec = _render_pass(ctx, look, part, recording, dry=dry)
    except LayoutError:
        look.split_rows = 1
        recording = pages.recording()
        pdf, count, rec = _render_pass(ctx, look, part, recording, dry=dry)
    return _Laid(pdf=None if dry else pdf, pages=count, anchors=rec, seen=recording.seen)


def _skip_draw(*args, **kwargs) -> None:
    return None


class _Frame(Frame):
    """The body frame. In a dry pass (layout only: its PDF is thrown away) flowables are placed but not drawn,
    except the headings and marks, which record the page they land on. Placing is what decides the pages, so a
    dry pass records the same pages a drawn pass would."""

    dry = False

    def _add(self, flowable, canv, trySplit=0):
        if not self.dry or isinstance(flowable, (Heading, _Mark)):
            return super()._add(flowable, canv, trySplit)
        slots = flowable.__dict__          # not setattr: a Drawing refuses attributes it does not declare
        slots["drawOn"] = _skip_draw
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            del slots["drawOn"]

    add = _add          # Frame binds `add = _add` to its own method: the document calls `add`


def _render_pass(ctx: PackContext, look: Look, part: _Part, pages: Pages, *,
                 dry: bool = False) -> tuple[bytes, int, dict[str, int]]:
    rec: dict[str, int] = {}
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                          bottomMargin=MARGIN_BOTTOM, title=ctx.title, author="", creator=f"sgpack {ctx.tool_version}",
                          producer=f"sgpack {ctx.tool_version}", subject="", invariant=1)
    frame = _Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    frame.dry = dry
    running = _skip_draw if dry else (lambda c, d: look.draw_running(c, ctx))
    doc.addPageTemplates([PageTemplate("body", [frame], onPage=running)])
    doc._doSave = not dry            # a dry pass's PDF is thrown away: do not format and compress it
    doc.build(part.story(look, pages, rec))
    return out.getvalue(), doc.page, rec


def render_body(ctx: PackContext, *, exhibit_pages: PageMap | None, theme: Theme) -> Body:
    """The main body, re-rendered until every recorded heading page equals the page it was printed with."""
    seed = {k: v for k, v in (exhibit_pages.anchors if exhibit_pages else {}).items() if not k.startswith("ex_")}
    return converge(ctx, theme, lambda pages, anchors: exhibit_pages, seed=seed, fixed=True)


def converge(ctx: PackContext, theme: Theme, page_map: Callable[[int, dict[str, int]], PageMap | None], *,
             seed: dict[str, int] | None = None, fixed: bool = False, store=None) -> Body:  # noqa: ANN001
    """Render until stable: each pass prints the heading pages recorded by the previous one and the
    exhibit pages `page_map(body pages, anchors)` derives from them (the bundle's own pass loop).
    `store` (an evidence_store cache): parts an earlier build laid out, and where this one keeps its own."""
    with young_collections_only():
        return _converge(ctx, theme, page_map, seed, fixed, store)


_PART_KIND = "pdf-body-part"


def _converge(ctx: PackContext, theme: Theme, page_map: Callable[[int, dict[str, int]], PageMap | None],
              seed: dict[str, int] | None, fixed: bool, store) -> Body:  # noqa: ANN001
    from compiler.writers.memo import code_version, file_digest, inputs_key

    look = Look(theme)
    parts = _parts(ctx, inputs_key(theme.model_dump(), file_digest(theme.logo)))
    usable = store is not None and getattr(store, "usable", False)
    version = code_version("pdf.py", "pdf_flow.py") if usable else ""
    stored = {part.key: kept for part in parts if usable and (kept := _kept(store, part.key, version)) is not None}
    made: dict[str, list[_Laid]] = {key: [kept] for key, kept in stored.items()}   # the last two ways of each

    def laid_out(part: _Part, pages: Pages, first: bool) -> _Laid:
        """`first`: the first pass with nothing known, laid out dry; an earlier build's part gives its count."""
        earlier = made.setdefault(part.key, [])
        for laid in earlier:
            if (laid.pdf is not None or first) and pages.same_answers(laid.seen):
                return laid
        if first and earlier:
            return earlier[0]
        laid = _lay_out_part(ctx, look, part, pages, dry=first)
        earlier[:] = [*earlier[-1:], laid]          # the last two: numbers that move back and forth still match
        return laid

    known, count = dict(seed or {}), 0
    for i in range(MAX_PASSES):
        # With nothing known yet this pass cannot be the last (its record will not equal an empty one), so it
        # only lays out: its PDFs are never used. Every later pass is drawn in full.
        first = i == 0 and not known
        pages = Pages(known, page_map(count, known))
        laid = [laid_out(part, pages, first) for part in parts]
        rec, new_count = {}, 0
        for one in laid:
            rec.update({anchor: new_count + page for anchor, page in one.anchors.items()})
            new_count += one.pages
        if not first and rec == known and (fixed or new_count == count):
            break
        known, count = rec, new_count
    if usable:                                        # the parts of the finished body, where they are new
        for part, one in zip(parts, laid):
            if one is not stored.get(part.key):
                store.put(_PART_KIND, part.key, version, {"pages": one.pages, "anchors": one.anchors,
                                                          "seen": [[*q, a] for q, a in one.seen.items()]}, one.pdf)
    return Body(parts=tuple(one.pdf for one in laid), pages=new_count, anchors=rec)


def _kept(store, key: str, version: str) -> _Laid | None:  # noqa: ANN001
    """A part an earlier build laid out, or None (a damaged entry is dropped)."""
    found = store.get(_PART_KIND, key, version)
    if found is None:
        return None
    try:
        value, pdf = found
        seen = {tuple(str(x) for x in item[:-1]): str(item[-1]) for item in value["seen"]}
        anchors = {str(k): int(v) for k, v in value["anchors"].items()}
        if not (isinstance(pdf, bytes) and pdf.startswith(b"%PDF-") and type(value["pages"]) is int
                and value["pages"] >= 1 and all(1 <= v <= value["pages"] for v in anchors.values())):
            raise ValueError("damaged entry")
        return _Laid(pdf=pdf, pages=value["pages"], anchors=anchors, seen=seen)
    except Exception:  # noqa: BLE001 - a damaged entry: lay the part out again
        store.drop(_PART_KIND, key, version)
        return None
