"""PDF: text per page and the document info, with PDFium (pypdfium2)."""
from __future__ import annotations

from ..limits import Limits
from .base import ReadResult, TextBuilder, Unreadable, one_line

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again


def open_pdf(data: bytes):  # noqa: ANN201 - a pypdfium2 PdfDocument; the caller closes it
    """Open PDF bytes with PDFium, or raise Unreadable with a one-line reason (also used for exhibits)."""
    import pypdfium2 as pdfium

    if data.startswith(b"PK\x03\x04"):
        raise Unreadable("not a PDF file (a ZIP archive named .pdf)")
    if b"%PDF-" not in data[:1024]:
        raise Unreadable("not a PDF file (no %PDF- header)")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4 or "password" in str(exc).lower():
            raise Unreadable("PDF is encrypted (password protected)") from None
        reason = str(exc).replace("Failed to load document", "").strip(" .")
        raise Unreadable(f"damaged PDF {reason}" if reason else "damaged PDF") from None


def read(data: bytes, limits: Limits) -> ReadResult:
    pdf = open_pdf(data)
    result = ReadResult()
    try:
        info = pdf.get_metadata_dict(skip_empty=True)
        if info.get("Title", "").strip():
            result.props["title"] = (one_line(info["Title"], 300), "PDF /Title")
        if info.get("Subject", "").strip():
            result.props["type"] = (info["Subject"], "PDF /Subject")
        if info.get("Author", "").strip():
            result.props["author"] = (one_line(info["Author"]), "PDF /Author")
        if info.get("Keywords", "").strip():
            result.keywords = (info["Keywords"], "PDF /Keywords")
        count = len(pdf)
        result.pages = count
        if count > limits.max_pdf_pages:
            result.notes.append(f"text read from the first {limits.max_pdf_pages} of {count} pages (limit)")
        text = TextBuilder(limits, result)
        for index in range(min(count, limits.max_pdf_pages)):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    content = textpage.get_text_range()
                finally:
                    textpage.close()
            finally:
                page.close()
            if not text.add(f"on page {index + 1}", content.replace("\r\n", "\n").replace("\r", "\n")):
                break
    except pdfium.PdfiumError as exc:
        raise Unreadable(f"damaged PDF ({one_line(str(exc))})") from None
    finally:
        pdf.close()
    return result
