"""A small reportlab document builder for the short packs (governance, board, owners).

Same look and the same guarantees as the CQC bundle, without appendices: the story is built by a
function of the previous pass's heading pages (so contents lines carry real page numbers), re-rendered
until stable; then pdfjoin.Joiner (as for the CQC bundle) stamps every page with the classification and
"page N of T", turns `sgpack:<anchor>` links into GoTo destinations, adds the outline, scrubs metadata
and writes a deterministic /ID, so the bytes are the same for the same inputs.
Every user string goes through `esc()` before it reaches Paragraph markup.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Callable

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus.doctemplate import LayoutError
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer, Table, TableStyle

from compiler.packs.profiles import Theme
from compiler.writers.context import PackContext
from compiler.writers.pdf import (MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, MAX_PASSES, PAGE_H, TEXT_W, Heading, Look,
                                  Pages, esc, link)
from compiler.writers.pdfjoin import Joiner, Mark, open_pdf

__all__ = ["Look", "Pages", "Heading", "esc", "link", "TEXT_W", "Report", "render_report", "title_block",
           "contents", "section", "rag_cell", "closure_rows", "RESULT_WORDS"]

Story = Callable[[Look, Pages, dict], list]
RESULT_WORDS = {"pass": "PASS", "fail": "FAIL", "n/a": "n/a"}


@dataclass(frozen=True)
class Report:
    pdf: bytes
    pages: int
    anchors: dict[str, int]           # anchor -> page (1-based)


def _render_pass(ctx: PackContext, look: Look, pages: Pages, story: Story) -> tuple[bytes, int, dict[str, int]]:
    rec: dict[str, int] = {}
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                          topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=ctx.title, author="",
                          creator=f"sgpack {ctx.tool_version}", producer=f"sgpack {ctx.tool_version}", subject="",
                          invariant=1)
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("body", [frame], onPage=lambda c, d: look.draw_running(c, ctx))])
    doc.build(story(look, pages, rec))
    return out.getvalue(), doc.page, rec


def render_report(ctx: PackContext, theme: Theme, story: Story, *, outline: list[tuple[str, str]],
                  seed: bytes) -> Report:
    """Render `story` until its heading pages are stable, then stamp, link, outline and scrub it.

    `outline` is [(anchor, title)] in order; anchors missing from the document are skipped."""
    look = Look(theme)
    known: dict[str, int] = {}

    def once(pages: Pages):
        # as pdf._lay_out_part: rows move whole to the next page unless one is taller than a page
        try:
            return _render_pass(ctx, look, pages, story)
        except LayoutError:
            if look.split_rows:
                raise
            look.split_rows = 1
            return _render_pass(ctx, look, pages, story)

    for _ in range(MAX_PASSES):
        pdf, count, rec = once(Pages(known, None))
        if rec == known:
            break
        known = rec
    return Report(pdf=_finish(ctx, look, pdf, rec, outline, seed), pages=count, anchors=rec)


def _finish(ctx: PackContext, look: Look, body: bytes, anchors: dict[str, int], outline: list[tuple[str, str]],
            seed: bytes) -> bytes:
    joiner = Joiner()
    joiner.add(open_pdf(body), own=True)
    marks = [Mark(title, anchors[anchor]) for anchor, title in outline if anchor in anchors]
    return joiner.finish(ctx, look, anchors=anchors, outline=marks, title=ctx.title)


# ---------------------------------------------------------------------------------- building blocks

def title_block(look: Look, ctx: PackContext, rec: dict, *, heading: str, rows: list[tuple[str, str]],
                intro: str | None = None) -> list:
    """The first page's head: provider, title, classification box, a key-value table (values are markup)."""
    s = look.styles
    provider = ParagraphStyle("rep_provider", s["h1"], fontSize=20, leading=25, spaceAfter=2)
    title = ParagraphStyle("rep_title", s["h1"], fontSize=14, leading=18, textColor=look.text, spaceAfter=8)
    cls = ParagraphStyle("rep_cls", s["body"], fontName=look.bold, fontSize=11, leading=14,
                         textColor=look.rag["red"], borderColor=look.rag["red"], borderWidth=1,
                         borderPadding=(4, 6, 4, 6), spaceBefore=2, spaceAfter=12, leftIndent=6, rightIndent=300)
    story = [Heading(esc(ctx.provider), provider, "cover", rec), Paragraph(esc(heading), title),
             Paragraph(esc(ctx.classification), cls),
             look.kv_table(rows, (4.2 * cm, TEXT_W - 4.2 * cm))]
    if intro:
        story += [Spacer(1, 6), look.p(intro)]
    return story


def section(look: Look, anchor: str, heading: str, rec: dict) -> list:
    style = ParagraphStyle("rep_section", look.styles["h2"], spaceBefore=14, spaceAfter=6)
    return [Spacer(1, 4), Heading(esc(heading), style, anchor, rec)]


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


def rag_cell(look: Look, rag: str | None, row: int, col: int, extra: list):
    """A RAG chip as a table cell; appends its background to `extra`."""
    cell, colour = look.chip(rag)
    extra.append(("BACKGROUND", (col, row), (col, row), colour))
    return cell


def closure_rows(look: Look, closure, extra: list) -> list[list]:
    """Rows for a four-part closure test table: criterion, result, reason with the evidence ids behind it."""
    rows = []
    for i, c in enumerate(closure, 1):
        ids = ", ".join(esc(e) for e in c.evidence) or "none"
        rows.append([esc(c.name), look.p(RESULT_WORDS.get(c.result, esc(c.result)), "cell_chip"),
                     f"{esc(c.reason)}<br/><font size='7' color='#505a5f'>Evidence: {ids}</font>"])
        extra.append(("BACKGROUND", (1, i), (1, i), look.result.get(c.result, look.grey)))
    return rows
