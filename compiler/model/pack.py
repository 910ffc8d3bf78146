"""A pack: the assessment cut to one audience, with exhibits numbered and actions grouped."""
from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from compiler.model.assessment import Assessment
from compiler.model.finding import Finding


class Exhibit(BaseModel):
    number: str                      # "E-012"
    evidence: str                    # evidence item id
    title: str
    type: str
    category: str | None             # CQC evidence category of its type
    date: dt.date | None
    path: str                        # relative to the evidence folder
    format: str
    sha256: str
    size: int
    actions: list[str] = Field(default_factory=list)   # the actions it supports, in pack order

    @property
    def file_name(self) -> str:
        """The name of the original's copy in the pack's exhibits/ folder."""
        from compiler.packs.names import safe_file_title

        suffix = f".{self.format}" if self.format else ""
        return f"{safe_file_title(self.title, prefix=f'{self.number} ')}{suffix}"


class StatementGroup(BaseModel):
    id: str                          # quality statement id
    name: str
    actions: list[str]               # action ids in pack order


class KeyQuestionGroup(BaseModel):
    id: str                          # safe, effective, caring, responsive, well_led
    name: str                        # "Safe"
    statements: list[StatementGroup]


class Pack(BaseModel):
    name: str                        # profile name: cqc, governance, ...
    title: str
    audience: str
    classification: str
    provider: str
    service: str | None              # None: every service in the plans given
    as_of: dt.date
    tool_version: str
    assessment: Assessment
    plans: list[str]                 # plan ids included
    actions: list[str]               # action ids included, in pack order
    groups: list[KeyQuestionGroup]
    exhibits: list[Exhibit]
    findings: list[Finding]          # counted findings on the included plans (the gap report)
    waived: list[Finding]            # waived findings, listed with their reasons
    unreadable: list[str] = Field(default_factory=list)   # linked evidence ids that could not be read

    def exhibit_for(self, evidence_id: str) -> Exhibit | None:
        return next((e for e in self.exhibits if e.evidence == evidence_id), None)
