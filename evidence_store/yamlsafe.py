"""A strict YAML loader for evidence metadata: every scalar a string (or null), no aliases, no duplicate keys.

libyaml's event parser reads the plain cases (no tags, anchors or aliases) when it is installed;
anything else, and anything it doubts, is read by PyYAML's pure-Python loader, which also words
every error, so both give the same result.
"""
from __future__ import annotations

import contextlib

import re

import yaml
from yaml.events import (DocumentEndEvent, DocumentStartEvent, MappingEndEvent, MappingStartEvent,
                         ScalarEvent, SequenceEndEvent, SequenceStartEvent, StreamEndEvent)

try:
    from yaml._yaml import CParser as _CParser
except ImportError:                                   # PyYAML built without libyaml
    _CParser = None

USE_LIBYAML = _CParser is not None
# Text the two parsers read differently goes to the pure one (see compiler/plans/strict_yaml.py).
_PURE_ONLY = re.compile("[\t\x85\u2028\u2029\uFEFF]|[|>][-+0-9]*#")
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")


class MetaYamlError(ValueError):
    """The metadata YAML cannot be used; the message is one line naming the line number."""


class _StrictLoader(yaml.SafeLoader):
    """Dates, numbers and yes/no stay strings: metadata values are parsed by the caller, so
    `date: 2026-02-30` or `id: 012` never crash or change silently."""

    def compose_node(self, parent, index):  # noqa: ANN001
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise MetaYamlError(f"line {mark.line + 1}: YAML aliases are not allowed")
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):  # noqa: ANN001
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                dup = key in seen
            except TypeError:
                raise MetaYamlError(f"line {key_node.start_mark.line + 1}: a key must be a plain value") from None
            if dup:
                raise MetaYamlError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(text: str):
    """Parse metadata YAML; raise MetaYamlError with a line number on anything wrong."""
    if USE_LIBYAML and _CParser is not None and not _PURE_ONLY.search(text):
        with contextlib.suppress(_Doubt, yaml.YAMLError, RecursionError):   # the pure loader decides, and words the error
            return _load_fast(text)
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except MetaYamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        raise MetaYamlError(f"{where}{exc.problem or exc.context or 'invalid YAML'}") from None
    except (yaml.YAMLError, RecursionError, ValueError, LookupError, AttributeError, TypeError) as exc:
        # PyYAML's constructors for explicit tags fail this way on bad values (`!!int` alone, `!!bool x`)
        raise MetaYamlError(f"invalid YAML ({type(exc).__name__})") from None


class _Doubt(Exception):
    """Something only the pure loader reads exactly (or refuses, with its own message)."""


def _load_fast(text: str):
    parser = _CParser(text)
    try:
        get = parser.get_event
        get()                                            # StreamStartEvent
        event = get()
        if type(event) is StreamEndEvent:
            return None
        if type(event) is not DocumentStartEvent:
            raise _Doubt
        value = _fast_node(get, get(), False)
        if type(get()) is not DocumentEndEvent or type(get()) is not StreamEndEvent:
            raise _Doubt
        return value
    finally:
        parser.dispose()


def _fast_node(get, event, flow: bool):  # noqa: ANN001, ANN202
    kind = type(event)
    if kind is ScalarEvent:
        if event.anchor is not None or event.tag is not None or (flow and not event.style and "?" in event.value):
            raise _Doubt
        return None if event.implicit[0] and _NULL.match(event.value) else event.value
    if kind not in (SequenceStartEvent, MappingStartEvent) or event.anchor is not None or event.tag is not None:
        raise _Doubt                                     # an alias, an anchor or a tag
    flow = flow or bool(event.flow_style)
    if kind is SequenceStartEvent:
        items = []
        event = get()
        while type(event) is not SequenceEndEvent:
            items.append(_fast_node(get, event, flow))
            event = get()
        return items
    mapping: dict = {}
    event = get()
    while type(event) is not MappingEndEvent:
        if type(event) is not ScalarEvent:
            raise _Doubt                                 # a list or mapping as a key
        key = _fast_node(get, event, flow)
        if key in mapping:
            raise _Doubt                                 # a duplicate key: the pure loader names its line
        mapping[key] = _fast_node(get, get(), flow)
        event = get()
    return mapping
