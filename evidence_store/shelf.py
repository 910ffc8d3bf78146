"""The one way to use the cache: a `Shelf` holds one kind of entry at one version, and `code_version`
says which code an entry was made by.

Every caller asks a shelf to `remember(key, make)` (or to `find` and `keep` when it works in batches).
A shelf checks what it gives back with the caller's `read`; an entry `read` refuses is dropped and made
again. With no cache, or one that stopped working, a shelf simply makes everything: callers never test
for a cache themselves.

An entry's version names the code that made it by the code itself, not by file names: `code_version`
digests the source of the modules given and of every project module they import, at any depth (imports
inside functions included), so moving code from one file to another, or editing anything it uses,
leaves no stale entry behind. Imports are read from the source as text (no parsing, no importing), and every
file is read once per process.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from .cache import EvidenceCache

T = TypeVar("T")
_PROJECT = ("compiler", "evidence_store")
_ROOT = Path(__file__).resolve().parents[1]
_digests: dict[Path, str] = {}
_closures: dict[Path, frozenset[Path]] = {}


class Shelf(Generic[T]):
    """One kind of entry at one version in a cache that may be absent."""

    def __init__(self, cache: EvidenceCache | None, kind: str, version: str):
        self.cache, self.kind, self.version = cache, kind, version

    @property
    def on(self) -> bool:
        return self.cache is not None and self.cache.usable

    def find(self, key: str, read: Callable[[Any, bytes | None], T]) -> T | None:
        """What was kept under `key`, as `read(value, data)` gives it back; None when nothing was kept or
        `read` refuses it (it raises: the entry is damaged, and is dropped)."""
        if not self.on:
            return None
        found = self.cache.get(self.kind, key, self.version)
        if found is None:
            return None
        try:
            return read(*found)
        except Exception:  # noqa: BLE001 - anything wrong with an entry means: make it again
            self.drop(key)
            return None

    def keep(self, key: str, value: Any, data: bytes | None = None, *, replace: bool = False) -> None:
        """Keep `value` (JSON-able) and `data` under `key`; `replace`: the only entry of this kind and version."""
        if self.on:
            self.cache.put(self.kind, key, self.version, value, data, replace=replace)

    def drop(self, key: str) -> None:
        if self.on:
            self.cache.drop(self.kind, key, self.version)

    def latest(self) -> str | None:
        """The key of the entry of this kind and version last kept (for a shelf whose entries replace each other)."""
        return self.cache.latest(self.kind, self.version) if self.on else None

    def prefetch(self, keys: Iterable[str]) -> None:
        """Ask for many keys at once; `find` then answers them from memory."""
        if self.on:
            self.cache.prefetch(self.kind, self.version, list(keys))

    def remember(self, key: str, make: Callable[[], T], *, write: Callable[[T], tuple[Any, bytes | None] | None],
                 read: Callable[[Any, bytes | None], T]) -> T:
        """`make()`, or what an earlier call with the same key made. `write(made)` gives what to keep, or None
        to keep nothing (a result that says something about this moment, not about the inputs)."""
        found = self.find(key, read)
        if found is not None:
            return found
        made = make()
        if self.on:
            kept = write(made)
            if kept is not None:
                self.keep(key, *kept)
        return made


def inputs_key(*parts: Any) -> str:
    """A key for what `parts` hold: the SHA-256 of each part's repr, combined. Views are dataclasses of
    strings, numbers, dates, bytes, lists and dicts, whose repr shows every field, so the same content
    gives the same key (unlike a pickle, whose bytes change with which equal strings are one object)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(repr(part).encode("utf-8", "surrogatepass")).digest())
    return h.hexdigest()


def file_digest(path: str | Path | None) -> str | None:
    """The SHA-256 of a file a theme or template names; None when there is none to read."""
    if not path:
        return None
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def code_version(*modules: ModuleType | str, libraries: Iterable[str] = (), files: Iterable[Path] = ()) -> str:
    """A short digest of the source of `modules` (module objects or dotted names) and of every project module
    they import, directly or not, with the installed versions of `libraries` and the bytes of `files`."""
    paths: set[Path] = set()
    for module in modules:
        name = module if isinstance(module, str) else module.__name__
        path = _source(name)
        if path is None:
            raise ValueError(f"no source for module {name!r}")
        paths |= _closure(path)
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(path.relative_to(_ROOT).as_posix().encode() + b"\0" + _digest(path).encode() + b"\n")
    for file in sorted(Path(f) for f in files):
        h.update(file.name.encode() + b"\0" + (file_digest(file) or "?").encode() + b"\n")
    for library in sorted(libraries):
        h.update(f"{library}={_library_version(library)}\n".encode())
    return h.hexdigest()[:16]


def package_digest(package: str, suffixes: tuple[str, ...] = (".py", ".yaml")) -> str:
    """A short digest of every source and data file of a project package, at any depth: for what is made by
    the package as a whole (a check's output, a whole catalogue)."""
    folder = _ROOT.joinpath(*package.split("."))
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.suffix in suffixes and "__pycache__" not in p.parts):
        h.update(path.relative_to(_ROOT).as_posix().encode() + b"\0" + _digest(path.resolve()).encode() + b"\n")
    return h.hexdigest()[:16]


def _library_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


@lru_cache(maxsize=None)
def _source(name: str) -> Path | None:
    """The file of a project module or package, found without importing it."""
    parts = name.split(".")
    if parts[0] not in _PROJECT:
        return None
    base = _ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate.resolve()
    return None


def _digest(path: Path) -> str:
    if path not in _digests:
        _digests[path] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _digests[path]


def _closure(start: Path) -> frozenset[Path]:
    """`start` and every project module it imports, at any depth, with the packages they live in."""
    if start in _closures:
        return _closures[start]
    seen: set[Path] = set()
    todo = [start]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imports(path):
            found = _source(name)
            if found is not None and found not in seen:
                todo.append(found)
    _closures[start] = frozenset(seen)
    return _closures[start]


# `import a.b, c` and `from .x import (y, z)` anywhere in a file, inside functions too: read as text, which is fast
# and finds every import the code can run (a name mentioned in a string is harmless: it only widens the digest).
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w., \t]+)", re.M)
_FROM = re.compile(r"^[ \t]*from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[^\n#]+)", re.M)
_imported: dict[Path, frozenset[str]] = {}


def _imports(path: Path) -> frozenset[str]:
    """Every project module `path` names in an import, its parent packages included."""
    if path in _imported:
        return _imported[path]
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    text = path.read_text(encoding="utf-8")
    names: set[str] = set()
    for match in _IMPORT.finditer(text):
        names.update(part.split()[0] for part in match.group(1).split(",") if part.strip())
    for match in _FROM.finditer(text):
        target = match.group(1)
        level = len(target) - len(target.lstrip("."))
        if level:
            base = package.split(".")
            base = base[:len(base) - level + 1]
            target = ".".join(base + ([target.lstrip(".")] if target.lstrip(".") else []))
        names.add(target)
        listed = match.group(2).strip("() \n")
        names.update(f"{target}.{part.split()[0]}" for part in listed.split(",") if part.strip())
    out: set[str] = set()
    for name in names:
        parts = name.split(".")
        if parts[0] in _PROJECT:
            out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    _imported[path] = frozenset(out)
    return _imported[path]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)

