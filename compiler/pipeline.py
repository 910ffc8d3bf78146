"""The whole flow, readable top to bottom: plans + evidence folder -> assessment."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from compiler import __version__
from compiler.errors import SgpackError
from compiler.model.assessment import Assessment
from compiler.model.evidence import Catalogue
from compiler.model.plan import Plan

Progress = Callable[[int, int], None]


def plan_ids(plans: Sequence[Plan]) -> set[str]:
    """Every plan and action id: what the evidence catalogue looks for as mentions."""
    return {p.id for p in plans} | {a.id for p in plans for a in p.actions}


def load_catalogue(evidence: str | Path, plans: Sequence[Plan] = (),
                   progress: Progress | None = None) -> Catalogue:
    import evidence_store

    folder = Path(evidence)
    if not folder.exists():
        raise SgpackError("evidence folder not found", file=str(evidence))
    if not folder.is_dir():
        raise SgpackError("evidence path is not a folder", file=str(evidence))
    try:
        return evidence_store.scan(folder, plan_ids(plans), progress=progress)
    except evidence_store.EvidenceFolderError as exc:
        raise SgpackError(str(exc), file=str(evidence)) from None


def assess(plans: Sequence[Plan], catalogue: Catalogue, as_of: dt.date) -> Assessment:
    """Judge every action against its evidence, then run the rule catalogue over the result."""
    from compiler.assess.action import assess_action
    from compiler.rules.registry import RuleContext, run_rules

    results = [assess_action(action, plan, catalogue, as_of)
               for plan in plans for action in plan.actions]
    context = RuleContext(plans=list(plans), catalogue=catalogue,
                          results={r.id: r for r in results}, as_of=as_of)
    return Assessment(as_of=as_of, tool_version=__version__, plans=list(plans),
                      catalogue=catalogue, actions=results, findings=run_rules(context))


def check(plan_paths: Sequence[str | Path], evidence: str | Path, as_of: dt.date,
          progress: Progress | None = None) -> Assessment:
    """`sgpack check`: load the plans, catalogue the evidence, assess."""
    from compiler.plans import load_plans

    plans = load_plans(list(plan_paths))
    catalogue = load_catalogue(evidence, plans, progress)
    return assess(plans, catalogue, as_of)
