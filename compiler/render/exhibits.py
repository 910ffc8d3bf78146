"""Exhibits for the PDF bundle: each evidence file as A4 pages.

PDFs are returned as they are. Every other format is rendered to clean pages with reportlab
platypus, leaving the top and bottom 2.5 cm free for the stamp band the bundler draws later.
Evidence text is data: every string goes through `xml.sax.saxutils.escape` before it becomes
reportlab paragraph markup, links are shown as text and never followed, images named by a
document are never loaded, and Markdown raw HTML is not rendered.
"""
from __future__ import annotations

import contextvars
import dataclasses
import email
import email.utils
import io
import re
import threading
import warnings
from dataclasses import dataclass
from email import policy
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.sax.saxutils import escape

from lxml import etree
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (HRFlowable, Image, PageBreak, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)
from reportlab.platypus.flowables import Flowable

from evidence_store.limits import DEFAULT_LIMITS, Limits
from evidence_store.readers import csv as csv_reader
from evidence_store.readers import image as image_reader
from evidence_store.readers.base import Unreadable, decode_text, one_line
from evidence_store.readers.email import html_to_text
from evidence_store.readers.xlsx import cell_text
from evidence_store.yamlsafe import MetaYamlError, load_yaml
from evidence_store.zipsafe import CappedReader, open_ooxml

__all__ = ["ExhibitError", "RenderedExhibit", "render_exhibit", "FORMATS"]

FORMATS = frozenset({"pdf", "docx", "md", "txt", "eml", "csv", "xlsx", "png", "jpg", "jpeg"})

MAX_TABLE_ROWS = 2_000            # data rows of a CSV/XLSX table (the header row comes on top)
MAX_TEXT_CHARS = 500_000          # text shown from one exhibit (about 150 pages)
MAX_CELL_CHARS = 10_000           # text shown in one table cell (rows taller than a page split)
MAX_IMAGE_PIXELS = 40_000_000     # PNG/JPEG: refused above this, before Pillow decodes anything
IMAGE_DPI = 200                   # images are resampled to at most this resolution on the page
PORTRAIT_MAX_COLUMNS = 6          # CSV/XLSX tables with more columns go landscape
GROUP_COLUMNS = 12                # wider tables are printed in groups of this many columns

MARGIN_X = 2.0 * cm
MARGIN_Y = 2.5 * cm               # the bundler's stamp band is 1.2 cm; nothing is drawn in the outer 2 cm
FRAME_PAD = 6                     # platypus Frame's default padding, points


# Table rows move whole to the next page; only when a row is taller than a page does the build
# start again with rows allowed to split inside (reportlab splits a row wherever a page ends).
_SPLIT_IN_ROW: contextvars.ContextVar[int] = contextvars.ContextVar("split_in_row", default=0)


class ExhibitError(Exception):
    """The file cannot be turned into exhibit pages; the message is a one-line reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(one_line(reason, 300))


@dataclass(frozen=True)
class RenderedExhibit:
    pdf: bytes          # the exhibit's pages, A4
    pages: int
    note: str | None    # "PDF exhibit included as it is", "table cut at 2,000 rows", ...


def render_exhibit(path: Path, fmt: str, *, title: str, limits: Limits = DEFAULT_LIMITS,
                   data: bytes | None = None) -> RenderedExhibit:
    """The exhibit pages for one evidence file (`fmt`: lower-case extension without the dot). `data`: the
    file's bytes as already read and checked against its SHA-256 — then the file is not read again, so the
    pages shown are of the bytes the pack attaches and hashes, even if the file changes meanwhile.

    Raises ExhibitError, with a one-line reason, for any file that cannot be shown."""
    fmt = fmt.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ExhibitError(f"no exhibit renderer for .{fmt} files")
    if data is None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise ExhibitError(f"cannot read the file ({exc.strerror or type(exc).__name__})") from None
        if size > limits.max_file_bytes:
            raise ExhibitError(f"the file is {size:,} bytes (limit {limits.max_file_bytes:,})")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ExhibitError(f"cannot read the file ({exc.strerror or type(exc).__name__})") from None
    elif len(data) > limits.max_file_bytes:
        raise ExhibitError(f"the file is {len(data):,} bytes (limit {limits.max_file_bytes:,})")
    if fmt == "pdf":
        return _pdf(data, limits)
    for fonts in _font_choices():
        chosen = _CHOSEN.set(fonts)
        try:
            pdf, pages, notes = _laid_out(fmt, data, limits, title)
            break
        except _NeedsUnicode:
            continue                        # text the standard fonts cannot show: the next fonts
        finally:
            _CHOSEN.reset(chosen)
    return RenderedExhibit(pdf=pdf, pages=pages, note="; ".join(dict.fromkeys(notes)) or None)


def _laid_out(fmt: str, data: bytes, limits: Limits, title: str) -> tuple[bytes, int, list[str]]:
    from reportlab.platypus.doctemplate import LayoutError

    for split_in_row in (0, 1):
        token = _SPLIT_IN_ROW.set(split_in_row)
        try:
            story, notes, wide = _RENDERERS[fmt](data, limits)
            pdf, pages = _build(story, title=title, wide=wide, retry=(LayoutError,) if not split_in_row else ())
            return pdf, pages, notes
        except Unreadable as exc:
            raise ExhibitError(str(exc)) from None
        except LayoutError:
            continue                        # a table row taller than a page: render again, splitting rows
        finally:
            _SPLIT_IN_ROW.reset(token)
    raise AssertionError("unreachable: the second pass re-raises nothing")


# --------------------------------------------------------------------------------------------
# PDF: as it is

def _pdf(data: bytes, limits: Limits) -> RenderedExhibit:
    import pypdfium2 as pdfium

    from evidence_store.readers.base import Unreadable
    from evidence_store.readers.pdf import open_pdf

    try:
        pdf = open_pdf(data)
    except Unreadable as exc:
        hint = "; supply an unencrypted copy" if "encrypted" in str(exc) else ""
        raise ExhibitError(f"{exc}{hint}") from None
    try:
        if pdfium.raw.FPDF_GetSecurityHandlerRevision(pdf.raw) != -1:
            raise ExhibitError("PDF is encrypted (permissions password); supply an unencrypted copy")
        pages = len(pdf)
    finally:
        pdf.close()
    if pages < 1:
        raise ExhibitError("PDF has no pages")
    if pages > limits.max_pdf_pages:
        raise ExhibitError(f"PDF has {pages:,} pages (limit {limits.max_pdf_pages:,})")
    return RenderedExhibit(pdf=data, pages=pages, note="PDF exhibit included as it is")


# --------------------------------------------------------------------------------------------
# Fonts, styles, text

@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    mono: str
    unicode: bool       # False: standard fonts, which show WinAnsi (cp1252) only
    strict: bool = False    # with unicode False: text they cannot show raises _NeedsUnicode (else it becomes '?')


_FONT_LOCK = threading.Lock()
_FONTS: _Fonts | None = None
_STYLES: dict[_Fonts, dict[str, ParagraphStyle]] = {}
_STANDARD = _Fonts("Helvetica", "Helvetica-Bold", "Courier", False, strict=True)
# The fonts of the exhibit being laid out (render_exhibit sets it); None: _default_fonts().
_CHOSEN: contextvars.ContextVar[_Fonts | None] = contextvars.ContextVar("exhibit_fonts", default=None)


class _NeedsUnicode(BaseException):
    """The exhibit has text the standard fonts cannot show: it is laid out again in DejaVu. A BaseException,
    so that the readers' `except Exception` (a damaged file) lets it through to render_exhibit."""


