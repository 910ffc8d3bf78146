"""Headers and footers kept to one line: a line too long for the page loses the end of its longest text
(a long pack title, a long provider name), cut at a word and marked with an ellipsis, so "page X of Y" is
never pushed onto a line of its own."""
from __future__ import annotations

from lxml import etree

from compiler.render.docx.measure import NS, Font, Styles, parse, text_width, w

ELLIPSIS = "\u2026"
TAB_GAP = 240               # twips: the least room a tab leaves between two parts of the line (about 4 mm)
PAGE_DIGITS = "888"         # a page field is measured as three digits, whatever it shows before Word updates it


def _texts(paragraph: etree._Element, styles: Styles) -> tuple[list[tuple[etree._Element, Font]], int, int]:
    """The paragraph's own text nodes with their fonts, the width its field results may take, its tabs."""
    style = paragraph.find("w:pPr/w:pStyle", NS)
    base = styles.paragraph_font(style.get(w("val")) if style is not None else None)
    texts, fields, tabs, in_result = [], 0, 0, False
    for run in paragraph.iter(w("r")):
        font = styles.run_font(base, run.find("w:rPr", NS))
        simple = any(a.tag == w("fldSimple") for a in run.iterancestors())
        for el in run:
            if el.tag == w("fldChar"):
                kind = el.get(w("fldCharType"))
                in_result = kind == "separate" or (in_result and kind != "end")
            elif el.tag == w("tab"):
                tabs += 1
            elif el.tag == w("t"):
                if in_result or simple:
                    shown = el.text or ""
                    fields += text_width(PAGE_DIGITS if shown.strip().isdigit() else shown, font.size, font.bold)
                else:
                    texts.append((el, font))
    return texts, fields, tabs


def _width(texts: list[tuple[etree._Element, Font]]) -> int:
    return sum(text_width(el.text or "", f.size, f.bold) for el, f in texts)


def _shorten(el: etree._Element, font: Font, excess: int) -> int:
    """Cut words off the end of `el`'s text until it is `excess` twips narrower (or empty); the twips saved."""
    text = el.text or ""
    before = text_width(text, font.size, font.bold)
    words = text.rstrip().split(" ")
    while words:
        words.pop()
        cut = " ".join(words).rstrip(" ·,;:–-") + ELLIPSIS if words else ""
        if before - text_width(cut, font.size, font.bold) >= excess or not words:
            el.text = cut
            return before - text_width(cut, font.size, font.bold)
    return 0


def fit_line(paragraph: etree._Element, width: int, styles: Styles) -> None:
    """Shorten the paragraph's longest texts until it, its fields and its tabs fit on one line `width` wide."""
    texts, fields, tabs = _texts(paragraph, styles)
    excess = _width(texts) + fields + tabs * TAB_GAP - width
    for el, font in sorted(texts, key=lambda t: -text_width(t[0].text or "", t[1].size, t[1].bold)):
        if excess <= 0:
            break
        excess -= _shorten(el, font, excess)


def fit_part(xml: bytes, width: int, styles: Styles) -> bytes:
    """A header or footer part with every paragraph on one line."""
    root = parse(xml)
    for paragraph in root.iter(w("p")):
        fit_line(paragraph, width, styles)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
