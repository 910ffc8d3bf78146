"""Markdown: YAML front matter (the sidecar's keys) and the body text, line by line; as a document, the
front matter as keys and values and the body parsed by markdown-it (raw HTML off: it is shown as text)."""
from __future__ import annotations

import re

from ..document import (MAX_CELL_CHARS, Break, Cell, Code, CodeBlock, Document, Heading, Hyperlink,
                        Inline, KeyValues, ListItem, Paragraph, Rule, Styled, Table, Text, Verbatim, cut)
from ..limits import Limits
from ..yamlsafe import MetaYamlError, load_yaml
from .base import ReadResult, TextBuilder, Unreadable, decode_text, one_line
from .blocks import limit_text
from .text import add_lines

READER_VERSION = "1"   # bump when what this reader returns changes: the cache then reads such files again

_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


def read(data: bytes, limits: Limits) -> ReadResult:
    result = ReadResult()
    text = decode_text(data)
    lines = text.splitlines()
    body_start = 0
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is None:
            result.notes.append("front matter ignored: no closing '---' line")
        else:
            body_start = end + 1
            _front_matter("\n".join(lines[1:end]), result)
    body = "\n".join(lines[body_start:])
    add_lines(body, TextBuilder(limits, result), first_line=body_start + 1)
    result.heading = _first_heading(lines[body_start:])
    return result


def _front_matter(source: str, result: ReadResult) -> None:
    try:
        meta = load_yaml(source)
    except MetaYamlError as exc:
        # line numbers in the front matter start after the opening '---'
        result.notes.append(f"front matter ignored: invalid YAML ({_shift(str(exc))})")
        return
    if meta is None:
        return
    if not isinstance(meta, dict):
        result.notes.append("front matter ignored: it is not a list of 'key: value' lines")
        return
    result.props["front_matter"] = (meta, "front matter")


def _shift(message: str) -> str:
    match = re.match(r"line (\d+): (.*)", message)
    return f"line {int(match.group(1)) + 1}: {match.group(2)}" if match else message


def _first_heading(lines: list[str]) -> str | None:
    fenced = False
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        match = _ATX.match(line)
        if match:
            return one_line(match.group(1), 300)
        if line.strip() and i + 1 < len(lines) and re.fullmatch(r" {0,3}(=+|-+)[ \t]*", lines[i + 1]) \
                and not re.fullmatch(r" {0,3}-+[ \t]*", line):
            return one_line(line.strip(), 300)
    return None


# ------------------------------------------------------------------------------------------ document

def document(data: bytes, limits: Limits) -> Document:
    """Front matter as keys and values, then the body (js-default preset: raw HTML off; links and
    images are text, never followed or loaded)."""
    from markdown_it import MarkdownIt

    notes: list[str] = []
    text = limit_text(decode_text(data), notes).replace("\r\n", "\n").replace("\r", "\n")
    blocks: list = []
    lines = text.split("\n")
    if lines and lines[0].rstrip() == "---":
        end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
        if end is not None:
            blocks.extend(_shown_front_matter("\n".join(lines[1:end]), notes))
            text = "\n".join(lines[end + 1:])
    try:
        tokens = MarkdownIt("js-default").parse(text)
    except RecursionError:
        raise Unreadable("the Markdown is nested too deeply to render") from None
    blocks.extend(_Blocks().run(tokens))
    return Document("md", blocks, notes)


def _shown_front_matter(source: str, notes: list[str]) -> list:
    try:
        meta = load_yaml(source)
    except MetaYamlError:
        notes.append("front matter is not valid YAML; shown as text")
        return [CodeBlock(source, whole=True)]
    if meta is None:
        return []
    if not isinstance(meta, dict):
        return [CodeBlock(source, whole=True)]
    rows = []
    for key, value in meta.items():
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append((cut(str(key), 200), cut(str(value if value is not None else ""), MAX_CELL_CHARS)))
    return [KeyValues(rows, kind="front matter")] if rows else []


