"""Coverage-guided fuzzing of the evidence readers with atheris (on demand, not in CI).

    pip install atheris
    python tests/security/fuzz_readers.py -atheris_runs=20000            # or -max_total_time=600
    python tests/security/fuzz_readers.py crash-<sha>                    # replay one crash file

The property: a reader either returns a ReadResult or raises `Unreadable`; anything else (KeyError,
RecursionError, a hang, a crash) is a bug. The first input byte picks the format, the rest is the
file. Each crash found goes, as a hex string, into CRASHES in test_fuzz_replay.py.
Without atheris the script says so and exits 0.
"""
from __future__ import annotations

import contextlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

FORMATS = ("pdf", "docx", "xlsx", "csv", "md", "txt", "eml", "png", "jpg")


def read_one(fmt: str, data: bytes) -> None:
    """Run one reader on `data`; only Unreadable may escape."""
    from evidence_store.limits import Limits
    from evidence_store.readers import READERS, Unreadable

    with contextlib.suppress(Unreadable):
        READERS[fmt](data, _LIMITS)


_LIMITS = None


def test_one_input(data: bytes) -> None:
    """The atheris entry point: first byte = format, the rest = the file."""
    if not data:
        return
    read_one(FORMATS[data[0] % len(FORMATS)], data[1:])


def main() -> int:
    global _LIMITS
    try:
        import atheris
    except ImportError:
        print("atheris is not installed (pip install atheris); nothing fuzzed")
        return 0
    from evidence_store.limits import Limits

    # small caps keep each run fast; the limits are part of what is under test
    _LIMITS = Limits(max_file_bytes=1 << 20, max_zip_total=8 << 20, max_xml_bytes=8 << 20, max_text_chars=100_000,
                     max_xlsx_rows=2_000, max_csv_rows=2_000, max_pdf_pages=50)
    import evidence_store.readers  # noqa: F401
    atheris.instrument_all()                     # every Python function loaded so far, readers included
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
else:
    from evidence_store.limits import Limits as _L

    _LIMITS = _L(max_file_bytes=1 << 20, max_zip_total=8 << 20, max_xml_bytes=8 << 20, max_text_chars=100_000,
                 max_xlsx_rows=2_000, max_csv_rows=2_000, max_pdf_pages=50)
