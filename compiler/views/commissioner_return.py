"""The commissioner's return (return.xlsx) as a contract officer reads one: a cover saying whose return it is, for
which quarter and who prepared and approved it; the actions in the PAMMS action-plan shape; the indicators for the
reporting period only.

Its rows are made by `compiler.views.commissioner` as it builds the pack's view, from the values the pack
publishes (suppressed where the pack suppresses them), so the return is pseudonymised and scanned with the rest.
An action's PAMMS domain comes from its first quality statement through compiler/data/pamms_domains.yaml.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Protocol

import yaml

from compiler.model.assessment import ActionResult
from compiler.model.pack import Pack
from compiler.model.period import ReportingPeriod
from compiler.model.plan import Action, Plan
from compiler.model.spc import SpcPoint, SpcResult
from compiler.privacy.suppress import HIDDEN, SMALL
from compiler.vocab import vocab
from compiler.views.common import Options
from compiler.views.words import RAG_SHORT, STATUS_WORDS, long_date

TITLE = "Contract monitoring return: safeguarding action plans"
# An SPC point and its signals as a contract officer reads them (the notes on the cover say what each means).
POINT_WORDS = {"baseline": "Baseline (before the action)", "common_cause": "No signal (common cause variation)",
               "special_cause_improvement": "Improvement (special cause)",
               "special_cause_concern": "Concern (special cause)"}
SIGNAL_WORDS = {"astronomical": "beyond the process limit", "shift": "shift", "trend": "trend",
                "two_of_three": "two of three near the limit"}
SUPPRESSION_WORDS = {SMALL: "suppressed (<5)", HIDDEN: "suppressed (secondary)"}
NOTES = (
    "Actions: every action of the plans above, in the PAMMS action-plan shape. Its PAMMS domain is the domain of its "
    "first CQC quality statement (its own, else its plan's). Status is the provider's; RAG is assessed on the "
    "evidence held: Blue complete with its impact evidenced, Green on track, Amber at risk, Red off track.",
    "Indicators: one row per indicator, for the reporting period only: the latest value in the period, its target, "
    "the SPC (statistical process control) signal at that value, the trend since the last value before the period, "
    "and a RAG for the period: Green when every value in the period meets the target, Amber when some do, Red when "
    "none does; blank when there is no target or a value is not known.",
    "SPC signals: beyond the process limit: a value outside the limits the baseline sets; shift: a run of values on "
    "one side of the baseline mean; trend: a run of values rising or falling; two of three near the limit: two of "
    "three values in a row close to a process limit.",
    "Suppressed values: a count of people under 5 is not given (suppressed (<5)); where a total would give one "
    "back, another count is withheld too (suppressed (secondary)). Their value cells are empty.",
)


@dataclass(frozen=True)
class CoverLine:
    label: str
    value: str
    note: str = ""                      # where the value came from, when sgpack chose it


@dataclass(frozen=True)
class CoveredPlan:
    contract: str
    service: str
    location_id: str
    id: str
    title: str
    actions: int


@dataclass(frozen=True)
class ReturnCover:
    title: str
    lines: list[CoverLine]
    plans: list[CoveredPlan]
    notes: list[str]


@dataclass(frozen=True)
class ReturnAction:
    contract: str
    service: str
    domain: str                         # PAMMS domain
    statement: str                      # the CQC quality statement it comes from, and whose it is
    issue: str
    id: str
    action: str
    person: str
    due: dt.date | None
    status: str
    update: str
    rag: str


@dataclass(frozen=True)
class ReturnIndicator:
    contract: str
    service: str
    id: str
    indicator: str
    unit: str
    month: str                          # the latest period in the reporting period ("September 2026")
    value: float | None                 # None: suppressed, or no value in the period
    suppression: str
    target: float | None
    better: str
    signal: str
    trend: str
    rag: str
    actions: str
    source: str


@dataclass(frozen=True)
class ReturnWorkbook:
    cover: ReturnCover
    actions: list[ReturnAction]
    indicators: list[ReturnIndicator]


# ------------------------------------------------------------------------------------------------ PAMMS domains

@lru_cache(maxsize=1)
def pamms() -> tuple[tuple[str, ...], dict[str, str]]:
    """(the PAMMS domains in order, quality statement id -> domain), as shipped in compiler/data/pamms_domains.yaml."""
    raw = yaml.safe_load(resources.files("compiler").joinpath("data", "pamms_domains.yaml").read_text("utf-8"))
    return tuple(raw["domains"]), dict(raw["quality_statements"])


def pamms_domain(plan: Plan, action: Action) -> tuple[str, str]:
    """(PAMMS domain, the quality statement it comes from in words) for an action."""
    statements = plan.quality_statements_of(action)
    if not statements:
        return "", "none given"
    name = vocab().quality_statements[statements[0]][1]
    return pamms()[1][statements[0]], name if action.quality_statements else f"{name} (the plan's)"


# ------------------------------------------------------------------------------------------------ rows

def return_action(plan: Plan, action: Action, result: ActionResult, *, person: str, update: str) -> ReturnAction:
    """An action as a row of a PAMMS action plan; `person` and `update` as the pack shows them."""
    domain, statement = pamms_domain(plan, action)
    return ReturnAction(
        contract=plan.contract or "", service=plan.service, domain=domain, statement=statement,
        issue=f"{plan.title}. Raised by: {plan.origin}" if plan.origin else plan.title,
        id=action.id, action=action.title, person=person, due=action.due, status=STATUS_WORDS[action.status],
        update=update, rag=RAG_SHORT.get(result.assessed_rag, ""))


def _month(point: SpcPoint) -> str:
    return f"{point.period:%B %Y}" if re.fullmatch(r"[0-9]{4}-[0-9]{2}", point.label) else point.label


def _meets(value: float, target: float, better: str) -> bool:
    return value <= target if better == "lower" else value >= target


def _verdict(cell: str, point: SpcPoint, spc: SpcResult) -> bool | None:
    """Whether a published value meets the target; for "<5" only when every count from 1 to 4 would agree."""
    if spc.target is None or cell == HIDDEN:
        return None
    if cell == SMALL:
        verdicts = {_meets(v, spc.target, spc.better) for v in range(1, 5)}
        return verdicts.pop() if len(verdicts) == 1 else None
    return _meets(point.value, spc.target, spc.better)


def period_rag(verdicts: list[bool | None]) -> str:
    """Green when every value of the period meets the target, Amber when some do, Red when none does; "" when that
    cannot be told (no target, or a value not known that could change it)."""
    known = [v for v in verdicts if v is not None]
    if True in known and False in known:
        return "Amber"
    if not known or len(known) < len(verdicts):
        return ""
    return "Green" if known[0] else "Red"


def _bounds(cell: str, point: SpcPoint) -> tuple[float, float] | None:
    if cell == HIDDEN:
        return None
    return (1, 4) if cell == SMALL else (point.value, point.value)


def trend(latest: tuple[SpcPoint, str], before: tuple[SpcPoint, str] | None, better: str) -> str:
    """The movement from the last value before the period to the latest in it, in words; a suppressed value
    gives a direction only where every value it could be agrees."""
    if before is None:
        return "No earlier value"
    since = _month(before[0])
    now, then = _bounds(latest[1], latest[0]), _bounds(before[1], before[0])
    if now is None or then is None:
        return "Not given: a value is suppressed"
    if now[1] < then[0]:
        direction = "down"
    elif now[0] > then[1]:
        direction = "up"
    elif now == then and now[0] == now[1]:
        return f"No change since {since}"
    else:
        return "Not given: a value is suppressed"
    improving = (direction == "down") == (better == "lower")
    return f"{'Improving' if improving else 'Worsening'}: {direction} since {since}"


def signal_words(point: SpcPoint, suppressed: bool) -> str:
    """The SPC reading of a point; the rules that flagged it are left out where its value is suppressed."""
    words = POINT_WORDS.get(point.point_type, point.point_type)
    if suppressed or not point.signals:
        return words
    return f"{words}: {', '.join(SIGNAL_WORDS.get(s, s) for s in point.signals)}"


class IndicatorShown(Protocol):
    """An indicator as the pack shows it (compiler.views.commissioner.IndicatorRow): what the return repeats."""
    id: str
    title: str
    unit: str
    actions: str                        # "RP-03, RP-05"
    source: str                         # the evidence id of its data file


def return_indicator(plan: Plan, shown: IndicatorShown, spc: SpcResult, cells: list[str],
                     period: ReportingPeriod) -> ReturnIndicator:
    """An indicator's row for the reporting period, from its SPC reading and the values as the pack publishes them
    (`cells`, one per point)."""
    points = list(zip(spc.points, cells))
    within = [(p, c) for p, c in points if period.holds(p.period)]
    before = [(p, c) for p, c in points if p.period < period.start]
    common = dict(contract=plan.contract or "", service=plan.service, id=shown.id, indicator=shown.title,
                  unit=shown.unit, target=spc.target, better=f"{spc.better.capitalize()} is better",
                  actions=shown.actions, source=shown.source)
    if not within:
        return ReturnIndicator(**common, month=f"No value in {period.label}", value=None, suppression="", signal="",
                               trend="", rag="")
    point, cell = within[-1]
    suppression = SUPPRESSION_WORDS.get(cell, "")
    return ReturnIndicator(
        **common, month=_month(point), value=None if suppression else float(point.value), suppression=suppression,
        signal=signal_words(point, bool(suppression)), trend=trend((point, cell), before[-1] if before else None,
                                                                   spc.better),
        rag=period_rag([_verdict(c, p, spc) for p, c in within]))


def return_workbook(pack: Pack, plans: list[Plan], options: Options, approved_by: str | None,
                    period: ReportingPeriod, actions: list[ReturnAction],
                    indicators: list[ReturnIndicator]) -> ReturnWorkbook:
    return ReturnWorkbook(cover=return_cover(pack, plans, prepared_by=options.prepared_by, approved_by=approved_by,
                                             period=period), actions=actions, indicators=indicators)


def return_cover(pack: Pack, plans: list[Plan], *, prepared_by: str | None, approved_by: str | None,
                 period: ReportingPeriod) -> ReturnCover:
    """Whose return, for which quarter, prepared and approved by whom (left empty to sign when not given)."""
    in_pack = set(pack.actions)
    contracts = sorted({p.contract for p in plans if p.contract})
    return ReturnCover(
        title=TITLE,
        lines=[CoverLine("Provider", pack.provider),
               CoverLine("Contract reference", ", ".join(contracts),
                         "" if contracts else "none of the plans gives one"),
               CoverLine("Reporting period", period.label, period.provenance),
               CoverLine("Figures as of", long_date(pack.as_of), "the evidence as it stood on this day"),
               CoverLine("Prepared by", prepared_by or ""),
               CoverLine("Approved by", approved_by or "")],
        plans=[CoveredPlan(contract=p.contract or "", service=p.service, location_id=p.location_id or "", id=p.id,
                           title=p.title, actions=sum(a.id in in_pack for a in p.actions)) for p in plans],
        notes=list(NOTES))
