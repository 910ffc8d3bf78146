"""Blocks every pack's PDF is built from: the cover, a short pack's title block, section headings, runs of
sections some of which may have nothing to show, contents lines, RAG chips and the four-part closure test table."""
from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from compiler.render.pdf.images import image
from compiler.render.pdf.look import TEXT_W, Look, esc, link
from compiler.render.pdf.pages import Heading, Pages
from compiler.views.words import RESULT_WORDS

if TYPE_CHECKING:
    from compiler.views.common import Head

LOGO_W, LOGO_H = 5.0 * cm, 1.8 * cm        # the largest a logo is drawn: scaled down to fit, never up


def cover(head: Head, look: Look, rec: dict[str, int]) -> list:
    """A full-page cover's head: the provider, the pack's title, the classification, who it is for and who prepared
    it (never the tool: its version is in the document's properties and the manifest)."""
    s = look.styles
    big = ParagraphStyle("cover_provider", s["h1"], fontSize=26, leading=32, spaceAfter=6)
    title = ParagraphStyle("cover_title", s["h1"], fontSize=17, leading=22, textColor=look.text, spaceAfter=18)
    cls = ParagraphStyle("cover_cls", s["body"], fontName=look.bold, fontSize=16, leading=20,
                         textColor=look.rag["red"], alignment=TA_CENTER, borderColor=look.rag["red"],
                         borderWidth=1.5, borderPadding=(8, 8, 8, 8), spaceBefore=8, spaceAfter=26)
    return [*_logo(look, 2.2 * cm), Heading(esc(head.provider), big, "cover", rec), Paragraph(esc(head.title), title),
            Paragraph(esc(head.classification), cls),
            look.kv_table([("Service", esc(head.service)), ("As at", esc(head.as_of)),
                           ("Prepared for", esc(head.audience)), ("Prepared by", esc(head.prepared_by))],
                          (4.2 * cm, TEXT_W - 4.2 * cm))]


def title_block(look: Look, head: Head, rec: dict, *, heading: str, rows: list[tuple[str, str]],
                intro: str | None = None) -> list:
    """A short pack's first page: provider, title, classification box, a key-value table (values are markup)."""
    s = look.styles
    provider = ParagraphStyle("rep_provider", s["h1"], fontSize=20, leading=25, spaceAfter=2)
    title = ParagraphStyle("rep_title", s["h1"], fontSize=14, leading=18, textColor=look.text, spaceAfter=8)
    cls = ParagraphStyle("rep_cls", s["body"], fontName=look.bold, fontSize=11, leading=14,
                         textColor=look.rag["red"], borderColor=look.rag["red"], borderWidth=1,
                         borderPadding=(4, 6, 4, 6), spaceBefore=2, spaceAfter=12, leftIndent=6, rightIndent=300)
    story = [*_logo(look, 0), Heading(esc(head.provider), provider, "cover", rec), Paragraph(esc(heading), title),
             Paragraph(esc(head.classification), cls),
             look.kv_table(rows, (4.2 * cm, TEXT_W - 4.2 * cm))]
    if intro:
        story += [Spacer(1, 6), look.p(intro)]
    return story


def _logo(look: Look, room: float) -> list:
    """The provider's logo at the top right of a cover, in `room` (the space the cover leaves above the
    provider's name) or on a line of its own; nothing when the theme names no logo."""
    if look.logo is None:
        return [Spacer(1, room)] if room else []
    picture = image(look.logo, LOGO_W, LOGO_H)
    picture.hAlign = "RIGHT"
    return [picture, Spacer(1, max(0.3 * cm, room - LOGO_H))]


def section(look: Look, anchor: str, heading: str, rec: dict) -> list:
    style = ParagraphStyle("rep_section", look.styles["h2"], spaceBefore=14, spaceAfter=6)
    return [Spacer(1, 4), Heading(esc(heading), style, anchor, rec)]


def sections(look: Look, items: list[tuple[Flowable, list | None, str]], *, last: bool = False) -> list:
    """Sections in order: (heading, what it shows, or None when it has nothing, what it says then). Sections with
    nothing to show next to each other are kept together (keep.EmptySections); `last`: a page break or the end of
    the document follows the last of them, so a run of them at the end never lands on a page of its own."""
    out: list = []
    run: list[tuple[Flowable, str]] = []
    for heading, shown, empty in items:
        if shown is None:
            run.append((heading, empty))
            continue
        if run:
            out.append(look.empty(run))
            run = []
        out += [heading, *shown]
    if run:
        out.append(look.empty(run, last=last))
    return out


def contents(look: Look, pages: Pages, sections: list[tuple[str, str]], counts: dict[str, int] | None = None) -> list:
    """Contents lines: linked headings with the page each heading was drawn on in the previous pass."""
    rows = []
    for anchor, heading in sections:
        label = esc(heading) + (f" ({counts[anchor]})" if counts and anchor in counts else "")
        rows.append([look.p(link(anchor, label), "toc1"), look.p(pages.page(anchor), "cell_r")])
    t = Table(rows, colWidths=[TEXT_W - 2 * cm, 2 * cm], hAlign="LEFT")
    t.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, look.rule), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return [Paragraph("Contents", look.styles["h3"]), t]


def rag_cell(look: Look, rag: str | None, row: int, col: int, extra: list):  # noqa: ANN201 - a table cell
    """A RAG chip as a table cell; appends its background to `extra`."""
    cell, colour = look.chip(rag)
    extra.append(("BACKGROUND", (col, row), (col, row), colour))
    return cell


def closure_rows(look: Look, closure, extra: list) -> list[list]:  # noqa: ANN001 - lines with name/result/reason/evidence
    """Rows for a four-part closure test table: criterion, result, reason with the evidence ids behind it."""
    rows = []
    for i, c in enumerate(closure, 1):
        ids = ", ".join(esc(e) for e in c.evidence) or "none"
        rows.append([esc(c.name), look.p(RESULT_WORDS.get(c.result, esc(c.result)), "cell_chip"),
                     f"{esc(c.reason)}<br/><font size='7' color='#505a5f'>Evidence: {ids}</font>"])
        extra.append(("BACKGROUND", (1, i), (1, i), look.result.get(c.result, look.grey)))
    return rows
