"""The CQC pack's exhibits: each original copied into exhibits/ and shown in the bundle as its own pages (a PDF,
joined as it is) or as pages laid out from the document its reader made; a notice page when it cannot be shown.

The readers parse each file under the evidence limits (evidence_store.shown.documents); this module only
decides what each exhibit becomes and keeps that in the cache by the file's SHA-256, its format and the
title its pages print, so a rebuild lays out only the exhibits that changed.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.packs import output
from compiler.packs.job import BuildJob
from compiler.render.exhibits import ExhibitError, render_document
from compiler.render.pdf.bundle import ExhibitInput, original
from compiler.render.pdf.notice import notice_pdf
from compiler.views.cqc import CqcView
from evidence_store.document import Document, PdfFacts
from evidence_store.shelf import Shelf, code_version, inputs_key
from evidence_store.shown import Unshown, documents

KIND = "exhibit"
BATCH_BYTES = 32 * 2**20            # evidence handed to the readers at once: they work in parallel, within bounds
PDF_NOTE = "PDF exhibit included as it is"


@dataclass(frozen=True)
class Shown:
    """What an exhibit becomes: its laid-out pages, or (pdf None) a PDF original with its facts, or (reason) a
    file that cannot be shown, which a notice page stands in for."""
    pdf: bytes | None = None
    pages: int = 0
    note: str | None = None
    facts: PdfFacts | None = None
    reason: str | None = None


def exhibit_inputs(job: BuildJob, view: CqcView, pages: Path | None = None) -> list[ExhibitInput]:
    """Copy each original into exhibits/ and show it as pages. `pages`: a folder for the pages laid out here,
    so they are read when the bundle is joined rather than held in memory (None: held)."""
    shelf: Shelf[Shown] = Shelf(job.cache, KIND, renderer_version())
    exhibits = list(zip(job.pack.exhibits, view.exhibits))
    keys = [inputs_key(e.sha256, e.format.lower(), e.title) for e, _ in exhibits]
    shown: list[Shown | None] = [shelf.find(key, _read) for key in keys]
    batch: list[tuple[int, bytes]] = []

    def show_batch() -> None:
        made = documents([(exhibits[i][0].format, data) for i, data in batch], job.limits)
        for (i, data), doc in zip(batch, made):
            shown[i] = _show(doc, exhibits[i][0].title)
            if not (isinstance(doc, Unshown) and doc.transient):     # a time-out here says nothing of the file
                shelf.keep(keys[i], *_write(shown[i]))
        batch.clear()

    for i, (exhibit, _row) in enumerate(exhibits):
        try:
            data = output.read_evidence(job.evidence_root, exhibit.path, exhibit.sha256)
        except output.EvidenceChanged as exc:    # a notice stands in, and no copy: the pack holds only hashed bytes
            shown[i] = Shown(pdf=notice_pdf(exhibit.number, exhibit.title, exc.notice), pages=1, note=exc.notice)
            continue
        job.write(f"exhibits/{exhibit.file_name}", data)
        if shown[i] is None:
            batch.append((i, data))
            if sum(len(d) for _, d in batch) >= BATCH_BYTES:
                show_batch()
    if batch:
        show_batch()
    return [_input(job, exhibit, row, one, pages) for (exhibit, row), one in zip(exhibits, shown)]


def _show(doc: Document | Unshown, title: str) -> Shown:
    if isinstance(doc, str):
        return Shown(reason=str(doc))
    if doc.pdf is not None:
        return Shown(pages=doc.pdf.pages, note=PDF_NOTE, facts=doc.pdf)
    try:
        rendered = render_document(doc, title=title)
    except ExhibitError as exc:
        return Shown(reason=str(exc))
    return Shown(pdf=rendered.pdf, pages=rendered.pages, note=rendered.note)


def _input(job: BuildJob, exhibit, row, shown: Shown, pages: Path | None) -> ExhibitInput:  # noqa: ANN001 - an Exhibit, its row
    if shown.reason is not None:
        reason = (f"This exhibit could not be shown as pages ({shown.reason}); "
                  f"the original is in exhibits/{exhibit.file_name}.")
        return ExhibitInput(row=row, pdf=notice_pdf(exhibit.number, exhibit.title, reason), pages=1, note=shown.reason)
    if shown.facts is not None:          # its pages are read from the pack's own copy when they are joined
        return original(row, shown.facts, path=job.stage / "exhibits" / exhibit.file_name, note=shown.note)
    if pages is None:
        return ExhibitInput(row=row, pdf=shown.pdf, pages=shown.pages, note=shown.note)
    path = pages / f"{exhibit.number}.pdf"
    with open(path, "xb") as handle:
        handle.write(shown.pdf)
    return ExhibitInput(row=row, pdf=None, path=path, pages=shown.pages, note=shown.note)


def _write(shown: Shown) -> tuple[dict[str, Any], bytes | None]:
    if shown.reason is not None:
        return {"error": shown.reason}, None
    facts = shown.facts
    value: dict[str, Any] = {"pages": shown.pages, "note": shown.note, "original": facts is not None}
    if facts is not None:
        value["facts"] = [facts.pages, facts.qpdf_pages, facts.qpdf_reason, facts.signed]
    return value, shown.pdf


def _read(value: dict, pdf: bytes | None) -> Shown:
    """What the cache kept for an exhibit (ValueError: a damaged entry)."""
    if value.get("error") is not None:
        return Shown(reason=str(value["error"]))
    note = value.get("note")
    note = note if isinstance(note, str) else None
    if type(value["pages"]) is not int or value["pages"] < 1:
        raise ValueError("pages")
    if value.get("original"):
        pages, qpdf_pages, qpdf_reason, signed = value["facts"]
        if not (type(pages) is int and (qpdf_pages is None or type(qpdf_pages) is int)
                and (qpdf_reason is None or isinstance(qpdf_reason, str)) and isinstance(signed, bool)):
            raise ValueError("facts")
        return Shown(pages=value["pages"], note=note, facts=PdfFacts(pages, qpdf_pages, qpdf_reason, signed))
    if not isinstance(pdf, bytes):
        raise ValueError("pdf")
    return Shown(pdf=pdf, pages=value["pages"], note=note)


def renderer_version() -> str:
    """The code that decides what an exhibit becomes: this module, the readers and the renderer it imports."""
    import sys

    return code_version(sys.modules[__name__], libraries=("reportlab", "pillow", "pikepdf", "pypdfium2"))
