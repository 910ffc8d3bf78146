"""The evidence cache as a scan uses it: what reading a file gave and the id mentions found in its text, by the
file's SHA-256 and the version of the reader that read it."""
from __future__ import annotations

import functools
import hashlib
import itertools
import os
import sys
import time
import zlib
from dataclasses import fields
from typing import Any

from .cache import EvidenceCache, Uncacheable
from .shelf import Shelf, code_version


_LIBRARIES: str | None = None


def library_versions() -> str:
    """The versions of the libraries readers parse with (part of every reader's version)."""
    global _LIBRARIES
    if _LIBRARIES is None:
        _LIBRARIES = _library_versions()
    return _LIBRARIES


def _library_versions() -> str:
    from importlib import metadata

    out = []
    for name in ("pypdfium2", "openpyxl", "lxml", "markdown-it-py"):
        try:
            out.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            out.append(f"{name}=-")
    return ",".join(out)


# Limits that decide whether a file can be read at all here (time, memory, processes) do not
# change a result: failures they cause are never cached.
_NOT_IN_KEY = {"read_seconds", "read_memory", "reader_processes", "join_seconds", "join_memory"}


def reader_version(fmt: str, limits: Any) -> str | None:
    """The version a cached result of reading `fmt` must carry: the reader module's READER_VERSION,
    a hash of its source and the shared reading code, the parsing libraries' versions and the limits."""
    from .readers import READERS

    reader = READERS.get(fmt)
    if reader is None:
        return None
    func = getattr(reader, "func", reader)
    module = sys.modules.get(func.__module__)
    declared = getattr(module, "READER_VERSION", None)
    if module is None or declared is None:
        return None
    source = code_version(module, sys.modules[__name__])     # the reader and how its result is kept
    limit_text = ",".join(f"{f.name}={getattr(limits, f.name)!r}" for f in fields(limits) if f.name not in _NOT_IN_KEY)
    extra = ",".join(f"{k}={v!r}" for k, v in sorted(getattr(reader, "keywords", {}).items()))
    tail = hashlib.sha256(f"{library_versions()}|{limit_text}|{extra}".encode()).hexdigest()[:12]
    return f"{fmt}:{declared}:{source}:{tail}"


@functools.lru_cache(maxsize=4)
def id_set_digest(ids: frozenset[str]) -> str:
    """A digest of a set of ids (plan and action ids looked for; a folder's evidence ids), worked out once a set."""
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8", "surrogatepass")).hexdigest()[:16]


# ---------------------------------------------------------------------------------------- a scan's use

READ = "read"
MENTIONS = "mentions"
MENTIONS_VERSION = "2"          # bump when what is kept of the text's links changes shape
DATES = "dates"
DATES_VERSION = "1"             # bump when what is kept of the text's dates changes shape
_TEXT_SOURCES = frozenset({"mention", "written", "described"})


