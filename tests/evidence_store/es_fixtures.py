"""Fixture documents for the evidence catalogue, generated in code so a reader sees what each holds."""
from __future__ import annotations

import io
import os
from pathlib import Path




def write(path: Path, data: bytes | str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def docx_bytes(paragraphs: list[str], *, title: str = "", category: str = "", keywords: str = "",
               author: str = "", heading: str | None = None, table: list[list[str]] | None = None,
               after_table: list[str] = ()) -> bytes:
    import docx

    document = docx.Document()
    props = document.core_properties
    props.title, props.category, props.keywords, props.author = title, category, keywords, author
    if heading is not None:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    for text in after_table:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(pages: list[str], *, title: str = "", subject: str = "", keywords: str = "",
              author: str = "", encrypt: str | None = None) -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    enc = pdfencrypt.StandardEncryption(encrypt, "owner-secret") if encrypt else None
    pdf = canvas.Canvas(out, encrypt=enc, invariant=1)
    pdf.setTitle(title)
    pdf.setSubject(subject)
    pdf.setKeywords(keywords)
    pdf.setAuthor(author)
    for text in pages:
        for n, line in enumerate(text.splitlines()):
            pdf.drawString(72, 720 - 16 * n, line)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def xlsx_bytes(sheets: dict[str, list[list]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def png_bytes(width: int, height: int) -> bytes:
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = lambda kind, body: struct.pack(">I", len(body)) + kind + body + struct.pack(  # noqa: E731
        ">I", zlib.crc32(kind + body))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


def jpeg_bytes(width: int, height: int) -> bytes:
    import struct

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def tree_snapshot(root: Path) -> dict[str, tuple]:
    """Every path under root with its type, size, mtime and content: a scan must leave it unchanged."""
    snap = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            st = os.lstat(path)
            content = Path(path).read_bytes() if os.path.isfile(path) and not os.path.islink(path) else None
            snap[os.path.relpath(path, root)] = (st.st_mode, st.st_size, st.st_mtime_ns, content)
    st = os.lstat(root)
    snap["."] = (st.st_mode, st.st_mtime_ns)
    return snap
