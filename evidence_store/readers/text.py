"""Plain text: UTF-8, one chunk per line; as a document, blocks of lines."""
from __future__ import annotations

from ..document import Document
from ..limits import Limits
from .base import ReadResult, TextBuilder, decode_text
from .blocks import limit_text, line_blocks

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again


def add_lines(text: str, builder: TextBuilder, first_line: int = 1) -> None:
    for n, line in enumerate(text.splitlines(), start=first_line):
        if not builder.add(f"on line {n}", line):
            break


def read(data: bytes, limits: Limits) -> ReadResult:
    result = ReadResult()
    add_lines(decode_text(data), TextBuilder(limits, result))
    return result


def document(data: bytes, limits: Limits) -> Document:
    """The text as blocks of lines (cut at the document cap)."""
    notes: list[str] = []
    return Document("txt", line_blocks(limit_text(decode_text(data), notes)), notes)
