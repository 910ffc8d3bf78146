"""The whole catalogue of a folder seen before and unchanged since, from the evidence cache.

A catalogue is a function of what the walk found (each path, its problem and notes, its size),
each file's content hash, the bytes of evidence.yaml and of every sidecar that belongs to a
file, the ids looked for, the folder as given, the limits, this package's code and the
libraries it reads with. When the hash of every file is known without reading it (the cache
remembers it with the file's size, mtime, ctime, device and inode), those make a key; the
catalogue stored under it is the one this scan would build, so it is used whole. Otherwise
the scan goes file by file as ever, and keeps what it built for next time. Only the latest
catalogue of a folder (for one set of ids) is kept.
"""
from __future__ import annotations

import hashlib
import json
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from .cache import EvidenceCache
from .scancache import ScanCache, id_set_digest, library_versions
from .shelf import Shelf, package_digest
from .limits import Limits

if TYPE_CHECKING:          # the models are imported when a catalogue is loaded: a key needs none of them
    from .model import Catalogue

KIND = "catalogue"
FORMAT = "2"                 # bump when what is stored changes shape
EMPTY, LARGE, NOT_READ = "empty", "too large", "not read"

_code: str | None = None


def code_digest() -> str:
    """Every source and data file of this package, and the libraries it reads and validates with."""
    global _code
    if _code is None:
        from importlib import metadata

        _code = (f"{package_digest('evidence_store')}|{library_versions()}|pydantic={metadata.version('pydantic')}|"
                 f"pyyaml={metadata.version('PyYAML')}|python={sys.version_info[:3]}")
    return _code


def content(folder: str, reuse: ScanCache, limits: Limits, files: Sequence[Any], shas: Sequence[str | None],
            meta: dict[str, tuple[str, Any]], readable: Callable[[str], bool],
            file_format: Callable[[str], str]) -> str | None:
    """A digest of all a catalogue of these files is made of but the ids looked for, or None when
    a file's hash is not known.

    `files`: the walk's entries (rel, problem, status, notes, target); `shas`: each one's content
    hash, None when unknown; `meta`: {rel: (what it is, bytes read or the problem reading it)}
    for evidence.yaml and each sidecar that belongs to a file; `readable(fmt)`: a reader exists."""
    rows = []
    for entry, sha in zip(files, shas):
        row = [entry.rel, entry.problem, entry.status, entry.notes]
        if entry.problem is None and entry.target is not None:
            size = entry.target.info.st_size if entry.target.info is not None else entry.target.size
            if not readable(file_format(entry.rel)):
                content = NOT_READ
            elif size == 0:
                content = EMPTY
            elif size > limits.max_file_bytes:
                content = LARGE
            elif sha:
                content = sha
            else:
                return None                      # read this run, or never remembered: go file by file
            row += [size, content]
        rows.append(row)
    metadata = {rel: [what, hashlib.sha256(got).hexdigest() if isinstance(got, bytes) else got]
                for rel, (what, got) in sorted(meta.items())}
    readers = {fmt: reuse.version(fmt) for fmt in sorted({file_format(e.rel) for e in files}) if readable(fmt)}
    limit_text = ",".join(f"{f.name}={getattr(limits, f.name)!r}" for f in fields(limits))
    text = json.dumps([FORMAT, code_digest(), readers, limit_text, folder, reuse.root, metadata, rows],
                      ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def key(content_digest: str, ids: frozenset[str]) -> str:
    """The key of the catalogue made of `content_digest` (content()) when looking for `ids`."""
    text = json.dumps([FORMAT, content_digest, sorted(ids)], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _slot(folder: str, root: str, ids: frozenset[str]) -> str:
    """Which folder (as given and as found) and ids a catalogue is for: a newer one replaces it."""
    return f"{FORMAT}:" + hashlib.sha256(f"{folder}\x00{root}\x00{id_set_digest(ids)}".encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]


def load(cache: EvidenceCache, catalogue_key: str, folder: str, root: str, ids: frozenset[str]) -> Catalogue | None:
    """The catalogue stored under the key, or None (a damaged entry is dropped)."""
    from .model import Catalogue

    def read(value: Any, data: bytes | None) -> Catalogue:
        if not isinstance(value, dict) or value.get("format") != FORMAT or not isinstance(data, bytes):
            raise ValueError("not a catalogue entry")
        split, middle = value["split"], value["texts"]
        raw = zlib.decompress(data)
        catalogue = Catalogue.model_validate_json(raw[:split])
        lengths = json.loads(raw[split:middle])
        if catalogue.root != folder or not isinstance(lengths, list) or len(lengths) != len(catalogue.items):
            raise ValueError("another catalogue")
        texts = raw[middle:].decode("utf-8")
        if not all(type(n) is int for n in lengths) or sum(n for n in lengths if n > 0) != len(texts):
            raise ValueError("text")
        start = 0
        for item, length in zip(catalogue.items, lengths):
            if length >= 0:                      # -1: the item was given no text
                item.text = texts[start:start + length]
                start += length
        return catalogue

    return Shelf(cache, KIND, _slot(folder, root, ids)).find(catalogue_key, read)


def store(cache: EvidenceCache, catalogue_key: str, folder: str, root: str, ids: frozenset[str],
          catalogue: Catalogue) -> None:
    """Keep the catalogue under the key, in place of the folder's previous one. It is kept with
    exactly the fields each model was given, so it reads back equal field for field; the items'
    text, which the models leave out of every dump, goes beside it: each item's length (-1 for
    none), then all of it as one string, so reading it back is a slice per item."""
    texts = [item.text if "text" in item.model_fields_set else None for item in catalogue.items]
    try:
        head = catalogue.model_dump_json(exclude_unset=True).encode("utf-8")
        lengths = json.dumps([-1 if text is None else len(text) for text in texts]).encode("ascii")
        body = "".join(text for text in texts if text is not None).encode("utf-8")
    except ValueError:              # e.g. a lone surrogate in some text (UnicodeError is one): not kept
        return
    # level 1: a third of the time of the default for a little more space; reading is as fast
    data = zlib.compress(head + lengths + body, 1)
    value = {"format": FORMAT, "split": len(head), "texts": len(head) + len(lengths)}
    Shelf(cache, KIND, _slot(folder, root, ids)).keep(catalogue_key, value, data, replace=True)


def meta_entry(what: str, read: tuple[bytes | None, int, str | None]) -> tuple[str, Any]:
    """(what, bytes) or (what, the problem reading it), for key()."""
    data, _, problem = read
    return what, data if problem is None else f"problem: {problem}"
