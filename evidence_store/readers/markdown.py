"""Markdown: YAML front matter (the sidecar's keys) and the body text, line by line."""
from __future__ import annotations

import re

from ..limits import Limits
from ..yamlsafe import MetaYamlError, load_yaml
from .base import ReadResult, TextBuilder, decode_text, one_line
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
