"""The PDF bundle: contents, bookmarks and links land where they say; stamps on every page; escaped text;
scrubbed metadata; byte-identical rebuilds. Structure is checked by reading the bundle back."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject, TextStringObject
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfgen.canvas import Canvas

from compiler import pipeline
from compiler.packs.assemble import assemble
from compiler.packs.cqc import build_bundle, recipe, story, with_charts
from compiler.packs.profiles import load_profile
from compiler.render.pdf.bundle import ExhibitInput
from compiler.render.pdf.layout import converge, theme_key
from compiler.render.pdf.pages import PageMap
from compiler.render.theme import load_theme
from compiler.views.common import Options
from compiler.views.cqc import SECTIONS as CQC_SECTIONS
from compiler.views.cqc import cqc_view
from compiler.views.words import Block

AS_OF = dt.date(2026, 11, 20)
THEME = load_theme()
HOSTILE = ["{{ config }}", "{% for x in y %}", "<script>alert(1)</script>", '<img src="file:///etc/passwd">',
           '<font color="[[[getattr(pow, x)]]]">x</font>', "Zoë Δημήτρης Иван – ’ ×"]


def _context(charts: bool = False):
    assessment = pipeline.check(["examples/plans"], "examples/evidence", AS_OF)
    view = cqc_view(assemble(assessment, load_profile("cqc")), Options())
    return with_charts(view, THEME) if charts else view


def render_body(ctx, *, exhibit_pages: PageMap | None, theme):
    """The CQC body on its own, laid out until stable against fixed exhibit pages."""
    return converge(ctx.head, theme, story.parts(ctx, theme_key(theme)), lambda pages, anchors: exhibit_pages,
                    fixed=True)


def _fixture_pdf(number: str, pages: int, *, wide: bool = False) -> bytes:
    """A small exhibit whose every page says which exhibit and page it is."""
    out = io.BytesIO()
    canv = Canvas(out, pagesize=landscape(A4) if wide else A4, invariant=1)
    canv.setAuthor("Evidence Author")
    for k in range(1, pages + 1):
        canv.setFont("Helvetica", 14)
        canv.drawString(72, 400, f"FIXTURE {number} page {k}")
        canv.showPage()
    canv.save()
    return out.getvalue()


def _hostile_pdf(number: str) -> bytes:
    """An exhibit carrying XMP, page metadata, a JavaScript link and a forged sgpack: link."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_fixture_pdf(number, 2))))
    writer.add_metadata({"/Author": "Evidence Author"})
    xmp = StreamObject()
    xmp.set_data(b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><dc:creator>Evidence Author</dc:creator></x:xmpmeta>')
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    page = writer.pages[0]
    page[NameObject("/Metadata")] = writer._add_object(xmp)
    annots = ArrayObject()
    for action in ({"/S": NameObject("/JavaScript"), "/JS": TextStringObject("app.alert(1)")},
                   {"/S": NameObject("/URI"), "/URI": TextStringObject("sgpack:sec_summary")}):
        annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                                  NameObject("/Rect"): ArrayObject([FloatObject(v) for v in (50, 50, 200, 80)]),
                                  NameObject("/A"): DictionaryObject({NameObject(k): v for k, v in action.items()})})
        annots.append(writer._add_object(annot))
    page[NameObject("/Annots")] = annots
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _exhibits(ctx) -> list[ExhibitInput]:
    inputs = []
    for i, row in enumerate(ctx.exhibits):
        n = i % 3 + 1
        if i == 1:
            pdf, n = _hostile_pdf(row.number), 2
        else:
            pdf = _fixture_pdf(row.number, n, wide=(i == 2))
        inputs.append(ExhibitInput(row=row, pdf=pdf, pages=n, note="rendered for the test" if i == 0 else None))
    return inputs


@pytest.fixture(scope="module")
def ctx():
    return _context()


@pytest.fixture(scope="module")
def built(ctx):
    return build_bundle(ctx, _exhibits(ctx), theme=THEME)


@pytest.fixture(scope="module")
def reader(built):
    return PdfReader(io.BytesIO(built.pdf))


