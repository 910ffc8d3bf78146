"""The body's fast paths (compiler.render.pdf.flow, and the layout engine's layout-only pass) make the same page as reportlab's own: one-style paragraphs
and plain cells written as PDF operators, PNG charts placed from their own compressed rows, the layout-only pass,
and the collector settings put back. Each is checked against reportlab drawing the same thing."""
from __future__ import annotations

import gc
import io

import numpy as np
import pypdfium2 as pdfium
from PIL import Image as PILImage
from pypdf import PdfReader
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from compiler.render.pdf import flow as pdf_flow
from compiler.render.pdf import images as pdf_images
from compiler.render.pdf import layout as pdf
from compiler.render.pdf.look import Look, esc, link
from compiler.render.theme import load_theme

LOOK = Look(load_theme())
CELLS = [
    link("ex_E012", esc("E-012 (p. 47)")),
    link("act_RP01", f"<b>{esc('RP-01')}</b>"),
    link("ex_E013", esc("E-013 (pp. 48–52), a reference long enough to run onto a second and a third line of "
                        "its cell, underlined all the way")),
    "<font color='#d4351c'><b>not met</b></font>",
    esc("Quality and Safeguarding Committee, on two lines"),
    esc("Zoë Δημήτρης Иван – ’ × & <tags> print as typed"),
    link("sec_summary", esc("Summary"), plain=True),
    f"<b>{esc('Supervision ×2')}</b><br/><font color='#505a5f'>{esc('2 found, 1 current since the review')}</font>",
    ", ".join(link(f"ex_E0{n}", esc(f"E-0{n} (p. {n + 40})")) for n in range(10, 17)),
    f"{link('act_RP01', f'<b>RP-01</b> (p. 6)')} Prone restraint stopped; every restrictive intervention reviewed",
    f"<b>{esc('Hydration per month')}</b>. {esc('Source data:')} {link('ex_E033', esc('E-033 (pp. 859–860)'))}.",
]


def _story(fast: bool) -> list:
    """The same cells as _Para (fast) or as plain reportlab Paragraphs, in left, centred and right columns."""
    styles = [LOOK.styles["cell"], ParagraphStyle("c", LOOK.styles["cell"], alignment=TA_CENTER),
              ParagraphStyle("r", LOOK.styles["cell"], alignment=TA_RIGHT),
              ParagraphStyle("w", LOOK.styles["cell"], textColor=colors.HexColor("#00703c"), fontSize=9)]
    make = pdf_flow.Para if fast else Paragraph
    rows = [[make(markup, style) for style in styles] for markup in CELLS]
    table = Table(rows, colWidths=[150, 110, 110, 110])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.4, LOOK.rule)]))
    return [table, Spacer(1, 12), make("A body paragraph " * 30, LOOK.styles["body"]),
            make(link("sec_gaps", "and a link of its own"), LOOK.styles["small"])]


def _render(story: list) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, invariant=1).build(story)
    return out.getvalue()


def _pixels(data: bytes) -> list[np.ndarray]:
    doc = pdfium.PdfDocument(data)
    return [np.asarray(doc[i].render(scale=2).to_pil().convert("L"), dtype=np.int16) for i in range(len(doc))]


def _links(data: bytes) -> list[tuple]:
    out = []
    for i, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            out.append((i, str(annot["/A"]["/URI"]), tuple(round(float(v), 2) for v in annot["/Rect"])))
    return out


def test_fast_paragraphs_draw_what_reportlab_draws():
    fast, slow = _render(_story(True)), _render(_story(False))
    assert b"sgpack:ex_E012" in fast
    for a, b in zip(_pixels(fast), _pixels(slow), strict=True):
        assert a.shape == b.shape and np.abs(a - b).max() <= 2
    assert _links(fast) == _links(slow) and len(_links(fast)) >= 12


def test_plain_cells_draw_what_reportlab_draws():
    texts = ["2026-03-12", "Quality and Safeguarding Committee minutes", "12", "Zoë – ’ × &"]
    styles = ["cell", "cell_r", "cell_c", "cell_b"]
    fast = [[LOOK.cell(esc(t), s) for s in styles] for t in texts]
    slow = [[Paragraph(esc(t), LOOK.styles[s]) for s in styles] for t in texts]
    assert all(isinstance(c, pdf_flow.Text) for row in fast for c in row)
    pages = [_pixels(_render([Table(rows, colWidths=[120, 90, 90, 120])])) for rows in (fast, slow)]
    for a, b in zip(*pages, strict=True):
        assert np.abs(a - b).max() <= 2


def _png(mode: str) -> bytes:
    im = PILImage.new(mode, (120, 60), "white")
    for x in range(120):
        im.putpixel((x, x // 2), (200, 30, 30) if mode == "RGB" else 40)
    out = io.BytesIO()
    im.save(out, format="PNG")
    return out.getvalue()


def test_png_charts_are_placed_from_their_own_rows():
    for mode in ("RGB", "L"):
        png = _png(mode)
        fast = pdf_images.image(png, 300, 200)
        assert isinstance(fast, pdf_images.PNGImage)
        slow = Image(io.BytesIO(png), width=fast.drawWidth, height=fast.drawHeight)
        a, b = _pixels(_render([fast])), _pixels(_render([slow]))
        assert np.abs(a[0] - b[0]).max() <= 2
    rgba = io.BytesIO()
    PILImage.new("RGBA", (10, 10)).save(rgba, format="PNG")
    assert isinstance(pdf_images.image(rgba.getvalue(), 100, 100), Image)       # transparency: reportlab's way


class _Counting(Paragraph):
    drawn = 0

    def draw(self):
        type(self).drawn += 1
        super().draw()


def test_the_layout_pass_draws_nothing_and_the_collector_is_put_back():
    frame = pdf._Frame(0, 0, 400, 400, id="t")
    frame.dry = True
    canv = Canvas(io.BytesIO())
    para = _Counting("text", LOOK.styles["body"])
    assert frame.add(para, canv) and _Counting.drawn == 0            # `add` is the method the document calls
    frame.dry = False
    assert frame.add(_Counting("text", LOOK.styles["body"]), canv) and _Counting.drawn == 1
    before = gc.get_threshold()
    with pdf.young_collections_only():
        assert gc.get_threshold()[1:] == (1_000_000, 1_000_000)
    assert gc.get_threshold() == before