def _fonts() -> _Fonts:
    return _CHOSEN.get() or _default_fonts()


def _default_fonts() -> _Fonts:
    """DejaVu (shipped with matplotlib) registered once when available; else the standard fonts."""
    global _FONTS
    with _FONT_LOCK:
        if _FONTS is None:
            _FONTS = _register_dejavu() or _Fonts("Helvetica", "Helvetica-Bold", "Courier", False)
        return _FONTS


def _font_choices() -> tuple[_Fonts, ...]:
    """The fonts to try, in order. An exhibit whose text WinAnsi can encode is set in the standard fonts,
    which are not embedded: joined into a bundle, an exhibit with its own embedded DejaVu subsets cost qpdf
    about 100 KB of memory more (their width arrays and font files), and 2,500 of them made a provider-wide
    bundle overrun 1 GB. Any other exhibit is set in DejaVu, so no character is lost."""
    default = _default_fonts()
    return (_STANDARD, default) if default.unicode else (default,)


def _register_dejavu() -> _Fonts | None:
    try:
        import matplotlib
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        faces = {"SgSans": "DejaVuSans.ttf", "SgSans-Bold": "DejaVuSans-Bold.ttf",
                 "SgSans-Oblique": "DejaVuSans-Oblique.ttf", "SgSans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
                 "SgMono": "DejaVuSansMono.ttf", "SgMono-Bold": "DejaVuSansMono-Bold.ttf",
                 "SgMono-Oblique": "DejaVuSansMono-Oblique.ttf",
                 "SgMono-BoldOblique": "DejaVuSansMono-BoldOblique.ttf"}
        for name, file in faces.items():
            pdfmetrics.registerFont(TTFont(name, str(folder / file)))
        for family in ("SgSans", "SgMono"):
            pdfmetrics.registerFontFamily(family, normal=family, bold=f"{family}-Bold",
                                          italic=f"{family}-Oblique", boldItalic=f"{family}-BoldOblique")
    except Exception:                      # no matplotlib, a font missing or damaged: standard fonts
        return None
    return _Fonts("SgSans", "SgSans-Bold", "SgMono", True)


def _styles() -> dict[str, ParagraphStyle]:
    fonts = _fonts()
    styles = _STYLES.get(fonts)
    if styles is None:
        body = ParagraphStyle("body", fontName=fonts.regular, fontSize=10, leading=13.5, spaceAfter=5,
                              alignment=TA_LEFT, splitLongWords=1)
        styles = _STYLES[fonts] = {
            "body": body,
            "title": ParagraphStyle("title", parent=body, fontName=fonts.bold, fontSize=18, leading=22,
                                    spaceBefore=2, spaceAfter=10, keepWithNext=1),
            "h1": ParagraphStyle("h1", parent=body, fontName=fonts.bold, fontSize=15, leading=19,
                                 spaceBefore=10, spaceAfter=6, keepWithNext=1),
            "h2": ParagraphStyle("h2", parent=body, fontName=fonts.bold, fontSize=12.5, leading=16,
                                 spaceBefore=8, spaceAfter=4, keepWithNext=1),
            "h3": ParagraphStyle("h3", parent=body, fontName=fonts.bold, fontSize=11, leading=14,
                                 spaceBefore=6, spaceAfter=3, keepWithNext=1),
            "bullet": ParagraphStyle("bullet", parent=body, spaceAfter=2),
            "quote": ParagraphStyle("quote", parent=body, textColor=colors.HexColor("#444444")),
            "code": ParagraphStyle("code", parent=body, fontName=fonts.mono, fontSize=8.5, leading=11,
                                   backColor=colors.HexColor("#f3f3f3"), borderPadding=3,
                                   spaceBefore=2, spaceAfter=7),
            "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=11,
                                   textColor=colors.HexColor("#555555")),
            "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=1),
            "cellhead": ParagraphStyle("cellhead", parent=body, fontName=fonts.bold, fontSize=8.5,
                                       leading=10.5, spaceAfter=1),
            "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9, spaceAfter=0),
            "smallhead": ParagraphStyle("smallhead", parent=body, fontName=fonts.bold, fontSize=7.5,
                                        leading=9, spaceAfter=0),
        }
    return styles


