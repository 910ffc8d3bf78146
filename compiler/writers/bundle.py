"""The PDF bundle, court-bundle style: body + (exhibit sheet + exhibit pages) per exhibit, stamped and bookmarked.

Flow (TECH-NOTES): count every exhibit's pages, render the body with the page numbers those
imply, repeat until the body's page count and heading pages are stable; render one exhibit
sheet per exhibit; merge with pypdf; stamp every page ("page 37 of 412", classification,
"E-012 · 3 of 5" on appendix pages); add the outline; turn every `sgpack:<anchor>` URI link
into a GoTo destination; scrub metadata and fix the file /ID so the same inputs give the same bytes.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, ByteStringObject, DecodedStreamObject, DictionaryObject, FloatObject,
                           IndirectObject, NameObject, TextStringObject)
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, KeepInFrame, PageBreak, PageTemplate, Paragraph, Spacer

from compiler.packs.profiles import Theme
from compiler.writers.context import CQC_SECTIONS, IndexRow, PackContext, PageMap
from compiler.writers.pdf import (MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H, TEXT_W, Look, _fit,
                                  converge, esc, link)

_UNSAFE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Rendition",
                   "/ResetForm", "/Hide", "/SetOCGState", "/Thread", "/Sound", "/Movie"}


@dataclass(frozen=True)
class ExhibitInput:
    row: IndexRow
    pdf: bytes
    pages: int
    note: str | None


@dataclass(frozen=True)
class Bundle:
    pdf: bytes
    pages: PageMap


def _page_map(body_pages: int, body_anchors: dict[str, int], counts: list[tuple[IndexRow, int]]) -> PageMap:
    anchors = dict(body_anchors)
    exhibits: dict[str, tuple[int, int]] = {}
    page = body_pages
    for row, n in counts:
        first = page + 1
        page = first + n
        exhibits[row.number] = (first, page)
        anchors[row.anchor] = first
    return PageMap(anchors=anchors, exhibits=exhibits, total=page)


def _readers(exhibits: list[ExhibitInput]) -> list[PdfReader | None]:
    readers = []
    for ex in exhibits:
        reader = PdfReader(io.BytesIO(ex.pdf)) if ex.pdf else None
        readers.append(reader if reader is not None and len(reader.pages) else None)
    return readers


# ---------------------------------------------------------------------------------- exhibit sheets

def _sheet_styles(look: Look) -> tuple[ParagraphStyle, ParagraphStyle, ParagraphStyle]:
    styles = getattr(look, "_sheet_styles", None)
    if styles is None:
        s = look.styles
        label = ParagraphStyle("sheet_label", s["body"], fontName=look.bold, fontSize=11, textColor=look.grey,
                               spaceAfter=2)
        number = ParagraphStyle("sheet_number", s["body"], fontName=look.bold, fontSize=54, leading=62,
                                textColor=look.heading, spaceAfter=10)
        title = ParagraphStyle("sheet_title", s["body"], fontName=look.bold, fontSize=16, leading=21, spaceAfter=16)
        styles = look._sheet_styles = (label, number, title)
    return styles


def _sheet(ctx: PackContext, ex: ExhibitInput, pages: int, pm: PageMap, look: Look, by_anchor: dict | None = None) -> list:
    row = ex.row
    first, last = pm.exhibits[row.number]
    label, number, title = _sheet_styles(look)
    if pages:
        where = (f"This sheet is bundle page {first}; the exhibit follows on "
                 + (f"page {first + 1} (1 page)." if pages == 1 else f"pages {first + 1}–{last} ({pages} pages)."))
    else:
        where = f"This sheet is bundle page {first}; no pages of the exhibit could be rendered."
    if by_anchor is None:
        by_anchor = {a.anchor: a for a in ctx.actions}
    supports = []
    for action_id, anchor in row.actions:
        text = f"<b>{esc(action_id)}</b>"
        if anchor in pm.anchors:
            text += f" (p. {pm.anchors[anchor]})"
        if anchor in by_anchor:
            text = link(anchor, text) + f" {esc(by_anchor[anchor].title)}"
        supports.append(text)
    rows = [("Type", esc(row.type)), ("CQC evidence category", esc(row.category)), ("Date", esc(row.date)),
            ("Source file", look.p(esc(row.path), "cell_mono")),
            ("SHA-256", look.p(esc(row.sha256), "cell_mono")),
            ("Original copy", esc(f"exhibits/{row.file_name}")),
            ("Pages", esc(where)),
            ("Supports", "<br/>".join(supports) or "—")]
    if ex.note:
        rows.append(("Note", esc(ex.note)))
    content = [Spacer(1, 1.5 * cm), Paragraph("EXHIBIT", label), Paragraph(esc(row.number), number),
               Paragraph(esc(row.title), title), look.kv_table(rows, (4.2 * cm, TEXT_W - 4.2 * cm))]
    height = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
    return [KeepInFrame(TEXT_W, height, content, mode="shrink"), PageBreak()]


def render_sheets(ctx: PackContext, exhibits: list[ExhibitInput], counts: list[int], pm: PageMap,
                  look: Look) -> bytes:
    out = io.BytesIO()
    doc = BaseDocTemplate(out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                          bottomMargin=MARGIN_BOTTOM, invariant=1, title=ctx.title)
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("sheet", [frame], onPage=lambda c, d: look.draw_running(c, ctx))])
    story: list = []
    by_anchor = {a.anchor: a for a in ctx.actions}
    for ex, n in zip(exhibits, counts):
        story += _sheet(ctx, ex, n, pm, look, by_anchor)
    doc.build(story[:-1])
    if doc.page != len(exhibits):
        raise RuntimeError(f"exhibit sheets took {doc.page} pages for {len(exhibits)} exhibits")
    return out.getvalue()


# ---------------------------------------------------------------------------------- stamps

def _stamps(ctx: PackContext, sizes: list[tuple[float, float]], labels: list[str | None], look: Look) -> bytes:
    """One overlay page per bundle page: classification top and bottom centre, page number bottom right,
    exhibit stamp top right. Each sits on a white box so it stays legible over an exhibit's own content."""
    out = io.BytesIO()
    canv = Canvas(out, invariant=1, pageCompression=1)
    total = len(sizes)
    cls = ctx.classification

    widths: dict[tuple[str, str, float], float] = {}

    def boxed(x_right: float | None, x_centre: float | None, y: float, text: str, font: str, size: float,
              colour, border=None):
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

    fitted = _fit(cls, look.bold, 8.5, 160)
    for i, ((w, h), label) in enumerate(zip(sizes, labels), 1):
        canv.setPageSize((w, h))
        canv.setFont(look.bold, 8.5)
        boxed(None, w / 2, h - 1.15 * cm, fitted, look.bold, 8.5, look.rag["red"])
        boxed(None, w / 2, 1.0 * cm, fitted, look.bold, 8.5, look.rag["red"])
        canv.setFont(look.font, 8.5)
        boxed(w - MARGIN_X, None, 1.0 * cm, f"page {i} of {total}", look.font, 8.5, look.text)
        if label:
            canv.setFont(look.bold, 10.5)
            boxed(w - MARGIN_X, None, h - 1.2 * cm, label, look.bold, 10.5, look.heading, border=look.heading)
        canv.showPage()
    canv.save()
    return out.getvalue()


