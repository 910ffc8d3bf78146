"""What a reader returns, and the one exception a reader raises for a file it cannot read."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ..limits import Limits


class Unreadable(Exception):
    """The file cannot be read; the message is the one-line reason shown to users."""


@dataclass
class Chunk:
    where: str          # how a person finds it: "on page 2", "in paragraph 12", "on line 5", "in row 3"
    text: str


@dataclass
class ReadResult:
    chunks: list[Chunk] = field(default_factory=list)
    # field -> (value, provenance): metadata found inside the file, e.g.
    # {"title": ("Minutes", "DOCX title property"), "type": ("audit", "PDF /Subject")}
    props: dict[str, tuple[Any, str]] = field(default_factory=dict)
    keywords: tuple[str, str] | None = None      # (raw keywords, "DOCX keywords")
    heading: str | None = None                   # the first heading, a title of last resort
    notes: list[str] = field(default_factory=list)
    pages: int | None = None
    width: int | None = None
    height: int | None = None
    rows: list[tuple[int, list[Any]]] | None = None   # (file row number, cells) of the table, for tables.py
    rows_truncated: bool = False
    # a workbook's sheets by title, in order: (rows, cut short by the row limit); the first sheet's rows are `rows`
    sheets: dict[str, tuple[list[tuple[int, list[Any]]], bool]] | None = None


class TextBuilder:
    """Collects chunks under the item's text cap."""

    def __init__(self, limits: Limits, result: ReadResult):
        self.left = self.cap = limits.max_text_chars
        self.result = result
        self.full = False

    def add(self, where: str, text: str) -> bool:
        """Add a chunk; False once the cap is reached (the caller may stop reading)."""
        if self.full:
            return False
        if not text.strip():
            return True
        if len(text) > self.left:
            text = text[: self.left]
            self.full = True
            self.result.notes.append(f"text cut at {self.cap:,} characters (limit)")
        self.left -= len(text)
        self.result.chunks.append(Chunk(where, text))
        return not self.full


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is fine; UTF-16 with a BOM too), else Unreadable naming the byte offset."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise Unreadable(f"not UTF-16 text at byte {exc.start}; save the file as UTF-8") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        offset = exc.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        raise Unreadable(f"not UTF-8 text at byte {offset}; save the file as UTF-8") from None


def one_line(text: str, limit: int = 160) -> str:
    """A value from a file made safe for a one-line message."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def parse_date(value: Any) -> dt.date | None:
    """A date from metadata: a date, a datetime, 'YYYY-MM-DD' or 'YYYY-MM' (first of month); else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        if len(text) == 7 and text[4] == "-":
            return dt.date(int(text[:4]), int(text[5:7]), 1)
        if len(text) > 10 and text[10] in "T ":
            return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None
    return None
