"""Word helpers for the short packs: render any docxtpl template the way docx.py renders the CQC one.

Values reach the template as plain strings (escaped by autoescape and docx.py's `_finalize`, braces
as character references) or as `Ooxml` objects built from escaped parts by docx.py's helpers.
Output goes through `normalise_docx`, so two renders of the same view are byte-identical.
"""
from __future__ import annotations

import io
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, TemplateError

from compiler.errors import SgpackError
from compiler.writers.docx import LINK_STYLE, Bookmarks, Ooxml, _finalize, chip, link, normalise_docx, run, tab

__all__ = ["render_template", "contents_lines", "section_marks", "chip", "link", "run", "Ooxml", "Bookmarks",
           "CLOSURE_CHIPS"]

CLOSURE_CHIPS = {"pass": ("green", "Pass"), "fail": ("red", "Fail"), "n/a": (None, "n/a")}


def contents_lines(sections: list[tuple[str, str]], pages: dict[str, int],
                   counts: dict[str, int] | None = None) -> list[Ooxml]:
    """Contents lines as internal links, with the PDF's page numbers written in (no field update needed)."""
    lines = []
    for anchor, heading in sections:
        label = heading + (f" ({counts[anchor]})" if counts and anchor in counts else "")
        page = str(pages.get(anchor, ""))
        lines.append(link(anchor, run(label, LINK_STYLE) + tab() + run(page, LINK_STYLE)))
    return lines


def section_marks(sections: list[tuple[str, str]], marks: Bookmarks) -> dict[str, Ooxml]:
    """Each section heading wrapped in its bookmark, keyed by anchor."""
    return {anchor: marks.wrap(anchor, heading) for anchor, heading in sections}


def closure_chip(result: str) -> Ooxml:
    return chip(*CLOSURE_CHIPS.get(result, (None, result)))


def render_template(source: Path | Traversable, view: dict[str, Any], *, title: str, as_of_iso: str,
                    images: Any = None) -> bytes:
    """Render `source` with `view`; `images(tpl)` may add InlineImage values that need the template."""
    if not source.is_file():
        raise SgpackError(f"no {source.name} in the templates folder", file=str(source))
    tpl = DocxTemplate(io.BytesIO(source.read_bytes()))
    if images is not None:
        view = {**view, **images(tpl)}
    env = Environment(autoescape=True, finalize=_finalize)
    try:
        tpl.render(view, jinja_env=env, autoescape=True)
    except TemplateError as exc:
        raise SgpackError(f"template error: {exc}", file=str(source)) from exc
    out = io.BytesIO()
    tpl.save(out)
    return normalise_docx(out.getvalue(), title=title, as_of_iso=as_of_iso)