# XML-illegal controls, C1 controls, lone surrogates, non-characters
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _clean(text: Any) -> str:
    """User text as plain characters the chosen font can take (no markup yet)."""
    text = _BAD_CHARS.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")
    fonts = _fonts()
    if fonts.strict:
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            raise _NeedsUnicode from None
    elif not fonts.unicode:
        text = text.encode("latin-1", "replace").decode("latin-1")
    return text


def _esc(text: Any) -> str:
    """User text as reportlab paragraph markup that prints exactly as typed."""
    return escape_text(_clean(text))


def escape_text(text: str) -> str:
    """Escape &, < and > so reportlab prints the text instead of reading it as markup."""
    return escape(text)


def _para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of user text (escaped here)."""
    return Paragraph(_esc(text), _styles()[style])


def _markup_para(markup: str, style: str = "body", bullet: str | None = None,
                 indent: float = 0) -> Paragraph:
    """A paragraph from markup built by this module (every user string in it already escaped)."""
    st = _styles()[style]
    if indent:
        st = ParagraphStyle(f"{style}-{indent:g}", parent=st, leftIndent=indent,
                            bulletIndent=max(indent - 11, 0))
    return Paragraph(markup, st, bulletText=bullet)


def _note(text: str) -> Paragraph:
    return _markup_para(f"<i>{escape_text(text)}</i>", "note")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _multiline(text: str) -> str:
    """Escaped markup keeping line breaks and leading indentation."""
    lines = []
    for line in _clean(text).expandtabs(4).split("\n"):
        stripped = line.lstrip(" ")
        lead = min(len(line) - len(stripped), 40)
        lines.append("&nbsp;" * lead + escape_text(stripped))
    return "<br/>".join(lines)


def _text_flowables(text: str, style: str = "body") -> Iterator[Paragraph]:
    """Plain text as wrapped paragraphs: blank lines separate paragraphs, line breaks are kept.
    Long blocks are cut into pieces so that no paragraph has to be split over many pages."""
    block: list[str] = []

    def flush() -> Iterator[Paragraph]:
        piece: list[str] = []
        size = 0
        for line in block:
            for part in _split_long(line, 3000):
                if piece and (len(piece) >= 40 or size + len(part) > 4000):
                    yield _markup_para(_multiline("\n".join(piece)), style)
                    piece, size = [], 0
                piece.append(part)
                size += len(part)
        if piece:
            yield _markup_para(_multiline("\n".join(piece)), style)
        block.clear()

    for line in text.splitlines():
        if line.strip():
            block.append(line.rstrip())
        elif block:
            yield from flush()
    if block:
        yield from flush()


def _split_long(line: str, size: int) -> Iterator[str]:
    while len(line) > size:
        cut = line.rfind(" ", size // 2, size)
        cut = cut if cut > 0 else size
        yield line[:cut]
        line = line[cut:].lstrip(" ")
    yield line


def _limit_text(text: str, notes: list[str]) -> str:
    if len(text) > MAX_TEXT_CHARS:
        notes.append(f"text cut at {MAX_TEXT_CHARS:,} characters")
        return text[:MAX_TEXT_CHARS]
    return text


# --------------------------------------------------------------------------------------------
# The document

def _frame_size(wide: bool) -> tuple[float, float]:
    width, height = landscape(A4) if wide else A4
    return width - 2 * MARGIN_X - 2 * FRAME_PAD, height - 2 * MARGIN_Y - 2 * FRAME_PAD


def _build(story: list[Flowable], *, title: str, wide: bool,
           retry: tuple[type[Exception], ...] = ()) -> tuple[bytes, int]:
    """The story on A4 pages; exceptions in `retry` propagate, any other layout failure is an ExhibitError."""
    if not story:
        story = [_note("[this file has no text to show]")]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=landscape(A4) if wide else A4,
                            leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_Y,
                            bottomMargin=MARGIN_Y, title=_BAD_CHARS.sub("", one_line(title, 300)), author="",
                            subject="", creator="sgpack", invariant=1)
    try:
        doc.build(story)
    except retry:
        raise
    except Exception as exc:               # reportlab layout errors on odd content (bugs show in tests)
        raise ExhibitError(f"the file could not be laid out on pages ({type(exc).__name__}: "
                           f"{one_line(str(exc), 120)})") from None
    return buffer.getvalue(), doc.page


# --------------------------------------------------------------------------------------------
# Tables

def _col_widths(columns: list[list[str]], avail: float, floor: float) -> list[float]:
    """Column widths that share `avail` by content length; no column narrower than `floor`
    (or an even share, when that is less)."""
    n = len(columns)
    if n == 0:
        return []
    weights = []
    for col in columns:
        lengths = [min(len(t), 80) for t in col if t] or [1]
        longest = max(lengths)
        mean = sum(lengths) / len(lengths)
        weights.append(max(3.0, min(45.0, (longest + 2 * mean) / 3 + 2)))
    floor = min(floor, avail / n)
    fixed: set[int] = set()
    widths = [avail * w / sum(weights) for w in weights]
    for _ in range(n):
        small = {i for i, w in enumerate(widths) if i not in fixed and w < floor}
        if not small:
            break
        fixed |= small
        rest = avail - floor * len(fixed)
        rest_weight = sum(w for i, w in enumerate(weights) if i not in fixed) or 1.0
        widths = [floor if i in fixed else rest * weights[i] / rest_weight for i in range(n)]
    return widths


def _grid_style(header: bool, font: str, size: float, extra: Iterable[tuple] = ()) -> TableStyle:
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9a9a9a")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("FONT", (0, 0), (-1, -1), font, size, size + 1.5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")))
        commands.append(("FONT", (0, 0), (-1, 0), _fonts().bold, size, size + 1.5))
    commands.extend(extra)
    return TableStyle(commands)


def _data_table(rows: list[list[str]], avail: float, *, small: bool) -> Table:
    """A table of plain strings with the first row as a header repeated on every page.
    A cell that fits its column on one line is drawn as a string; others become wrapped paragraphs."""
    fonts = _fonts()
    styles = _styles()
    size = 7.5 if small else 8.5
    cell_style, head_style = (styles["small"], styles["smallhead"]) if small else (styles["cell"], styles["cellhead"])
    widths = _col_widths([list(col) for col in zip(*rows)], avail, 1.4 * cm)
    data: list[list[Any]] = []
    for r, row in enumerate(rows):
        font = fonts.bold if r == 0 else fonts.regular
        out: list[Any] = []
        for c, text in enumerate(row):
            if text and ("\n" in text or stringWidth(text, font, size) > widths[c] - 6):
                out.append(Paragraph(_multiline(text), head_style if r == 0 else cell_style))
            else:
                out.append(text)
        data.append(out)
    return Table(data, colWidths=widths, repeatRows=1, splitInRow=_SPLIT_IN_ROW.get(), hAlign="LEFT",
                 style=_grid_style(True, fonts.regular, size))


def _tabular(rows: list[list[Any]], notes: list[str], *, truncated: bool) -> tuple[list[Flowable], bool]:
    """CSV/XLSX rows (header first) as tables; landscape when wide, column groups when very wide."""
    if not rows:
        return [_note("[the table is empty]")], False
    if len(rows) > MAX_TABLE_ROWS + 1:
        rows = rows[: MAX_TABLE_ROWS + 1]
        truncated = True
    if truncated:
        notes.append(f"table cut at {MAX_TABLE_ROWS:,} rows")
    texts = [[_clean(v) for v in row] for row in rows]
    if any(len(v) > MAX_CELL_CHARS for row in texts for v in row):
        notes.append(f"table cell text cut at {MAX_CELL_CHARS:,} characters")
        texts = [[_cut(v, MAX_CELL_CHARS) for v in row] for row in texts]
    ncols = max(len(row) for row in texts)
    texts = [row + [""] * (ncols - len(row)) for row in texts]
    wide = ncols > PORTRAIT_MAX_COLUMNS
    avail = _frame_size(wide)[0]
    story: list[Flowable] = []
    if truncated:
        story.append(_note(f"Only the first {MAX_TABLE_ROWS:,} rows are shown."))
    if ncols <= GROUP_COLUMNS + 2:
        story.append(_data_table(texts, avail, small=wide))
        return story, wide
    # Too wide for one page: print groups of columns, each repeating the first column.
    groups = [list(range(start, min(start + GROUP_COLUMNS - 1, ncols)))
              for start in range(1, ncols, GROUP_COLUMNS - 1)]
    notes.append(f"wide table printed in {len(groups)} column groups")
    for k, group in enumerate(groups):
        if k:
            story.append(PageBreak())
        cols = [0] + group
        story.append(_note(f"Columns 1 and {group[0] + 1}–{group[-1] + 1} of {ncols} "
                           f"(group {k + 1} of {len(groups)})"))
        story.append(_data_table([[row[c] for c in cols] for row in texts], avail, small=True))
    return story, wide


# --------------------------------------------------------------------------------------------
# CSV and XLSX

def _csv(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    capped = dataclasses.replace(limits, max_csv_rows=min(limits.max_csv_rows, MAX_TABLE_ROWS + 1),
                                 max_text_chars=1)
    result = csv_reader.read(data, capped)
    notes: list[str] = []
    story, wide = _tabular([cells for _, cells in result.rows or []], notes, truncated=result.rows_truncated)
    return story, notes, wide


def _xlsx(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    open_ooxml(data, "xlsx", limits).close()          # zip pre-check before openpyxl sees it
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception as exc:                           # openpyxl raises many kinds on a damaged workbook
        raise ExhibitError(f"not a valid .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    notes: list[str] = []
    rows: list[list[Any]] = []
    truncated = False
    try:
        sheets = book.worksheets
        if not sheets:
            raise ExhibitError("the .xlsx has no worksheets")
        first = sheets[0]
        if len(sheets) > 1:
            others = ", ".join(repr(one_line(s.title, 40)) for s in sheets[1:6])
            more = f" and {len(sheets) - 6} more" if len(sheets) > 6 else ""
            notes.append(f"first sheet {one_line(first.title, 40)!r} shown; not shown: {others}{more}")
        max_col = min(first.max_column or limits.max_columns, limits.max_columns)
        for count, values in enumerate(first.iter_rows(values_only=True, max_col=max_col), start=1):
            if count > limits.max_xlsx_rows:
                truncated = True
                break
            cells = [cell_text(v) for v in values[: limits.max_columns]]
            if not any(c.strip() for c in cells):
                continue
            if len(rows) > MAX_TABLE_ROWS:
                truncated = True
                break
            rows.append(cells)
    except ExhibitError:
        raise
    except Exception as exc:
        raise ExhibitError(f"damaged .xlsx ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        book.close()
    # drop columns that are empty in every row (read-only sheets often report a wide dimension)
    width = max((max((i + 1 for i, c in enumerate(row) if c.strip()), default=0) for row in rows), default=0)
    rows = [row[:width] for row in rows]
    story, wide = _tabular(rows, notes, truncated=truncated)
    return story, notes, wide


# --------------------------------------------------------------------------------------------
# DOCX, streamed from word/document.xml

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_R = W + "p", W + "tbl", W + "tr", W + "tc", W + "r"
_W_T, _W_TAB, _W_BR, _W_CR = W + "t", W + "tab", W + "br", W + "cr"
_W_PPR, _W_RPR, _W_VAL = W + "pPr", W + "rPr", W + "val"
_IMAGE_TAGS = {W + "drawing", W + "pict", W + "object"}
_HEADINGS = {"title": "title", "heading1": "h1", "heading2": "h2", "heading3": "h3", "heading4": "h3",
             "heading5": "h3", "heading6": "h3", "subtitle": "h3"}
_LIST_STYLES = ("listparagraph", "listbullet", "listnumber", "list")


def _docx(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    archive = open_ooxml(data, "docx", limits)
    if "word/document.xml" not in archive.namelist():
        raise ExhibitError("not a valid .docx (no word/document.xml)")
    builder = _DocxStory()
    try:
        with archive.open("word/document.xml") as raw:
            stream = CappedReader(raw, limits.max_xml_bytes, "word/document.xml")
            for _, el in etree.iterparse(stream, events=("end",), tag=(_W_P, _W_TBL), resolve_entities=False,
                                         no_network=True, load_dtd=False, huge_tree=False):
                if builder.full:
                    break
                if any(a.tag in (_W_P, _W_TBL) for a in el.iterancestors()):
                    continue            # part of a table or text box: handled with its container
                if el.tag == _W_P:
                    builder.paragraph(el)
                else:
                    builder.table(el)
                # free what has been rendered
                el.clear(keep_tail=True)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise ExhibitError(f"word/document.xml is not well-formed XML ({one_line(exc.msg or str(exc))})") from None
    except (Unreadable, ExhibitError):
        raise
    except Exception as exc:                     # zip stream errors: CRC, truncated data
        raise ExhibitError(f"word/document.xml cannot be read ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        archive.close()
    return builder.story, builder.notes, False


class _DocxStory:
    def __init__(self) -> None:
        self.story: list[Flowable] = []
        self.notes: list[str] = []
        self.left = MAX_TEXT_CHARS
        self.full = False

    def _take(self, n: int) -> None:
        self.left -= n
        if self.left < 0 and not self.full:
            self.full = True
            self.notes.append(f"text cut at {MAX_TEXT_CHARS:,} characters")

    def paragraph(self, p: etree._Element) -> None:
        markup, plain, images, hidden = _runs(p)
        if hidden:
            self.notes.append("hidden text not shown")
        self._take(len(plain))
        style, level = _para_kind(p)
        if plain.strip():
            markup = markup if len(plain) <= 20_000 else _multiline(_cut(plain, 20_000))
            if style == "bullet":
                indent = 16 + 14 * min(level, 6)
                self.story.append(_markup_para(markup, "bullet", bullet="•", indent=indent))
            else:
                self.story.append(_markup_para(markup, style))
        if images:
            self.story.append(_note("[image not shown]"))

    def table(self, tbl: etree._Element) -> None:
        cells_text: list[list[str]] = []          # for column widths
        rows: list[list[Any]] = []
        spans: list[tuple] = []
        header_rows = 0
        styles = _styles()
        for r, tr in enumerate(tbl.iterchildren(_W_TR)):
            trpr = tr.find(W + "trPr")
            if r == header_rows and trpr is not None and trpr.find(W + "tblHeader") is not None:
                header_rows += 1
            row: list[Any] = []
            texts: list[str] = []
            for tc in tr.iterchildren(_W_TC):
                span = _grid_span(tc)
                content, text = self._cell(tc, styles["cell"])
                if span > 1:
                    spans.append(("SPAN", (len(row), r), (len(row) + span - 1, r)))
                row.append(content)
                texts.append(text if span == 1 else "")
                for _ in range(span - 1):
                    row.append("")
                    texts.append("")
            rows.append(row)
            cells_text.append(texts)
            if self.full:
                break
        if not rows:
            return
        ncols = max(len(row) for row in rows)
        if ncols == 0:
            return
        for row, texts in zip(rows, cells_text):
            row.extend([""] * (ncols - len(row)))
            texts.extend([""] * (ncols - len(texts)))
        widths = _col_widths([list(col) for col in zip(*cells_text)], _frame_size(False)[0], 1.6 * cm)
        extra = list(spans)
        if header_rows:
            extra.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), colors.HexColor("#e6e6e6")))
        table = Table(rows, colWidths=widths, repeatRows=header_rows, splitInRow=_SPLIT_IN_ROW.get(), hAlign="LEFT",
                      style=_grid_style(False, _fonts().regular, 8.5, extra))
        self.story.append(Spacer(1, 3))
        self.story.append(table)
        self.story.append(Spacer(1, 8))

    def _cell(self, tc: etree._Element, style: ParagraphStyle) -> tuple[list[Flowable] | str, str]:
        """A cell's paragraphs (nested tables flattened to text), and its text for width sharing."""
        flowables: list[Flowable] = []
        texts: list[str] = []
        budget = MAX_CELL_CHARS
        for p in tc.iter(_W_P):
            if any(a.tag == _W_P for a in p.iterancestors()):
                continue                  # a text box inside a paragraph: its runs come with it
            markup, plain, images, _ = _runs(p)
            self._take(len(plain))
            if plain.strip() and budget > 0:
                if len(plain) > budget:
                    markup = _multiline(_cut(plain, budget))
                    self.notes.append(f"table cell text cut at {MAX_CELL_CHARS:,} characters")
                budget -= len(plain)
                kind, level = _para_kind(p)
                if kind == "bullet":
                    flowables.append(Paragraph(markup, style, bulletText="•"))
                elif kind in ("h1", "h2", "h3", "title"):
                    flowables.append(Paragraph(f"<b>{markup}</b>", style))
                else:
                    flowables.append(Paragraph(markup, style))
                texts.append(plain)
            if images:
                flowables.append(Paragraph("<i>[image not shown]</i>", style))
        return flowables or "", " ".join(texts)


