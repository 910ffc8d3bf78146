"""One reader per format: read(data, limits) -> ReadResult, or raise Unreadable with a reason."""
from __future__ import annotations

from collections.abc import Callable
from functools import partial

from ..limits import Limits
from . import csv, docx, email, image, markdown, pdf, text, xlsx
from .base import Chunk, ReadResult, Unreadable

Reader = Callable[[bytes, Limits], ReadResult]

READERS: dict[str, Reader] = {
    "docx": docx.read,
    "pdf": pdf.read,
    "md": markdown.read,
    "markdown": markdown.read,
    "txt": text.read,
    "csv": csv.read,
    "xlsx": xlsx.read,
    "eml": email.read,
    "png": partial(image.read, kind="png"),
    "jpg": partial(image.read, kind="jpeg"),
    "jpeg": partial(image.read, kind="jpeg"),
}

__all__ = ["READERS", "Chunk", "ReadResult", "Reader", "Unreadable"]
