"""Join rendered PDFs into one finished document with pikepdf (qpdf): every PDF pack ends here.

`Joiner` takes pages from reportlab output and from exhibit PDFs, then `finish()`:
- scrubs what an exhibit page could carry into the pack: page and image XMP, page and annotation
  actions, links that could run or fetch anything (only on pages that are not the pack's own);
- stamps every page — classification top and bottom, "page N of T", and on appendix pages the
  exhibit stamp (compiler.render.pdf.stamps), in a band added above and below an original PDF's page so
  that nothing covers what the original shows — as a Form XObject drawn after the page's own content,
  inside q/Q so nothing the page leaves in the graphics state reaches the stamp, without decoding or
  re-encoding that content;
- turns every `sgpack:<anchor>` URI link on the pack's own pages into a GoTo to the anchor's page
  (a link to an anchor not in this document is dropped, never left dead);
- adds the outline, sets the document information from the pack alone (no /Author or XMP of any
  exhibit), and writes with a deterministic /ID, so the same inputs give the same bytes.

pikepdf copies pages between documents in C++ and passes their streams through untouched; pypdf
took 6× as long for the same CQC bundle (benchmarks/RESULTS.md).
"""
from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf

from compiler.render.pdf.look import Look, fit
from compiler.render.pdf.stamps import add_band, overlay, shown_size, stamp_forms

if TYPE_CHECKING:
    from compiler.views.common import Head

_UNSAFE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE", "/Rendition",
                   "/ResetForm", "/Hide", "/SetOCGState", "/Thread", "/Sound", "/Movie"}
_CATALOG_DROP = ("/Metadata", "/OpenAction", "/AA", "/AcroForm", "/Perms", "/Collection", "/Threads",
                 "/SpiderInfo", "/Names", "/Dests")


@dataclass
class Mark:
    """One outline entry: a title and the 1-based page it opens, with its children."""
    title: str
    page: int
    children: list[Mark] = field(default_factory=list)


def open_pdf(data: bytes) -> Pdf:
    return Pdf.open(io.BytesIO(data))


def concatenate(pdfs: Sequence[bytes]) -> bytes:
    """The pages of `pdfs` in order as one PDF, nothing else changed (the body's parts, read as one)."""
    if len(pdfs) == 1:
        return pdfs[0]
    joiner = Joiner()
    for data in pdfs:
        joiner.add(open_pdf(data))
    joiner.plant()
    buffer = io.BytesIO()
    joiner.pdf.save(buffer, deterministic_id=True)
    return buffer.getvalue()


class Joiner:
    """Pages in order; `own` pages are the pack's (their sgpack: links are resolved, nothing scrubbed away).

    Pages are copied with copy_foreign and the page tree is written once at the end: pikepdf's
    pages.append costs time in proportion to the pages already there, so a 6,000-page bundle spent
    seconds in it."""

    def __init__(self) -> None:
        self.pdf = pikepdf.new()
        self.objs: list[Dictionary] = []
        self.own: set[int] = set()
        self.labels: list[str | None] = []
        self.banded: list[bool] = []

    def __len__(self) -> int:
        return len(self.objs)

    def add(self, src: Pdf, pages: Sequence[int] | None = None, *, own: bool = False,
            labels: Sequence[str | None] | None = None, band: bool = False) -> None:
        """`band`: the pages are an original's, set in a band above and below for their stamps (stamps.add_band)."""
        first = len(self.objs)
        source = list(src.pages) if pages is None else [src.pages[i] for i in pages]
        labels = list(labels) if labels is not None else [None] * len(source)
        if len(labels) != len(source):
            raise ValueError("one stamp label a page")
        for page in source:
            self.objs.append(self.pdf.copy_foreign(_detached(page.obj)))
        if own:
            self.own.update(range(first, len(self.objs)))
        self.labels += labels
        self.banded += [band] * len(source)

    def plant(self) -> None:
        """Write the page tree: every page added, in order."""
        tree = self.pdf.Root.Pages
        for obj in self.objs:
            obj.Parent = tree
        tree.Kids = Array(self.objs)
        tree.Count = len(self.objs)

    def finish(self, head: Head, look: Look, *, anchors: dict[str, int], outline: Sequence[Mark]) -> bytes:
        out = io.BytesIO()
        self.write(out, head, look, anchors=anchors, outline=outline)
        return out.getvalue()

    def write(self, out: BinaryIO, head: Head, look: Look, *, anchors: dict[str, int],
              outline: Sequence[Mark]) -> None:
        """finish() into an open file: a large bundle is written as qpdf goes, never held whole in memory."""
        pdf = self.pdf
        self.plant()
        pages = list(pdf.pages)
        if len(pages) != len(self.labels):
            raise RuntimeError(f"{len(pages)} pages joined, {len(self.labels)} expected")
        sizes = []
        for index, page in enumerate(pages):
            _scrub_page(page.obj, index in self.own)
            if self.banded[index]:
                add_band(pdf, page)
            sizes.append(shown_size(page))
        overlay(pdf, pages, stamp_forms(pdf, head, sizes, self.labels, look, self.banded))
        objs = [page.obj for page in pages]
        for index in sorted(self.own):
            _rewrite_links(objs, objs[index], anchors)
        _outline(pdf, outline)
        _scrub_document(pdf, head)
        with warnings.catch_warnings():          # orphaned widgets of exhibit forms: their look is kept, not the form
            warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
            # streams pass through as they are: qpdf's compress_streams cost 5 s on a 6,000-page bundle
            pdf.save(out, deterministic_id=True, compress_streams=False,
                     stream_decode_level=pikepdf.StreamDecodeLevel.none,
                     object_stream_mode=pikepdf.ObjectStreamMode.generate)


