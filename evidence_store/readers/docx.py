"""DOCX: paragraphs (table cells included) streamed from word/document.xml, and the core properties; as a
document, headings, paragraphs with their bold and italic runs, list paragraphs and tables; as a tracker's grid,
every table with each cell's shading and merges, after the paragraphs before the first table.

Over 400 lines: the three readings of word/document.xml share its streaming parse and its run and paragraph
helpers, so they stay together."""
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


# ------------------------------------------------------------------------------------------ grid (trackers)

_NOT_COLOURED_STYLES = {"tablegrid", "tablenormal", "normaltable", "plaintable1", ""}
# Word's theme colour names, as the theme's colour scheme names them
_THEME_NAMES = {"dark1": "dk1", "light1": "lt1", "dark2": "dk2", "light2": "lt2", "text1": "dk1",
                "background1": "lt1", "text2": "dk2", "background2": "lt2", "hyperlink": "hlink",
                "followedhyperlink": "folHlink", **{f"accent{n}": f"accent{n}" for n in range(1, 7)}}


def grid(data: bytes, limits: Limits) -> dict:
    """Every table of the document in order ("Table 1", "Table 2"...), after a "Text" sheet of the paragraphs
    before the first table, as the plain form of an evidence_store.grid Book: each cell's text (its paragraphs
    joined with a line break), its shading as its fill, its text's colour as its font; a cell spanning columns
    or merged down covers the cells it takes. At most `limits.max_xlsx_rows` table rows in all."""
    from .xlsx import ole_reason, theme_colours

    reason = ole_reason(data, "document", "a Word 97-2003 document (.doc): save it as a Word Document (.docx)")
    if reason:
        raise Unreadable(reason)
    archive = open_ooxml(data, "docx", limits)
    try:
        names = set(archive.namelist())
        if "word/document.xml" not in names:
            raise Unreadable("not a valid .docx (no word/document.xml)")
        if "word/vbaProject.bin" in names or _macro_enabled(archive):
            raise Unreadable("a macro-enabled document (.docm) named .docx; save it as a .docx without macros")
        theme = read_member(archive, "word/theme/theme1.xml", limits.max_meta_bytes, "word/theme/theme1.xml")
        tables = _Tables(theme_colours(theme), limits)
        with archive.open("word/document.xml") as raw:
            stream = CappedReader(raw, limits.max_xml_bytes, "word/document.xml")
            for _, el in etree.iterparse(stream, events=("end",), tag=(W_P, W_TBL), resolve_entities=False,
                                         no_network=True, load_dtd=False, huge_tree=False):
                if any(a.tag in (W_P, W_TBL) for a in el.iterancestors()):
                    continue            # part of a table or text box: read with its container
                if el.tag == W_TBL:
                    tables.table(el)
                elif not tables.sheets:
                    tables.paragraph(el)
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
    if not tables.sheets:
        raise Unreadable("not a tracker: the .docx has no tables (sgpack reads a Word tracker's tables)")
    text = [{"name": "Text", "hidden": False, "rows": tables.text, "merges": [], "truncated": False}]
    return {"format": "docx", "sheets": (text if tables.text else []) + tables.sheets, "notes": tables.notes,
            "epoch_1904": False}


class _Tables:
    def __init__(self, theme: dict[str, str], limits: Limits) -> None:
        self.theme, self.limits = theme, limits
        self.text: list[list[tuple]] = []
        self.sheets: list[dict] = []
        self.notes: list[str] = []
        self.left = limits.max_xlsx_rows

    def paragraph(self, p) -> None:  # noqa: ANN001
        """A paragraph before the first table: a row of the Text sheet."""
        text = _plain(p)
        if text.strip():
            self.text.append([(text, None, None, False)])

    def table(self, tbl) -> None:  # noqa: ANN001
        name = f"Table {len(self.sheets) + 1}"
        style = tbl.find(f"{W}tblPr/{W}tblStyle")
        style_name = (style.get(W_VAL) or "") if style is not None else ""
        if style_name.lower().replace(" ", "").replace("-", "") not in _NOT_COLOURED_STYLES:
            self.notes.append(f"{name} has the table style {one_line(style_name, 40)!r}: the colours a table style "
                              "gives are not read, only each cell's own shading")
        default = _shading(tbl.find(f"{W}tblPr/{W}shd"), self.theme)
        rows: list[list[tuple]] = []
        merges: list[tuple[int, int, int, int]] = []
        regions: dict[int, list] = {}            # first column -> [first row, first col, last row, last col, look]
        truncated = False
        for number, tr in enumerate(tbl.iterchildren(W_TR), start=1):
            if self.left <= 0:
                truncated = True
                self.notes.append(f"{name}: only the first {self.limits.max_xlsx_rows:,} table rows read (limit)")
                break
            self.left -= 1
            before = tr.find(f"{W}trPr/{W}gridBefore")
            row: list[tuple] = [(None, None, None, False)] * _count(before)
            for tc in tr.iterchildren(W_TC):
                column, span = len(row) + 1, _grid_span(tc)
                tcpr = tc.find(W + "tcPr")
                vmerge = tcpr.find(W + "vMerge") if tcpr is not None else None
                region = regions.get(column)
                if vmerge is not None and (vmerge.get(W_VAL) or "continue") == "continue" and region is not None:
                    region[2] = number                   # merged down: covered, showing the first cell's look
                    row.extend([(None, *region[4], True)] * (region[3] - column + 1))
                    continue
                look = (_shading(tcpr.find(W + "shd") if tcpr is not None else None, self.theme) or default,
                        _font(tc, self.theme))
                text = _cell_text(tc)
                row.append((text or None, *look, False))
                row.extend([(None, *look, True)] * (span - 1))
                if region is not None:
                    merges.extend(_closed(regions.pop(column)))
                if vmerge is not None:               # merged down from here: open until a cell stands alone
                    regions[column] = [number, column, number, column + span - 1, look]
                elif span > 1:
                    merges.append((number, column, number, column + span - 1))
            rows.append(row[: self.limits.max_columns])
        for region in regions.values():
            merges.extend(_closed(region))
        empty = (None, None, None, False)
        for row in rows:
            while row and row[-1] == empty:
                row.pop()
        while rows and not rows[-1]:
            rows.pop()
        self.sheets.append({"name": name, "hidden": False, "rows": rows, "merges": sorted(merges),
                            "truncated": truncated})


