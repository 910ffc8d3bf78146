"""A plan imported from a tracker as sgpack/plan@1 YAML: each value with a comment naming where it came from, and
a re-import merged into the plan file that is already there, so what the user added by hand survives."""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from compiler.trackers.fields import PlanDraft, Value
from compiler.trackers.key import Owner

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_BLOCK_SAFE = re.compile(r"[^\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff]*\Z")
# values a tracker's cell gives replace the plan file's; those sgpack only inferred or defaulted do not
INFERRED = ("inferred from", "made from", "no word of", "not in the tracker", "no service", "the earliest date",
            "no date in", "the sheet's name", "the file's name", "no reference")


@dataclass
class Emitted:
    """The YAML text, and for each of its lines the cell its value came from (for findings and errors)."""
    text: str
    cells: dict[int, str] = field(default_factory=dict)

    def cell_at(self, line: int | None) -> str | None:
        """The cell of a line, or of the nearest line above it that has one (an item of a list under its key)."""
        if not line:
            return None
        return next((self.cells[n] for n in range(line, 0, -1) if n in self.cells), None)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cells: dict[int, str] = {}

    def line(self, text: str, source: str | None = None) -> None:
        comment = f"   # {_comment(source)}" if source else ""
        self.lines.append(text + comment)
        cell = _cell(source)
        if cell:
            self.cells[len(self.lines)] = cell


def emit(draft: PlanDraft, tracker: str, kept: dict[str, Any] | None = None) -> Emitted:
    """The plan's YAML. `kept`: the plan file already there (its parsed data), merged in by action id."""
    out = _Writer()
    out.line(f"# Imported by sgpack from {_comment(tracker)}. Each value's comment says where it came from:")
    out.line("# a cell of the tracker, a command-line option, or the words it was inferred from. Check those.")
    out.line("format: sgpack/plan@1")
    old_head = (kept or {}).get("plan") or {}
    provider = _chosen(draft.provider, (kept or {}).get("provider"))
    out.line(f"provider: {_scalar(provider.value)}", provider.source)
    out.line("plan:")
    head = {k: _chosen(v, old_head.get(k)) for k, v in draft.head.items()}
    for key, value in head.items():
        _value_line(out, "  ", key, value, 4)
    for key, value in old_head.items():              # what the plan file has and the tracker does not
        if key not in head:
            _any(out, f"  {key}", value, 2)
    if draft.indicators is not None and draft.indicators.value:
        _value_line(out, "", "indicators", draft.indicators, 2)
    elif kept and kept.get("indicators"):
        _any(out, "indicators", kept["indicators"], 2)
    old_actions = {a.get("id"): a for a in (kept or {}).get("actions") or [] if isinstance(a, dict)}
    out.line("actions:" if draft.actions or old_actions else "actions: []")
    done: set[str] = set()
    for action in draft.actions:
        aid = action["id"].value
        done.add(aid)
        _action(out, action, old_actions.get(aid) or {})
    for aid, old in old_actions.items():              # actions the tracker no longer has: kept
        if aid not in done:
            out.line(f"  # {aid}: in the plan file, not in the tracker: kept as it was")
            _any(out, "  -", old, 4, first_inline=True)
    return Emitted("\n".join(out.lines) + "\n", out.cells)


def _action(out: _Writer, action: dict[str, Value], old: dict[str, Any]) -> None:
    start = len(out.lines) + 1
    _action_lines(out, action, old)
    if start not in out.cells:          # a finding on the action points at its row (the action's own cell)
        row = next((cell for line, cell in sorted(out.cells.items()) if line > start), None)
        if row is not None:
            out.cells[start] = row


