"""The body's flowables made cheap to lay out and draw, page for page as reportlab makes them: paragraphs that keep
their parse and their layouts, one-line plain cells, paragraphs and cells written as PDF operators directly, and PNG
charts placed from their own compressed rows. Each replaces reportlab machinery that cost most of a body pass; each
falls back to reportlab for anything it does not cover. Used by every PDF's look and story."""
from __future__ import annotations

import re
import weakref

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Flowable, Paragraph
from reportlab.platypus.paragraph import _doLink, _trailingSpaceLength, _usConv   # drawPara's own rules


class Para(Paragraph):
    """A Paragraph that keeps its layouts. Tables measure every cell, re-measure the rows left after each page
    split and wrap each cell again to draw it, and one cell object can sit in tables of different column widths;
    breaking the same text at the same width gives the same lines, so it is done once per width (the layout is a
    function of text, style and width only). The markup is parsed once per style (see `parsed`)."""

    def __init__(self, markup: str | None, style: ParagraphStyle, bulletText: str | None = None, frags=None, **kw):
        if frags is None:                   # (Paragraph.split makes its parts from fragments)
            frags = parsed(markup, style, bulletText)
        super().__init__(markup, style, bulletText, frags=frags, **kw)
        self._laid: dict[float, tuple] = {}

    def wrap(self, availWidth, availHeight):
        laid = self._laid.get(availWidth)
        if laid is not None:
            self.width, self.height, self.blPara, self._wrapWidths = laid
            return self.width, self.height
        width, height = super().wrap(availWidth, availHeight)
        if availWidth >= 1e-8:
            self._laid[availWidth] = (width, height, self.blPara, self._wrapWidths)
        return width, height

    def drawOn(self, canv, x, y, _sW=0):
        if not _draw_direct(self, canv, self._hAlignAdjust(x, _sW), y):
            super().drawOn(canv, x, y, _sW)


def _plain_colour(colour, op: str = "rg") -> str | None:
    """The fill (or stroke: "RG") operator of an opaque RGB colour as the canvas writes it; None for anything else."""
    if type(colour) is not colors.Color or getattr(colour, "alpha", 1) != 1:
        return None
    return f"{fp_str(colour.red, colour.green, colour.blue)} {op}"


def _show(canv, font, tf: str, text: str, subset: int) -> tuple[str, int]:
    """PDF operators showing `text` in a TrueType font, as reportlab's text object writes them: the font is chosen
    again where the text moves to another 256-glyph subset. `tf` is '<size> Tf <leading> TL'."""
    doc, ops = canv._doc, []
    for sub, chunk in font.splitString(text, doc):
        if sub != subset:
            ops.append(f"{font.getSubsetInternalName(sub, doc)} {tf}")
            subset = sub
        ops.append(f"({canv._escape(chunk)}) Tj")
    return " ".join(ops), subset


class _TextState:
    """What reportlab's link and trailing-space helpers read of a text object: its canvas and current font."""

    def __init__(self, canv):
        self._canvas, self._fontname, self._fontsize = canv, None, None


class _Strokes:
    """Underline strokes in the canvas's current line width and stroke colour, as paragraph._do_line draws them."""

    def __init__(self, canv, ops: list[str]):
        self.ops, self.width, self.colour = ops, canv._lineWidth, canv._strokeColorObj

    def line(self, x1: float, x2: float, y: float, width: float, colour) -> None:
        if width != self.width:
            self.ops.append(f"{fp_str(width)} w")
            self.width = width
        if colour != self.colour:
            self.ops.append(_plain_colour(colour, "RG"))
            self.colour = colour
        self.ops.append(f"n {fp_str(x1, y)} m {fp_str(x2, y)} l S")

    def underline(self, spec: tuple, values: dict, x1: float, x2: float, base: float, text_colour, default: float):
        _, kind, c, w, o, r, m, g = spec                # as paragraph._do_under_line / _do_post_text
        under = kind == "underline"
        lw = _usConv(w, values, default=default)
        dy = _usConv(g, values, default=1) + lw
        y = base + r + _usConv(o if o != "" else ("-0.125*L" if under else "0.25*L"), values)
        for _ in range(m):
            self.line(x1, x2, y, lw, c or text_colour)
            y -= dy if under else -dy


