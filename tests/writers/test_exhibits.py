"""Exhibit pages: every evidence format rendered to A4 (PDFs passed through), safely and deterministically."""
from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from compiler.render.exhibits import ExhibitError, RenderedExhibit, render_exhibit

CM = 72 / 2.54
BAND = 2 * CM                     # nothing may be drawn in the top or bottom 2 cm
HOSTILE = ['<img src="file:///etc/passwd">', "<font size=200>", "{{ config }}",
           "<script>alert(1)</script>", '<a href="http://example.org/x">x</a>', "&amp; &lt;"]
LONG_CELL = ("The registered manager reviewed every restrictive practice incident with the staff "
             "involved and recorded the debrief outcome in the governance log. ") * 6


# ----------------------------------------------------------------------------------------------
# fixtures: files generated here so the reader of a test sees what each holds

def make_docx(path: Path, hostile: bool = False) -> Path:
    import docx

    doc = docx.Document()
    doc.add_heading("Restrictive practice audit", level=1)
    doc.add_paragraph("This audit covers Oakview between March and May 2026.")
    para = doc.add_paragraph("Finding: ")
    para.add_run("bold outcome").bold = True
    para.add_run(" and ")
    para.add_run("italic caveat").italic = True
    doc.add_heading("Method", level=2)
    doc.add_paragraph("First bullet point", style="List Bullet")
    doc.add_paragraph("Second bullet point", style="List Bullet")
    table = doc.add_table(rows=3, cols=4)
    header = ["Action", "Owner", "Status", "Notes"]
    body = [["RP-01", "Jo Smith", "Closed", LONG_CELL],
            ["RP-02", "Sam Green", "Open", "Awaiting supervision records"]]
    for r, row in enumerate([header] + body):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    doc.add_paragraph("Zoë – “quoted” 日本 text outside Latin-1.")
    if hostile:
        for text in HOSTILE:
            doc.add_paragraph(text)
    doc.save(path)
    return path


def make_pdf(path: Path, pages: int = 3) -> Path:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for i in range(pages):
        c.drawString(100, 400, f"original page {i + 1}")
        c.showPage()
    c.save()
    return path


def make_png(path: Path, size: tuple[int, int] = (1600, 900)) -> Path:
    from PIL import Image

    im = Image.new("RGB", size, (30, 110, 180))
    for x in range(0, size[0], 50):
        for y in range(size[1]):
            im.putpixel((x, y), (255, 255, 255))
    im.save(path)
    return path


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims the given size (no pixel data worth decoding)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    data = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(">I", zlib.crc32(chunk))
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------------------------
# helpers reading the rendered PDF back

def page_texts(pdf: bytes) -> list[str]:
    doc = pdfium.PdfDocument(pdf)
    try:
        out = []
        for i in range(len(doc)):
            text = doc[i].get_textpage()
            out.append(text.get_text_range())
            text.close()
        return out
    finally:
        doc.close()


def flat(text: str) -> str:
    return " ".join(text.replace("\r", " ").replace("\n", " ").replace("\ufffe", "").split())


def char_boxes(pdf: bytes):
    """(page width, page height, [(left, bottom, right, top)]) per page, visible characters only."""
    doc = pdfium.PdfDocument(pdf)
    try:
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            text = page.get_textpage()
            boxes = []
            for k in range(text.count_chars()):
                box = text.get_charbox(k)
                if box[2] - box[0] > 0 and box[3] - box[1] > 0:
                    boxes.append(box)
            text.close()
            yield width, height, boxes
    finally:
        doc.close()


def assert_within_bands(pdf: bytes) -> None:
    seen = 0
    for n, (width, height, boxes) in enumerate(char_boxes(pdf), start=1):
        for left, bottom, right, top in boxes:
            seen += 1
            assert bottom >= BAND - 0.5, f"page {n}: text at {bottom:.1f} pt from the bottom"
            assert top <= height - BAND + 0.5, f"page {n}: text at {height - top:.1f} pt from the top"
            assert left >= 0 and right <= width, f"page {n}: text beyond the page edge ({left:.0f}-{right:.0f})"
    assert seen, "no text found"


