"""The one layout engine for every sgpack PDF: a document in parts, laid out until its page numbers settle.

A document is a list of `Part`s, each a story (reportlab flowables made by a function of the page
numbers known so far) that starts on a new page and is laid out as a PDF of its own. Every heading
records the page it lands on; each pass prints the pages the previous pass recorded, until the record
stops changing. A part is laid out again only when what it is made from changed (its key) or a page number
it printed moved (`Pages.seen`): later passes lay out only the parts whose numbers changed, and with a
shelf (a cache) a later build takes every part nothing it shows changed from the earlier one. Short packs
are one part; the CQC body is many. Links point at `sgpack:<anchor>`; the joiner makes them real.
"""
from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate
from reportlab.platypus.doctemplate import LayoutError

from compiler.gcpolicy import young_collections_only
from compiler.render.pdf.keep import EmptySections, KeepsStarts
from compiler.render.pdf.look import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H, SPLIT_ROW_MIN, TEXT_W, Look
from compiler.render.pdf.pages import Heading, PageMap, PageMark, Pages
from compiler.render.theme import Theme

if TYPE_CHECKING:
    from compiler.views.common import Head
    from evidence_store.shelf import Shelf

# Binary Flate streams, no ASCII85 layer: reportlab's pure-Python A85 encoder and pypdf's decoder were a fifth of
# the body and bundle time, and the PDFs come out smaller. Set once for the process; output stays deterministic.
rl_config.useA85 = 0

MAX_PASSES = 6
Story = Callable[[Look, Pages, dict[str, int]], list]
PART_KIND = "pdf-body-part"


@dataclass(frozen=True)
class Part:
    key: str                        # what its story is made from, digested (evidence_store.shelf.inputs_key)
    story: Story


@dataclass(frozen=True)
class Body:
    parts: tuple[bytes, ...]         # each part laid out as a PDF of its own, in order
    pages: int
    anchors: dict[str, int]          # anchor -> page (1-based)

    @property
    def pdf(self) -> bytes:
        """The parts as one PDF (the joiner takes the parts themselves)."""
        from compiler.render.pdf.join import concatenate

        return concatenate(self.parts)


@dataclass(frozen=True)
class _Laid:
    pdf: bytes | None               # None: laid out dry (its page numbers only)
    pages: int
    anchors: dict[str, int]         # anchor -> page within the part
    seen: dict[tuple[str, ...], str]


def theme_key(theme: Theme) -> str:
    """What of the theme a part's pages depend on, for its key."""
    return theme.key


def lay_out(head: Head, theme: Theme, story: Story, *, split_rows: bool = False) -> Body:
    """A document of one part (the short packs), laid out until its page numbers settle."""
    return converge(head, theme, [Part("", story)], fixed=True, split_rows=split_rows)


def converge(head: Head, theme: Theme, parts: list[Part],
             page_map: Callable[[int, dict[str, int]], PageMap | None] | None = None, *,
             seed: dict[str, int] | None = None, fixed: bool = False, store: Shelf | None = None,
             split_rows: bool = False) -> Body:
    """Lay `parts` out until stable: each pass prints the heading pages recorded by the previous one and the
    exhibit pages `page_map(body pages, anchors)` derives from them (a bundle's appendices follow the body).
    `fixed`: the page map does not depend on the body's length. `store`: parts an earlier build laid out, and
    where this one keeps its own. `split_rows`: table rows may split across pages from the start."""
    with young_collections_only():
        return _converge(head, theme, parts, page_map or (lambda pages, anchors: None), seed, fixed, store,
                         split_rows)


