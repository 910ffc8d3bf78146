"""Adding a pack takes a profile, a view, a pack module and a template, and nothing else: the walkthrough in
docs/architecture.md, done here with files made for the test (no shipped file is changed)."""
from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import docx
import pypdfium2 as pdfium
import pytest

import compiler.packs
import compiler.views
from compiler import pipeline
from compiler.packs import registry
from compiler.shipped import asset_dir

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 20)

PROFILE = """\
name: summary
order: 6
title: Safeguarding actions at a glance
audience: Senior leadership team
appendices: false
formats: [docx, pdf]
template: summary.docx
"""

VIEW = '''\
"""The summary pack's view: how many actions, and how many of them are ready to close."""
from __future__ import annotations

from dataclasses import dataclass

from compiler.model.pack import Pack
from compiler.views.common import Head, Options, head


@dataclass
class SummaryView:
    head: Head
    actions: int
    ready: int


def summary_view(pack: Pack, options: Options) -> SummaryView:
    results = [pack.assessment.action(a) for a in pack.actions]
    return SummaryView(head(pack, options), len(results), sum(r.closure.ready for r in results))
'''

PACK = '''\
"""The summary pack: one page, in Word and PDF."""
from __future__ import annotations

from compiler.packs.job import BuildJob
from compiler.render.docx.template import render_template
from compiler.render.pdf.blocks import title_block
from compiler.render.pdf.document import document
from compiler.views.summary import summary_view


def write(job: BuildJob) -> None:
    view = summary_view(job.pack, job.options)

    def story(look, pages, rec):
        return title_block(look, view.head, rec, heading=view.head.title,
                           rows=[("Actions", str(view.actions)), ("Ready to close", str(view.ready))])

    laid = document(view.head, job.theme, story, outline=[("cover", "Summary")])
    if "pdf" in job.formats:
        job.write(f"{job.stem}.pdf", laid.pdf)
    if "docx" in job.formats:
        job.write(f"{job.stem}.docx", render_template(
            job.template(), {"title": view.head.title, "actions": str(view.actions), "ready": str(view.ready)},
            title=view.head.title, as_of_iso=view.head.as_of_iso))
'''


@pytest.fixture()
def summary_pack(tmp_path, monkeypatch):
    shipped = {name: Path(str(asset_dir(name))) for name in ("packs", "templates", "examples")}
    packs, templates = tmp_path / "packs", tmp_path / "templates"
    shutil.copytree(shipped["packs"], packs)
    shutil.copytree(shipped["templates"], templates)
    (packs / "summary.yaml").write_text(PROFILE, encoding="utf-8")                       # 1. the profile
    views, units = tmp_path / "views", tmp_path / "units"
    views.mkdir(), units.mkdir()
    (views / "summary.py").write_text(VIEW, encoding="utf-8")                             # 2. the view
    (units / "summary.py").write_text(PACK, encoding="utf-8")                             # 3. the pack module
    template = docx.Document()                                                            # 4. the template
    template.add_heading("{{ title }}", 1)
    template.add_paragraph("{{ actions }} actions, {{ ready }} ready to close on evidence.")
    template.save(templates / "summary.docx")
    places = {"packs": packs, "templates": templates, "examples": shipped["examples"]}
    monkeypatch.setattr("compiler.shipped.asset_dir", lambda name: places[name])
    for module in ("compiler.packs.profiles", "compiler.render.theme"):
        monkeypatch.setattr(f"{module}.asset_dir", lambda name: places[name])
    monkeypatch.setattr(compiler.views, "__path__", [*compiler.views.__path__, str(views)])
    monkeypatch.setattr(compiler.packs, "__path__", [*compiler.packs.__path__, str(units)])
    registry.pack_names.cache_clear()
    yield
    registry.pack_names.cache_clear()


def test_a_new_pack_from_a_profile_a_view_a_module_and_a_template(summary_pack, tmp_path):
    assert registry.pack_names()[-1] == "summary"
    example = ROOT / "examples"
    folder, _ = pipeline.build([example / "plans"], example / "evidence", "summary", as_of=AS_OF,
                               out=tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == ["manifest.json", "summary-pack.docx", "summary-pack.pdf"]
    page = pdfium.PdfDocument(str(folder / "summary-pack.pdf"))[0].get_textpage().get_text_range()
    assert "Safeguarding actions at a glance" in page and "Ready to close" in page and "page 1 of 1" in page
    with zipfile.ZipFile(folder / "summary-pack.docx") as archive:
        assert "actions, 2 ready to close on evidence" in archive.read("word/document.xml").decode()