@pytest.fixture(scope="module")
def doc(built):
    return pdfium.PdfDocument(built.pdf)


@pytest.fixture(scope="module")
def texts(doc):
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2003", " ").replace("\u00a0", " ")).strip()


def _links(reader: PdfReader, index: int):
    for ref in reader.pages[index].get("/Annots", []):
        annot = ref.get_object()
        if annot.get("/Subtype") == "/Link":
            yield annot


def _dest_index(reader: PdfReader, annot) -> int:
    ref = annot["/Dest"][0]
    return next((i for i, p in enumerate(reader.pages) if p.indirect_reference.idnum == ref.idnum), -1)


def _link_text(doc, index: int, annot) -> str:
    left, bottom, right, top = (float(v) for v in annot["/Rect"])
    return _norm(doc[index].get_textpage().get_text_bounded(left, bottom, right, top))


def _heading_on(text: str, heading: str) -> bool:
    return _norm(heading) in _norm(text)


def _action_heading(action) -> str:
    return f"{action.id} {action.title[:40]}"


def test_every_page_is_numbered_and_classified(ctx, texts, built):
    total = len(texts)
    assert built.pages.total == total
    for i, text in enumerate(texts, 1):
        assert f"page {i} of {total}" in text, i
        assert ctx.head.classification in text, i


def test_contents_numbers_are_the_heading_pages(ctx, reader, doc, texts, built):
    contents = built.pages.anchors["contents"] - 1
    checked = 0
    for annot in _links(reader, contents):
        left = float(annot["/Rect"][0])
        target = _dest_index(reader, annot)
        if left > A4[0] - 120:                       # the page-number column
            assert _link_text(doc, contents, annot) == str(target + 1)
            checked += 1
    expected = len(CQC_SECTIONS) + len(ctx.actions)
    assert checked >= expected
    for anchor, name in CQC_SECTIONS:
        assert _heading_on(texts[built.pages.anchors[anchor] - 1], name), anchor
    for action in ctx.actions:
        page = built.pages.anchors[action.anchor]
        assert _heading_on(texts[page - 1], _action_heading(action)), action.id
        assert f"{action.id} " in _norm(texts[page - 1])


def _outline(reader: PdfReader):
    """(title, page index, parent title) for every bookmark."""
    items = []

    def walk(nodes, parent):
        last = None
        for node in nodes:
            if isinstance(node, list):
                walk(node, last)
            else:
                items.append((node.title, reader.get_destination_page_number(node), parent))
                last = node.title
    walk(reader.outline, None)
    return items


def test_bookmarks_land_on_their_headings_and_exhibits(ctx, reader, texts):
    items = _outline(reader)
    by_title = {title: (page, parent) for title, page, parent in items}
    for anchor, name in CQC_SECTIONS:
        page, parent = by_title[name]
        assert parent is None and _heading_on(texts[page], name)
    # an action's bookmark is under its key question and the quality statement it is shown in full under
    shown_under = {a.id: st.name for g in ctx.groups for st in g.statements for a in st.actions}
    for action in ctx.actions:
        (page, parent), = [(p, par) for t, p, par in items if t.startswith(action.id + " ")]
        assert parent == shown_under[action.id]
        assert _heading_on(texts[page], _action_heading(action))
    exhibit_items = [(t, p, par) for t, p, par in items if re.match(r"E-\d{3} ", t)]
    assert len(exhibit_items) == len(ctx.exhibits)
    for title, page, parent in exhibit_items:
        number = title.split(" ")[0]
        assert parent == "Appendices: exhibits"
        assert f"{number} · 1 of" in texts[page], title


def test_links_resolve_and_exhibit_links_land_on_sheets(reader, doc, texts):
    exhibit_links = 0
    for index, page in enumerate(reader.pages):
        for annot in _links(reader, index):
            action = annot.get("/A")
            assert action is None or not str(action.get_object().get("/URI", "")).startswith("sgpack:")
            assert action is None or action.get_object().get("/S") != "/JavaScript"
            if "/Dest" not in annot:
                continue
            target = _dest_index(reader, annot)
            assert 0 <= target < len(reader.pages)
            label = _link_text(doc, index, annot)
            match = re.match(r"(E-\d{3})\b", label)
            if match:
                exhibit_links += 1
                assert f"{match.group(1)} · 1 of" in texts[target], (index, label)
                assert "EXHIBIT" in texts[target]
    assert exhibit_links > 50