_SHARE = {TA_LEFT: 0.0, TA_CENTER: 0.5, TA_RIGHT: 1.0}


def _drawable(para: Paragraph) -> bool:
    """A wrapped paragraph the direct writers below draw as drawPara would: no bullet, indent, box, justification,
    word spacing, rise, inline image or background, TrueType fonts and opaque RGB colours only."""
    bl, style = getattr(para, "blPara", None), para.style
    if (bl is None or not bl.lines or para.bulletText or getattr(para, "_offsets", None) or style.leftIndent
            or style.firstLineIndent or style.backColor or style.borderWidth or style.endDots or style.wordWrap
            or style.alignment not in _SHARE or getattr(style, "autoLeading", "") not in ("", "off", None)):
        return False
    if bl.kind == 0:
        frags, spaces = [bl], [extra for extra, _ in bl.lines]
    else:
        frags, spaces = [w for line in bl.lines for w in line.words], [line.extraSpace for line in bl.lines]
    return (min(spaces) > -1e-8 and all(
        not hasattr(f, "cbDefn") and not getattr(f, "backColor", None) and not getattr(f, "rise", 0)
        and pdfmetrics.getFont(f.fontName)._dynamicFont and _plain_colour(f.textColor) is not None
        and all(_plain_colour(u[2] or f.textColor) is not None for u in getattr(f, "us_lines", None) or ())
        for f in frags))


def _draw_direct(para: Paragraph, canv, x: float, y: float) -> bool:
    """Draw a wrapped paragraph at (x, y) by writing the PDF operators Paragraph.drawPara writes (underlines, then
    a text object of the lines; link annotations per line), without drawPara's graphics-state pushes, transform,
    text object and generic line handling, where most of the drawn pass went (table cells are paragraphs). False,
    with nothing drawn, for a paragraph `_drawable` refuses."""
    if not _drawable(para):
        return False
    if para.blPara.kind == 0:
        _draw_one_style(para, canv, x, y)
    else:
        _draw_frag_lines(para, canv, x, y)
    return True


def _draw_one_style(para: Paragraph, canv, x: float, y: float) -> None:
    """Layout kind 0: the whole paragraph in one font and colour (most cells, with or without a link)."""
    bl, style = para.blPara, para.style
    font, fs, leading = pdfmetrics.getFont(bl.fontName), bl.fontSize, style.leading
    us_lines, links = getattr(bl, "us_lines", None) or (), getattr(bl, "link", None) or ()
    top, share = y + para.height - fs, _SHARE[style.alignment]          # the first baseline
    tf = f"{fp_str(fs)} Tf {fp_str(leading)} TL"
    ops, text_ops, subset = ["q", _plain_colour(bl.textColor)], [f"BT 1 0 0 1 {fp_str(x, top)} Tm"], -1
    strokes, default_width = _Strokes(canv, ops), canv._lineWidth
    values = {"L": fs, "F": fs, "f": fs}
    for i, (extra, words) in enumerate(bl.lines):
        text = " ".join(words)
        off = share * extra
        shown, subset = _show(canv, font, tf, text, subset)
        if off > 1e-6 or off < -1e-6:
            text_ops.append(f"{fp_str(off)} 0 Td {shown} T* {fp_str(-off)} 0 Td")
        else:
            text_ops.append(f"{shown} T*")
        if not (us_lines or links):
            continue
        text_w = pdfmetrics.stringWidth(text, bl.fontName, fs)
        x1, base = x + off, top - i * leading
        for spec in us_lines:                                           # as paragraph._do_under_line
            strokes.underline(spec, values, x1, x1 + text_w, base, bl.textColor, default_width)
        ly = base - fs / 8.0                                            # as paragraph._do_link_line
        for _, target in links:
            _doLink(_TextState(canv), target, (x1, ly, x1 + text_w, ly + leading))
    canv._code.append(" ".join(ops + text_ops + ["ET Q"]))


