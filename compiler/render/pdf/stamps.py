"""The stamps drawn over every page of a finished PDF: the classification top and bottom, "page N of T", and
on appendix pages the exhibit stamp, each as a Form XObject drawn after the page's own content."""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from compiler.render.pdf.look import MARGIN_X, Look, fit

if TYPE_CHECKING:
    from compiler.views.common import Head

_STAMP = "/SgStamp"


def shown_size(page: pikepdf.Page) -> tuple[float, float]:
    box = page.cropbox
    w, h = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    return (h, w) if rotation(page.obj) in (90, 270) else (w, h)


def rotation(obj: Dictionary) -> int:
    try:
        return int(obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        return 0


def _stamps(head: Head, sizes: list[tuple[float, float]], labels: list[str | None], look: Look) -> bytes:
    """One overlay page per page, the size the page is shown at: classification top and bottom centre, page
    number bottom right, exhibit stamp top right. Each sits on a white box so it stays legible over an
    exhibit's own content."""
    out = io.BytesIO()
    canv = Canvas(out, invariant=1, pageCompression=1)
    total = len(sizes)
    widths: dict[tuple[str, str, float], float] = {}

    def boxed(x_right: float | None, x_centre: float | None, y: float, text: str, font: str, size: float,
              colour, border=None):  # noqa: ANN001
        w = widths.get((text, font, size))
        if w is None:
            w = widths[(text, font, size)] = canv.stringWidth(text, font, size)
        x = x_right - w if x_right is not None else x_centre - w / 2
        canv.setFillColor(colors.white)
        canv.setStrokeColor(border or colors.white)
        canv.setLineWidth(0.8)
        canv.rect(x - 4, y - 3.5, w + 8, size + 6, stroke=1 if border else 0, fill=1)
        canv.setFillColor(colour)
        canv.drawString(x, y, text)

    fitted = fit(head.classification, look.bold, 8.5, 160)
    forms: dict[tuple[float, float], str] = {}      # the classification, drawn once a page size
    for i, ((w, h), label) in enumerate(zip(sizes, labels), 1):
        canv.setPageSize((w, h))
        form = forms.get((w, h))
        if form is None:
            form = forms[(w, h)] = f"cls{len(forms)}"
            canv.beginForm(form, 0, 0, w, h)
            canv.setFont(look.bold, 8.5)
            boxed(None, w / 2, h - 1.15 * cm, fitted, look.bold, 8.5, look.rag["red"])
            boxed(None, w / 2, 1.0 * cm, fitted, look.bold, 8.5, look.rag["red"])
            canv.endForm()
        canv.doForm(form)
        canv.setFont(look.font, 8.5)
        boxed(w - MARGIN_X, None, 1.0 * cm, f"page {i} of {total}", look.font, 8.5, look.text)
        if label:
            canv.setFont(look.bold, 10.5)
            boxed(w - MARGIN_X, None, h - 1.2 * cm, label, look.bold, 10.5, look.heading, border=look.heading)
        canv.showPage()
    canv.save()
    return out.getvalue()


_HELVETICA = ("Helvetica", "Helvetica-Bold")


def stamp_forms(pdf: Pdf, head: Head, sizes: list[tuple[float, float]], labels: list[str | None],
                 look: Look) -> list[pikepdf.Stream]:
    """One stamp Form XObject a page. The stamps are written as PDF operators in Helvetica (a standard font,
    nothing embedded): a reportlab page each cost about 1 ms, as much as all the rest of stamping. Text that
    WinAnsi cannot encode (a theme's classification in another script) is drawn by reportlab in the theme's
    own font instead."""
    fitted = fit(head.classification, "Helvetica-Bold", 8.5, 160)
    texts = [fitted, *(label for label in set(labels) if label)]
    try:
        for text in texts:
            text.encode("cp1252")
    except UnicodeEncodeError:
        stamps = Pdf.open(io.BytesIO(_stamps(head, sizes, labels, look)))
        return [pdf.copy_foreign(page.as_form_xobject()) for page in stamps.pages]

    fonts = pdf.make_indirect(Dictionary(Font=Dictionary(
        SgH=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding),
        SgHB=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Helvetica-Bold"),
                        Encoding=Name.WinAnsiEncoding))))
    red, text_c, heading = (_rgb(c) for c in (look.rag["red"], look.text, look.heading))
    widths: dict[tuple[str, str, float], float] = {}

    def boxed(x_right: float | None, x_centre: float | None, y: float, text: str, font: str, size: float,
              colour: bytes, border: bytes | None = None) -> bytes:
        w = widths.get((text, font, size))
        if w is None:
            w = widths[(text, font, size)] = stringWidth(text, font, size)
        x = x_right - w if x_right is not None else x_centre - w / 2
        box = b"%s %s %s %s re" % (_num(x - 4), _num(y - 3.5), _num(w + 8), _num(size + 6))
        paint = (b"1 1 1 rg %s RG 0.8 w %s B\n" % (border, box)) if border else b"1 1 1 rg %s f\n" % box
        name = b"/SgHB" if font == "Helvetica-Bold" else b"/SgH"
        return paint + b"BT %s %s Tf %s rg %s %s Td (%s) Tj ET\n" % (
            name, _num(size), colour, _num(x), _num(y), _pdf_string(text))

    total, forms = len(sizes), []
    for i, ((w, h), label) in enumerate(zip(sizes, labels), 1):
        ops = [b"q\n", boxed(None, w / 2, h - 1.15 * cm, fitted, "Helvetica-Bold", 8.5, red),
               boxed(None, w / 2, 1.0 * cm, fitted, "Helvetica-Bold", 8.5, red),
               boxed(w - MARGIN_X, None, 1.0 * cm, f"page {i} of {total}", "Helvetica", 8.5, text_c)]
        if label:
            ops.append(boxed(w - MARGIN_X, None, h - 1.2 * cm, label, "Helvetica-Bold", 10.5, heading, heading))
        ops.append(b"Q\n")
        forms.append(pdf.make_indirect(pikepdf.Stream(pdf, b"".join(ops), Type=Name.XObject, Subtype=Name.Form,
                                                      BBox=Array([0, 0, w, h]), Resources=fonts)))
    return forms


