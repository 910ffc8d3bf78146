"""Writing a pack folder: staged beside --out and renamed into place, with a manifest to verify, and the
preparer's notes beside it (`<folder>.preparer-notes.md`), never inside the folder that is shared."""
from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from compiler.errors import SgpackError
from evidence_store.limits import DEFAULT_LIMITS
from evidence_store.paths import OPEN_FLAGS, locate

MANIFEST = "manifest.json"
# the preparer's notes: `<pack folder><NOTES>` beside the pack folder, replaced with it
NOTES = ".preparer-notes.md"
# A sync client replaces a file by deleting it and writing the new one: give it that long before reading again
SETTLE_SECONDS = 0.05
# errors writing the pack that the user can fix (space, quota, permissions), reported without a traceback
_DISK_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG}


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class EvidenceChanged(SgpackError):
    """An evidence file no longer holds the bytes the scan hashed: it changed, or went, while the pack was
    being built. A pack that can show the exhibit another way catches it; otherwise the build stops (exit 2)."""

    def __init__(self, relative: str, path: Path, expected_sha256: str) -> None:
        super().__init__("evidence file changed while the pack was being built; run the build again",
                         file=str(path))
        self.notice = (f"The file {relative} changed while this pack was being built: it no longer holds the bytes "
                       f"that were checked (SHA-256 {expected_sha256}). The original is not attached to this "
                       f"pack. Build the pack again once the file has stopped changing.")


def read_evidence(root: str | Path, relative: str, expected_sha256: str, *,
                  cap: int = DEFAULT_LIMITS.max_file_bytes) -> bytes:
    """The bytes of one evidence file, read without following links, and only if they are still
    the bytes that were catalogued. A synced drive may be replacing the file whole: it is read
    once more, then EvidenceChanged when it still differs or is gone. At most `cap` bytes are read
    (the catalogue hashes no larger file)."""
    base = Path(root).resolve()
    if Path(relative).is_absolute() or ".." in Path(relative).parts:
        raise SgpackError("evidence path leaves the evidence folder", file=relative)
    for attempt in range(2):
        if attempt:
            time.sleep(SETTLE_SECONDS)
        path = _located(base, relative)
        data = _read_once(path, cap)
        if data is not None and sha256_bytes(data) == expected_sha256:
            return data
    raise EvidenceChanged(relative, path, expected_sha256)


def _located(base: Path, relative: str) -> Path:
    """The file the catalogue lists as `relative` (its name, in NFC, may be stored decomposed), refused when
    its real path leaves the evidence folder."""
    found = locate(str(base), relative)
    path = Path(found) if found is not None else base / relative
    if not str(path.resolve()).startswith(str(base) + os.sep):
        raise SgpackError("evidence path leaves the evidence folder", file=relative)
    return path