# ---------------------------------------------------------------------------------- merge

_STAMP = NameObject("/SgStamp")


def _stream(writer: PdfWriter, data: bytes):
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _overlay(writer: PdfWriter, stamps: PdfReader) -> None:
    """Draw stamp page i over bundle page i without parsing or re-encoding the page's own content.

    Each stamp page becomes a Form XObject (its content stream copied as it is, with its own resources), named
    /SgStamp in a copy of the page's /Resources; the page's /Contents becomes [q, original..., Q + draw stamp],
    so nothing the original content leaves in the graphics state reaches the stamp. The stamp is placed at the
    crop box's lower-left corner, as merge_transformed_page with a translation did."""
    push = _stream(writer, b"q\n")
    tails: dict[tuple[float, float, str], object] = {}
    for index, page in enumerate(writer.pages):
        sp = stamps.pages[index]
        contents = sp["/Contents"].get_object()
        if isinstance(contents, ArrayObject):           # not what reportlab writes; handled all the same
            form = DecodedStreamObject()
            form.set_data(b"\n".join(c.get_object().get_data() for c in contents))
            form = writer._add_object(form).get_object()
        else:
            form = contents.clone(writer, force_duplicate=True)
        box = sp.mediabox
        form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                     NameObject("/BBox"): ArrayObject([FloatObject(v) for v in
                                                       (box.left, box.bottom, box.right, box.top)]),
                     NameObject("/Resources"): sp["/Resources"].clone(writer)})
        form_ref = form.indirect_reference if form.indirect_reference is not None else writer._add_object(form)

        resources = page.get("/Resources")
        resources = DictionaryObject(resources.get_object()) if resources is not None else DictionaryObject()
        xobjects = resources.get("/XObject")
        xobjects = DictionaryObject(xobjects.get_object()) if xobjects is not None else DictionaryObject()
        name, n = _STAMP, 0
        while name in xobjects:                         # an exhibit's own /SgStamp keeps its meaning
            n += 1
            name = NameObject(f"{_STAMP}{n}")
        xobjects[name] = form_ref
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources

        crop = page.cropbox
        at = (float(crop.left), float(crop.bottom), name)
        if at not in tails:
            tails[at] = _stream(writer, b"\nQ q 1 0 0 1 %s %s cm %s Do Q\n"
                                % (_num(at[0]), _num(at[1]), name.encode()))
        original = page.get("/Contents")
        parts = ArrayObject([push])
        if original is not None:
            target = original.get_object()
            if isinstance(target, ArrayObject):
                parts.extend(target)
            elif isinstance(original, IndirectObject):
                parts.append(original)
            else:
                parts.append(writer._add_object(target))
        parts.append(tails[at])
        page[NameObject("/Contents")] = parts


