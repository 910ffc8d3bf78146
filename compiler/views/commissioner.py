"""The commissioner pack's view: per contract (a plan with no contract reference is not the commissioner's),
built from the pack, then pseudonymised as a whole (`compiler.privacy.redact_view`) before anything is drawn or
scanned.

Small-number suppression protects people: it applies to COUNT metrics (whole numbers, no rate in the
title: `%`, `percent`, `per 1,000`, `rate`) of people, `counts: people` in the plan, or to every count
when the profile's `suppression` is `publication`. Counts of events pick out no one and are shown. Counts
1-4 show as "<5"; the latest quarter (the last three periods) is published with its total, so where
exactly one of its cells is small another is hidden ("*"), in the return files too. A suppressed count
metric has no chart and its analysis quotes no values. Rates and percentages are shown as they are.
An action's `commissioner_update` is said instead of its narrative and latest review.

Longer than the house 400 lines because a contract's sections and the return's rows are made in one pass over
each plan, from the same published values.
"""
from __future__ import annotations

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass, field

from compiler.model.pack import Pack
from compiler.model.period import ReportingPeriod, last_complete_quarter
from compiler.model.plan import Action, Indicator, Plan
from compiler.model.spc import SpcResult
from compiler.privacy.suppress import HIDDEN, SMALL, suppress_count, suppress_table
from compiler.views.commissioner_return import (ReturnWorkbook, return_action, return_indicator, return_workbook,
                                                signal_words)
from compiler.views.common import ChartData, Head, Options, OverdueRow, chart_data, head, overdue_row
from compiler.views.words import NO_OWNER, RAG_WORDS, STATUS_WORDS, long_date, narrative_text, number

QUARTER = 3
RETURN_COLUMNS = ("provider", "location", "period", "metric", "numerator", "denominator", "value", "unit",
                  "target", "RAG", "SPC signal", "narrative", "evidence refs")
CLOSURE_NAMES = (("indicators", "Risk indicators improved"), ("audit", "Audits confirm practice change"),
                 ("staff", "Staff evidence"), ("governance", "Governance review and challenge"))


@dataclass(frozen=True)
class PlanProgress:
    id: str
    title: str
    service: str
    contract: str
    origin: str
    risk: str
    opened: str
    actions: int
    statuses: str                    # "2 in progress, 1 closed"
    rags: str                        # "1 red, 2 green" (assessed on evidence)
    overdue: int
    ready: int


@dataclass(frozen=True)
class IndicatorRow:
    id: str
    title: str
    plan_id: str
    actions: str                     # "RP-03, RP-05"
    unit: str
    latest_period: str
    latest_value: str
    target: str
    signal: str
    explanation: str
    quarter: list[tuple[str, str]]   # (period, value as published)
    quarter_total: str
    chart_note: str
    source: str                      # evidence id of the data file
    chart: ChartData | None = None   # None: withheld (it would show suppressed counts)
    png: bytes | None = None         # drawn by the pack after redaction, titled with the redacted `title`


@dataclass(frozen=True)
class EvidenceRef:
    id: str
    title: str
    date: str


@dataclass(frozen=True)
class ClosureRow:
    id: str
    title: str
    state: str
    criteria: list[tuple[str, str, str]]     # (criterion, pass/fail/n/a, reason)
    evidence: list[EvidenceRef]


@dataclass(frozen=True)
class PammsRow:
    issue: str
    id: str
    action: str
    person: str
    timeline: str
    status: str
    update: str


@dataclass(frozen=True)
class ContractView:
    id: str
    name: str
    anchor: str
    plans: list[PlanProgress]
    indicators: list[IndicatorRow]
    overdue: list[OverdueRow]
    closures: list[ClosureRow]
    pamms: list[PammsRow]


@dataclass(frozen=True)
class ReturnRow:
    provider: str
    location: str
    period: str
    metric: str
    numerator: str
    denominator: str
    value: str
    unit: str
    target: str
    rag: str
    spc_signal: str
    narrative: str
    evidence_refs: str

    def cells(self) -> list[str]:
        return [getattr(self, f.name) for f in dataclasses.fields(self)]


@dataclass(frozen=True)
class HitRow:
    file: str
    location: str
    kind: str
    masked: str


