"""Read PDF, DOCX and XLSX files in child processes with a time limit and a memory limit.

A file that loops, balloons or crashes its parser (PDFium is C++) costs one child process, is
reported as unreadable, and the scan goes on. The same children make the exhibit documents
(evidence_store.shown.documents) of PDF, DOCX, XLSX, PNG and JPEG files, and read trackers' grids
(evidence_store.grid.read_grid) of XLSX, XLSM and DOCX files, under the same limits. The children are plain
`python -c` processes talking over two pipes: no sockets, no temporary files, nothing inherited but
the pipes. They are started on first need, reused for every file of the scan (and later scans in the
same process), and replaced when one is killed for a time-out or dies. Over 400 lines because the child's
side of the pipe protocol and the parent's pool of children are kept together, so the two cannot drift apart.
"""
from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib
import os
import signal
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import Connection, wait

from .document import Document
from .limits import Limits, human_bytes, human_seconds, reader_process_count
from .readers.base import ReadResult

ISOLATED = frozenset({"pdf", "docx", "xlsx"})       # formats parsed by third-party code that has looped or crashed
# ... and, for a document, the images too: Pillow decodes and resamples their pixels
DOCUMENT_ISOLATED = ISOLATED | {"png", "jpg", "jpeg"}
GRID_ISOLATED = frozenset({"xlsx", "xlsm", "docx"})  # a tracker's grid: the same parsers
_QUEUE_FILES = 16                                    # files read ahead while every child is busy
_QUEUE_BYTES = 64 * 2**20                            # ... and their bytes held in memory at most
_BATCH_FILES = 8                                     # files sent to a child in one message
_BATCH_BYTES = 8 * 2**20                             # ... unless they are this big already
_STARTUP_SECONDS = 60.0                              # a child's own start-up (imports), before any file's clock
_PRELOAD = ("pypdfium2", "lxml.etree", "openpyxl")

# The child imports only this module and the readers: the package is registered without running its
# __init__ (pydantic models, the walk), which keeps a child's start-up near 0.1 s.
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_CHILD_CODE = ("import sys, types; package = types.ModuleType('evidence_store'); "
               "package.__path__ = [sys.argv[1]]; sys.modules['evidence_store'] = package; "
               "from evidence_store.isolate import child_main; child_main()")


@dataclass
class Outcome:
    """What reading one file gave: a result (a Document, or a grid's plain form, when one was asked for), or the
    one-line reason it could not be read."""
    result: ReadResult | Document | dict | None = None
    reason: str | None = None
    status: str = "unreadable"       # the item's status when there is a reason
    size: int = 0
    sha256: str = ""
    transient: bool = False          # time, memory or a crash here and now: not a fact about the bytes (never cached)
    cached: bool = False             # taken from the evidence cache (nothing to store)


# ------------------------------------------------------------------------------------------ child

def child_main() -> None:
    """The child: set the memory limit, then read batches of (format, bytes, limits, mode), replying once
    per file as each is done (so the parent times each file, not the batch), until told to stop. Mode
    "read" reads the file (READERS), "document" makes its document (document_reader), "grid" reads a tracker's
    grid (grid_reader)."""
    read_fd, write_fd, memory = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    # no RLIMIT_AS on this system: the time limit still holds
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    inbox, outbox = Connection(read_fd, writable=False), Connection(write_fd, readable=False)
    # openpyxl imports numpy when it can (0.3 s) for writing numpy values; reading never needs it
    sys.modules.setdefault("numpy", None)  # type: ignore[arg-type]
    # openpyxl registers MIME types at import, which makes `mimetypes` read /etc/mime.types and
    # friends; a reader needs none of them, and a child opens nothing but its own modules
    import mimetypes

    mimetypes.knownfiles = []
    mimetypes.init()
    from .readers import READERS, Unreadable
    from .readers.base import one_line
    for module in _PRELOAD:                      # import once, before the first file's clock starts
        with contextlib.suppress(Exception):  # noqa: BLE001 - the reader that needs it will say so
            __import__(module)
    outbox.send(("ready", None))

    while True:
        try:
            batch = inbox.recv()
        except (EOFError, OSError):
            return
        except MemoryError:
            outbox.send(("memory", None))
            return
        if batch is None:
            return
        while batch:
            fmt, data, limits, mode = batch.pop(0)
            try:
                read = (READERS[fmt] if mode == "read" else grid_reader(fmt) if mode == "grid"
                        else document_reader(fmt))
                reply = ("ok", read(data, limits))
            except Unreadable as exc:
                reply = ("unreadable", one_line(str(exc), 300))
            except MemoryError:
                reply = ("memory", None)
            except Exception as exc:  # noqa: BLE001 - a reader must never stop the run
                reply = ("unreadable", one_line(f"could not be read ({type(exc).__name__}: {exc})", 300))
            del data
            try:
                outbox.send(reply)
            except MemoryError:
                outbox.send(("memory", None))
                return
            if reply[0] == "memory":             # a heap that hit the cap is not trusted with the next file
                return


