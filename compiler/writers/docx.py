"""The Word pack: the ONE view model (`context.PackContext`) rendered through a docxtpl template.

The template (`cqc.docx`, made by `templates/make_templates.py` or supplied by a provider) holds
layout only: styles, tables, loops and conditions. Every value it sees is decided here:
plain strings (escaped by Jinja's autoescape) or small `RichText` objects whose raw run-level
OOXML is built from escaped parts — internal hyperlinks (`w:hyperlink w:anchor`), bookmarks
(`w:bookmarkStart/End`) and RAG chips (character styles). docxtpl has no internal links of its own.

User text is data, never template source: it goes through Jinja as a value, is XML-escaped, has
its braces written as character references (docxtpl rewrites `{_{` to `{{` after rendering), and
loses characters XML cannot hold. Page numbers come from the PDF bundle's `PageMap` and are
written in, so Word and LibreOffice show them with no field update.

Output is deterministic: fixed zip entry order and times, core properties from the as-of date.
"""
from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText
from jinja2 import Environment, TemplateError
from markupsafe import Markup

from compiler.errors import SgpackError
from compiler.writers.context import CQC_SECTIONS, RAG_WORDS, FindingView, PackContext, PageMap

TEMPLATE_NAME = "cqc.docx"
CHART_WIDTH_MM = 160

# Character and paragraph style ids the helpers refer to; make_templates.py defines them.
# A provider's own template may lack them: Word then falls back to the paragraph's font.
LINK_STYLE = "InternalLink"
CHIP_STYLES = {"red": "RagRed", "amber": "RagAmber", "green": "RagGreen", "blue": "RagBlue", None: "RagNone"}
CHIP_WORDS = {**RAG_WORDS, "blue": "Blue"}
REQ_CHIPS = {"met": "green", "missing": "red", "insufficient": "amber", "stale": "amber"}
CLOSURE_CHIPS = {"pass": ("green", "Pass"), "fail": ("red", "Fail"), "n/a": (None, "n/a")}
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Info"}
BOOKMARK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")

# Characters XML 1.0 cannot hold; docxtpl would also turn \a and \f into paragraph and page breaks.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BRACES = {"{": "&#123;", "}": "&#125;", "%": "&#37;"}


def xml_text(value: object) -> str:
    """User text as the content of a `w:t`: escaped, braces as character references."""
    text = _INVALID_XML.sub("", "" if value is None else str(value))
    return re.sub(r"[{}%]", lambda m: _BRACES[m.group()], escape(text))


def _finalize(value: Any) -> Any:
    """Every `{{ value }}` in the template: helper objects pass; everything else is text."""
    if hasattr(value, "__html__"):
        return value
    return Markup(xml_text(value))


# ---------------------------------------------------------------------------------------------
# Run-level OOXML helpers (RichText subclasses, inserted with `{{r value }}`)


class Ooxml(RichText):
    """Raw run-level OOXML built only by the functions below, from escaped parts."""

    def __init__(self, xml: str = "") -> None:
        self.xml = xml

    def __add__(self, other: Ooxml) -> Ooxml:
        return Ooxml(self.xml + other.xml)

    def __bool__(self) -> bool:
        return bool(self.xml)


def run(text: object, style: str | None = None) -> Ooxml:
    props = f'<w:rPr><w:rStyle w:val="{style}"/></w:rPr>' if style else ""
    return Ooxml(f'<w:r>{props}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>')


def tab() -> Ooxml:
    return Ooxml("<w:r><w:tab/></w:r>")


def link(anchor: str, content: Ooxml | str) -> Ooxml:
    """An internal hyperlink to a bookmark in this document."""
    inner = content if isinstance(content, Ooxml) else run(content, LINK_STYLE)
    return Ooxml(f'<w:hyperlink w:anchor={quoteattr(anchor)} w:history="1">{inner.xml}</w:hyperlink>')


def join(parts: list[Ooxml], sep: str = ", ") -> Ooxml:
    out = Ooxml()
    for i, part in enumerate(parts):
        if i:
            out += run(sep)
        out += part
    return out


def chip(rag: str | None, word: str | None = None) -> Ooxml:
    return run(f"\u00a0{word or CHIP_WORDS.get(rag, '—')}\u00a0", CHIP_STYLES.get(rag, CHIP_STYLES[None]))


