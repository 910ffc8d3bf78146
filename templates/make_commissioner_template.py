"""Generate the shipped commissioner Word template (`templates/commissioner.docx`) with python-docx.

Run from the repository root:  python templates/make_commissioner_template.py

It takes the house style (named styles, page set-up, deterministic saving) from make_templates.py,
so every shipped template looks alike. The output is deterministic (fixed zip times and order, fixed core properties) and holds layout only: named
styles a provider can restyle in Word, A4 pages, a header with the classification, a footer
"page X of Y", and the docxtpl tags. Every value is prepared by compiler/packs/commissioner/word.py;
`{{r x }}` marks a prepared run-level object (links, bookmarks). No comments, no hidden text, no
custom properties, no thumbnail.

It states nothing about the pack's data protection: the cover's sentence, the scan's result and what could
not be checked are made by the build from what it did (`dp.cover`, `dp.scan_result`, `dp.not_checked`), and
the data-protection section follows the PDF's order.
"""
from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_templates import (HERE, _page_setup, _save, _styles, fix_widths, no_header_row,  # noqa: E402  (one house style)
                            whole_row)


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
        whole_row(table.rows[2])
        for i, (text, cell) in enumerate(zip(headers, cells)):
            self._cell(table.rows[0].cells[i], [(text, "Table Head")])
            self._cell(table.rows[2].cells[i], [(cell, "Table Text")] if isinstance(cell, str) else cell)
        self._cell(table.rows[1].cells[0], [("{%tr for " + loop + " %}", "Table Text")])
        self._cell(table.rows[3].cells[0], [("{%tr endfor %}", "Table Text")])
        fix_widths(table, widths)
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
        no_header_row(table)
        for row, (key, value) in zip(table.rows, rows):
            self._cell(row.cells[0], [(key, "Table Head")])
            self._cell(row.cells[1], [(value, "Table Text")])
        fix_widths(table, [45, 125])
        self.p("", "Small")

    def key_value_rows(self, key: str, value: str, widths: list[int], loop: str):
        """A key-value table whose rows the pack gives (`{%tr for %}`): no header row, as in the PDF."""
        table = self.doc.add_table(rows=3, cols=2)
        table.style = self.doc.styles["Pack Table"]
        no_header_row(table)
        whole_row(table.rows[1])
        self._cell(table.rows[0].cells[0], [("{%tr for " + loop + " %}", "Table Text")])
        self._cell(table.rows[1].cells[0], [(key, "Table Head")])
        self._cell(table.rows[1].cells[1], [(value, "Table Text")])
        self._cell(table.rows[2].cells[0], [("{%tr endfor %}", "Table Text")])
        fix_widths(table, widths)
        self.p("", "Small")

    def labelled(self, label: str, value: str):
        """A paragraph that opens with a bold label (the character style "Strong", which a provider can restyle)."""
        paragraph = self.doc.add_paragraph(style="Normal")
        paragraph.add_run(label, style="Strong")
        paragraph.add_run(value)
        return paragraph


def commissioner(doc) -> None:
    b = Body(doc)
    b.p("{{ classification }}", "Cover Label")
    b.p("{{ title }}", "Title")
    b.p("{{ provider }}", "Subtitle")
    b.key_values([("Service", "{{ service }}"), ("As of", "{{ as_of }}"), ("Prepared for", "{{ audience }}"),
                  ("Prepared by", "{{ prepared_by }}")])
    # what the build did about people and small numbers: made by the build (compiler.privacy.claims), never fixed
    b.p("{{ dp.cover }}", "Small")
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
             "{{ p.ready }}"], [44, 24, 14, 14, 26, 24, 12, 12], loop="p in c.plans")
    b.p("Indicators", "Heading 2")
    b.tag("if c.indicators")
    b.table(["Indicator", "Latest period", "Latest value", "Target", "SPC signal"],
            [[("{{ i.title }}", "Table Text"), ("{{ i.where }}", "Small")], "{{ i.period }}", "{{ i.value }}",
             "{{ i.target }}", "{{ i.signal }}"], [60, 24, 24, 18, 44], loop="i in c.indicators")
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
             "{{r o.rag }}"], [16, 54, 30, 22, 14, 16, 18], loop="o in c.overdue")
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
    # purpose, lawful basis, condition, and the recipient and approver when given (the pack leaves off the others)
    b.key_value_rows("{{ x.what }}", "{{ x.value }}", [45, 125], loop="x in dp.facts")
    # the PDF's order: what the scan found and what could not be checked, then the tables, then how
    b.p("Personal-data scan of this pack", "Heading 2")
    b.tag("if dp.override")
    b.labelled("Personal data allowed: ", "{{ dp.override }}")
    b.tag("endif")
    b.p("{{ dp.scan_result }}")
    for name, hits in (("Blocking", "dp.blocking"), ("Warnings", "dp.warnings")):
        b.tag(f"if {hits}")
        b.p(name, "Heading 3")
        b.table(["File", "Location", "Kind", "Value (masked), or the sentence"],
                ["{{ h.file }}", "{{ h.location }}", "{{ h.kind }}", "{{ h.masked }}"], [34, 60, 30, 46],
                loop=f"h in {hits}")
        b.tag("endif")
    b.tag("if dp.not_checked")
    b.p("Not checked", "Heading 2")
    b.tag("for line in dp.not_checked")
    b.p("{{ line }}")
    b.tag("endfor")
    b.tag("endif")
    b.p("Pseudonymised", "Heading 2")
    b.key_value_rows("{{ x.what }}", "{{ x.count }}", [120, 50], loop="x in dp.pseudonymised")
    b.p("Small numbers suppressed", "Heading 2")
    b.key_value_rows("{{ x.what }}", "{{ x.count }}", [80, 90], loop="x in dp.suppressed")
    b.p("How", "Heading 2")
    b.tag("for rule in dp.rules")
    b.p("{{ rule }}", "List Bullet")
    b.tag("endfor")


APP = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
       "<Application>sgpack</Application><DocSecurity>0</DocSecurity></Properties>").encode()


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
