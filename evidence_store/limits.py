"""Caps on what one evidence file may cost to read (bytes, zip contents, text, rows)."""
from __future__ import annotations

from dataclasses import dataclass

MB = 2**20


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


DEFAULT_LIMITS = Limits()


def human_bytes(n: int) -> str:
    """'100 MB' for the messages users see."""
    if n >= MB and n % MB == 0:
        return f"{n // MB} MB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n} bytes"