def _grid_span(tc: etree._Element) -> int:
    tcpr = tc.find(W + "tcPr")
    span = tcpr.find(W + "gridSpan") if tcpr is not None else None
    try:
        return max(1, min(int(span.get(_W_VAL)), 64)) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _on(el: etree._Element | None) -> bool:
    return el is not None and (el.get(_W_VAL) or "true").lower() not in ("0", "false", "off", "none")


def _runs(p: etree._Element) -> tuple[str, str, bool, bool]:
    """(markup with bold/italic, plain text, has images, has hidden text) of a paragraph."""
    markup: list[str] = []
    plain: list[str] = []
    images = hidden = False
    for run in p.iter(_W_R):
        rpr = run.find(_W_RPR)
        if rpr is not None and _on(rpr.find(W + "vanish")):
            hidden = True
            continue
        bold = rpr is not None and _on(rpr.find(W + "b"))
        italic = rpr is not None and _on(rpr.find(W + "i"))
        parts: list[str] = []
        for child in run:
            if child.tag == _W_T:
                parts.append(child.text or "")
            elif child.tag == _W_TAB:
                parts.append("    ")
            elif child.tag in (_W_BR, _W_CR):
                parts.append("\n")
            elif child.tag in _IMAGE_TAGS:
                images = True
        text = "".join(parts)
        if not text:
            continue
        plain.append(text)
        piece = "<br/>".join(escape_text(line) for line in _clean(text).split("\n"))
        if bold:
            piece = f"<b>{piece}</b>"
        if italic:
            piece = f"<i>{piece}</i>"
        markup.append(piece)
    return "".join(markup), "".join(plain), images, hidden


