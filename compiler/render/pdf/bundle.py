"""The PDF bundle, court-bundle style: body + (exhibit sheet + exhibit pages) per exhibit, stamped and bookmarked.

Flow: count every exhibit's pages, lay the body out with the page numbers those imply, repeat until the
body's page count and heading pages are stable (the layout engine); draw one exhibit sheet per exhibit;
join them (join.Joiner: pikepdf), which stamps every page ("page 37 of 412", classification,
"E-012 · 3 of 5" on appendix pages), adds the outline, turns every `sgpack:<anchor>` URI link into a
GoTo destination, scrubs metadata and writes the same bytes for the same inputs. The bundle knows no
pack: a pack hands it a `BodyRecipe` (how its body's parts are made), its exhibits and its outline.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from compiler.render.pdf.join import Joiner, Mark, open_pdf
from compiler.render.pdf.layout import PART_KIND, Body, Part, converge, theme_key
from compiler.render.pdf.look import Look
from compiler.render.pdf.notice import notice_pdf
from compiler.render.pdf.pages import PageMap
from compiler.render.pdf.sheets import SheetRow, render_sheets
from compiler.render.theme import Theme
from evidence_store.shelf import Shelf, inputs_key

if TYPE_CHECKING:
    from compiler.views.common import Head
    from evidence_store.cache import EvidenceCache
    from evidence_store.document import PdfFacts

BODY_KIND = "pdf-body"


@dataclass(frozen=True)
class BodyRecipe:
    """How a bundle's body is made. Picklable, so a child process can lay the body out: `parts` is a module-level
    function of (view, theme key); `version` names the code that makes the parts (evidence_store.shelf.code_version);
    `size` (actions and the like) decides whether the body is big enough to be laid out in a child."""
    head: Head
    view: Any
    parts: Callable[[Any, str], list[Part]]
    version: str
    size: int


@dataclass(frozen=True)
class ExhibitInput:
    """An exhibit as the bundle joins it. Its pages are `pages` pages: sgpack's own rendering of it, or a PDF
    original, whose facts its reader found (evidence_store.PdfFacts): the pages qpdf joins, or why qpdf cannot
    open it (`unjoinable`), and whether it is signed. The bundle never opens an original to find out."""
    row: SheetRow
    pdf: bytes | None               # the exhibit's pages; None when they are read from `path`
    pages: int
    note: str | None
    path: Path | None = None        # a file holding the pages: a PDF original's copy in the pack's exhibits/
    signed: bool = False            # a PDF original with a signature: joining it cannot keep the signature
    unjoinable: str | None = None   # why qpdf cannot open this PDF original (it is shown by a notice page)
    original: bool = False          # a PDF original, joined as it is: its stamps go in a band around its pages

    def data(self) -> bytes:
        """The pages' bytes. A provider-wide bundle's PDF originals come to 100 MB or more: they are read
        from the pack's own copies when they are joined, not held from the start of the build."""
        if self.pdf is not None:
            return self.pdf
        return self.path.read_bytes() if self.path is not None else b""


def original(row: SheetRow, facts: PdfFacts, *, pdf: bytes | None = None, path: Path | None = None,
             note: str | None = None) -> ExhibitInput:
    """A PDF original joined as it is, by the facts its reader found."""
    return ExhibitInput(row=row, pdf=pdf, path=path, pages=facts.qpdf_pages or 0, note=note, signed=facts.signed,
                        unjoinable=facts.qpdf_reason if facts.qpdf_pages is None else None, original=True)


@dataclass(frozen=True)
class Bundle:
    pdf: bytes | None                # None when the bundle was written straight into a file
    pages: PageMap


def _page_map(body_pages: int, body_anchors: dict[str, int], counts: list[tuple[SheetRow, int]]) -> PageMap:
    anchors = dict(body_anchors)
    exhibits: dict[str, tuple[int, int]] = {}
    page = body_pages
    for row, n in counts:
        first = page + 1
        page = first + n
        exhibits[row.number] = (first, page)
        anchors[row.anchor] = first
    return PageMap(anchors=anchors, exhibits=exhibits, total=page)


