"""An evidence file as a document to show on exhibit pages: the structure the readers hand to the renderer.

The readers parse (under the evidence limits, in child processes for PDF, DOCX, XLSX and images) and
return a `Document`; the renderer only lays it out. Every class is a plain dataclass of strings,
numbers, bytes and lists, so a document pickles between processes.

    Document        source (the format read: "docx", "md", "txt", "eml", "csv", "xlsx", "png", "jpg",
                    "pdf"), blocks, notes (what the pages leave out or change: "text cut at 500,000
                    characters", "HTML email shown as text", ...; said beside the exhibit, not on its
                    pages), landscape (wide tables and wide images), pdf (PdfFacts, for a PDF only)
    PdfFacts        a PDF shown as it is: its pages as PDFium counts them, as qpdf counts them (or the
                    one-line reason qpdf cannot open it), and whether a page carries a signature widget

Blocks, in page order:

    Heading         content (inlines); kind "heading" (level 1-6), "title" or "subtitle" (level 0)
    Paragraph       content; depth (lists it sits in) and quote (block quotes it sits in)
    ListItem        the first paragraph of a list item: content, marker ("•", "◦" for a nested
                    bullet, "3."), depth (lists it sits in; a Word list paragraph: its level + 1), quote
    CodeBlock       text as typed, in a monospaced face; depth, quote; whole: one piece (front matter
                    shown as text) rather than pieces of 60 lines
    Rule            a horizontal rule
    LineBlock       lines of plain text (a text file's or an email's paragraph), kept as typed
    Table           rows of Cells (blocks, or text in a table of data); header_rows, repeated on each page;
                    a Cell spanning columns says so with span
    KeyValues       rows of (key, value): kind "front matter" (a Markdown file's) or "headers" (an email's)
    Image           re-encoded pixels (PNG or JPEG, no metadata), the size shown in points, the pixel size
    Remark          a line on the page about what is not shown: "[image not shown]", "[the table is empty]"
    Attachments     an email's attachments, named and not shown (more: how many beyond those named)

Inlines, inside headings, paragraphs, list items and cells:

    Text            characters as they are
    Break           a line break
    Styled          content in a style: "bold", "italic", "strike" or "underline"
    Code            inline code, monospaced
    Hyperlink       content, then its target as text (never followed); target None when not shown
    Verbatim        text with its line breaks and leading spaces kept (a paragraph cut to a length)

Text is evidence: the renderer escapes every string before it becomes page markup. The caps below are
on what a document carries; the frame is the part of an A4 page a document's content may fill (the
image reader sizes pictures to it).
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Union

__all__ = ["Document", "PdfFacts", "Heading", "Paragraph", "ListItem", "CodeBlock", "Rule", "LineBlock", "Table",
           "Cell", "KeyValues", "Image", "Remark", "Attachments", "Text", "Break", "Styled", "Code", "Hyperlink",
           "Verbatim", "Block", "Inline", "shown_strings", "one_break", "cut", "frame_size"]

MAX_TABLE_ROWS = 2_000            # data rows of a CSV/XLSX table (the header row comes on top)
MAX_TEXT_CHARS = 500_000          # text shown from one document (about 150 pages)
MAX_CELL_CHARS = 10_000           # text shown in one table cell
MAX_PARAGRAPH_CHARS = 20_000      # a longer Word paragraph is shown as plain text, cut here
MAX_IMAGE_PIXELS = 40_000_000     # PNG/JPEG: refused above this, before Pillow decodes anything
IMAGE_DPI = 200                   # images are resampled to at most this resolution on the page
PORTRAIT_MAX_COLUMNS = 6          # CSV/XLSX tables with more columns go landscape

CM = 72.0 / 2.54                  # points, as reportlab computes them (the same floats)
MM = CM * 0.1
A4 = (210 * MM, 297 * MM)         # points, portrait
MARGIN_X = 2.0 * CM
MARGIN_Y = 2.5 * CM               # the bundler's stamp band is 1.2 cm; nothing is drawn in the outer 2 cm
FRAME_PAD = 6                     # the layout frame's own padding, points


# ------------------------------------------------------------------------------------------ inlines

@dataclass
class Text:
    text: str


@dataclass
class Break:
    pass


@dataclass
class Styled:
    style: str                    # "bold" | "italic" | "strike" | "underline"
    content: list[Inline] = field(default_factory=list)


@dataclass
class Code:
    text: str


@dataclass
class Hyperlink:
    content: list[Inline] = field(default_factory=list)
    target: str | None = None     # shown after the content, "(../policy.pdf)"; None: an anchor, or no target


@dataclass
class Verbatim:
    text: str


Inline = Union[Text, Break, Styled, Code, Hyperlink, Verbatim]


# ------------------------------------------------------------------------------------------- blocks

@dataclass
class Heading:
    content: list[Inline]
    level: int = 1                # 1-6 for a heading; 0 for a title or subtitle
    kind: str = "heading"         # "heading" | "title" | "subtitle"


@dataclass
class Paragraph:
    content: list[Inline]
    depth: int = 0                # lists it sits in
    quote: int = 0                # block quotes it sits in


@dataclass
class ListItem:
    content: list[Inline]
    marker: str = "•"             # "•", "◦" (a nested bullet) or "3."
    depth: int = 1                # lists it sits in (0: a Markdown marker left over after its list closed)
    quote: int = 0


@dataclass
class CodeBlock:
    text: str
    depth: int = 0
    quote: int = 0
    whole: bool = False           # one piece, however long (else pieces of 60 lines)


@dataclass
class Rule:
    pass


@dataclass
class LineBlock:
    lines: list[str]


@dataclass
class Cell:
    blocks: list[Block] = field(default_factory=list)
    text: str | None = None       # a table of data: the cell's text (then there are no blocks)
    span: int = 1                 # columns the cell covers


@dataclass
class Table:
    rows: list[list[Cell]]
    header_rows: int = 0


@dataclass
class KeyValues:
    rows: list[tuple[str, str]]
    kind: str = "front matter"    # "front matter" | "headers"


@dataclass
class Image:
    data: bytes                   # PNG or JPEG, re-encoded from the pixels: no EXIF, GPS or other metadata
    format: str                   # "PNG" | "JPEG"
    width: float                  # shown, points
    height: float
    pixels: tuple[int, int]       # width and height of `data`, pixels


@dataclass
class Remark:
    text: str


@dataclass
class Attachments:
    names: list[str]
    more: int = 0                 # attachments beyond those named


Block = Union[Heading, Paragraph, ListItem, CodeBlock, Rule, LineBlock, Table, KeyValues, Image, Remark,
              Attachments]


# --------------------------------------------------------------------------------------- documents

@dataclass
class PdfFacts:
    pages: int                          # as PDFium counts them
    qpdf_pages: int | None = None       # as qpdf (pikepdf) counts them; None when qpdf cannot open the file
    qpdf_reason: str | None = None      # why qpdf cannot open it, one line
    signed: bool = False                # a page carries a signature field's widget


@dataclass
class Document:
    source: str
    blocks: list[Block] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    landscape: bool = False
    pdf: PdfFacts | None = None


# ------------------------------------------------------------------------------------------ helpers

def one_break(text: str) -> str:
    """The text with every line break a \\n. Characters no page may show are left in: the renderer shows
    them as U+FFFD when it escapes the text (compiler.render.escape), the one place that is done."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def frame_size(landscape: bool) -> tuple[float, float]:
    """Width and height, points, that a document's content may fill on an A4 page."""
    width, height = (A4[1], A4[0]) if landscape else A4
    return width - 2 * MARGIN_X - 2 * FRAME_PAD, height - 2 * MARGIN_Y - 2 * FRAME_PAD


def shown_strings(doc: Document) -> Iterator[str]:
    """Every string the document's pages show (list markers and notes are not the file's text)."""
    stack: list[object] = list(reversed(doc.blocks))
    while stack:
        node = stack.pop()
        if isinstance(node, (Text, Code, Verbatim, Remark)):
            yield node.text
        elif isinstance(node, CodeBlock):
            yield node.text
        elif isinstance(node, (Heading, Paragraph, ListItem, Styled)):
            stack.extend(reversed(node.content))
        elif isinstance(node, Hyperlink):
            if node.target:
                yield node.target
            stack.extend(reversed(node.content))
        elif isinstance(node, LineBlock):
            yield from node.lines
        elif isinstance(node, Table):
            for row in reversed(node.rows):
                stack.extend(reversed(row))
        elif isinstance(node, Cell):
            if node.text is not None:
                yield node.text
            stack.extend(reversed(node.blocks))
        elif isinstance(node, KeyValues):
            for key, value in node.rows:
                yield key
                yield value
        elif isinstance(node, Attachments):
            yield from node.names
