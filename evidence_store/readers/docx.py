"""DOCX: paragraphs (table cells included) streamed from word/document.xml, and the core properties."""
from __future__ import annotations

from lxml import etree

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
