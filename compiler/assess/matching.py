"""Requirements <-> evidence: which items are linked to an action, and which of them count.

How items match and count is described for users in docs/judgement.md. Decisions of sgpack's own:
- Items (or score/series rows) dated after as-of are ignored entirely; undated items are found
  but never current, so they can make a requirement stale but never met.
- An item with audit `scores` counts once per row whatever the requirement type (only audit
  tables have scores). An indicator file counts once per row for an `indicator` requirement,
  keeping rows of the plan's service and, when the action links indicators, of those.
- Governance reviews are dated on or after the action opened (the same day counts).
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from compiler.model.assessment import Match, RequirementResult
from compiler.model.evidence import Catalogue, EvidenceItem
from compiler.model.plan import Action, Plan, Requirement


class LinkedItem(NamedTuple):
    item: EvidenceItem
    why: list[str]          # every reason it is linked, in words


def linked_items(action: Action, plan: Plan, catalogue: Catalogue) -> list[LinkedItem]:
    """Every item linked to the action or to its plan, readable or not, sorted by (date, path).

    Routes: the action's explicit `evidence:` ids, an item's own link to the action id, and an
    item's link to the plan id (a plan-level link counts for each of the plan's actions).
    """
    key = ("linked_items", action.id, plan.id, tuple(action.evidence))   # all it depends on
    return list(catalogue.derived(key, lambda: _linked_items(action, plan, catalogue)))


def _linked_items(action: Action, plan: Plan, catalogue: Catalogue) -> list[LinkedItem]:
    named = set(action.evidence)
    routes = [(action.id, catalogue.links_to(action.id)), (plan.id, catalogue.links_to(plan.id))]
    candidates = {item.id: item for _, links in routes for item, _ in links.values()}
    candidates.update((i, catalogue.get(i)) for i in named if catalogue.get(i) is not None)
    out: list[LinkedItem] = []
    for item in candidates.values():
        why: list[str] = []
        if item.id in named:
            why.append(f"named in {action.id}'s evidence list in the plan")
        for target, links in routes:
            for link in links.get(id(item), (None, ()))[1]:
                why.append(link.why or f"linked to {target} ({link.source})")
        if why:
            out.append(LinkedItem(item, list(dict.fromkeys(why))))
    out.sort(key=lambda li: (li.item.date or dt.date.min, li.item.path))
    return out


def type_why(item: EvidenceItem) -> str:
    """How the item's type was known, from its provenance."""
    source = item.provenance.get("type")
    return f"type from {source}" if source else f"type {item.type}"


def is_current(date: dt.date | None, opened: dt.date, as_of: dt.date, within_days: int | None) -> bool:
    """Dated on/after `opened`, not after `as_of` and, with `within_days`, no older than that."""
    if date is None or date < opened or date > as_of:
        return False
    return within_days is None or (as_of - date).days <= within_days


def _series_for(item: EvidenceItem, action: Action, plan: Plan) -> list:
    """An indicator file's points that belong to this plan's service (and, when the file names
    indicators and the action links some, to those indicators)."""
    wanted = set(action.indicators)
    points = []
    for p in item.series:
        if p.service and plan.service and p.service.casefold() != plan.service.casefold():
            continue
        if p.indicator and wanted and p.indicator not in wanted:
            continue
        points.append(p)
    return points


def _results(li: LinkedItem, action: Action, plan: Plan, requirement: Requirement,
             as_of: dt.date) -> list[Match]:
    """The results one readable item contributes: once per score/series row, else once."""
    item, why = li.item, li.why + [type_why(li.item)]
    if item.draft:                                   # a draft counts, and says so
        why.append(f"a draft ({item.provenance.get('draft', 'its own words')})")

    def match(date: dt.date | None, row: int | None = None, score: float | None = None) -> Match:
        return Match(evidence=item.id, date=date, row=row, score=score, why=list(why),
                     current=is_current(date, action.opened, as_of, requirement.within_days))

    if item.scores:
        return [match(r.date, r.row, round(r.percent, 2)) for r in item.scores if r.date <= as_of]
    if requirement.type == "indicator" and item.series:
        return [match(p.period, p.row) for p in _series_for(item, action, plan) if p.period <= as_of]
    if item.date is not None and item.date > as_of:
        return []                                    # future: ignored
    return [match(item.date)]


def requirement_status(found: int, current: int, count: int) -> str:
    if current >= count:
        return "met"
    if found == 0:
        return "missing"
    if found < count:
        return "insufficient"
    return "stale"


def match_requirement(action: Action, plan: Plan, requirement: Requirement, catalogue: Catalogue,
                      as_of: dt.date) -> RequirementResult:
    """Judge one requirement: every linked readable item of its type, counted as docs/judgement.md says."""
    matches: list[Match] = []
    unreadable: list[str] = []
    for li in linked_items(action, plan, catalogue):
        if li.item.type != requirement.type:
            continue
        if not li.item.readable:
            unreadable.append(li.item.id)
            continue
        if not li.item.record:          # an agenda or a blank form: SG309 says so, it counts for nothing
            continue
        matches.extend(_results(li, action, plan, requirement, as_of))
    matches.sort(key=lambda m: (m.date or dt.date.min, m.evidence, m.row or 0))
    found = len(matches)
    current = sum(m.current for m in matches)
    status = requirement_status(found, current, requirement.count)
    return RequirementResult(
        type=requirement.type, count=requirement.count, within_days=requirement.within_days,
        target=requirement.target, note=requirement.note, found=found, current=current,
        evidence=sorted({m.evidence for m in matches}), matches=matches,
        unreadable=sorted(set(unreadable)), met=status == "met", status=status)


class ReviewSource(NamedTuple):
    """One governance review of an action: a plan `reviews` entry or linked minutes."""
    date: dt.date
    source: str
    evidence: str | None       # the minutes' evidence id; None for a `reviews` entry
    text: str                  # the minutes' text or the review's narrative (for challenge words)


def review_sources(action: Action, plan: Plan, catalogue: Catalogue, as_of: dt.date) -> list[ReviewSource]:
    """Reviews dated on/after the action opened and not after as_of, oldest first."""
    out: list[ReviewSource] = []
    for review in action.reviews:
        if action.opened <= review.date <= as_of:
            forum = review.forum or plan.governance_forum or "governance"
            out.append(ReviewSource(review.date, f"{forum} review recorded in the plan", None,
                                    review.narrative or ""))
    for li in linked_items(action, plan, catalogue):
        item = li.item
        if item.type != "governance_minutes" or not item.counts or item.date is None:
            continue
        if action.opened <= item.date <= as_of:
            out.append(ReviewSource(item.date, f"minutes '{item.title or item.path}'", item.id, item.text))
    out.sort(key=lambda r: (r.date, r.evidence or "", r.source))
    return out


def governance_reviews(action: Action, plan: Plan, catalogue: Catalogue,
                       as_of: dt.date) -> list[tuple[dt.date, str, str | None]]:
    """(date, source description, evidence id or None) of every review, oldest first: plan
    `reviews` entries and linked readable governance_minutes dated after the action opened."""
    return [(r.date, r.source, r.evidence) for r in review_sources(action, plan, catalogue, as_of)]
