"""DOCX: paragraphs (table cells included) streamed from word/document.xml, and the core properties; as a
document, headings, paragraphs with their bold and italic runs, list paragraphs and tables."""
from __future__ import annotations

from lxml import etree

from ..document import (MAX_CELL_CHARS, MAX_PARAGRAPH_CHARS, MAX_TEXT_CHARS, Break, Cell, Document, Heading,
                        Inline, ListItem, Paragraph, Remark, Styled, Table, Text, Verbatim, cut, one_break)
from ..limits import Limits
from ..zipsafe import CappedReader, open_ooxml, read_member
from .base import ReadResult, TextBuilder, Unreadable, one_line

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_P, W_T, W_TAB, W_BR, W_CR, W_R = W + "p", W + "t", W + "tab", W + "br", W + "cr", W + "r"
W_PPR, W_PSTYLE, W_VAL = W + "pPr", W + "pStyle", W + "val"
# Content a reader of the text would not see as such: said in the item's notes, never hidden.
_MARKUP = {W + "ins": "tracked changes", W + "del": "tracked changes", W + "vanish": "hidden text",
           W + "sdt": "content controls", W + "txbxContent": "text boxes"}
CORE = {
    "{http://purl.org/dc/elements/1.1/}title": "title",
    "{http://purl.org/dc/elements/1.1/}creator": "creator",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}category": "category",
    "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}keywords": "keywords",
}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def read(data: bytes, limits: Limits) -> ReadResult:
    archive = open_ooxml(data, "docx", limits)
    names = set(archive.namelist())
    if "word/document.xml" not in names:
        raise Unreadable("not a valid .docx (no word/document.xml)")
    if "word/vbaProject.bin" in names or _macro_enabled(archive):
        raise Unreadable("a macro-enabled document (.docm) named .docx; save it as a .docx without macros")
    result = ReadResult()
    _core(archive, result)
    found: set[str] = set()
    if "word/comments.xml" in names:
        found.add("comments")
    if _external_template(archive):
        result.notes.append("the document names an external template (not fetched)")
    text = TextBuilder(limits, result)
    n = 0
    try:
        with archive.open("word/document.xml") as raw:
            stream = CappedReader(raw, limits.max_xml_bytes, "word/document.xml")
            for _, para in etree.iterparse(stream, events=("end",), tag=W_P, resolve_entities=False,
                                           no_network=True, load_dtd=False, huge_tree=False):
                n += 1
                parts = []
                for el in para.iter(W_T, W_TAB, W_BR, W_CR):
                    if el.tag == W_T:
                        parts.append(el.text or "")
                    elif el.getparent() is not None and el.getparent().tag == W_R:
                        parts.append("\t" if el.tag == W_TAB else "\n")
                line = "".join(parts)
                for el in para.iter(*_MARKUP):
                    found.add(_MARKUP[el.tag])
                if result.heading is None and line.strip() and _is_heading(para):
                    result.heading = one_line(line)
                if not text.add(f"in paragraph {n}", line):
                    break
                # Clearing also drops the text of nested paragraphs (text boxes) so it is not counted twice.
                para.clear(keep_tail=True)
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"word/document.xml is not well-formed XML ({one_line(exc.msg or str(exc))})") from None
    except MemoryError:                          # the child process reports the memory limit
        raise
    except Exception as exc:                     # zip stream errors: CRC, truncated data
        if isinstance(exc, Unreadable):
            raise
        raise Unreadable(f"word/document.xml cannot be read ({one_line(str(exc)) or type(exc).__name__})") from None
    if found:
        result.notes.append("contains " + ", ".join(sorted(found)) + " (text read as saved; check it)")
    return result


def _macro_enabled(archive) -> bool:  # noqa: ANN001
    types = read_member(archive, "[Content_Types].xml", 1 << 20, "[Content_Types].xml") or b""
    return b"macroEnabled" in types or b"vbaProject" in types


def _external_template(archive) -> bool:  # noqa: ANN001
    rels = read_member(archive, "word/_rels/settings.xml.rels", 1 << 20, "word/_rels/settings.xml.rels") or b""
    return b"attachedTemplate" in rels and b'TargetMode="External"' in rels


