"""A strict, small YAML reader for plan files: plain data only, with the line of every key and item.

Built on PyYAML's scanner, parser and composer; the node tree is turned into Python values here
(not by PyYAML's constructor) so the YAML 1.1 surprises never happen:

- only `true`/`false` (any case) are booleans: `yes`, `no`, `on`, `off`, `y`, `n` stay text;
- integers are base 10 without leading zeros: `0755`, `007` stay text (never octal),
  `1:30` stays text (never sexagesimal), `1_000` stays text;
- `2026-02-14` becomes a `datetime.date`; an impossible date such as `2026-02-30` is an error;
  date-times (`2026-02-14T10:00`) stay text, so date fields reject them;
- anchors, aliases, merge keys and explicit tags (other than `!!str`) are errors;
- a key given twice in one mapping is an error naming both lines.

Two readers give the same result: libyaml's event parser (PyYAML's C extension) when it is
installed, and PyYAML's pure-Python scanner, parser and composer. The fast one only ever succeeds
on text with none of the problems above; anything it does not accept, or accepts only with a
doubt, is read again by the pure one, so every error message and line comes from one place.
"""
from __future__ import annotations

import contextlib

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import (AliasEvent, CollectionStartEvent, DocumentEndEvent, DocumentStartEvent,
                         MappingEndEvent, MappingStartEvent, ScalarEvent, SequenceEndEvent,
                         SequenceStartEvent, StreamEndEvent)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

try:
    from yaml._yaml import CParser as _CParser        # libyaml: about 20 times faster
except ImportError:                                   # PyYAML built without libyaml
    _CParser = None

Path = tuple[str | int, ...]          # ("actions", 2, "owner")

# Read with libyaml first when it is there (tests switch it off to compare both readers).
USE_LIBYAML = _CParser is not None

MAX_DEPTH = 50

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_DATE = "tag:yaml.org,2002:timestamp"