def is_a4(pdf: bytes) -> bool:
    doc = pdfium.PdfDocument(pdf)
    try:
        sizes = {tuple(round(v) for v in doc[i].get_size()) for i in range(len(doc))}
    finally:
        doc.close()
    return sizes <= {(595, 842), (842, 595)}


def render(path: Path, fmt: str | None = None) -> RenderedExhibit:
    result = render_exhibit(path, fmt or path.suffix[1:], title=path.stem)
    assert isinstance(result, RenderedExhibit)
    assert result.pages == len(page_texts(result.pdf))
    assert is_a4(result.pdf)
    return result


# ----------------------------------------------------------------------------------------------
# PDF

def test_pdf_is_passed_through_unchanged(tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "audit.pdf")
    result = render_exhibit(path, "pdf", title="Audit")
    assert result.pdf == path.read_bytes()
    assert result.pages == 3
    assert result.note == "PDF exhibit included as it is"


@pytest.mark.parametrize("damage", ["truncated", "empty", "not_pdf", "encrypted", "owner_only"])
def test_unusable_pdf_raises_exhibit_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "bad.pdf"
    if damage in ("encrypted", "owner_only"):
        from reportlab.lib import pdfencrypt
        from reportlab.pdfgen import canvas

        enc = pdfencrypt.StandardEncryption("secret" if damage == "encrypted" else "",
                                            ownerPassword="owner", canPrint=0)
        c = canvas.Canvas(str(path), encrypt=enc, invariant=1)
        c.drawString(100, 400, "locked")
        c.showPage()
        c.save()
    else:
        good = make_pdf(tmp_path / "good.pdf").read_bytes()
        path.write_bytes({"truncated": good[: len(good) // 2], "empty": b"",
                          "not_pdf": b"<html>hello</html>"}[damage])
    with pytest.raises(ExhibitError) as info:
        render_exhibit(path, "pdf", title="Bad")
    assert "\n" not in str(info.value) and str(info.value)
    if damage == "encrypted":
        assert "encrypted" in str(info.value)


# ----------------------------------------------------------------------------------------------
# DOCX

def test_docx_renders_headings_paragraphs_and_table(tmp_path: Path) -> None:
    result = render(make_docx(tmp_path / "audit.docx"))
    text = flat(" ".join(page_texts(result.pdf)))
    for expected in ["Restrictive practice audit", "This audit covers Oakview", "bold outcome",
                     "italic caveat", "Method", "First bullet point", "Action", "Owner", "Notes",
                     "Jo Smith", "Awaiting supervision records", "recorded the debrief outcome",
                     "Zoë – “quoted”"]:          # 日本 has no DejaVu glyph; it must not crash
        assert expected in text
    assert_within_bands(result.pdf)


def test_docx_long_table_cell_wraps_inside_the_page(tmp_path: Path) -> None:
    result = render(make_docx(tmp_path / "audit.docx"))
    for width, _, boxes in char_boxes(result.pdf):
        assert all(right <= width - 2 * CM + 1 for _, _, right, _ in boxes)


def test_docx_that_is_not_a_zip_raises(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(ExhibitError):
        render_exhibit(path, "docx", title="Broken")


def test_docx_with_doctype_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = make_docx(tmp_path / "x.docx")
    src = zipfile.ZipFile(path)
    out = tmp_path / "xxe.docx"
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            dst.writestr(info, data)
    with pytest.raises(ExhibitError, match="DOCTYPE"):
        render_exhibit(out, "docx", title="XXE")


# ----------------------------------------------------------------------------------------------
# hostile text prints literally, in every text format

def test_hostile_text_prints_literally(tmp_path: Path) -> None:
    files = {
        "h.txt": "\n\n".join(HOSTILE),
        "h.md": "\n\n".join(HOSTILE),
        "h.csv": "name,value\n" + "\n".join(f'row{i},"{t.replace(chr(34), chr(34) * 2)}"'
                                             for i, t in enumerate(HOSTILE)),
        "h.eml": "From: a@example.org\nTo: b@example.org\nSubject: {{ config }}\n\n" + "\n\n".join(HOSTILE),
    }
    paths = [make_docx(tmp_path / "h.docx", hostile=True)]
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    for path in paths:
        text = flat(" ".join(page_texts(render(path).pdf)))
        for hostile in HOSTILE:
            if path.suffix == ".md" and hostile.startswith("&"):
                continue                       # Markdown decodes entity references: "&amp;" means "&"
            assert hostile in text, (path.name, hostile)


def test_markdown_raw_html_images_and_links_are_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text(
        "---\ntitle: Debrief notes\ntype: debrief\nactions: [RP-01, RP-02]\n---\n"
        "# Debrief summary\n\nSee [the policy](../../etc/passwd), ![a photo](../../etc/hostname) "
        "and ![b](file:///etc/passwd).\n\n"
        '<img src="file:///etc/passwd">\n\n'
        "- first item\n- second item\n  1. nested one\n\n"
        "| Column A | Column B |\n|---|---|\n| cell one | cell two |\n\n"
        "```\ncode line <b>\n```\n", encoding="utf-8")
    text = flat(" ".join(page_texts(render(path).pdf)))
    for expected in ["title", "Debrief notes", "RP-01, RP-02", "Debrief summary", "the policy",
                     "[image: a photo]", "![b](file:///etc/passwd)", '<img src="file:///etc/passwd">',
                     "first item", "nested one",
                     "Column A", "cell two", "code line <b>"]:
        assert expected in text
    assert "root:" not in text


# ----------------------------------------------------------------------------------------------
# tables

def test_long_csv_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "audit.csv"
    lines = ["date,audit,score"] + [f"2026-03-{i % 28 + 1:02d},Audit number {i},{i % 100}" for i in range(300)]
    path.write_text("\n".join(lines), encoding="utf-8")
    result = render(path)
    pages = page_texts(result.pdf)
    assert len(pages) >= 3
    for page in pages:
        assert "date" in page and "audit" in page and "score" in page
    assert "Audit number 299" in pages[-1]
    assert result.note is None
    assert_within_bands(result.pdf)


def test_csv_is_cut_at_2000_rows_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("\n".join(["n,v"] + [f"{i},x" for i in range(2500)]), encoding="utf-8")
    result = render(path)
    assert "2,000 rows" in (result.note or "")
    text = " ".join(page_texts(result.pdf))
    assert "1999" in text and "2000" not in text.split()


def test_sixty_column_csv_stays_within_the_page(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    header = ",".join(f"column_{c}" for c in range(60))
    rows = [",".join(f"r{r}c{c} value" for c in range(60)) for r in range(20)]
    path.write_text("\n".join([header] + rows), encoding="utf-8")
    result = render(path)
    text = flat(" ".join(page_texts(result.pdf)))
    assert "column_0" in text and "column_59" in text and "r19c59" in text
    doc = pdfium.PdfDocument(result.pdf)
    assert doc[0].get_size()[0] > doc[0].get_size()[1]            # landscape
    doc.close()
    for width, _, boxes in char_boxes(result.pdf):
        assert all(0 <= left and right <= width - 1.5 * CM for left, _, right, _ in boxes)
    assert_within_bands(result.pdf)


def test_xlsx_renders_first_sheet_and_names_the_others(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Scores"
    sheet.append(["date", "audit", "score", "comment"])
    for i in range(50):
        sheet.append([f"2026-04-{i % 28 + 1:02d}", f"Medication audit {i}", 80 + i % 20,
                      "=HYPERLINK(\"http://x\",\"go\")" if i == 0 else LONG_CELL[: 40 + i]])
    book.create_sheet("Notes").append(["hidden away"])
    path = tmp_path / "scores.xlsx"
    book.save(path)
    result = render(path)
    text = flat(" ".join(page_texts(result.pdf)))
    assert "Medication audit 49" in text and "comment" in text
    assert "hidden away" not in text
    assert "'Notes'" in (result.note or "")
    assert_within_bands(result.pdf)


# ----------------------------------------------------------------------------------------------
# text, email, images

def test_txt_and_eml(tmp_path: Path) -> None:
    txt = tmp_path / "note.txt"
    txt.write_text("First paragraph line one\nline two\n\n" + "word " * 3000, encoding="utf-8")
    result = render(txt)
    assert "line two" in page_texts(result.pdf)[0]
    assert_within_bands(result.pdf)
    eml = tmp_path / "mail.eml"
    eml.write_text(
        "From: Jo Smith <jo@example.org>\nTo: team@example.org\nDate: Tue, 14 Apr 2026 10:00:00 +0100\n"
        "Subject: Debrief follow-up\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n\n"
        '<html><body><p>Please see <a href="http://evil.example/x">the log</a>.</p>'
        "<script>steal()</script><p>Thanks</p></body></html>\n", encoding="utf-8")
    text = flat(page_texts(render(eml).pdf)[0])
    for expected in ["From:", "Jo Smith", "To:", "Date:", "Subject:", "Debrief follow-up",
                     "Please see the log", "Thanks"]:
        assert expected in text
    assert "steal()" not in text and "evil.example" not in text


def test_image_is_scaled_to_fit(tmp_path: Path) -> None:
    path = make_png(tmp_path / "photo.png", (3000, 1000))
    result = render(path)
    assert result.pages == 1 and result.note == "image scaled to fit"
    from PIL import Image

    jpg = tmp_path / "photo.jpg"
    Image.open(path).save(jpg, quality=80)
    assert render(jpg).pages == 1


def test_huge_image_is_refused_before_decoding(tmp_path: Path) -> None:
    path = png_header_only(tmp_path / "bomb.png", 10_000, 5_000)
    with pytest.raises(ExhibitError, match="megapixels"):
        render_exhibit(path, "png", title="Bomb")


def test_damaged_inputs_raise_only_exhibit_error(tmp_path: Path) -> None:
    cases = {"bad.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x10\x00\x00\x00\x10garbage",
             "bad.jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF",
             "bad.xlsx": b"PK\x03\x04nonsense",
             "bad.csv": b'a,b\n"unterminated,1\n',
             "bad.txt": b"caf\xe9 latin-1 bytes"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(ExhibitError):
            render_exhibit(tmp_path / name, name.rsplit(".", 1)[1], title=name)


def test_odd_text_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_text("nul\x00 bell\x07 emoji 😀 rtl שלום cjk 漢字 " + "x" * 20_000 + "\n\ttabbed", encoding="utf-8")
    result = render(path)
    assert "emoji" in page_texts(result.pdf)[0]
    assert_within_bands(result.pdf)


# ----------------------------------------------------------------------------------------------
# determinism

def test_same_input_gives_identical_bytes(tmp_path: Path) -> None:
    docx = make_docx(tmp_path / "a.docx")
    csv = tmp_path / "a.csv"
    csv.write_text("a,b\n1,2\n", encoding="utf-8")
    png = make_png(tmp_path / "a.png", (400, 300))
    for path in (docx, csv, png):
        first = render_exhibit(path, path.suffix[1:], title="Same")
        second = render_exhibit(path, path.suffix[1:], title="Same")
        assert first.pdf == second.pdf, path.name


def test_table_rows_taller_than_a_page_split_and_stay_inside(tmp_path: Path) -> None:
    import docx

    long = "word " * 1500
    csv = tmp_path / "tall.csv"
    csv.write_text("a,b,c\n" + "\n".join(f'{i},"{long}",end{i}' for i in range(3)), encoding="utf-8")
    doc = docx.Document()
    table = doc.add_table(rows=2, cols=3)
    for c in range(3):
        table.cell(0, c).text = f"H{c}"
    for k in range(60):
        table.cell(1, 0).add_paragraph(f"para {k} " + "text " * 30)
    table.cell(1, 2).text = "last cell"
    doc.save(tmp_path / "tall.docx")
    for path in (csv, tmp_path / "tall.docx"):
        result = render(path)
        assert result.pages >= 2
        text = flat(" ".join(page_texts(result.pdf)))
        assert ("end2" if path.suffix == ".csv" else "para 59") in text
        assert_within_bands(result.pdf)


def test_the_pages_are_of_the_bytes_checked_not_the_file_as_it_is_now(tmp_path):
    """The CQC writer reads an exhibit once, checks its SHA-256 and renders those bytes: a file replaced
    after the check cannot put other pages in the pack than the original it attaches."""
    path = tmp_path / "note.md"
    path.write_text("# Swapped\n\nWritten after the check.\n", encoding="utf-8")
    checked = "# Supervision note\n\nThe bytes that were hashed.\n".encode()
    rendered = render_exhibit(path, "md", title="Supervision note", data=checked)
    text = pdfium.PdfDocument(rendered.pdf)[0].get_textpage().get_text_range()
    assert "The bytes that were hashed." in text
    assert "Swapped" not in text


# ----------------------------------------------------------------------------------------------
# fonts: the standard fonts when WinAnsi can show every character, DejaVu embedded when it cannot

def embedded_fonts(pdf: bytes) -> tuple[set[str], bool]:
    """(every font's /BaseFont, whether any font carries a font file)."""
    import pikepdf

    names, embedded = set(), False
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        for obj in doc.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font":
                names.add(str(obj.get("/BaseFont")))
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                embedded |= any(k in obj for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return names, embedded


def test_winansi_text_is_set_in_the_standard_fonts_with_nothing_embedded(tmp_path: Path) -> None:
    md = tmp_path / "minutes.md"
    md.write_text("# Governance minutes\n\nZoë’s – “quoted” review: 3 × audits, £40, 95%…\n\n"
                  "- first\n  - nested point\n\n```\ncode line\n```\n", encoding="utf-8")
    result = render(md)
    names, embedded = embedded_fonts(result.pdf)
    assert not embedded and names <= {"/Helvetica", "/Helvetica-Bold", "/Courier", "/Helvetica-Oblique",
                                      "/Helvetica-BoldOblique", "/Courier-Bold", "/Courier-Oblique"}
    text = flat(" ".join(page_texts(result.pdf)))
    for expected in ["Governance minutes", "Zoë’s – “quoted” review: 3 × audits, £40, 95%…", "nested point",
                     "code line"]:
        assert expected in text
    assert "?" not in text


@pytest.mark.parametrize("line", ["Łucja Wiśniewska attended", "Ελένη signed the log", "arrow → next"])
def test_text_outside_winansi_is_set_in_embedded_dejavu_and_kept(tmp_path: Path, line: str) -> None:
    for path in (tmp_path / "note.txt", tmp_path / "note.md"):
        path.write_text(f"Debrief notes\n\n{line}\n", encoding="utf-8")
        result = render(path)
        names, embedded = embedded_fonts(result.pdf)
        assert embedded and any("DejaVu" in n for n in names)     # (reportlab names Helvetica in every file)
        assert line in flat(" ".join(page_texts(result.pdf)))


def test_a_non_winansi_cell_deep_in_a_table_still_switches_the_whole_exhibit(tmp_path: Path) -> None:
    rows = ["Name,Role,Note"] + [f"Staff {i},Carer,ok" for i in range(300)] + ["Şükrü,Nurse,ok"]
    csv = tmp_path / "roster.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = render(csv)
    names, embedded = embedded_fonts(result.pdf)
    assert embedded and any("DejaVu" in n for n in names)
    assert "Şükrü" in flat(" ".join(page_texts(result.pdf)))


# ----------------------------------------------------------------------------------------------
# documents: the readers parse, render_document only lays out

def builds(monkeypatch) -> list[int]:
    """Count the layouts render_document starts."""
    from reportlab.platypus import SimpleDocTemplate

    calls: list[int] = []
    real = SimpleDocTemplate.build

    def counted(self, *args, **kwargs):  # noqa: ANN001, ANN202
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SimpleDocTemplate, "build", counted)
    return calls


@pytest.mark.parametrize("line, dejavu", [("Zoë’s review: “quoted” – £40 …", False),
                                          ("Łucja signed → done", True)])
def test_fonts_are_chosen_from_the_document_before_one_layout(monkeypatch, line: str, dejavu: bool) -> None:
    """The last cell of a long table decides the fonts, and the document is still laid out once."""
    from evidence_store.document import Cell, Document, LineBlock, Table

    from compiler.render.exhibits import render_document

    rows = [[Cell(text="Name"), Cell(text="Note")]] + [[Cell(text=f"Staff {i}"), Cell(text="ok")] for i in range(300)]
    doc = Document("csv", [LineBlock(["Roster"]), Table(rows + [[Cell(text="Last"), Cell(text=line)]], header_rows=1)])
    calls = builds(monkeypatch)
    result = render_document(doc, title="Roster")
    assert len(calls) == 1
    names, embedded = embedded_fonts(result.pdf)
    if dejavu:
        assert embedded and any("DejaVu" in n for n in names)
    else:
        assert not embedded and names <= {"/Helvetica", "/Helvetica-Bold", "/Helvetica-Oblique"}
    assert line in flat(" ".join(page_texts(result.pdf)))


def test_a_document_is_laid_out_as_render_exhibit_lays_out_its_file(tmp_path: Path) -> None:
    from evidence_store import documents

    from compiler.render.exhibits import render_document

    path = make_docx(tmp_path / "audit.docx")
    (doc,) = documents([("docx", path.read_bytes())])
    assert render_document(doc, title="Audit") == render_exhibit(path, "docx", title="Audit")


def test_a_pdf_document_has_nothing_to_lay_out(tmp_path: Path) -> None:
    from evidence_store import documents

    from compiler.render.exhibits import render_document

    (doc,) = documents([("pdf", make_pdf(tmp_path / "a.pdf").read_bytes())])
    assert doc.pdf.pages == 3 and doc.pdf.qpdf_pages == 3 and not doc.pdf.signed
    with pytest.raises(ValueError):
        render_document(doc, title="A")


PARSERS = ("lxml", "openpyxl", "markdown_it", "pypdfium2", "pikepdf", "yaml", "defusedxml",
           "evidence_store.readers", "evidence_store.zipsafe", "evidence_store.yamlsafe", "evidence_store.isolate")
# xml.sax.saxutils (the escaping) loads `email` through urllib, so only its imports are checked for it;
# render_exhibit, the convenience, asks evidence_store.isolate for the document
NOT_IMPORTED = tuple(p for p in PARSERS if p != "evidence_store.isolate") + ("email", "PIL", "zipfile")


def test_render_document_loads_no_parser(tmp_path: Path) -> None:
    """Documents made here (every format but PDF) are laid out in a fresh process: nothing that parses
    evidence is imported there."""
    import pickle
    import subprocess
    import sys

    from evidence_store import Limits, documents

    from PIL import Image as PILImage

    png = tmp_path / "p.png"
    PILImage.new("RGB", (300, 200), (10, 20, 30)).save(png)
    files = [("docx", make_docx(tmp_path / "a.docx").read_bytes()), ("md", b"# T\n\n- a\n\n| x |\n|---|\n| 1 |\n"),
             ("txt", "Łucja".encode()), ("eml", b"Subject: s\n\nbody\n"), ("csv", b"a,b\n1,2\n"),
             ("png", png.read_bytes())]
    docs = documents(files, Limits(reader_processes=-1))
    (tmp_path / "docs.pickle").write_bytes(pickle.dumps(docs))
    code = ("import pickle, sys\n"
            f"docs = pickle.loads(open({str(tmp_path / 'docs.pickle')!r}, 'rb').read())\n"
            "from compiler.render.exhibits import render_document\n"
            "pages = [render_document(d, title='t').pages for d in docs]\n"
            f"print(pages, sorted(m for m in sys.modules if m.split('.')[0] in {PARSERS!r} or m in {PARSERS!r}))\n")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[1, 1, 1, 1, 1, 1] []"


def test_the_renderer_imports_no_parser() -> None:
    import ast

    from compiler.render import exhibits

    for source in Path(exhibits.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(NOT_IMPORTED), (source.name, name)