@dataclass(frozen=True)
class DataProtection:
    purpose: str
    lawful_basis: str
    condition: str
    recipient: str
    approved_by: str
    pseudonymised: list[tuple[str, str]]     # (what, count)
    suppressed: list[tuple[str, str]]
    rules: list[str]                         # how it was done, one sentence each
    override: str                            # the --allow-personal-data reason, or ""
    blocking: list[HitRow]
    warnings: list[HitRow]
    # the pack's claims, made from what the build did and what the scan found (compiler.privacy.claims)
    cover: str = ""                          # the cover's sentence on pseudonyms and small numbers
    scan_result: str = ""                    # what the scan found, in one or two sentences
    not_checked: list[str] = field(default_factory=list)   # what could not be checked, and why


@dataclass
class CommissionerView:
    head: Head
    contracts: list[ContractView]
    returns: list[ReturnRow]
    data_protection: DataProtection | None = None
    workbook: ReturnWorkbook | None = None       # return.xlsx (compiler.views.commissioner_return)
    suppressed_small: int = 0
    suppressed_hidden: int = 0
    suppressed_metrics: list[str] = field(default_factory=list)    # counts suppressed (of people, or every count)
    event_metrics: list[str] = field(default_factory=list)         # counts of events, shown as they are
    rate_metrics: list[str] = field(default_factory=list)
    suppression: str = "people"                                    # the profile's: "people" or "publication"
    commissioner_updates: list[str] = field(default_factory=list)  # actions told by their commissioner_update


# ---------------------------------------------------------------------------------- metrics

def metric_unit(title: str, values: list[float]) -> str:
    """`%`, `per 1,000`, `rate`, `count` (whole numbers, no rate in the title) or `value`."""
    t = title.lower()
    if "%" in t or "percent" in t or "proportion" in t:
        return "%"
    per = re.search(r"\bper\s+([\d,]+)", t)
    if per:
        return f"per {per.group(1)}"
    if re.search(r"\brate\b", t):
        return "rate"
    if values and all(float(v).is_integer() and v >= 0 for v in values):
        return "count"
    return "value"


def _meets(value: float, target: float, better: str) -> bool:
    return value <= target if better == "lower" else value >= target


def _rag(cell: str, value: float, spc: SpcResult) -> str:
    """Green when the value meets the target, Red when not; for "<5", only when every count 1-4 agrees."""
    if spc.target is None or cell == HIDDEN:
        return ""
    if cell == SMALL:
        verdicts = {_meets(v, spc.target, spc.better) for v in range(1, 5)}
        return ("Green" if verdicts.pop() else "Red") if len(verdicts) == 1 else ""
    return "Green" if _meets(value, spc.target, spc.better) else "Red"


def overall_signal(spc: SpcResult) -> str:
    if spc.fallback:
        return "Before/after comparison (too few points for SPC)"
    parts = []
    if spc.improvement:
        parts.append("Special cause improvement")
    if spc.concern:
        parts.append("Special cause concern")
    return " and ".join(parts) or "Common cause variation"


def published_values(values: list[float], unit: str, *, suppress: bool = True) -> tuple[list[str], int, int]:
    """Each value as published, with (small, hidden) counts: counts suppressed (unless `suppress` is false:
    counts of events), the last quarter protected against its total; anything else as it is."""
    if unit != "count" or not suppress:
        return [number(v) for v in values], 0, 0
    ints = [int(v) for v in values]
    head = [suppress_count(v) for v in ints[:-QUARTER]]
    tail_counts = ints[-QUARTER:]
    tail, _ = suppress_table([tail_counts], row_totals=True, column_totals=False) if len(tail_counts) > 1 \
        else ([[suppress_count(v) for v in tail_counts]], 0)
    cells = head + tail[0]
    return cells, sum(c == SMALL for c in cells), sum(c == HIDDEN for c in cells)


# ---------------------------------------------------------------------------------- building

def counts_people(indicator: Indicator | None, suppression: str) -> bool:
    """Whether a count's values 1-4 are suppressed: it counts people, or the profile suppresses every count."""
    return suppression == "publication" or (indicator is not None and indicator.counts == "people")


def provider_update(action: Action) -> str:
    """What the commissioner is told of an action's progress: its commissioner_update, else its narrative
    and latest review."""
    if action.commissioner_update:
        return narrative_text(action.commissioner_update)
    latest = action.reviews[-1] if action.reviews else None
    return " ".join(part for part in (
        narrative_text(action.narrative),
        f"Latest review, {long_date(latest.date)}: {latest.narrative}" if latest and latest.narrative
        else "") if part)


def _counts_text(counter: Counter, words: dict) -> str:
    return ", ".join(f"{counter[k]} {words[k].lower()}" for k in words if counter.get(k)) or "none"


