"""A build reads evidence content only through the readers, under their limits: no other code of the build
process hands an evidence file's bytes (or its text) to a parsing library. Proved by watching every parser
entry point while the CQC pack (the one that shows every exhibit) is built from the bundled example."""
from __future__ import annotations

import datetime as dt
import email
import inspect
import io
import zipfile
from pathlib import Path

import pytest

from compiler import pipeline

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples"
AS_OF = dt.date(2026, 11, 20)
READERS = "evidence_store.readers"


def evidence_contents() -> tuple[set[bytes], list[str]]:
    files = [p for p in (EXAMPLE / "evidence").rglob("*") if p.is_file()]
    raw = {p.read_bytes() for p in files}
    texts = []
    for data in raw:
        try:
            texts.append(data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            pass
    return raw, texts


def content_of(value: object) -> bytes | str | None:
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    if isinstance(value, str):
        return value
    if isinstance(value, (io.BytesIO, io.StringIO)):
        return value.getvalue()
    if isinstance(value, Path) or (isinstance(value, str) and Path(value).is_file()):
        try:
            return Path(value).read_bytes()
        except OSError:
            return None
    return None


class Watch:
    """Records each call into a parser whose input is an evidence file's content, and who made it."""

    def __init__(self) -> None:
        self.raw, self.texts = evidence_contents()
        self.outside: list[str] = []
        self.inside = 0

    def is_evidence(self, value: object) -> bool:
        got = content_of(value)
        if isinstance(got, bytes):
            return got in self.raw
        if isinstance(got, str) and len(got.strip()) >= 40:
            return any(got.strip() in text for text in self.texts)
        return False

    def wrap(self, name: str, real):  # noqa: ANN001, ANN201
        watch = self

        def spy(*args, **kwargs):
            if any(watch.is_evidence(v) for v in (*args, *kwargs.values())):
                modules = [f.frame.f_globals.get("__name__", "") for f in inspect.stack()[1:]]
                if any(m.startswith(READERS) for m in modules):
                    watch.inside += 1
                else:
                    watch.outside.append(f"{name} called from {modules[0]}")
            return real(*args, **kwargs)
        return spy


@pytest.fixture()
def watch(monkeypatch):
    import markdown_it
    import openpyxl
    import pikepdf
    import pypdfium2
    from PIL import Image

    w = Watch()
    for owner, attr in [(zipfile, "ZipFile"), (email, "message_from_bytes"), (openpyxl, "load_workbook"),
                        (pypdfium2, "PdfDocument"), (pikepdf, "open"), (Image, "open")]:
        monkeypatch.setattr(owner, attr, w.wrap(f"{owner.__name__}.{attr}", getattr(owner, attr)))
    real_parse = markdown_it.MarkdownIt.parse
    monkeypatch.setattr(markdown_it.MarkdownIt, "parse",
                        lambda self, src, env=None: w.wrap("MarkdownIt.parse", real_parse)(self, src, env))
    real_pdf_open = pikepdf.Pdf.open
    monkeypatch.setattr(pikepdf.Pdf, "open", w.wrap("pikepdf.Pdf.open", real_pdf_open))
    return w


def test_a_cqc_build_parses_evidence_only_in_the_readers(watch, tmp_path):
    folder, _ = pipeline.build([EXAMPLE / "plans"], EXAMPLE / "evidence", "cqc", as_of=AS_OF, out=tmp_path / "cqc")
    assert (folder / "cqc-pack.pdf").is_file() and (folder / "cqc-pack.docx").is_file()
    assert watch.outside == []
    assert watch.inside > 0            # the watch sees the readers that run in this process (Markdown, e-mail)


def test_the_watch_sees_a_parser_called_outside_the_readers(watch):
    """The watch itself: evidence bytes handed to a parser by any other code are reported."""
    note = next((EXAMPLE / "evidence").rglob("*.eml"))
    email.message_from_bytes(note.read_bytes())
    assert watch.outside and "email.message_from_bytes" in watch.outside[0]
