"""Joining exhibit PDFs into the bundle (the joiner, pikepdf): odd page trees, rotated pages, files qpdf
refuses, signatures, a classification WinAnsi cannot spell, and the exhibit sheets' overflow rules."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from compiler import pipeline
from compiler.packs.assemble import assemble
from compiler.packs.cqc import build_bundle
from compiler.packs.profiles import load_profile
from compiler.render.pdf.bundle import ExhibitInput, original
from evidence_store import Limits, documents
from evidence_store.document import PdfFacts
from compiler.render.theme import load_theme
from compiler.views.common import Options
from compiler.views.cqc import cqc_view

AS_OF = dt.date(2026, 11, 20)
THEME = load_theme()


@pytest.fixture(scope="module")
def ctx():
    assessment = pipeline.check(["examples/plans"], "examples/evidence", AS_OF)
    return cqc_view(assemble(assessment, load_profile("cqc")), Options())


def _text_page(pdf: pikepdf.Pdf, text: str, resources: pikepdf.Dictionary | None = None) -> pikepdf.Dictionary:
    content = pikepdf.Stream(pdf, b"BT /F1 14 Tf 72 400 Td (" + text.encode() + b") Tj ET")
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, Contents=pdf.make_indirect(content))
    if resources is not None:
        page.Resources = resources
    return pdf.make_indirect(page)


def _font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))


def _inherited_tree(number: str) -> bytes:
    """Two pages whose /MediaBox, /Resources and /Rotate live on an intermediate /Pages node only."""
    pdf = pikepdf.new()
    kids = [_text_page(pdf, f"INHERIT {number} page {k}") for k in (1, 2)]
    node = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Pages, Kids=pikepdf.Array(kids), Count=2,
                                                MediaBox=pikepdf.Array([0, 0, 842, 595]), Resources=_font(pdf),
                                                Rotate=90, Parent=pdf.Root.Pages))
    for kid in kids:
        kid.Parent = node
    pdf.Root.Pages.Kids = pikepdf.Array([node])
    pdf.Root.Pages.Count = 2
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _internal_link(number: str) -> bytes:
    """Page 1 links to page 2 of the same exhibit."""
    pdf = pikepdf.new()
    for k in (1, 2):
        pdf.pages.append(pikepdf.Page(_text_page(pdf, f"LINKED {number} page {k}", _font(pdf))))
        pdf.pages[-1].obj.MediaBox = pikepdf.Array([0, 0, 595, 842])
    link = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                              Rect=pikepdf.Array([50, 50, 200, 80]),
                              Dest=pikepdf.Array([pdf.pages[1].obj, pikepdf.Name.Fit]))
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(link)])
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _build(ctx, pdfs: list[bytes], **replace):
    ctx = dataclasses.replace(ctx, head=dataclasses.replace(ctx.head, **replace)) if replace else ctx
    rows = ctx.exhibits[:len(pdfs)]
    ctx = dataclasses.replace(ctx, exhibits=rows)
    return ctx, build_bundle(ctx, [_original(row, pdf) for row, pdf in zip(rows, pdfs)], theme=THEME)


def _original(row, pdf: bytes) -> ExhibitInput:
    """A PDF original as the CQC pack hands it over: with the facts its reader found. A file no reader can
    open stands for one qpdf cannot open (the bundle's part is the same: a notice page says so)."""
    (doc,) = documents([("pdf", pdf)], Limits(reader_processes=-1))
    facts = PdfFacts(pages=1, qpdf_reason=str(doc)) if isinstance(doc, str) else doc.pdf
    return original(row, facts, pdf=pdf)


def test_inherited_page_attributes_and_rotation_survive_the_join(ctx):
    ctx, bundle = _build(ctx, [_inherited_tree("E1")])
    row = ctx.exhibits[0]
    first, last = bundle.pages.exhibits[row.number]
    assert last - first == 2
    doc = pdfium.PdfDocument(bundle.pdf)
    for k in (1, 2):
        page = doc[first - 1 + k]
        text = page.get_textpage().get_text_range()
        assert f"INHERIT E1 page {k}" in text                       # its font came along
        assert f"page {first + k} of {bundle.pages.total}" in text
        assert f"{row.number} · {k + 1} of 3" in text
        width, height = page.get_size()
        assert width < height                                       # 842×595 turned 90°: shown portrait
    reader = PdfReader(io.BytesIO(bundle.pdf))
    assert int(reader.pages[first]["/Rotate"]) == 90


def test_links_inside_an_exhibit_still_land_on_its_own_pages(ctx):
    ctx, bundle = _build(ctx, [_internal_link("E1")])
    first, _ = bundle.pages.exhibits[ctx.exhibits[0].number]
    reader = PdfReader(io.BytesIO(bundle.pdf))
    annots = [a.get_object() for a in reader.pages[first].get("/Annots", [])]
    dests = [a["/Dest"][0].idnum for a in annots if "/Dest" in a]
    assert dests == [reader.pages[first + 1].indirect_reference.idnum]


def test_a_pdf_qpdf_cannot_open_becomes_a_notice_page(ctx):
    ctx, bundle = _build(ctx, [b"%PDF-1.7\nthis is not a PDF at all"])
    row = ctx.exhibits[0]
    first, last = bundle.pages.exhibits[row.number]
    assert last - first == 1
    doc = pdfium.PdfDocument(bundle.pdf)
    sheet = " ".join(doc[first - 1].get_textpage().get_text_range().split())
    notice = " ".join(doc[first].get_textpage().get_text_range().split())
    assert "Note" in sheet and "1 page" in sheet
    assert "could not be joined into the bundle" in notice


def test_a_classification_winansi_cannot_spell_is_still_stamped(ctx):
    ctx, bundle = _build(ctx, [_internal_link("E1")], classification="ΕΠΙΣΗΜΟ – OFFICIAL‑SENSITIVE")
    doc = pdfium.PdfDocument(bundle.pdf)
    for i in range(len(doc)):
        text = doc[i].get_textpage().get_text_range()
        assert "ΕΠΙΣΗΜΟ" in text
        assert f"page {i + 1} of {len(doc)}" in text


def test_every_page_has_a_page_tree_parent_and_the_count_is_right(ctx):
    ctx, bundle = _build(ctx, [_inherited_tree("E1"), _internal_link("E2")])
    pdf = pikepdf.open(io.BytesIO(bundle.pdf))
    assert len(pdf.pages) == bundle.pages.total == int(pdf.Root.Pages.Count)
    assert all(page.obj.Parent.objgen == pdf.Root.Pages.objgen for page in pdf.pages)


def test_a_sheet_with_more_actions_than_fit_says_so(ctx):
    row = ctx.exhibits[0]
    many = [(a.id, a.anchor) for a in ctx.actions] * 12
    crowded = dataclasses.replace(row, actions=many)
    ctx = dataclasses.replace(ctx, exhibits=[crowded])
    bundle = build_bundle(ctx, [ExhibitInput(row=crowded, pdf=_internal_link("E1"), pages=2, note=None)],
                          theme=THEME)
    first, last = bundle.pages.exhibits[crowded.number]
    assert last - first == 2                                        # still one sheet page
    doc = pdfium.PdfDocument(bundle.pdf)
    sheet = " ".join(doc[first - 1].get_textpage().get_text_range().split())
    assert f"{len(many)} actions in all (see the evidence index)" in sheet
