"""Exhibits for the PDF bundle: each evidence file's document laid out as A4 pages.

The evidence readers parse a file, under the evidence limits, into an `evidence_store.Document`; this
package only lays documents out, with reportlab platypus, leaving the top and bottom 2.5 cm free for the
stamp band the bundler draws later. PDFs are shown as they are. Evidence text is data: every string goes
through compiler.render.escape before it becomes reportlab paragraph markup, and links are shown as
text. The fonts are chosen before the layout, from every string the document shows.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus.flowables import Flowable

from compiler.render.escape import clean
from compiler.render.pdf.keep import KeepsStarts
from evidence_store.document import (MARGIN_X, MARGIN_Y, Attachments, CodeBlock, Document, Heading,
                                     Image, KeyValues, LineBlock, ListItem, Paragraph, Remark, Rule, Table)
from evidence_store.limits import DEFAULT_LIMITS, Limits

from . import tables, text
from .fonts import CHOSEN, fonts_for, note

__all__ = ["ExhibitError", "RenderedExhibit", "render_document", "render_exhibit", "FORMATS"]

FORMATS = frozenset({"pdf", "docx", "md", "txt", "eml", "csv", "xlsx", "png", "jpg", "jpeg"})


def _one_line(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ExhibitError(Exception):
    """The file cannot be turned into exhibit pages; the message is a one-line reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(_one_line(reason, 300))


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
    # imported from its module, not the package's lazy names: a digest of this package's imports then
    # covers the readers that make the document
    from evidence_store.shown import documents

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
    doc = documents([(fmt, data)], limits)[0]
    if isinstance(doc, str):
        raise ExhibitError(doc)
    if doc.pdf is not None:
        return RenderedExhibit(pdf=data, pages=doc.pdf.pages, note="PDF exhibit included as it is")
    return render_document(doc, title=title)


def render_document(doc: Document, *, title: str) -> RenderedExhibit:
    """The document laid out on A4 pages (landscape when it says so), with `title` as the PDF's title.
    Raises ExhibitError when it cannot be laid out. A PDF's document has no pages to lay out: the PDF is
    shown as it is (ValueError)."""
    from reportlab.platypus.doctemplate import LayoutError

    if doc.pdf is not None:
        raise ValueError("a PDF is shown as it is: its document has nothing to lay out")
    chosen = CHOSEN.set(fonts_for(doc))
    try:
        for split_in_row in (0, 1):
            token = tables.SPLIT_IN_ROW.set(split_in_row)
            try:
                notes = list(doc.notes)
                pdf, pages = _build(_story(doc, notes), title=title, wide=doc.landscape,
                                    retry=(LayoutError,) if not split_in_row else ())
                break
            except LayoutError:
                continue                    # a table row taller than a page: lay out again, splitting rows
            finally:
                tables.SPLIT_IN_ROW.reset(token)
    finally:
        CHOSEN.reset(chosen)
    return RenderedExhibit(pdf=pdf, pages=pages, note="; ".join(dict.fromkeys(notes)) or None)


_Layout = Callable[..., list[Flowable]]
_TEXT: dict[type, _Layout] = {Heading: text.heading, Paragraph: text.paragraph, ListItem: text.list_item,
                              CodeBlock: text.code_block, Rule: text.rule, LineBlock: text.line_block,
                              Remark: text.remark, Attachments: text.attachments, Image: text.picture}
_TABLES: dict[type, _Layout] = {Table: tables.table, KeyValues: tables.key_values}


def _story(doc: Document, notes: list[str]) -> list[Flowable]:
    """The blocks as flowables; layout notes ("wide table printed in 3 column groups") go into `notes`."""
    story: list[Flowable] = []
    for block in doc.blocks:
        layout = _TEXT.get(type(block))
        story.extend(layout(block, doc) if layout else _TABLES[type(block)](block, doc, notes))
    return story


class _Document(KeepsStarts, SimpleDocTemplate):
    """An exhibit's pages: a heading kept with the start of what follows it, as in the body."""


def _build(story: list[Flowable], *, title: str, wide: bool,
           retry: tuple[type[Exception], ...] = ()) -> tuple[bytes, int]:
    """The story on A4 pages; exceptions in `retry` propagate, any other layout failure is an ExhibitError."""
    if not story:
        story = [note("[this file has no text to show]")]
    buffer = io.BytesIO()
    doc = _Document(buffer, pagesize=landscape(A4) if wide else A4,
                    leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_Y,
                    bottomMargin=MARGIN_Y, title=clean(_one_line(title, 300)), author="",
                    subject="", creator="sgpack", invariant=1)
    try:
        doc.build(story)
    except retry:
        raise
    except Exception as exc:               # reportlab layout errors on odd content (bugs show in tests)
        raise ExhibitError(f"the file could not be laid out on pages ({type(exc).__name__}: "
                           f"{_one_line(str(exc), 120)})") from None
    return buffer.getvalue(), doc.page
