"""Assess one action: its requirements, indicators, closure test and assessed RAG."""
from __future__ import annotations

import datetime as dt

from compiler.assess.closure import closure_test
from compiler.assess.indicators import analyse_indicators
from compiler.assess.matching import match_requirement, review_sources
from compiler.assess.rag import assessed_rag, is_overdue
from compiler.model.assessment import ActionResult
from compiler.model.evidence import Catalogue
from compiler.model.plan import Action, Plan


def owner_name(action: Action) -> str | None:
    """The owner's name (as in the JSON output), else the role or the text as written, else None."""
    if action.owner is None:
        return None
    return action.owner.name or action.owner.display or None


def assess_action(action: Action, plan: Plan, catalogue: Catalogue, as_of: dt.date) -> ActionResult:
    requirements = [match_requirement(action, plan, r, catalogue, as_of) for r in action.requires]
    indicators = analyse_indicators(action, plan, catalogue, as_of)
    sources = review_sources(action, plan, catalogue, as_of)
    closure = closure_test(action, plan, requirements, indicators, catalogue, as_of, sources)
    rag, reasons = assessed_rag(action, requirements, indicators, closure, as_of)
    reviews = sorted({r.date.isoformat() for r in sources})
    return ActionResult(
        id=action.id, plan=plan.id, owner=owner_name(action), status=action.status,
        declared_rag=action.rag, assessed_rag=rag, rag_reasons=reasons,
        overdue=is_overdue(action, as_of), requirements=requirements, indicators=indicators,
        closure=closure, governance_reviews=reviews,
    )