def _num(v: float) -> bytes:
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _scrub_page(page, own: bool) -> None:
    """Drop page-level XMP and actions; on exhibit pages drop links that could run or fetch anything."""
    for key in ("/Metadata", "/PieceInfo", "/AA"):
        if key in page:
            del page[key]
    resources = page.get("/Resources")
    xobjects = resources.get_object().get("/XObject") if resources is not None else None
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            obj = ref.get_object()
            if "/Metadata" in obj:
                del obj[NameObject("/Metadata")]
    if own or "/Annots" not in page:
        return
    kept = ArrayObject()
    for ref in page["/Annots"]:
        annot = ref.get_object()
        action = annot.get("/A")
        kind = action.get_object().get("/S") if action is not None else None
        if kind in _UNSAFE_ACTIONS or (kind == "/URI" and str(action.get_object().get("/URI", "")).startswith(
                "sgpack:")):
            continue
        if "/AA" in annot:
            del annot[NameObject("/AA")]
        kept.append(ref)
    page[NameObject("/Annots")] = kept


def _rewrite_links(writer: PdfWriter, page, anchors: dict[str, int]) -> None:
    if "/Annots" not in page:
        return
    kept = ArrayObject()
    for ref in page["/Annots"]:
        annot = ref.get_object()
        action = annot.get("/A")
        uri = action.get_object().get("/URI") if action is not None else None
        if uri is not None and str(uri).startswith("sgpack:"):
            target = anchors.get(str(uri)[len("sgpack:"):])
            if target is None:
                continue                       # a reference to nothing in this bundle: no dead link
            del annot[NameObject("/A")]
            annot[NameObject("/Dest")] = ArrayObject([writer.pages[target - 1].indirect_reference,
                                                      NameObject("/Fit")])
        kept.append(ref)
    page[NameObject("/Annots")] = kept


