"""Exhibit documents: each reader hands over what the file holds as a document, under the evidence limits."""
from __future__ import annotations

import io
import pickle
import sys
import time
import zipfile
from pathlib import Path

import pytest
from es_fixtures import docx_bytes, pdf_bytes, xlsx_bytes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "security"))
from hostile import raw_pdf, signed_pdf  # noqa: E402

from evidence_store import Document, Limits, documents
from evidence_store.document import (MAX_TABLE_ROWS, MAX_TEXT_CHARS, Attachments, Break, Cell, Code, CodeBlock,
                                     Heading, Hyperlink, Image, KeyValues, LineBlock, ListItem, Paragraph,
                                     PdfFacts, Remark, Rule, Styled, Table, Text, frame_size)

IN_PROCESS = Limits(reader_processes=-1)
# Let the big fixtures past the zip caps so that only the time limit can stop them.
OPEN = dict(max_zip_ratio=1e9, max_zip_total=2**31, max_xml_bytes=2**31)


def one(fmt: str, data: bytes | str, limits: Limits = IN_PROCESS) -> Document | str:
    return documents([(fmt, data.encode("utf-8") if isinstance(data, str) else data)], limits)[0]


def texts(content: list) -> str:
    """The text of inlines, styles dropped."""
    out = []
    for node in content:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, Break):
            out.append("\n")
        elif isinstance(node, (Styled, Hyperlink)):
            out.append(texts(node.content))
    return "".join(out)


# ---------------------------------------------------------------------------------------------- DOCX

