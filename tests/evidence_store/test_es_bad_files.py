"""Bad evidence files: each one unreadable with a one-line reason, and the run goes on."""
from __future__ import annotations

import io
import zipfile

import pytest
from es_fixtures import docx_bytes, pdf_bytes, write, xlsx_bytes

from evidence_store import Limits, scan
from evidence_store import readers


def reasons(folder, **kwargs) -> dict[str, tuple[str, str | None]]:
    return {i.path: (i.status, i.reason) for i in scan(folder, ["RP-01"], **kwargs).items}


def test_bad_files_each_give_a_reason_and_the_good_file_is_still_read(folder):
    good_pdf = pdf_bytes(["page one RP-01", "page two"])
    write(folder / "good.txt", "RP-01 fine")
    write(folder / "truncated.pdf", good_pdf[: len(good_pdf) // 2])
    write(folder / "locked.pdf", pdf_bytes(["secret RP-01"], encrypt="user-password"))
    write(folder / "not-a-pdf.pdf", "<html>hello</html>")
    write(folder / "empty.docx", b"")
    write(folder / "notzip.docx", "this is plain text, not a Word file")
    write(folder / "truncated.docx", docx_bytes(["x"])[:60])
    write(folder / "latin1.csv", "name,amount\nCaf\xe9,\xa310\n".encode("cp1252"))
    write(folder / "quote.csv", 'a,b\n1,2\n3,"unterminated\n4,5\n')
    write(folder / "bad.png", "not an image")
    write(folder / "bad.xlsx", "not a workbook")
    got = reasons(folder)
    assert got["good.txt"] == ("ok", None)
    assert got["truncated.pdf"] == ("unreadable", "damaged PDF (PDFium: Data format error)")
    assert got["locked.pdf"] == ("unreadable", "PDF is encrypted (password protected)")
    assert got["not-a-pdf.pdf"] == ("unreadable", "not a PDF file (no %PDF- header)")
    assert got["empty.docx"] == ("unreadable", "file is empty")
    assert got["notzip.docx"] == ("unreadable", "not a valid .docx (not a zip file)")
    assert got["truncated.docx"] == ("unreadable", "not a valid .docx (not a zip file)")
    assert got["latin1.csv"] == ("unreadable", "not UTF-8 text at byte 15; save the file as UTF-8")
    assert got["quote.csv"] == ("unreadable", "unterminated quote in the row starting on line 3")
    assert got["bad.png"] == ("unreadable", "not a PNG image")
    assert got["bad.xlsx"] == ("unreadable", "not a valid .xlsx (not a zip file)")


def test_unreadable_items_carry_no_text_or_mentions_but_keep_hash_and_size(folder):
    write(folder / "locked.pdf", pdf_bytes(["RP-01"], encrypt="pw"))
    item = scan(folder, ["RP-01"]).items[0]
    assert item.text == "" and item.links == [] and len(item.sha256) == 64 and item.size > 0


def test_docx_declaring_more_than_the_cap_is_refused_before_parsing(folder):
    write(folder / "big.docx", docx_bytes(["ordinary"]))
    status, reason = reasons(folder, limits=Limits(max_zip_total=10_000))["big.docx"]
    assert status == "unreadable"
    assert reason.startswith("the .docx declares ") and reason.endswith("bytes uncompressed (limit 10000 bytes)")


def test_docx_zip_bomb_member_is_refused_by_ratio(folder):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes(["x"]))) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("word/media/image1.png", b"\0" * (5 * 2**20))
    write(folder / "bomb.docx", out.getvalue())
    status, reason = reasons(folder)["bomb.docx"]
    assert status == "unreadable"
    assert reason.startswith("zip entry 'word/media/image1.png' declares 5242880 bytes (compression ratio ")
    assert reason.endswith(", limit 200:1)")


def test_docx_with_too_many_entries(folder):
    write(folder / "a.docx", docx_bytes(["x"]))
    assert reasons(folder, limits=Limits(max_zip_entries=3))["a.docx"][1].startswith("the .docx holds ")


def test_docx_with_a_doctype_is_refused(folder):
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx_bytes(["x"]))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', 1)
            dst.writestr(info, data)
    write(folder / "xxe.docx", out.getvalue())
    assert reasons(folder)["xxe.docx"] == (
        "unreadable", "word/document.xml contains a DOCTYPE declaration (not allowed in Office files)")


def test_docx_document_xml_over_the_byte_cap(folder):
    write(folder / "long.docx", docx_bytes(["word " * 2000] * 20))
    status, reason = reasons(folder, limits=Limits(max_xml_bytes=50_000))["long.docx"]
    assert (status, reason) == ("unreadable", "word/document.xml is larger than 50000 bytes uncompressed (limit)")


def test_file_over_the_size_limit(folder):
    write(folder / "big.txt", "x" * 2000)
    item = scan(folder, limits=Limits(max_file_bytes=1000)).items[0]
    assert (item.status, item.reason, item.size, item.sha256) == (
        "unreadable", "file is larger than the 1000 bytes limit", 2000, "")


def test_text_over_the_character_cap_is_cut_and_said_so(folder):
    write(folder / "long.txt", "line RP-01\n" * 100)
    item = scan(folder, ["RP-01"], limits=Limits(max_text_chars=55)).items[0]
    assert item.status == "ok" and len(item.text) <= 55 + 10
    assert item.provenance["notes"] == "text cut at 55 characters (limit)"


def test_a_reader_that_crashes_never_stops_the_run(folder, monkeypatch):
    def boom(data, limits):
        raise ZeroDivisionError("division by zero")
    monkeypatch.setitem(readers.READERS, "txt", boom)
    write(folder / "a.txt", "x")
    write(folder / "b.md", "RP-01")
    got = reasons(folder)
    assert got["a.txt"] == ("unreadable", "could not be read (ZeroDivisionError: division by zero)")
    assert got["b.md"] == ("ok", None)


def test_xlsx_row_cap(folder):
    write(folder / "indicators" / "big.xlsx", xlsx_bytes({"s": [["period", "value"]] + [["2026-01", i] for i in range(50)]}))
    status, reason = reasons(folder, limits=Limits(max_xlsx_rows=10))["indicators/big.xlsx"]
    assert (status, reason) == ("unreadable", "table has more rows than the limit (10)")


@pytest.mark.parametrize("raw", [b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0\x00"])
def test_damaged_images(folder, raw):
    write(folder / ("x.png" if raw.startswith(b"\x89") else "x.jpg"), raw)
    status, reason = next(iter(reasons(folder).values()))
    assert status == "unreadable" and reason.startswith("damaged ")
