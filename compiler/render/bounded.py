"""Work on evidence nobody controls, done in a child process with a time limit and a memory limit of its own.

Joining a bundle copies the pages of every PDF original with qpdf: a hostile or broken file could make that
loop or balloon. The work runs in a fresh interpreter (`python -c`, as the evidence readers do: nothing of
this process's memory is copied, nothing is inherited but the files named) whose address space is capped;
it is killed when its time is up. Its arguments and its result travel as files in a scratch folder (the
build's stage), so the large inputs are written once, not held twice.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

_MEMORY_EXIT = 99
_ROOT = str(Path(__file__).resolve().parents[2])        # the folder compiler/ and evidence_store/ are in
_CHILD_CODE = "import sys; sys.path.insert(0, sys.argv[1]); from compiler.render.bounded import _main; _main()"


class OutOfBounds(Exception):
    """The work did not finish within its limits; the message says which, in words for the user."""


def run_bounded(func: Callable[..., Any], args: tuple | list, *, seconds: float, memory: int, scratch: Path | None,
                what: str) -> Any:
    """`func(*args)` in a child process limited to `seconds` of wall time and `memory` bytes of address space.
    `func` and `args` must pickle (a module-level function). A list of `args` is emptied once it is written, so
    what only the child needs is freed here while the child works. Raises OutOfBounds naming `what` when the
    child is killed for time, runs out of memory or dies; an exception `func` raises is raised here again."""
    from evidence_store.limits import human_bytes, human_seconds

    folder = Path(tempfile.mkdtemp(prefix=".sgpack-bounded-", dir=scratch))
    work, result = folder / "work.pickle", folder / "result.pickle"
    try:
        with open(work, "xb") as handle:
            pickle.dump((func, tuple(args)), handle, protocol=pickle.HIGHEST_PROTOCOL)
        if isinstance(args, list):
            args.clear()
            _give_back()
        child = subprocess.Popen([sys.executable, "-c", _CHILD_CODE, _ROOT, str(work), str(result), str(memory)],
                                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, close_fds=True)
        try:
            code = child.wait(seconds)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            raise OutOfBounds(f"{what} took longer than {human_seconds(seconds)}") from None
        if code == _MEMORY_EXIT:
            raise OutOfBounds(f"{what} needed more than {human_bytes(memory)}")
        if code != 0 or not result.is_file():
            raise OutOfBounds(f"{what} stopped unexpectedly (exit code {code})")
        with open(result, "rb") as handle:
            ok, value = pickle.load(handle)
    finally:
        for leftover in (work, result):            # by whole path: nothing but these two files is touched
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
        os.rmdir(folder)
    if not ok:
        raise value
    return value


def _give_back() -> None:
    """Return the memory this process freed to the system while the child works (glibc keeps freed heap
    otherwise, and the two processes' memory counts together)."""
    import ctypes
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError, TypeError):      # not glibc: nothing to give back this way
        ctypes.CDLL(None).malloc_trim(0)          # this process's own symbols: no library is looked for


def _out_of_memory(exc: BaseException) -> bool:
    """Whether an error is the memory limit showing. Under RLIMIT_AS an allocation that fails surfaces as a
    MemoryError, as a library that cannot map itself (ImportError, OSError), or as a C extension returning an
    error it could not allocate (SystemError)."""
    if isinstance(exc, (MemoryError, SystemError)):
        return True
    text = str(exc)
    return isinstance(exc, (ImportError, OSError)) and ("failed to map segment" in text
                                                        or "Cannot allocate memory" in text)


def _main() -> None:
    """The child: `python -c _CHILD_CODE ROOT WORK RESULT MEMORY`."""
    _child(sys.argv[2], sys.argv[3], int(sys.argv[4]))


def _child(work: str, result: str, memory: int) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):   # no RLIMIT_AS here: the time limit still holds
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        with open(work, "rb") as handle:
            func, args = pickle.load(handle)
        os.unlink(work)
        outcome = (True, func(*args))
    except Exception as exc:  # noqa: BLE001 - raised again in the parent, where it is reported
        if _out_of_memory(exc):
            os._exit(_MEMORY_EXIT)
        outcome = (False, exc)
    try:
        with open(result, "xb") as handle:
            pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        os._exit(_MEMORY_EXIT)