def word_document() -> bytes:
    import docx
    from docx.oxml import OxmlElement

    doc = docx.Document()
    doc.add_heading("Restrictive practice audit", level=0)
    doc.add_heading("Findings", level=1)
    para = doc.add_paragraph("Finding: ")
    para.add_run("bold outcome").bold = True
    para.add_run(" and ")
    para.add_run("italic caveat").italic = True
    para.add_run(" hidden remark").font.hidden = True
    doc.add_paragraph("First bullet", style="List Bullet")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate([["Action", "Owner", "Status"], ["RP-01", "Jo Smith", "Closed"], ["RP-02", "", ""]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.cell(2, 1).merge(table.cell(2, 2)).text = "Sam Green, open"
    picture = io.BytesIO()
    from PIL import Image as PILImage

    PILImage.new("RGB", (8, 8)).save(picture, "PNG")
    doc.add_picture(io.BytesIO(picture.getvalue()))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_docx_document_has_headings_runs_lists_tables_and_notes():
    doc = one("docx", word_document())
    assert isinstance(doc, Document) and doc.source == "docx" and not doc.landscape
    title, heading, finding, bullet, table, remark = doc.blocks
    assert title == Heading([Text("Restrictive practice audit")], 0, "title")
    assert heading == Heading([Text("Findings")], 1)
    assert finding == Paragraph([Text("Finding: "), Styled("bold", [Text("bold outcome")]), Text(" and "),
                                 Styled("italic", [Text("italic caveat")])])
    assert bullet == ListItem([Text("First bullet")], "•", 1)
    assert isinstance(table, Table) and table.header_rows == 1
    assert [[texts(cell.blocks[0].content) if cell.blocks else "" for cell in row] for row in table.rows] == \
        [["Action", "Owner", "Status"], ["RP-01", "Jo Smith", "Closed"], ["RP-02", "Sam Green, open"]]
    assert [cell.span for cell in table.rows[2]] == [1, 2]
    assert remark == Remark("[image not shown]")
    assert doc.notes == ["hidden text not shown"]


def test_docx_document_is_cut_at_the_text_cap():
    doc = one("docx", docx_bytes(["x" * 10_000] * (MAX_TEXT_CHARS // 10_000 + 5)))
    assert doc.notes == [f"text cut at {MAX_TEXT_CHARS:,} characters"]
    assert len(doc.blocks) == MAX_TEXT_CHARS // 10_000 + 1


# ------------------------------------------------------------------------------------------ Markdown

def test_markdown_document_has_front_matter_inlines_lists_code_and_tables():
    doc = one("md", "---\ntitle: Debrief notes\nactions: [RP-01, RP-02]\n---\n"
                    "# Summary\n\n### Detail\n\nSee **the [policy](../p.pdf)**, [above](#top), `code` and "
                    "![a photo](x.png).\n\n- first\n  - nested\n\n3. third\n\n> quoted\n\n---\n\n"
                    "```\nline <b>\n```\n\n| A | B |\n|---|---|\n| 1 | 2 |\n")
    assert doc.source == "md" and doc.notes == []
    front, h1, h3, para, first, nested, third, quote, rule, code, table = doc.blocks
    assert front == KeyValues([("title", "Debrief notes"), ("actions", "RP-01, RP-02")], "front matter")
    assert (h1, h3) == (Heading([Text("Summary")], 1), Heading([Text("Detail")], 3))
    assert para.content[1] == Styled("bold", [Text("the "), Hyperlink([Text("policy")], "../p.pdf")])
    assert Hyperlink([Text("above")], None) in para.content and Code("code") in para.content
    assert texts(para.content).endswith("[image: a photo].")
    assert [(b.marker, b.depth) for b in (first, nested, third)] == [("•", 1), ("◦", 2), ("3.", 1)]
    assert quote == Paragraph([Text("quoted")], 0, 1)
    assert isinstance(rule, Rule) and code == CodeBlock("line <b>")
    assert table.header_rows == 1 and [[texts(c.blocks[0].content) for c in row] for row in table.rows] == \
        [["A", "B"], ["1", "2"]]


def test_markdown_front_matter_that_is_not_yaml_is_shown_as_text_and_said():
    doc = one("md", "---\nkey: [unclosed\n---\nBody\n")
    assert doc.blocks[0] == CodeBlock("key: [unclosed", whole=True)
    assert doc.notes == ["front matter is not valid YAML; shown as text"]


# ---------------------------------------------------------------------------------------- text, email

def test_text_document_is_blocks_of_lines_cut_at_the_cap():
    doc = one("txt", "First line\n  indented   \n\n\nSecond block\n")
    assert doc.blocks == [LineBlock(["First line", "  indented"]), LineBlock(["Second block"])]
    long = one("txt", "word " * (MAX_TEXT_CHARS // 5 + 10))
    assert long.notes == [f"text cut at {MAX_TEXT_CHARS:,} characters"]
    assert sum(len(line) for block in long.blocks for line in block.lines) <= MAX_TEXT_CHARS


def test_email_document_has_headers_body_and_attachments_named():
    doc = one("eml", "From: Jo Smith <jo@example.org>\nTo: team@example.org\nSubject: Debrief\nMIME-Version: 1.0\n"
                     "Content-Type: multipart/mixed; boundary=XX\n\n--XX\nContent-Type: text/html\n\n"
                     "<p>Please see <a href='http://evil.example/'>the log</a>.</p><script>x()</script>\n"
                     "--XX\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"log.pdf\"\n\n"
                     "AAAA\n--XX--\n")
    headers, body, attachments = doc.blocks
    assert headers == KeyValues([("From", "Jo Smith <jo@example.org>"), ("To", "team@example.org"),
                                 ("Subject", "Debrief")], "headers")
    assert body == LineBlock(["Please see the log."])
    assert attachments == Attachments(["log.pdf"])
    assert doc.notes == ["HTML email shown as text"]


# --------------------------------------------------------------------------------------- CSV and XLSX

def test_csv_document_is_a_table_of_text_landscape_when_wide():
    doc = one("csv", "date,audit,score\n2026-03-01,Audit 1,80\n")
    (table,) = doc.blocks
    assert table == Table([[Cell(text="date"), Cell(text="audit"), Cell(text="score")],
                           [Cell(text="2026-03-01"), Cell(text="Audit 1"), Cell(text="80")]], header_rows=1)
    assert not doc.landscape
    assert one("csv", ",".join(f"c{i}" for i in range(7)) + "\n").landscape


def test_csv_document_is_cut_at_the_table_cap_and_says_so():
    doc = one("csv", "\n".join(["n"] + [str(i) for i in range(MAX_TABLE_ROWS + 50)]))
    remark, table = doc.blocks
    assert remark == Remark(f"Only the first {MAX_TABLE_ROWS:,} rows are shown.")
    assert len(table.rows) == MAX_TABLE_ROWS + 1
    assert doc.notes == [f"table cut at {MAX_TABLE_ROWS:,} rows"]


def test_xlsx_document_is_the_first_sheet_and_names_the_others():
    doc = one("xlsx", xlsx_bytes({"Scores": [["period", "value"], ["2026-01", 3], ["2026-02", 4.0]],
                                  "Notes": [["not shown"]]}))
    (table,) = doc.blocks
    assert [[cell.text for cell in row] for row in table.rows] == [["period", "value"], ["2026-01", "3"],
                                                                   ["2026-02", "4"]]
    assert doc.notes == ["first sheet 'Scores' shown; not shown: 'Notes'"]


# ---------------------------------------------------------------------------------------------- images

def test_image_document_is_re_encoded_upright_without_metadata_and_fits_the_page():
    from PIL import ExifTags
    from PIL import Image as PILImage

    picture = PILImage.new("RGB", (3000, 1000), (200, 120, 40))
    exif = picture.getexif()
    exif[ExifTags.Base.Make] = "LeakCam"
    exif[ExifTags.Base.Orientation] = 6                      # stored on its side: shown turned upright
    out = io.BytesIO()
    picture.save(out, format="JPEG", exif=exif)
    doc = one("jpg", out.getvalue())
    (image,) = doc.blocks
    assert isinstance(image, Image) and image.format == "JPEG" and doc.source == "jpg"
    shown = PILImage.open(io.BytesIO(image.data))
    assert shown.size == image.pixels and shown.height > shown.width       # turned upright
    assert not shown.getexif() and b"LeakCam" not in image.data
    width, height = frame_size(doc.landscape)
    assert image.width <= width and image.height <= height - 2
    assert doc.notes == ["image scaled to fit"] and not doc.landscape

    wide = io.BytesIO()
    PILImage.new("RGB", (300, 100)).save(wide, format="PNG")
    assert one("png", wide.getvalue()).landscape


# ------------------------------------------------------------------------------------------------ PDF

def test_pdf_document_reports_its_pages_as_pdfium_and_qpdf_see_them():
    doc = one("pdf", pdf_bytes(["one", "two", "three"]))
    assert doc.pdf == PdfFacts(pages=3, qpdf_pages=3, qpdf_reason=None, signed=False)
    assert doc.blocks == []


def test_pdf_document_says_when_a_page_carries_a_signature_widget():
    assert one("pdf", signed_pdf()).pdf.signed


def test_a_signature_field_named_by_a_widgets_parent_counts():
    data = raw_pdf({
        1: b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>",
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Annots [5 0 R] >>",
        4: b"<< /FT /Sig /T (Signature1) /Kids [5 0 R] >>",
        5: b"<< /Type /Annot /Subtype /Widget /Parent 4 0 R /Rect [0 0 10 10] /P 3 0 R >>",
    })
    assert one("pdf", data).pdf.signed


def test_pdf_document_gives_the_reason_qpdf_cannot_open_it():
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    looped = raw_pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R 2 0 R] /Count 2 >>",
                      3: page})
    facts = one("pdf", looped).pdf
    assert facts.pages == 2 and facts.qpdf_pages is None
    assert "Loop detected" in facts.qpdf_reason and "0x" not in facts.qpdf_reason and "\n" not in facts.qpdf_reason


def permissions_only_pdf() -> bytes:
    """Opens without a password, but an owner password restricts printing."""
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner", canPrint=0), invariant=1)
    pdf.drawString(100, 400, "locked")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize("data, limits, reason", [
    (pdf_bytes(["locked"], encrypt="user"), IN_PROCESS,
     "PDF is encrypted (password protected); supply an unencrypted copy"),
    (permissions_only_pdf(), IN_PROCESS, "PDF is encrypted (permissions password); supply an unencrypted copy"),
    (pdf_bytes(["1", "2", "3"]), Limits(max_pdf_pages=2, reader_processes=-1), "PDF has 3 pages (limit 2)"),
    (b"<html>hello</html>", IN_PROCESS, "not a PDF file (no %PDF- header)"),
], ids=["encrypted", "permissions", "page-limit", "not-pdf"])
def test_a_pdf_that_cannot_be_shown_as_it_is_gives_the_reason(data, limits, reason):
    assert one("pdf", data, limits) == reason


# --------------------------------------------------------------------------- documents(): order, processes

def every_format() -> list[tuple[str, bytes]]:
    from PIL import Image as PILImage

    png = io.BytesIO()
    PILImage.new("RGB", (40, 30), (1, 2, 3)).save(png, format="PNG")
    return [("pdf", pdf_bytes(["RP-01"])), ("md", b"# Notes\n\ntext\n"), ("docx", docx_bytes(["RP-01 text"])),
            ("txt", b"plain"), ("xlsx", xlsx_bytes({"s": [["a", "b"], [1, 2]]})), ("png", png.getvalue()),
            ("csv", b"a,b\n1,2\n"), ("eml", b"Subject: hi\n\nbody\n"), ("jpeg", b"not a jpeg"),
            ("docx", b"PK\x03\x04 broken"), ("odt", b"x")]


def test_documents_keep_the_order_and_are_the_same_in_child_processes_and_here():
    files = every_format()
    here = documents(files, IN_PROCESS)
    assert [d.source if isinstance(d, Document) else d for d in here] == [
        "pdf", "md", "docx", "txt", "xlsx", "png", "csv", "eml", "not a JPEG image",
        "not a valid .docx (not a zip file)", "no document reader for .odt files"]
    for processes in (1, 2):
        assert documents(files, Limits(reader_processes=processes)) == here
    assert pickle.loads(pickle.dumps(here)) == here


def test_a_file_over_the_size_limit_is_a_reason():
    assert one("txt", b"x" * 101, Limits(max_file_bytes=100, reader_processes=-1)) == \
        "the file is 101 bytes (limit 100)"


# ------------------------------------------------------------------------------------- under the limits

def _swap(base: bytes, name: str, body: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.namelist():
            archive.writestr(member, body if member == name else source.read(member))
    return out.getvalue()


def slow_docx() -> bytes:
    """A million empty paragraphs: no text to cut at the cap, so every one is parsed (seconds)."""
    return _swap(docx_bytes(["x"]), "word/document.xml",
                 b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
                 + b"<w:p/>" * 1_000_000 + b"</w:body></w:document>")


def slow_xlsx() -> bytes:
    """200,000 rows of blank cells: none becomes a table row, so every one is read (seconds)."""
    rows = b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t xml:space="preserve"> </t></is></c></row>' % (i, i)
                    for i in range(1, 200_001))
    return _swap(xlsx_bytes({"s": [["a"]]}), "xl/worksheets/sheet1.xml",
                 b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                 b'spreadsheetml/2006/main"><sheetData>' + rows + b"</sheetData></worksheet>")


def slow_pdf() -> bytes:
    """6,000 pages, each with 100 widgets that are not signatures: every one is looked at (seconds)."""
    import warnings

    import pikepdf

    pdf = pikepdf.new()
    annots = pdf.make_indirect(pikepdf.Array([
        pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                                             FT=pikepdf.Name.Tx, Rect=[0, 0, 1, 1])) for _ in range(100)]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(6000):
            pdf.add_blank_page(page_size=(200, 200))
            pdf.pages[-1].obj.Annots = annots
        out = io.BytesIO()
        pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("fmt, make", [("docx", slow_docx), ("xlsx", slow_xlsx), ("pdf", slow_pdf)])
def test_a_document_that_takes_too_long_is_a_reason_and_the_others_still_come(fmt, make):
    files = [(fmt, make()), ("docx", docx_bytes(["RP-01 after the slow one"])), ("txt", b"here")]
    started = time.monotonic()
    slow, after, here = documents(files, Limits(**OPEN, read_seconds=0.5, reader_processes=1))
    assert slow == "took longer than 0.5 s to read"
    assert isinstance(after, Document) and isinstance(here, Document)
    assert time.monotonic() - started < 30