# ------------------------------------------------------------------------------------------ parent

_Task = tuple[object, str, bytes, Limits, str]      # key, format, bytes, limits, mode ("read", "document", "grid")


class _Worker:
    def __init__(self, memory: int):
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _CHILD_CODE, _PACKAGE_DIR, str(to_child_r), str(from_child_w),
                 str(memory)],
                pass_fds=(to_child_r, from_child_w), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, close_fds=True)
        except BaseException:
            for fd in (to_child_r, to_child_w, from_child_r, from_child_w):
                os.close(fd)
            raise
        os.close(to_child_r)
        os.close(from_child_w)
        self.outbox = Connection(to_child_w, readable=False)
        self.inbox = Connection(from_child_r, writable=False)
        self.tasks: deque[_Task] = deque()       # the batch in hand; the first is being read now
        self.deadline = 0.0
        self.ready = False                       # the child has started and imported its readers

    @property
    def busy(self) -> bool:
        return bool(self.tasks)

    def start_clock(self) -> None:
        allowance = self.tasks[0][3].read_seconds + (0.0 if self.ready else _STARTUP_SECONDS)
        self.deadline = time.monotonic() + allowance

    def stop(self, *, kill: bool = False) -> None:
        if not kill and self.process.poll() is None:
            try:
                self.outbox.send(None)
                self.process.wait(timeout=2)
            except (OSError, ValueError, subprocess.TimeoutExpired):
                kill = True
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for conn in (self.outbox, self.inbox):
            with contextlib.suppress(OSError):
                conn.close()


