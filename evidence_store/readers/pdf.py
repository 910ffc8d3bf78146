"""PDF: text per page and the document info, with PDFium (pypdfium2); as a document, the facts a bundle
needs to include the PDF as it is (its pages as PDFium and qpdf count them, whether it is signed)."""
from __future__ import annotations

import re

from ..document import Document, PdfFacts
from ..limits import Limits
from .base import ReadResult, TextBuilder, Unreadable, one_line

READER_VERSION = "2"   # bump when what this reader returns changes: the cache then reads such files again


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
    import pypdfium2 as pdfium

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
        blank: list[int] = []                         # pages with no text: an image, a scan
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
            if not content.strip():
                blank.append(index + 1)
            if not text.add(f"on page {index + 1}", content.replace("\r\n", "\n").replace("\r", "\n")):
                break
        if blank:
            result.notes.append(_blank_note(blank, min(count, limits.max_pdf_pages)))
    except pdfium.PdfiumError as exc:
        raise Unreadable(f"damaged PDF ({one_line(str(exc))})") from None
    finally:
        pdf.close()
    return result


def _blank_note(pages: list[int], read: int) -> str:
    """What a page with no text means: an image or a scan, so nothing on it dates, types or links the file."""
    if len(pages) == read:
        where = "page 1" if read == 1 else f"any of its {read} pages"
        return f"no text on {where} (an image or a scan): nothing in it can date or link it"
    shown = ", ".join(map(str, pages[:10])) + (f" and {len(pages) - 10} more" if len(pages) > 10 else "")
    return f"no text on page{'s' if len(pages) > 1 else ''} {shown} (images or scans)"


def document(data: bytes, limits: Limits) -> Document:
    """A PDF is shown as it is: Unreadable when it cannot be (damaged, encrypted, no pages, too many),
    else its facts. qpdf opens it too, so that joining it into a bundle needs no look of its own."""
    import pypdfium2 as pdfium

    try:
        pdf = open_pdf(data)
    except Unreadable as exc:
        hint = "; supply an unencrypted copy" if "encrypted" in str(exc) else ""
        raise Unreadable(f"{exc}{hint}") from None
    try:
        if pdfium.raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
            raise Unreadable("PDF is encrypted (permissions password); supply an unencrypted copy")
        pages = len(pdf)
    finally:
        pdf.close()
    if pages < 1:
        raise Unreadable("PDF has no pages")
    if pages > limits.max_pdf_pages:
        raise Unreadable(f"PDF has {pages:,} pages (limit {limits.max_pdf_pages:,})")
    return Document("pdf", pdf=_qpdf_facts(data, PdfFacts(pages)))


def _qpdf_facts(data: bytes, facts: PdfFacts) -> PdfFacts:
    """The pages qpdf sees, or the first line of why it cannot open the file; and whether it is signed."""
    import io
    import warnings

    import pikepdf

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pikepdf.Pdf.open(io.BytesIO(data)) as src:
                facts.qpdf_pages = len(src.pages)
                facts.signed = _signed(src)
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:                     # pikepdf.PdfError, and whatever a damaged object tree raises
        # qpdf names the file it read, here "stream <_io.BytesIO object at 0x…>": a reason that differed
        # from run to run
        lines = [_STREAM.sub("", line, count=1) for line in str(exc).strip().splitlines()]
        facts.qpdf_pages, facts.signed = None, False
        facts.qpdf_reason = lines[0][:200] if lines and lines[0] else type(exc).__name__
    return facts


_STREAM = re.compile(r"^stream <[^<>]*>:?\s*")


def _signed(src) -> bool:  # noqa: ANN001 - a pikepdf.Pdf
    """Whether any page carries a signature field's widget: an annotation whose /FT, or an ancestor
    field's (up to 8 levels), is /Sig."""
    from pikepdf import Array, Dictionary, Name

    for page in src.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        for annot in annots:
            node = annot
            for _ in range(8):
                if not isinstance(node, Dictionary):
                    break
                if node.get("/FT") == Name.Sig:
                    return True
                node = node.get("/Parent")
    return False