def _draw_frag_lines(para: Paragraph, canv, x: float, y: float) -> None:
    """Layout kind 1: lines of fragments in several fonts and colours (a bold label over a grey note, a list of
    links), as paragraph._putFragLine and _do_post_text draw them."""
    lines, style = para.blPara.lines, para.style
    leading, share, state = style.leading, _SHARE[style.alignment], _TextState(canv)
    top = y + para.height - lines[0].fontSize
    ops = ["q"]
    text_ops, strokes, default_width = [f"BT 1 0 0 1 {fp_str(x, top)} Tm {fp_str(leading)} TL"], _Strokes(canv, ops), \
        canv._lineWidth
    font = tf = colour = None
    subset = -1
    for i, line in enumerate(lines):
        m = share * line.extraSpace
        moved = m > 1e-6 or m < -1e-6
        if moved:
            text_ops.append(f"{fp_str(m)} 0 Td")
        base, cur_x, unders, spans, now_u, now_l = top - i * leading, m, {}, {}, [], []
        words = line.words
        for j, f in enumerate(words):
            fs, end_x = f.fontSize, cur_x
            if j:
                end_x = cur_x - _trailingSpaceLength(words[j - 1].text, state)
            if (state._fontname, state._fontsize) != (f.fontName, fs):
                state._fontname, state._fontsize = f.fontName, fs
                font, tf, subset = pdfmetrics.getFont(f.fontName), f"{fp_str(fs)} Tf {fp_str(leading)} TL", -1
            if colour != f.textColor:
                colour = f.textColor
                text_ops.append(_plain_colour(colour))
            us, lk = list(getattr(f, "us_lines", None) or ()), list(getattr(f, "link", None) or ())
            for u in now_u:
                if u not in us:
                    unders[u] = (unders[u], end_x)
            for k in now_l:
                if k not in lk:
                    spans[k] = (spans[k], end_x)
            shown, subset = _show(canv, font, tf, f.text, subset)
            text_ops.append(shown + (" T*" if f is words[-1] else ""))
            for u in us:
                if u not in now_u:
                    unders[u] = ((u, fs, f.textColor, cur_x), fs)
                elif fs > unders[u][1]:
                    unders[u] = (unders[u][0], fs)
            lo, hi = -0.2 * fs, fs
            for k in lk:
                if k not in now_l:
                    spans[k] = ((k, cur_x), lo, hi)
                else:
                    start, klo, khi = spans[k]
                    spans[k] = (start, min(lo, klo), max(hi, khi))
            now_u, now_l = us, lk
            cur_x += pdfmetrics.stringWidth(f.text, f.fontName, fs)
        for u in now_u:
            unders[u] = (unders[u], cur_x)
        for k in now_l:
            spans[k] = (spans[k], cur_x)
        if moved:
            text_ops.append(f"{fp_str(-m)} 0 Td")
        for (((_, target), x1), lo, hi), x2 in sorted(spans.values()):           # as paragraph._do_post_text
            _doLink(state, target, (x + x1, base + lo, x + x2, base + hi))
        values = {"L": lines[0].fontSize}
        for ((spec, fs, text_colour, x1), fsmax), x2 in sorted(unders.values()):
            values["f"], values["F"] = fs, fsmax
            strokes.underline(spec, values, x + x1, x + x2, base, text_colour, default_width)
    canv._code.append(" ".join(ops + text_ops + ["ET Q"]))


_PARSED: "weakref.WeakKeyDictionary[ParagraphStyle, dict]" = weakref.WeakKeyDictionary()


def parsed(markup: str, style: ParagraphStyle, bulletText: str | None = None) -> list:
    """Paragraph markup parsed into reportlab's fragments, once per (style, markup): every pass builds the same
    headings and notes again. Fragments are only read after parsing (a wrap keeps its own word list)."""
    parsed = _PARSED.setdefault(style, {})
    frags = parsed.get((markup, bulletText))
    if frags is None:
        para = Paragraph(markup, style, bulletText)
        if para.bulletText is not bulletText and para.bulletText != bulletText:
            return None                     # a <bullet> tag: parse it each time
        frags = parsed[(markup, bulletText)] = para.frags
    return frags


_ENTITIES = re.compile("&(amp|lt|gt);")
_ENTITY_TEXT = {"amp": "&", "lt": "<", "gt": ">"}