class ScanCache:
    """The cache as one scan of one evidence folder uses it (versions worked out once per format).
    `started_ns`: when the scan began, before any file was looked at (the racy-file guard)."""

    def __init__(self, cache: EvidenceCache, root: str, limits: Any, ids: frozenset[str],
                 started_ns: int | None = None):
        self.cache, self.root, self.limits = cache, root, limits
        self.started_ns = time.time_ns() if started_ns is None else started_ns
        self.ids_key = id_set_digest(ids)
        self._versions: dict[str, str | None] = {}

    def version(self, fmt: str) -> str | None:
        if fmt not in self._versions:
            self._versions[fmt] = reader_version(fmt, self.limits)
        return self._versions[fmt]

    def _mentions_version(self, version: str) -> str:
        if "mentions" not in self._versions:      # once per scan: it is asked once per file
            self._versions["mentions"] = code_version("evidence_store.metadata", "evidence_store.links")
        return f"{version}|m{MENTIONS_VERSION}:{self._versions['mentions']}|ids:{self.ids_key}"

    def _dates_version(self, version: str) -> str:
        if "dates" not in self._versions:         # the grammar's code and its words (date_labels.yaml)
            from importlib import resources
            words = resources.files("evidence_store").joinpath("data", "date_labels.yaml").read_bytes()
            self._versions["dates"] = (code_version("evidence_store.dates") + ":"
                                       + hashlib.sha256(words).hexdigest()[:12])
        return f"{version}|d{DATES_VERSION}:{self._versions['dates']}"

    # -- is the file unchanged?

    def known_sha(self, rel: str, info: os.stat_result | None) -> str | None:
        return self.cache.known_sha(self.root, rel, info) if info is not None else None

    def remember(self, rel: str, info: os.stat_result | None, sha256: str) -> None:
        """Remember the hash of the file `info` (a stat taken before it was read) describes."""
        if info is not None:
            self.cache.remember_file(self.root, rel, info, sha256, self.started_ns)

    def _reads(self, version: str) -> Shelf:
        return Shelf(self.cache, READ, version)

    def _mentions(self, version: str) -> Shelf:
        return Shelf(self.cache, MENTIONS, self._mentions_version(version))

    def _dates(self, version: str) -> Shelf:
        return Shelf(self.cache, DATES, self._dates_version(version))

    def prefetch(self, files: list[tuple[str, str]]) -> None:
        """Ask for what reading these (format, SHA-256) gave, and their mentions, in a few queries."""
        by_format: dict[str, list[str]] = {}
        for fmt, sha256 in files:
            by_format.setdefault(fmt, []).append(sha256)
        for fmt, shas in by_format.items():
            version = self.version(fmt)
            if version is not None:
                self._reads(version).prefetch(shas)
                self._mentions(version).prefetch(shas)
                self._dates(version).prefetch(shas)

    # -- what reading it gave

    def outcome(self, fmt: str, sha256: str) -> tuple[Any, str | None] | None:
        """(ReadResult, None) or (None, reason) from an earlier read of the same bytes, or None."""
        version = self.version(fmt)
        if version is None:
            return None

        def read(value: Any, data: bytes | None) -> tuple[Any, str | None]:
            if value.get("reason") is not None:
                reason = value["reason"]
                if not isinstance(reason, str):
                    raise ValueError("reason")
                return None, reason
            return result_from_json(value["result"], data), None

        return self._reads(version).find(sha256, read)

    def store(self, fmt: str, sha256: str, result: Any, reason: str | None) -> None:
        version = self.version(fmt)
        if version is None or not sha256:
            return
        data = None
        if result is not None:
            try:
                shape, data = result_to_json(result)
            except (Uncacheable, AttributeError, TypeError, RecursionError, UnicodeError):
                return                       # e.g. a lone surrogate in extracted text: not kept
            value = {"result": shape}
        else:
            value = {"reason": reason}
        self._reads(version).keep(sha256, value, data)

    def mentions(self, fmt: str, sha256: str, chunks: list, pattern: Any, vocab: Any) -> list:
        """Every link the text of the file with these bytes makes (metadata.text_links), kept by its SHA-256 and
        what was looked for."""
        from .links import text_links
        from .model import Link

        version = self.version(fmt)
        if version is None or not sha256:
            return text_links(chunks, pattern, vocab)

        def read(value: Any, data: bytes | None) -> list:
            triples = [(t, w, s) for t, w, s in value]
            if not all(type(t) is str and type(w) is str and s in _TEXT_SOURCES for t, w, s in triples):
                raise ValueError("mentions")
            # checked as Link would check them (two strings and a source), without its validation per link
            return [Link.model_construct(target=t, source=s, why=w) for t, w, s in triples]

        return self._mentions(version).remember(
            sha256, lambda: text_links(chunks, pattern, vocab), read=read,
            write=lambda links: ([[link.target, link.why, link.source] for link in links], None))

    def text_dates(self, fmt: str, sha256: str, chunks: list) -> list:
        """The dates in the first lines of the text of the file with these bytes (dates.dates_in_text), kept by its
        SHA-256: only the file name and the as-of date are looked at afresh."""
        from .dates import dates_in_text, found_from_json, found_to_json

        version = self.version(fmt)
        if version is None or not sha256:
            return dates_in_text(chunks)
        return self._dates(version).remember(
            sha256, lambda: dates_in_text(chunks), read=lambda value, data: [found_from_json(v) for v in value],
            write=lambda found: ([found_to_json(f) for f in found], None))

    def flush(self) -> None:
        self.cache.flush()

    def release(self) -> None:
        self.cache.release()


