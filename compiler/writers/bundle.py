"""The PDF bundle, court-bundle style: body + (exhibit sheet + exhibit pages) per exhibit, stamped and bookmarked.

Flow (TECH-NOTES): count every exhibit's pages, render the body with the page numbers those
imply, repeat until the body's page count and heading pages are stable; render one exhibit
sheet per exhibit; join them (pdfjoin.Joiner: pikepdf), which stamps every page ("page 37 of 412",
classification, "E-012 · 3 of 5" on appendix pages), adds the outline, turns every `sgpack:<anchor>`
URI link into a GoTo destination, scrubs metadata and writes the same bytes for the same inputs.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pikepdf

from compiler.packs.profiles import Theme
from compiler.writers.context import CQC_SECTIONS, IndexRow, PackContext, PageMap
from compiler.writers.notice import notice_pdf
from compiler.writers import memo
from compiler.writers.pdf import Body, Look, converge
from compiler.writers.pdfjoin import Joiner, Mark, open_pdf, signed
from compiler.writers.sheets import render_sheets


@dataclass(frozen=True)
class ExhibitInput:
    row: IndexRow
    pdf: bytes | None               # the exhibit's pages; None when they are read from `path`
    pages: int
    note: str | None
    path: Path | None = None        # a file holding the pages: a PDF original's copy in the pack's exhibits/

    def data(self) -> bytes:
        """The pages' bytes. A provider-wide bundle's PDF originals come to 100 MB or more: they are read
        from the pack's own copies when they are joined, not held from the start of the build."""
        if self.pdf is not None:
            return self.pdf
        return self.path.read_bytes() if self.path is not None else b""


@dataclass(frozen=True)
class Bundle:
    pdf: bytes | None                # None when the bundle was written straight into a file
    pages: PageMap


def _page_map(body_pages: int, body_anchors: dict[str, int], counts: list[tuple[IndexRow, int]]) -> PageMap:
    anchors = dict(body_anchors)
    exhibits: dict[str, tuple[int, int]] = {}
    page = body_pages
    for row, n in counts:
        first = page + 1
        page = first + n
        exhibits[row.number] = (first, page)
        anchors[row.anchor] = first
    return PageMap(anchors=anchors, exhibits=exhibits, total=page)


def _outline(ctx: PackContext, pm: PageMap) -> list[Mark]:
    def mark(title: str, anchor: str) -> Mark:
        return Mark(title, pm.anchors[anchor])

    marks = [mark("Cover", "cover"), mark("Contents", "contents")]
    for anchor, name in CQC_SECTIONS:
        node = mark(name, anchor)
        if anchor == "sec_actions":
            node.children = [mark(f"{a.id} {a.title}", a.anchor) for a in ctx.actions]
        elif anchor == "sec_appendices":
            node.children = [mark(f"{row.number} {row.title}", row.anchor) for row in ctx.exhibits
                             if row.anchor in pm.anchors]
        marks.append(node)
    return marks


def _checked(exhibits: list[ExhibitInput]) -> list[tuple[ExhibitInput, int]]:
    """Each exhibit with the number of its pages qpdf will join. One qpdf cannot open becomes a notice page
    that says so; a signed one gets a note that its signature is not carried. Nothing is kept open: the
    exhibits are opened again when they are joined, after the body is laid out."""
    out = []
    for ex in exhibits:
        data, n = ex.data(), 0
        if data:
            try:
                src = open_pdf(data)
            except pikepdf.PdfError as exc:
                reason = (f"This exhibit's pages could not be joined into the bundle ({_first_line(exc)}); "
                          f"the original is in exhibits/{ex.row.file_name}.")
                ex = ExhibitInput(row=ex.row, pdf=notice_pdf(ex.row.number, ex.row.title, reason), pages=1,
                                  note=_first_line(exc))
                src = open_pdf(ex.pdf)
            with src:
                if signed(src):
                    said = ("The original is digitally signed; the signature is not preserved in this bundle "
                            f"(joining pages changes the file): check it on exhibits/{ex.row.file_name}.")
                    ex = ExhibitInput(row=ex.row, pdf=ex.pdf, pages=ex.pages, path=ex.path,
                                      note=f"{ex.note} {said}" if ex.note else said)
                n = len(src.pages)
        out.append((ex, n))
    return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


def _body(ctx: PackContext, theme: Theme, rows: list[tuple[IndexRow, int]], cache,  # noqa: ANN001
          scratch: Path | None = None) -> Body:
    """converge(), or the body an earlier build with the same view model, exhibit page counts and theme made.
    On a miss the parts of the body nothing they show changed still come from the cache (pdf.converge)."""
    def make() -> tuple[dict, bytes]:
        body = _laid_out(ctx, theme, rows, scratch, cache)
        return ({"pages": body.pages, "anchors": body.anchors, "sizes": [len(p) for p in body.parts]},
                b"".join(body.parts))

    def valid(value: dict, data: bytes) -> bool:
        anchors, sizes = value.get("anchors"), value.get("sizes")
        return (type(value.get("pages")) is int and isinstance(anchors, dict)
                and all(isinstance(k, str) and type(v) is int for k, v in anchors.items())
                and isinstance(sizes, list) and all(type(n) is int and n > 0 for n in sizes)
                and sum(sizes) == len(data) and all(part.startswith(b"%PDF-") for part in _split(data, sizes)))

    if cache is None:
        value, data = make()
    else:
        key = memo.inputs_key(ctx, rows, theme.model_dump(), memo.file_digest(theme.logo))
        value, data = memo.remembered(cache, "pdf-body", key, memo.code_version("pdf.py", "pdf_flow.py", "bundle.py"),
                                      make, valid)
    return Body(parts=tuple(_split(data, value["sizes"])), pages=value["pages"], anchors=value["anchors"])


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


