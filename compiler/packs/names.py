"""Safe names for files a pack writes from user-supplied titles."""
from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w .,()&'+-]+")


def safe_file_title(title: str, limit: int = 80) -> str:
    """A title usable as a file name on Windows, macOS and Linux: no separators, controls or
    bidi overrides, no leading dots, at most `limit` characters."""
    text = unicodedata.normalize("NFC", title)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    return text[:limit].rstrip(" .") or "untitled"
