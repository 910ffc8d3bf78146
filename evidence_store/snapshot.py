"""The whole catalogue of a folder seen before and unchanged since, from the evidence cache; and, after a change,
the items of the files that did not change.

A catalogue is a function of what the walk found (each path, its problem and notes, its size),
each file's content hash, the bytes of evidence.yaml and of every sidecar that belongs to a
file, the ids looked for, the folder as given, the limits, this package's code and the
libraries it reads with. When the hash of every file is known without reading it (the cache
remembers it with the file's size, mtime, ctime, device and inode), those make a key; the
catalogue stored under it is the one this scan would build, so it is used whole. Only the latest
catalogue of a folder (for one set of ids) is kept.

Otherwise the scan goes file by file, but not through every file: an item is a function of its own
file's part of those inputs (`file_key`: its path, walk notes, size and hash, its sidecar's bytes, its
evidence.yaml and --index entries) and of what every item shares (`context`: the code, the limits, the
folder, the ids looked for, the as-of date, evidence.yaml's notes on itself). Only ids are given across
items (two files claiming one id), and those the scan gives again. So the latest catalogue of the folder
is kept in parts, each with its items' file keys: after one file changed, every other item is taken from
it as it is, and only the part holding the changed file is written again.
"""
from __future__ import annotations

import functools
import hashlib
import json
import sys
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from .cache import EvidenceCache
from .scancache import ScanCache, id_set_digest, library_versions
from .shelf import Shelf, package_digest
from .limits import Limits

if TYPE_CHECKING:          # the models are imported when a catalogue is loaded: a key needs none of them
    from .model import Catalogue

KIND = "catalogue"
PART = "catalogue-part"
FORMAT = "3"                 # bump when what is stored changes shape
PART_ITEMS = 128             # items a part holds, on average
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


def content_of(entry: Any, sha: str | None, limits: Limits, readable: Callable[[str], bool],
               file_format: Callable[[str], str]) -> list | None:
    """[size, what its content is] for a walk entry: NOT_READ, EMPTY, LARGE or its hash; [] for an entry with a
    problem (nothing to read); None when its hash is not known."""
    if entry.problem is not None or entry.target is None:
        return []
    size = entry.target.info.st_size if entry.target.info is not None else entry.target.size
    if not readable(file_format(entry.rel)):
        return [size, NOT_READ]
    if size == 0:
        return [size, EMPTY]
    if size > limits.max_file_bytes:
        return [size, LARGE]
    return [size, sha] if sha else None


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
        held = content_of(entry, sha, limits, readable, file_format)
        if held is None:
            return None                          # read this run, or never remembered: go file by file
        rows.append([entry.rel, entry.problem, entry.status, entry.notes, *held])
    metadata = {rel: [what, _digest(got)] for rel, (what, got) in sorted(meta.items())}
    readers = {fmt: reuse.version(fmt) for fmt in sorted({file_format(e.rel) for e in files}) if readable(fmt)}
    return _hash([FORMAT, code_digest(), readers, _limits(limits), folder, reuse.root, metadata, rows])


def key(content_digest: str, ids: frozenset[str]) -> str:
    """The key of the catalogue made of `content_digest` (content()) when looking for `ids`."""
    return _hash([FORMAT, content_digest, sorted(ids)])


def context(folder: str, root: str, limits: Limits, ids: frozenset[str], shared: list) -> str:
    """What every item of a catalogue depends on beside its own file: the code and libraries, the limits, the
    folder, what was looked for, and `shared` (what the index files say of themselves, how provenance names
    them)."""
    return _hash([FORMAT, code_digest(), _limits(limits), folder, root, sorted(ids), shared])