def _read_once(path: Path, cap: int) -> bytes | None:
    """The file's bytes; None when it is gone or larger than `cap` (so not the file that was hashed)."""
    try:
        fd = os.open(path, OPEN_FLAGS)            # never through a link, never waiting on a pipe put in its place
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise SgpackError(f"cannot read evidence file: {exc.strerror}", file=str(path)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SgpackError("evidence path is not a regular file", file=str(path))
        if info.st_size > cap:
            return None
        data = handle.read(cap + 1)
    return data if len(data) <= cap else None


def check_out_path(out: Path, protected: list[Path]) -> None:
    """Refuse an --out that would write into, replace or delete an input, or a folder that is not a pack.

    Replacing `out` removes the folder that was there, so it must be an earlier pack (it holds a
    manifest.json) or empty; and it must not be, hold or sit inside the evidence folder or a plan."""
    target = Path(os.path.realpath(out))
    notes = Path(os.path.realpath(notes_path(Path(os.path.abspath(out)))))
    for path in protected:
        real = Path(os.path.realpath(path))
        if target == real or real.is_relative_to(target) or target.is_relative_to(real) or notes == real:
            raise SgpackError(f"--out overlaps an input ({path}); choose a folder outside the evidence "
                              f"folder and the plans", file=str(out))
    if target.exists():
        if not target.is_dir():
            raise SgpackError("output path exists and is not a folder", file=str(out))
        if any(target.iterdir()) and not (target / MANIFEST).is_file():
            raise SgpackError("output folder exists and is not an sgpack pack (no manifest.json); choose "
                              "another --out or empty it", file=str(out))


def notes_path(out: Path) -> Path:
    """Where the preparer's notes for the pack folder `out` are: beside it, never inside it."""
    return out.parent / f"{out.name}{NOTES}"


def _staged_notes(stage: Path) -> Path:
    return stage.parent / f"{stage.name}{NOTES}"


def write_notes(stage: Path, text: str) -> None:
    """The preparer's notes for the pack being written in `stage`: kept beside the stage until the pack lands."""
    _staged_notes(stage).write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """Yield an empty staging folder beside `out`; on success it replaces `out` whole, the notes written for it
    (write_notes) replace `<out>.preparer-notes.md` and are printed; on failure both are removed and any previous
    pack at `out`, and its notes, are left as they were."""
    shown = notes_path(Path(out))                 # as the preparer named the folder, for the console
    out = out.resolve() if out.exists() else Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.exists() and not out.is_dir():
        raise SgpackError("output path exists and is not a folder", file=str(out))
    notes = notes_path(out)
    if notes.is_symlink() or (notes.exists() and not notes.is_file()):
        raise SgpackError("the preparer's notes would replace something that is not a file; move it",
                          file=str(notes))
    _remove_stale_stages(out)
    token = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
    stage = out.parent / f".{out.name}.sgpack-tmp-{token}"
    stage.mkdir()
    try:
        yield stage
        _fsync_tree(stage)
        if out.exists():
            old = out.parent / f".{out.name}.sgpack-old-{token}"
            os.rename(out, old)
            try:
                os.rename(stage, out)
            except OSError:
                os.rename(old, out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.rename(stage, out)
        _land_notes(stage, notes, shown)
    except OSError as exc:
        shutil.rmtree(stage, ignore_errors=True)
        _staged_notes(stage).unlink(missing_ok=True)
        if exc.errno in _DISK_ERRORS:
            where = exc.filename or out
            raise SgpackError(f"the pack could not be written ({exc.strerror}); nothing was written and any "
                              f"previous pack is unchanged", file=str(where)) from None
        raise
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        _staged_notes(stage).unlink(missing_ok=True)
        raise


def _land_notes(stage: Path, notes: Path, shown: Path) -> None:
    """The pack has landed: its notes replace the last pack's, or, with none written, the last pack's go (they
    were about another pack). Printed for the preparer, as they are written."""
    written = _staged_notes(stage)
    if not written.is_file():
        notes.unlink(missing_ok=True)
        return
    with open(written, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(written, notes)
    print(f"{notes.read_text(encoding='utf-8').rstrip()}\n\n(these notes are in {shown}, not in the pack)\n",
          file=sys.stderr)


def _remove_stale_stages(out: Path) -> None:
    """Staging (or replaced) folders, and staged notes, left by a build that was killed: their process is gone."""
    for prefix in (f".{out.name}.sgpack-tmp-", f".{out.name}.sgpack-old-"):
        for leftover in out.parent.glob(prefix + "*"):
            pid = leftover.name[len(prefix):].split("-")[0]
            if not pid.isdigit() or _alive(int(pid)) or leftover.is_symlink():
                continue
            if leftover.is_dir():
                shutil.rmtree(leftover, ignore_errors=True)
            elif leftover.is_file() and leftover.name.endswith(NOTES):
                leftover.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def write_file(stage: Path, relative: str, data: bytes) -> None:
    with new_file(stage, relative) as handle:
        handle.write(data)


def new_file(stage: Path, relative: str) -> BinaryIO:
    """A file of the stage opened for writing, for output too large to hold in memory first."""
    target = stage / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    return open(target, "xb")                # never overwrite inside a fresh stage


def manifest(stage: Path, *, header: dict[str, Any], inputs: list[dict[str, Any]]) -> bytes:
    """Every file written (relative to the pack folder) and every input read, with SHA-256 and size."""
    outputs = []
    for path in sorted(p for p in stage.rglob("*") if p.is_file()):
        relative = path.relative_to(stage).as_posix()
        if relative != MANIFEST:
            outputs.append({"path": relative, "sha256": sha256_file(path), "size": path.stat().st_size})
    body = dict(header) | {"inputs": inputs, "outputs": outputs}
    return (json.dumps(body, indent=2, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")


def verify(pack_dir: Path) -> list[str]:
    """Problems found when the pack folder is checked against its manifest; empty when it matches."""
    manifest_path = pack_dir / MANIFEST
    if not manifest_path.is_file():
        raise SgpackError("no manifest.json in the pack folder", file=str(pack_dir))
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {entry["path"]: entry for entry in data["outputs"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise SgpackError(f"manifest.json cannot be read: {exc}", file=str(manifest_path)) from None
    problems = []
    for relative, entry in sorted(listed.items()):
        path = pack_dir / relative
        if Path(relative).is_absolute() or ".." in Path(relative).parts:
            problems.append(f"{relative}: path in the manifest leaves the pack folder")
        elif not path.is_file():
            problems.append(f"{relative}: missing")
        elif path.stat().st_size != entry.get("size") or sha256_file(path) != entry.get("sha256"):
            problems.append(f"{relative}: changed (SHA-256 does not match the manifest)")
    for path in sorted(p for p in pack_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(pack_dir).as_posix()
        if relative != MANIFEST and relative not in listed:
            problems.append(f"{relative}: not in the manifest")
    return problems
