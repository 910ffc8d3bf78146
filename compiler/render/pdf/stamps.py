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

from compiler.render.pdf import running
from compiler.render.pdf.look import MARGIN_X, Look

if TYPE_CHECKING:
    from compiler.views.common import Head

_STAMP = "/SgStamp"
# An original PDF exhibit's page is set in a taller page, a band this high above and below it, and its stamps are
# drawn in the bands: never over what the original shows (its own page number, its header). The stamps sit
# within 1.4 cm of the page's edges.
BAND = 1.6 * cm
_BOXES = ("/MediaBox", "/CropBox", "/BleedBox", "/TrimBox", "/ArtBox")


def shown_size(page: pikepdf.Page) -> tuple[float, float]:
    box = page.cropbox
    w, h = abs(float(box[2]) - float(box[0])), abs(float(box[3]) - float(box[1]))
    return (h, w) if rotation(page.obj) in (90, 270) else (w, h)


def rotation(obj: Dictionary) -> int:
    try:
        return int(obj.get("/Rotate", 0)) % 360
    except (TypeError, ValueError):
        return 0


def _stamps(head: Head, sizes: list[tuple[float, float]], labels: list[str | None], look: Look,
            banded: list[bool]) -> bytes:
    """One overlay page per page, the size the page is shown at: classification top and bottom centre, page
    number bottom right, exhibit stamp top right. Each sits on a white box so it stays legible over an
    exhibit's own content."""
    out = io.BytesIO()
    canv = Canvas(out, invariant=1, pageCompression=1)
    total = len(sizes)

    def boxed(x_right: float | None, x_centre: float | None, middle: float, lines: list[str], font: str, size: float,
              colour, border=None):  # noqa: ANN001
        x0, y0, w, h, placed = _box(x_right, x_centre, middle, lines, font, size)
        canv.setFillColor(colors.white)
        canv.setStrokeColor(border or colors.white)
        canv.setLineWidth(0.8)
        canv.rect(x0, y0, w, h, stroke=1 if border else 0, fill=1)
        canv.setFillColor(colour)
        canv.setFont(font, size)
        for line, x, y in placed:
            canv.drawString(x, y, line)

    cls_lines, cls_size = running.classification_lines(head.classification, look.bold)
    forms: dict[tuple[float, float, bool], str] = {}      # the classification, drawn once a page size
    for i, ((w, h), label, band) in enumerate(zip(sizes, labels, banded), 1):
        canv.setPageSize((w, h))
        form = forms.get((w, h, band))
        if form is None:
            form = forms[(w, h, band)] = f"cls{len(forms)}"
            canv.beginForm(form, 0, 0, w, h)
            if band:
                canv.setStrokeColor(look.rule)
                canv.setLineWidth(0.5)
                canv.line(0, BAND, w, BAND)
                canv.line(0, h - BAND, w, h - BAND)
            boxed(None, w / 2, h - 1.15 * cm, cls_lines, look.bold, cls_size, look.rag["red"])
            boxed(None, w / 2, 1.0 * cm, cls_lines, look.bold, cls_size, look.rag["red"])
            canv.endForm()
        canv.doForm(form)
        boxed(w - MARGIN_X, None, 1.0 * cm, [f"page {i} of {total}"], look.font, 8.5, look.text)
        if label:
            boxed(w - MARGIN_X, None, h - 1.2 * cm, [label], look.bold, 10.5, look.heading, border=look.heading)
        canv.showPage()
    canv.save()
    return out.getvalue()


def _box(x_right: float | None, x_centre: float | None, middle: float, lines: list[str], font: str,
         size: float) -> tuple[float, float, float, float, list[tuple[str, float, float]]]:
    """A stamp's white box (x, y, width, height) around its lines, and where each line is drawn: right-aligned
    at `x_right` or centred on `x_centre`, the lines centred on the baseline `middle`."""
    widths = [stringWidth(line, font, size) for line in lines]
    widest = max(widths)
    left = x_right - widest if x_right is not None else x_centre - widest / 2
    ys = running.baselines(middle, len(lines), size)
    placed = [(line, left + (widest - lw if x_right is not None else (widest - lw) / 2), y)
              for line, lw, y in zip(lines, widths, ys)]
    return left - 4, ys[-1] - 3.5, widest + 8, ys[0] - ys[-1] + size + 6, placed


_HELVETICA = ("Helvetica", "Helvetica-Bold")