_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


def _detached(page: Dictionary) -> Dictionary:
    """The page with what it inherits from its page tree written on it and its /Parent removed, so copying
    it copies the page and what it uses, not its whole source document. (It changes the source's in-memory
    copy only.)"""
    parent, seen = page.get("/Parent"), 0
    while isinstance(parent, Dictionary) and seen < 64:
        for key in _INHERITED:
            if key not in page and key in parent:
                page[key] = parent[key]
        parent, seen = parent.get("/Parent"), seen + 1
    if "/Parent" in page:
        del page["/Parent"]
    return page


# ---------------------------------------------------------------------------------- scrub, links, outline

def _scrub_page(page: Dictionary, own: bool) -> None:
    """Drop page-level XMP and actions; on exhibit pages drop links that could run or fetch anything."""
    for key in ("/Metadata", "/PieceInfo", "/AA"):
        if key in page:
            del page[key]
    resources = page.get("/Resources")
    xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
    if isinstance(xobjects, Dictionary):
        for key in xobjects.keys():
            x = xobjects[key]
            if isinstance(x, (Dictionary, pikepdf.Stream)) and "/Metadata" in x:
                del x["/Metadata"]
    if own or "/Annots" not in page:
        return
    kept = Array()
    for annot in page.Annots:
        if not isinstance(annot, Dictionary):
            continue
        action = annot.get("/A")
        kind = str(action.get("/S")) if isinstance(action, Dictionary) and "/S" in action else None
        if kind in _UNSAFE_ACTIONS or (kind == "/URI" and _uri(action).startswith("sgpack:")) or signature(annot):
            continue                # a signature cannot stay valid in the bundle: its widget is not carried
        if "/AA" in annot:
            del annot["/AA"]
        kept.append(annot)
    page.Annots = kept


def signature(annot: Dictionary) -> bool:
    """A signature field's widget (its /FT, or its parent field's, is /Sig)."""
    node = annot
    for _ in range(8):
        if not isinstance(node, Dictionary):
            return False
        if node.get("/FT") == Name.Sig:
            return True
        node = node.get("/Parent")
    return False


def _uri(action: Dictionary) -> str:
    uri = action.get("/URI")
    try:
        return str(uri) if uri is not None else ""
    except (TypeError, ValueError):
        return ""


def _rewrite_links(objs: list[Dictionary], page: Dictionary, anchors: dict[str, int]) -> None:
    """`objs`: every page object of the document, in order."""
    if "/Annots" not in page:
        return
    kept = Array()
    for annot in page.Annots:
        action = annot.get("/A")
        uri = _uri(action) if isinstance(action, Dictionary) else ""
        if uri.startswith("sgpack:"):
            target = anchors.get(uri[len("sgpack:"):])
            if target is None or not 1 <= target <= len(objs):
                continue                       # a reference to nothing in this document: no dead link
            del annot["/A"]
            annot.Dest = Array([objs[target - 1], Name.Fit])
        kept.append(annot)
    page.Annots = kept


def _outline(pdf: Pdf, marks: Sequence[Mark]) -> None:
    objs = [page.obj for page in pdf.pages]

    def item(mark: Mark) -> pikepdf.OutlineItem:
        node = pikepdf.OutlineItem(fit(mark.title, "Helvetica", 10, 420), Array([objs[mark.page - 1], Name.Fit]))
        node.children.extend(item(child) for child in mark.children)
        return node

    with pdf.open_outline() as outline:
        outline.root.extend(item(m) for m in marks)
    pdf.Root.PageMode = Name.UseOutlines


def _scrub_document(pdf: Pdf, head: Head) -> None:
    root = pdf.Root
    for key in _CATALOG_DROP:
        if key in root:
            del root[key]
    stamp = "D:" + head.as_of_iso.replace("-", "") + "000000Z"
    info = Dictionary(Title=pikepdf.String(head.title), Producer=f"sgpack {head.tool_version}",
                      Creator=f"sgpack {head.tool_version}", CreationDate=stamp, ModDate=stamp)
    pdf.trailer.Info = pdf.make_indirect(info)


def finish_document(head: Head, look: Look, body: Sequence[bytes], anchors: dict[str, int],
                    outline: Sequence[tuple[str, str]]) -> bytes:
    """A document with no appendices, finished: stamped, linked, outlined, scrubbed. `outline` is
    [(anchor, title)] in order; anchors missing from the document are left out."""
    joiner = Joiner()
    for part in body:
        joiner.add(open_pdf(part), own=True)
    marks = [Mark(title, anchors[anchor]) for anchor, title in outline if anchor in anchors]
    return joiner.finish(head, look, anchors=anchors, outline=marks)
