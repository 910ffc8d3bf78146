"""The assessed RAG of an action (docs/judgement.md), with its reasons in words.

The contract, first line that applies:
- blue: completed or closed, and the closure test passes;
- red: overdue with a requirement unmet, or a linked indicator shows special-cause concern;
- amber: a requirement unmet (missing, insufficient or stale), or overdue;
- green: every requirement met with current evidence, on time, no indicator concern.

Decisions of sgpack's own (docs/judgement.md states them for users):
- Indicator concern = a special-cause concern among the last 3 points after the action
  opened (baseline points never count). An old concern followed by recovery is history
  shown on the chart, not a reason to keep the action red.
- Overdue = a due date before as-of and status not completed/closed, so a completed or
  closed action is on time.
- Overdue with every requirement met is amber, not green ("on time" is part of green).
- A completed or closed action whose closure test fails is judged by the red, amber and
  green lines like any other: the failed test is not a cause of amber. Its reasons say
  the test does not pass yet, and the rules report it (SG501-SG504 when closed or declared
  blue; SG402 when declared blue).
- The reasons say what held before what failed: "every requirement met with current evidence,
  but overdue since ..." when the requirements are met and something else holds the rating down.
"""
from __future__ import annotations

import datetime as dt

from compiler.model.assessment import Closure, IndicatorResult, RequirementResult
from compiler.model.plan import RAG, Action

CONCERN_WINDOW = 3
CLOSURE_PARTS = ("indicators", "audit", "staff", "governance")
# The rule that reports each failing part of the closure test for an action closed or declared
# blue (compiler/rules/closure.py; tests/rules/test_closure.py holds the two together).
CLOSURE_RULES = {"indicators": "SG501", "audit": "SG502", "staff": "SG503", "governance": "SG504"}
ALL_MET = "every requirement met with current evidence"
GREEN = f"{ALL_MET}, on time, no indicator concern"
NO_REQUIREMENT = "no requirement unmet, on time, no indicator concern"


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


def closure_note(action: Action, closure: Closure) -> str | None:
    """Why a completed, closed or declared-blue action is not blue, else None: a note beside the
    rating, never its cause."""
    finished = not action.is_open
    if not finished and action.rag != "blue":
        return None
    failed = [name for name in CLOSURE_PARTS if getattr(closure, name).result == "fail"]
    # SG501-SG504 report the failed parts only of an action closed or declared blue
    see = (f": see {', '.join(CLOSURE_RULES[name] for name in failed)}"
           if failed and (action.status == "closed" or action.rag == "blue") else "")
    if finished:
        return f"{action.status}; the closure test does not pass yet ({', '.join(failed)}){see}" if failed else None
    state = action.status.replace("_", " ")
    if failed:
        return f"declared blue while {state}; the closure test does not pass yet ({', '.join(failed)}){see}"
    return f"declared blue while {state}: blue needs the action completed or closed"


def assessed_rag(action: Action, requirements: list[RequirementResult], indicators: list[IndicatorResult],
                 closure: Closure, as_of: dt.date) -> tuple[RAG, list[str]]:
    """(rag, reasons): the first of blue, red, amber, green that applies (docs/judgement.md), and why:
    what held, then what failed, then why a finished action is not blue."""
    overdue = is_overdue(action, as_of)
    unmet = [r for r in requirements if not r.met]
    concern = [(i, labels) for i in indicators if (labels := indicator_concern(i))]

    if not action.is_open and closure.ready:
        return "blue", [f"{action.status} and the closure test passes"]

    failures = [f"indicator {i.id} shows special-cause concern ({', '.join(labels)})" for i, labels in concern]
    if overdue and action.due is not None:
        failures.append(f"overdue since {action.due.isoformat()}")
    failures += [requirement_words(r) for r in unmet]
    note = closure_note(action, closure)
    notes = [note] if note else []

    if concern or (overdue and unmet):
        rag: RAG = "red"
    elif unmet or overdue:
        rag = "amber"
    else:
        return "green", [GREEN if requirements else NO_REQUIREMENT] + notes
    if requirements and not unmet:   # what held, then what held the rating down, in one reason
        failures[0] = f"{ALL_MET}, but {failures[0]}"
    return rag, failures + notes
