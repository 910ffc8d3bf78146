"""Exhibit text blocks as flowables: headings, paragraphs, list items, code, plain lines, remarks, images."""
from __future__ import annotations

import io
from collections.abc import Iterator

from reportlab.lib import colors
from reportlab.platypus import HRFlowable, Image, Paragraph, Spacer
from reportlab.platypus.flowables import Flowable

from evidence_store.document import (Attachments, Break, Code, CodeBlock, Document, Heading, Hyperlink, Inline,
                                     LineBlock, ListItem, Remark, Styled, Text, Verbatim)
from evidence_store.document import Image as Picture
from evidence_store.document import Paragraph as Para

from .fonts import esc, fonts, markup_para, multiline, note

_TAGS = {"bold": "b", "italic": "i", "strike": "strike", "underline": "u"}


def markup(content: list[Inline]) -> str:
    """Inlines as paragraph markup: every piece of text escaped, a link's target printed after it as text."""
    out: list[str] = []
    for node in content:
        if isinstance(node, Text):
            out.append(esc(node.text))
        elif isinstance(node, Break):
            out.append("<br/>")
        elif isinstance(node, Code):
            out.append(f'<font face="{fonts().mono}">{esc(node.text)}</font>')
        elif isinstance(node, Styled):
            tag = _TAGS[node.style]
            out.append(f"<{tag}>{markup(node.content)}</{tag}>")
        elif isinstance(node, Hyperlink):
            out.append(f"<u>{markup(node.content)}</u>")
            if node.target:
                out.append(f" ({esc(node.target)})")
        elif isinstance(node, Verbatim):
            out.append(multiline(node.text))
    return "".join(out)


def plain(content: list[Inline]) -> str:
    """Inlines as the text they show (for sharing a table's width among its columns)."""
    out: list[str] = []
    for node in content:
        if isinstance(node, (Text, Code, Verbatim)):
            out.append(node.text)
        elif isinstance(node, Break):
            out.append("\n")
        elif isinstance(node, (Styled, Hyperlink)):
            out.append(plain(node.content))
    return "".join(out)


def heading_style(block: Heading) -> str:
    if block.kind == "title":
        return "title"
    if block.kind == "subtitle":
        return "h3"
    return {1: "h1", 2: "h2"}.get(block.level, "h3")


def heading(block: Heading, doc: Document) -> list[Flowable]:
    return [markup_para(markup(block.content), heading_style(block))]


def paragraph(block: Para, doc: Document) -> list[Flowable]:
    return [markup_para(markup(block.content), _nested_style(block.depth, block.quote),
                        indent=_nested_indent(block.depth, block.quote))]


def list_item(block: ListItem, doc: Document) -> list[Flowable]:
    if doc.source == "docx":               # a Word list paragraph: indented by its list level
        return [markup_para(markup(block.content), "bullet", bullet=block.marker,
                            indent=16 + 14 * min(max(block.depth - 1, 0), 6))]
    marker = block.marker if block.marker != "◦" or fonts().unicode else "–"
    return [markup_para(markup(block.content), _nested_style(block.depth, block.quote), bullet=marker,
                        indent=_nested_indent(block.depth, block.quote))]


def _nested_style(depth: int, quote: int) -> str:
    return "quote" if quote else ("bullet" if depth else "body")


def _nested_indent(depth: int, quote: int) -> float:
    return 18 * min(depth, 6) + 14 * min(quote, 4)


def code_block(block: CodeBlock, doc: Document) -> list[Flowable]:
    if block.whole:
        return [markup_para(multiline(block.text), "code")]
    lines = block.text.split("\n")
    indent = _nested_indent(block.depth, block.quote)
    return [markup_para(multiline("\n".join(lines[i:i + 60])), "code", indent=indent)
            for i in range(0, len(lines), 60)]


def rule(block: object, doc: Document) -> list[Flowable]:
    return [HRFlowable(width="100%", thickness=0.5, color=colors.grey, spaceBefore=4, spaceAfter=6)]


def line_block(block: LineBlock, doc: Document) -> list[Flowable]:
    """Lines of plain text, laid out in pieces of at most 40 lines (or 4,000 characters) so that no paragraph
    has to be split over many pages; a line longer than 3,000 characters is broken at a space."""
    out: list[Flowable] = []
    piece: list[str] = []
    size = 0
    for line in block.lines:
        for part in _split_long(line, 3000):
            if piece and (len(piece) >= 40 or size + len(part) > 4000):
                out.append(markup_para(multiline("\n".join(piece)), "body"))
                piece, size = [], 0
            piece.append(part)
            size += len(part)
    if piece:
        out.append(markup_para(multiline("\n".join(piece)), "body"))
    return out


def _split_long(line: str, size: int) -> Iterator[str]:
    while len(line) > size:
        cut = line.rfind(" ", size // 2, size)
        cut = cut if cut > 0 else size
        yield line[:cut]
        line = line[cut:].lstrip(" ")
    yield line


def remark(block: Remark, doc: Document) -> list[Flowable]:
    return [note(block.text)]


def attachments(block: Attachments, doc: Document) -> list[Flowable]:
    out: list[Flowable] = [Spacer(1, 6)]
    out.extend(note(f"[attachment not shown: {name}]") for name in block.names)
    if block.more:
        out.append(note(f"[and {block.more} more attachments]"))
    return out


def picture(block: Picture, doc: Document) -> list[Flowable]:
    # the pixels were decoded, resampled and re-encoded by the reader; reportlab only embeds them
    return [Image(io.BytesIO(block.data), width=block.width, height=block.height, hAlign="CENTER")]


def cell_paragraph(block: object, style) -> Paragraph | None:  # noqa: ANN001 - a ParagraphStyle
    """A block inside a Word table cell: list items keep their bullet, headings are bold, remarks italic."""
    if isinstance(block, ListItem):
        return Paragraph(markup(block.content), style, bulletText=block.marker)
    if isinstance(block, Heading):
        return Paragraph(f"<b>{markup(block.content)}</b>", style)
    if isinstance(block, Para):
        return Paragraph(markup(block.content), style)
    if isinstance(block, Remark):
        return Paragraph(f"<i>{esc(block.text)}</i>", style)
    return None