def _checked(exhibits: list[ExhibitInput]) -> list[tuple[ExhibitInput, int]]:
    """Each exhibit with the number of its pages the join copies. An original qpdf cannot open becomes a notice
    page that says so; a signed one gets a note that its signature is not carried."""
    out = []
    for ex in exhibits:
        if ex.unjoinable is not None:
            reason = (f"This exhibit's pages could not be joined into the bundle ({ex.unjoinable}); "
                      f"the original is in exhibits/{ex.row.file_name}.")
            ex = ExhibitInput(row=ex.row, pdf=notice_pdf(ex.row.number, ex.row.title, reason), pages=1,
                              note=ex.unjoinable)
        elif ex.signed:
            said = ("The original is digitally signed; the signature is not preserved in this bundle "
                    f"(joining pages changes the file): check it on exhibits/{ex.row.file_name}.")
            ex = dataclasses.replace(ex, note=f"{ex.note} {said}" if ex.note else said)
        out.append((ex, ex.pages if ex.pdf is not None or ex.path is not None else 0))
    return out


def _body(recipe: BodyRecipe, theme: Theme, rows: list[tuple[SheetRow, int]], cache: EvidenceCache | None,
          scratch: Path | None = None) -> Body:
    """The body laid out, or the body an earlier build with the same view, exhibit page counts and theme made.
    On a miss the parts of the body nothing they show changed still come from the cache (layout.converge)."""
    def make() -> Body:
        return _laid_out(recipe, theme, rows, scratch, cache)

    def write(body: Body) -> tuple[dict, bytes]:
        return ({"pages": body.pages, "anchors": body.anchors, "sizes": [len(p) for p in body.parts]},
                b"".join(body.parts))

    def read(value: dict, data: bytes | None) -> Body:
        anchors, sizes = value.get("anchors"), value.get("sizes")
        if not (type(value.get("pages")) is int and isinstance(anchors, dict) and isinstance(data, bytes)
                and all(isinstance(k, str) and type(v) is int for k, v in anchors.items())
                and isinstance(sizes, list) and all(type(n) is int and n > 0 for n in sizes)
                and sum(sizes) == len(data) and all(part.startswith(b"%PDF-") for part in _split(data, sizes))):
            raise ValueError("damaged entry")
        return Body(parts=tuple(_split(data, sizes)), pages=value["pages"], anchors=anchors)

    shelf: Shelf[Body] = Shelf(cache, BODY_KIND, recipe.version)
    key = inputs_key(recipe.view, rows, theme.key)
    return shelf.remember(key, make, write=write, read=read)


def _split(data: bytes, sizes: list[int]) -> list[bytes]:
    out, at = [], 0
    for n in sizes:
        out.append(data[at:at + n])
        at += n
    return out


# A body of this many actions and exhibits is laid out in a process of its own. Layout keeps every paragraph's
# lines from pass to pass; freed, that memory stays with the process (the heap is left fragmented), and a
# provider-wide body holds about 400 MB of it at its peak. A child gives it all back when it exits.
SEPARATE_PROCESS_FROM = 1500


