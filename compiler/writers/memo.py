"""Whole outputs kept between builds: a pack's PDF body and its Word document, by everything they are made from.

Rebuilding a pack after nothing it shows changed should not lay out hundreds of pages again. The key is the
SHA-256 of the repr of the writer's inputs (the view model, the exhibit page counts or page map, the
theme and the bytes of the logo and templates it names); the version is a digest of the writer's source
and the versions of the libraries that draw. The view model holds only dataclasses (every field in
their repr), strings, numbers, dates, bytes, lists and dicts, so its repr is the same for the same
content — unlike a pickle, whose bytes change with which equal strings happen to be one object. A different input or
code misses; a damaged entry is dropped and made again; no cache, or an unusable one, just makes it.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

_WRITERS = Path(__file__).resolve().parent


def inputs_key(*parts: Any) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(repr(part).encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()


def file_digest(path: str | Path | None) -> str | None:
    """The bytes behind a path a theme or template names (None when there is none to read)."""
    if not path:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def code_version(*sources: str) -> str:
    """Writer source (relative to compiler/writers) and the drawing libraries' versions."""
    import matplotlib
    import reportlab

    from evidence_store.cache import source_digest

    return f"{source_digest(*sources, base=_WRITERS)}:reportlab={reportlab.Version}:mpl={matplotlib.__version__}"


def remembered(cache: Any, kind: str, key: str, version: str, make: Callable[[], tuple[dict, bytes]],
               valid: Callable[[dict, bytes], bool]) -> tuple[dict, bytes]:
    """`make()` → (small JSON-able value, bytes), or what an earlier identical call kept."""
    usable = cache is not None and getattr(cache, "usable", False)
    if usable:
        found = cache.get(kind, key, version)
        if found is not None:
            value, data = found
            if isinstance(value, dict) and isinstance(data, bytes) and valid(value, data):
                return value, data
            cache.drop(kind, key, version)                  # damaged: make it again
    value, data = make()
    if usable:
        cache.put(kind, key, version, value, data)
    return value, data