def _para_kind(p: etree._Element) -> tuple[str, int]:
    """("title" | "h1" | "h2" | "h3" | "bullet" | "body", list level)."""
    ppr = p.find(_W_PPR)
    if ppr is None:
        return "body", 0
    style_el = ppr.find(W + "pStyle")
    style = (style_el.get(_W_VAL) or "").lower().replace(" ", "") if style_el is not None else ""
    if style in _HEADINGS:
        return _HEADINGS[style], 0
    numpr = ppr.find(W + "numPr")
    if numpr is not None or style.startswith(_LIST_STYLES):
        level = 0
        ilvl = numpr.find(W + "ilvl") if numpr is not None else None
        if ilvl is not None:
            try:
                level = max(0, min(int(ilvl.get(_W_VAL) or 0), 8))
            except ValueError:
                level = 0
        return "bullet", level
    return "body", 0


# --------------------------------------------------------------------------------------------
# Markdown (js-default preset: raw HTML off; links and images never followed or loaded)

def _md(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    from markdown_it import MarkdownIt

    notes: list[str] = []
    text = _limit_text(decode_text(data), notes).replace("\r\n", "\n").replace("\r", "\n")
    story: list[Flowable] = []
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is not None:
            story.extend(_front_matter("\n".join(lines[1:end]), notes))
            text = "\n".join(lines[end + 1:])
    md = MarkdownIt("js-default")
    try:
        tokens = md.parse(text)
    except RecursionError:
        raise ExhibitError("the Markdown is nested too deeply to render") from None
    story.extend(_MdStory().run(tokens))
    return story, notes, False


def _front_matter(source: str, notes: list[str]) -> list[Flowable]:
    try:
        meta = load_yaml(source)
    except MetaYamlError:
        notes.append("front matter is not valid YAML; shown as text")
        return [_markup_para(_multiline(source), "code")]
    if meta is None:
        return []
    if not isinstance(meta, dict):
        return [_markup_para(_multiline(source), "code")]
    rows = []
    for key, value in meta.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        shown = _cut(str(value if value is not None else ""), MAX_CELL_CHARS)
        rows.append([_para(_cut(str(key), 200), "cellhead"), Paragraph(_multiline(shown), _styles()["cell"])])
    if not rows:
        return []
    avail = _frame_size(False)[0]
    table = Table(rows, colWidths=[avail * 0.28, avail * 0.72], splitInRow=_SPLIT_IN_ROW.get(), hAlign="LEFT",
                  style=_grid_style(False, _fonts().regular, 8.5,
                                    [("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f0f0f0"))]))
    return [table, Spacer(1, 10)]


