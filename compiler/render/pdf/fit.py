"""Table columns sized from what their cells hold, so that no word is ever split across two lines of a cell.

Each cell is measured twice: its narrowest (the widest word in it, at its own font and size) and its widest (its
longest line, unbroken). A column is never narrower than its narrowest cell. Columns whose whole content fits
their fair share of the width get all they need; the rest share what is left in proportion to how much they
could still use. When even the longest words cannot share the width, the caller sets the table smaller (down
to a floor); only past that floor does a hyphenated word break, after a hyphen, and only a word with no hyphen
that is wider than the page itself is ever cut (a hash or a web address, never a word of a sentence).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import _getFragWords, _HSFrag   # the words a paragraph breaks its lines between

SLACK = 0.5                 # points: a cell's text fits its column with this to spare (reportlab compares floats)
_BIG = 1e6
COMFORT = 92.0              # points, padding included: a cell no wider than this is a short phrase (a date)
STEPS = 24                  # what is to spare is handed out in this many steps
WRAPPED = 0.25              # a line saved in a cell that is not its row's tallest counts for this much of one
FILL = 0.9                  # a wrapped line fills about this much of its cell's width (words do not break)


def measure(cell: object) -> tuple[float, float, tuple[float, ...]]:
    """(narrowest, widest, lines) of a cell's content, without its padding: the longest word, the longest line,
    and the width of each of its lines unbroken."""
    if cell is None or isinstance(cell, str):          # reportlab's own default font, on one line
        w = stringWidth(cell or "", "Helvetica", 10) if cell else 0.0
        return w, w, (w,)
    known = getattr(cell, "_sg_measure", None)
    if known is not None:
        return known
    if isinstance(cell, (list, tuple)):
        sizes = [measure(c) for c in cell] or [(0.0, 0.0, ())]
        return max(s[0] for s in sizes), max(s[1] for s in sizes), tuple(x for s in sizes for x in s[2])
    text = getattr(cell, "text", None)
    if isinstance(cell, Paragraph):
        found = _paragraph(cell)
    elif isinstance(text, str) and hasattr(cell, "style") and hasattr(cell, "_text_w"):     # flow.Text
        found = _plain(text, cell.style.fontName, cell.style.fontSize)
    elif isinstance(cell, Flowable):
        w = cell.wrap(_BIG, _BIG)[0]
        narrow = cell.minWidth() if hasattr(cell, "minWidth") else w
        found = (narrow, max(narrow, w), (max(narrow, w),))
    else:
        found = (0.0, 0.0, ())
    if hasattr(cell, "__dict__"):       # kept on the cell for the next pass; a cell with slots is measured again
        cell.__dict__["_sg_measure"] = found
    return found


class Measured:
    """A cell of plain text measured without making it a flowable (a table of data has thousands)."""
    __slots__ = ("_sg_measure", "text", "font", "size")

    def __init__(self, text: str, font: str, size: float):
        self.text, self.font, self.size = text, font, size
        lines = text.split("\n")
        narrow = max((stringWidth(w, font, size) for w in text.split()), default=0.0)
        widths = tuple(stringWidth(line, font, size) for line in lines)
        self._sg_measure = (narrow, max(widths, default=0.0), widths)


def text_cell(text: str, font: str, size: float) -> Measured:
    """Plain text (lines apart at newlines) as a cell to measure: its words and lines in `font` at `size`."""
    return Measured(text, font, size)


def _plain(text: str, font: str, size: float) -> tuple[float, float, tuple[float, ...]]:
    words = [w for w in text.split(" ") if w]
    narrow = max((stringWidth(w, font, size) for w in words), default=0.0)
    wide = stringWidth(text, font, size)
    return narrow, wide, (wide,)


def _paragraph(para: Paragraph) -> tuple[float, float, tuple[float, ...]]:
    """From the words the paragraph breaks its lines between (reportlab's own): the widest word, and each line's
    width unbroken (a line ends at each <br/>)."""
    style = para.style
    indent = (style.leftIndent or 0) + (style.rightIndent or 0)
    narrow, line, space = 0.0, 0.0, 0.0
    lines = []
    for word in _getFragWords(para.frags):
        parts = word[1:]
        if parts and getattr(parts[0][0], "lineBreak", False):
            lines.append(line)
            line = space = 0.0
            continue
        narrow = max(narrow, word[0])
        line += space + word[0]
        last = parts[-1][0] if parts else None
        space = stringWidth(" ", last.fontName, last.fontSize) if isinstance(word, _HSFrag) and last else 0.0
    lines.append(line)
    shown = tuple(w + indent for w in lines)
    return narrow + indent, max((narrow + indent, *shown)), shown


def words(cell: object) -> list[tuple[str, str, float]]:
    """Every word a cell shows, with its font and size: what a column must be wide enough for."""
    if isinstance(cell, (list, tuple)):
        return [w for c in cell for w in words(c)]
    if isinstance(cell, Paragraph):
        out = []
        for word in _getFragWords(cell.frags):          # [width, (fragment, text), ...]: parsed or laid out
            parts = [(frag, text) for frag, text in word[1:] if text]
            if parts:
                out.append(("".join(t for _, t in parts), parts[0][0].fontName, max(f.fontSize for f, _ in parts)))
        return out
    if isinstance(cell, Measured):
        return [(w, cell.font, cell.size) for w in cell.text.split()]
    text, style = getattr(cell, "text", None), getattr(cell, "style", None)
    if isinstance(text, str) and style is not None:
        return [(w, style.fontName, style.fontSize) for w in text.split()]
    return []


def pieces(word: str) -> list[str]:
    """A word as the parts it may break into: after each hyphen, never elsewhere ("Provider-" "wide")."""
    parts = re.findall(r"[^-]*-+|[^-]+$", word)
    return [p for p in parts if p] or [word]


def share(narrow: Sequence[float], wide: Sequence[float], avail: float,
          cells: Sequence[Sequence[tuple[float, ...]]] | None = None) -> list[float] | None:
    """Column widths summing to `avail`, each at least its narrowest; None when the narrowest do not fit.
    `cells`: each row's cells as the widths of their lines unbroken (padding included), for the height the
    table is estimated to take: what is to spare goes, a little at a time, where it saves the most lines."""
    n = len(narrow)
    if n == 0:
        return []
    wide = [max(a, b) for a, b in zip(narrow, wide)]
    if sum(narrow) > avail + 1e-6:
        return None
    if sum(wide) <= avail:                      # everything fits on one line: spread what is over by size
        total = sum(wide) or float(n)
        return [w + (avail - sum(wide)) * (w or 1.0) / total for w in wide]
    widths = list(narrow)
    free = list(range(n))
    fixed = True
    while fixed:        # short columns first: one whose whole content fits its even share gets all of it
        fixed = False
        room = avail - sum(widths[c] for c in range(n) if c not in free)
        for c in sorted(free, key=lambda k: (wide[k], k)):
            rest = sum(narrow[k] for k in free if k != c)
            if wide[c] <= room / len(free) and room - wide[c] >= rest:
                widths[c] = wide[c]
                free.remove(c)
                fixed = True
                break
    rows = [row for row in (cells or []) if any(row)]
    # then room for each short phrase (a date, a name) to stay on one line, from half of what is to spare: the
    # rest is for the long texts
    budget = (avail - sum(widths)) / 2
    for c in sorted(free, key=lambda k: (wide[k], k)):
        short = [max(row[c]) for row in rows if c < len(row) and row[c] and max(row[c]) <= COMFORT]
        more = max([widths[c], *short]) - widths[c]
        if 0 < more <= budget:
            widths[c] += more
            budget -= more
    spare = avail - sum(widths)
    step = spare / STEPS
    count = [[_lines(cell, widths[c]) for c, cell in enumerate(row)] for row in rows]
    tops = [_top_two(row) for row in count]
    for _ in range(STEPS):
        best, best_key = None, None
        for c in free:
            if widths[c] >= wide[c] - 1e-6:
                continue
            w = min(widths[c] + step, wide[c])
            height = saved = 0
            for r, row in enumerate(rows):
                (first, at), second = tops[r]
                others = second if at == c else first
                if c < len(row):
                    new = _lines(row[c], w)
                    saved += count[r][c] - new
                    height += max(others, new)
                else:
                    height += others
            key = (height - WRAPPED * saved, -(wide[c] - widths[c]), c)
            if best_key is None or key < best_key:
                best, best_key = c, key
        if best is None:
            break
        widths[best] = min(widths[best] + step, wide[best])
        for r, row in enumerate(rows):
            if best < len(row):
                count[r][best] = _lines(row[best], widths[best])
                tops[r] = _top_two(count[r])
    left = avail - sum(widths)
    if left > 1e-6:             # steps a column could not use all of: to those still short of their widest
        short = [c for c in range(n) if widths[c] < wide[c]] or list(range(n))
        total = sum(wide[c] - widths[c] for c in short) or float(len(short))
        for c in short:
            widths[c] += left * ((wide[c] - widths[c]) or 1.0) / total
    return widths


def _top_two(counts: list[float]) -> tuple[tuple[float, int], float]:
    """((the most lines in a row, its column), the most in any other column)."""
    at = max(range(len(counts)), key=counts.__getitem__) if counts else -1
    first = counts[at] if counts else 0
    second = max((k for j, k in enumerate(counts) if j != at), default=0)
    return (first, at), second


def _lines(cell: tuple[float, ...], width: float) -> float:
    """About how many lines a cell takes at `width`: its lines, each wrapped, less full than the width. Counted
    in fractions, so that every step of width a column is given shows in the estimate."""
    return sum(1.0 if line <= width else line / (width * FILL) for line in cell) if width > 0 else 0.0


def columns(rows: Iterable[Sequence[object]], ncols: int,
            pads: Sequence[float]) -> tuple[list[float], list[float], list[list[tuple[float, ...]]]]:
    """The narrowest and widest each column's cells need, padding included, and each cell's lines (for share).
    A cell spanning columns (None or "" in the columns it covers) is counted in its first column."""
    narrow, wide, cells = [0.0] * ncols, [0.0] * ncols, []
    for row in rows:
        laid = []
        for c, cell in enumerate(row[:ncols]):
            lo, hi, lines = measure(cell)
            narrow[c] = max(narrow[c], lo + pads[c] + SLACK)
            wide[c] = max(wide[c], hi + pads[c] + SLACK)
            laid.append(tuple(line + pads[c] + SLACK for line in lines))
        cells.append(laid)
    return narrow, wide, cells


def hyphen_narrow(rows: Iterable[Sequence[object]], ncols: int, pads: Sequence[float]) -> list[float]:
    """The narrowest each column can be when hyphenated words break after a hyphen."""
    narrow = [0.0] * ncols
    for row in rows:
        for c, cell in enumerate(row[:ncols]):
            for word, font, size in words(cell):
                w = max(stringWidth(p, font, size) for p in pieces(word))
                narrow[c] = max(narrow[c], w + pads[c] + SLACK)
    return narrow


def break_after_hyphens(markup: str, room: float, font: str, size: float) -> str:
    """Markup with every word wider than `room` broken onto lines after its hyphens (a line break where a
    line of the word is full), so reportlab never has to cut it between letters. Tags are left alone."""
    parts = re.split(r"(<[^>]*>)", markup)
    for k, part in enumerate(parts):
        if k % 2 or not part:
            continue
        out = []
        for token in re.split(r"( +)", part):
            plain = token.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            if token.strip() and "-" in token and stringWidth(plain, font, size) > room:
                lines, line = [], ""
                for piece in pieces(token):
                    shown = (line + piece).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
                    if line and stringWidth(shown, font, size) > room:
                        lines.append(line)
                        line = piece
                    else:
                        line += piece
                lines.append(line)
                token = "<br/>".join(lines)
            out.append(token)
        parts[k] = "".join(out)
    return "".join(parts)
