"""Safe names for files a pack writes from user-supplied titles."""
from __future__ import annotations

import re
import unicodedata

# What Windows forbids in a file name (the strictest of the three systems a pack is opened on); every other
# character a title holds is kept: % # & ' , ; = + ( ) and accented letters alike.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)), *(f"LPT{n}" for n in range(1, 10))}
MAX_BYTES = 200                     # of UTF-8: within every file system's 255, with room for a number and suffix
_PAIRS = {"(": ")", "[": "]", "{": "}"}


def safe_file_title(title: str, limit: int = 80, *, prefix: str = "") -> str:
    """A title usable as a file name on Windows, macOS and Linux, keeping every character Windows allows: no
    separators, controls, bidi overrides or other invisible format characters, no reserved device name, no
    leading dots or trailing dots and spaces; at most `limit` characters, shortened at a word boundary.
    `prefix` (an exhibit number and a space) goes before it: a device name is reserved only as the whole name,
    so "E-001 CON" keeps the title as written."""
    text = unicodedata.normalize("NFC", title)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _FORBIDDEN.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = _shortened(text, limit)
    text = prefix + (text or "untitled")
    stem, dot, rest = text.partition(".")
    if stem.strip().upper() in _RESERVED:         # "CON.txt" is as reserved as "CON"
        text = f"{stem}_{dot}{rest}"
    return text


def _shortened(text: str, limit: int) -> str:
    """At most `limit` characters and MAX_BYTES bytes, cut at the last space that keeps it so; a bracket left
    open by the cut is dropped with what follows it ("Care Worker (Riverside Hom" -> "Care Worker")."""
    if len(text) <= limit and len(text.encode("utf-8")) <= MAX_BYTES:
        return text
    cut = text[:limit + 1]
    while len(cut.encode("utf-8")) > MAX_BYTES + 1:
        cut = cut[:-1]
    space = cut.rfind(" ")
    kept = cut[:space] if space > limit // 2 else cut[:-1]
    opened = _unclosed(kept)
    if opened is not None and opened > limit // 2:
        kept = kept[:opened]
    return kept.rstrip(" .,;:-–&+=")


def _unclosed(text: str) -> int | None:
    """Where the first bracket the text leaves open is, or None."""
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((_PAIRS[ch], i))
        elif stack and ch == stack[-1][0]:
            stack.pop()
    return stack[0][1] if stack else None
