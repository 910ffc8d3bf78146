"""Work on evidence nobody controls, done in a child process with a time limit and a memory limit of its own.

Joining a bundle copies the pages of every PDF original with qpdf: a hostile or broken file could make that
loop or balloon. The work runs in a fresh interpreter (spawn: nothing of this process's memory is copied)
whose address space is capped; it is killed when its time is up. Its arguments and its result travel as
files in a scratch folder (the build's stage), so the large inputs are written once, not held twice.
"""
from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

_MEMORY_EXIT = 99


class OutOfBounds(Exception):
    """The work did not finish within its limits; the message says which, in words for the user."""


def run_bounded(func: Callable[..., Any], args: tuple, *, seconds: float, memory: int, scratch: Path | None,
                what: str) -> Any:
    """`func(*args)` in a child process limited to `seconds` of wall time and `memory` bytes of address space.
    `func` and `args` must pickle (a module-level function). Raises OutOfBounds naming `what` when the child is
    killed for time, runs out of memory or dies; an exception `func` raises is raised here again."""
    import multiprocessing

    from evidence_store.limits import human_bytes, human_seconds

    with tempfile.TemporaryDirectory(prefix=".sgpack-bounded-", dir=scratch) as folder:
        work, result = Path(folder) / "work.pickle", Path(folder) / "result.pickle"
        with open(work, "xb") as handle:
            pickle.dump((func, args), handle, protocol=pickle.HIGHEST_PROTOCOL)
        child = multiprocessing.get_context("spawn").Process(target=_child, args=(str(work), str(result), memory),
                                                             daemon=True)
        child.start()
        child.join(seconds)
        if child.is_alive():
            child.kill()
            child.join()
            raise OutOfBounds(f"{what} took longer than {human_seconds(seconds)}")
        if child.exitcode == _MEMORY_EXIT:
            raise OutOfBounds(f"{what} needed more than {human_bytes(memory)}")
        if child.exitcode != 0 or not result.is_file():
            raise OutOfBounds(f"{what} stopped unexpectedly (exit code {child.exitcode})")
        with open(result, "rb") as handle:
            ok, value = pickle.load(handle)
    if not ok:
        raise value
    return value


def _child(work: str, result: str, memory: int) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):   # no RLIMIT_AS here: the time limit still holds
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        with open(work, "rb") as handle:
            func, args = pickle.load(handle)
        os.unlink(work)
        outcome = (True, func(*args))
    except MemoryError:
        os._exit(_MEMORY_EXIT)
    except Exception as exc:  # noqa: BLE001 - raised again in the parent, where it is reported
        outcome = (False, exc)
    try:
        with open(result, "xb") as handle:
            pickle.dump(outcome, handle, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        os._exit(_MEMORY_EXIT)
