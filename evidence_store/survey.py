"""Walk the evidence folder safely (no links out, size caps) and see what is there, without reading it.

A survey is the walk's list of files (each stat-checked, none opened), evidence.yaml and the
sidecars that belong to a file, and, with the evidence cache, the hash of every file the cache
knows to be unchanged. From it comes the key of the whole folder (evidence_store.snapshot)
when every hash is known; evidence_store.catalogue.scan then reads what it must from the same survey, so
the folder is walked once however many keys are asked of it.
"""
from __future__ import annotations

import functools
import os
import time
import unicodedata
from dataclasses import dataclass, field

from . import snapshot
from .cache import EvidenceCache, note
from .scancache import ScanCache
from .limits import DEFAULT_LIMITS, Limits
from .paths import CHANGED, Target, check_entry, display_name, look_again, name_problem, read_checked, settle
from .readers import READERS

INDEX_NAME = "evidence.yaml"
SIDECAR_SUFFIX = ".meta.yaml"
_JUNK = {"thumbs.db", "desktop.ini"}
_OS_PATH_MAX = 4096


class EvidenceFolderError(Exception):
    """The evidence folder itself cannot be used (missing, not a folder); one line for the user."""


@dataclass
class Entry:
    rel: str                      # relative POSIX path (NFC; escaped when the name itself is refused)
    target: Target | None         # what to open; None when it must not be opened
    problem: str | None = None    # why it is unreadable before any read
    status: str = "unreadable"    # status when there is a problem
    notes: list[str] = field(default_factory=list)
    meta: tuple | None = None     # a metadata file's read_checked() (settled), once read

    @property
    def real(self) -> str | None:
        return self.target.real if self.target else None


@dataclass
class Survey:
    """One walk of one folder: what scan() reads from, and what the folder's key is made of."""
    shown: str                            # the folder as given
    root: str                             # its real path
    limits: Limits
    started: int                          # before the walk stats anything: the cache's racy-file guard
    files: list[Entry]                   # sorted by path; evidence.yaml and sidecars are not among them
    index_entry: Entry | None            # evidence.yaml
    sidecars: dict[str, Entry]           # file -> the sidecar that belongs to it
    cache: EvidenceCache | None = None    # None without a usable cache (or one inside the folder)
    hashes: list[str | None] = field(default_factory=list)   # each file's hash when known unchanged
    meta: dict[str, tuple] = field(default_factory=dict)     # evidence.yaml and sidecars, for key()
    used: list[str | None] | None = None  # each file's hash as the scan read it; None until scanned
    _content: dict[tuple, str | None] = field(default_factory=dict, repr=False)

    def key(self, ids: frozenset[str] = frozenset(), shas: list[str | None] | None = None) -> str | None:
        """The key of the catalogue of this folder for `ids` (evidence_store.snapshot), or None when
        there is no cache or a file's hash is not known. `shas`: the hashes to key by (default:
        those known before reading)."""
        if self.cache is None:
            return None
        shas = self.hashes if shas is None else shas
        held = tuple(shas)
        if held not in self._content:         # the same files give the same digest, whatever the ids
            reuse = ScanCache(self.cache, self.root, self.limits, frozenset(), self.started)
            self._content[held] = snapshot.content(self.shown, reuse, self.limits, self.files, shas, self.meta,
                                                   lambda fmt: READERS.get(fmt) is not None, file_format)
        digest = self._content[held]
        return snapshot.key(digest, ids) if digest is not None else None

    def unsettled(self) -> bool:
        """A file or a metadata file changed while it was being read: what this scan makes is true of this
        moment only, and none of it may be kept as what the folder holds."""
        metas = [self.index_entry, *self.sidecars.values()]
        return (any(entry.problem == CHANGED for entry in self.files)
                or any(m is not None and m.meta is not None and m.meta[2] == CHANGED for m in metas))


def survey(folder: str | os.PathLike, *, limits: Limits | None = None,
           cache: EvidenceCache | None = None) -> Survey:
    """Walk `folder` (never writing there, never opening anything outside it). With a usable
    `cache`, the hashes of unchanged files and the bytes of every metadata file are taken too."""
    limits = limits or DEFAULT_LIMITS
    started = time.time_ns()
    root = os.path.realpath(os.fspath(folder))
    if not os.path.isdir(root):
        raise EvidenceFolderError(f"evidence folder not found or not a folder: {display_name(os.fspath(folder))}")
    files: list[Entry] = []
    meta_files: dict[str, Entry] = {}
    _walk(root, root, "", 0, limits, files, meta_files)
    files.sort(key=lambda e: e.rel)
    _check_collisions(files)
    index_entry = meta_files.pop(INDEX_NAME, None)
    found = Survey(os.fspath(folder), root, limits, started, files, index_entry, _match_sidecars(meta_files, files))
    if cache is not None and cache.usable and _inside(cache.folder, root):
        note("cache not used: the cache folder is inside the evidence folder")
    elif cache is not None and cache.usable:
        found.cache = cache
        found.hashes = _known_hashes(files, limits, cache, root)
        found.meta = _meta_read(index_entry, found.sidecars, limits)
    if not found.hashes:
        found.hashes = [None] * len(files)
    return found


def _meta_read(index_entry: Entry | None, sidecars: dict[str, Entry], limits: Limits) -> dict[str, tuple]:
    """What evidence.yaml and each sidecar that belongs to a file hold (for the snapshot's key)."""
    meta = {}
    if index_entry is not None:
        meta[index_entry.rel] = snapshot.meta_entry("index", read_meta(index_entry, limits))
    for rel, sidecar in sidecars.items():
        meta[sidecar.rel] = snapshot.meta_entry(f"sidecar of {rel}", read_meta(sidecar, limits))
    return meta


