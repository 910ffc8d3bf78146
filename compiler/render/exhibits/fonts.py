"""Exhibit fonts and paragraph styles, and evidence text made into reportlab paragraph markup."""
from __future__ import annotations

import contextvars
import threading
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

from compiler.render.escape import clean as shown, markup
from compiler.render.pdf.fonts import unicode_fonts
from evidence_store.document import Document, shown_strings


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    mono: str
    unicode: bool           # False: standard fonts, which show WinAnsi (cp1252) only
    lossy: bool = False     # text they cannot show becomes '?' (the standard fonts when DejaVu is missing)


STANDARD = Fonts("Helvetica", "Helvetica-Bold", "Courier", False)

_FONT_LOCK = threading.Lock()
_DEFAULT: Fonts | None = None
_STYLES: dict[Fonts, dict[str, ParagraphStyle]] = {}
# The fonts of the document being laid out (render_document sets them); None: default_fonts().
CHOSEN: contextvars.ContextVar[Fonts | None] = contextvars.ContextVar("exhibit_fonts", default=None)


def fonts() -> Fonts:
    return CHOSEN.get() or default_fonts()


def default_fonts() -> Fonts:
    """DejaVu (shipped with matplotlib) registered once when available; else the standard fonts, lossy."""
    global _DEFAULT
    with _FONT_LOCK:
        if _DEFAULT is None:
            _DEFAULT = _register_dejavu() or Fonts("Helvetica", "Helvetica-Bold", "Courier", False, lossy=True)
        return _DEFAULT


def fonts_for(doc: Document) -> Fonts:
    """The standard fonts when WinAnsi can encode every string the document shows, else DejaVu. The standard
    fonts are not embedded: joined into a bundle, an exhibit with its own embedded DejaVu subsets cost qpdf
    about 100 KB of memory more (their width arrays and font files), and 2,500 of them made a provider-wide
    bundle overrun 1 GB. Any other document is set in DejaVu, so no character is lost."""
    try:
        for text in shown_strings(doc):
            shown(text).encode("cp1252")
    except UnicodeEncodeError:
        return default_fonts()
    return STANDARD


def _register_dejavu() -> Fonts | None:
    """DejaVu as every sgpack PDF registers it (compiler.render.pdf.fonts), or None when it is not there."""
    found = unicode_fonts()
    return Fonts(found.regular, found.bold, found.mono, True) if found.unicode else None


def styles() -> dict[str, ParagraphStyle]:
    chosen = fonts()
    found = _STYLES.get(chosen)
    if found is None:
        body = ParagraphStyle("body", fontName=chosen.regular, fontSize=10, leading=13.5, spaceAfter=5,
                              alignment=TA_LEFT, splitLongWords=1)
        found = _STYLES[chosen] = {
            "body": body,
            "title": ParagraphStyle("title", parent=body, fontName=chosen.bold, fontSize=18, leading=22,
                                    spaceBefore=2, spaceAfter=10, keepWithNext=1),
            "h1": ParagraphStyle("h1", parent=body, fontName=chosen.bold, fontSize=15, leading=19,
                                 spaceBefore=10, spaceAfter=6, keepWithNext=1),
            "h2": ParagraphStyle("h2", parent=body, fontName=chosen.bold, fontSize=12.5, leading=16,
                                 spaceBefore=8, spaceAfter=4, keepWithNext=1),
            "h3": ParagraphStyle("h3", parent=body, fontName=chosen.bold, fontSize=11, leading=14,
                                 spaceBefore=6, spaceAfter=3, keepWithNext=1),
            "bullet": ParagraphStyle("bullet", parent=body, spaceAfter=2),
            "quote": ParagraphStyle("quote", parent=body, textColor=colors.HexColor("#444444")),
            "code": ParagraphStyle("code", parent=body, fontName=chosen.mono, fontSize=8.5, leading=11,
                                   backColor=colors.HexColor("#f3f3f3"), borderPadding=3,
                                   spaceBefore=2, spaceAfter=7),
            "note": ParagraphStyle("note", parent=body, fontSize=8.5, leading=11,
                                   textColor=colors.HexColor("#555555")),
            "cell": ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5, spaceAfter=1),
            "cellhead": ParagraphStyle("cellhead", parent=body, fontName=chosen.bold, fontSize=8.5,
                                       leading=10.5, spaceAfter=1),
            "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9, spaceAfter=0),
            "smallhead": ParagraphStyle("smallhead", parent=body, fontName=chosen.bold, fontSize=7.5,
                                        leading=9, spaceAfter=0),
        }
    return found


def clean(text: Any) -> str:
    """User text as plain characters the chosen fonts can take (no markup yet): a character no page may show
    as U+FFFD (compiler.render.escape), every line break a \\n."""
    text = shown(text).replace("\r\n", "\n").replace("\r", "\n")
    if fonts().lossy:
        text = text.encode("latin-1", "replace").decode("latin-1")
    return text


def esc(text: Any) -> str:
    """User text as reportlab paragraph markup that prints exactly as typed."""
    return markup(clean(text))


def escape_text(text: str) -> str:
    """Text already cleaned, as markup: `&`, `<` and `>` escaped (compiler.render.escape)."""
    return markup(text)


def para(text: str, style: str = "body") -> Paragraph:
    """A paragraph of user text (escaped here)."""
    return Paragraph(esc(text), styles()[style])


def markup_para(markup: str, style: str = "body", bullet: str | None = None, indent: float = 0) -> Paragraph:
    """A paragraph from markup built by this package (every user string in it already escaped)."""
    st = styles()[style]
    if indent:
        st = ParagraphStyle(f"{style}-{indent:g}", parent=st, leftIndent=indent, bulletIndent=max(indent - 11, 0))
    return Paragraph(markup, st, bulletText=bullet)


def note(text: str) -> Paragraph:
    return markup_para(f"<i>{escape_text(text)}</i>", "note")


def multiline(text: str) -> str:
    """Escaped markup keeping line breaks and leading indentation."""
    lines = []
    for line in clean(text).expandtabs(4).split("\n"):
        stripped = line.lstrip(" ")
        lead = min(len(line) - len(stripped), 40)
        lines.append("&nbsp;" * lead + escape_text(stripped))
    return "<br/>".join(lines)
