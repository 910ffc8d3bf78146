"""The lines at the top and foot of every page: the running head and foot, and the classification stamp.

None is ever cut short. A line too long for its room first loses what it says in brackets (a role after a name:
"Helen Carter (Head of Quality and Safeguarding)" becomes "Helen Carter"); if that is still too long, the whole
line is wrapped, at spaces, onto a second and a third line, set smaller for a third; a single word wider than the
room stays whole.
"""
from __future__ import annotations

import re

from reportlab.pdfbase.pdfmetrics import stringWidth

from compiler.render.escape import clean

RUNNING_SIZE, RUNNING_SMALL = 7.5, 6.5          # points: the running head and foot, and when on three lines
CLASS_SIZE, CLASS_SMALL = 8.5, 7.0              # the classification stamp
CLASS_W = 160.0                                 # the widest a classification line is drawn
LEADING = 1.15                                  # a line's height, as a share of its size
GAP = 10.0                                      # between the running head and the classification's box
STANDARD_BOLD = "Helvetica-Bold"                # the stamps' font, when WinAnsi can spell the text


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` on lines no wider than `width`, broken at spaces only."""
    lines: list[str] = []
    for word in text.split():
        if lines and stringWidth(f"{lines[-1]} {word}", font, size) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines or [""]


def unbracketed(text: str) -> str:
    """The text without what it says in brackets ("Helen Carter (Head of Quality)" -> "Helen Carter")."""
    return " ".join(re.sub(r"\s*\([^()]*\)", "", text).split())


def lines_for(text: str, font: str, width: float, sizes: tuple[float, float] = (RUNNING_SIZE, RUNNING_SMALL),
              *, shorten: bool = True) -> tuple[list[str], float]:
    """(lines, size) that show all of `text` in `width` (see the module's rules)."""
    text = " ".join(clean(text).split())
    big, small = sizes
    if stringWidth(text, font, big) <= width:
        return [text], big
    short = unbracketed(text) if shorten else text
    if short and short != text and stringWidth(short, font, big) <= width:
        return [short], big
    lines = wrap(text, font, big, width)
    if len(lines) <= 2:
        return lines, big
    return wrap(text, font, small, width), small


def stamp_font(texts: list[str], bold: str) -> str:
    """Helvetica Bold when WinAnsi can spell every text the stamps show, else the theme's own bold."""
    try:
        for text in texts:
            clean(text).encode("cp1252")
    except UnicodeEncodeError:
        return bold
    return STANDARD_BOLD


def classification_lines(text: str, font: str) -> tuple[list[str], float]:
    """The classification stamp's lines and size: never shortened, only wrapped."""
    return lines_for(text, font, CLASS_W, (CLASS_SIZE, CLASS_SMALL), shorten=False)


def baselines(middle: float, count: int, size: float) -> list[float]:
    """The baselines of `count` lines of `size` centred on the baseline one line would have."""
    step = size * LEADING
    top = middle + step * (count - 1) / 2
    return [top - k * step for k in range(count)]


def head_room(page_w: float, margin_x: float, classification: str, bold: str) -> float:
    """How wide the running head and foot may be: from the margin to the classification's box, centred."""
    font = stamp_font([classification], bold)
    lines, size = classification_lines(classification, font)
    widest = max(stringWidth(line, font, size) for line in lines)
    return page_w / 2 - widest / 2 - 4 - GAP - margin_x