def _rgb(colour) -> bytes:  # noqa: ANN001
    return b"%s %s %s" % (_num(colour.red), _num(colour.green), _num(colour.blue))


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def overlay(pdf: Pdf, pages: list[pikepdf.Page], forms: list[pikepdf.Stream]) -> None:
    """Draw stamp i over page i. The stamp, a Form XObject, is named /SgStamp (or /SgStamp1…
    when an exhibit already uses the name) in a copy of the page's resources; the page's /Contents becomes
    [q, original…, Q + draw stamp]. A rotated page gets the matrix that shows the stamp upright."""
    push = pdf.make_indirect(pikepdf.Stream(pdf, b"q\n"))
    tails: dict[bytes, pikepdf.Object] = {}
    for page, form in zip(pages, forms):
        obj = page.obj
        resources = obj.get("/Resources")
        resources = _copy_dict(resources) if isinstance(resources, Dictionary) else Dictionary()
        xobjects = resources.get("/XObject")
        xobjects = _copy_dict(xobjects) if isinstance(xobjects, Dictionary) else Dictionary()
        name, n = _STAMP, 0
        while name in xobjects:                         # an exhibit's own /SgStamp keeps its meaning
            n += 1
            name = f"{_STAMP}{n}"
        xobjects[name] = form
        resources.XObject = xobjects
        obj.Resources = resources
        rotate = rotation(obj)
        box = page.cropbox
        if rotate:
            draw = page.calc_form_xobject_placement(form, Name(name), pikepdf.Rectangle(box), invert_transformations=True,
                                                    allow_shrink=False, allow_expand=False)
        else:
            draw = b"q 1 0 0 1 %s %s cm %s Do Q" % (_num(min(box[0], box[2])), _num(min(box[1], box[3])),
                                                   name.encode())
        tail = tails.get(draw)
        if tail is None:
            tail = tails[draw] = pdf.make_indirect(pikepdf.Stream(pdf, b"\nQ " + draw + b"\n"))
        original = obj.get("/Contents")
        parts = Array([push])
        if isinstance(original, Array):
            parts.extend(original)
        elif original is not None:
            parts.append(original if original.is_indirect else pdf.make_indirect(original))
        parts.append(tail)
        obj.Contents = parts


def _copy_dict(d: Dictionary) -> Dictionary:
    return Dictionary({k: d[k] for k in d.keys()})


def _num(v: object) -> bytes:
    text = (b"%.4f" % float(v)).rstrip(b"0").rstrip(b".")
    return text if text not in (b"", b"-0") else b"0"
