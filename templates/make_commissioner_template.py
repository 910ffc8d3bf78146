"""Generate the shipped commissioner Word template (`templates/commissioner.docx`) with python-docx.

Run from the repository root:  python templates/make_commissioner_template.py

Self-contained (it shares no code with make_templates.py, so the two can change apart). The output
is deterministic (fixed zip times and order, fixed core properties) and holds layout only: named
styles a provider can restyle in Word, A4 pages, a header with the classification, a footer
"page X of Y", and the docxtpl tags. Every value is prepared by compiler/writers/commissioner_docx.py;
`{{r x }}` marks a prepared run-level object (links, bookmarks). No comments, no hidden text, no
custom properties, no thumbnail.
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
FONT = "Arial"
TEXT = RGBColor(0x1D, 0x1D, 0x1B)
HEADING = RGBColor(0x00, 0x3A, 0x5D)
RULE = "B1B4B6"
LINK = RGBColor(0x1D, 0x70, 0xB8)
PAGE_W, PAGE_H, MARGIN = Mm(210), Mm(297), Mm(20)
TEXT_WIDTH = PAGE_W - 2 * MARGIN
CREATED = "2026-01-01T00:00:00Z"


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = FONT, Pt(10), TEXT
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 26), ("Subtitle", 16), ("Heading 1", 18), ("Heading 2", 14), ("Heading 3", 12)):
        style = styles[name]
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is not None:
            rpr.remove(fonts)
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), HEADING
        style.font.bold, style.font.italic = name != "Subtitle", False
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    styles["Heading 1"].paragraph_format.page_break_before = True

    def paragraph_style(name, size=None, bold=None):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
        style.quick_style = True
        if size:
            style.font.size = Pt(size)
        if bold is not None:
            style.font.bold = bold
        return style

    paragraph_style("Small", size=8.5).paragraph_format.space_after = Pt(0)
    paragraph_style("Table Text", size=9).paragraph_format.space_after = Pt(0)
    head = paragraph_style("Table Head", size=9, bold=True)
    head.paragraph_format.space_after = Pt(0)
    paragraph_style("Cover Label", size=12, bold=True).font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
    paragraph_style("Figure").paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    toc = paragraph_style("toc 1", bold=True)
    toc.paragraph_format.space_after = Pt(2)
    for name in ("Header", "Footer"):
        style = styles[name]
        style.font.size = Pt(8.5)
        tabs = style.element.pPr.find(qn("w:tabs"))
        if tabs is not None:
            style.element.pPr.remove(tabs)
        style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH // 2, WD_TAB_ALIGNMENT.CENTER)
        style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
    link = styles.add_style("Internal Link", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb, link.font.underline = LINK, True
    table = styles.add_style("Pack Table", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.element.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders></w:tblPr>"))
    table.element.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/></w:rPr>'
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E8ECEF"/></w:tcPr></w:tblStylePr>'))


def _field(paragraph, instr: str) -> None:
    def fld(kind):
        r = OxmlElement("w:r")
        c = OxmlElement("w:fldChar")
        c.set(qn("w:fldCharType"), kind)
        r.append(c)
        paragraph._p.append(r)
    fld("begin")
    r = OxmlElement("w:r")
    t = OxmlElement("w:instrText")
    t.set(qn("xml:space"), "preserve")
    t.text = f" {instr} "
    r.append(t)
    paragraph._p.append(r)
    fld("separate")
    paragraph.add_run("1")
    fld("end")


def _page_setup(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.text = "{{ provider }}\t\t"
    header.add_run("{{ classification }}").bold = True
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.add_run("{{ title }} · as of {{ as_of }}\t\tpage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


class Body:
    def __init__(self, doc):
        self.doc = doc

    def p(self, text: str = "", style: str = "Normal"):
        return self.doc.add_paragraph(text, style=style)

    def tag(self, tag: str):
        return self.doc.add_paragraph("{%p " + tag + " %}")

    def table(self, headers: list[str], cells: list, widths: list[int], loop: str):
        table = self.doc.add_table(rows=4, cols=len(headers))
        table.style = self.doc.styles["Pack Table"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for i, (text, cell) in enumerate(zip(headers, cells)):
            self._cell(table.rows[0].cells[i], [(text, "Table Head")])
            self._cell(table.rows[2].cells[i], [(cell, "Table Text")] if isinstance(cell, str) else cell)
        self._cell(table.rows[1].cells[0], [("{%tr for " + loop + " %}", "Table Text")])
        self._cell(table.rows[3].cells[0], [("{%tr endfor %}", "Table Text")])
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Mm(width)
        self.p("", "Small")

    @staticmethod
    def _cell(cell, paragraphs):
        for n, (text, style) in enumerate(paragraphs):
            paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
            paragraph.style = style
            paragraph.add_run(text)

    def key_values(self, rows: list[tuple[str, str]]):
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = self.doc.styles["Pack Table"]
        table.autofit = False
        for row, (key, value) in zip(table.rows, rows):
            self._cell(row.cells[0], [(key, "Table Head")])
            self._cell(row.cells[1], [(value, "Table Text")])
            row.cells[0].width, row.cells[1].width = Mm(45), Mm(125)
        self.p("", "Small")


def commissioner(doc) -> None:
    b = Body(doc)
    b.p("{{ classification }}", "Cover Label")
    b.p("{{ title }}", "Title")
    b.p("{{ provider }}", "Subtitle")
    b.key_values([("Service", "{{ service }}"), ("As of", "{{ as_of }}"), ("Prepared for", "{{ audience }}"),
                  ("Prepared by", "{{ prepared_by }}")])
    b.p("People who use services are shown as keyed pseudonyms. Counts below 5 are shown as “<5”. "
        "The data-protection section at the end says what was done and on what lawful basis.", "Small")
    b.p("Contents", "Heading 2")
    b.tag("for c in contents")
    b.p("{{r c.line }}", "toc 1")
    b.tag("endfor")

    b.tag("for c in contracts")
    b.p("{{r c.heading }}", "Heading 1")
    b.p("Plan progress", "Heading 2")
    b.table(["Plan", "Service", "Risk", "Actions", "Status", "Assessed RAG", "Overdue", "Ready"],
            [[("{{ p.id }} {{ p.title }}", "Table Text"), ("{{ p.origin }}", "Small")], "{{ p.service }}",
             "{{ p.risk }}", "{{ p.actions }}", "{{ p.statuses }}", "{{ p.rags }}", "{{ p.overdue }}",
             "{{ p.ready }}"], [46, 24, 14, 14, 26, 24, 12, 12], loop="p in c.plans")
    b.p("Indicators", "Heading 2")
    b.tag("if c.indicators")
    b.table(["Indicator", "Latest period", "Latest value", "Target", "SPC signal"],
            [[("{{ i.title }}", "Table Text"), ("{{ i.where }}", "Small")], "{{ i.period }}", "{{ i.value }}",
             "{{ i.target }}", "{{ i.signal }}"], [62, 24, 24, 18, 44], loop="i in c.indicators")
    b.tag("for i in c.indicators")
    b.p("{{ i.title }}", "Heading 3")
    b.tag("if i.image")
    b.p("{{ i.image }}", "Figure")
    b.tag("else")
    b.p("{{ i.note }}", "Small")
    b.tag("endif")
    b.p("{{ i.explanation }}", "Small")
    b.p("Latest quarter: {{ i.quarter }}.", "Small")
    b.p("Source data: {{ i.source }}.", "Small")
    b.tag("endfor")
    b.tag("else")
    b.p("No indicators are linked to these plans' actions.")
    b.tag("endif")
    b.p("Actions overdue", "Heading 2")
    b.tag("if c.overdue")
    b.table(["Action", "Title", "Owner", "Due", "Days over", "Status", "Assessed"],
            ["{{ o.id }}", "{{ o.title }}", "{{ o.owner }}", "{{ o.due }}", "{{ o.days }}", "{{ o.status }}",
             "{{ o.rag }}"], [16, 56, 30, 22, 14, 16, 18], loop="o in c.overdue")
    b.tag("else")
    b.p("No action is overdue.")
    b.tag("endif")
    b.p("Closures and the evidence behind them", "Heading 2")
    b.tag("if c.closures")
    b.tag("for cl in c.closures")
    b.p("{{ cl.id }} {{ cl.title }}: {{ cl.state }}", "Heading 3")
    b.table(["Closure test", "Result", "Reason"], ["{{ t.name }}", "{{ t.result }}", "{{ t.reason }}"],
            [44, 16, 110], loop="t in cl.criteria")
    b.table(["Evidence", "Title", "Date"], ["{{ e.id }}", "{{ e.title }}", "{{ e.date }}"], [56, 90, 24],
            loop="e in cl.evidence")
    b.tag("endfor")
    b.tag("else")
    b.p("No action is closed or ready to close.")
    b.tag("endif")
    b.p("Remedial action plan (PAMMS format)", "Heading 2")
    b.table(["Issue", "Action", "Named person", "Timeline", "Status and latest update"],
            ["{{ r.issue }}", "{{ r.id }} {{ r.action }}", "{{ r.person }}", "{{ r.timeline }}",
             [("{{ r.status }}", "Table Text"), ("{{ r.latest }}", "Small")]], [30, 50, 26, 26, 38],
            loop="r in c.pamms")
    b.tag("endfor")

    b.p("{{r dp_heading }}", "Heading 1")
    b.key_values([("Purpose", "{{ dp.purpose }}"), ("Lawful basis (Article 6)", "{{ dp.lawful_basis }}"),
                  ("Condition (Article 9)", "{{ dp.condition }}"), ("Recipient", "{{ dp.recipient }}"),
                  ("Approved by", "{{ dp.approved_by }}")])
    b.p("Pseudonymised", "Heading 2")
    b.table(["What", "Count"], ["{{ x.what }}", "{{ x.count }}"], [120, 50], loop="x in dp.pseudonymised")
    b.p("Small numbers suppressed", "Heading 2")
    b.table(["What", "Count or metrics"], ["{{ x.what }}", "{{ x.count }}"], [80, 90], loop="x in dp.suppressed")
    b.p("How", "Heading 2")
    b.tag("for rule in dp.rules")
    b.p("{{ rule }}", "List Bullet")
    b.tag("endfor")
    b.p("Personal-data scan of this pack", "Heading 2")
    b.tag("if dp.override")
    b.p("Personal data allowed: {{ dp.override }}")
    b.tag("endif")
    b.tag("if dp.hits")
    b.table(["Level", "File", "Location", "Kind", "Value (masked)"],
            ["{{ h.level }}", "{{ h.file }}", "{{ h.location }}", "{{ h.kind }}", "{{ h.masked }}"],
            [18, 36, 56, 32, 28], loop="h in dp.hits")
    b.tag("else")
    b.p("No personal data was found in the pack's text or its return after pseudonymisation.")
    b.tag("endif")


APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       "<Application>sgpack</Application><DocSecurity>0</DocSecurity></Properties>").encode()


def _save(doc, path: Path, title: str) -> None:
    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by, cp.revision = title, "sgpack", "", 1
    cp.comments = cp.keywords = cp.subject = ""
    buffer = io.BytesIO()
    doc.save(buffer)
    core = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{title}</dc:title><dc:creator>sgpack</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{CREATED}</dcterms:modified>'
        "</cp:coreProperties>").encode()
    with zipfile.ZipFile(buffer) as zin:
        entries = {n: zin.read(n) for n in zin.namelist()}
    entries["docProps/core.xml"] = core
    entries["docProps/app.xml"] = APP
    first = ["[Content_Types].xml", "_rels/.rels"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in first + sorted(n for n in entries if n not in first):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, entries[name], compresslevel=6)
    path.write_bytes(out.getvalue())


def make(out_dir: Path = HERE) -> list[Path]:
    doc = Document()
    rels = doc.part.package.rels
    for r_id in [k for k, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(r_id)
    # the default package's bibliography custom XML: nothing a reader needs, so nothing hidden
    for r_id in [k for k, rel in doc.part.rels.items() if rel.reltype.endswith("/customXml")]:
        doc.part.rels.pop(r_id)
    doc._body.clear_content()
    _styles(doc)
    _page_setup(doc)
    commissioner(doc)
    target = out_dir / "commissioner.docx"
    _save(doc, target, "sgpack commissioner pack template")
    return [target]


if __name__ == "__main__":
    for written in make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
