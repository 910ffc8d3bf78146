"""Rendering a docxtpl template (layout only, editable in Word) with a pack's Word view, deterministically.

User text is data, never template source: it reaches the template as a value, is XML-escaped, has its
braces written as character references (docxtpl rewrites `{_{` to `{{` after rendering) and shows any
character XML cannot hold as U+FFFD. Helper objects (compiler.render.docx.ooxml) pass as they are.
Then the document is fitted to its page (compiler.render.docx.tables, .furniture): table columns sized from
their content, RAG cells shaded, no empty page after a last table, headers and footers on one line. The saved package has fixed zip entry
order and times and core properties written from the as-of date, so the same view gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, TemplateError
from lxml import etree
from markupsafe import Markup

from compiler.errors import SgpackError
from compiler.render.docx.furniture import fit_part
from compiler.render.docx.measure import NS, Styles, parse
from compiler.render.docx.tables import body_tables, end_after_table, fit_table, shade_rag_cells, text_width
from compiler.render.escape import clean, xml_text

View = dict[str, Any] | Callable[[DocxTemplate], dict[str, Any]]


def _finalize(value: Any) -> Any:
    """Every `{{ value }}` in the template: helper objects pass; everything else is text."""
    if hasattr(value, "__html__"):
        return value
    return Markup(xml_text(value))


def image(tpl: DocxTemplate | None, png: bytes | None, width_mm: float) -> Any:
    """A PNG for the template, `width_mm` wide; "" when there is none (or no template to place it in)."""
    if png is None or tpl is None:
        return ""
    from docx.shared import Mm

    return InlineImage(tpl, io.BytesIO(png), width=Mm(width_mm))


def render_template(source: Path | Traversable, view: View, *, title: str, as_of_iso: str) -> bytes:
    """Render `source` with `view` (a dict, or a function of the template for views that place images)."""
    if not source.is_file():
        raise SgpackError(f"no {source.name} in the templates folder", file=str(source))
    tpl = DocxTemplate(io.BytesIO(source.read_bytes()))
    env = Environment(autoescape=True, finalize=_finalize)
    try:
        tpl.render(view(tpl) if callable(view) else view, jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise SgpackError(f"template error: {exc}", file=str(source)) from exc
    out = io.BytesIO()
    tpl.save(out)
    return normalise_docx(fit_docx(out.getvalue()), title=title, as_of_iso=as_of_iso)


def fit_docx(data: bytes) -> bytes:
    """The document fitted to its page: tables sized from their content, RAG cells shaded, no empty page after
    a last table, each header and footer line on one line."""
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = {info.filename: zin.read(info) for info in zin.infolist()}
    document = entries.get("word/document.xml")
    if document is None:
        return data
    styles = Styles.parse(entries.get("word/styles.xml"))
    root = parse(document)
    body = root.find("w:body", NS)
    page = text_width(body.find("w:sectPr", NS)) if body is not None else None
    if body is not None:
        for table, width in body_tables(body):
            if width or page:
                fit_table(table, width or page, styles)
        shade_rag_cells(body, styles)
        end_after_table(body)
    entries["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    if page:
        for name in [n for n in entries if re.fullmatch(r"word/(header|footer)\d*\.xml", n)]:
            entries[name] = fit_part(entries[name], page, styles)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, content in entries.items():
            zout.writestr(name, content)
    return out.getvalue()


def core_properties_xml(title: str, when: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(clean(title))}</dc:title><dc:creator>sgpack</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>").encode("utf-8")


_CORE_REL = re.compile(rb'Type="[^"]*/metadata/core-properties"')
_TARGET = re.compile(rb'Target="/?([^"]+)"')


def normalise_docx(data: bytes, *, title: str, as_of_iso: str) -> bytes:
    """Same content, same bytes: fixed entry order and times, core properties from the as-of date. Works for
    any Office package (the spreadsheets sgpack writes too)."""
    when = f"{dt.date.fromisoformat(as_of_iso).isoformat()}T00:00:00Z"
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        entries = {name: zin.read(name) for name in zin.namelist()}
    core_name = "docProps/core.xml"
    for rel in re.findall(rb"<Relationship [^>]*>", entries.get("_rels/.rels", b"")):
        if _CORE_REL.search(rel) and (target := _TARGET.search(rel)):
            core_name = target.group(1).decode()
    if core_name in entries:
        entries[core_name] = core_properties_xml(title, when)
    first = ["[Content_Types].xml", "_rels/.rels"]
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, entries[name], compresslevel=6)
    return out.getvalue()
