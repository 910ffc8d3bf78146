"""Generate the shipped Word templates (`templates/cqc.docx`, `governance.docx`, `board.docx`, `owners.docx`).

Run from the repository root:  python templates/make_templates.py

The output is committed and deterministic (fixed zip times and order, fixed core properties),
so re-running it on an unchanged script changes nothing. The template holds layout only:
named styles a provider can restyle in Word (Title, Heading 1–4, "Pack Table", "Small",
"TOC 1-4", RAG chip character styles "Rag Red/Amber/Green/Blue/None", "Internal Link"),
A4 pages, a header with the classification and a one-line footer "page X of Y" (PAGE / NUMPAGES
fields), and the docxtpl tags that lay out the pack. Every value — and every link, bookmark and chip —
is prepared by the pack units (compiler/packs/<pack>); `{{r x }}` marks a prepared run-level object.
Each table's grid and cells give the same widths (a guide: the rendered pack sizes columns from their
content, compiler.render.docx.tables), with a fixed layout.
"""
from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
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
CHIPS = {"Rag Red": "D4351C", "Rag Amber": "F47738", "Rag Green": "00703C", "Rag Blue": "1D70B8",
         "Rag None": RULE}
LINK = RGBColor(0x1D, 0x70, 0xB8)
PAGE_W, PAGE_H, MARGIN = Mm(210), Mm(297), Mm(20)
TEXT_WIDTH = PAGE_W - 2 * MARGIN
CREATED = "2026-01-01T00:00:00Z"


# --------------------------------------------------------------------------- styles

def _plain_fonts(style) -> None:
    """Drop theme font/colour references so the named style's own font and colour apply."""
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        rpr.remove(fonts)
    style.font.name = FONT


def _styles(doc) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name, normal.font.size, normal.font.color.rgb = FONT, Pt(10), TEXT
    normal.paragraph_format.space_after = Pt(4)
    for name, size, before in (("Title", 26, 0), ("Subtitle", 16, 0), ("Heading 1", 18, 0),
                               ("Heading 2", 15, 18), ("Heading 3", 13, 12), ("Heading 4", 11.5, 14)):
        style = styles[name]
        _plain_fonts(style)
        style.font.size, style.font.color.rgb, style.font.italic = Pt(size), HEADING, False
        style.font.bold = name != "Subtitle"
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    styles["Heading 1"].paragraph_format.page_break_before = True
    toc_heading = styles["TOC Heading"]
    toc_heading.paragraph_format.page_break_before = True

    def paragraph_style(name, base="Normal", size=None, bold=None, keep=False):
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.quick_style = True
        if size:
            style.font.size = Pt(size)
        if bold is not None:
            style.font.bold = bold
        if keep:
            style.paragraph_format.keep_with_next = True
        return style

    small = paragraph_style("Small", size=8.5)
    small.paragraph_format.space_after = Pt(0)
    cell = paragraph_style("Table Text", size=9)
    cell.paragraph_format.space_after = Pt(0)
    paragraph_style("Table Head", base="Table Text", bold=True, keep=True)
    sub = paragraph_style("Subheading", bold=True, keep=True)
    sub.font.color.rgb = HEADING
    sub.paragraph_format.space_before = Pt(8)
    paragraph_style("Narrative Heading", bold=True, keep=True).paragraph_format.space_before = Pt(6)
    paragraph_style("Cover Label", size=12, bold=True).font.color.rgb = RGBColor(0xD4, 0x35, 0x1C)
    figure = paragraph_style("Figure", keep=True)
    figure.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for level, indent in ((1, 0), (2, 6), (3, 12), (4, 18)):
        # contents lines are links to their sections, with no page numbers (the PDF's are not the document's)
        toc = paragraph_style(f"TOC {level}", bold=level == 1)
        toc.paragraph_format.left_indent = Mm(indent)
        toc.paragraph_format.space_after = Pt(2)
        # Word's built-in "toc 1-4" (ids TOC1-TOC4), so Word treats them as its own contents styles
        toc.element.find(qn("w:name")).set(qn("w:val"), f"toc {level}")
        toc.element.attrib.pop(qn("w:customStyle"), None)
    for name in ("Header", "Footer"):
        # one line: text on the left, one tab to the right margin (a centre stop would send a long left part
        # past it, and the right part onto a second line)
        style = styles[name]
        style.font.size = Pt(8)
        tabs = style.element.pPr.find(qn("w:tabs"))
        if tabs is not None:
            style.element.pPr.remove(tabs)
        style.paragraph_format.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)

    link = styles.add_style("Internal Link", WD_STYLE_TYPE.CHARACTER)
    link.font.color.rgb, link.font.underline = LINK, True
    for name, fill in CHIPS.items():
        chip = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        chip.font.bold = True
        chip.font.color.rgb = TEXT if name in ("Rag None", "Rag Amber") else RGBColor(0xFF, 0xFF, 0xFF)
        chip.element.get_or_add_rPr().append(
            parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="{fill}"/>'))

    # "Pack Table": Table Grid with light rules and a bold, shaded, repeating header row.
    table = styles.add_style("Pack Table", WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.element.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblBorders>'
        + "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>'
                  for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="30" w:type="dxa"/><w:left w:w="80" w:type="dxa"/>'
          '<w:bottom w:w="30" w:type="dxa"/><w:right w:w="80" w:type="dxa"/></w:tblCellMar></w:tblPr>'))
    table.element.append(parse_xml(
        f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/></w:rPr>'
        '<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="E8ECEF"/></w:tcPr></w:tblStylePr>'))