def _outline(writer: PdfWriter, ctx: PackContext, pm: PageMap) -> None:
    def add(title: str, anchor: str, parent=None):
        return writer.add_outline_item(title=_fit(title, "Helvetica", 10, 420), page_number=pm.anchors[anchor] - 1,
                                       parent=parent)

    add("Cover", "cover")
    add("Contents", "contents")
    for anchor, name in CQC_SECTIONS:
        node = add(name, anchor)
        if anchor == "sec_actions":
            for action in ctx.actions:
                add(f"{action.id} {action.title}", action.anchor, node)
        elif anchor == "sec_appendices":
            for row in ctx.exhibits:
                if row.anchor in pm.anchors:
                    add(f"{row.number} {row.title}", row.anchor, node)


def build_bundle(ctx: PackContext, exhibits: list[ExhibitInput], *, theme: Theme, seed: bytes) -> Bundle:
    look = Look(theme)
    readers = _readers(exhibits)
    counts = [len(r.pages) if r is not None else 0 for r in readers]
    rows = [(ex.row, n) for ex, n in zip(exhibits, counts)]

    body = converge(ctx, theme, lambda pages, anchors: _page_map(pages, anchors, rows))
    pm = _page_map(body.pages, body.anchors, rows)
    sheets = PdfReader(io.BytesIO(render_sheets(ctx, exhibits, counts, pm, look)))

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(body.pdf)), import_outline=False)
    own = set(range(body.pages))
    labels: list[str | None] = [None] * body.pages
    for i, (ex, reader, n) in enumerate(zip(exhibits, readers, counts)):
        own.add(len(writer.pages))
        writer.append(sheets, pages=[i], import_outline=False)
        labels.append(f"{ex.row.number} · 1 of {n + 1}")
        if reader is not None:
            writer.append(reader, import_outline=False)
            labels += [f"{ex.row.number} · {k} of {n + 1}" for k in range(2, n + 2)]
    if len(writer.pages) != pm.total:
        raise RuntimeError(f"bundle has {len(writer.pages)} pages, expected {pm.total}")

    sizes = []
    for index, page in enumerate(writer.pages):
        _scrub_page(page, index in own)
        if page.get("/Rotate", 0):
            page.transfer_rotation_to_content()
        box = page.cropbox
        sizes.append((float(box.width), float(box.height)))
    _overlay(writer, PdfReader(io.BytesIO(_stamps(ctx, sizes, labels, look))))
    for index in sorted(own):
        _rewrite_links(writer, writer.pages[index], pm.anchors)

    _outline(writer, ctx, pm)
    writer.page_mode = "/UseOutlines"
    _scrub_document(writer, ctx)
    digest = hashlib.sha256(seed).digest()
    writer._ID = ArrayObject([ByteStringObject(digest[:16]), ByteStringObject(digest[16:])])
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)   # scrubbed XMP goes too
    out = io.BytesIO()
    writer.write(out)
    return Bundle(pdf=out.getvalue(), pages=pm)


def _scrub_document(writer: PdfWriter, ctx: PackContext) -> None:
    root = writer._root_object
    for key in ("/Metadata", "/OpenAction", "/AA", "/AcroForm", "/Perms", "/Collection", "/Threads", "/SpiderInfo"):
        if key in root:
            del root[NameObject(key)]
    names = root.get("/Names")
    if names is not None:
        names = names.get_object()
        for key in ("/JavaScript", "/EmbeddedFiles", "/AlternatePresentations", "/URLS"):
            if key in names:
                del names[NameObject(key)]
    stamp = "D:" + ctx.as_of_iso.replace("-", "") + "000000Z"
    writer.metadata = None
    writer.add_metadata({"/Title": TextStringObject(ctx.title), "/Producer": f"sgpack {ctx.tool_version}",
                         "/Creator": f"sgpack {ctx.tool_version}", "/CreationDate": stamp, "/ModDate": stamp})