def stamp_forms(pdf: Pdf, head: Head, sizes: list[tuple[float, float]], labels: list[str | None],
                look: Look, banded: list[bool] | None = None) -> list[pikepdf.Stream]:
    """One stamp Form XObject a page. The stamps are written as PDF operators in Helvetica (a standard font,
    nothing embedded): a reportlab page each cost about 1 ms, as much as all the rest of stamping. Text that
    WinAnsi cannot encode (a theme's classification in another script) is drawn by reportlab in the theme's
    own font instead. `banded`: the pages given a band above and below (add_band), whose edges are ruled."""
    banded = banded or [False] * len(sizes)
    texts = [head.classification, *(label for label in set(labels) if label)]
    if running.stamp_font(texts, look.bold) != running.STANDARD_BOLD:
        stamps = Pdf.open(io.BytesIO(_stamps(head, sizes, labels, look, banded)))
        return [pdf.copy_foreign(page.as_form_xobject()) for page in stamps.pages]

    fonts = pdf.make_indirect(Dictionary(Font=Dictionary(
        SgH=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding),
        SgHB=Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Helvetica-Bold"),
                        Encoding=Name.WinAnsiEncoding))))
    red, text_c, heading, rule = (_rgb(c) for c in (look.rag["red"], look.text, look.heading, look.rule))
    cls_lines, cls_size = running.classification_lines(head.classification, "Helvetica-Bold")

    def boxed(x_right: float | None, x_centre: float | None, middle: float, lines: list[str], font: str, size: float,
              colour: bytes, border: bytes | None = None) -> bytes:
        x0, y0, w, h, placed = _box(x_right, x_centre, middle, lines, font, size)
        box = b"%s %s %s %s re" % (_num(x0), _num(y0), _num(w), _num(h))
        paint = (b"1 1 1 rg %s RG 0.8 w %s B\n" % (border, box)) if border else b"1 1 1 rg %s f\n" % box
        name = b"/SgHB" if font == "Helvetica-Bold" else b"/SgH"
        shown = b"".join(b"BT %s %s Tf %s rg %s %s Td (%s) Tj ET\n" % (name, _num(size), colour, _num(x), _num(y),
                                                                       _pdf_string(line)) for line, x, y in placed)
        return paint + shown

    total, forms = len(sizes), []
    for i, ((w, h), label, band) in enumerate(zip(sizes, labels, banded), 1):
        ops = [b"q\n"]
        if band:
            ops.append(b"%s RG 0.5 w 0 %s m %s %s l S 0 %s m %s %s l S\n" % (
                rule, _num(BAND), _num(w), _num(BAND), _num(h - BAND), _num(w), _num(h - BAND)))
        ops += [boxed(None, w / 2, h - 1.15 * cm, cls_lines, "Helvetica-Bold", cls_size, red),
                boxed(None, w / 2, 1.0 * cm, cls_lines, "Helvetica-Bold", cls_size, red),
                boxed(w - MARGIN_X, None, 1.0 * cm, [f"page {i} of {total}"], "Helvetica", 8.5, text_c)]
        if label:
            ops.append(boxed(w - MARGIN_X, None, h - 1.2 * cm, [label], "Helvetica-Bold", 10.5, heading, heading))
        ops.append(b"Q\n")
        forms.append(pdf.make_indirect(pikepdf.Stream(pdf, b"".join(ops), Type=Name.XObject, Subtype=Name.Form,
                                                      BBox=Array([0, 0, w, h]), Resources=fonts)))
    return forms


def add_band(pdf: Pdf, page: pikepdf.Page) -> None:
    """Give the page a band of BAND above and below what it shows (its crop box), as it is shown (a page turned
    by /Rotate gets its bands on the sides that are then top and bottom). Nothing of the original moves or
    changes: its content is clipped to its own box, so nothing it kept outside that box shows in the bands."""
    obj = page.obj
    box = [float(v) for v in page.cropbox]
    x0, y0, x1, y1 = min(box[0], box[2]), min(box[1], box[3]), max(box[0], box[2]), max(box[1], box[3])
    if rotation(obj) in (90, 270):
        grown = [x0 - BAND, y0, x1 + BAND, y1]
    else:
        grown = [x0, y0 - BAND, x1, y1 + BAND]
    for key in _BOXES:
        if key in obj:
            del obj[key]
    obj.MediaBox = Array([round(v, 4) for v in grown])
    clip = pdf.make_indirect(pikepdf.Stream(pdf, b"q %s %s %s %s re W n\n" % (
        _num(x0), _num(y0), _num(x1 - x0), _num(y1 - y0))))
    close = pdf.make_indirect(pikepdf.Stream(pdf, b"\nQ\n"))
    _wrap_contents(pdf, obj, clip, close)


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
        _wrap_contents(pdf, obj, push, tail)


def _wrap_contents(pdf: Pdf, obj: Dictionary, head: pikepdf.Object, tail: pikepdf.Object) -> None:
    """The page's /Contents becomes [head, original…, tail]."""
    original = obj.get("/Contents")
    parts = Array([head])
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