# --------------------------------------------------------------------------- page furniture

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
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = PAGE_W, PAGE_H
    section.left_margin = section.right_margin = MARGIN
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    section.header_distance = section.footer_distance = Mm(10)
    header = section.header.paragraphs[0]
    header.style = doc.styles["Header"]
    header.text = "{{ provider }}\t"
    header.add_run("{{ classification }}").bold = True
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    # the title a run of its own: on a page too narrow for the line it is the part shortened
    footer.add_run("{{ title }}")
    footer.add_run(" · as of {{ as_of }}\tpage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


# --------------------------------------------------------------------------- body helpers

class Body:
    def __init__(self, doc):
        self.doc = doc

    def p(self, text: str = "", style: str = "Normal"):
        return self.doc.add_paragraph(text, style=style)

    def tag(self, tag: str):
        """A paragraph holding only a docxtpl paragraph tag: `{%p ... %}`."""
        return self.doc.add_paragraph("{%p " + tag + " %}")

    def table(self, headers: list[str], cells: list[list[tuple[str, str]] | str], widths: list[int],
              loop: str | None = None):
        """A "Pack Table": header row, then one template row (repeated by `{%tr for %}` if loop).

        A cell is a string (one paragraph) or a list of (text, style) paragraphs.
        """
        rows = 1 + (3 if loop else 1)
        table = self.doc.add_table(rows=rows, cols=len(headers))
        table.style = self.doc.styles["Pack Table"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        header = table.rows[0]
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        body_row = table.rows[2] if loop else table.rows[1]
        whole_row(body_row)
        for i, (text, cell) in enumerate(zip(headers, cells)):
            self._cell(header.cells[i], [(text, "Table Head")])
            self._cell(body_row.cells[i], [(cell, "Table Text")] if isinstance(cell, str) else cell)
        if loop:
            self._cell(table.rows[1].cells[0], [("{%tr for " + loop + " %}", "Table Text")])
            self._cell(table.rows[3].cells[0], [("{%tr endfor %}", "Table Text")])
        fix_widths(table, widths)
        self.p("", "Small")   # keeps consecutive tables apart
        return table

    @staticmethod
    def _cell(cell, paragraphs):
        first = True
        for text, style in paragraphs:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            paragraph.style = style
            paragraph.add_run(text)
            first = False

    def key_values(self, rows: list[tuple[str, str]]):
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.style = self.doc.styles["Pack Table"]
        no_header_row(table)
        for row, (key, value) in zip(table.rows, rows):
            self._cell(row.cells[0], [(key, "Table Head")])
            self._cell(row.cells[1], [(value, "Table Text")])
        fix_widths(table, [38, 132])
        self.p("", "Small")
        return table

    def pairs(self, rows: list[tuple[str, ...]]):
        """Key-value pairs two to a row, as the PDF lays an action's facts out; a row of one pair spans."""
        table = self.doc.add_table(rows=len(rows), cols=4)
        table.style = self.doc.styles["Pack Table"]
        no_header_row(table)
        for row, pair in zip(table.rows, rows):
            cells = row.cells
            if len(pair) == 2:
                cells = [cells[0], cells[1].merge(cells[3])]
            for i, (cell, text) in enumerate(zip(cells, pair)):
                self._cell(cell, [(text, "Table Text" if i % 2 else "Table Head")])
        fix_widths(table, [28, 57, 28, 57])
        self.p("", "Small")
        return table


def whole_row(row) -> None:
    """A row kept on one page (a row that ran on would leave a sliver of itself at the top of the next)."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def no_header_row(table) -> None:
    """A key-value table: no first-row header look (in the attributes and in the older bit mask alike, which
    LibreOffice reads), its keys in the first column."""
    look = table._tbl.tblPr.find(qn("w:tblLook"))
    if look is not None:
        look.set(qn("w:firstRow"), "0")
        look.set(qn("w:firstColumn"), "1")
        look.set(qn("w:val"), "0480")          # first column, no vertical banding


def fix_widths(table, widths: list[int]) -> None:
    """The same widths (mm, summing to the text width) in the grid, in every cell and for the table, laid out
    fixed, so Word and LibreOffice agree."""
    assert sum(widths) == round(TEXT_WIDTH / Mm(1)), widths
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    for tr in table._tbl.tr_lst:
        column = 0
        for tc in tr.tc_lst:
            tc.width = Mm(sum(widths[column:column + tc.grid_span]))
            column += tc.grid_span
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(sum(Mm(w).twips for w in widths)))


# --------------------------------------------------------------------------- the CQC pack

SUMMARY_HEAD = ["Action", "Title", "Owner", "Due", "Declared", "Assessed", "Ready to close"]
SUMMARY_ROW = ["{{r s.id }}", "{{ s.title }}", "{{ s.owner }}",
               [("{{ s.due }}", "Table Text"), ("{{ s.overdue }}", "Small")],
               "{{r s.declared }}", "{{r s.assessed }}", "{{ s.ready }}"]
SUMMARY_WIDTHS = [16, 58, 30, 22, 16, 16, 12]


def cqc(doc) -> None:
    b = Body(doc)
    # Cover
    b.p("{{ classification }}", "Cover Label")
    b.p("{{ title }}", "Title")
    b.p("{{ provider }}", "Subtitle")
    b.key_values([("Service", "{{ service }}"), ("As of", "{{ as_of }}"),
                  ("Classification", "{{ classification }}"), ("Prepared for", "{{ audience }}"),
                  ("Prepared by", "{{ prepared_by }}")])
    b.p("Plans in this pack", "Subheading")
    b.table(["Plan", "Title", "Service", "Risk"], ["{{ p.id }}", "{{ p.title }}", "{{ p.service }}", "{{ p.risk }}"],
            [28, 92, 32, 18], loop="p in plans")

    # Contents: internal links to the sections and actions (no page numbers: the PDF bundle's are not this
    # document's)
    b.p("Contents", "TOC Heading")
    b.tag("for c in contents")
    b.tag("if c.level == 1")
    b.p("{{r c.line }}", "toc 1")
    b.tag("elif c.level == 2")
    b.p("{{r c.line }}", "toc 2")
    b.tag("elif c.level == 3")
    b.p("{{r c.line }}", "toc 3")
    b.tag("else")
    b.p("{{r c.line }}", "toc 4")
    b.tag("endif")
    b.tag("endfor")
    b.p("Each entry links to its section. The exhibits are the appendices of the PDF bundle "
        "({{ total_pages }} pages); a reference to an exhibit gives its pages in the bundle.", "Small")

    # Summary
    b.p("{{r sec.sec_summary }}", "Heading 1")
    b.p("Declared and assessed RAG", "Subheading")
    b.table(["RAG", "Declared by the plan", "Assessed on evidence"],
            ["{{r g.rag }}", "{{ g.declared }}", "{{ g.assessed }}"], [50, 60, 60], loop="g in rag_table")
    b.key_values([("Actions", "{{ counts.actions }}"),
                  ("Ready to close on evidence", "{{ counts.closure_ready }}"),
                  ("Declared RAG overstated", "{{ counts.overstated }}"),
                  ("Findings", "{{ counts.error }} errors, {{ counts.warning }} warnings, {{ counts.info }} for information"),
                  ("Exhibits", "{{ counts.exhibits }}"),
                  ("Evidence that could not be read", "{{ counts.unreadable }}")])
    b.p("High-risk actions", "Subheading")
    b.tag("if high_risk")
    b.table(SUMMARY_HEAD, SUMMARY_ROW, SUMMARY_WIDTHS, loop="s in high_risk")
    b.tag("else")
    b.p("No high-risk actions.")
    b.tag("endif")
    b.p("All actions", "Subheading")
    b.table(SUMMARY_HEAD, SUMMARY_ROW, SUMMARY_WIDTHS, loop="s in summary")

    # Actions by key question and quality statement
    b.p("{{r sec.sec_actions }}", "Heading 1")
    b.tag("for g in groups")
    b.p("{{r g.heading }}", "Heading 2")
    b.tag("for st in g.statements")
    b.p("{{r st.heading }}", "Heading 3")
    b.tag("if st.references")
    b.p("Actions shown in full under another quality statement that also address this one:", "Small")
    b.tag("for r in st.references")
    b.p("{{r r.line }}")
    b.tag("endfor")
    b.tag("endif")
    # what would resolve a finding, in the inspector's terms: hints for the plan files are in the preparer's notes
    resolve = "{% if f.resolve %}Resolved when: {{ f.resolve }}{% endif %}"
    b.tag("for a in st.actions")
    b.p("{{r a.heading }}", "Heading 4")
    b.pairs([("Plan", "{{ a.plan }}", "Service", "{{ a.service }}"), ("Kind", "{{ a.kind }}", "Risk", "{{ a.risk }}"),
             ("Owner", "{{ a.owner }}", "Status", "{{ a.status }}"), ("Opened", "{{ a.opened }}", "Due", "{{ a.due }}"),
             ("Declared RAG", "{{r a.declared }}", "Assessed RAG", "{{r a.assessed }}"),
             ("Ready to close", "{{ a.closure_ready }}")])
    b.tag("for reason in a.rag_reasons")
    b.p("{{ reason }}", "List Bullet")
    b.tag("endfor")
    b.tag("if a.narrative")
    b.p("Narrative", "Subheading")
    b.tag("for n in a.narrative")
    b.tag("if n.kind == 'h'")
    b.p("{{ n.text }}", "Narrative Heading")
    b.tag("elif n.kind == 'li'")
    b.p("{{ n.text }}", "List Bullet")
    b.tag("else")
    b.p("{{ n.text }}")
    b.tag("endif")
    b.tag("endfor")
    b.tag("endif")
    b.p("Requirements and evidence", "Subheading")
    b.tag("if a.requirements")
    b.table(["Requirement", "Found", "Status", "Exhibits"],
            [[("{{ q.label }}", "Table Text"), ("{{ q.note }}", "Small")], "{{ q.counts }}", "{{r q.status }}",
             [("{{r q.exhibits }}", "Table Text"), ("{{ q.unreadable }}", "Small")]],
            [62, 30, 26, 52], loop="q in a.requirements")
    b.tag("else")
    b.p("No evidence requirements are set for this action.")
    b.tag("endif")
    b.p("Closure test", "Subheading")
    b.table(["Test", "Result", "Reason", "Exhibits"],
            ["{{ c.name }}", "{{r c.result }}", "{{ c.reason }}", "{{r c.exhibits }}"],
            [42, 16, 76, 36], loop="c in a.closure")
    b.tag("for ch in a.charts")
    b.p("{{ ch.title }}", "Subheading")
    b.p("{{ ch.image }}", "Figure")
    b.p("{{ ch.explanation }}", "Small")
    b.p("{{r ch.source }}", "Small")
    b.tag("endfor")
    b.p("Review history", "Subheading")
    b.tag("if a.reviews")
    b.table(["Date", "Forum", "RAG", "Narrative"],
            ["{{ v.date }}", "{{ v.forum }}", "{{ v.rag }}", "{{ v.narrative }}"], [26, 40, 18, 86],
            loop="v in a.reviews")
    b.tag("else")
    b.p("No reviews recorded.")
    b.tag("endif")
    b.tag("if a.findings")
    b.p("Findings", "Subheading")
    b.table(["Rule", "Severity", "Finding"],
            [[("{{ f.rule }}", "Table Text"), ("{{ f.name }}", "Small")], "{{ f.severity }}",
             [("{{ f.message }}", "Table Text"), (resolve, "Small")]],
            [26, 18, 126], loop="f in a.findings")
    b.tag("endif")
    b.tag("endfor")
    b.tag("endfor")
    b.tag("endfor")

    # Evidence index (the PDF's columns)
    b.p("{{r sec.sec_index }}", "Heading 1")
    b.p("Every exhibit is an appendix of the PDF bundle, opened by an exhibit sheet; the pages given are the "
        "bundle's, the first its exhibit sheet. The original files are in the pack's exhibits folder.")
    b.table(["Exhibit", "Title", "Type / CQC category", "Date", "Supports", "Bundle pages"],
            ["{{r e.number }}", [("{{ e.title }}", "Table Text"), ("{{ e.basis }}", "Small"),
                                 ("{{ e.file_name }}", "Small"), ("SHA-256 {{ e.sha_short }}", "Small")],
             [("{{ e.type }}", "Table Text"), ("{{ e.category }}", "Small")], "{{ e.date }}", "{{r e.actions }}",
             "{{ e.pages }}"],
            [16, 64, 26, 20, 24, 20], loop="e in exhibits")

    # Gap report, then unreadable evidence, as in the PDF: each finding placed by plan and action, never by file
    b.p("{{r sec.sec_gaps }}", "Heading 1")
    b.tag("if gaps")
    b.table(["Severity", "Rule", "Where", "Finding"],
            ["{{ f.severity }}", [("{{ f.rule }}", "Table Text"), ("{{ f.name }}", "Small")], "{{ f.location }}",
             [("{{ f.message }}", "Table Text"), (resolve, "Small")]],
            [18, 22, 34, 96], loop="f in gaps")
    b.tag("else")
    b.p("No findings.")
    b.tag("endif")
    b.p("Unreadable evidence", "Subheading")
    b.tag("if unreadable")
    b.table(["Evidence", "Why it could not be read"],
            [[("{{ u.id }}", "Table Text"), ("{{ u.title }}", "Small")], "{{ u.reason }}"], [90, 80],
            loop="u in unreadable")
    b.tag("else")
    b.p("Every evidence item could be read.")
    b.tag("endif")

    # Waivers
    b.p("{{r sec.sec_waivers }}", "Heading 1")
    b.tag("if waivers")
    b.table(["Rule", "Subject", "Reason for the waiver", "Finding waived"],
            [[("{{ f.rule }}", "Table Text"), ("{{ f.name }}", "Small")], "{{r f.subject }}", "{{ f.waiver_reason }}",
             "{{ f.message }}"],
            [22, 24, 54, 70], loop="f in waivers")
    b.tag("else")
    b.p("No findings are waived.")
    b.tag("endif")

    # Appendices live in the PDF bundle
    b.p("{{r sec.sec_appendices }}", "Heading 1")
    b.p("The {{ counts.exhibits }} exhibits are the appendices of the PDF bundle ({{ appendix_pages }}), "
        "each stamped with its exhibit number and opened by an exhibit sheet. The evidence index lists them "
        "with their page ranges.")


# --------------------------------------------------------------------------- the short packs

def _head(b: Body, heading: str, rows: list[tuple[str, str]]) -> None:
    """The first page's head: classification, title, provider, key facts (no separate cover page)."""
    b.p("{{ classification }}", "Cover Label")
    b.p(heading, "Title")
    b.p("{{ provider }}", "Subtitle")
    b.key_values(rows)


def governance(doc) -> None:
    b = Body(doc)
    _head(b, "{{ title }}", [("Prepared for", "{{ audience }}"), ("Service", "{{ service }}"),
                            ("As of", "{{ as_of }}"), ("Prepared by", "{{ prepared_by }}")])
    b.table(["Plan", "Title", "Service", "Risk"], ["{{ p.id }}", "{{ p.title }}", "{{ p.service }}", "{{ p.risk }}"],
            [28, 92, 32, 18], loop="p in plans")
    b.p("Contents", "Subheading")
    b.tag("for c in contents")
    b.p("{{r c }}", "toc 1")
    b.tag("endfor")

    b.p("{{r sec.sec_due }}", "Heading 2")
    b.tag("if due")
    b.table(["Action", "Title", "Owner", "Last review", "Cadence", "Why due"],
            ["{{ r.id }}", "{{ r.title }}", "{{ r.owner }}", "{{ r.last_review }}", "{{ r.cadence }}", "{{ r.why }}"],
            [16, 50, 30, 24, 22, 28], loop="r in due")
    b.tag("else")
    b.p("No open action is past its review cadence: every one has been reviewed within its plan's review interval.")
    b.tag("endif")

    b.p("{{r sec.sec_closures }}", "Heading 2")
    b.tag("for c in closures")
    b.p("{{ c.id }} {{ c.title }}", "Heading 3")
    b.table(["Owner", "Status", "Declared", "Assessed"],
            ["{{ c.owner }}", "{{ c.basis }}", "{{r c.declared }}", "{{r c.assessed }}"], [60, 70, 20, 20])
    b.p("{{ c.verdict }}", "Subheading")
    b.table(["Closure test", "Result", "Reason", "Evidence behind it"],
            ["{{ x.name }}", "{{r x.result }}", "{{ x.reason }}", [("{{ x.evidence }}", "Small")]],
            [36, 16, 70, 48], loop="x in c.closure")
    b.tag("else")
    b.p("No action is completed, closed or declared blue, and no open action passes the closure test yet.")
    b.tag("endfor")

    b.p("{{r sec.sec_disagreements }}", "Heading 2")
    b.tag("if disagreements")
    b.table(["Action", "Title and owner", "Declared", "Assessed", "Why they differ"],
            ["{{ d.id }}", [("{{ d.title }}", "Table Text"), ("{{ d.owner }}", "Small")], "{{r d.declared }}",
             "{{r d.assessed }}", [("{{ d.direction }}", "Table Head"), ("{{ d.reasons }}", "Table Text")]],
            [16, 62, 20, 20, 52], loop="d in disagreements")
    b.tag("else")
    b.p("Every declared RAG rating agrees with the rating assessed from the evidence.")
    b.tag("endif")

    b.p("{{r sec.sec_overdue }}", "Heading 2")
    b.tag("if overdue")
    b.table(["Action", "Title", "Owner", "Due", "Late by", "Status"],
            ["{{ o.id }}", "{{ o.title }}", "{{ o.owner }}", "{{ o.due }}", "{{ o.late }}", "{{ o.status }}"],
            [16, 58, 34, 24, 18, 20], loop="o in overdue")
    b.tag("else")
    b.p("No action is past its due date.")
    b.tag("endif")

    b.p("{{r sec.sec_questions }}", "Heading 2")
    b.tag("if questions")
    b.table(["#", "Subject", "Question", "From"], ["{{ q.n }}", "{{ q.subject }}", "{{ q.text }}", "{{ q.rule }}"],
            [8, 22, 122, 18], loop="q in questions")
    b.tag("else")
    b.p("No findings call for challenge.")
    b.tag("endif")

    b.p("{{r sec.sec_waivers }}", "Heading 2")
    b.tag("if waivers")
    b.table(["Rule", "Subject", "Reason given", "Finding waived"],
            ["{{ w.rule }}", "{{ w.subject }}", "{{ w.reason }}", "{{ w.message }}"], [18, 24, 60, 68],
            loop="w in waivers")
    b.tag("else")
    b.p("No findings are waived.")
    b.tag("endif")


def board(doc) -> None:
    b = Body(doc)
    _head(b, "{{ title }}", [("Prepared for", "{{ audience }}"), ("As of", "{{ as_of }}"),
                            ("Service", "{{ service }}"), ("Scope", "{{ scope }}"),
                            ("Prepared by", "{{ prepared_by }}")])
    b.p("Assurance at a glance", "Heading 2")
    b.tag("if overview")
    b.table(["Plan", "Title", "Assurance", "Actions assessed", "Ready to close"],
            ["{{r o.id }}", [("{{ o.title }}", "Table Text"), ("{{ o.service }}", "Small")], "{{r o.level }}",
             "{{ o.rags }}", "{{ o.ready }}"], [26, 62, 32, 30, 20], loop="o in overview")
    b.tag("else")
    b.p("There are no high-risk plans in scope.")
    b.tag("endif")
    b.p("{{ rule }}", "Small")
    b.tag("for p in plans")
    b.p("{{r p.heading }}", "Heading 2")
    b.key_values([("Concern (origin)", "{{ p.origin }}"), ("Assurance", "{{r p.level }}"), ("Why", "{{ p.reasons }}")])
    b.p("Exceptions", "Subheading")
    b.tag("if p.exceptions")
    b.table(["Subject", "Exception", "Detail"], ["{{ e.subject }}", "{{ e.what }}", "{{ e.detail }}"], [24, 40, 106],
            loop="e in p.exceptions")
    b.tag("else")
    b.p("No exceptions: no action is red, amber, overdue or overstated, and no error finding is open.")
    b.tag("endif")
    b.tag("if p.trends")
    b.p("Trends", "Subheading")
    b.tag("endif")
    b.tag("for t in p.trends")
    b.p("{{ t.image }}", "Figure")
    b.p("{{ t.title }} (linked to {{ t.actions }}). {{ t.explanation }}", "Small")
    b.tag("endfor")
    b.p("Line of sight: concern → action → evidence of impact → sustained?", "Subheading")
    b.table(["Concern", "Action", "Evidence of impact", "Sustained?"],
            ["{{ r.concern }}", [("{{ r.action }}", "Table Head"), ("{{ r.title }}", "Table Text")], "{{ r.impact }}",
             "{{ r.sustained }}"], [30, 48, 56, 36], loop="r in p.sight")
    b.tag("endfor")
    # every other plan by exception: a heading over its exceptions, or one line saying it has none
    b.tag("if others")
    b.p("{{r others_heading }}", "Heading 2")
    b.p("{{ others_rule }}", "Small")
    b.tag("for o in others")
    b.tag("if o.exceptions")
    b.p("{{r o.heading }}", "Heading 3")
    b.p("{{ o.where }}", "Subheading")      # kept with its table, as a heading is
    b.table(["Subject", "Exception", "Detail"], ["{{ e.subject }}", "{{ e.what }}", "{{ e.detail }}"], [24, 40, 106],
            loop="e in o.exceptions")
    b.tag("else")
    b.p("{{r o.heading }}")
    b.tag("endif")
    b.tag("endfor")
    b.tag("endif")


def owners(doc) -> None:
    b = Body(doc)
    items = "{{ counts.missing }} item{% if counts.missing != '1' %}s{% endif %}"
    _head(b, "{{ heading }}", [("Owner", "{{ owner }}"), ("As of", "{{ as_of }}"), ("Actions", "{{ counts.actions }}"),
                              ("Evidence still needed", items), ("Findings", "{{ counts.findings }}"),
                              ("Prepared by", "{{ prepared_by }}")])
    b.tag("if not named")
    b.p("These actions have no named owner (SG201): a group or a placeholder is recorded instead of a person. "
        "Name the person accountable for each.")
    b.tag("endif")
    b.p("Your actions", "Heading 2")
    b.table(["Action", "Title", "Due", "Status", "Assessed", "Items missing"],
            ["{{r s.id }}", "{{ s.title }}", "{{ s.due }}", "{{ s.status }}", "{{r s.assessed }}", "{{ s.missing }}"],
            [16, 74, 24, 20, 18, 18], loop="s in summary")
    b.tag("for a in actions")
    b.p("{{r a.heading }}", "Heading 2")
    b.pairs([("Plan", "{{ a.plan }}", "Service", "{{ a.service }}"),
             ("Owner as written", "{{ a.owner_as_written }}", "Due", "{{ a.due }}"),
             ("Declared RAG", "{{r a.declared }}", "Assessed RAG", "{{r a.assessed }}"),
             ("Status", "{{ a.status }}"), ("Your narrative", "{{ a.narrative }}")])
    b.p("What evidence is missing", "Subheading")
    b.tag("if a.missing")
    b.table(["Requirement", "More needed", "Of type", "By when", "What is needed"],
            [[("{{ m.requirement }}", "Table Text"), ("{{ m.note }}", "Small")], "{{ m.more }}", "{{ m.type }}",
             "{{ m.due }}", "{{ m.what }}"], [40, 18, 24, 26, 62], loop="m in a.missing")
    b.tag("else")
    b.p("Nothing: every evidence requirement is met with current evidence.")
    b.tag("endif")
    b.p("Findings", "Subheading")
    b.tag("if a.findings")
    b.table(["Rule", "Severity", "Finding and what to do"],
            ["{{ f.rule }}", "{{ f.severity }}", [("{{ f.message }}", "Table Text"), ("Hint: {{ f.hint }}", "Small")]],
            [18, 20, 132], loop="f in a.findings")
    b.tag("else")
    b.p("No findings.")
    b.tag("endif")
    b.tag("endfor")


# --------------------------------------------------------------------------- deterministic save

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
    first = ["[Content_Types].xml", "_rels/.rels"]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in first + sorted(n for n in entries if n not in first):
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, entries[name], compresslevel=6)
    path.write_bytes(out.getvalue())


def _drop_thumbnail(doc) -> None:
    """python-docx's default package carries a thumbnail of some other page: drop it."""
    rels = doc.part.package.rels
    for r_id in [k for k, rel in rels.items() if rel.reltype.endswith("/thumbnail")]:
        rels.pop(r_id)


PACKS = (("cqc", cqc, "sgpack CQC pack template"),
         ("governance", governance, "sgpack governance pack template"),
         ("board", board, "sgpack board pack template"),
         ("owners", owners, "sgpack owners pack template"))


def make(out_dir: Path = HERE) -> list[Path]:
    """Write every pack's template; cqc.docx first."""
    written = []
    for name, layout, title in PACKS:
        doc = Document()
        _drop_thumbnail(doc)
        doc._body.clear_content()
        _styles(doc)
        _page_setup(doc)
        layout(doc)
        target = out_dir / f"{name}.docx"
        _save(doc, target, title)
        written.append(target)
    return written


if __name__ == "__main__":
    for written in make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written)