class _MdStory:
    """Walks markdown-it's flat token stream (no recursion) and makes flowables."""

    def __init__(self) -> None:
        self.story: list[Flowable] = []
        self.lists: list[list[int | None]] = []      # per open list: [next number or None]
        self.quote = 0
        self.table: list[list[str]] | None = None
        self.heading: str | None = None
        self.pending_bullet: str | None = None

    def run(self, tokens: list) -> list[Flowable]:  # noqa: ANN001
        for tok in tokens:
            t = tok.type
            if t == "heading_open":
                self.heading = {"h1": "h1", "h2": "h2"}.get(tok.tag, "h3")
            elif t == "heading_close":
                self.heading = None
            elif t == "bullet_list_open":
                self.lists.append([None])
            elif t == "ordered_list_open":
                start = tok.attrGet("start")
                self.lists.append([int(start) if isinstance(start, (int, str)) and str(start).isdigit() else 1])
            elif t in ("bullet_list_close", "ordered_list_close"):
                if self.lists:
                    self.lists.pop()
            elif t == "list_item_open":
                top = self.lists[-1] if self.lists else [None]
                if top[0] is None:
                    self.pending_bullet = "•" if len(self.lists) % 2 else ("◦" if _fonts().unicode else "–")
                else:
                    self.pending_bullet = f"{top[0]}."
                    top[0] += 1
            elif t == "blockquote_open":
                self.quote += 1
            elif t == "blockquote_close":
                self.quote = max(0, self.quote - 1)
            elif t == "hr":
                self.story.append(HRFlowable(width="100%", thickness=0.5, color=colors.grey,
                                             spaceBefore=4, spaceAfter=6))
            elif t in ("fence", "code_block"):
                content = tok.content.rstrip("\n")
                for piece in _chunks(content.split("\n"), 60):
                    self.story.append(_markup_para(_multiline("\n".join(piece)), "code", indent=self._indent()))
            elif t == "table_open":
                self.table = []
            elif t == "tr_open" and self.table is not None:
                self.table.append([])
            elif t == "table_close" and self.table is not None:
                rows = [row for row in self.table if row]
                self.table = None
                if rows:
                    ncols = max(len(r) for r in rows)
                    rows = [r + [""] * (ncols - len(r)) for r in rows]
                    self.story.append(Spacer(1, 4))
                    self.story.append(_md_table(rows, _frame_size(False)[0]))
                    self.story.append(Spacer(1, 6))
            elif t == "inline":
                markup = _inline(tok.children or [])
                if self.table is not None and self.table:
                    self.table[-1].append(markup)
                elif self.heading:
                    self.story.append(_markup_para(markup, self.heading))
                elif markup.strip():
                    self._paragraph(markup)
            elif t == "html_block":                 # not produced with html off; shown as text if it is
                self._paragraph(_multiline(tok.content))
        return self.story

    def _indent(self) -> float:
        return 18 * min(len(self.lists), 6) + 14 * min(self.quote, 4)

    def _paragraph(self, markup: str) -> None:
        style = "quote" if self.quote else ("bullet" if self.lists else "body")
        bullet, self.pending_bullet = self.pending_bullet, None
        self.story.append(_markup_para(markup, style, bullet=bullet, indent=self._indent()))


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _inline(children: list) -> str:  # noqa: ANN001
    """Inline tokens as markup; every piece of text escaped, links as text, images as [image: alt]."""
    out: list[str] = []
    links: list[str | None] = []
    for tok in children:
        t = tok.type
        if t == "text":
            out.append(_esc(tok.content))
        elif t == "code_inline":
            out.append(f'<font face="{_fonts().mono}">{_esc(tok.content)}</font>')
        elif t == "softbreak":
            out.append(" ")
        elif t == "hardbreak":
            out.append("<br/>")
        elif t == "strong_open":
            out.append("<b>")
        elif t == "strong_close":
            out.append("</b>")
        elif t == "em_open":
            out.append("<i>")
        elif t == "em_close":
            out.append("</i>")
        elif t == "s_open":
            out.append("<strike>")
        elif t == "s_close":
            out.append("</strike>")
        elif t == "link_open":
            href = tok.attrGet("href")
            links.append(str(href) if href else None)
            out.append("<u>")
        elif t == "link_close":
            out.append("</u>")
            href = links.pop() if links else None
            if href and not href.startswith("#"):
                out.append(f" ({_esc(_cut(href, 200))})")
        elif t == "image":
            alt = tok.content or "".join(c.content for c in (tok.children or []))
            out.append(f"[image: {_esc(alt)}]")
        elif t in ("html_inline",):
            out.append(_esc(tok.content))
        elif tok.content:
            out.append(_esc(tok.content))
    return "".join(out)