@dataclass
class Bookmarks:
    """Hands out bookmark ids in document order; refuses names Word would reject or repeat."""
    next_id: int = 100
    names: set[str] = field(default_factory=set)

    def wrap(self, name: str, content: Ooxml | str) -> Ooxml:
        if not BOOKMARK_NAME.match(name) or name in self.names:
            raise ValueError(f"bad or repeated Word bookmark name {name!r}")
        self.names.add(name)
        inner = content if isinstance(content, Ooxml) else run(content)
        ident, self.next_id = self.next_id, self.next_id + 1
        return Ooxml(f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>{inner.xml}'
                     f'<w:bookmarkEnd w:id="{ident}"/>')


# ---------------------------------------------------------------------------------------------
# The template's view of the pack


def _page(pages: PageMap, anchor: str) -> str:
    page = pages.anchors.get(anchor)
    return "" if page is None else str(page)


def _exhibit_link(pages: PageMap, number: str, anchor: str) -> Ooxml:
    """`E-012 (p. 47)`, linked to the evidence index row."""
    span = pages.exhibits.get(number)
    text = f"{number} (p. {span[0]})" if span else number
    return link(anchor, text)


def _exhibit_links(pages: PageMap, refs) -> Ooxml:
    return join([_exhibit_link(pages, r.number, r.anchor) for r in refs])


def _finding(f: FindingView, action_anchors: dict[str, str]) -> dict[str, Any]:
    subject = link(action_anchors[f.subject], f.subject) if f.subject in action_anchors else run(f.subject)
    return {"rule": f.rule, "name": f.name, "severity": SEVERITY_WORDS.get(f.severity, f.severity),
            "subject": subject, "message": f.message, "hint": f.hint, "location": f.location,
            "waiver_reason": f.waiver_reason or ""}


def _summary_row(s, pages: PageMap) -> dict[str, Any]:
    return {"id": link(s.anchor, s.id), "title": s.title, "owner": s.owner, "risk": s.risk.capitalize(),
            "due": s.due, "declared": chip(s.declared_rag), "assessed": chip(s.assessed_rag),
            "ready": "Yes" if s.closure_ready else "No", "overdue": "Overdue" if s.overdue else "",
            "page": _page(pages, s.anchor)}


def build_view(ctx: PackContext, pages: PageMap, tpl: DocxTemplate | None = None) -> dict[str, Any]:
    """Everything the template shows, formatted. `tpl` is needed only for chart images."""
    marks = Bookmarks()
    action_anchors = {a.id: a.anchor for a in ctx.actions}

    contents = []
    sections = {}
    for anchor, heading in CQC_SECTIONS:
        contents.append({"level": 1, "line": link(anchor, run(heading, LINK_STYLE) + tab()
                                                   + run(_page(pages, anchor), LINK_STYLE))})
        sections[anchor] = marks.wrap(anchor, heading)
        if anchor == "sec_actions":
            for group in ctx.groups:
                for statement in group.statements:
                    for a in statement.actions:
                        contents.append({"level": 2, "line": link(a.anchor, run(f"{a.id} {a.title}", LINK_STYLE)
                                                                   + tab() + run(_page(pages, a.anchor), LINK_STYLE))})

    def action(a) -> dict[str, Any]:
        charts = []
        for c in a.charts:
            image = InlineImage(tpl, io.BytesIO(c.png), width=Mm(CHART_WIDTH_MM)) if tpl is not None else ""
            source = (run("Source: ") + _exhibit_link(pages, c.exhibit.number, c.exhibit.anchor)
                      + run(f" {c.exhibit.title}")) if c.exhibit else run("")
            charts.append({"title": c.title, "image": image, "explanation": c.explanation, "source": source})
        return {
            "id": a.id, "heading": marks.wrap(a.anchor, f"{a.id} {a.title}"), "page": _page(pages, a.anchor),
            "title": a.title, "plan": f"{a.plan_id} {a.plan_title}", "service": a.service, "kind": a.kind,
            "risk": a.risk.capitalize(), "owner": a.owner, "opened": a.opened, "due": a.due, "status": a.status,
            "declared": chip(a.declared_rag), "assessed": chip(a.assessed_rag), "rag_reasons": a.rag_reasons,
            "closure_ready": "Yes: every closure test passes" if a.closure_ready else "No",
            "narrative": [{"kind": b.kind, "text": b.text} for b in a.narrative],
            "requirements": [{"label": r.label, "note": r.note, "counts": r.counts,
                              "status": chip(REQ_CHIPS.get(r.status), r.status_text),
                              "exhibits": _exhibit_links(pages, r.exhibits),
                              "unreadable": ("Unreadable: " + ", ".join(r.unreadable)) if r.unreadable else ""}
                             for r in a.requirements],
            "closure": [{"name": c.name, "result": chip(*CLOSURE_CHIPS.get(c.result, (None, c.result))),
                         "reason": c.reason, "exhibits": _exhibit_links(pages, c.exhibits)} for c in a.closure],
            "charts": charts,
            "reviews": [{"date": r.date, "forum": r.forum, "rag": r.rag, "narrative": r.narrative} for r in a.reviews],
            "findings": [_finding(f, action_anchors) for f in a.findings],
        }

    groups = [{"name": g.name,
               "statements": [{"name": s.name, "actions": [action(a) for a in s.actions]} for s in g.statements]}
              for g in ctx.groups]

    exhibits = [{"number": marks.wrap(e.anchor, e.number), "title": e.title, "type": e.type,
                 "category": e.category, "date": e.date,
                 "pages": pages.exhibit_pages(e.number) if e.number in pages.exhibits else "",
                 "actions": join([link(anchor, ident) for ident, anchor in e.actions]),
                 "sha_short": e.sha_short, "sha256": e.sha256, "path": e.path, "file_name": e.file_name}
                for e in ctx.exhibits]
    spans = [pages.exhibits[e.number] for e in ctx.exhibits if e.number in pages.exhibits]
    appendix_pages = f"pages {min(s[0] for s in spans)}–{max(s[1] for s in spans)}" if spans else ""

    summary = [_summary_row(s, pages) for s in ctx.summary]
    return {
        "pack": ctx.pack, "title": ctx.title, "audience": ctx.audience, "classification": ctx.classification,
        "provider": ctx.provider, "service": ctx.service, "as_of": ctx.as_of, "prepared_by": ctx.prepared_by,
        "tool_version": ctx.tool_version, "total_pages": str(pages.total),
        "plans": [{"id": p[0], "title": p[1], "service": p[2], "risk": p[3].capitalize()} for p in ctx.plans],
        "contents": contents, "sec": sections,
        "rag_table": [{"rag": chip(rag), "declared": str(d), "assessed": str(s)} for rag, d, s in ctx.rag_table],
        "counts": {"actions": str(len(ctx.actions)), "closure_ready": str(ctx.closure_ready),
                   "overstated": str(ctx.overstated), "exhibits": str(len(ctx.exhibits)),
                   "unreadable": str(len(ctx.unreadable)),
                   **{k: str(v) for k, v in ctx.findings_count.items()}},
        "summary": summary, "high_risk": [r for r, s in zip(summary, ctx.summary) if s.risk == "high"],
        "groups": groups, "exhibits": exhibits, "appendix_pages": appendix_pages,
        "gaps": [_finding(f, action_anchors) for f in ctx.gaps] + _personal_data_rows(ctx),
        "waivers": [_finding(f, action_anchors) for f in ctx.waivers],
        "unreadable": [{"id": i, "path": p, "reason": r} for i, p, r in ctx.unreadable],
    }


