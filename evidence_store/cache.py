"""What reading an evidence file gave, by content hash: SQLite in the user's cache folder.

Only what depends on a file's bytes alone is kept: a reader's result (text with its locations,
metadata inside the file, table rows, page counts) keyed by (file SHA-256, reader version), the
id mentions found in that text keyed by the id set as well, and rendered exhibit pages. What
comes from sidecars, evidence.yaml or folder names is resolved again whenever any of it changed:
the one other thing kept is a whole catalogue, keyed by everything it is made of
(evidence_store.snapshot), and plans by their file's bytes (compiler.plans.cache).

Values are JSON (zlib-compressed) plus an optional raw byte payload, each entry with a checksum:
a cache file written by someone else can hold wrong data, never code. A damaged entry is dropped
and computed again; a damaged database is moved aside and a new one started. Two runs may share
the cache (WAL, a busy timeout, short write transactions, INSERT OR REPLACE). Its size is bounded:
least recently used entries go first. Anything going wrong with the cache costs speed, never a
result: the run goes on without it after one note on stderr.

A second table remembers (evidence folder, relative path) -> (size, mtime, ctime, device, inode,
SHA-256), so an unchanged file is not read at all to know its hash. A scan reads that table for
its folder in one query, and the entries of the files it already knows in a few batched queries.

Callers use the store through a `Shelf` (evidence_store.shelf); a scan's own use of it is in
evidence_store.scancache. Longer than the house ~400 lines: this is one class, the store, with its
recovery, its bounded size and the exact JSON its values are kept as; split, those would share state
across files.
"""
from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
import sys
import time
import zlib
from pathlib import Path
from typing import Any

SCHEMA = 1
DB_NAME = f"evidence-v{SCHEMA}.sqlite3"
DEFAULT_MAX_BYTES = 2 * 2**30
MAX_FILE_ROWS = 1_000_000             # remembered (folder, path) -> hash rows
BUSY_MS = 15_000                      # how long a run waits for another run's write
FLUSH_BYTES = 32 * 2**20              # pending writes held in memory before they are written
TOUCH_NS = 60 * 10**9                 # last use is recorded at most this often per entry
# A file whose status changed this recently when it was hashed is hashed again next time: a
# second write within the same timestamp tick would leave size, mtime and ctime unchanged.
RACY_SECONDS = 2.0
_BATCH = 500                          # keys in one batched lookup (SQLite allows 999 parameters)

_CORRUPT = {11, 26}                   # SQLITE_CORRUPT, SQLITE_NOTADB
_noted: set[str] = set()


def note(message: str) -> None:
    """One line on stderr, once per process."""
    if message not in _noted and not _noted:
        print(f"note: {message}", file=sys.stderr)
    _noted.add(message)


def default_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_cache_dir("sgpack"))


def open_cache(folder: str | os.PathLike | None = None, *, enabled: bool = True,
               max_bytes: int | None = None, not_inside: tuple = ()) -> EvidenceCache | None:
    """The cache in `folder` (default: the user's cache folder), or None when disabled or unusable.
    Its size bound: `max_bytes`, else SGPACK_CACHE_MAX_BYTES ("500M", "2G" or bytes), else 2 GB.
    A folder inside any of `not_inside` (the evidence folder, the pack folder) is refused."""
    if not enabled:
        return None
    if max_bytes is None:
        max_bytes = _size_from_env(os.environ.get("SGPACK_CACHE_MAX_BYTES"))
    where = Path(folder) if folder is not None else default_dir()
    real = os.path.realpath(where)
    for top in map(os.path.realpath, not_inside):
        if real == top or real.startswith(top.rstrip(os.sep) + os.sep):
            note("cache not used: the cache folder is inside the evidence or pack folder")
            return None
    try:
        return EvidenceCache(where, max_bytes=max_bytes)
    except (OSError, sqlite3.Error) as exc:
        note(f"cache not used ({where}: {_why(exc)}); every file is read")
        return None


