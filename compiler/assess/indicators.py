"""Risk indicators: find each linked indicator's series in the catalogue and run the SPC analysis."""
from __future__ import annotations

import datetime as dt

from compiler.assess.spc import analyse
from compiler.model.assessment import IndicatorResult
from compiler.model.evidence import Catalogue, EvidenceItem, SeriesPoint
from compiler.model.plan import Action, Indicator, Plan

MIN_POINTS = 3


def indicator_series(plan: Plan, indicator: Indicator,
                     catalogue: Catalogue) -> tuple[EvidenceItem | None, list[SeriesPoint], str | None]:
    """The data file item (found by path), this indicator's points, and a problem or None.

    Rows are kept when their `indicator` column (where set) equals the indicator id and their
    `service` column (where set) equals the plan's service (case-insensitive)."""
    # One resolver for every path from a plan: an absolute path, `..` or `~` never matches, and
    # nothing is opened here (the catalogue already holds every file of the folder).
    item, problem = catalogue.find(indicator.data)
    if item is None:
        return None, [], f"data file {problem}"
    if not item.readable:
        why = f" ({item.reason})" if item.reason else ""
        return item, [], f"data file {indicator.data} could not be read{why}"
    points = [
        p for p in item.series
        if (not p.indicator or p.indicator == indicator.id)
        and (not p.service or not plan.service or p.service.casefold() == plan.service.casefold())
    ]
    points.sort(key=lambda p: (p.period, p.row))
    if len(points) < MIN_POINTS:
        # a table that could not be read says which columns it has and how to name the right ones
        suffix = f" ({item.table_problem})" if item.table_problem else ""
        return item, points, _too_few(indicator, len(points), suffix)
    return item, points, None


def _too_few(indicator: Indicator, n: int, suffix: str = "") -> str:
    return (f"data file {indicator.data} has {n} point{'s' if n != 1 else ''} for "
            f"{indicator.id}{suffix}; at least {MIN_POINTS} are needed")


def analyse_indicators(action: Action, plan: Plan, catalogue: Catalogue,
                       as_of: dt.date) -> list[IndicatorResult]:
    """One result per indicator the action links, in the action's order. Points whose period
    starts after as_of are ignored."""
    results: list[IndicatorResult] = []
    for ind_id in action.indicators:
        indicator = plan.indicator(ind_id)
        if indicator is None:
            results.append(IndicatorResult(id=ind_id, title=ind_id, data="",
                                           problem=f"indicator {ind_id} is not defined in plan {plan.id}"))
            continue
        item, points, problem = indicator_series(plan, indicator, catalogue)
        points = [p for p in points if p.period <= as_of]
        if problem is None and len(points) < MIN_POINTS:
            problem = _too_few(indicator, len(points), f" up to {as_of.isoformat()}")
        base = dict(id=indicator.id, title=indicator.title, data=indicator.data,
                    evidence=item.id if item else None)
        if problem:
            results.append(IndicatorResult(**base, problem=problem))
            continue
        spc = analyse([(p.period, p.label, p.value) for p in points], opened=action.opened,
                      better=indicator.better, target=indicator.target)
        results.append(IndicatorResult(**base, spc=spc))
    return results