def _is_heading(para) -> bool:  # noqa: ANN001
    ppr = para.find(W_PPR)
    style = ppr.find(W_PSTYLE) if ppr is not None else None
    value = (style.get(W_VAL) or "") if style is not None else ""
    return value == "Title" or value.startswith("Heading")


def _core(archive, result: ReadResult) -> None:  # noqa: ANN001
    raw = read_member(archive, "docProps/core.xml", 1 << 20, "docProps/core.xml")
    if not raw:
        return
    try:
        root = etree.fromstring(raw, parser=_parser())
    except etree.XMLSyntaxError:
        result.notes.append("DOCX core properties ignored: not well-formed XML")
        return
    found = {CORE[el.tag]: (el.text or "").strip() for el in root if el.tag in CORE}
    if found.get("title"):
        result.props["title"] = (one_line(found["title"], 300), "DOCX title property")
    if found.get("category"):
        result.props["type"] = (found["category"], "DOCX category property")
    if found.get("creator"):
        result.props["author"] = (one_line(found["creator"]), "DOCX creator property")
    if found.get("keywords"):
        result.keywords = (found["keywords"], "DOCX keywords")


# ------------------------------------------------------------------------------------------ document

W_TBL, W_TR, W_TC, W_RPR = W + "tbl", W + "tr", W + "tc", W + "rPr"
_IMAGE_TAGS = {W + "drawing", W + "pict", W + "object"}
_HEADINGS = {"title": ("title", 0), "subtitle": ("subtitle", 0), "heading1": ("heading", 1),
             "heading2": ("heading", 2), "heading3": ("heading", 3), "heading4": ("heading", 4),
             "heading5": ("heading", 5), "heading6": ("heading", 6)}
_LIST_STYLES = ("listparagraph", "listbullet", "listnumber", "list")


def document(data: bytes, limits: Limits) -> Document:
    """Headings, paragraphs, list paragraphs and tables from word/document.xml, streamed (what has been
    made into blocks is freed as the parse goes), cut at MAX_TEXT_CHARS. Images are said, not shown."""
    archive = open_ooxml(data, "docx", limits)
    try:
        if "word/document.xml" not in archive.namelist():
            raise Unreadable("not a valid .docx (no word/document.xml)")
        builder = _Blocks()
        with archive.open("word/document.xml") as raw:
            stream = CappedReader(raw, limits.max_xml_bytes, "word/document.xml")
            for _, el in etree.iterparse(stream, events=("end",), tag=(W_P, W_TBL), resolve_entities=False,
                                         no_network=True, load_dtd=False, huge_tree=False):
                if builder.full:
                    break
                if any(a.tag in (W_P, W_TBL) for a in el.iterancestors()):
                    continue            # part of a table or text box: handled with its container
                if el.tag == W_P:
                    builder.paragraph(el)
                else:
                    builder.table(el)
                el.clear(keep_tail=True)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
    except etree.XMLSyntaxError as exc:
        raise Unreadable(f"word/document.xml is not well-formed XML ({one_line(exc.msg or str(exc))})") from None
    except (Unreadable, MemoryError):            # the child process reports the memory limit
        raise
    except Exception as exc:                     # zip stream errors: CRC, truncated data
        raise Unreadable(f"word/document.xml cannot be read ({one_line(str(exc)) or type(exc).__name__})") from None
    finally:
        archive.close()
    return Document("docx", builder.blocks, builder.notes)