def test_index_page_ranges_are_right(ctx, built, texts):
    index_text = _norm(" ".join(texts[built.pages.anchors["sec_index"] - 1: built.pages.anchors["sec_gaps"] - 1]))
    for i, row in enumerate(ctx.exhibits):
        first, last = built.pages.exhibits[row.number]
        n = last - first + 1
        assert n == (2 if i == 1 else i % 3 + 1) + 1
        assert f"{row.number} · 1 of {n}" in texts[first - 1]
        assert f"{row.number} · {n} of {n}" in texts[last - 1]
        if last < len(texts):
            assert f"{row.number} ·" not in texts[last]
        if n > 1:
            assert f"FIXTURE {row.number} page {n - 1}" in texts[last - 1]
        assert (f"{first}–{last}" if last != first else str(first)) in index_text


def test_hostile_text_prints_literally(ctx):
    action = ctx.actions[0]
    hostile = dataclasses.replace(action, narrative=[Block("p", h) for h in HOSTILE], owner=HOSTILE[-1],
                                  title=action.title + " <b>not bold</b> & co")
    evil = dataclasses.replace(ctx, actions=[hostile] + ctx.actions[1:],
                               groups=[dataclasses.replace(g, statements=[dataclasses.replace(
                                   s, actions=[hostile if a.id == action.id else a for a in s.actions])
                                   for s in g.statements]) for g in ctx.groups])
    body = render_body(evil, exhibit_pages=None, theme=THEME)
    doc = pdfium.PdfDocument(body.pdf)
    page = body.anchors[action.anchor] - 1
    text = _norm(doc[page].get_textpage().get_text_range() + doc[page + 1].get_textpage().get_text_range())
    for h in HOSTILE:
        assert _norm(h) in text, h
    assert "<b>not bold</b> & co" in text


def test_metadata_is_scrubbed(ctx, built, reader):
    info = reader.metadata
    assert "/Author" not in info
    assert info["/Producer"] == f"sgpack {ctx.head.tool_version}"
    assert info["/CreationDate"] == info["/ModDate"] == "D:20261120000000Z"
    assert "/Metadata" not in reader.trailer["/Root"]
    assert all("/Metadata" not in page for page in reader.pages)
    assert b"Evidence Author" not in built.pdf
    assert b"app.alert" not in built.pdf


def test_two_builds_are_byte_identical(ctx, built):
    again = build_bundle(ctx, _exhibits(ctx), theme=THEME)
    assert again.pdf == built.pdf
    assert PdfReader(io.BytesIO(again.pdf)).trailer["/ID"][0] == PdfReader(io.BytesIO(built.pdf)).trailer["/ID"][0]


def test_wide_exhibit_pages_are_stamped_in_their_own_corners(ctx, built, doc):
    row = ctx.exhibits[2]
    first, _ = built.pages.exhibits[row.number]
    page = doc[first]                               # the first landscape page after the sheet
    width, height = page.get_size()
    assert width > height
    stamp = f"{row.number} · 2 of"
    found = page.get_textpage().search(stamp)
    assert found.get_next() is not None


def test_body_with_charts_embeds_them():
    ctx = _context(charts=True)
    with_chart = next(a for a in ctx.actions if a.charts)
    body = render_body(ctx, exhibit_pages=None, theme=THEME)
    doc = pdfium.PdfDocument(body.pdf)
    start = body.anchors[with_chart.anchor] - 1
    images = sum(1 for i in range(start, start + 3)
                 for obj in doc[i].get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE)
    assert images >= len(with_chart.charts)