def _md_table(rows: list[list[str]], avail: float) -> Table:
    styles = _styles()
    plain = [[re.sub(r"<[^>]*>", "", cell) for cell in row] for row in rows]
    widths = _col_widths([list(col) for col in zip(*plain)], avail, 1.4 * cm)
    data = [[Paragraph(cell, styles["cellhead"] if r == 0 else styles["cell"]) for cell in row]
            for r, row in enumerate(rows)]
    return Table(data, colWidths=widths, repeatRows=1, splitInRow=_SPLIT_IN_ROW.get(), hAlign="LEFT",
                 style=_grid_style(True, _fonts().regular, 8.5))


# --------------------------------------------------------------------------------------------
# Plain text and email

def _txt(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    notes: list[str] = []
    text = _limit_text(decode_text(data), notes)
    return list(_text_flowables(text)), notes, False


_EMAIL_HEADERS = ("From", "To", "Cc", "Date", "Subject")


def _eml(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    notes: list[str] = []
    try:
        message = email.message_from_bytes(data, policy=policy.default)
    except Exception as exc:                       # the email package raises many kinds on bad input
        raise ExhibitError(f"not a readable email ({one_line(str(exc)) or type(exc).__name__})") from None
    story: list[Flowable] = []
    rows = []
    for name in _EMAIL_HEADERS:
        value = _header(message, name)
        if value:
            rows.append([_para(name + ":", "cellhead"), _para(_cut(value, MAX_CELL_CHARS), "cell")])
    if rows:
        avail = _frame_size(False)[0]
        story.append(Table(rows, colWidths=[2.2 * cm, avail - 2.2 * cm], hAlign="LEFT", splitInRow=_SPLIT_IN_ROW.get(),
                           style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                             ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.grey),
                                             ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                             ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                                             ("TOPPADDING", (0, 0), (-1, -1), 1)])))
        story.append(Spacer(1, 10))
    body, html = _email_body(message)
    if html:
        notes.append("HTML email shown as text")
    story.extend(_text_flowables(_limit_text(body, notes)))
    attachments = _attachments(message)
    if attachments:
        story.append(Spacer(1, 6))
        for name in attachments[:50]:
            story.append(_note(f"[attachment not shown: {one_line(name, 120)}]"))
        if len(attachments) > 50:
            story.append(_note(f"[and {len(attachments) - 50} more attachments]"))
    return story, notes, False


