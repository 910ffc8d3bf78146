"""User text made safe for every format: one cleaning of control characters, one escape per markup.

Evidence and plan text is data. Before it reaches reportlab paragraph markup, OOXML or a drawn string,
characters no format may hold (C0 and C1 controls other than tab, line feed and carriage return; lone
surrogates; the non-characters U+FFFE and U+FFFF) become U+FFFD, so the reader sees that something was
there; then `&`, `<` and `>` are escaped for the markup in hand. A security control: keep it here.
"""
from __future__ import annotations

import re
from xml.sax.saxutils import escape

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BRACES = {"{": "&#123;", "}": "&#125;", "%": "&#37;"}


def clean(text: object) -> str:
    """The text with every character no output format may hold shown as U+FFFD."""
    return _CONTROL.sub("\ufffd", "" if text is None else str(text))


def markup(text: object) -> str:
    """Text as inert reportlab paragraph markup: cleaned, then `&`, `<`, `>` escaped."""
    return escape(clean(text))


def xml_text(text: object) -> str:
    """Text as the content of an OOXML `w:t`: cleaned, escaped, and template braces written as character
    references, so a template engine never reads user text as a tag."""
    return re.sub(r"[{}%]", lambda m: _BRACES[m.group()], escape(clean(text)))