def _personal_data_rows(ctx: PackContext) -> list[dict[str, Any]]:
    """Personal-data scan hits as gap-report rows (the template's gap table shows them), values masked."""
    return [{"rule": "Personal data", "name": h.kind, "severity": "Warning", "subject": run(h.file),
             "message": f"{h.kind} {h.masked}" + (f" ({h.detail})" if h.detail else ""),
             "hint": "Check this personal data is needed before the pack is shared.", "location": h.location,
             "waiver_reason": ""}
            for h in ctx.personal_data or []]


# ---------------------------------------------------------------------------------------------
# Rendering and deterministic packaging


def render_docx(ctx: PackContext, pages: PageMap, *, template_dir: Path | Traversable) -> bytes:
    source = template_dir / TEMPLATE_NAME
    if not source.is_file():
        raise SgpackError(f"no {TEMPLATE_NAME} in the templates folder", file=str(template_dir))
    tpl = DocxTemplate(io.BytesIO(source.read_bytes()))
    env = Environment(autoescape=True, finalize=_finalize)
    try:
        tpl.render(build_view(ctx, pages, tpl), jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise SgpackError(f"template error: {exc}", file=str(source)) from exc
    out = io.BytesIO()
    tpl.save(out)
    return normalise_docx(out.getvalue(), title=ctx.title, as_of_iso=ctx.as_of_iso)


def core_properties_xml(title: str, when: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(_INVALID_XML.sub('', title))}</dc:title><dc:creator>sgpack</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{when}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{when}</dcterms:modified>'
        "</cp:coreProperties>").encode("utf-8")


_CORE_REL = re.compile(rb'Type="[^"]*/metadata/core-properties"')
_TARGET = re.compile(rb'Target="/?([^"]+)"')


def normalise_docx(data: bytes, *, title: str, as_of_iso: str) -> bytes:
    """Same content, same bytes: fixed entry order and times, core properties from the as-of date."""
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