def _closed(region: list) -> list[tuple[int, int, int, int]]:
    first_row, first_col, last_row, last_col, _ = region
    return [(first_row, first_col, last_row, last_col)] if (last_row, last_col) != (first_row, first_col) else []


def _count(el) -> int:  # noqa: ANN001
    try:
        return max(0, min(int(el.get(W_VAL)), 64)) if el is not None else 0
    except (TypeError, ValueError):
        return 0


def _plain(p) -> str:  # noqa: ANN001
    """A paragraph's text as shown: tabs and line breaks kept, hidden runs left out."""
    parts: list[str] = []
    for run in p.iter(W_R):
        rpr = run.find(W_RPR)
        if rpr is not None and _on(rpr.find(W + "vanish")):
            continue
        for child in run:
            if child.tag == W_T:
                parts.append(child.text or "")
            elif child.tag == W_TAB:
                parts.append("\t")
            elif child.tag in (W_BR, W_CR):
                parts.append("\n")
    return "".join(parts)


def _cell_text(tc) -> str:  # noqa: ANN001
    """A cell's paragraphs (a nested table's too) joined with a line break, empty ones at either end left out."""
    lines = [_plain(p) for p in tc.iter(W_P) if not any(a.tag == W_P for a in p.iterancestors())]
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines)


def _shading(shd, theme: dict[str, str]) -> str | None:  # noqa: ANN001
    """A cell's shading as "#RRGGBB": the colour Word wrote (w:fill, or w:color for a solid pattern), else its
    theme colour with its tint or shade; None for none or automatic."""
    if shd is None or (shd.get(W_VAL) or "") == "nil":
        return None
    # a solid pattern shows its pattern colour (w:color); any other shows the fill behind it
    names = ("color", "themeColor", "themeTint", "themeShade") if shd.get(W_VAL) == "solid" else \
        ("fill", "themeFill", "themeFillTint", "themeFillShade")
    return _word_colour(*(shd.get(W + name) for name in names), theme)


def _font(tc, theme: dict[str, str]) -> str | None:  # noqa: ANN001
    """The colour of the cell's first run of text; None for automatic or black."""
    for run in tc.iter(W_R):
        if not any((t.text or "").strip() for t in run.iter(W_T)):
            continue
        color = run.find(f"{W_RPR}/{W}color")
        if color is None:
            return None
        shown = _word_colour(color.get(W_VAL), color.get(W + "themeColor"), color.get(W + "themeTint"),
                             color.get(W + "themeShade"), theme)
        return None if shown == "#000000" else shown
    return None


def _word_colour(value: str | None, theme_name: str | None, tint: str | None, shade: str | None,
                 theme: dict[str, str]) -> str | None:
    from .xlsx import tinted

    if value and value.lower() != "auto" and len(value) == 6 and all(c in "0123456789abcdefABCDEF" for c in value):
        return "#" + value.upper()
    base = theme.get(_THEME_NAMES.get((theme_name or "").lower(), ""))
    if not base:
        return None
    try:                                         # a tint or shade is a byte: FF leaves the colour as it is
        amount = 1 - int(tint, 16) / 255 if tint else -(1 - int(shade, 16) / 255) if shade else 0.0
    except ValueError:
        amount = 0.0
    return "#" + tinted(base, amount)