def file_key(entry: Any, held: list, sidecar: Any, meta: dict[str, tuple[str, Any]], entries: list) -> str:
    """What one item is made of beside the context: its walk entry, `held` ([size, content] from content_of, and the
    version of its format's reader), its sidecar's bytes, and `entries`: what evidence.yaml and an --index file
    say of it."""
    side = (sidecar.rel, _digest(meta[sidecar.rel][1]) if sidecar.rel in meta else None) if sidecar else None
    # repr, not JSON: asked of every file of a folder in which one changed; it shows every value and its type
    text = repr((entry.rel, entry.problem, entry.status, tuple(entry.notes), tuple(held), side,
                 json.dumps(entries, ensure_ascii=False, default=str) if any(entries) else None))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _hash(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _digest(got: Any) -> Any:
    return hashlib.sha256(got).hexdigest() if isinstance(got, bytes) else got


def _limits(limits: Limits) -> str:
    return ",".join(f"{f.name}={getattr(limits, f.name)!r}" for f in fields(limits))


def _slot(folder: str, root: str, ids: frozenset[str]) -> str:
    """Which folder (as given and as found) and ids a catalogue is for: a newer one replaces it."""
    return f"{FORMAT}:" + hashlib.sha256(f"{folder}\x00{root}\x00{id_set_digest(ids)}".encode(
        "utf-8", "surrogatepass")).hexdigest()[:32]


# ------------------------------------------------------------------------------------------ in parts

@dataclass
class Kept:
    """A catalogue as kept: its parts, and each item's file key and the id its metadata gave ((id, where) or
    None), in item order."""
    catalogue: Catalogue
    keys: list[str]
    candidates: list[tuple[str, str] | None]
    parts: list[str]
    context: str


def load(cache: EvidenceCache, catalogue_key: str, folder: str, root: str, ids: frozenset[str]) -> Catalogue | None:
    """The catalogue stored under the key, or None (a damaged entry is dropped)."""
    kept = _load(cache, _slot(folder, root, ids), catalogue_key, folder)
    if kept is None:
        return None
    kept.catalogue.keep_keys(kept.context, kept.keys)
    return kept.catalogue


def previous(cache: EvidenceCache, folder: str, root: str, ids: frozenset[str], shared: str) -> Kept | None:
    """The latest catalogue kept of this folder for these ids, when its items were made in the context `shared`
    (context()), whatever its files held; None when there is none."""
    slot = _slot(folder, root, ids)
    latest = Shelf(cache, KIND, slot).latest()
    kept = _load(cache, slot, latest, folder) if latest is not None else None
    return kept if kept is not None and kept.context == shared else None


def _load(cache: EvidenceCache, slot: str, catalogue_key: str, folder: str) -> Kept | None:
    from .model import Catalogue

    def whole(value: Any, data: bytes | None) -> dict:
        if not (isinstance(value, dict) and value.get("format") == FORMAT and isinstance(value.get("parts"), list)
                and all(type(p) is str for p in value["parts"]) and type(value.get("context")) is str
                and value.get("root") == folder and isinstance(value.get("problems"), list)
                and all(type(p) is str for p in value["problems"])):
            raise ValueError("not a catalogue entry")
        return value

    head = Shelf(cache, KIND, slot).find(catalogue_key, whole)
    if head is None:
        return None
    parts = Shelf(cache, PART, slot)
    parts.prefetch(head["parts"])
    items, keys, candidates = [], [], []
    for name in head["parts"]:
        part = parts.find(name, _read_part)
        if part is None:                        # gone (another run replaced this catalogue) or damaged
            return None
        items += part[0]
        keys += part[1]
        candidates += part[2]
    catalogue = Catalogue(root=folder, items=items, problems=head["problems"])
    return Kept(catalogue, keys, candidates, head["parts"], head["context"])


def _read_part(value: Any, data: bytes | None) -> tuple[list, list[str], list]:
    from .model import EvidenceItem

    if not isinstance(value, dict) or value.get("format") != FORMAT or not isinstance(data, bytes):
        raise ValueError("not a catalogue part")
    split, middle, keys, candidates = value["split"], value["texts"], value["keys"], value["candidates"]
    raw = zlib.decompress(data)
    items = _items_type(EvidenceItem).validate_json(raw[:split])
    lengths = json.loads(raw[split:middle])
    if not (isinstance(lengths, list) and isinstance(keys, list) and isinstance(candidates, list)
            and len(lengths) == len(keys) == len(candidates) == len(items) and all(type(k) is str for k in keys)
            and all(c is None or (isinstance(c, tuple) and len(c) == 2 and all(type(x) is str for x in c))
                    for c in candidates)):
        raise ValueError("another part")
    texts = raw[middle:].decode("utf-8")
    if not all(type(n) is int for n in lengths) or sum(n for n in lengths if n > 0) != len(texts):
        raise ValueError("text")
    start = 0
    for item, length in zip(items, lengths):
        if length >= 0:                          # -1: the item was given no text
            item.text = texts[start:start + length]
            start += length
    return items, keys, candidates


@functools.lru_cache(maxsize=1)
def _items_type(item: type) -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(list[item])


def store(cache: EvidenceCache, catalogue_key: str, folder: str, root: str, ids: frozenset[str],
          catalogue: Catalogue, keys: list[str], candidates: list[tuple[str, str] | None], shared: str,
          earlier: Kept | None = None) -> None:
    """Keep the catalogue under the key, in place of the folder's previous one (`earlier`, when it was loaded:
    its parts that hold the same items are not written again). `keys` and `candidates`: each item's file key
    and the id its metadata gave. Items are kept with exactly the fields each was given, so they read back
    equal field for field; their text, which the models leave out of every dump, goes beside them (each
    item's length, -1 for none, then all of it as one string), so reading it back is a slice per item."""
    slot = _slot(folder, root, ids)
    shelf = Shelf(cache, PART, slot)
    had = set(earlier.parts) if earlier is not None else set()
    names = []
    for start, end in _parts([item.path for item in catalogue.items]):
        items = catalogue.items[start:end]
        name = _hash([FORMAT, shared, [[k, item.id, item.provenance.get("id")]
                                        for k, item in zip(keys[start:end], items)]])
        names.append(name)
        if name in had:
            continue                             # the same items, kept already
        kept = _part(items, keys[start:end], candidates[start:end])
        if kept is None:
            return
        shelf.keep(name, *kept)
    for name in had - set(names):
        shelf.drop(name)
    Shelf(cache, KIND, slot).keep(catalogue_key, {"format": FORMAT, "parts": names, "context": shared,
                                                  "root": catalogue.root, "problems": catalogue.problems},
                                  replace=True)


def _parts(paths: list[str]) -> list[tuple[int, int]]:
    """Runs of items, cut after an item whose path hashes to 0 modulo PART_ITEMS: a file added or removed moves
    the cuts of its own run only."""
    cuts, start = [], 0
    for n, path in enumerate(paths):
        if zlib.crc32(path.encode("utf-8", "surrogatepass")) % PART_ITEMS == 0:
            cuts.append((start, n + 1))
            start = n + 1
    if start < len(paths) or not cuts:
        cuts.append((start, len(paths)))
    return cuts


def _part(items: list, keys: list[str], candidates: list) -> tuple[dict, bytes] | None:
    from .model import EvidenceItem

    texts = [item.text if "text" in item.model_fields_set else None for item in items]
    try:
        head = _items_type(EvidenceItem).dump_json(items, exclude_unset=True)
        lengths = json.dumps([-1 if text is None else len(text) for text in texts]).encode("ascii")
        body = "".join(text for text in texts if text is not None).encode("utf-8")
    except ValueError:              # e.g. a lone surrogate in some text (UnicodeError is one): not kept
        return None
    # level 1: a third of the time of the default for a little more space; reading is as fast
    data = zlib.compress(head + lengths + body, 1)
    return {"format": FORMAT, "split": len(head), "texts": len(head) + len(lengths), "keys": keys,
            "candidates": [tuple(c) if c else None for c in candidates]}, data


def meta_entry(what: str, read: tuple[bytes | None, int, str | None]) -> tuple[str, Any]:
    """(what, bytes) or (what, the problem reading it), for key()."""
    data, _, problem = read
    return what, data if problem is None else f"problem: {problem}"