def result_to_json(result: Any) -> tuple[dict, bytes]:
    """A ReadResult as a cache value and payload. The chunks' text, nearly all of it, goes in the
    payload as one zlib-compressed UTF-8 string (their lengths in the value): giving it back is a
    slice per chunk rather than JSON to parse. Rows are [row, cells] lists, not tagged tuples."""
    texts = [c.text for c in result.chunks]
    value = {"wheres": [c.where for c in result.chunks],
             "lengths": [len(text) for text in texts],
             "props": dict(result.props),
             "keywords": result.keywords,
             "heading": result.heading,
             "notes": list(result.notes),
             "pages": result.pages, "width": result.width, "height": result.height,
             "rows": None if result.rows is None else [[number, cells] for number, cells in result.rows],
             "rows_truncated": result.rows_truncated,
             # a workbook's sheets as [title, rows, cut]; the first sheet's rows (those of `rows`) as null
             "sheets": None if result.sheets is None else [
                 [title, None if rows is result.rows else [[number, cells] for number, cells in rows], cut]
                 for title, (rows, cut) in result.sheets.items()]}
    return value, zlib.compress("".join(texts).encode("utf-8"), 6)


def result_from_json(value: dict, data: bytes | None) -> Any:
    """The ReadResult a cache value (as get() decoded it) and payload hold; ValueError when they do not hold one."""
    from .readers.base import Chunk, ReadResult

    wheres, lengths = value["wheres"], value["lengths"]
    if not (isinstance(wheres, list) and isinstance(lengths, list) and len(wheres) == len(lengths)
            and all(type(w) is str for w in wheres) and all(type(n) is int and n >= 0 for n in lengths)):
        raise ValueError("chunks")
    if not isinstance(data, bytes):
        raise ValueError("text")
    text = zlib.decompress(data).decode("utf-8")
    if sum(lengths) != len(text):
        raise ValueError("text")
    ends = list(itertools.accumulate(lengths))
    chunks = [Chunk(where, text[end - length:end]) for where, length, end in zip(wheres, lengths, ends)]
    props, keywords, rows = value["props"], value["keywords"], value["rows"]
    if not isinstance(props, dict) or not all(isinstance(v, tuple) and len(v) == 2 for v in props.values()):
        raise ValueError("props")
    if rows is not None:
        if not (isinstance(rows, list) and all(isinstance(r, list) and len(r) == 2 and isinstance(r[1], list)
                                               for r in rows)):
            raise ValueError("rows")
        rows = [(number, cells) for number, cells in rows]
    for name in ("pages", "width", "height"):
        if value[name] is not None and type(value[name]) is not int:
            raise ValueError(name)
    sheets = None
    if value["sheets"] is not None:
        sheets = {}
        for entry in value["sheets"]:
            if not (isinstance(entry, list) and len(entry) == 3 and type(entry[0]) is str):
                raise ValueError("sheets")
            title, kept, cut = entry
            if kept is None:
                if rows is None:
                    raise ValueError("sheets")
                sheets[title] = (rows, bool(cut))
            elif isinstance(kept, list) and all(isinstance(r, list) and len(r) == 2 and isinstance(r[1], list)
                                                for r in kept):
                sheets[title] = ([(number, cells) for number, cells in kept], bool(cut))
            else:
                raise ValueError("sheets")
    return ReadResult(chunks=chunks, props=props, keywords=keywords, heading=value["heading"],
                      notes=[str(n) for n in value["notes"]], pages=value["pages"], width=value["width"],
                      height=value["height"], rows=rows, rows_truncated=bool(value["rows_truncated"]), sheets=sheets)
