"""What an import makes: each value with where it came from, the plan drafts, the options and the report."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_CELL = re.compile(r"(.+?![A-Z]{1,3}[0-9]+)(?![0-9])")


def cell_of(source: str | None) -> str | None:
    """The cell a value's source starts with ("Action plan!F8 'PS' through Key!A3" -> "Action plan!F8"), or None
    for a value sgpack inferred or defaulted."""
    if not source or source.startswith(("inferred", "no ", "made from", "not in", "the ", "--")):
        return None
    match = _CELL.match(source)
    return match.group(1) if match else None


@dataclass
class Value:
    """A plan value and where it came from: a cell ("Action plan!E7"), an option ("--provider"), or the words it
    was inferred from ("inferred from 'Manager to audit monthly'")."""
    value: Any
    source: str


@dataclass
class Options:
    provider: str | None = None
    service: str | None = None
    risk: str | None = None
    sheet: str | None = None


@dataclass
class Report:
    """What an import did, row by row, in words (the import report)."""
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)        # columns kept as narrative text

    def warn(self, where: str, text: str) -> None:
        self.warnings.append(f"{where}: {text}")


@dataclass
class PlanDraft:
    """One plan as the tracker gives it: the plan's fields, its actions (each a dict of Values), its file stem, and
    its indicators where the tracker holds them (sgpack's own export does)."""
    provider: Value
    head: dict[str, Value]
    actions: list[dict[str, Value]]
    stem: str
    indicators: Value | None = None


def one_line(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