class _Blocks:
    """Walks markdown-it's flat token stream (no recursion) and makes blocks."""

    def __init__(self) -> None:
        self.blocks: list = []
        self.lists: list[list[int | None]] = []      # per open list: [next number or None]
        self.quote = 0
        self.table: list[list[Cell]] | None = None
        self.heading: int | None = None
        self.pending_marker: str | None = None        # the open item's marker, until a paragraph takes it

    def run(self, tokens: list) -> list:  # noqa: ANN001
        for tok in tokens:
            t = tok.type
            if t == "heading_open":
                self.heading = int(tok.tag[1:]) if tok.tag[1:].isdigit() else 3
            elif t == "heading_close":
                self.heading = None
            elif t == "bullet_list_open":
                self.lists.append([None])
            elif t == "ordered_list_open":
                start = tok.attrGet("start")
                self.lists.append([int(start) if isinstance(start, (int, str)) and str(start).isdigit() else 1])
            elif t in ("bullet_list_close", "ordered_list_close"):
                if self.lists:
                    self.lists.pop()
            elif t == "list_item_open":
                top = self.lists[-1] if self.lists else [None]
                if top[0] is None:
                    self.pending_marker = "•" if len(self.lists) % 2 else "◦"
                else:
                    self.pending_marker = f"{top[0]}."
                    top[0] += 1
            elif t == "blockquote_open":
                self.quote += 1
            elif t == "blockquote_close":
                self.quote = max(0, self.quote - 1)
            elif t == "hr":
                self.blocks.append(Rule())
            elif t in ("fence", "code_block"):
                self.blocks.append(CodeBlock(tok.content.rstrip("\n"), len(self.lists), self.quote))
            elif t == "table_open":
                self.table = []
            elif t == "tr_open" and self.table is not None:
                self.table.append([])
            elif t == "table_close" and self.table is not None:
                rows = [row for row in self.table if row]
                self.table = None
                if rows:
                    ncols = max(len(r) for r in rows)
                    rows = [r + [Cell([Paragraph([])]) for _ in range(ncols - len(r))] for r in rows]
                    self.blocks.append(Table(rows, header_rows=1))
            elif t == "inline":
                content = _inlines(tok.children or [])
                if self.table is not None and self.table:
                    self.table[-1].append(Cell([Paragraph(content)]))
                elif self.heading:
                    self.blocks.append(Heading(content, self.heading))
                elif _shows_something(content):
                    self._paragraph(content)
            elif t == "html_block":                 # not produced with html off; shown as text if it is
                self._paragraph([Verbatim(tok.content)])
        return self.blocks

    def _paragraph(self, content: list[Inline]) -> None:
        marker, self.pending_marker = self.pending_marker, None
        if marker is None:
            self.blocks.append(Paragraph(content, len(self.lists), self.quote))
        else:
            self.blocks.append(ListItem(content, marker, len(self.lists), self.quote))


def _inlines(children: list) -> list[Inline]:  # noqa: ANN001
    """Inline tokens as inlines: links keep their target as text, images become "[image: alt]"."""
    root: list[Inline] = []
    open_: list[list[Inline]] = [root]              # the content being filled, innermost last
    for tok in children:
        t = tok.type
        here = open_[-1]
        if t == "text":
            here.append(Text(tok.content))
        elif t == "code_inline":
            here.append(Code(tok.content))
        elif t == "softbreak":
            here.append(Text(" "))
        elif t == "hardbreak":
            here.append(Break())
        elif t in _STYLES:
            node = Styled(_STYLES[t])
            here.append(node)
            open_.append(node.content)
        elif t == "link_open":
            href = tok.attrGet("href")
            href = str(href) if href else None
            node = Hyperlink([], cut(href, 200) if href and not href.startswith("#") else None)
            here.append(node)
            open_.append(node.content)
        elif t in ("strong_close", "em_close", "s_close", "link_close"):
            if len(open_) > 1:
                open_.pop()
        elif t == "image":
            alt = tok.content or "".join(c.content for c in (tok.children or []))
            here.append(Text(f"[image: {alt}]"))
        elif tok.content:                           # html_inline (not produced with html off) and the rest
            here.append(Text(tok.content))
    return root


_STYLES = {"strong_open": "bold", "em_open": "italic", "s_open": "strike"}


def _shows_something(content: list[Inline]) -> bool:
    """Whether a paragraph of these inlines puts anything on the page (blank text alone does not)."""
    stack = list(content)
    while stack:
        node = stack.pop()
        if not isinstance(node, Text):
            return True
        if node.text.strip():
            return True
    return False
