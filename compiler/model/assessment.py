"""The assessment: every action judged against its evidence, the closure test, and the findings."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from compiler.model.evidence import Catalogue
from compiler.model.finding import Finding
from compiler.model.plan import RAG, Plan
from compiler.model.spc import SpcResult

ClosureValue = Literal["pass", "fail", "n/a"]


class Match(BaseModel):
    """One evidence result counted (or shown as baseline) for a requirement."""
    evidence: str                    # evidence item id
    date: dt.date | None
    current: bool                    # dated on/after opened and within `within_days`
    why: list[str]                   # provenance: how it is linked, how its type was known
    row: int | None = None           # the row of a score/indicator file this result came from
    score: float | None = None       # audit score in % where known


class RequirementResult(BaseModel):
    type: str
    count: int
    within_days: int | None = None
    target: float | None = None
    note: str | None = None
    found: int = 0                   # matching results in all (readable, any date)
    current: int = 0                 # of which current
    evidence: list[str] = Field(default_factory=list)   # ids of all matching items, sorted, unique
    matches: list[Match] = Field(default_factory=list)
    unreadable: list[str] = Field(default_factory=list) # linked items of this type that could not be read
    met: bool = False
    status: Literal["met", "missing", "insufficient", "stale"] = "missing"


class ClosureCheck(BaseModel):
    result: ClosureValue
    reason: str                      # why, in a sentence
    evidence: list[str] = Field(default_factory=list)   # evidence ids behind the result


class Closure(BaseModel):
    indicators: ClosureCheck
    audit: ClosureCheck
    staff: ClosureCheck
    governance: ClosureCheck

    @property
    def ready(self) -> bool:
        return all(c.result != "fail" for c in (self.indicators, self.audit, self.staff, self.governance))


class IndicatorResult(BaseModel):
    id: str
    title: str
    data: str
    evidence: str | None = None      # evidence item id of the data file
    spc: SpcResult | None = None     # None when the data is missing or unusable
    problem: str | None = None       # why there is no analysis


class ActionResult(BaseModel):
    id: str
    plan: str
    owner: str | None
    status: str
    declared_rag: RAG | None
    assessed_rag: RAG
    rag_reasons: list[str] = Field(default_factory=list)
    overdue: bool = False
    requirements: list[RequirementResult] = Field(default_factory=list)
    indicators: list[IndicatorResult] = Field(default_factory=list)
    closure: Closure
    governance_reviews: list[str] = Field(default_factory=list)  # dates of review cycles seen (ISO)


class Assessment(BaseModel):
    as_of: dt.date
    tool_version: str
    plans: list[Plan]
    catalogue: Catalogue
    actions: list[ActionResult] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)        # sorted; waived ones included, flagged

    def action(self, action_id: str) -> ActionResult | None:
        return next((a for a in self.actions if a.id == action_id), None)

    def counted(self) -> list[Finding]:
        return [f for f in self.findings if not f.waived]
