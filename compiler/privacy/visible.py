"""Text as it reads on screen, for matching: characters that print nothing are taken out first, so a name
split by a zero-width space or a soft hyphen ("Jo\u200bhn Sm\u00adith") is still found where it stands."""
from __future__ import annotations

import re

# Every format character (Unicode category Cf) that prints nothing: the soft hyphen, the Arabic letter mark,
# the Mongolian vowel separator, zero-width spaces and joiners, bidirectional controls, invisible operators,
# the byte-order mark, interlinear annotation controls, Egyptian, shorthand and musical format controls, and
# tag characters. The number signs that print a mark above the digits they belong to (U+0600-U+0605, U+06DD,
# U+070F, U+0890, U+0891, U+08E2, U+110BD, U+110CD) are left: they are seen. A test holds this list to the
# running Python's Unicode data.
_HIDDEN = re.compile(
    "[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]")


def visible(text: str) -> tuple[str, list[int] | None]:
    """`text` without the characters that print nothing, and where each kept character stood in `text`
    (None when nothing was taken out, the common case)."""
    if text.isascii() or not _HIDDEN.search(text):
        return text, None
    hidden = {m.start() for m in _HIDDEN.finditer(text)}
    kept = [i for i in range(len(text)) if i not in hidden]
    return "".join(text[i] for i in kept), kept


def original_span(kept: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span of `text` that [start, end) of its visible text came from, hidden characters inside it included."""
    if kept is None:
        return start, end
    return kept[start], kept[end - 1] + 1