def _laid_out(recipe: BodyRecipe, theme: Theme, rows: list[tuple[SheetRow, int]], scratch: Path | None = None,
              cache: EvidenceCache | None = None) -> Body:
    """`scratch`: a folder for the body a child lays out (the build's stage); else the system's temp folder.
    `cache`: where the body's parts are kept between builds (the child opens the same cache folder)."""
    if recipe.size + len(rows) < SEPARATE_PROCESS_FROM:
        return _converged(recipe, theme, rows, cache)
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn: a fresh interpreter imports only what layout needs (a fork would copy this process's memory).
    # The child writes the body's parts into files and returns only their page numbers, so the bytes come here
    # after the child has exited, not while it still holds its layout. A child that cannot start or dies costs
    # memory, never the body: it is laid out here instead.
    shared = (str(cache.folder), cache.max_bytes) if cache is not None and cache.usable else None
    try:
        with tempfile.TemporaryDirectory(prefix=".sgpack-body-", dir=scratch) as folder:
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
                pages, anchors, n = pool.submit(_converged_into, recipe, theme, rows, Path(folder), shared).result()
            parts = tuple((Path(folder) / f"part-{i:04d}.pdf").read_bytes() for i in range(n))
            return Body(parts=parts, pages=pages, anchors=anchors)
    except (BrokenProcessPool, OSError) as exc:
        from evidence_store.cache import note

        note(f"body laid out in this process ({type(exc).__name__})")
    return _converged(recipe, theme, rows, cache)


def _converged_into(recipe: BodyRecipe, theme: Theme, rows: list[tuple[SheetRow, int]], folder: Path,
                    shared: tuple[str, int] | None) -> tuple[int, dict[str, int], int]:
    from evidence_store.cache import open_cache

    cache = open_cache(shared[0], max_bytes=shared[1]) if shared is not None else None
    try:
        body = _converged(recipe, theme, rows, cache)
    finally:
        if cache is not None:
            cache.close()
    for i, part in enumerate(body.parts):
        with open(folder / f"part-{i:04d}.pdf", "xb") as handle:
            handle.write(part)
    return body.pages, body.anchors, len(body.parts)


def _converged(recipe: BodyRecipe, theme: Theme, rows: list[tuple[SheetRow, int]],
               cache: EvidenceCache | None = None) -> Body:
    return converge(recipe.head, theme, recipe.parts(recipe.view, theme_key(theme)),
                    lambda pages, anchors: _page_map(pages, anchors, rows),
                    store=Shelf(cache, PART_KIND, recipe.version))


@dataclass(frozen=True)
class Laid:
    """A bundle laid out but not yet joined: its exhibits with their page counts, its body, its page map."""
    exhibits: list[tuple[ExhibitInput, int]]
    body: Body
    pages: PageMap


def lay_out(recipe: BodyRecipe, exhibits: list[ExhibitInput], *, theme: Theme,
            cache: EvidenceCache | None = None, scratch: Path | None = None) -> Laid:
    """Every page number of the bundle, without joining it: a Word pack needs only these. `cache` keeps the
    body for the next identical build. `scratch`: a folder for a moment's working files (the build's stage;
    nothing is left in it)."""
    checked = _checked(exhibits)
    rows = [(ex.row, n) for ex, n in checked]
    body = _body(recipe, theme, rows, cache, scratch)
    return Laid(exhibits=checked, body=body, pages=_page_map(body.pages, body.anchors, rows))


def join(head: Head, laid: Laid, *, theme: Theme, outline: list[Mark], titles: dict[str, str],
         into: BinaryIO | None = None) -> Bundle:
    """The bundle of `laid`, written into `into` as qpdf goes (then Bundle.pdf is None: a provider-wide
    bundle is hundreds of megabytes), else returned. `titles`: the title of each action an exhibit sheet
    links to, by its anchor."""
    look, pm = Look(theme), laid.pages
    exhibits = [ex for ex, _ in laid.exhibits]
    counts = [n for _, n in laid.exhibits]
    sheets = open_pdf(render_sheets(head, exhibits, counts, pm, look, titles))

    joiner = Joiner()
    for part in laid.body.parts:
        joiner.add(open_pdf(part), own=True)
    for i, (ex, n) in enumerate(laid.exhibits):
        joiner.add(sheets, [i], own=True, labels=[f"{ex.row.number} · 1 of {n + 1}"])
        if n:
            joiner.add(open_pdf(ex.data()), labels=[f"{ex.row.number} · {k} of {n + 1}" for k in range(2, n + 2)],
                       band=ex.original)
    if len(joiner) != pm.total:
        raise RuntimeError(f"bundle has {len(joiner)} pages, expected {pm.total}")
    if into is not None:
        joiner.write(into, head, look, anchors=pm.anchors, outline=outline)
        return Bundle(pdf=None, pages=pm)
    return Bundle(pdf=joiner.finish(head, look, anchors=pm.anchors, outline=outline), pages=pm)


def join_into(head: Head, laid: Laid, theme: Theme, outline: list[Mark], titles: dict[str, str], path: Path) -> None:
    """join() into a new file at `path`: what the build runs in a child process under the join's limits (it
    needs only this module, so the child starts quickly)."""
    with open(path, "xb") as handle:
        join(head, laid, theme=theme, outline=outline, titles=titles, into=handle)
