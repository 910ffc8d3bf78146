"""The assessed RAG of an action (docs/judgement.md), with its reasons in words.

Decisions of sgpack's own (docs/judgement.md states them for users):
- Indicator concern = a special-cause concern among the last 3 points after the action
  opened (baseline points never count). An old concern followed by recovery is history
  shown on the chart, not a reason to keep the action red.
- Overdue = a due date before as-of and status not completed/closed.
- Overdue with every requirement met is amber, not green ("on time" is part of green).
- A completed/closed action whose closure test fails is at best amber (red still applies
  when an indicator shows concern).
"""
from __future__ import annotations

import datetime as dt

from compiler.model.assessment import Closure, IndicatorResult, RequirementResult
from compiler.model.plan import RAG, Action

CONCERN_WINDOW = 3


def is_overdue(action: Action, as_of: dt.date) -> bool:
    return action.due is not None and action.due < as_of and action.is_open


def indicator_concern(indicator: IndicatorResult) -> list[str]:
    """Labels of special-cause concern points among the last 3 points after opening."""
    if indicator.spc is None:
        return []
    after = [p for p in indicator.spc.points if not p.baseline][-CONCERN_WINDOW:]
    return [p.label for p in after if p.point_type == "special_cause_concern"]


def requirement_words(r: RequirementResult) -> str:
    within = f" within {r.within_days} days" if r.within_days is not None else ""
    return f"requirement {r.type} ×{r.count}{within}: {r.found} found, {r.current} current"


def assessed_rag(action: Action, requirements: list[RequirementResult], indicators: list[IndicatorResult],
                 closure: Closure, as_of: dt.date) -> tuple[RAG, list[str]]:
    """(rag, reasons): the first of blue, red, amber, green that applies (docs/judgement.md), and why."""
    finished = not action.is_open
    overdue = is_overdue(action, as_of)
    unmet = [r for r in requirements if not r.met]
    concern = [(i, labels) for i in indicators if (labels := indicator_concern(i))]
    failed = [name for name in ("indicators", "audit", "staff", "governance")
              if getattr(closure, name).result == "fail"]

    if finished and closure.ready:
        return "blue", [f"{action.status} and the closure test passes"]

    reasons: list[str] = []
    if concern:
        reasons += [f"indicator {i.id} shows special-cause concern ({', '.join(labels)})" for i, labels in concern]
    if overdue and action.due is not None:
        reasons.append(f"overdue since {action.due.isoformat()}")
    reasons += [requirement_words(r) for r in unmet]
    if finished:
        reasons.append(f"{action.status} but the closure test fails ({', '.join(failed)})")

    if concern or (overdue and unmet):
        return "red", reasons
    if unmet or overdue or finished:
        return "amber", reasons
    if requirements:
        return "green", ["every requirement met with current evidence, on time, no indicator concern"]
    return "green", ["no requirement unmet, on time, no indicator concern"]
