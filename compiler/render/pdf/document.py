"""A finished PDF with no appendices (the governance, board, owners and commissioner packs): laid out until
its page numbers settle, then stamped, linked, outlined and scrubbed by the joiner."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from compiler.render.pdf.join import finish_document
from compiler.render.pdf.layout import Story, lay_out
from compiler.render.pdf.look import Look
from compiler.render.theme import Theme

if TYPE_CHECKING:
    from compiler.views.common import Head


@dataclass(frozen=True)
class Document:
    pdf: bytes
    pages: int
    anchors: dict[str, int]           # anchor -> page (1-based): the Word pack's contents print these


def document(head: Head, theme: Theme, story: Story, *, outline: list[tuple[str, str]],
             split_rows: bool = False) -> Document:
    """`outline` is [(anchor, title)] in order; anchors missing from the document are left out."""
    body = lay_out(head, theme, story, split_rows=split_rows)
    pdf = finish_document(head, Look(theme), body.parts, body.anchors, outline)
    return Document(pdf=pdf, pages=body.pages, anchors=body.anchors)