# ---------------------------------------------------------------------------------------------- walk

def _walk(root: str, directory: str, prefix: str, depth: int, limits: Limits,
          files: list[Entry], meta_files: dict[str, Entry]) -> None:
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        files.append(Entry(prefix.rstrip("/") or ".", None, f"folder cannot be listed ({exc.strerror})"))
        return
    for entry in entries:
        name = entry.name
        if name.startswith((".", "~$")) or name.lower() in _JUNK:
            continue
        bad = name_problem(name, limits)
        if bad:
            files.append(Entry(prefix + display_name(name), None, bad))
            continue
        rel = prefix + unicodedata.normalize("NFC", name)
        try:
            checked = check_entry(root, entry.path, is_link=entry.is_symlink())
        except FileNotFoundError:            # listed, then gone: a synced drive replacing it; one more look
            checked = look_again(root, entry.path)
        except OSError as exc:
            checked = f"cannot be read ({exc.strerror or exc})"
        if checked == "dir":
            if depth + 1 > limits.max_depth:
                files.append(Entry(rel, None, f"folder nested deeper than {limits.max_depth} levels; "
                                               "not read", status="not_read"))
            elif (len((rel + "/").encode("utf-8")) > limits.max_path_bytes
                  or len(os.fsencode(entry.path)) >= _OS_PATH_MAX - 256):   # room for the names inside
                files.append(Entry(rel, None, f"path longer than {limits.max_path_bytes} bytes; not read",
                                    status="not_read"))
            else:
                _walk(root, entry.path, rel + "/", depth + 1, limits, files, meta_files)
            continue
        if isinstance(checked, str):
            if checked == CHANGED and (rel == INDEX_NAME or name.endswith(SIDECAR_SUFFIX)):
                meta_files[rel] = Entry(rel, None, checked, meta=(None, 0, checked))    # ignored, with the reason
                continue
            status = "not_read" if checked.startswith("link to a folder") else "unreadable"
            files.append(Entry(rel, None, checked, status=status))
            continue
        if len(rel.encode("utf-8")) > limits.max_path_bytes:
            files.append(Entry(rel, None, f"path longer than {limits.max_path_bytes} bytes; rename or move it"))
            continue
        found = Entry(rel, checked)
        if checked.nlink > 1:
            found.notes.append(f"the file has {checked.nlink} hard links; sgpack cannot tell where the others are")
        if rel == INDEX_NAME or name.endswith(SIDECAR_SUFFIX):
            meta_files[rel] = found
        else:
            files.append(found)


def _check_collisions(files: list[Entry]) -> None:
    """Two names that are the same text in different Unicode forms are refused (they cannot be told
    apart in a plan or a pack); names that differ only in case get a note (Windows cannot hold both)."""
    seen: dict[str, str] = {}
    folded: dict[str, str] = {}
    for entry in files:
        if entry.rel in seen:
            entry.target, entry.status = None, "unreadable"
            entry.problem = "another file has the same name written with different Unicode characters; rename one"
            continue
        seen[entry.rel] = entry.rel
        key = entry.rel.casefold()
        if key in folded:
            entry.notes.append(f"name differs only in case from {folded[key]} (the two collide on Windows)")
        else:
            folded[key] = entry.rel


def _inside(path: str | os.PathLike, root: str) -> bool:
    real = os.path.realpath(os.fspath(path))
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


@functools.lru_cache(maxsize=1 << 16)
def file_format(rel: str) -> str:
    """The extension, lower case, without the dot ("" when none): which reader a file gets."""
    name = rel.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def _known_hashes(files: list[Entry], limits: Limits, cache: EvidenceCache, root: str) -> list[str | None]:
    """The hash of every file the cache knows to be unchanged (the size, mtime, ctime, device and
    inode the walk saw are the ones remembered with it); None for the others."""
    known: list[str | None] = [None] * len(files)
    for index, entry in enumerate(files):
        info = entry.target.info if entry.target is not None and not entry.problem else None
        if info is None or READERS.get(file_format(entry.rel)) is None or not 0 < info.st_size <= limits.max_file_bytes:
            continue
        known[index] = cache.known_sha(root, entry.rel, info)
    return known


def read_meta(entry: Entry, limits: Limits) -> tuple:
    """read_checked() of a metadata file (read again once if it changed under the read), once per scan."""
    if entry.meta is None:
        if entry.target is None:
            entry.meta = (None, 0, "unreadable")
        else:
            entry.meta = settle(lambda target: read_checked(target, limits.max_meta_bytes), entry.target)[:3]
    return entry.meta


def _match_sidecars(meta_files: dict[str, Entry], files: list[Entry]) -> dict[str, Entry]:
    """`report.pdf.meta.yaml` belongs to `report.pdf`; `report.meta.yaml` to the one file named `report.*`."""
    by_path = {e.rel: e for e in files}
    by_stem: dict[str, list[str]] = {}
    for e in files:
        head, _, name = e.rel.rpartition("/")
        if "." in name:
            by_stem.setdefault(f"{head}/{name.rsplit('.', 1)[0]}" if head else name.rsplit(".", 1)[0], []).append(e.rel)
    out: dict[str, Entry] = {}
    for rel, entry in meta_files.items():
        base = rel[: -len(SIDECAR_SUFFIX)]
        if base in by_path:
            out[base] = entry
    for rel, entry in meta_files.items():
        base = rel[: -len(SIDECAR_SUFFIX)]
        if base not in by_path and len(by_stem.get(base, [])) == 1 and by_stem[base][0] not in out:
            out[by_stem[base][0]] = entry
    return out
