"""The CQC pack: the paginated PDF bundle with every exhibit, the Word pack, and exhibits/ originals."""
from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from compiler.errors import SgpackError
from compiler.packs.cqc import story, word
from compiler.packs.cqc.exhibits import exhibit_inputs
from compiler.packs.job import BuildJob
from compiler.render.bounded import OutOfBounds, run_bounded
from compiler.render.charts import chart_spec, draw_charts
from compiler.render.docx.template import render_template
from compiler.render.pdf.bundle import BodyRecipe, Bundle, ExhibitInput, Laid, join, join_into, lay_out
from compiler.render.pdf.join import Mark
from compiler.render.pdf.pages import PageMap
from compiler.render.theme import Theme
from compiler.views.cqc import SECTIONS, CqcView, StatementView, cqc_view
from evidence_store.cache import EvidenceCache
from evidence_store.isolate import close_readers
from evidence_store.shelf import Shelf, code_version, file_digest, inputs_key

WORD_KIND = "docx"


def with_charts(view: CqcView, theme: Theme, cache: EvidenceCache | None = None) -> CqcView:
    """The view with every action's SPC charts drawn in the pack's theme (kept in the cache by what they show)."""
    pngs = iter(draw_charts([chart_spec(c.chart, theme=theme) for c in view.charts()], cache=cache))
    actions = {a.id: dataclasses.replace(a, charts=[dataclasses.replace(c, png=next(pngs)) for c in a.charts])
               for a in view.actions}
    groups = [dataclasses.replace(g, statements=[dataclasses.replace(s, actions=[actions[a.id] for a in s.actions])
                                                 for s in g.statements]) for g in view.groups]
    return dataclasses.replace(view, actions=list(actions.values()), groups=groups)


def recipe(view: CqcView) -> BodyRecipe:
    """How the bundle's body is made from the view (picklable: a child process may lay it out)."""
    return BodyRecipe(head=view.head, view=view, parts=story.parts,
                      version=code_version(story, libraries=("reportlab",)), size=len(view.actions))


def outline(view: CqcView, pm: PageMap) -> list[Mark]:
    """The bundle's bookmarks: cover, contents, each section, each key question, quality statement and the
    actions shown in full under it, and each exhibit."""
    def mark(title: str, anchor: str) -> Mark:
        return Mark(title, pm.anchors[anchor])

    def statement(st: StatementView) -> Mark:
        node = mark(st.name, st.anchor)
        node.children = [mark(f"{a.id} {a.title}", a.anchor) for a in st.actions]
        return node

    marks = [mark("Cover", "cover"), mark("Contents", "contents")]
    for anchor, name in SECTIONS:
        node = mark(name, anchor)
        if anchor == "sec_actions":
            node.children = [mark(g.name, g.anchor) for g in view.groups]
            for kq, group in zip(node.children, view.groups):
                kq.children = [statement(st) for st in group.statements]
        elif anchor == "sec_appendices":
            node.children = [mark(f"{row.number} {row.title}", row.anchor) for row in view.exhibits
                             if row.anchor in pm.anchors]
        marks.append(node)
    return marks


def bundle(view: CqcView, laid: Laid, theme: Theme, into: BinaryIO | None = None) -> Bundle:
    """The joined bundle of a laid-out view (into `into` when given)."""
    return join(view.head, laid, theme=theme, outline=outline(view, laid.pages),
                titles={a.anchor: a.title for a in view.actions}, into=into)


def build_bundle(view: CqcView, exhibits: list[ExhibitInput], *, theme: Theme, cache: EvidenceCache | None = None,
                 into: BinaryIO | None = None) -> Bundle:
    """Lay the bundle out and join it: its body, an exhibit sheet and the pages of each exhibit."""
    return bundle(view, lay_out(recipe(view), exhibits, theme=theme, cache=cache), theme, into=into)


def write(job: BuildJob) -> None:
    from compiler.privacy.pack_scan import cqc_personal_data

    view = with_charts(cqc_view(job.pack, job.options), job.theme, job.cache)
    # personal data the pack holds, values masked, is for whoever shares it to check: in the notes, not the pack
    job.note_personal_data(cqc_personal_data(view, job.pack, job.roster))
    # The Word pack needs only the bundle's page numbers, so it is made before the join: the join's qpdf
    # structures, freed, leave a heap it would otherwise be made on top of.
    # The exhibits' laid-out pages wait in a scratch folder of the stage, read when the bundle is joined: a
    # provider-wide pack has thousands, and neither this process nor the join's needs them in memory before.
    pages = Path(tempfile.mkdtemp(prefix=".sgpack-pages-", dir=job.stage))
    try:
        _lay_out_and_join(job, view, pages)
    finally:
        for page_file in list(pages.iterdir()):
            os.unlink(page_file)
        os.rmdir(pages)


def _lay_out_and_join(job: BuildJob, view: CqcView, pages: Path) -> None:
    inputs = exhibit_inputs(job, view, pages)
    close_readers()             # the exhibits are read: the reader processes' memory is not carried into the layout
    laid = lay_out(recipe(view), inputs, theme=job.theme, cache=job.cache, scratch=job.stage)
    if "docx" in job.formats:
        job.write(f"{job.stem}.docx", _docx(job, view, laid.pages))
    if "pdf" in job.formats:
        # qpdf copies the pages of every PDF original: in a process of its own, under a time and memory limit.
        # Only the child needs the laid-out bundle from here on: run_bounded frees it once written for the child.
        work = [view.head, laid, job.theme, outline(view, laid.pages), {a.anchor: a.title for a in view.actions},
                job.stage / f"{job.stem}.pdf"]
        del laid, inputs, view
        limits = job.limits
        try:
            run_bounded(join_into, work, seconds=limits.join_seconds, memory=limits.join_memory, scratch=job.stage,
                        what="joining the bundle's pages")
        except OutOfBounds as exc:
            raise SgpackError(f"the PDF bundle could not be made: {exc}. Nothing was written; the Word pack alone "
                              "can be built with --formats docx") from None


def _docx(job: BuildJob, view: CqcView, pages: PageMap) -> bytes:
    """The Word pack, or the document an earlier build with the same view, page map and template made."""
    template = job.template()

    def make() -> bytes:
        return render_template(template, lambda tpl: word.build_view(view, pages, tpl), title=view.head.title,
                               as_of_iso=view.head.as_of_iso)

    def read(value: dict, data: bytes | None) -> bytes:
        if not (isinstance(data, bytes) and data.startswith(b"PK\x03\x04")):
            raise ValueError("damaged entry")
        return data

    from compiler.render.docx import template as docx_template

    shelf: Shelf[bytes] = Shelf(job.cache, WORD_KIND,
                                code_version(word, docx_template, libraries=("docxtpl", "python-docx")))
    key = inputs_key(view, pages, str(template), file_digest(Path(str(template))), job.theme.key)
    return shelf.remember(key, make, write=lambda data: ({}, data), read=read)
