"""A finding: one rule's verdict on one plan, action or evidence item, with its location."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Finding(BaseModel):
    rule: str                        # "SG301"
    name: str                        # "evidence-missing"
    severity: Severity
    plan: str | None = None
    action: str | None = None
    evidence: str | None = None
    message: str
    hint: str                        # what to do, for whoever edits the plan or the evidence folder
    # For the packs: `statement` is the message as a reader says it (an evidence file by its name, no folders;
    # "in progress", not in_progress), `resolve` what would resolve it for a reader outside the provider ("RH-02
    # has 2 supervision items ... on file"), `advice` the hint in words, naming no plan key (owners, governance)
    statement: str = ""
    resolve: str = ""
    advice: str = ""
    file: str | None = None
    line: int | None = None
    cell: str | None = None          # "Action plan!D7": where in a tracker (then `line` is None)
    waived: bool = False
    waiver_reason: str | None = None

    def location(self, no_file: str) -> str:
        """Where it is: FILE:LINE in a plan file, FILE!Sheet!D7 in a tracker, `no_file` when it has no file."""
        where = self.file or no_file
        if self.line:
            return f"{where}:{self.line}"
        return f"{where}!{self.cell}" if self.cell else where

    def sort_key(self) -> tuple:
        return (self.file or "~", self.line or 0, self.rule, self.action or "", self.evidence or "")
