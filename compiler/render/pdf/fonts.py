"""The PDF fonts, registered once for the whole process: DejaVu Sans and DejaVu Sans Mono (they ship with
matplotlib, so every machine draws the same glyphs), else the PDF standard fonts."""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

STANDARD_FONTS = frozenset({"Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique",
                            "Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique",
                            "Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"})


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str
    mono: str
    unicode: bool        # False: the standard fonts, which show WinAnsi (cp1252) only


STANDARD = Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Courier", False)
_FACES = {"sgpack-Sans": "DejaVuSans.ttf", "sgpack-Sans-Bold": "DejaVuSans-Bold.ttf",
          "sgpack-Sans-Oblique": "DejaVuSans-Oblique.ttf", "sgpack-Sans-BoldOblique": "DejaVuSans-BoldOblique.ttf",
          "sgpack-Mono": "DejaVuSansMono.ttf", "sgpack-Mono-Bold": "DejaVuSansMono-Bold.ttf",
          "sgpack-Mono-Oblique": "DejaVuSansMono-Oblique.ttf",
          "sgpack-Mono-BoldOblique": "DejaVuSansMono-BoldOblique.ttf"}
_LOCK = threading.Lock()
_REGISTERED: Fonts | None = None


def unicode_fonts() -> Fonts:
    """DejaVu, registered on first use; the standard fonts when DejaVu cannot be found or read."""
    global _REGISTERED
    with _LOCK:
        if _REGISTERED is None:
            _REGISTERED = _register() or STANDARD
        return _REGISTERED


def _register() -> Fonts | None:
    try:
        import matplotlib
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        registered = set(pdfmetrics.getRegisteredFontNames())
        for name, file in _FACES.items():
            if name not in registered:
                pdfmetrics.registerFont(TTFont(name, str(folder / file)))
        for family in ("sgpack-Sans", "sgpack-Mono"):
            pdfmetrics.registerFontFamily(family, normal=family, bold=f"{family}-Bold",
                                          italic=f"{family}-Oblique", boldItalic=f"{family}-BoldOblique")
    except Exception:  # noqa: BLE001 - no matplotlib, a font missing or damaged: the standard fonts
        return None
    return Fonts("sgpack-Sans", "sgpack-Sans-Bold", "sgpack-Sans-Oblique", "sgpack-Mono", True)


def body_fonts(font: str, bold: str) -> Fonts:
    """The pack body's fonts: DejaVu, so ×, –, ’ and names in any script show; the theme's standard fonts
    only when DejaVu is not available."""
    fonts = unicode_fonts()
    if fonts.unicode:
        return fonts
    return Fonts(font if font in STANDARD_FONTS else "Helvetica", bold if bold in STANDARD_FONTS else "Helvetica-Bold",
                 "Helvetica-Oblique", "Courier", False)