def _action_lines(out: _Writer, action: dict[str, Value], old: dict[str, Any]) -> None:
    first = True
    values = {k: _chosen(v, old.get(k)) for k, v in action.items()}
    for key, value in values.items():
        lead = "  - " if first else "    "
        first = False
        if key == "owner" and isinstance(value.value, Owner):
            parts = [f"{k}: {json.dumps(v, ensure_ascii=False)}" for k, v in
                     (("name", value.value.name), ("role", value.value.role)) if v]
            out.line(f"{lead}owner: {{{', '.join(parts)}}}", value.source)
        elif isinstance(value.value, (list, dict)):
            _value_line(out, lead, key, value, 6)
        elif key == "narrative" and isinstance(value.value, str) and "\n" in value.value \
                and _BLOCK_SAFE.match(value.value):
            out.line(f"{lead}narrative: |-", value.source)
            for line in value.value.split("\n"):
                out.lines.append(f"      {line}".rstrip() if line.strip() else "")
        else:
            out.line(f"{lead}{key}: {_scalar(value.value)}", value.source)
    for key, value in old.items():                    # reviews, waive, evidence... the user added
        if key not in values:
            _any(out, f"    {key}", value, 6)


def _value_line(out: _Writer, lead: str, key: str, value: Value, indent: int) -> None:
    """`key: value` with its source as a comment; a list or a mapping below it, item by item."""
    if isinstance(value.value, list) and value.value:
        out.line(f"{lead}{key}:", value.source)
        for item in value.value:
            _any(out, " " * (indent - 2) + "-", item, indent, first_inline=True)
    elif isinstance(value.value, dict) and value.value:
        out.line(f"{lead}{key}:", value.source)
        for k, v in value.value.items():
            _any(out, " " * indent + _key(k), v, indent + 2)
    elif isinstance(value.value, (list, dict)):
        out.line(f"{lead}{key}: {'[]' if isinstance(value.value, list) else '{}'}", value.source)
    else:
        out.line(f"{lead}{key}: {_scalar(value.value)}", value.source)


def _chosen(new: Value, old: Any) -> Value:
    """The tracker's value, unless sgpack only inferred it and the plan file has one."""
    if old is None or not any(new.source.startswith(p) for p in INFERRED):
        return new
    return Value(old, "kept from the plan file")


def _any(out: _Writer, lead: str, value: Any, indent: int, first_inline: bool = False) -> None:
    """Any parsed YAML value (a mapping, a list, a scalar) written back."""
    pad = " " * indent
    if isinstance(value, dict):
        items = list(value.items())
        if not items:
            out.line(f"{lead}: {{}}" if not first_inline else f"{lead} {{}}")
            return
        if first_inline:
            k, v = items[0]
            _any(out, f"{lead} {_key(k)}", v, indent + 2)
            for k, v in items[1:]:
                _any(out, f"{pad}{_key(k)}", v, indent + 2)
        else:
            out.line(f"{lead}:")
            for k, v in items:
                _any(out, f"{pad}{_key(k)}", v, indent + 2)
    elif isinstance(value, list):
        if not value:
            out.line(f"{lead}: []" if not first_inline else f"{lead} []")
            return
        out.line(f"{lead}:" if not first_inline else lead)
        for item in value:
            _any(out, f"{pad}-", item, indent + 2, first_inline=True)
    else:
        out.line(f"{lead}{' ' if first_inline else ': '}{_scalar(value)}")


def _key(key: Any) -> str:
    return str(key) if _PLAIN.match(str(key)) else json.dumps(str(key), ensure_ascii=False)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if isinstance(value, (int, float)):
        return repr(value)
    if value is None:
        return "null"
    return json.dumps(str(value), ensure_ascii=False)


def _comment(source: str | None) -> str:
    return " ".join(str(source or "").split())[:200]


def _cell(source: str | None) -> str | None:
    """The first cell a source names ("Action plan!F8 'PS' through Key!A3" -> "Action plan!F8")."""
    match = re.match(r"(.+?![A-Z]{1,3}[0-9]+)\b", source or "")
    if match and not source.startswith(("inferred", "no word", "made from", "not in", "no ")):
        return match.group(1)
    match = re.search(r"in ([^,;()]+?![A-Z]{1,3}[0-9]+)\b", source or "")
    return match.group(1) if match else None