class ReaderPool:
    """A few child processes, each reading one file at a time, with per-file time and memory limits.

    `submit` queues a file and returns at once (the caller reads other formats meanwhile); idle
    children are handed small batches from the queue, so a file costs no round trip of its own.
    `finished` and `drain` return (key, Outcome) pairs in the order they completed; the caller
    stores them by key, so results never depend on the order of completion. A child killed for
    time, or dying, costs only the file it was reading: the rest of its batch is queued again."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.size = reader_process_count(limits)
        self.workers: list[_Worker] = []
        self.done: list[tuple[object, Outcome]] = []
        self.queue: deque[_Task] = deque()
        self.queued_bytes = 0
        self.owner = os.getpid()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    @property
    def pending(self) -> bool:
        return bool(self.queue) or any(w.busy for w in self.workers)

    def matches(self, limits: Limits) -> bool:
        return (os.getpid() == self.owner and limits.read_memory == self.limits.read_memory
                and reader_process_count(limits) == self.size)

    def submit(self, key: object, fmt: str, data: bytes, limits: Limits, *, mode: str = "read") -> None:
        """Queue a file to read (mode "read"), to make a document of ("document") or to read as a tracker's grid
        ("grid"). Blocks only while too many files (or bytes) wait for a child."""
        self.queue.append((key, fmt, data, limits, mode))
        self.queued_bytes += len(data)
        self._dispatch()
        while len(self.queue) > _QUEUE_FILES or self.queued_bytes > _QUEUE_BYTES:
            self._collect(None)
            self._dispatch()

    def start(self, count: int) -> None:
        """Start up to `count` children before they have files to read, so their start-up (an interpreter and
        the readers' libraries) runs while the caller does other work."""
        self.workers = [w for w in self.workers if w.busy or w.process.poll() is None]
        while len(self.workers) < min(count, self.size):
            self.workers.append(_Worker(self.limits.read_memory))

    def finished(self) -> list[tuple[object, Outcome]]:
        """Results that came in so far (without waiting)."""
        self._collect(0)
        self._dispatch()
        done, self.done = self.done, []
        return done

    def drain(self) -> list[tuple[object, Outcome]]:
        """Wait for every file queued or in hand."""
        self._dispatch()
        while self.pending:
            self._collect(None)
            self._dispatch()
        done, self.done = self.done, []
        return done

    def close(self) -> None:
        for worker in self.workers:
            worker.stop(kill=worker.busy)
        self.workers = []
        self.queue.clear()
        self.queued_bytes = 0

    # -- internals

    def _dispatch(self) -> None:
        """Hand queued files to idle children in batches, starting children up to the pool size."""
        while self.queue:
            self.workers = [w for w in self.workers if w.busy or w.process.poll() is None]
            worker = next((w for w in self.workers if not w.busy), None)
            if worker is None:
                if len(self.workers) >= self.size:
                    return
                worker = _Worker(self.limits.read_memory)
                self.workers.append(worker)
            # share the queue among the children that are free, a few files (or bytes) at a time
            share = max(1, min(_BATCH_FILES, -(-len(self.queue) // self.size)))
            size = 0
            while self.queue and len(worker.tasks) < share and (not worker.tasks or size < _BATCH_BYTES):
                task = self.queue.popleft()
                self.queued_bytes -= len(task[2])
                size += len(task[2])
                worker.tasks.append(task)
            worker.start_clock()
            try:
                worker.outbox.send([(fmt, data, limits, mode) for _, fmt, data, limits, mode in worker.tasks])
            except OSError:                      # the child died before taking the files
                self._died(worker)

    def _collect(self, timeout: float | None) -> None:
        """Take in replies; kill a child past its file's deadline. `timeout` None: wait for an event."""
        busy = [w for w in self.workers if w.busy]
        if not busy:
            return
        wait_for = max(0.0, min(w.deadline for w in busy) - time.monotonic())
        if timeout is not None:
            wait_for = min(wait_for, timeout)
        ready = wait([w.inbox for w in busy], timeout=wait_for)
        for worker in busy:
            while worker.busy and worker.inbox in ready:
                try:
                    kind, value = worker.inbox.recv()
                except (EOFError, OSError):
                    self._died(worker)
                    break
                except MemoryError:
                    kind, value = "memory", None
                limits = worker.tasks[0][3]
                if kind == "ready":
                    worker.ready = True
                    worker.start_clock()
                elif kind == "ok":
                    self._finish(worker, Outcome(result=value))
                elif kind == "memory":
                    self._finish(worker, Outcome(reason=f"needed more than {human_bytes(limits.read_memory)} to read",
                                                 transient=True))
                    self._retire(worker)
                    break
                else:
                    self._finish(worker, Outcome(reason=value))
                if not worker.busy or not worker.inbox.poll():
                    break
            if worker.busy and worker.inbox not in ready and time.monotonic() >= worker.deadline:
                limits = worker.tasks[0][3]
                if worker.ready:
                    self._finish(worker, Outcome(reason=f"took longer than {human_seconds(limits.read_seconds)} to read",
                                                 transient=True))
                else:
                    self._finish(worker, Outcome(reason="reader did not start", transient=True))
                self._retire(worker)

    def _died(self, worker: _Worker) -> None:
        try:
            code = worker.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.stop(kill=True)
            code = worker.process.returncode
        if code is not None and code < 0:
            try:
                how = signal.Signals(-code).name
            except ValueError:
                how = f"signal {-code}"
        else:
            how = f"exit code {code}"
        self._finish(worker, Outcome(reason=f"reader crashed ({how})", transient=True))
        self._retire(worker)

    def _retire(self, worker: _Worker) -> None:
        """Kill the child; the files of its batch not yet read go back to the front of the queue."""
        worker.stop(kill=True)
        while worker.tasks:
            task = worker.tasks.pop()
            self.queue.appendleft(task)
            self.queued_bytes += len(task[2])
        self.workers = [w for w in self.workers if w is not worker]

    def _finish(self, worker: _Worker, outcome: Outcome) -> None:
        key = worker.tasks.popleft()[0]
        self.done.append((key, outcome))
        if worker.tasks:
            worker.start_clock()


_POOL: ReaderPool | None = None


def give_back() -> None:
    """Return the memory the heap holds free to the system (glibc's malloc_trim; elsewhere nothing)."""
    with contextlib.suppress(OSError, AttributeError, TypeError):
        ctypes.CDLL(None).malloc_trim(0)          # this process's own symbols: no library is looked for


def pool_for(limits: Limits) -> ReaderPool:
    """The process-wide pool for these limits (children are reused from scan to scan)."""
    global _POOL
    if _POOL is None or not _POOL.matches(limits):
        if _POOL is not None and _POOL.owner == os.getpid():
            _POOL.close()
        _POOL = ReaderPool(limits)
    return _POOL


@atexit.register
def close_readers() -> None:
    """Stop the reader processes (a later scan starts new ones). A build calls this once its check is done:
    the children would otherwise keep the memory they read with until sgpack exits."""
    if _POOL is not None and _POOL.owner == os.getpid():
        _POOL.close()


# ------------------------------------------------------------------------------------------ documents

_DOCUMENT_MODULES = {"docx": "docx", "pdf": "pdf", "md": "markdown", "markdown": "markdown", "txt": "text",
                     "csv": "csv", "xlsx": "xlsx", "eml": "email", "png": "image", "jpg": "image", "jpeg": "image"}


def document_reader(fmt: str) -> Callable[[bytes, Limits], Document] | None:
    """The function making a document of a file of this format (lower-case extension), or None."""
    name = _DOCUMENT_MODULES.get(fmt)
    if name is None:
        return None
    module = importlib.import_module(f".readers.{name}", __package__)
    if name == "image":
        return partial(module.document, kind="png" if fmt == "png" else "jpeg")
    return module.document


# ------------------------------------------------------------------------------------------ grids

_GRID_MODULES = {"xlsx": "xlsx", "xlsm": "xlsx", "docx": "docx", "csv": "csv"}


def grid_reader(fmt: str) -> Callable[[bytes, Limits], dict] | None:
    """The function reading a tracker of this format (lower-case extension) into a Book's plain form
    (evidence_store.grid), or None."""
    name = _GRID_MODULES.get(fmt)
    if name is None:
        return None
    module = importlib.import_module(f".readers.{name}", __package__)
    return partial(module.grid, kind=fmt) if name == "xlsx" else module.grid
