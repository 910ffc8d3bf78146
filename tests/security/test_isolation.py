"""PDF/DOCX/XLSX are read in child processes: a file that loops, balloons or crashes is unreadable, the run goes on."""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest
from hostile import docx_bytes, many_paragraphs_docx, pdf_bytes, write, xlsx_bytes

from evidence_store import Limits, describe_limits, isolate, scan

# Let the big fixtures past the zip and text caps so that only the limit under test can stop them.
OPEN = dict(max_zip_ratio=1e9, max_zip_total=2**31, max_xml_bytes=2**31, max_text_chars=10**9)


def statuses(catalogue):
    return {i.path: (i.status, i.reason) for i in catalogue.items}


@pytest.fixture
def mixed(folder):
    write(folder / "a.pdf", pdf_bytes(["RP-01 page one", "page two"], title="Audit"))
    write(folder / "b.docx", docx_bytes(["RP-01 supervision"], title="Supervision"))
    write(folder / "c.xlsx", xlsx_bytes({"s": [["period", "value"], ["2026-01", 3], ["2026-02", 4]]}))
    write(folder / "d.txt", "RP-01 notes")
    for n in range(12):
        write(folder / f"many/{n:02}.pdf", pdf_bytes([f"RP-01 file {n}"]))
    return folder


def test_results_are_the_same_in_child_processes_and_in_process(mixed):
    def dump(catalogue):
        return [(i.model_dump(mode="json"), i.text) for i in catalogue.items]

    inline = scan(mixed, ["RP-01"], limits=Limits(reader_processes=-1))
    for processes in (1, 2, 3):
        assert dump(scan(mixed, ["RP-01"], limits=Limits(reader_processes=processes))) == dump(inline)
    assert all(i.status == "ok" for i in inline.items)


def test_a_file_that_takes_too_long_is_unreadable_and_the_run_goes_on(folder):
    write(folder / "slow.docx", many_paragraphs_docx(40))
    write(folder / "z-after.docx", docx_bytes(["RP-01 read after the slow one"]))
    write(folder / "z-after.pdf", pdf_bytes(["RP-01 read after the slow one"]))
    started = time.monotonic()
    got = statuses(scan(folder, ["RP-01"], limits=Limits(**OPEN, read_seconds=0.5, reader_processes=1)))
    assert got == {"slow.docx": ("unreadable", "took longer than 0.5 s to read"),
                   "z-after.docx": ("ok", None), "z-after.pdf": ("ok", None)}
    assert time.monotonic() - started < 30


def test_a_file_that_needs_too_much_memory_is_unreadable(folder):
    write(folder / "big.docx", many_paragraphs_docx(40))        # ~200 MB of Python text objects
    write(folder / "small.pdf", pdf_bytes(["RP-01"]))
    got = statuses(scan(folder, ["RP-01"], limits=Limits(**OPEN, read_memory=150 * 2**20)))
    assert got == {"big.docx": ("unreadable", "needed more than 150 MB to read"), "small.pdf": ("ok", None)}


def test_a_reader_that_crashes_is_reported_and_the_run_goes_on(folder):
    """A real PDFium crash cannot be made to order: kill the child with SIGSEGV while it reads."""
    write(folder / "crash.docx", many_paragraphs_docx(40))
    write(folder / "z-after.pdf", pdf_bytes(["RP-01 fine"]))
    limits = Limits(**OPEN, read_seconds=120, reader_processes=1)
    stop = threading.Event()

    def crash_the_busy_child():
        while not stop.is_set():
            pool = isolate._POOL
            busy = [w for w in (pool.workers if pool else []) if w.busy and w.ready]
            if busy:
                time.sleep(0.2)
                os.kill(busy[0].process.pid, signal.SIGSEGV)
                return
            time.sleep(0.02)

    killer = threading.Thread(target=crash_the_busy_child)
    killer.start()
    try:
        got = statuses(scan(folder, ["RP-01"], limits=limits))
    finally:
        stop.set()
        killer.join()
    assert got == {"crash.docx": ("unreadable", "reader crashed (SIGSEGV)"), "z-after.pdf": ("ok", None)}


def test_children_are_reused_between_scans_and_replaced_when_killed(mixed):
    limits = Limits(reader_processes=2)
    scan(mixed, ["RP-01"], limits=limits)
    first = {w.process.pid for w in isolate._POOL.workers}
    scan(mixed, ["RP-01"], limits=limits)
    assert {w.process.pid for w in isolate._POOL.workers} == first
    for worker in isolate._POOL.workers:
        worker.process.kill()
        worker.process.wait()
    assert all(i.status == "ok" for i in scan(mixed, ["RP-01"], limits=limits).items)


def test_progress_counts_every_file_once_whatever_the_order_of_completion(mixed):
    calls = []
    catalogue = scan(mixed, ["RP-01"], progress=lambda done, total: calls.append((done, total)))
    total = len(catalogue.items)
    assert calls == [(n, total) for n in range(1, total + 1)]


def test_describe_limits_lists_every_limit_with_its_default():
    rows = dict(describe_limits())
    assert rows["time to read one PDF/DOCX/XLSX"] == "20 s"
    assert rows["memory to read one PDF/DOCX/XLSX"] == "1 GB"
    assert rows["largest evidence file read"] == "100 MB"
    assert rows["file name length"] == "255 bytes"
    assert len(rows) == len(Limits.__dataclass_fields__)
    assert dict(describe_limits(Limits(read_seconds=5)))["time to read one PDF/DOCX/XLSX"] == "5 s"
