"""The one safe path resolver: every path from a plan, evidence.yaml, a sidecar or the folder walk passes here."""
from __future__ import annotations

import errno
import os
import stat
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from .limits import DEFAULT_LIMITS, Limits, human_bytes

# Open once, never through a link, never blocking on a pipe, never becoming a controlling terminal.
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
    | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)

NOT_REGULAR = "not a regular file (a device, pipe or socket)"
LINK_OUTSIDE = "link points outside the evidence folder"
OUTSIDE = "is outside the evidence folder"
CHANGED = "changed while it was being read"
REPLACED = "file was replaced while the folder was being read; run again"
# the file the walk checked is no longer at its path: gone, replaced whole, or replaced by a link (O_NOFOLLOW)
_GONE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.ELOOP})
# A sync client replaces a file by deleting it and writing the new one: give it that long before the second look
SETTLE_SECONDS = 0.05
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_WINDOWS_DRIVE = tuple(f"{c}:" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")


class PathError(Exception):
    """A path that must not be used; the message is the one-line reason shown to users."""


class Changed(str):
    """A reason a read gave up that says the file changed after the walk checked it (gone, replaced, written
    to while read): worth one more look (settle), never a fact about the file's bytes."""


# ------------------------------------------------------------------------------------------ display

def display_name(path: str | bytes | os.PathLike) -> str:
    """`path` safe to print in any message: control, bidi and invisible characters (U+202E, U+200B,
    newlines...) and undecodable bytes are shown as escapes (`\\u202e`, `\\xff`), never raw."""
    if isinstance(path, os.PathLike):
        path = os.fspath(path)
    if isinstance(path, bytes):
        path = path.decode("utf-8", "surrogateescape")
    out = []
    for ch in path:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:                    # an undecodable byte under surrogateescape
            out.append(f"\\x{code - 0xDC00:02x}")
        elif unicodedata.category(ch) in _ESCAPED_CATEGORIES:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                       else f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


# ------------------------------------------------------------------------------------------ names

def name_problem(name: str, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why one path component (a file or folder name) cannot be used, or None."""
    try:
        encoded = name.encode("utf-8")
    except UnicodeEncodeError:
        return "file name is not valid UTF-8; rename the file"
    # str.isprintable() is False for every Cc and Cf character (and some others): a quick pass first
    if not name.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        return "file name contains control or invisible characters; rename the file"
    if len(encoded) > limits.max_name_bytes:
        return f"file name is longer than {limits.max_name_bytes} bytes; rename the file"
    return None


def normalise(rel: str) -> str:
    """The spelling used for matching: POSIX separators, no `./`, Unicode NFC."""
    rel = rel.strip().replace("\\", "/")
    parts = [p for p in rel.split("/") if p not in ("", ".")]
    joined = "/".join(parts)
    if rel.startswith("/"):
        joined = "/" + joined
    return unicodedata.normalize("NFC", joined)


def relative_problem(rel: object, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """Why `rel` (a path from a plan, evidence.yaml or a sidecar) can never name a file inside the
    evidence folder, or None. Pure: looks at the text only, touches no file."""
    if not isinstance(rel, str) or not rel.strip():
        return "is empty" if isinstance(rel, str) or rel is None else "is not a path"
    if "\x00" in rel:
        return "contains a NUL character"
    text = rel.strip().replace("\\", "/")
    if text.startswith("/") or text.startswith(_WINDOWS_DRIVE):
        return f"{OUTSIDE}: use a path relative to the folder, not an absolute path"
    if text.startswith("~"):
        return f"{OUTSIDE}: use a path relative to the folder, not a home folder (~)"
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if ".." in parts:
        return f"{OUTSIDE}: paths may not use '..'"
    if not parts:
        return "is empty"
    if len(parts) > limits.max_depth + 1:
        return f"is nested deeper than {limits.max_depth} folders"
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_path_bytes:
        return f"is longer than {limits.max_path_bytes} bytes"
    for part in parts:
        problem = name_problem(part, limits)
        if problem:
            return problem.replace("; rename the file", "")
    return None


def check_relative(rel: str, limits: Limits = DEFAULT_LIMITS) -> str:
    """`rel` normalised for matching, or PathError naming the path (escaped) and the reason."""
    problem = relative_problem(rel, limits)
    if problem:
        raise PathError(f"{display_name(str(rel))} {problem}")
    return normalise(rel)


# ------------------------------------------------------------------------------------------ on disk

def inside(path: str, root: str) -> bool:
    """`path` is `root` or below it (both real, absolute paths)."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class Target:
    """A checked regular file: what to open, and the identity it must still have when opened."""
    real: str
    dev: int
    ino: int
    size: int
    nlink: int
    info: os.stat_result | None = field(default=None, compare=False, repr=False)   # the stat checked
    walked: str = field(default="", compare=False, repr=False)   # the entry as the walk found it (a link's own path)
    root: str = field(default="", compare=False, repr=False)     # the real evidence folder it was checked under


def check_entry(root: str, path: str, *, is_link: bool) -> Target | str:
    """A walked entry (`path` under the real `root`): a Target for a regular file inside the root,
    "dir" for a folder to descend, or the one-line reason it cannot be used.

    Links are followed only when their real target stays inside the root; a link to a folder is
    never followed (the walk could loop). Raises OSError when the entry vanished."""
    if is_link:
        target = os.path.realpath(path)
        if not inside(target, root):
            return LINK_OUTSIDE
        try:
            info = os.stat(target)
        except OSError:
            return "link target cannot be found"
        if stat.S_ISDIR(info.st_mode):
            return "link to a folder; links to folders are not followed"
    else:
        target = path
        info = os.lstat(path)
        if stat.S_ISDIR(info.st_mode):
            return "dir"
    if not stat.S_ISREG(info.st_mode):
        return NOT_REGULAR
    return Target(target, info.st_dev, info.st_ino, info.st_size, info.st_nlink, info, path, root)


def resolve(root: str | os.PathLike, rel: str, limits: Limits = DEFAULT_LIMITS) -> Target:
    """`rel` under `root` as a checked regular file: every component lstat-ed (links only when
    they stay inside the root), the real path inside the root. PathError otherwise."""
    rel_norm = check_relative(rel, limits)
    root_real = os.path.realpath(os.fspath(root))
    current = root_real
    for part in rel_norm.split("/"):
        current = os.path.join(current, part)
        try:
            mode = os.lstat(current).st_mode
        except OSError:
            raise PathError(f"{display_name(rel)} is not in the evidence folder") from None
        if stat.S_ISLNK(mode) and not inside(os.path.realpath(current), root_real):
            raise PathError(f"{display_name(rel)}: {LINK_OUTSIDE}")
    result = check_entry(root_real, os.path.join(root_real, *rel_norm.split("/")),
                         is_link=os.path.islink(current))
    if isinstance(result, Target):
        return result
    raise PathError(f"{display_name(rel)}: {'a folder, not a file' if result == 'dir' else result}")


def locate(root: str, rel: str) -> str | None:
    """Where the entry the walk lists as `rel` is on disk, or None when there is none. The walk lists names in
    NFC; a file copied from a Mac may be stored decomposed (NFD), so a name not found as written is looked
    for among its folder's entries by its NFC form (the walk refuses two entries with one NFC name)."""
    current = root
    for part in rel.split("/"):
        candidate = os.path.join(current, part)
        if not os.path.lexists(candidate):
            try:
                named = [name for name in os.listdir(current) if unicodedata.normalize("NFC", name) == part]
            except OSError:
                return None
            if len(named) != 1:
                return None
            candidate = os.path.join(current, named[0])
        current = candidate
    return current


def read_checked(target: Target | str, cap: int) -> tuple[bytes | None, int, str | None]:
    """Open once without following links, check it is the regular file that was checked (same
    device and inode, so a swap after the walk is caught; same size and mtime), read at most `cap`
    bytes, and check nothing was written while reading. Returns (data, size, None) or
    (None, size, reason); a reason that is `Changed` says the file changed under the read (settle)."""
    path = target.real if isinstance(target, Target) else target
    try:
        fd = os.open(path, OPEN_FLAGS)
    except OSError as exc:
        reason = f"cannot be opened ({exc.strerror or exc})"
        return None, 0, Changed(reason) if exc.errno in _GONE else reason
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, 0, NOT_REGULAR
        if isinstance(target, Target):
            if (info.st_dev, info.st_ino) != (target.dev, target.ino):
                return None, 0, Changed(REPLACED)
            if target.info is not None and _state(info) != _state(target.info):
                return None, info.st_size, Changed(CHANGED)
        if info.st_size > cap:
            return None, info.st_size, f"file is larger than the {human_bytes(cap)} limit"
        chunks, total = [], 0
        while chunk := os.read(fd, min(1 << 20, cap + 1 - total) or 1):
            chunks.append(chunk)
            total += len(chunk)
            if total > cap:                  # it was within the cap when opened: it grew while being read
                return None, total, Changed(CHANGED)
        if total != info.st_size or _state(os.fstat(fd)) != _state(info):
            return None, total, Changed(CHANGED)
        return b"".join(chunks), total, None
    except OSError as exc:
        return None, 0, f"cannot be read ({exc.strerror or exc})"
    finally:
        os.close(fd)


def _state(info: os.stat_result) -> tuple[int, int]:
    """What a write to a file changes (a file replaced whole is caught by its inode)."""
    return info.st_size, info.st_mtime_ns


def look_again(root: str, path: str) -> Target | str:
    """The walked entry `path` checked again, exactly as the walk checks it (check_entry, links only to
    inside the folder), a moment after it vanished or changed under a read. CHANGED when it is still gone."""
    time.sleep(SETTLE_SECONDS)
    try:
        return check_entry(root, path, is_link=os.path.islink(path))
    except OSError:
        return CHANGED


def settle(read: Callable[[Target], tuple[bytes | None, int, str | None]],
           target: Target) -> tuple[bytes | None, int, str | None, Target]:
    """`read(target)` (read_checked under the caller's cap), and when the file changed under it, once more
    from the entry checked again: a synced drive replaces a file whole (delete, then write), and the walk
    may have listed the one being replaced. Still gone or still changing: unreadable, CHANGED.
    Returns (data, size, reason, the target read)."""
    data, size, reason = read(target)
    if not isinstance(reason, Changed):
        return data, size, reason, target
    again = look_again(target.root, target.walked) if target.walked and target.root else CHANGED
    if not isinstance(again, Target):
        return None, 0, CHANGED if again == "dir" else again, target
    data, size, reason = read(again)
    if isinstance(reason, Changed):
        return None, size, CHANGED, target
    return data, size, reason, again


def plan_path_problem(rel: str) -> str | None:
    """For a path a plan gives (an indicator's `data:`): why it can never match, or None."""
    return relative_problem(rel)


__all__ = ["CHANGED", "NOT_REGULAR", "OPEN_FLAGS", "Changed", "PathError", "Target", "check_entry", "check_relative",
           "display_name", "inside", "locate", "look_again", "name_problem", "normalise", "plan_path_problem", "read_checked",
           "relative_problem", "resolve", "settle"]