def _owner(action: Action, as_roles: bool) -> str:
    if action.owner is None:
        return NO_OWNER
    if as_roles:
        return action.owner.role or "Action owner (role not given)"
    return action.owner.display


def same_contract(reference: str, contract: str) -> bool:
    """Contract references compared as a contract officer writes them: case and surrounding spaces aside."""
    return reference.strip().casefold() == contract.strip().casefold()


def contract_plans(plans: list[Plan], contract: str | None = None) -> tuple[list[Plan], list[Plan]]:
    """(the plans a commissioner pack holds, the plans with no contract reference it leaves out). With `contract`,
    that contract's plans; else every plan with a contract reference. A commissioner monitors a contract: a plan
    under none is not theirs to see."""
    chosen = [p for p in plans if p.contract and (contract is None or same_contract(p.contract, contract))]
    return chosen, [p for p in plans if not p.contract]


def commissioner_view(pack: Pack, options: Options, *, owners_as_roles: bool = False,
                      suppression: str = "people", period: ReportingPeriod | None = None,
                      approved_by: str | None = None, contract: str | None = None) -> CommissionerView:
    """The raw (not yet pseudonymised) view: redact it with `redact_view.map_strings` before use.
    `suppression`: the profile's, "people" (counts of people suppressed, of events shown) or "publication".
    It holds the plans of `contract`, else of every contract, each contract a section (`contract_plans`)."""
    assessment = pack.assessment
    catalogue = assessment.catalogue
    plans, _ = contract_plans([p for p in assessment.plans if p.id in pack.plans], contract)
    in_pack = set(pack.actions)
    groups: dict[str, tuple[str, list[Plan]]] = {}
    for plan in plans:       # a section per contract, named as its first plan writes it
        groups.setdefault(plan.contract.strip().casefold(), (plan.contract.strip(), []))[1].append(plan)

    contracts: list[ContractView] = []
    returns: list[ReturnRow] = []
    reporting, return_actions, return_indicators = period or last_complete_quarter(pack.as_of), [], []
    small = hidden = 0
    suppressed_metrics: list[str] = []
    event_metrics: list[str] = []
    rate_metrics: list[str] = []
    updates: list[str] = []
    for n, (reference, members) in enumerate(groups.values(), 1):
        progress, indicators, overdue, closures, pamms = [], [], [], [], []
        for plan in members:
            actions = [a for a in plan.actions if a.id in in_pack]
            results = {a.id: assessment.action(a.id) for a in actions}
            progress.append(PlanProgress(
                id=plan.id, title=plan.title, service=plan.service, contract=plan.contract or "—",
                origin=plan.origin or "", risk=plan.risk.capitalize(), opened=long_date(plan.opened),
                actions=len(actions), statuses=_counts_text(Counter(a.status for a in actions), STATUS_WORDS),
                rags=_counts_text(Counter(r.assessed_rag for r in results.values()),
                                  {k: RAG_WORDS[k].split(" (")[0] for k in ("red", "amber", "green", "blue")}),
                overdue=sum(r.overdue for r in results.values()),
                ready=sum(1 for a in actions if a.status != "closed" and results[a.id].closure.ready)))

            seen: dict[str, IndicatorRow] = {}
            series: dict[str, tuple[SpcResult, list[str]]] = {}     # the values as published, for the return
            for action in actions:
                for ind in results[action.id].indicators:
                    if ind.spc is None or not ind.spc.points:
                        continue
                    if ind.id in seen:
                        row = seen[ind.id]
                        seen[ind.id] = dataclasses.replace(row, actions=f"{row.actions}, {action.id}")
                        continue
                    spc = ind.spc
                    values = [p.value for p in spc.points]
                    unit = metric_unit(ind.title, values)
                    suppress = unit == "count" and counts_people(plan.indicator(ind.id), suppression)
                    cells, s, h = published_values(values, unit, suppress=suppress)
                    small, hidden = small + s, hidden + h
                    withheld = suppress and (s or h)
                    (suppressed_metrics if suppress else event_metrics if unit == "count"
                     else rate_metrics).append(ind.title)
                    if withheld:
                        explanation = (f"{overall_signal(spc)}. Counts below 5 are suppressed, so the values "
                                       "and the chart are not shown. Last three periods better than the "
                                       f"baseline mean: {'yes' if spc.last3_better else 'no'}"
                                       + ("" if spc.meets_target is None else
                                          f"; meeting the target: {'yes' if spc.meets_target else 'no'}") + ".")
                        note = "Chart withheld: it would show counts below 5."
                    else:
                        explanation, note = spc.explanation, ""
                    total = sum(int(v) for v in values[-QUARTER:]) if unit == "count" else None
                    seen[ind.id] = IndicatorRow(
                        id=ind.id, title=ind.title, plan_id=plan.id, actions=action.id, unit=unit,
                        latest_period=spc.points[-1].label, latest_value=cells[-1],
                        target=number(spc.target), signal=overall_signal(spc), explanation=explanation,
                        quarter=list(zip([p.label for p in spc.points[-QUARTER:]], cells[-QUARTER:])),
                        quarter_total="" if total is None else suppress_count(total) if suppress else str(total),
                        chart_note=note, source=ind.evidence or "",
                        chart=None if withheld else chart_data(spc, title=ind.title, opened=action.opened))
                    series[ind.id] = (spc, cells)
                    last = len(spc.points) - 1
                    for i, (point, cell) in enumerate(zip(spc.points, cells)):
                        returns.append(ReturnRow(
                            provider=plan.provider, location=plan.service, period=point.label, metric=ind.title,
                            numerator=cell if unit == "count" else "", denominator="", value=cell, unit=unit,
                            target=number(spc.target), rag=_rag(cell, point.value, spc),
                            spc_signal=signal_words(point, suppressed=bool(withheld) and cell in (SMALL, HIDDEN)),
                            narrative=(f"{action.id}: {narrative_text(action.commissioner_update or action.narrative)}"
                                       f" {explanation}".strip()
                                       if i == last else ""),
                            evidence_refs=ind.evidence or ""))
            indicators += seen.values()
            return_indicators += [return_indicator(plan, r, *series[r.id], reporting) for r in seen.values()]

            for action in actions:
                result = results[action.id]
                if result.overdue:
                    overdue.append(overdue_row(action, result.assessed_rag, assessment.as_of,
                                               _owner(action, owners_as_roles)))
                if action.status == "closed" or result.closure.ready:
                    state = (f"Closed {long_date(action.closed)}" if action.status == "closed" and action.closed
                             else "Closed" if action.status == "closed" else "Ready to close on evidence")
                    criteria, ids = [], []
                    for attr, label in CLOSURE_NAMES:
                        check = getattr(result.closure, attr)
                        criteria.append((label, check.result, check.reason))
                        ids += check.evidence
                    refs = []
                    for evidence_id in dict.fromkeys(ids):
                        item = catalogue.get(evidence_id)
                        if item is not None:
                            refs.append(EvidenceRef(id=item.id, title=item.shown_title,
                                                    date=item.date.isoformat() if item.date else "undated"))
                    refs.sort(key=lambda r: (r.date, r.id))
                    closures.append(ClosureRow(id=action.id, title=action.title, state=state,
                                               criteria=criteria, evidence=refs))
                update = provider_update(action)
                updates += [action.id] if action.commissioner_update else []
                status = f"{STATUS_WORDS[action.status]}; assessed {RAG_WORDS.get(result.assessed_rag, '—')}"
                if result.overdue:
                    status += "; overdue"
                pamms.append(PammsRow(
                    issue=plan.title, id=action.id,
                    action=action.title, person=_owner(action, owners_as_roles),
                    timeline=f"{long_date(action.opened)} to {long_date(action.due) if action.due else 'no due date'}",
                    status=status, update=update))
                return_actions.append(return_action(plan, action, result, person=_owner(action, owners_as_roles),
                                                    update=update))
        contracts.append(ContractView(id=reference, name=f"Contract {reference}", anchor=f"con_{n}",
                                      plans=progress, indicators=indicators, overdue=overdue, closures=closures,
                                      pamms=pamms))

    shown = head(pack, options)
    shown = dataclasses.replace(shown, plans=[p for p in shown.plans if p[0] in {q.id for q in plans}],
                                service=pack.service or ", ".join(dict.fromkeys(p.service for p in plans)))
    return CommissionerView(
        head=shown, contracts=contracts, returns=returns,
        workbook=return_workbook(pack, plans, options, approved_by, reporting, return_actions, return_indicators),
        suppressed_small=small, suppressed_hidden=hidden,
        suppressed_metrics=list(dict.fromkeys(suppressed_metrics)), event_metrics=list(dict.fromkeys(event_metrics)),
        rate_metrics=list(dict.fromkeys(rate_metrics)), suppression=suppression,
        commissioner_updates=list(dict.fromkeys(updates)))