def plain_text(markup: str) -> str | None:
    """The text of markup that is only escaped text (what esc() makes) and that a Paragraph would print as typed:
    no tags, no other entities, single spaces, nothing a Paragraph treats specially. None otherwise."""
    if "<" in markup or ">" in markup:
        return None
    text = _ENTITIES.sub(lambda m: _ENTITY_TEXT[m.group(1)], markup)
    if "&" in _ENTITIES.sub("", markup) or not text or not text.isprintable() or text != " ".join(text.split()):
        return None
    return text


class Text(Flowable):
    """A table cell of plain text in a simple style: drawn as one line, exactly where a Paragraph puts a line
    (baseline font size below the top; left, centre or right within the cell), when it fits on one line.
    Anything longer is handed to a real Paragraph, which wraps it. Parsing and line breaking ~40,000 cells
    that are a date, a count or a name was most of the body's layout time."""

    def __init__(self, markup: str, text: str, style: ParagraphStyle):
        super().__init__()
        self.markup, self.text, self.style = markup, text, style
        self._text_w = pdfmetrics.stringWidth(text, style.fontName, style.fontSize)
        self._para: Paragraph | None = None
        self._para_used: bool | None = None

    @staticmethod
    def simple(style: ParagraphStyle) -> bool:
        return (not style.leftIndent and not style.rightIndent and not style.firstLineIndent and not style.backColor
                and not style.borderWidth and style.alignment in (TA_LEFT, TA_CENTER, TA_RIGHT)
                and style.wordWrap is None and getattr(style, "autoLeading", "") in ("", "off", None))

    def _paragraph(self) -> Paragraph:
        if self._para is None:
            self._para = Para(self.markup, self.style)
        return self._para

    def wrap(self, availWidth, availHeight):
        if self._text_w <= availWidth - 0.01:        # a Paragraph would keep it on one line too
            self._para_used = False
            self.width, self.height = availWidth, self.style.leading
            return self.width, self.height
        self._para_used = True
        self.width, self.height = self._paragraph().wrap(availWidth, availHeight)
        return self.width, self.height

    def split(self, availWidth, availHeight):
        """As Paragraph.split after the last wrap: one line is never split (a Paragraph keeps no orphan);
        a wrapped text splits as its Paragraph does."""
        if getattr(self, "_para_used", None) is None:
            self.wrap(availWidth, availHeight)
        if self._para_used:
            return self._para.split(availWidth, availHeight)
        return [] if int(availHeight / self.style.leading) <= 1 else [self]

    def minWidth(self):
        return self._paragraph().minWidth()

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def drawOn(self, canv, x, y, _sW=0):
        """Written as PDF operators directly (see `_plain_colour`): the marks draw() makes, without a graphics-state
        push, a transform and a text object per cell."""
        style = self.style
        font = pdfmetrics.getFont(style.fontName)
        colour = _plain_colour(style.textColor)
        if self._para_used or not font._dynamicFont or colour is None:
            return super().drawOn(canv, x, y, _sW)
        x = self._hAlignAdjust(x, _sW)
        if style.alignment == TA_RIGHT:
            x += self.width - self._text_w
        elif style.alignment == TA_CENTER:
            x += 0.5 * (self.width - self._text_w)
        shown, _ = _show(canv, font, f"{fp_str(style.fontSize)} Tf {fp_str(style.leading)} TL", self.text, -1)
        canv._code.append(f"q {colour} BT 1 0 0 1 {fp_str(x, y + self.height - style.fontSize)} Tm {shown} ET Q")

    def draw(self):
        canv, style = self.canv, self.style
        if self._para_used:
            self._para.drawOn(canv, 0, 0)
            return
        y = self.height - style.fontSize
        canv.setFillColor(style.textColor)
        canv.setFont(style.fontName, style.fontSize, style.leading)
        if style.alignment == TA_RIGHT:
            canv.drawString(self.width - self._text_w, y, self.text)
        elif style.alignment == TA_CENTER:
            canv.drawString(0.5 * (self.width - self._text_w), y, self.text)
        else:
            canv.drawString(0, y, self.text)
