"""What an import makes: each value with where it came from, the plan drafts, the options and the report."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