def _header(message, name: str) -> str:  # noqa: ANN001
    try:
        value = message.get(name)
        return one_line(str(value), 2000) if value is not None else ""
    except Exception:                              # a malformed header is left out, not fatal
        return ""


def _email_body(message) -> tuple[str, bool]:  # noqa: ANN001
    try:
        part = message.get_body(preferencelist=("plain", "html"))
    except Exception:
        part = None
    if part is None:
        return "", False
    try:
        content = part.get_content()
    except Exception:
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else str(payload)
    if isinstance(content, bytes):
        content = content.decode("utf-8", errors="replace")
    if part.get_content_subtype() == "html":
        return html_to_text(content), True
    return str(content), False


def _attachments(message) -> list[str]:  # noqa: ANN001
    names: list[str] = []
    try:
        for part in message.iter_attachments():
            names.append(part.get_filename() or part.get_content_type() or "attachment")
    except Exception:  # noqa: BLE001 - a malformed MIME tree: say so rather than fail the exhibit
        names.append("(further attachments could not be listed)")
    return names


# --------------------------------------------------------------------------------------------
# Images

def _image(data: bytes, limits: Limits, kind: str) -> tuple[list[Flowable], list[str], bool]:
    header = image_reader.read(data, limits, kind="png" if kind == "png" else "jpg")
    width, height = header.width or 0, header.height or 0
    if width < 1 or height < 1:
        raise ExhibitError("the image has no pixels")
    if width * height > MAX_IMAGE_PIXELS:
        raise ExhibitError(f"the image is {width}×{height} pixels ({width * height / 1e6:.0f} megapixels; "
                           f"limit {MAX_IMAGE_PIXELS // 1_000_000})")
    from PIL import Image as PILImage
    from PIL import ImageOps

    fmt = "PNG" if data.startswith(b"\x89PNG") else "JPEG"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            im = PILImage.open(io.BytesIO(data), formats=[fmt])
            if im.width * im.height > MAX_IMAGE_PIXELS:
                raise ExhibitError(f"the image is {im.width}×{im.height} pixels (limit "
                                   f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels)")
            im.load()
            if fmt == "JPEG":
                im = ImageOps.exif_transpose(im)
            if im.mode not in ("RGB", "RGBA", "L", "LA"):
                has_alpha = im.mode in ("P", "PA", "RGBa", "La") and ("transparency" in im.info or "A" in im.mode)
                im = im.convert("RGBA" if has_alpha else "RGB")
    except ExhibitError:
        raise
    except Exception as exc:                       # Pillow raises many kinds on damaged images
        raise ExhibitError(f"damaged image ({one_line(str(exc)) or type(exc).__name__})") from None

    notes: list[str] = []
    wide = im.width > im.height * 1.05
    avail_w, avail_h = _frame_size(wide)
    avail_h -= 2
    natural_w, natural_h = im.width * 0.75, im.height * 0.75          # 96 pixels per inch
    scale = min(1.0, avail_w / natural_w, avail_h / natural_h)
    if scale < 1.0:
        notes.append("image scaled to fit")
    shown_w, shown_h = natural_w * scale, natural_h * scale
    target_w = max(1, round(shown_w / 72 * IMAGE_DPI))
    if im.width > target_w * 1.1:
        target_h = max(1, round(im.height * target_w / im.width))
        im = im.resize((target_w, target_h), PILImage.Resampling.LANCZOS)
    # re-encode the pixels: no EXIF, GPS or other metadata goes into the bundle
    out = io.BytesIO()
    if fmt == "JPEG" and im.mode in ("RGB", "L"):
        im.save(out, format="JPEG", quality=90, subsampling=0, optimize=False)
    else:
        im.save(out, format="PNG", optimize=False)
    out.seek(0)
    picture = Image(out, width=shown_w, height=shown_h, hAlign="CENTER")
    return [picture], notes, wide


def _png(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    return _image(data, limits, "png")


def _jpg(data: bytes, limits: Limits) -> tuple[list[Flowable], list[str], bool]:
    return _image(data, limits, "jpg")


_RENDERERS = {"docx": _docx, "md": _md, "txt": _txt, "eml": _eml, "csv": _csv, "xlsx": _xlsx,
              "png": _png, "jpg": _jpg, "jpeg": _jpg}
