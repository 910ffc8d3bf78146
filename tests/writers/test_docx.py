"""The Word pack: structure read back with python-docx, zipfile and lxml (bytes only for determinism)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import io
import re
import zipfile
from pathlib import Path

import docx
import pytest
from lxml import etree

from compiler import pipeline
from compiler.errors import SgpackError
from compiler.packs.assemble import assemble
from compiler.packs.profiles import load_profile
from compiler.packs.cqc import with_charts
from compiler.packs.cqc.word import build_view
from compiler.render.docx.template import render_template
from compiler.render.pdf.pages import PageMap
from compiler.render.theme import load_theme
from compiler.views.common import Options
from compiler.views.cqc import SECTIONS as CQC_SECTIONS
from compiler.views.cqc import CqcView as PackContext
from compiler.views.cqc import cqc_view
from compiler.views.words import Block

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
BOOKMARK = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")
HOSTILE = ["{{ config }}", "{% for x in y %}{% endfor %}", "<script>alert(1)</script>",
           '<img src="file:///etc/passwd">', "</w:t><w:t>injected", "{_{ x }_} & 100% {{r y }}"]


@pytest.fixture(scope="module")
def ctx() -> PackContext:
    assessment = pipeline.check([str(ROOT / "examples/plans")], str(ROOT / "examples/evidence"),
                                dt.date(2026, 11, 20))
    return with_charts(cqc_view(assemble(assessment, load_profile("cqc")), Options()), load_theme())


def render_docx(ctx: PackContext, pages: PageMap, *, template_dir: Path) -> bytes:
    """The CQC Word pack as the pack renders it: its Word view through the template in `template_dir`."""
    return render_template(template_dir / "cqc.docx", lambda tpl: build_view(ctx, pages, tpl),
                           title=ctx.head.title, as_of_iso=ctx.head.as_of_iso)


def page_map(ctx: PackContext) -> PageMap:
    """A hand-made PageMap like the PDF bundle's: sections, actions, then the exhibits."""
    anchors = {anchor: 3 + i for i, (anchor, _) in enumerate(CQC_SECTIONS)}
    for i, action in enumerate(ctx.actions):
        anchors[action.anchor] = 12 + 2 * i
    exhibits, page = {}, 12 + 2 * len(ctx.actions)
    for i, row in enumerate(ctx.exhibits):
        last = page + i % 3                   # 1–3 pages each, so both "p." and "pp." occur
        exhibits[row.number] = (page, last)
        anchors[row.anchor] = page
        page = last + 1
    return PageMap(anchors=anchors, exhibits=exhibits, total=page - 1)


@pytest.fixture(scope="module")
def pages(ctx) -> PageMap:
    return page_map(ctx)


@pytest.fixture(scope="module")
def rendered(ctx, pages) -> bytes:
    return render_docx(ctx, pages, template_dir=TEMPLATES)


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))     # strict parse: the XML is well formed


def text_of(el) -> str:
    return "".join(t.text or "" for t in el.iter(f"{{{W}}}t"))


def paragraphs(data: bytes) -> list[tuple[str, str]]:
    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs]


def test_outline_sections_and_actions_in_order(ctx, rendered):
    paras = paragraphs(rendered)
    assert paras[1] == ("Title", ctx.head.title)
    assert [t for s, t in paras if s == "Heading 1"] == [heading for _, heading in CQC_SECTIONS]
    ordered = [a for g in ctx.groups for st in g.statements for a in st.actions]
    assert [t for s, t in paras if s == "Heading 4"] == [f"{a.id} {a.title}" for a in ordered]
    assert {a.id for a in ordered} == {a.id for a in ctx.actions}
    assert [t for s, t in paras if s == "Heading 2"] == [g.name for g in ctx.groups]
    assert not [p for p in paras if "{{" in p[1] or "{%" in p[1]]


def test_every_link_lands_on_a_valid_unique_bookmark(ctx, rendered):
    body = part(rendered, "word/document.xml")
    starts = body.findall(".//w:bookmarkStart", NS)
    names = [b.get(f"{{{W}}}name") for b in starts]
    assert all(BOOKMARK.match(n) for n in names), names
    assert len(names) == len(set(names))
    ids = [b.get(f"{{{W}}}id") for b in starts]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == sorted(e.get(f"{{{W}}}id") for e in body.findall(".//w:bookmarkEnd", NS))
    expected = {a for a, _ in CQC_SECTIONS} | {a.anchor for a in ctx.actions} | {e.anchor for e in ctx.exhibits}
    assert expected <= set(names)
    anchors = [h.get(f"{{{W}}}anchor") for h in body.findall(".//w:hyperlink", NS)]
    assert anchors and set(anchors) <= set(names)
    assert not body.findall(".//w:hyperlink[@r:id]", {**NS, "r": "http://schemas.openxmlformats.org/"
                                                       "officeDocument/2006/relationships"})


