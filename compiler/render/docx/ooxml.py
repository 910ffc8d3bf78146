"""Run-level OOXML for docxtpl templates: internal links, bookmarks, RAG chips, contents lines.

docxtpl has no internal links of its own. These helpers build small `RichText` objects whose raw XML is
made only from escaped parts (compiler.render.escape.xml_text) and are inserted with `{{r value }}`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from docxtpl import RichText

from compiler.render.escape import xml_text
from compiler.views.words import RAG_WORDS

# Character and paragraph style ids the helpers refer to; the template generator defines them.
# A provider's own template may lack them: Word then falls back to the paragraph's font.
LINK_STYLE = "InternalLink"
CHIP_STYLES = {"red": "RagRed", "amber": "RagAmber", "green": "RagGreen", "blue": "RagBlue", None: "RagNone"}
# A chip's colour when the template's chip style has none (the house colours of templates/make_templates.py); a
# cell holding only a chip is shaded in it (compiler.render.docx.tables)
CHIP_FILLS = {"RagRed": "D4351C", "RagAmber": "F47738", "RagGreen": "00703C", "RagBlue": "1D70B8",
              "RagNone": "B1B4B6"}
CHIP_WORDS = {**RAG_WORDS, "blue": "Blue"}
REQ_CHIPS = {"met": "green", "missing": "red", "insufficient": "amber", "stale": "amber"}
CLOSURE_CHIPS = {"pass": ("green", "Pass"), "fail": ("red", "Fail"), "n/a": (None, "n/a")}
BOOKMARK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")


class Ooxml(RichText):
    """Raw run-level OOXML built only by the functions below, from escaped parts."""

    def __init__(self, xml: str = "") -> None:
        self.xml = xml

    def __add__(self, other: Ooxml) -> Ooxml:
        return Ooxml(self.xml + other.xml)

    def __bool__(self) -> bool:
        return bool(self.xml)


def run(text: object, style: str | None = None) -> Ooxml:
    props = f'<w:rPr><w:rStyle w:val="{style}"/></w:rPr>' if style else ""
    return Ooxml(f'<w:r>{props}<w:t xml:space="preserve">{xml_text(text)}</w:t></w:r>')


def link(anchor: str, content: Ooxml | str) -> Ooxml:
    """An internal hyperlink to a bookmark in this document."""
    inner = content if isinstance(content, Ooxml) else run(content, LINK_STYLE)
    return Ooxml(f'<w:hyperlink w:anchor={quoteattr(anchor)} w:history="1">{inner.xml}</w:hyperlink>')


def line_break() -> Ooxml:
    return Ooxml("<w:r><w:br/></w:r>")


def join(parts: list[Ooxml], sep: str | Ooxml = ", ") -> Ooxml:
    out = Ooxml()
    for i, part in enumerate(parts):
        if i:
            out += sep if isinstance(sep, Ooxml) else run(sep)
        out += part
    return out


def chip(rag: str | None, word: str | None = None) -> Ooxml:
    return run(f"\u00a0{word or CHIP_WORDS.get(rag, '—')}\u00a0", CHIP_STYLES.get(rag, CHIP_STYLES[None]))


def closure_chip(result: str) -> Ooxml:
    return chip(*CLOSURE_CHIPS.get(result, (None, result)))


@dataclass
class Bookmarks:
    """Hands out bookmark ids in document order; refuses names Word would reject or repeat."""
    next_id: int = 100
    names: set[str] = field(default_factory=set)

    def wrap(self, name: str, content: Ooxml | str) -> Ooxml:
        if not BOOKMARK_NAME.match(name) or name in self.names:
            raise ValueError(f"bad or repeated Word bookmark name {name!r}")
        self.names.add(name)
        inner = content if isinstance(content, Ooxml) else run(content)
        ident, self.next_id = self.next_id, self.next_id + 1
        return Ooxml(f'<w:bookmarkStart w:id="{ident}" w:name="{name}"/>{inner.xml}'
                     f'<w:bookmarkEnd w:id="{ident}"/>')


def contents_lines(sections: list[tuple[str, str]], pages: object = None,
                   counts: dict[str, int] | None = None) -> list[Ooxml]:
    """Contents lines as internal links to the sections' bookmarks, each with its count when given.

    No page numbers: the PDF's are not this document's, and a Word file's own change as it is edited.
    `pages` is not read (callers that still pass the PDF's page map need not change)."""
    return [link(anchor, run(heading + (f" ({counts[anchor]})" if counts and anchor in counts else ""), LINK_STYLE))
            for anchor, heading in sections]


def section_marks(sections: list[tuple[str, str]], marks: Bookmarks) -> dict[str, Ooxml]:
    """Each section heading wrapped in its bookmark, keyed by anchor."""
    return {anchor: marks.wrap(anchor, heading) for anchor, heading in sections}
