"""Page numbers in a PDF being laid out: headings that record their page, and the answers a pass gives.

A document is laid out more than once: every heading records the page it is drawn on, and the contents and
cross-references of the next pass print the pages the previous pass recorded (`Pages`), until nothing moves.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from compiler.render.pdf.flow import parsed
from compiler.render.pdf.look import FRAME_H, esc, link

if TYPE_CHECKING:
    from compiler.views.common import ExhibitRef


@dataclass(frozen=True)
class PageMap:
    """Where things are in the PDF bundle (1-based page numbers), for cross-references."""
    anchors: dict[str, int]                  # "sec_summary", "act_RP01", "ex_E001" -> page
    exhibits: dict[str, tuple[int, int]]     # "E-001" -> (first page: the exhibit sheet, last page)
    total: int

    def exhibit_pages(self, number: str) -> str:
        first, last = self.exhibits[number]
        return f"p. {first}" if first == last else f"pp. {first}–{last}"


class Heading(Paragraph):
    """A heading that records the page it lands on (the per-pass record of anchor pages)."""

    def __init__(self, markup: str, style: ParagraphStyle, anchor: str, record: dict[str, int]):
        super().__init__(markup, style, frags=parsed(markup, style))
        self.anchor, self.record = anchor, record

    def split(self, availWidth, availHeight):
        if availHeight < FRAME_H - 1:              # the whole heading moves on to the next page
            return []
        # taller than a whole page (absurd user text): split it, recording the page at its start
        plain = Paragraph(self.text, self.style)
        plain.wrap(availWidth, availHeight)
        return [PageMark(self.anchor, self.record), *plain.split(availWidth, availHeight)]

    def draw(self):
        self.record[self.anchor] = self.canv.getPageNumber()
        super().draw()


class PageMark(Flowable):
    """Zero-size: records the page a split heading starts on."""

    def __init__(self, anchor: str, record: dict[str, int]):
        super().__init__()
        self.anchor, self.record = anchor, record

    def wrap(self, availWidth, availHeight):
        return 0, 0

    def draw(self):
        self.record[self.anchor] = self.canv.getPageNumber()


class Pages:
    """Page numbers known from the previous pass (body anchors) and from the bundle (exhibits). Every answer
    is recorded in `seen` (question -> answer), so a part laid out with these answers is known to be laid out
    again the same way while every question gets the same answer (see _lay_out_part)."""

    def __init__(self, known: dict[str, int], exhibits: PageMap | None):
        self.known, self.exhibits = known, exhibits
        self.seen: dict[tuple[str, ...], str] = {}

    def recording(self) -> Pages:
        """The same answers, with a record of its own."""
        return Pages(self.known, self.exhibits)

    def answer(self, question: tuple[str, ...]) -> str:
        kind, *args = question
        if kind == "page":
            n = self.known.get(args[0])
            if n is None and self.exhibits is not None:
                n = self.exhibits.anchors.get(args[0])
            return str(n) if n else "–"
        if kind == "exhibit":
            label = esc(args[0])
            if self.exhibits is not None and args[0] in self.exhibits.exhibits:
                label += "\u00a0(" + esc(self.exhibits.exhibit_pages(args[0])).replace(" ", "\u00a0") + ")"
            return link(args[1], label)
        if kind == "span":
            if self.exhibits is None or args[0] not in self.exhibits.exhibits:
                return "–"
            first, last = self.exhibits.exhibits[args[0]]
            return f"{first}–{last}" if last != first else str(first)
        raise ValueError(f"no such page question: {kind}")

    def _ask(self, *question: str) -> str:
        answer = self.seen[question] = self.answer(question)
        return answer

    def page(self, anchor: str) -> str:
        return self._ask("page", anchor)

    def exhibit(self, ref_number: str, anchor: str) -> str:
        """'E-012 (p. 47)' as a link to the exhibit sheet; the bare number outside a bundle."""
        return self._ask("exhibit", ref_number, anchor)

    def span(self, number: str) -> str:
        """An exhibit's bundle pages for the index: '47–52', '47', or '–' outside a bundle."""
        return self._ask("span", number)

    def refs(self, refs: list[ExhibitRef]) -> str:
        return ", ".join(self.exhibit(r.number, r.anchor) for r in refs) or "—"

    def same_answers(self, seen: dict[tuple[str, ...], str]) -> bool:
        return all(self.answer(q) == a for q, a in seen.items())