def test_contents_lines_are_links_with_no_page_numbers(ctx, pages, rendered):
    body = part(rendered, "word/document.xml")
    toc = [p for p in body.iter(f"{{{W}}}p")
           if p.find("w:pPr/w:pStyle", NS) is not None
           and p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val") in ("TOC1", "TOC2", "TOC3", "TOC4")]
    headings = {a: h for a, h in CQC_SECTIONS} | {a.anchor: f"{a.id} {a.title}" for a in ctx.actions} | \
        {g.anchor: g.name for g in ctx.groups} | {st.anchor: st.name for g in ctx.groups for st in g.statements}
    seen = []
    for p in toc:
        link = p.find(".//w:hyperlink", NS)
        anchor = link.get(f"{{{W}}}anchor")
        assert link.find(".//w:tab", NS) is None
        assert text_of(p) == headings[anchor], (anchor, text_of(p))      # the PDF's page is not written in
        seen.append(anchor)
    ordered = []            # each key question, then each of its statements and the actions shown in full under it
    for g in ctx.groups:
        ordered.append(g.anchor)
        for st in g.statements:
            ordered += [st.anchor] + [a.anchor for a in st.actions]
    sections = [a for a, _ in CQC_SECTIONS]
    assert seen == sections[:2] + ordered + sections[2:]


def test_evidence_index_has_each_exhibit_once_with_its_page_range(ctx, pages, rendered):
    body = part(rendered, "word/document.xml")
    rows = {}
    for tr in body.iter(f"{{{W}}}tr"):
        marks = [b.get(f"{{{W}}}name") for b in tr.findall(".//w:bookmarkStart", NS)]
        if marks and marks[0].startswith("ex_"):
            assert marks[0] not in rows
            rows[marks[0]] = tr
    assert list(rows) == [e.anchor for e in ctx.exhibits]
    for row in ctx.exhibits:
        cells = [text_of(tc) for tc in rows[row.anchor].findall("w:tc", NS)]
        assert cells[0] == row.number
        assert row.basis and row.basis in cells[1]          # how it is dated and linked, in the reader's words
        assert cells[5] == pages.exhibit_pages(row.number)
        links = [h.get(f"{{{W}}}anchor") for h in rows[row.anchor].findall(".//w:hyperlink", NS)]
        assert links == [anchor for _, anchor in row.actions]


def test_exhibit_references_name_their_bundle_pages(pages, rendered):
    body = part(rendered, "word/document.xml")
    refs = 0
    for link in body.findall(".//w:hyperlink", NS):
        anchor = link.get(f"{{{W}}}anchor")
        text = text_of(link).replace("\u00a0", " ")
        if anchor.startswith("ex_"):
            number, where = re.fullmatch(r"(E-\d{3}) \(bundle (pp?\. \d+(?:–\d+)?)\)", text).groups()
            assert anchor == "ex_" + number.replace("-", "")
            assert where == pages.exhibit_pages(number)
            refs += 1
    assert refs > 50


def test_hostile_user_text_prints_literally(ctx, pages):
    action = ctx.actions[0]
    hostile_action = dataclasses.replace(
        action, title="Title " + HOSTILE[0], owner=HOSTILE[2],
        narrative=[Block("p", s) for s in HOSTILE] + [Block("li", HOSTILE[1]), Block("h", HOSTILE[3])])
    groups = [dataclasses.replace(g, statements=[dataclasses.replace(
        st, actions=[hostile_action if a.id == action.id else a for a in st.actions]) for st in g.statements])
        for g in ctx.groups]
    exhibits = [dataclasses.replace(ctx.exhibits[0], title=HOSTILE[3] + " {{ e }}")] + ctx.exhibits[1:]
    hostile = dataclasses.replace(ctx, groups=groups, exhibits=exhibits,
                                  head=dataclasses.replace(ctx.head, provider="Care & Co {{ provider }}"),
                                  actions=[hostile_action if a.id == action.id else a for a in ctx.actions])
    data = render_docx(hostile, pages, template_dir=TEMPLATES)
    body = part(data, "word/document.xml")          # well formed, or this raises
    assert not [el for el in body.iter() if isinstance(el.tag, str) and el.tag.split("}")[-1] in ("script", "img")]
    texts = [text_of(p) for p in body.iter(f"{{{W}}}p")]
    for s in HOSTILE:
        assert s in texts, s
    assert f"{action.id} Title {HOSTILE[0]}" in texts
    assert HOSTILE[3] + " {{ e }}" in "\n".join(texts)
    header = text_of(part(data, "word/header1.xml"))
    assert "Care & Co {{ provider }}" in header
    leftover = "\n".join(texts + [header, text_of(part(data, "word/footer1.xml"))])
    for s in sorted(HOSTILE + ["{{ e }}", "{{ provider }}"], key=len, reverse=True):
        leftover = leftover.replace(s, "")
    assert "{{" not in leftover and "{%" not in leftover and "{_{" not in leftover


def test_header_has_classification_and_footer_page_fields(ctx, rendered):
    header = part(rendered, "word/header1.xml")
    assert ctx.head.classification in text_of(header)
    footer = part(rendered, "word/footer1.xml")
    instructions = [t.text.strip() for t in footer.iter(f"{{{W}}}instrText")]
    instructions += [f.get(f"{{{W}}}instr").strip() for f in footer.iter(f"{{{W}}}fldSimple")]
    assert "PAGE" in instructions and "NUMPAGES" in instructions
    assert "{{" not in text_of(header) + text_of(footer)


def test_page_is_a4_with_named_styles(rendered):
    document = docx.Document(io.BytesIO(rendered))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    ids = {s.style_id for s in document.styles}
    assert {"Title", "Heading1", "Heading2", "Heading3", "Heading4", "Small", "PackTable", "InternalLink",
            "RagRed", "RagAmber", "RagGreen", "RagBlue", "RagNone", "TOC1", "TOC2", "TOCHeading"} <= ids


def test_two_renders_are_byte_identical_with_fixed_metadata(ctx, pages, rendered):
    assert render_docx(ctx, pages, template_dir=TEMPLATES) == rendered
    with zipfile.ZipFile(io.BytesIO(rendered)) as z:
        infos = z.infolist()
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert infos[0].filename == "[Content_Types].xml"
        assert not [i.filename for i in infos if "comments" in i.filename]
    core = docx.Document(io.BytesIO(rendered)).core_properties
    assert core.title == ctx.head.title and core.author == "sgpack"
    assert core.created.date().isoformat() == ctx.head.as_of_iso == core.modified.date().isoformat()
    assert not core.last_modified_by


def test_charts_are_embedded_as_png_images(ctx, rendered):
    charts = sum(len(a.charts) for a in ctx.actions)
    assert charts > 0
    with zipfile.ZipFile(io.BytesIO(rendered)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
    assert media
    body = part(rendered, "word/document.xml")
    assert len(body.findall(".//w:drawing", NS)) == charts


def test_without_charts_there_are_no_images(ctx, pages):
    plain = dataclasses.replace(ctx, actions=[dataclasses.replace(a, charts=[]) for a in ctx.actions],
                                groups=[dataclasses.replace(g, statements=[dataclasses.replace(
                                    st, actions=[dataclasses.replace(a, charts=[]) for a in st.actions])
                                    for st in g.statements]) for g in ctx.groups])
    data = render_docx(plain, pages, template_dir=TEMPLATES)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def test_missing_template_is_a_user_error(ctx, pages, tmp_path):
    with pytest.raises(SgpackError, match="cqc.docx"):
        render_docx(ctx, pages, template_dir=tmp_path)


def test_shipped_template_is_the_generator_output(tmp_path):
    spec = importlib.util.spec_from_file_location("make_templates", TEMPLATES / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    first = module.make(tmp_path)[0].read_bytes()
    assert module.make(tmp_path)[0].read_bytes() == first
    # compare the parts the generator writes, not zip bytes: a newer python-docx may change its
    # default styles without the template being out of date
    import io
    import zipfile

    def parts(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist()
                    if n == "word/document.xml" or n.startswith(("word/header", "word/footer"))}

    shipped = parts((TEMPLATES / "cqc.docx").read_bytes())
    assert shipped and shipped == parts(first), "run: python templates/make_templates.py"
