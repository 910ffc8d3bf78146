"""Factories for rule tests: ActionResults built directly from the models, a rule context, and
a "clean" plan on which no rule fires, for tests to break one thing at a time."""
from __future__ import annotations

import datetime as dt
from typing import Any, Iterable

from builders import (AS_OF, D, PLAN_ID, make_action, make_catalogue, make_indicator, make_item,
                      make_plan, make_review, make_series)

from compiler.model.assessment import ActionResult, Closure, ClosureCheck, RequirementResult
from compiler.model.evidence import EvidenceItem
from compiler.model.finding import Finding
from compiler.model.plan import Action, Plan
from compiler.rules import RuleContext, run_rules

__all__ = ["AS_OF", "D", "PLAN_ID", "make_action", "make_catalogue", "make_indicator", "make_item",
           "make_plan", "make_review", "make_series", "req_result", "closure", "make_result", "ctx_for",
           "findings", "clean_plan", "clean_items", "change", "drop"]


def req_result(type: str = "audit", status: str = "met", count: int = 1, found: int | None = None,
               current: int | None = None, **kw: Any) -> RequirementResult:
    """A requirement result; found/current default to what the status implies."""
    defaults = {"met": (count, count), "missing": (0, 0), "insufficient": (max(count - 1, 1), 0),
                "stale": (count, max(count - 1, 0))}[status]
    found = defaults[0] if found is None else found
    current = defaults[1] if current is None else current
    return RequirementResult(type=type, count=count, found=found, current=current,
                             met=status == "met", status=status, **kw)


def closure(**parts: str) -> Closure:
    """A closure with every part passing unless given: closure(audit="fail")."""
    def check(name: str) -> ClosureCheck:
        result = parts.get(name, "pass")
        reason = parts.get(f"{name}_reason", f"The {name} criterion {'fails' if result == 'fail' else 'passes'}.")
        return ClosureCheck(result=result, reason=reason)
    return Closure(**{n: check(n) for n in ("indicators", "audit", "staff", "governance")})


def make_result(action: Action, plan_id: str = PLAN_ID, *, assessed_rag: str = "blue",
                requirements: list[RequirementResult] | None = None, **kw: Any) -> ActionResult:
    """A result for `action`: by default every requirement met, closure passes, assessed blue
    (so no declared rating is ever better)."""
    if requirements is None:
        requirements = [req_result(r.type, "met", r.count) for r in action.requires]
    kw.setdefault("closure", closure())
    return ActionResult(id=action.id, plan=plan_id, owner=action.owner.name if action.owner else None,
                        status=action.status, declared_rag=action.rag, assessed_rag=assessed_rag,
                        requirements=requirements, **kw)


def ctx_for(plans: Plan | Iterable[Plan], items: Iterable[EvidenceItem] = (), *,
            results: dict[str, ActionResult] | None = None, as_of: dt.date = AS_OF,
            root: str = "evidence") -> RuleContext:
    """A context; actions without a result in `results` get the default make_result."""
    plans = [plans] if isinstance(plans, Plan) else list(plans)
    given = dict(results or {})
    for plan in plans:
        for action in plan.actions:
            given.setdefault(action.id, make_result(action, plan.id))
    return RuleContext(plans=plans, catalogue=make_catalogue(items, root=root), results=given, as_of=as_of)


def findings(ctx: RuleContext, code: str | None = None) -> list[Finding]:
    """Every finding of a full run, or those of one rule."""
    return [f for f in run_rules(ctx) if code is None or f.rule == code]


REVIEWED = D(2026, 5, 20)


def clean_plan(**kw: Any) -> Plan:
    """A high-risk restrictive practice plan that passes every rule on AS_OF with clean_items()."""
    review = make_review(REVIEWED, "Committee challenged the log data; assured by the May audit.", rag="green")
    common = dict(reviews=[review], due=D(2026, 7, 31), status="in_progress")
    actions = [
        make_action("RC-01", title="Second manager reviews every restraint within 24 hours",
                    kind="risk_control", requires=["incident_log"], **common),
        make_action("PC-01", title="Debrief with staff and the person after every intervention",
                    kind="practice_change", requires=["debrief", "support_plan"], **common),
        make_action("OV-01", title="Managers review restrictive practice logs weekly",
                    kind="oversight", requires=["audit", "governance_minutes"], **common),
        make_action("EM-01", title="Monthly restrictive intervention data reviewed",
                    kind="evidence_measure", requires=["indicator"],
                    indicators=["restrictive_interventions"], **common),
    ]
    kw.setdefault("indicators", [make_indicator(data="indicators/ri.csv")])
    return make_plan(actions, **kw)


def clean_items() -> list[EvidenceItem]:
    """Dated, readable evidence for clean_plan(): one item per requirement, minutes with
    challenge and a recent board report (both linked to the plan), and the indicator data."""
    items = [
        make_item("incidents-may", "incident_log", links=["RC-01"], date=D(2026, 5, 1)),
        make_item("debrief-may", "debrief", links=["PC-01"], date=D(2026, 5, 2)),
        make_item("pbs-plan-jb", "support_plan", links=["PC-01"], date=D(2026, 4, 2)),
        make_item("rp-log-audit", "audit", links=["OV-01"], date=D(2026, 5, 3)),
        make_item("minutes-2026-05-20", "governance_minutes", links=[PLAN_ID], date=REVIEWED,
                  text="Item 4: SAP-2026-007. The NED challenged the recording quality."),
        make_item("board-2026-05", "board_report", links=[PLAN_ID], date=D(2026, 5, 5)),
        make_item("ri", "indicator", path="indicators/ri.csv",
                  series=make_series((D(2026, 1, 1), 9), (D(2026, 2, 1), 8), (D(2026, 3, 1), 6),
                                     (D(2026, 4, 1), 5))),
    ]
    return items


def change(plan: Plan, action_id: str, **update: Any) -> Plan:
    """The plan with one action's fields replaced (e.g. change(plan, "RC-01", owner=None))."""
    if "owner" in update and not (update["owner"] is None or hasattr(update["owner"], "display")):
        from builders import make_owner
        update["owner"] = make_owner(update["owner"])
    if "requires" in update:
        from compiler.model.plan import Requirement
        update["requires"] = [Requirement(type=r) if isinstance(r, str) else r for r in update["requires"]]
    actions = [a.model_copy(update=update) if a.id == action_id else a for a in plan.actions]
    assert any(a.id == action_id for a in plan.actions), action_id
    return plan.model_copy(update={"actions": actions})


def drop(plan: Plan, *action_ids: str) -> Plan:
    return plan.model_copy(update={"actions": [a for a in plan.actions if a.id not in action_ids]})
