"""The plan as sgpack understands it: plans, actions, requirements, indicators, waivers."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RAG = Literal["red", "amber", "green", "blue"]
Risk = Literal["low", "medium", "high"]
Kind = Literal["risk_control", "practice_change", "oversight", "evidence_measure"]
Status = Literal["planned", "in_progress", "completed", "closed"]
Counts = Literal["people", "events"]

# better -> worse, for comparing declared and assessed RAG
RAG_ORDER: dict[str, int] = {"blue": 3, "green": 2, "amber": 1, "red": 0}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Owner(_Model):
    """The person accountable for an action. `name` is None when only a role (or nothing) was given."""
    name: str | None = None
    role: str | None = None
    raw: str = ""            # as written in the plan, for messages ("On-call team", "TBC")

    @property
    def display(self) -> str:
        if self.name and self.role:
            return f"{self.name} ({self.role})"
        return self.name or self.role or self.raw


class Waiver(_Model):
    rule: str
    reason: str
    line: int | None = None


class Requirement(_Model):
    type: str
    count: int = 1
    within_days: int | None = None
    target: float | None = None          # audit score (%) that confirms practice change
    note: str | None = None
    line: int | None = None              # line of this requirement in the plan file


class Review(_Model):
    date: dt.date
    forum: str | None = None
    rag: RAG | None = None
    narrative: str | None = None
    line: int | None = None


class Indicator(_Model):
    id: str
    title: str
    better: Literal["lower", "higher"]
    data: str                            # path relative to the evidence folder
    target: float | None = None
    counts: Counts = "events"            # what a count series counts: people (1-4 are suppressed) or events
    sheet: str | None = None             # the workbook's sheet that holds the series (default: the one that does)
    period_column: str | None = None     # the table's columns, where the plan names them
    value_column: str | None = None
    line: int | None = None


class Action(_Model):
    id: str
    title: str
    kind: Kind
    owner: Owner | None = None
    risk: Risk                           # defaulted from the plan by the loader
    opened: dt.date                         # defaulted from the plan by the loader
    due: dt.date | None = None
    status: Status = "planned"
    closed: dt.date | None = None
    rag: RAG | None = None
    narrative: str | None = None
    indicators: list[str] = Field(default_factory=list)
    requires: list[Requirement] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    reviews: list[Review] = Field(default_factory=list)
    waive: list[Waiver] = Field(default_factory=list)
    quality_statements: list[str] = Field(default_factory=list)   # the action's own; none: its plan's
    commissioner_update: str | None = None   # said to the commissioner instead of the narrative
    # where it is: the field path of the action ("actions[2]") and the line of every field under it
    path: str = ""
    line: int | None = None
    lines: dict[str, int] = Field(default_factory=dict)   # "owner" -> 34, "requires[0]" -> 40, "rag" -> 38

    def line_of(self, field: str | None = None) -> int | None:
        """The line of `field` (e.g. "owner", "requires[1]"), else of the action itself."""
        if field and field in self.lines:
            return self.lines[field]
        return self.line

    @property
    def is_open(self) -> bool:
        return self.status not in ("completed", "closed")


class Plan(_Model):
    format: str = "sgpack/plan@1"
    provider: str
    id: str
    title: str
    service: str
    contract: str | None = None
    location_id: str | None = None       # the CQC location id of `service`, e.g. "1-123456789"
    origin: str | None = None
    abuse_types: list[str] = Field(default_factory=list)
    risk: Risk
    opened: dt.date
    review_every_days: int = 28
    governance_forum: str | None = None
    quality_statements: list[str] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    waive: list[Waiver] = Field(default_factory=list)
    file: str = ""                       # as given on the command line, for messages
    line: int | None = None              # line of the `plan:` mapping
    lines: dict[str, int] = Field(default_factory=dict)   # "plan.risk" -> 9, "indicators[0]" -> 17
    cells: dict[int, str] = Field(default_factory=dict)   # a plan read from a tracker: line -> "Sheet!D7"

    def line_of(self, field: str | None = None) -> int | None:
        if field and field in self.lines:
            return self.lines[field]
        return self.line

    def place(self, line: int | None) -> tuple[int | None, str | None]:
        """(line, cell) to show for a line of the plan: a plan read from a tracker has cells, not lines."""
        if not self.cells:
            return line, None
        return None, self.cells.get(line) if line is not None else None

    def quality_statements_of(self, action: Action) -> list[str]:
        """The quality statements an action addresses: its own, else its plan's."""
        return action.quality_statements or self.quality_statements

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)