def _size_from_env(text: str | None) -> int:
    if not text or not text.strip():
        return DEFAULT_MAX_BYTES
    text = text.strip().upper().removesuffix("B")
    scale = {"K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}.get(text[-1:], 1)
    try:
        value = int(float(text.rstrip("KMGT")) * scale)
    except ValueError:
        note(f"SGPACK_CACHE_MAX_BYTES={text!r} is not a size; using 2 GB")
        return DEFAULT_MAX_BYTES
    return max(value, 2**20)


def _why(exc: BaseException) -> str:
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


class _Broken(Exception):
    """The cache cannot be used for the rest of this run."""


class EvidenceCache:
    """One connection to the cache database. Not shared between threads or processes."""

    def __init__(self, folder: Path, *, max_bytes: int = DEFAULT_MAX_BYTES):
        self.folder = Path(os.path.abspath(folder))
        self.max_bytes = max_bytes
        self.path = self.folder / DB_NAME
        self.db: sqlite3.Connection | None = None
        self.pending: list[tuple] = []
        self.pending_files: list[tuple] = []
        self.pending_replace: list[tuple[str, str, str]] = []      # (kind, version, the sha256 kept)
        self.pending_bytes = 0
        self.touched: set[int] = set()
        # what a scan asked for ahead (prefetch): (kind, sha256, version) -> row, and every key asked
        self._rows: dict[tuple[str, str, str], tuple] = {}
        self._asked: set[tuple[str, str, str]] = set()
        self._files: dict[str, dict[str, tuple]] = {}          # root -> {path: files row}
        self.stats = {"hits": 0, "misses": 0, "dropped": 0, "stored": 0, "known_files": 0}
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            self.db = self._connect()
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorcode", None) not in _CORRUPT:
                raise
            aside = self._move_aside()
            note(f"the cache database was damaged; moved aside to {aside.name} and started again")
            self.db = self._connect()

    # -- connection

    def _connect(self) -> sqlite3.Connection:
        fresh = not self.path.exists()
        db = sqlite3.connect(self.path, timeout=BUSY_MS / 1000, isolation_level=None, check_same_thread=False)
        try:
            if fresh:
                os.chmod(self.path, 0o600)          # extracted evidence text is personal data
            db.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
            db.execute("PRAGMA auto_vacuum = INCREMENTAL")      # only takes effect on a new file
            if db.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() != "wal":
                raise sqlite3.OperationalError("cannot use write-ahead logging here")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TABLE IF NOT EXISTS entries (kind TEXT NOT NULL, sha256 TEXT NOT NULL, "
                       "version TEXT NOT NULL, size INTEGER NOT NULL, last_used INTEGER NOT NULL, "
                       "checksum TEXT NOT NULL, value BLOB NOT NULL, data BLOB, "
                       "UNIQUE (kind, sha256, version))")
            db.execute("CREATE INDEX IF NOT EXISTS entries_lru ON entries (last_used)")
            db.execute("CREATE TABLE IF NOT EXISTS files (root TEXT NOT NULL, path TEXT NOT NULL, "
                       "size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL, "
                       "dev INTEGER NOT NULL, ino INTEGER NOT NULL, sha256 TEXT NOT NULL, "
                       "last_seen INTEGER NOT NULL, PRIMARY KEY (root, path))")
            db.execute("COMMIT")
            db.execute("SELECT count(*) FROM entries WHERE rowid = 1").fetchone()
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self) -> Path:
        for old in self.folder.glob(f"{DB_NAME}.damaged-*"):
            with contextlib.suppress(OSError):
                old.unlink()
        aside = self.folder / f"{DB_NAME}.damaged-{time.time_ns()}"
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")
        return aside

    def _failed(self, exc: sqlite3.Error) -> None:
        """A database error mid-run: stop using the cache; a damaged file is moved aside."""
        db, self.db = self.db, None
        self.pending, self.pending_files, self.touched, self.pending_replace = [], [], set(), []
        self.release()
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                db.close()
        if getattr(exc, "sqlite_errorcode", None) in _CORRUPT:
            try:
                aside = self._move_aside()
                note(f"the cache database was damaged; moved aside to {aside.name} (a new one is made next run)")
            except OSError:
                note(f"the cache database was damaged and could not be moved aside: {self.path}")
        else:
            note(f"cache not used for the rest of this run ({_why(exc)})")

    @property
    def usable(self) -> bool:
        return self.db is not None

    def close(self) -> None:
        self.flush()
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None

    def __enter__(self) -> EvidenceCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- entries

    def get(self, kind: str, sha256: str, version: str) -> tuple[Any, bytes | None] | None:
        """(value, payload) stored under the key, or None. A damaged entry is dropped."""
        if self.db is None:
            return None
        key = (kind, sha256, version)
        if key in self._asked:
            row = self._rows.get(key)
        else:
            try:
                row = self.db.execute("SELECT rowid, last_used, checksum, value, data FROM entries "
                                      "WHERE kind = ? AND sha256 = ? AND version = ?", key).fetchone()
            except sqlite3.Error as exc:
                self._failed(exc)
                return None
        if row is None:
            self.stats["misses"] += 1
            return None
        rowid, last_used, checksum, blob, data = row
        try:
            if not isinstance(blob, bytes) or not (data is None or isinstance(data, bytes)):
                raise ValueError("wrong types")
            if checksum != _checksum(kind, sha256, version, blob, data):
                raise ValueError("checksum")
            value = _loads(zlib.decompress(blob))
        except Exception:  # noqa: BLE001 - anything wrong with an entry means: compute it again
            self.drop(kind, sha256, version)
            return None
        if not isinstance(last_used, int) or time.time_ns() - last_used > TOUCH_NS:
            self.touched.add(rowid)
        self.stats["hits"] += 1
        return value, data

    def put(self, kind: str, sha256: str, version: str, value: Any, data: bytes | None = None, *,
            replace: bool = False) -> None:
        """Store an entry (written with the next flush). A value JSON cannot hold exactly is skipped.
        `replace`: the entry takes the place of every other of its kind and version."""
        if self.db is None:
            return
        try:
            blob = zlib.compress(json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"),
                                            allow_nan=True).encode("utf-8"), 6)
        except (Uncacheable, UnicodeError, ValueError, TypeError, RecursionError):
            return                           # e.g. a lone surrogate in extracted text: not kept
        size = len(blob) + len(data or b"") + len(kind) + len(sha256) + len(version) + 64
        if size > self.max_bytes // 4:
            return
        self._asked.discard((kind, sha256, version))     # asked again: from the database
        if replace:
            self.pending = [p for p in self.pending if (p[0], p[2]) != (kind, version)]
            self.pending_replace.append((kind, version, sha256))
        self.pending.append((kind, sha256, version, size, time.time_ns(),
                             _checksum(kind, sha256, version, blob, data), blob, data))
        self.pending_bytes += size
        if self.pending_bytes > FLUSH_BYTES:
            self.flush()

    def drop(self, kind: str, sha256: str, version: str) -> None:
        self.stats["dropped"] += 1
        self._rows.pop((kind, sha256, version), None)
        if self.db is None:
            return
        try:
            self.db.execute("DELETE FROM entries WHERE kind = ? AND sha256 = ? AND version = ?",
                            (kind, sha256, version))
        except sqlite3.Error as exc:
            self._failed(exc)

    def latest(self, kind: str, version: str) -> str | None:
        """The key of the entry of this kind and version written last, or None."""
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT sha256 FROM entries WHERE kind = ? AND version = ? "
                                  "ORDER BY rowid DESC LIMIT 1", (kind, version)).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        return row[0] if row is not None and isinstance(row[0], str) else None

    def prefetch(self, kind: str, version: str, shas: list[str]) -> None:
        """Look up many entries of one kind and version at once; get() then answers from memory
        (until release()), so a warm scan makes a few queries instead of one per file."""
        if self.db is None:
            return
        todo = [sha for sha in dict.fromkeys(shas) if (kind, sha, version) not in self._asked]
        for start in range(0, len(todo), _BATCH):
            part = todo[start:start + _BATCH]
            try:
                rows = self.db.execute(
                    "SELECT sha256, rowid, last_used, checksum, value, data FROM entries WHERE kind = ? "
                    f"AND version = ? AND sha256 IN ({','.join('?' * len(part))})", (kind, version, *part)).fetchall()
            except sqlite3.Error as exc:
                self._failed(exc)
                return
            for sha, *row in rows:
                self._rows[(kind, sha, version)] = tuple(row)
            self._asked.update((kind, sha, version) for sha in part)

    def prefetch_each(self, kind: str, wanted: list[tuple[str, str]]) -> None:
        """prefetch() for entries of one kind and many versions: each (sha256, version) in `wanted`."""
        if self.db is None:
            return
        todo = {pair for pair in wanted if (kind, *pair) not in self._asked}
        shas = sorted({sha for sha, _ in todo})
        for start in range(0, len(shas), _BATCH):
            part = shas[start:start + _BATCH]
            try:
                rows = self.db.execute(
                    "SELECT sha256, version, rowid, last_used, checksum, value, data FROM entries WHERE kind = ? "
                    f"AND sha256 IN ({','.join('?' * len(part))})", (kind, *part)).fetchall()
            except sqlite3.Error as exc:
                self._failed(exc)
                return
            for sha, version, *row in rows:
                if (sha, version) in todo:
                    self._rows[(kind, sha, version)] = tuple(row)
        self._asked.update((kind, *pair) for pair in todo)

    def release(self) -> None:
        """Forget what prefetch() and known_sha() held in memory."""
        self._rows, self._asked, self._files = {}, set(), {}

    # -- files: is it the file whose hash we know?

    def known_sha(self, root: str, rel: str, info: os.stat_result) -> str | None:
        if self.db is None:
            return None
        if root not in self._files:              # the folder's rows in one query, on first use
            try:
                self._files[root] = {path: tuple(row) for path, *row in self.db.execute(
                    "SELECT path, size, mtime_ns, ctime_ns, dev, ino, sha256 FROM files WHERE root = ?", (root,))}
            except sqlite3.Error as exc:
                self._failed(exc)
                return None
        row = self._files[root].get(rel)
        if row is None or tuple(row[:5]) != (info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                             info.st_dev, info.st_ino):
            return None
        sha = row[5]
        if not (isinstance(sha, str) and len(sha) == 64):
            return None
        self.stats["known_files"] += 1
        return sha

    def remember_file(self, root: str, rel: str, info: os.stat_result, sha256: str, started_ns: int) -> None:
        """Remember the hash of the file `info` describes (taken before it was read at `started_ns`)."""
        if self.db is None or info.st_ctime_ns > started_ns - int(RACY_SECONDS * 1e9):
            return
        self.pending_files.append((root, rel, info.st_size, info.st_mtime_ns, info.st_ctime_ns,
                                   info.st_dev, info.st_ino, sha256, time.time_ns()))
        if len(self.pending_files) >= 5000:
            self.flush()

    # -- writing

    def flush(self) -> None:
        """Write pending entries in one transaction, then keep the cache under its size bound."""
        if self.db is None or not (self.pending or self.pending_files or self.touched):
            return
        pending, files, touched, replace = self.pending, self.pending_files, self.touched, self.pending_replace
        self.pending, self.pending_files, self.touched, self.pending_bytes = [], [], set(), 0
        self.pending_replace = []
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("DELETE FROM entries WHERE kind = ? AND version = ? AND sha256 != ?", replace)
                db.executemany("INSERT OR REPLACE INTO entries (kind, sha256, version, size, last_used, checksum, "
                               "value, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", pending)
                db.executemany("INSERT OR REPLACE INTO files (root, path, size, mtime_ns, ctime_ns, dev, ino, "
                               "sha256, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", files)
                now = time.time_ns()
                db.executemany("UPDATE entries SET last_used = ? WHERE rowid = ?", [(now, r) for r in sorted(touched)])
                if pending:
                    self._evict(db)
                if files:
                    self._trim_files(db)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
            self.stats["stored"] += len(pending)
            if pending:
                db.execute("PRAGMA incremental_vacuum")
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) in _CORRUPT:
                self._failed(exc)
            elif "locked" in str(exc) or "busy" in str(exc):
                note("cache busy (another sgpack run is writing); this run's results were not stored")
            else:
                self._failed(exc)
        except sqlite3.Error as exc:
            self._failed(exc)

    def _evict(self, db: sqlite3.Connection) -> None:
        total = db.execute("SELECT coalesce(sum(size), 0) FROM entries").fetchone()[0]
        if total <= self.max_bytes:
            return
        goal = int(self.max_bytes * 0.8)             # some room, so the next run does not evict at once
        doomed = []
        for rowid, size in db.execute("SELECT rowid, size FROM entries ORDER BY last_used, rowid"):
            if total <= goal:
                break
            doomed.append((rowid,))
            total -= size
        db.executemany("DELETE FROM entries WHERE rowid = ?", doomed)

    def _trim_files(self, db: sqlite3.Connection) -> None:
        count = db.execute("SELECT count(*) FROM files").fetchone()[0]
        if count > MAX_FILE_ROWS:
            db.execute("DELETE FROM files WHERE rowid IN (SELECT rowid FROM files ORDER BY last_seen LIMIT ?)",
                       (count - MAX_FILE_ROWS * 9 // 10,))

    def size(self) -> int:
        """Bytes held by entries (what the bound counts)."""
        if self.db is None:
            return 0
        return self.db.execute("SELECT coalesce(sum(size), 0) FROM entries").fetchone()[0]


def _checksum(kind: str, sha256: str, version: str, blob: bytes, data: bytes | None) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in (kind.encode(), sha256.encode(), version.encode(), blob, data or b""):
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    h.update(b"\x01" if data is not None else b"\x00")
    return h.hexdigest()


# ---------------------------------------------------------------------------------------- values

class Uncacheable(Exception):
    """A value JSON cannot give back exactly: it is not cached."""


def encode(value: Any) -> Any:
    """JSON for `value`, with tags for what JSON lacks (tuples, maps with any keys, dates, bytes)."""
    kind = type(value)
    if value is None or kind in (str, int, bool, float):
        return value
    if kind is list:
        return [encode(v) for v in value]
    if kind is tuple:
        return {"$": "tuple", "v": [encode(v) for v in value]}
    if kind is dict:
        return {"$": "dict", "v": [[encode(k), encode(v)] for k, v in value.items()]}
    if kind is dt.datetime:
        if value.tzinfo is not None and not isinstance(value.tzinfo, dt.timezone):
            raise Uncacheable(repr(value))
        return {"$": "datetime", "v": value.isoformat()}
    if kind is dt.date:
        return {"$": "date", "v": value.isoformat()}
    if kind is dt.time:
        if value.tzinfo is not None:
            raise Uncacheable(repr(value))
        return {"$": "time", "v": value.isoformat()}
    if kind is dt.timedelta:
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if kind is bytes:
        return {"$": "bytes", "v": base64.b64encode(value).decode("ascii")}
    raise Uncacheable(kind.__name__)


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        tag, inner = value["$"], value["v"]
        if tag == "tuple":
            return tuple(decode(v) for v in inner)
        if tag == "dict":
            return {decode(k): decode(v) for k, v in inner}
        if tag == "datetime":
            return dt.datetime.fromisoformat(inner)
        if tag == "date":
            return dt.date.fromisoformat(inner)
        if tag == "time":
            return dt.time.fromisoformat(inner)
        if tag == "timedelta":
            return dt.timedelta(*inner)
        if tag == "bytes":
            return base64.b64decode(inner, validate=True)
        raise ValueError(f"unknown tag {tag!r}")
    return value


def _tagged(value: dict) -> Any:
    """decode() for one JSON object whose contents are decoded already (json's object_hook)."""
    tag, inner = value["$"], value["v"]
    if tag == "tuple":
        return tuple(inner)
    if tag == "dict":
        return {k: v for k, v in inner}
    return decode({"$": tag, "v": inner})


_DECODER = json.JSONDecoder(object_hook=_tagged)


def _loads(text: bytes) -> Any:
    """decode(json.loads(text)), with the tags undone as the JSON is parsed: plain lists and
    strings (most of an entry) are never walked again in Python."""
    return _DECODER.decode(text.decode("utf-8"))