def _converge(head: Head, theme: Theme, parts: list[Part], page_map: Callable[[int, dict[str, int]], PageMap | None],
              seed: dict[str, int] | None, fixed: bool, store: Shelf | None, split_rows: bool) -> Body:
    look = Look(theme)
    usable = store is not None and store.on
    stored = {part.key: kept for part in parts if usable and (kept := store.find(part.key, _read_part)) is not None}
    made: dict[str, list[_Laid]] = {key: [kept] for key, kept in stored.items()}   # the last two ways of each

    def laid_out(part: Part, pages: Pages, first: bool) -> _Laid:
        """`first`: the first pass with nothing known, laid out dry; an earlier build's part gives its count."""
        earlier = made.setdefault(part.key, [])
        for laid in earlier:
            if (laid.pdf is not None or first) and pages.same_answers(laid.seen):
                return laid
        if first and earlier:
            return earlier[0]
        laid = _lay_out_part(head, look, part, pages, dry=first, split_rows=split_rows)
        earlier[:] = [*earlier[-1:], laid]          # the last two: numbers that move back and forth still match
        return laid

    known, count = dict(seed or {}), 0
    for i in range(MAX_PASSES):
        # With nothing known yet this pass cannot be the last (its record will not equal an empty one), so it
        # only lays out: its PDFs are never used. Every later pass is drawn in full.
        first = i == 0 and not known
        pages = Pages(known, page_map(count, known))
        laid = [laid_out(part, pages, first) for part in parts]
        rec, new_count = {}, 0
        for one in laid:
            rec.update({anchor: new_count + page for anchor, page in one.anchors.items()})
            new_count += one.pages
        if not first and rec == known and (fixed or new_count == count):
            break
        known, count = rec, new_count
    if usable:                                        # the parts of the finished body, where they are new
        for part, one in zip(parts, laid):
            if one is not stored.get(part.key):
                store.keep(part.key, {"pages": one.pages, "anchors": one.anchors,
                                      "seen": [[*q, a] for q, a in one.seen.items()]}, one.pdf)
    return Body(parts=tuple(one.pdf for one in laid), pages=new_count, anchors=rec)


def _read_part(value: dict, pdf: bytes | None) -> _Laid:
    """A part an earlier build laid out, as the shelf gives it back (ValueError: damaged)."""
    seen = {tuple(str(x) for x in item[:-1]): str(item[-1]) for item in value["seen"]}
    anchors = {str(k): int(v) for k, v in value["anchors"].items()}
    if not (isinstance(pdf, bytes) and pdf.startswith(b"%PDF-") and type(value["pages"]) is int
            and value["pages"] >= 1 and all(1 <= v <= value["pages"] for v in anchors.values())):
        raise ValueError("damaged entry")
    return _Laid(pdf=pdf, pages=value["pages"], anchors=anchors, seen=seen)


def _lay_out_part(head: Head, look: Look, part: Part, pages: Pages, *, dry: bool, split_rows: bool) -> _Laid:
    """One part, once. Table rows move whole to the next page; only when a row is taller than a page is the
    part laid out again with rows allowed to split where a page ends, into parts of three lines or more, and
    only when even that cannot be done, anywhere."""
    for rows in ((SPLIT_ROW_MIN, 1) if split_rows else (0, SPLIT_ROW_MIN, 1)):
        look.split_rows = rows
        recording = pages.recording()
        try:
            pdf, count, rec = _render_pass(head, look, part, recording, dry=dry)
            break
        except LayoutError:
            if rows == 1:
                raise
    return _Laid(pdf=None if dry else pdf, pages=count, anchors=rec, seen=recording.seen)


def _skip_draw(*args, **kwargs) -> None:
    return None


class _Frame(Frame):
    """The body frame. In a dry pass (layout only: its PDF is thrown away) flowables are placed but not drawn,
    except the headings and marks, which record the page they land on, and empty sections, which hold headings.
    Placing is what decides the pages, so a dry pass records the same pages a drawn pass would."""

    dry = False

    def _add(self, flowable, canv, trySplit=0):  # noqa: ANN001 - reportlab's own signature
        if not self.dry or isinstance(flowable, (Heading, PageMark, EmptySections)):
            return super()._add(flowable, canv, trySplit)
        slots = flowable.__dict__          # not setattr: a Drawing refuses attributes it does not declare
        slots["drawOn"] = _skip_draw
        try:
            return super()._add(flowable, canv, trySplit)
        finally:
            del slots["drawOn"]

    add = _add          # Frame binds `add = _add` to its own method: the document calls `add`


class _Document(KeepsStarts, BaseDocTemplate):
    """A body document: headings kept with the start of what follows (compiler.render.pdf.keep)."""


def _render_pass(head: Head, look: Look, part: Part, pages: Pages, *,
                 dry: bool = False) -> tuple[bytes, int, dict[str, int]]:
    rec: dict[str, int] = {}
    out = io.BytesIO()
    doc = _Document(out, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                    bottomMargin=MARGIN_BOTTOM, title=head.title, author="",
                    creator=f"sgpack {head.tool_version}", producer=f"sgpack {head.tool_version}", subject="",
                    invariant=1)
    frame = _Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, PAGE_H - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                   leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    frame.dry = dry
    running = _skip_draw if dry else (lambda c, d: look.draw_running(c, head))
    doc.addPageTemplates([PageTemplate("body", [frame], onPage=running)])
    doc._doSave = not dry            # a dry pass's PDF is thrown away: do not format and compress it
    doc.build(part.story(look, pages, rec))
    return out.getvalue(), doc.page, rec
