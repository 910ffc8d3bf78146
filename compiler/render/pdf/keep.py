"""What keeps a page readable on its own: a heading never left at the foot of a page without the start of what it
heads, and a section with nothing in it ("No findings.") never on a page by itself.

`KeepStart` is the layout engine's meaning of keepWithNext (`KeepsStarts`, the documents' mix-in), set on every
heading style: the heading goes to the
next page unless the start of what follows (a table's header and first rows, a paragraph's first lines, a chart)
fits under it; the rest flows on. reportlab's own KeepTogether moved the whole of a long table, leaving most of a
page empty. `EmptySections` holds the sections that have nothing to show, one after another: they are drawn as
usual where they fit; where they do not and nothing follows them before the next page break, they fold into the
page they would have left, on one line, or are left out when not even that fits.
"""
from __future__ import annotations

from reportlab.platypus import Flowable, KeepTogether, Paragraph, Table
from reportlab.platypus.doctemplate import _ktAllow
from reportlab.platypus.flowables import _listWrapOn

_HUGE = 0x7FFFFFFF
START_ROWS = 2              # a table's data rows kept with its heading (after the header row)
START_LINES = 2             # a paragraph's lines kept with its heading


class KeepsStarts:
    """A document template mix-in: keepWithNext keeps a heading with the start of the flowable after it, which may
    itself be a block kept together (a chart and its caption); reportlab's own would not take that block."""

    def handle_keepWithNext(self, flowables):
        i, n = 0, len(flowables)
        while i < n and flowables[i].getKeepWithNext() and _ktAllow(flowables[i]):
            i += 1
        if not i:
            return
        if i < n and (_ktAllow(flowables[i]) or isinstance(flowables[i], KeepTogether)):
            i += 1
        kept = KeepStart(flowables[:i])
        for f in kept._content[:-1]:
            f.__dict__["keepWithNext"] = 0
        del flowables[:i]
        flowables.insert(0, kept)


class KeepStart(KeepTogether):
    """Headings kept with the start of the flowable after them (the document's keepTogetherClass)."""

    def wrap(self, aW, aH):
        heads, last = self._content[:-1], self._content[-1]
        dims: list = []
        width, height = _listWrapOn(heads, aW, self.canv, dims=dims) if heads else (0, 0)
        if heads:
            height += max(heads[-1].getSpaceAfter(), last.getSpaceBefore())
        self._H = height + start_height(last, aW, self.canv)
        self._H0 = dims[0][1] if dims else self._H
        self._wrapInfo = aW, aH
        return width, 0xFFFFFF        # always split: the frame then places the content one by one


def start_height(flowable: Flowable, width: float, canv=None) -> float:  # noqa: ANN001 - a reportlab canvas
    """The height of the start of `flowable` that its heading is kept with."""
    if isinstance(flowable, Table):
        keep = (flowable.repeatRows if isinstance(flowable.repeatRows, int) else 0) + START_ROWS
        start = _first_rows(flowable, keep, canv)
        if start is None:                  # spanned cells: the whole table is laid out to know its rows
            flowable.wrapOn(canv, width, _HUGE)
            start = sum(flowable._rowHeights[:keep])
        return start
    if isinstance(flowable, KeepTogether):
        return start_height(flowable._content[0], width, canv) if isinstance(flowable, KeepStart) \
            else _listWrapOn(flowable._content, width, canv)[1]
    _, height = flowable.wrapOn(canv, width, _HUGE)
    if isinstance(flowable, Paragraph) and getattr(flowable, "blPara", None) is not None:
        lines = len(flowable.blPara.lines)
        if lines > START_LINES:
            height = height * START_LINES / lines
    return height + flowable.getSpaceBefore()


def _first_rows(table: Table, count: int, canv) -> float | None:  # noqa: ANN001 - a reportlab canvas
    """The height of a table's first rows, each cell laid out as the table lays it out, without laying out the
    rest (a long table is laid out once more when it is placed); None for a table reportlab must size itself."""
    widths = table._colWidths
    if table._spanCmds or any(not isinstance(w, (int, float)) for w in widths):
        return None
    total = 0.0
    for r, (cells, styles) in enumerate(zip(table._cellvalues[:count], table._cellStyles[:count])):
        fixed = table._argH[r] if r < len(table._argH) else None
        if fixed is not None:
            total += fixed
            continue
        tallest = 0.0
        for cell, style, width in zip(cells, styles, widths):
            room = width - style.leftPadding - style.rightPadding
            if isinstance(cell, Flowable):
                height = cell.wrapOn(canv, room, _HUGE)[1]
            elif isinstance(cell, (list, tuple)):
                height = sum(f.wrapOn(canv, room, _HUGE)[1] + f.getSpaceBefore() + f.getSpaceAfter()
                             for f in cell if isinstance(f, Flowable))
            else:
                height = style.leading * max(1, len(str(cell).split("\n"))) if cell not in (None, "") else 0
            tallest = max(tallest, height + style.topPadding + style.bottomPadding)
        total += tallest
    return total


class EmptySections(Flowable):
    """Sections with nothing to show, each a heading and its one line ("Findings" / "No findings."). `folded`
    is the same said on one line ("Findings: No findings."). `last`: nothing follows before a page break, so
    moving on would leave them alone on a page: where they do not fit they are drawn folded, or left out."""

    _ZEROSIZE = True          # the frame asks how tall it is even when the page is full: then it may be nothing

    def __init__(self, sections: list[tuple[Flowable, Flowable]], folded: Paragraph, *, last: bool):
        super().__init__()
        self.sections, self.folded, self.last = sections, folded, last
        self._shown: list[Flowable] = []
        self._before = 0.0

    def _full(self) -> list[Flowable]:
        return [f for pair in self.sections for f in pair]

    def wrap(self, aW, aH):
        at_top = getattr(getattr(self, "_frame", None), "_atTop", False)
        full = self._full()
        self._before = 0.0 if at_top else full[0].getSpaceBefore()     # the frame leaves it to this flowable
        self._shown = full
        height = self._before + _listWrapOn(full, aW, self.canv)[1]
        if height > aH + 1e-6 and self.last:
            self._before = 0.0 if at_top else self.folded.getSpaceBefore()
            self._shown = [self.folded]
            height = self._before + self.folded.wrapOn(self.canv, aW, _HUGE)[1]
            if height > aH + 1e-6:
                self._shown, self._before, height = [], 0.0, 0.0
        self.width, self.height = aW, height
        return aW, height

    def split(self, aW, aH):
        return []                     # whole or not at all: on the next page, where more follows it

    def getSpaceBefore(self):
        return 0.0                    # counted in its height (see wrap)

    def draw(self):
        for heading, _ in self.sections:          # a heading folded or left out still marks where it would be
            if heading not in self._shown and hasattr(heading, "anchor") and hasattr(heading, "record"):
                heading.record[heading.anchor] = self.canv.getPageNumber()
        y = self.height - self._before
        previous_after = None
        for f in self._shown:
            if previous_after is not None:
                y -= max(previous_after, f.getSpaceBefore())
            _, h = f.wrapOn(self.canv, self.width, _HUGE)
            y -= h
            f.drawOn(self.canv, 0, y)
            previous_after = f.getSpaceAfter()
