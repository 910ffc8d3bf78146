"""How wide a Word document's text is: each run's size and weight from the document's own styles, its width
from DejaVu Sans metrics.

DejaVu Sans is wider than Arial, the house font, and is what LibreOffice draws when a machine has no Arial,
so text measured here fits in Word and in LibreOffice alike. The metrics ship with matplotlib (as for the
PDF), so every machine measures the same widths and a build gives the same bytes wherever it runs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
DEFAULT_SIZE = 10.0                 # points: Word's size when no style sets one
DEFAULT_CELL_MARGIN = 108           # twips each side: Word's and LibreOffice's default
# a little more than the metrics say: kerning and hinting differ from one renderer to the next
SAFETY = 1.04
LINE_HEIGHT = 1.2                   # a line's height for its font size
# Where Word and LibreOffice may break a line inside a word: after a hyphen, slash or dash ("quality-and-",
# and "RP-" "01" too), but not inside a link's text (the measure keeps an exhibit reference whole)
BREAK_AFTER = re.compile(r"(?<=[-/\u2013\u2014])(?=\S)")
# Spaces a line may break at (no-break, figure and narrow no-break spaces hold a word together)
SPACES = re.compile(r"([ \t\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]+)")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def parse(xml: bytes) -> etree._Element:
    """A part of the rendered package, read with no entity resolved and nothing fetched (a provider's template
    is a file from outside) and no limit on its size (a large pack's document is large)."""
    return etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))


@dataclass(frozen=True)
class Font:
    size: float = DEFAULT_SIZE
    bold: bool = False


@dataclass
class Style:
    kind: str
    based_on: str | None
    size: float | None
    bold: bool | None
    fill: str | None                     # a character style's shading (a RAG chip's colour)
    cell_margins: tuple[int, int] | None  # a table style's left and right cell margins


@dataclass
class Styles:
    """The styles part, read once: what size and weight a run has, a chip's colour, a table's cell margins."""
    styles: dict[str, Style] = field(default_factory=dict)
    default_paragraph: str | None = None
    default_size: float = DEFAULT_SIZE
    default_bold: bool = False

    @classmethod
    def parse(cls, xml: bytes | None) -> Styles:
        out = cls()
        if not xml:
            return out
        root = parse(xml)
        rpr = root.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
        if rpr is not None:
            size, bold = _run_props(rpr)
            out.default_size = size or DEFAULT_SIZE
            out.default_bold = bool(bold)
        for el in root.findall("w:style", NS):
            ident, kind = el.get(w("styleId")), el.get(w("type"), "paragraph")
            if ident is None:
                continue
            based = el.find("w:basedOn", NS)
            rpr = el.find("w:rPr", NS)
            size, bold = _run_props(rpr) if rpr is not None else (None, None)
            shd = rpr.find("w:shd", NS) if rpr is not None else None
            fill = shd.get(w("fill")) if shd is not None else None
            out.styles[ident] = Style(kind, based.get(w("val")) if based is not None else None, size, bold,
                                      fill if fill and fill.lower() != "auto" else None,
                                      margins_of(el.find("w:tblPr/w:tblCellMar", NS)))
            if kind == "paragraph" and el.get(w("default")) in ("1", "true", "on"):
                out.default_paragraph = ident
        return out

    def _chain(self, ident: str | None):
        seen: set[str] = set()
        while ident and ident in self.styles and ident not in seen:
            seen.add(ident)
            yield self.styles[ident]
            ident = self.styles[ident].based_on

    def _first(self, ident: str | None, attr: str):
        return next((v for s in self._chain(ident) if (v := getattr(s, attr)) is not None), None)

    def paragraph_font(self, style: str | None) -> Font:
        style = style or self.default_paragraph
        size = self._first(style, "size")
        bold = self._first(style, "bold")
        return Font(size or self.default_size, self.default_bold if bold is None else bold)

    def run_font(self, base: Font, rpr: etree._Element | None) -> Font:
        """A run's font: its paragraph's, then its character style, then its own properties."""
        size, bold = base.size, base.bold
        if rpr is None:
            return base
        style = rpr.find("w:rStyle", NS)
        if style is not None:
            ident = style.get(w("val"))
            size = self._first(ident, "size") or size
            styled = self._first(ident, "bold")
            bold = bold if styled is None else styled
        own_size, own_bold = _run_props(rpr)
        return Font(own_size or size, bold if own_bold is None else own_bold)

    def fill(self, style: str) -> str | None:
        return self._first(style, "fill")

    def cell_margins(self, style: str | None) -> tuple[int, int] | None:
        return self._first(style, "cell_margins")


def _on(el: etree._Element) -> bool:
    return el.get(w("val"), "true").lower() not in ("0", "false", "off", "none")


def _run_props(rpr: etree._Element) -> tuple[float | None, bool | None]:
    sz, b = rpr.find("w:sz", NS), rpr.find("w:b", NS)
    size = int(sz.get(w("val"))) / 2 if sz is not None and (sz.get(w("val")) or "").isdigit() else None
    return size, (_on(b) if b is not None else None)


def margins_of(mar: etree._Element | None) -> tuple[int, int] | None:
    """The left and right margins a w:tblCellMar sets, in twips."""
    if mar is None:
        return None
    sides = []
    for names in (("left", "start"), ("right", "end")):
        el = next((e for n in names if (e := mar.find(f"w:{n}", NS)) is not None), None)
        value = el.get(w("w")) if el is not None else None
        sides.append(int(value) if value and value.lstrip("-").isdigit() and el.get(w("type"), "dxa") == "dxa"
                     else DEFAULT_CELL_MARGIN)
    return sides[0], sides[1]


