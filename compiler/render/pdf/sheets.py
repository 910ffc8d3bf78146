"""Exhibit sheets: the page that opens each exhibit in the CQC bundle, drawn straight on a canvas.

A sheet is always one page with one fixed layout — "EXHIBIT", the number, the title, and a two-column
table (type, category, date, source file, SHA-256, original copy, pages, the actions it supports, a
note). Laying that out through platypus (a document template, a Table of Paragraphs, KeepInFrame)
cost about 6 ms a sheet, a third of the whole bundle's time; drawing it directly costs a fraction.
Text is drawn with drawString, which reads no markup, so evidence text prints as typed; control
characters show as U+FFFD as everywhere else. What does not fit is cut with an ellipsis — the sheet
says how many supported actions it could not list; the evidence index lists them all.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from compiler.render.escape import clean as _clean
from compiler.render.pdf.look import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, PAGE_H, TEXT_W, Look
from compiler.render.pdf.pages import PageMap

if TYPE_CHECKING:
    from compiler.views.common import Head

LABEL_W = 4.2 * cm
PAD_X, PAD_TOP, PAD_BOTTOM = 6.0, 3.5, 4.0
CELL, CELL_LEADING, MONO = 8.2, 10.4, 7.6
LINK_BLUE = colors.HexColor("#1d70b8")


@dataclass(frozen=True)
class Run:
    """A piece of text in one font and colour; `anchor` makes it a link, `underline` underlines it."""
    text: str
    font: str
    colour: colors.Color
    anchor: str | None = None
    underline: bool = False
    size: float = CELL


class SheetRow(Protocol):
    """What an exhibit sheet shows of an exhibit (a view's evidence index row)."""
    number: str
    anchor: str
    title: str
    type: str
    category: str
    date: str
    path: str
    sha256: str
    file_name: str
    actions: list[tuple[str, str]]          # (action id, anchor)


def _words(runs: list[Run]) -> list[tuple[str, Run]]:
    out = []
    for run in runs:
        for i, word in enumerate(run.text.split(" ")):
            if i:
                out.append((" ", run))
            if word:
                out.append((word, run))
    return out


def wrap_runs(runs: list[Run], width: float) -> list[list[tuple[str, Run, float]]]:
    """Greedy line breaking of styled runs: [(text, run, width)] a line. A word wider than the line (paths and
    hashes have no spaces) is broken after a slash or a hyphen, or between characters when it has neither."""
    lines: list[list[tuple[str, Run, float]]] = [[]]
    used = 0.0
    for word, run in _words(runs):
        w = stringWidth(word, run.font, run.size)
        if word == " ":
            if lines[-1]:
                lines[-1].append((word, run, w))
                used += w
            continue
        if used + w > width and lines[-1]:
            while lines[-1] and lines[-1][-1][0] == " ":
                used -= lines[-1].pop()[2]
            lines.append([])
            used = 0.0
        while w > width:                                  # one word longer than the line: a path, a hash
            cut = len(word)
            while cut > 1 and stringWidth(word[:cut], run.font, run.size) > width - used:
                cut -= 1
            after = max(word.rfind("/", 0, cut), word.rfind("-", 0, cut)) + 1
            if after > 1:                                   # after a folder's slash or a hyphen, where one fits
                cut = after
            piece = word[:cut]
            lines[-1].append((piece, run, stringWidth(piece, run.font, run.size)))
            lines.append([])
            used, word = 0.0, word[cut:]
            w = stringWidth(word, run.font, run.size)
        if word:
            lines[-1].append((word, run, w))
            used += w
    while lines[-1] and lines[-1][-1][0] == " ":
        lines[-1].pop()
    return [line for line in lines if line] or [[]]


def _line_text(line: list[tuple[str, Run, float]]) -> str:
    return "".join(t for t, _, _ in line)


class _Sheet:
    """Shapes go straight to the canvas; all text goes into one text object, drawn last (over the shapes):
    one BT…ET a sheet instead of one a string."""

    def __init__(self, canv: Canvas, look: Look):
        self.canv, self.look = canv, look
        self.words = canv.beginText()
        self._font: tuple[str, float] | None = None
        self._colour = None

    def text(self, x: float, y: float, text: str, font: str, size: float, colour) -> None:  # noqa: ANN001
        words = self.words
        if self._font != (font, size):
            words.setFont(font, size)
            self._font = (font, size)
        if self._colour is not colour:
            words.setFillColor(colour)
            self._colour = colour
        words.setTextOrigin(x, y)
        words.textOut(text)

    def done(self) -> None:
        self.canv.drawText(self.words)

    def draw_line(self, x: float, y: float, line: list[tuple[str, Run, float]]) -> None:
        """Consecutive pieces of one run are drawn as one string, one link and one underline."""
        canv = self.canv
        merged: list[tuple[str, Run, float]] = []
        for text, run, w in line:
            if merged and merged[-1][1] is run:
                merged[-1] = (merged[-1][0] + text, run, merged[-1][2] + w)
            else:
                merged.append((text, run, w))
        links: list[tuple[str, float, float]] = []
        for text, run, w in merged:
            self.text(x, y, text, run.font, run.size, run.colour)
            if run.underline:
                canv.setStrokeColor(run.colour)
                canv.setLineWidth(0.5)
                canv.line(x, y - 1.2, x + w, y - 1.2)
            if run.anchor:
                if links and links[-1][0] == run.anchor and abs(links[-1][2] - x) < 0.01:
                    links[-1] = (run.anchor, links[-1][1], x + w)
                else:
                    links.append((run.anchor, x, x + w))
            x += w
        for anchor, x0, x1 in links:
            canv.linkURL(f"sgpack:{anchor}", (x0, y - 2, x1, y + CELL), relative=0, thickness=0)


def _cut(lines: list, keep: int) -> list:
    """The first `keep` lines, the last one ending in an ellipsis when lines were dropped."""
    if len(lines) <= keep:
        return lines
    kept = [list(line) for line in lines[:keep]]
    if kept and kept[-1]:
        text, run, _ = kept[-1][-1]
        kept[-1][-1] = (text + "…", run, stringWidth(text + "…", run.font, run.size))
    return kept


def draw_sheet(canv: Canvas, head: Head, row: SheetRow, pages: int, pm: PageMap, look: Look,
               titles: dict[str, str], note: str | None) -> None:
    """One exhibit sheet on the current page of `canv`; `titles`: each supported action's title by its anchor."""
    sheet = _Sheet(canv, look)
    canv.doForm(_running_form(canv, head, look))
    first, last = pm.exhibits[row.number]
    top = PAGE_H - MARGIN_TOP - 1.5 * cm
    y = top - 11
    sheet.text(MARGIN_X, y, "EXHIBIT", look.bold, 11, look.grey)
    y -= 2 + 54
    sheet.text(MARGIN_X, y, _clean(row.number), look.bold, 54, look.heading)
    y -= 10 + 8 + 16
    title_lines = _cut(wrap_runs([Run(_clean(row.title), look.bold, look.text, size=16)], TEXT_W), 4)
    for line in title_lines:
        sheet.draw_line(MARGIN_X, y, line)
        y -= 21
    y += 21 - 16 - 16                                        # the title's space after

    if pages:
        where = (f"This sheet is bundle page {first}; the exhibit follows on "
                 + (f"page {first + 1} (1 page)." if pages == 1 else f"pages {first + 1}–{last} ({pages} pages)."))
    else:
        where = f"This sheet is bundle page {first}; no pages of the exhibit could be rendered."
    plain = look.font

    def cell(text: str, font: str = plain, size: float = CELL) -> list[Run]:
        return [Run(_clean(text), font, look.text, size=size)]

    supports: list[list[Run]] = []
    for action_id, anchor in row.actions:
        ref = f" (p. {pm.anchors[anchor]})" if anchor in pm.anchors else ""
        if anchor in titles:
            supports.append([Run(_clean(action_id), look.bold, LINK_BLUE, anchor, True),
                             Run(ref, plain, LINK_BLUE, anchor, True), Run(" " + _clean(titles[anchor]), plain, look.text)])
        else:
            supports.append([Run(_clean(action_id) + ref, look.bold, look.text)])
    rows: list[tuple[str, list[list[Run]]]] = [
        ("Type", [cell(row.type)]), ("CQC evidence category", [cell(row.category)]), ("Date", [cell(row.date)]),
        ("Source file", [cell(row.path, look.mono, MONO)]), ("SHA-256", [cell(row.sha256, look.mono, MONO)]),
        ("Original copy", [cell(f"exhibits/{row.file_name}")]), ("Pages", [cell(where)]),
        ("Supports", supports or [cell("—")])]
    if note:
        rows.append(("Note", [cell(note)]))

    value_w = TEXT_W - LABEL_W - 2 * PAD_X
    laid = []
    for label, paragraphs in rows:
        lines = [line for runs in paragraphs for line in wrap_runs(runs, value_w)]
        if label in ("Source file", "Original copy", "Note"):
            lines = _cut(lines, 6)
        laid.append((label, lines))
    floor = MARGIN_BOTTOM + 0.5 * cm

    def height(lines: list) -> float:
        return PAD_TOP + max(1, len(lines)) * CELL_LEADING + PAD_BOTTOM

    # the Supports row takes what is left after every other row
    fixed = sum(height(lines) for label, lines in laid if label != "Supports")
    room = int((y - floor - fixed - PAD_TOP - PAD_BOTTOM) // CELL_LEADING)
    for i, (label, lines) in enumerate(laid):
        if label == "Supports" and len(lines) > room:
            shown = max(1, room - 1)
            lines = lines[:shown] + [[(f"… and more: {len(row.actions)} actions in all (see the evidence index)",
                                       Run("", look.italic, look.grey), 0.0)]]
            laid[i] = (label, lines)

    for label, lines in laid:
        h = height(lines)
        canv.setFillColor(look.zebra)
        canv.rect(MARGIN_X, y - h, LABEL_W, h, stroke=0, fill=1)
        base = y - PAD_TOP - CELL
        sheet.text(MARGIN_X + PAD_X, base, label, look.bold, CELL, look.text)
        for line in lines:
            sheet.draw_line(MARGIN_X + LABEL_W + PAD_X, base, line)
            base -= CELL_LEADING
        y -= h
        canv.setStrokeColor(look.rule)
        canv.setLineWidth(0.4)
        canv.line(MARGIN_X, y, MARGIN_X + TEXT_W, y)
    sheet.done()


def _running_form(canv: Canvas, head: Head, look: Look) -> str:
    """The running header and footer, the same on every sheet: drawn once as a form."""
    name = "sg_running"
    if not getattr(canv, "_sg_running", False):
        canv.beginForm(name)
        look.draw_running(canv, head)
        canv.endForm()
        canv._sg_running = True
    return name


def render_sheets(head: Head, exhibits: list, counts: list[int], pm: PageMap, look: Look,
                  titles: dict[str, str]) -> bytes:
    """One sheet a page, in the order of `exhibits` (bundle.ExhibitInput: .row, .note)."""
    out = io.BytesIO()
    canv = Canvas(out, pagesize=A4, invariant=1, pageCompression=1)
    canv.setTitle(head.title)
    for ex, n in zip(exhibits, counts):
        draw_sheet(canv, head, ex.row, n, pm, look, titles, ex.note)
        canv.showPage()
    canv.save()
    return out.getvalue()