# Order matters: the first pattern that matches a plain scalar decides its type.
_PLAIN_TYPES = [
    (_NULL, re.compile(r"(?:~|null|Null|NULL|)\Z")),
    (_BOOL, re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")),
    (_INT, re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")),
    (_FLOAT, re.compile(r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")),
    (_DATE, re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")),
]

# Characters YAML forbids in a stream (PyYAML would report them without a usable line).
_NON_PRINTABLE = re.compile("[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010FFFF]")
# Text libyaml and PyYAML read differently is only read by the pure reader: a tab (libyaml takes
# it as a space where PyYAML refuses it), a BOM after the start, the Unicode line breaks, and a
# comment straight after a block scalar's `|` or `>` (libyaml allows it).
_PURE_ONLY = re.compile("[\t\x85\u2028\u2029\uFEFF]|[|>][-+0-9]*#")


class StrictYamlError(Exception):
    """A problem in the YAML text itself: `line` is 1-based, `path` the field where known."""

    def __init__(self, message: str, line: int | None, path: Path | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


@dataclass
class Document:
    """The plain data of one YAML document and the line of every mapping key and sequence item."""
    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int:
        """The line of `path`, else of its nearest ancestor that exists (a missing field -> its parent)."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


class _Resolver(BaseResolver):
    """YAML 1.2-core-like typing of plain scalars; quoted scalars are always text."""

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in _PLAIN_TYPES:
                    if pattern.match(value):
                        return tag
            return _STR
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


class _Composer(Composer):
    """PyYAML's composer, refusing aliases, anchors, explicit tags and runaway nesting."""

    _depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        line = event.start_mark.line + 1
        if isinstance(event, AliasEvent) or event.anchor is not None:
            raise StrictYamlError("aliases and anchors are not allowed", line)
        tag = getattr(event, "tag", None)
        allowed = (None, "!", _STR) if isinstance(event, ScalarEvent) else (None, "!")
        if isinstance(event, (ScalarEvent, CollectionStartEvent)) and tag not in allowed:
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise StrictYamlError(f"YAML tags are not allowed ({shown})", line)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise StrictYamlError(f"nested more than {MAX_DEPTH} levels deep", line)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(Reader, Scanner, Parser, _Composer, _Resolver):
    def __init__(self, text: str) -> None:
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        _Resolver.__init__(self)


def load(text: str) -> Document:
    """Parse one YAML document from `text`. Raises StrictYamlError; an empty document gives None."""
    bad = _NON_PRINTABLE.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise StrictYamlError(f"the character U+{ord(bad.group()):04X} is not allowed in YAML", line)
    if USE_LIBYAML and _CParser is not None and not _PURE_ONLY.search(text):
        with contextlib.suppress(_Doubt, yaml.YAMLError, ValueError):   # the pure reader decides, and words the error
            return _load_fast(text)
    return _load_pure(text)


def _load_pure(text: str) -> Document:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "cannot be parsed"
        if exc.context and "expected a single document" not in exc.context:
            problem = f"{problem} ({exc.context})"
        elif exc.context:
            problem = "a plan file holds one YAML document (found a second '---')"
        raise StrictYamlError(f"invalid YAML: {problem}", mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:   # ReaderError and friends carry no mark
        raise StrictYamlError(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    doc = Document(data=None, lines={(): 1})
    if node is not None:
        doc.data = _value(node, (), doc.lines)
    return doc


def _value(node: Node, path: Path, lines: dict[Path, int]) -> Any:
    if isinstance(node, ScalarNode):
        return _scalar(node, path)
    if isinstance(node, SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[path + (index,)] = item.start_mark.line + 1
            items.append(_value(item, path + (index,), lines))
        return items
    mapping: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, ScalarNode):
            raise StrictYamlError("a key must be plain text, not a list or mapping", line, path)
        key = key_node.value
        if key in first_line:
            raise StrictYamlError(
                f"duplicate key '{key}': first at line {first_line[key]}, again at line {line}",
                line, path + (key,))
        first_line[key] = line
        lines[path + (key,)] = line
        mapping[key] = _value(value_node, path + (key,), lines)
    return mapping


def _scalar(node: ScalarNode, path: Path) -> Any:
    try:
        return _typed(node.tag, node.value)
    except _BadDate:
        raise StrictYamlError(f"{node.value} is not a valid date", node.start_mark.line + 1, path) from None


class _BadDate(ValueError):
    """A date-shaped scalar that is no date (31 February)."""


def _typed(tag: str, text: str) -> Any:
    if tag == _STR:
        return text
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return text.lower() == "true"
    if tag == _INT:
        try:
            return int(text)
        except ValueError:      # beyond Python's digit limit: keep the text
            return text
    if tag == _FLOAT:
        return float(text)
    if tag == _DATE:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise _BadDate(text) from None
    return text


# ------------------------------------------------------------------------------ the libyaml reader

class _Doubt(Exception):
    """Something the pure reader must look at (and most likely refuse, with its own message)."""


def _plain_tag(text: str) -> str:
    for tag, pattern in _PLAIN_TYPES:
        if pattern.match(text):
            return tag
    return _STR


def _load_fast(text: str) -> Document:
    """The same Document as the pure reader, from libyaml's events; _Doubt on anything unusual."""
    parser = _CParser(text)
    try:
        get = parser.get_event
        get()                                            # StreamStartEvent
        event = get()
        doc = Document(data=None, lines={(): 1})
        if type(event) is StreamEndEvent:
            return doc
        if type(event) is not DocumentStartEvent:
            raise _Doubt
        doc.data = _fast_node(get, get(), (), doc.lines, 1, False)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _Doubt                                 # a second document, or trouble after the first
        return doc
    finally:
        parser.dispose()


def _fast_node(get, event, path: Path, lines: dict[Path, int], depth: int, flow: bool) -> Any:  # noqa: ANN001
    kind = type(event)
    if depth > MAX_DEPTH or event.anchor is not None:   # an AliasEvent has an anchor too
        raise _Doubt
    if kind is ScalarEvent:
        if flow and not event.style and "?" in event.value:
            raise _Doubt                    # PyYAML ends a plain scalar at '?' inside [...] and {...}
        tag = event.tag
        if tag is None:
            tag = _plain_tag(event.value) if event.implicit[0] else _STR
        elif tag != _STR:           # even `!`: libyaml and PyYAML type an empty `!` node differently
            raise _Doubt
        return _typed(tag, event.value)
    if event.tag is not None:
        raise _Doubt
    flow = flow or bool(event.flow_style)
    if kind is SequenceStartEvent:
        items = []
        event = get()
        while type(event) is not SequenceEndEvent:
            here = path + (len(items),)
            lines[here] = event.start_mark.line + 1
            items.append(_fast_node(get, event, here, lines, depth + 1, flow))
            event = get()
        return items
    if kind is not MappingStartEvent:
        raise _Doubt
    mapping: dict[str, Any] = {}
    event = get()
    while type(event) is not MappingEndEvent:
        # a key: plain text, no anchor or disallowed tag, not seen before in this mapping
        if (type(event) is not ScalarEvent or event.anchor is not None or depth >= MAX_DEPTH
                or event.tag not in (None, _STR) or event.value in mapping
                or (flow and not event.style and "?" in event.value)):
            raise _Doubt
        key = event.value
        here = path + (key,)
        lines[here] = event.start_mark.line + 1
        mapping[key] = _fast_node(get, get(), here, lines, depth + 1, flow)
        event = get()
    return mapping