@lru_cache(maxsize=1)
def _faces() -> tuple[str, str, float]:
    """The regular and bold face measured with, and how much wider DejaVu is than them (1 for DejaVu)."""
    from compiler.render.pdf.fonts import unicode_fonts

    fonts = unicode_fonts()
    # without DejaVu, Helvetica's metrics (Arial's) made as wide as DejaVu's
    return fonts.regular, fonts.bold, 1.0 if fonts.unicode else 1.12


@lru_cache(maxsize=65536)
def text_width(text: str, size: float, bold: bool) -> int:
    """The width of `text` on one line, in twips."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    regular, heavy, scale = _faces()
    return round(stringWidth(text, heavy if bold else regular, size) * 20 * scale * SAFETY)


@dataclass(frozen=True)
class Span:
    """A stretch of a line in one font (`whole`: a link's text, measured unbroken), or a picture `width`
    twips wide."""
    text: str
    font: Font
    width: int | None = None
    whole: bool = False


@dataclass(frozen=True, eq=False)
class Measure:
    """A paragraph measured: each of its lines (between its line breaks) as pieces no break may fall in, each
    piece's width and the width of the space after it (twips), and its largest font size (points). It keeps
    what it has worked out about its wrapping, for as long as it lives (a table's sizing)."""
    lines: tuple[tuple[tuple[int, int], ...], ...] = ()
    size: float = DEFAULT_SIZE
    _counts: dict[int, int] = field(default_factory=dict, repr=False)
    _narrowest: dict[tuple[int, int], int | None] = field(default_factory=dict, repr=False)

    @property
    def need(self) -> int:
        """The widest piece: narrower than this, a word splits."""
        return max((piece for line in self.lines for piece, _ in line), default=0)

    @property
    def want(self) -> int:
        """The widest line unwrapped."""
        return max((sum(piece + space for piece, space in line) - (line[-1][1] if line else 0)
                    for line in self.lines), default=0)

    def height(self, width: int) -> float:
        """How tall the paragraph is, in points, wrapped `width` twips wide."""
        return self.line_count(width) * self.size * LINE_HEIGHT

    def line_count(self, width: int) -> int:
        """How many lines the paragraph takes wrapped `width` twips wide, breaking where Word and LibreOffice
        would (a piece wider than the line has a line to itself)."""
        count = self._counts.get(width)
        if count is None:
            count = 0
            for line in self.lines or ((),):
                count += 1
                used = 0
                for piece, space in line:
                    if used and used + piece > width:
                        count += 1
                        used = 0
                    used += piece + space
            self._counts[width] = count
        return count

    def narrowest(self, lines: int, low: int) -> int | None:
        """The narrowest width of at least `low` twips at which the paragraph takes at most `lines` lines."""
        key = (lines, low)
        if key not in self._narrowest:
            high = max(self.want, low)
            if self.line_count(high) > lines:
                self._narrowest[key] = None
            else:
                while low < high:
                    middle = (low + high) // 2
                    if self.line_count(middle) <= lines:
                        high = middle
                    else:
                        low = middle + 1
                self._narrowest[key] = low
        return self._narrowest[key]


def lines(paragraph: etree._Element, styles: Styles) -> list[list[Span]]:
    """A paragraph's text as lines (split at its line breaks), each a list of spans."""
    style = paragraph.find("w:pPr/w:pStyle", NS)
    base = styles.paragraph_font(style.get(w("val")) if style is not None else None)
    out: list[list[Span]] = [[]]
    for run in paragraph.iter(w("r")):
        font = styles.run_font(base, run.find("w:rPr", NS))
        linked = run.getparent().tag == w("hyperlink")
        for el in run:
            tag = etree.QName(el).localname
            if tag == "t":
                out[-1].append(Span(el.text or "", font, whole=linked))
            elif tag == "tab":
                out[-1].append(Span(" ", font))
            elif tag in ("br", "cr"):
                out.append([])
            elif tag == "noBreakHyphen":
                out[-1].append(Span("-", font))
            elif tag == "drawing":
                extent = el.find(".//{*}extent")
                if extent is not None and (extent.get("cx") or "").isdigit():
                    out[-1].append(Span("", font, int(extent.get("cx")) // 635))     # EMU -> twips
    return out


def measure(paragraph: etree._Element, styles: Styles) -> Measure:
    """A paragraph's lines as unbreakable pieces, and its largest font size."""
    found, size = [], 0.0
    for line in lines(paragraph, styles):
        found.append(_pieces(line))
        size = max([size] + [s.font.size for s in line])
    return Measure(tuple(found), size or styles.paragraph_font(None).size)


def _pieces(line: list[Span]) -> tuple[tuple[int, int], ...]:
    """A line's pieces no break may fall in, each with the width of the space after it; a piece may run on
    from one span into the next ("RP-01" in a link, then "," in plain text)."""
    out: list[tuple[int, int]] = []
    current = space = 0
    started = False

    def close() -> None:
        nonlocal current, space, started
        if started:
            out.append((current, space))
        current = space = 0
        started = False

    for span in line:
        if span.width is not None:
            close()
            out.append((span.width, 0))
            continue
        for part in SPACES.split(span.text):
            if not part:
                continue
            if SPACES.fullmatch(part):
                space += text_width(part, span.font.size, span.font.bold)
                continue
            if space:
                close()
            subs = [part] if span.whole else BREAK_AFTER.split(part)
            for j, sub in enumerate(subs):
                current += text_width(sub, span.font.size, span.font.bold)
                started = True
                if j < len(subs) - 1:
                    close()
    close()
    return tuple(out)
