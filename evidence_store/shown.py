"""Exhibit documents: what the readers make of evidence files for the pages of a bundle, under the reading
limits (PDF, DOCX, XLSX and images in the reader processes of evidence_store.isolate)."""
from __future__ import annotations

from collections.abc import Callable

from .document import Document
from .isolate import DOCUMENT_ISOLATED, document_reader, pool_for
from .limits import DEFAULT_LIMITS, Limits, reader_process_count


class Unshown(str):
    """The one-line reason a file cannot be shown. `transient`: it says something about this run (a time-out,
    the memory limit, a crash), not about the file's bytes, so it must not be remembered as the file's."""

    transient: bool

    def __new__(cls, reason: str, *, transient: bool = False) -> Unshown:
        made = super().__new__(cls, reason)
        made.transient = transient
        return made


def documents(files: list[tuple[str, bytes]], limits: Limits | None = None) -> list[Document | Unshown]:
    """A document of each (format, bytes), in order, or the one-line reason a file cannot be shown. PDF, DOCX,
    XLSX, PNG and JPEG files are parsed in the reader processes, with the time and memory limits of reading
    (a time-out or a crash is a reason, never a hang); the others here."""
    limits = limits or DEFAULT_LIMITS
    out: list[Document | str | None] = [None] * len(files)
    pool = pool_for(limits) if reader_process_count(limits) > 0 else None
    mine = object()                                  # this call's keys in the pool
    try:
        for index, (fmt, data) in enumerate(files):
            fmt = fmt.lower().lstrip(".")
            reader = document_reader(fmt)
            if reader is None:
                out[index] = Unshown(f"no document reader for .{fmt} files")
            elif len(data) > limits.max_file_bytes:
                out[index] = Unshown(f"the file is {len(data):,} bytes (limit {limits.max_file_bytes:,})")
            elif pool is not None and fmt in DOCUMENT_ISOLATED:
                pool.submit((mine, index), fmt, data, limits, mode="document")
            else:
                out[index] = _document_here(reader, data, limits)
        if pool is not None:
            for key, outcome in pool.drain():
                if isinstance(key, tuple) and key[0] is mine:
                    out[key[1]] = (outcome.result if outcome.reason is None
                                   else Unshown(outcome.reason, transient=outcome.transient))
    except BaseException:
        if pool is not None:
            pool.close()                             # children in the middle of a file are not left running
        raise
    return out  # type: ignore[return-value]


def _document_here(reader: Callable[[bytes, Limits], Document], data: bytes, limits: Limits) -> Document | Unshown:
    from .readers import Unreadable
    from .readers.base import one_line

    try:
        return reader(data, limits)
    except Unreadable as exc:
        return Unshown(one_line(str(exc), 300))
    except Exception as exc:  # noqa: BLE001 - one file must never stop the others
        return Unshown(one_line(f"could not be read ({type(exc).__name__}: {exc})", 300),
                       transient=isinstance(exc, MemoryError))