def test_text_taller_than_a_page_still_renders(ctx):
    action = ctx.actions[0]
    review = dataclasses.replace(action.reviews[0], narrative="long review " * 3000) if action.reviews else None
    giant = dataclasses.replace(action, title="very long title " * 250, reviews=[review] if review else [])
    evil = dataclasses.replace(ctx, groups=[dataclasses.replace(g, statements=[dataclasses.replace(
        s, actions=[giant if a.id == action.id else a for a in s.actions]) for s in g.statements])
        for g in ctx.groups])
    body = render_body(evil, exhibit_pages=None, theme=THEME)
    doc = pdfium.PdfDocument(body.pdf)
    assert "very long title" in doc[body.anchors[action.anchor] - 1].get_textpage().get_text_range()


def test_a_body_laid_out_in_a_child_process_is_the_same_body(ctx, built, monkeypatch, tmp_path):
    """A large pack's body is laid out in a process of its own (its memory goes back when it exits): same bytes.
    Only its page numbers come back through the pipe; the body itself comes by a file in the scratch folder,
    read once the child has gone, and the folder is left as it was."""
    import concurrent.futures

    from compiler.packs import cqc
    from compiler.render.pdf import bundle

    results = []

    class Pool(concurrent.futures.ProcessPoolExecutor):
        def submit(self, *args, **kwargs):
            future = super().submit(*args, **kwargs)
            results.append(future)
            return future

    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", Pool)
    monkeypatch.setattr(bundle, "SEPARATE_PROCESS_FROM", 0)
    laid = bundle.lay_out(recipe(ctx), _exhibits(ctx), theme=THEME, scratch=tmp_path)
    assert len(results) == 1 and results[0].exception() is None       # laid out in the child, not here
    pages, anchors, parts = results[0].result()
    assert (pages, anchors, parts) == (laid.body.pages, laid.body.anchors, len(laid.body.parts))
    assert list(tmp_path.iterdir()) == []
    apart = cqc.bundle(ctx, laid, THEME)
    assert apart.pdf == built.pdf and apart.pages == built.pages
    assert build_bundle(ctx, _exhibits(ctx), theme=THEME).pdf == built.pdf   # no scratch given


def test_a_bundle_written_into_a_file_is_the_bundle(ctx, built, tmp_path):
    with open(tmp_path / "bundle.pdf", "xb") as handle:
        written = build_bundle(ctx, _exhibits(ctx), theme=THEME, into=handle)
    assert written.pdf is None and written.pages == built.pages
    assert (tmp_path / "bundle.pdf").read_bytes() == built.pdf


def test_kept_body_parts_are_reused_only_for_the_same_inputs_and_page_numbers(ctx, tmp_path, monkeypatch):
    """A later build takes a part of the body from the cache only while it is made from the same inputs and
    prints the same page numbers; whatever it takes, the body is the one a build without a cache lays out."""
    import dataclasses

    from compiler.render.pdf import layout as pdf_mod
    from evidence_store.cache import open_cache
    from evidence_store.shelf import Shelf

    def body(context, cached=True, shift=0):
        """One build's body: the cache is opened for it and closed (written) after it, as a build does."""
        pm = PageMap(anchors={}, exhibits={e.number: (100 + shift + i, 100 + shift + i) for i, e in
                                           enumerate(context.exhibits)}, total=200 + shift)
        store = open_cache(tmp_path / "cache") if cached else None
        try:
            return pdf_mod.converge(context.head, THEME, story.parts(context, theme_key(THEME)),
                                    lambda pages, anchors: pm, store=Shelf(store, pdf_mod.PART_KIND, recipe(context).version))
        finally:
            if store is not None:
                store.close()

    laid = []
    real = pdf_mod._lay_out_part

    def counting(*args, **kwargs):
        laid.append(args[2].key)
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf_mod, "_lay_out_part", counting)
    first = body(ctx)
    laid.clear()
    assert body(ctx).parts == first.parts and laid == []                   # every part from the cache
    retitled = dataclasses.replace(ctx, head=dataclasses.replace(ctx.head, title="Oakview restrictive practice plan, revised"))
    assert body(retitled).parts == body(retitled, cached=False).parts    # every page prints the title
    moved = body(ctx, shift=7)                                            # exhibit pages moved on by 7
    assert moved.parts == body(ctx, cached=False, shift=7).parts != first.parts
