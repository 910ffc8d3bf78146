"""Crash inputs for the evidence readers, replayed on every run (found by fuzz_readers.py, or made by hand).

Each entry is (format, hex of the file, why it is here). The property is the fuzzer's: a reader
returns a result or raises Unreadable, never anything else; and the scan reports the file.
"""
from __future__ import annotations

import importlib.util
import zlib
from pathlib import Path

import pytest

from evidence_store import Limits, scan

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("fuzz_readers", HERE / "fuzz_readers.py")
fuzz_readers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz_readers)

CRASHES: list[tuple[str, str, str]] = [
    ("pdf", b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 1 0 R >>\nendobj\ntrailer << /Root 1 0 R >>\n".hex(),
     "catalog that is its own page tree, no xref"),
    ("pdf", b"%PDF-".hex(), "header only"),
    ("pdf", (b"%PDF-1.4\n1 0 obj << /Length 99999999999 >> stream\n" + b"\x00" * 64).hex(), "absurd /Length"),
    ("docx", b"PK\x05\x06".hex() + "00" * 18, "empty zip: end-of-directory record only"),
    ("docx", b"PK\x03\x04\x14\x00\x00\x00\x08\x00".hex() + "ff" * 40, "local header then garbage"),
    ("xlsx", b"PK\x05\x06".hex() + "00" * 18, "empty zip named .xlsx"),
    ("csv", b'"a\n\x00,"",\r\r"'.hex(), "NUL and an unterminated quote"),
    ("csv", b"\xef\xbb\xbf\xff\xfe".hex(), "BOM then invalid UTF-8"),
    ("eml", b"From: =?utf-8?q?=FF?=\nSubject: =?x-unknown?b?AAAA?=\nContent-Type: multipart/mixed; boundary=\n\n--\n".hex(),
     "undecodable encoded words and an empty boundary"),
    ("md", b"---\n- [\n---\n".hex(), "front matter that is not a mapping and not valid YAML"),
    ("md", b"---\na: &x [*x]\n---\n".hex(), "front matter with an alias"),
    ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xff\xff\xff".hex(), "IHDR cut short"),
    ("jpg", b"\xff\xd8\xff\xc0\x00\x02".hex(), "SOF with a length shorter than its header"),
    ("jpg", b"\xff\xd8\xff".hex(), "marker at EOF"),
    ("pdf", (b"%PDF-1.4\n4 0 obj << /Length 20 /Filter /FlateDecode >> stream\n"
             + zlib.compress(b" " * 1000)[:10] + b"\nendstream endobj\n").hex(), "truncated deflate stream"),
]


@pytest.mark.parametrize("fmt, hexdata, why", CRASHES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CRASHES)])
def test_reader_raises_only_unreadable(fmt, hexdata, why):
    fuzz_readers.read_one(fmt, bytes.fromhex(hexdata))


@pytest.mark.parametrize("processes", [-1, 1], ids=["in-process", "child-process"])
def test_scan_reports_every_crash_input(tmp_path, processes):
    for n, (fmt, hexdata, _) in enumerate(CRASHES):
        (tmp_path / f"{n:02}.{fmt}").write_bytes(bytes.fromhex(hexdata))
    items = scan(tmp_path, limits=Limits(reader_processes=processes)).items
    assert len(items) == len(CRASHES)
    assert all(i.status in ("ok", "unreadable") for i in items)
    assert all(i.reason for i in items if i.status == "unreadable")
    assert not [i for i in items if i.reason and i.reason.startswith(("reader crashed", "could not be read ("))], \
        [(i.path, i.reason) for i in items]


def test_harness_runs_without_atheris():
    """`python tests/security/fuzz_readers.py` without atheris says so and exits 0 (atheris is optional)."""
    import subprocess
    import sys

    code = ("import sys, builtins; real = builtins.__import__\n"
            "def fake(name, *a, **k):\n"
            "    if name == 'atheris': raise ImportError(name)\n"
            "    return real(name, *a, **k)\n"
            "builtins.__import__ = fake\n"
            f"sys.argv = ['fuzz_readers.py']; exec(open({str(HERE / 'fuzz_readers.py')!r}).read(), "
            "{'__name__': '__main__', '__file__': " + repr(str(HERE / "fuzz_readers.py")) + "})")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0 and "atheris is not installed" in run.stdout, run.stderr