def _laid_out(ctx: PackContext, theme: Theme, rows: list[tuple[IndexRow, int]], scratch: Path | None = None,
              cache=None) -> Body:  # noqa: ANN001
    """`scratch`: a folder for the body a child lays out (the build's stage); else the system's temp folder.
    `cache`: where the body's parts are kept between builds (the child opens the same cache folder)."""
    if len(ctx.actions) + len(rows) < SEPARATE_PROCESS_FROM:
        return _converged(ctx, theme, rows, cache)
    import multiprocessing
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # spawn: a fresh interpreter imports only what layout needs (a fork would copy this process's memory).
    # The child writes the body's parts into files and returns only their page numbers, so the bytes come here
    # after the child has exited, not while it still holds its layout. A child that cannot start or dies costs
    # memory, never the body: it is laid out here instead.
    usable = cache is not None and getattr(cache, "usable", False)
    shared = (str(cache.folder), cache.max_bytes) if usable else None
    try:
        with tempfile.TemporaryDirectory(prefix=".sgpack-body-", dir=scratch) as folder:
            with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
                pages, anchors, n = pool.submit(_converged_into, ctx, theme, rows, Path(folder), shared).result()
            parts = tuple((Path(folder) / f"part-{i:04d}.pdf").read_bytes() for i in range(n))
            return Body(parts=parts, pages=pages, anchors=anchors)
    except (BrokenProcessPool, OSError) as exc:
        from evidence_store.cache import note

        note(f"body laid out in this process ({type(exc).__name__})")
    return _converged(ctx, theme, rows, cache)


def _converged_into(ctx: PackContext, theme: Theme, rows: list[tuple[IndexRow, int]], folder: Path,
                    shared: tuple[str, int] | None) -> tuple[int, dict[str, int], int]:
    from evidence_store.cache import open_cache

    cache = open_cache(shared[0], max_bytes=shared[1]) if shared is not None else None
    try:
        body = _converged(ctx, theme, rows, cache)
    finally:
        if cache is not None:
            cache.close()
    for i, part in enumerate(body.parts):
        with open(folder / f"part-{i:04d}.pdf", "xb") as handle:
            handle.write(part)
    return body.pages, body.anchors, len(body.parts)


def _converged(ctx: PackContext, theme: Theme, rows: list[tuple[IndexRow, int]], cache=None) -> Body:  # noqa: ANN001
    return converge(ctx, theme, lambda pages, anchors: _page_map(pages, anchors, rows), store=cache)


@dataclass(frozen=True)
class Laid:
    """A bundle laid out but not yet joined: its exhibits with their page counts, its body, its page map."""
    exhibits: list[tuple[ExhibitInput, int]]
    body: Body
    pages: PageMap


def lay_out(ctx: PackContext, exhibits: list[ExhibitInput], *, theme: Theme, cache=None,  # noqa: ANN001
            scratch: Path | None = None) -> Laid:
    """Every page number of the bundle, without joining it: the Word pack needs only these. `cache` (an
    evidence_store EvidenceCache) keeps the body for the next identical build. `scratch`: a folder for a
    moment's working files (the build's stage; nothing is left in it)."""
    checked = _checked(exhibits)
    rows = [(ex.row, n) for ex, n in checked]
    body = _body(ctx, theme, rows, cache, scratch)
    return Laid(exhibits=checked, body=body, pages=_page_map(body.pages, body.anchors, rows))


def join(ctx: PackContext, laid: Laid, *, theme: Theme, into: BinaryIO | None = None) -> Bundle:
    """The bundle of `laid`, written into `into` as qpdf goes (then Bundle.pdf is None: a provider-wide
    bundle is hundreds of megabytes), else returned."""
    look, pm = Look(theme), laid.pages
    exhibits = [ex for ex, _ in laid.exhibits]
    counts = [n for _, n in laid.exhibits]
    sheets = open_pdf(render_sheets(ctx, exhibits, counts, pm, look))

    joiner = Joiner()
    for part in laid.body.parts:
        joiner.add(open_pdf(part), own=True)
    for i, (ex, n) in enumerate(laid.exhibits):
        joiner.add(sheets, [i], own=True, labels=[f"{ex.row.number} · 1 of {n + 1}"])
        if n:
            joiner.add(open_pdf(ex.data()), labels=[f"{ex.row.number} · {k} of {n + 1}" for k in range(2, n + 2)])
    if len(joiner) != pm.total:
        raise RuntimeError(f"bundle has {len(joiner)} pages, expected {pm.total}")
    finish = dict(anchors=pm.anchors, outline=_outline(ctx, pm), title=ctx.title)
    if into is not None:
        joiner.write(into, ctx, look, **finish)
        return Bundle(pdf=None, pages=pm)
    return Bundle(pdf=joiner.finish(ctx, look, **finish), pages=pm)


def build_bundle(ctx: PackContext, exhibits: list[ExhibitInput], *, theme: Theme, seed: bytes,
                 cache=None, into: BinaryIO | None = None) -> Bundle:  # noqa: ANN001
    """lay_out() then join(). `seed` is kept for the callers' sake: the /ID is derived from the document's
    own bytes, which the inputs fix."""
    return join(ctx, lay_out(ctx, exhibits, theme=theme, cache=cache), theme=theme, into=into)