class _Blocks:
    def __init__(self) -> None:
        self.blocks: list = []
        self.notes: list[str] = []
        self.left = MAX_TEXT_CHARS
        self.full = False

    def _take(self, n: int) -> None:
        self.left -= n
        if self.left < 0 and not self.full:
            self.full = True
            self.notes.append(f"text cut at {MAX_TEXT_CHARS:,} characters")

    def paragraph(self, p) -> None:  # noqa: ANN001
        content, plain, images, hidden = _runs(p)
        if hidden:
            self.notes.append("hidden text not shown")
        self._take(len(plain))
        if plain.strip():
            if len(plain) > MAX_PARAGRAPH_CHARS:
                content = [Verbatim(cut(plain, MAX_PARAGRAPH_CHARS))]
            self.blocks.append(_block(p, content))
        if images:
            self.blocks.append(Remark("[image not shown]"))

    def table(self, tbl) -> None:  # noqa: ANN001
        rows: list[list[Cell]] = []
        header_rows = 0
        for r, tr in enumerate(tbl.iterchildren(W_TR)):
            trpr = tr.find(W + "trPr")
            if r == header_rows and trpr is not None and trpr.find(W + "tblHeader") is not None:
                header_rows += 1
            rows.append([Cell(self._cell(tc), span=_grid_span(tc)) for tc in tr.iterchildren(W_TC)])
            if self.full:
                break
        if any(rows):
            self.blocks.append(Table(rows, header_rows))

    def _cell(self, tc) -> list:  # noqa: ANN001
        """A cell's paragraphs (a nested table's flattened into them), cut at MAX_CELL_CHARS."""
        blocks: list = []
        budget = MAX_CELL_CHARS
        for p in tc.iter(W_P):
            if any(a.tag == W_P for a in p.iterancestors()):
                continue                  # a text box inside a paragraph: its runs come with it
            content, plain, images, _ = _runs(p)
            self._take(len(plain))
            if plain.strip() and budget > 0:
                if len(plain) > budget:
                    content = [Verbatim(cut(plain, budget))]
                    self.notes.append(f"table cell text cut at {MAX_CELL_CHARS:,} characters")
                budget -= len(plain)
                blocks.append(_block(p, content))
            if images:
                blocks.append(Remark("[image not shown]"))
        return blocks


def _block(p, content: list[Inline]):  # noqa: ANN001, ANN202
    kind, level = _paragraph_kind(p)
    if kind == "list":
        return ListItem(content, "•", level + 1)
    if kind == "body":
        return Paragraph(content)
    return Heading(content, level, kind)


def _grid_span(tc) -> int:  # noqa: ANN001
    tcpr = tc.find(W + "tcPr")
    span = tcpr.find(W + "gridSpan") if tcpr is not None else None
    try:
        return max(1, min(int(span.get(W_VAL)), 64)) if span is not None else 1
    except (TypeError, ValueError):
        return 1


def _on(el) -> bool:  # noqa: ANN001
    return el is not None and (el.get(W_VAL) or "true").lower() not in ("0", "false", "off", "none")


def _runs(p) -> tuple[list[Inline], str, bool, bool]:  # noqa: ANN001
    """(inlines with bold and italic, plain text, has images, has hidden text) of a paragraph."""
    content: list[Inline] = []
    plain: list[str] = []
    images = hidden = False
    for run in p.iter(W_R):
        rpr = run.find(W_RPR)
        if rpr is not None and _on(rpr.find(W + "vanish")):
            hidden = True
            continue
        bold = rpr is not None and _on(rpr.find(W + "b"))
        italic = rpr is not None and _on(rpr.find(W + "i"))
        parts: list[str] = []
        for child in run:
            if child.tag == W_T:
                parts.append(child.text or "")
            elif child.tag == W_TAB:
                parts.append("    ")
            elif child.tag in (W_BR, W_CR):
                parts.append("\n")
            elif child.tag in _IMAGE_TAGS:
                images = True
        text = "".join(parts)
        if not text:
            continue
        plain.append(text)
        piece: list[Inline] = []
        for n, line in enumerate(one_break(text).split("\n")):
            if n:
                piece.append(Break())
            if line:
                piece.append(Text(line))
        if bold:
            piece = [Styled("bold", piece)]
        if italic:
            piece = [Styled("italic", piece)]
        content.extend(piece)
    return content, "".join(plain), images, hidden


def _paragraph_kind(p) -> tuple[str, int]:  # noqa: ANN001
    """("title" | "subtitle" | "heading" | "list" | "body", heading level or list level)."""
    ppr = p.find(W_PPR)
    if ppr is None:
        return "body", 0
    style_el = ppr.find(W_PSTYLE)
    style = (style_el.get(W_VAL) or "").lower().replace(" ", "") if style_el is not None else ""
    if style in _HEADINGS:
        return _HEADINGS[style]
    numpr = ppr.find(W + "numPr")
    if numpr is not None or style.startswith(_LIST_STYLES):
        level = 0
        ilvl = numpr.find(W + "ilvl") if numpr is not None else None
        if ilvl is not None:
            try:
                level = max(0, min(int(ilvl.get(W_VAL) or 0), 8))
            except ValueError:
                level = 0
        return "list", level
    return "body", 0
