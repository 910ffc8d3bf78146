"""The CQC pack: the paginated PDF bundle with every exhibit, the Word pack, and exhibits/ originals."""
from __future__ import annotations

from pathlib import Path

from compiler.packs.profiles import template_file
from compiler.writers import output
from compiler.writers.bundle import ExhibitInput, join, lay_out
from compiler.render.exhibits import ExhibitError, RenderedExhibit, render_exhibit
from compiler.writers.notice import notice_pdf
from compiler.writers.packs.job import BuildJob


EXHIBIT_RENDERER_VERSION = "1"   # bump when render_exhibit's pages change (the source hash catches edits too)


def exhibit_inputs(job: BuildJob) -> list[ExhibitInput]:
    """Copy each original into exhibits/ and render it to pages (a notice page when it cannot be)."""
    inputs = []
    for exhibit, row in zip(job.pack.exhibits, job.context.exhibits):
        data = output.read_evidence(job.evidence_root, exhibit.path, exhibit.sha256)
        copy = f"exhibits/{exhibit.file_name}"
        job.write(copy, data)
        try:
            rendered = _rendered(job, exhibit, data)
            if rendered.pdf == data:             # a PDF original: its pages are read from the copy when joined
                inputs.append(ExhibitInput(row=row, pdf=None, path=job.stage / copy, pages=rendered.pages,
                                           note=rendered.note))
            else:
                inputs.append(ExhibitInput(row=row, pdf=rendered.pdf, pages=rendered.pages, note=rendered.note))
        except ExhibitError as exc:
            reason = (f"This exhibit could not be shown as pages ({exc}); "
                      f"the original is in exhibits/{exhibit.file_name}.")
            inputs.append(ExhibitInput(row=row, pdf=notice_pdf(exhibit.number, exhibit.title, reason),
                                       pages=1, note=str(exc)))
    return inputs


def _rendered(job: BuildJob, exhibit, data: bytes) -> RenderedExhibit:  # noqa: ANN001
    """render_exhibit, or its pages from the cache: keyed by the file's SHA-256 (`data` was checked
    against it), the renderer's version and the title printed on the pages. A PDF exhibit is its
    own bytes, so only its page count and note are kept."""
    cache = job.cache
    if cache is None or not getattr(cache, "usable", False):
        return render_exhibit(Path(job.evidence_root) / exhibit.path, exhibit.format, title=exhibit.title,
                              data=data)
    version = _renderer_version(exhibit.format, exhibit.title)
    found = cache.get(_KIND, exhibit.sha256, version)
    if found is not None:
        try:
            value, pdf = found
            if value.get("error") is not None:
                raise ExhibitError(str(value["error"]))
            if value.get("original"):
                pdf = data
            if not isinstance(pdf, bytes) or type(value["pages"]) is not int or value["pages"] < 1:
                raise ValueError("damaged entry")
            note = value.get("note")
            return RenderedExhibit(pdf=pdf, pages=value["pages"], note=note if isinstance(note, str) else None)
        except ExhibitError:
            raise
        except Exception:  # noqa: BLE001 - a damaged entry: render again
            cache.drop(_KIND, exhibit.sha256, version)
    try:
        rendered = render_exhibit(Path(job.evidence_root) / exhibit.path, exhibit.format,
                                  title=exhibit.title, data=data)
    except ExhibitError as exc:
        if not str(exc).startswith("cannot read the file"):      # a fact about the bytes, not this moment
            cache.put(_KIND, exhibit.sha256, version, {"error": str(exc)})
        raise
    original = rendered.pdf == data
    cache.put(_KIND, exhibit.sha256, version, {"pages": rendered.pages, "note": rendered.note, "original": original},
              None if original else rendered.pdf)
    return rendered


_KIND = "exhibit"


def _renderer_version(fmt: str, title: str) -> str:
    import hashlib

    import reportlab

    from evidence_store.cache import source_digest

    code = source_digest("render/exhibits.py", "writers/notice.py", base=Path(__file__).resolve().parents[2])
    title_key = hashlib.sha256(title.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{fmt.lower()}:{EXHIBIT_RENDERER_VERSION}:{code}:reportlab={reportlab.Version}:title={title_key}"


def write(job: BuildJob) -> None:
    from compiler.privacy.pack_scan import cqc_personal_data

    # the compliance officer is warned of personal data the pack holds (values masked)
    job.context.personal_data = cqc_personal_data(job.context, job.pack, job.roster)
    # The Word pack needs only the bundle's page numbers, so it is made before the join: the join's qpdf
    # structures, freed, leave a heap it would otherwise be made on top of.
    laid = lay_out(job.context, exhibit_inputs(job), theme=job.theme, cache=job.cache, scratch=job.stage)
    if "docx" in job.formats:
        job.write(f"{job.stem}.docx", _docx(job, laid.pages))
    if "pdf" in job.formats:
        with output.new_file(job.stage, f"{job.stem}.pdf") as handle:
            join(job.context, laid, theme=job.theme, into=handle)


def _docx(job: BuildJob, pages) -> bytes:  # noqa: ANN001
    """render_docx, or the document an earlier build with the same view model, page map and template made."""
    from compiler.writers import memo
    from compiler.writers.docx import render_docx

    template = Path(str(template_file(f"{job.pack.name}.docx", job.templates)))

    def make() -> tuple[dict, bytes]:
        return {}, render_docx(job.context, pages, template_dir=template.parent)

    if job.cache is None:
        return make()[1]
    from importlib.metadata import version

    key = memo.inputs_key(job.context, pages, str(template), memo.file_digest(template),
                          job.theme.model_dump(), memo.file_digest(job.theme.logo), version("docxtpl"),
                          version("python-docx"))
    return memo.remembered(job.cache, "docx", key, memo.code_version("docx.py", "charts.py"), make,
                           lambda value, data: data.startswith(b"PK\x03\x04"))[1]
