"""A strict YAML loader for evidence metadata: every scalar a string (or null), no aliases, no duplicate keys."""
from __future__ import annotations

import yaml


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
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except MetaYamlError:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}: " if mark else ""
        raise MetaYamlError(f"{where}{exc.problem or exc.context or 'invalid YAML'}") from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise MetaYamlError(f"invalid YAML ({type(exc).__name__})") from None
