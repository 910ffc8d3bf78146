"""Caps on what one evidence file may cost to read (bytes, zip contents, text, rows, time, memory)."""
from __future__ import annotations

from dataclasses import dataclass, fields

MB = 2**20
GB = 2**30


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 100 * MB          # any evidence file; larger ones are unreadable
    max_zip_total: int = 200 * MB           # docx/xlsx: declared (and streamed) uncompressed total
    max_zip_entries: int = 10_000           # docx/xlsx: members in the archive
    max_zip_ratio: float = 200.0            # docx/xlsx: uncompressed/compressed, per member and overall
    max_xml_bytes: int = 100 * MB           # docx: word/document.xml streamed under this cap
    max_text_chars: int = 5_000_000         # extracted text kept per item (the rest is dropped, and said so)
    max_xlsx_rows: int = 200_000            # rows read from a workbook (all sheets together)
    max_csv_rows: int = 200_000             # records read from a CSV file
    max_columns: int = 1_000                # cells kept per table row
    max_pdf_pages: int = 10_000             # pages read from a PDF
    max_meta_bytes: int = 5 * MB            # evidence.yaml and sidecars
    max_depth: int = 64                     # folder nesting
    max_name_bytes: int = 255               # one file or folder name, UTF-8 bytes (NAME_MAX)
    max_path_bytes: int = 4096              # a relative path, UTF-8 bytes (PATH_MAX)
    read_seconds: float = 20.0              # PDF/DOCX/XLSX: wall time to read one file (child process)
    read_memory: int = 1 * GB               # PDF/DOCX/XLSX: address space of the child reading it
    reader_processes: int = 0               # child processes reading PDF/DOCX/XLSX; 0 = one per core, at most 4;
    #                                         -1 = read in this process (no time or memory limit; tests only)
    join_seconds: float = 900.0             # the CQC bundle: wall time to join its pages (a child process)
    join_memory: int = 4 * GB               # ... and the address space of that child


DEFAULT_LIMITS = Limits()

_DESCRIPTIONS = {
    "max_file_bytes": "largest evidence file read",
    "max_zip_total": "DOCX/XLSX: total uncompressed size",
    "max_zip_entries": "DOCX/XLSX: entries in the zip",
    "max_zip_ratio": "DOCX/XLSX: compression ratio",
    "max_xml_bytes": "DOCX: size of word/document.xml",
    "max_text_chars": "text kept per file",
    "max_xlsx_rows": "rows read from a workbook",
    "max_csv_rows": "rows read from a CSV file",
    "max_columns": "columns kept per row",
    "max_pdf_pages": "pages read from a PDF",
    "max_meta_bytes": "evidence.yaml and sidecar size",
    "max_depth": "folder nesting",
    "max_name_bytes": "file name length",
    "max_path_bytes": "path length",
    "read_seconds": "time to read one PDF/DOCX/XLSX",
    "read_memory": "memory to read one PDF/DOCX/XLSX",
    "reader_processes": "processes reading PDF/DOCX/XLSX",
    "join_seconds": "time to join the pages of a PDF bundle",
    "join_memory": "memory to join the pages of a PDF bundle",
}


def human_bytes(n: int) -> str:
    """'100 MB' for the messages users see."""
    if n >= GB and n % GB == 0:
        return f"{n // GB} GB"
    if n >= MB and n % MB == 0:
        return f"{n // MB} MB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n} bytes"


def human_seconds(s: float) -> str:
    return f"{s:g} s"


def describe_limits(limits: Limits | None = None) -> list[tuple[str, str]]:
    """(what, value) for each limit, in a stable order, for `sgpack evidence --limits` and the README."""
    limits = limits or DEFAULT_LIMITS
    rows = []
    for f in fields(Limits):
        value = getattr(limits, f.name)
        if f.name.endswith(("_bytes", "_total", "_memory")):
            shown = human_bytes(value) if f.name not in ("max_name_bytes", "max_path_bytes") else f"{value} bytes"
        elif f.name.endswith("_seconds"):
            shown = human_seconds(value)
        elif f.name == "max_zip_ratio":
            shown = f"{value:g}:1"
        elif f.name == "reader_processes":
            shown = ("in this process (no time or memory limit)" if value < 0
                     else f"{reader_process_count(limits)} (one per core, at most 4)" if value == 0 else str(value))
        else:
            shown = f"{value:,}"
        rows.append((_DESCRIPTIONS.get(f.name, f.name), shown))
    return rows


def reader_process_count(limits: Limits) -> int:
    """How many child processes read PDF/DOCX/XLSX files (0 = read in this process)."""
    import os

    if limits.reader_processes < 0:
        return 0
    if limits.reader_processes > 0:
        return limits.reader_processes
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(4, cores))
