"""The CQC pack: the paginated PDF bundle with every exhibit, the Word pack, and exhibits/ originals."""
from __future__ import annotations

from pathlib import Path

from compiler.packs.profiles import template_file
from compiler.writers import output
from compiler.writers.bundle import ExhibitInput, build_bundle
from compiler.writers.exhibits import ExhibitError, render_exhibit
from compiler.writers.notice import notice_pdf
from compiler.writers.packs.job import BuildJob


def exhibit_inputs(job: BuildJob) -> list[ExhibitInput]:
    """Copy each original into exhibits/ and render it to pages (a notice page when it cannot be)."""
    inputs = []
    for exhibit, row in zip(job.pack.exhibits, job.context.exhibits):
        data = output.read_evidence(job.evidence_root, exhibit.path, exhibit.sha256)
        job.write(f"exhibits/{exhibit.file_name}", data)
        try:
            rendered = render_exhibit(Path(job.evidence_root) / exhibit.path, exhibit.format, title=exhibit.title)
            inputs.append(ExhibitInput(row=row, pdf=rendered.pdf, pages=rendered.pages, note=rendered.note))
        except ExhibitError as exc:
            reason = (f"This exhibit could not be shown as pages ({exc}); "
                      f"the original is in exhibits/{exhibit.file_name}.")
            inputs.append(ExhibitInput(row=row, pdf=notice_pdf(exhibit.number, exhibit.title, reason),
                                       pages=1, note=str(exc)))
    return inputs


def write(job: BuildJob) -> None:
    bundle = build_bundle(job.context, exhibit_inputs(job), theme=job.theme, seed=job.seed)
    if "pdf" in job.formats:
        job.write(f"{job.stem}.pdf", bundle.pdf)
    if "docx" in job.formats:
        from compiler.writers.docx import render_docx

        template_dir = Path(str(template_file(f"{job.pack.name}.docx", job.templates))).parent
        job.write(f"{job.stem}.docx", render_docx(job.context, bundle.pages, template_dir=template_dir))
