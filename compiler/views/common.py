"""What every pack's view shares: the document head, findings, exhibit references, charts, overdue rows."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from compiler.model.assessment import ActionResult
from compiler.model.finding import Finding
from compiler.model.pack import Pack
from compiler.model.plan import Action, Plan
from compiler.model.spc import SpcResult
from compiler.views.words import STATUS_WORDS, long_date, owner_shown


@dataclass(frozen=True)
class Options:
    """What the person building a pack says about it, beyond the pack itself."""
    prepared_by: str | None = None        # shown on the cover; default: the provider


@dataclass(frozen=True)
class Head:
    """What every page and cover of a pack says about the pack as a whole."""
    pack: str
    title: str
    audience: str
    classification: str
    provider: str
    service: str                    # "Oakview", or "All services"
    as_of: str                      # "20 November 2026"
    as_of_iso: str
    prepared_by: str                # --prepared-by, else the provider: never the tool
    tool_version: str               # for document properties and the manifest, not for the page
    plans: list[tuple[str, str, str, str]]   # (id, title, service, risk)


def head(pack: Pack, options: Options) -> Head:
    plans = [p for p in pack.assessment.plans if p.id in pack.plans]
    return Head(pack=pack.name, title=pack.title, audience=pack.audience, classification=pack.classification,
                provider=pack.provider, service=pack.service or "All services", as_of=long_date(pack.as_of),
                as_of_iso=pack.as_of.isoformat(),
                prepared_by=options.prepared_by or pack.provider, tool_version=pack.tool_version,
                plans=[(p.id, p.title, p.service, p.risk) for p in plans])


@dataclass(frozen=True)
class FindingView:
    """A finding as a pack shows it: placed by plan and action, never by file and line. Where to fix it in the
    plan files, and the hint that names them, are for the preparer (the notes beside the pack: compiler.packs.job),
    not for a pack."""
    rule: str
    name: str
    severity: str
    subject: str                    # action, plan or evidence id
    message: str                    # the statement: vocabulary in words, an evidence file by its name alone
    hint: str                       # what to do, in words; "" in a pack that leaves the provider
    resolve: str                    # what would resolve it: "RH-02 has 2 supervision items ... on file"
    location: str                   # "SAP-2026-014 › RH-02"
    waiver_reason: str | None


def place(plan: str | None, action: str | None) -> str:
    """Where a finding is, in a reader's terms: "SAP-2026-014 › RH-02", the plan alone, or the evidence folder."""
    if plan and action:
        return f"{plan} \u203a {action}"
    return plan or action or "Evidence folder"


def finding_view(f: Finding, *, shared: bool = False) -> FindingView:
    """`shared`: for a pack that leaves the provider, which says what would resolve a finding, not what to do."""
    return FindingView(rule=f.rule, name=f.name, severity=f.severity,
                       subject=f.action or f.plan or f.evidence or "", message=f.statement or f.message,
                       hint="" if shared else (f.advice or f.hint), resolve=f.resolve,
                       location=place(f.plan, f.action), waiver_reason=f.waiver_reason)


def shared_text(f: Finding) -> str:
    """A finding in one sentence or two for a reader outside the provider: what was found and what would resolve it."""
    return f"{(f.statement or f.message).rstrip('.')}. Resolved when: {f.resolve.rstrip('.')}."


@dataclass(frozen=True)
class ExhibitRef:
    number: str
    anchor: str
    title: str


@dataclass(frozen=True)
class ChartData:
    """What an indicator's SPC chart shows, as plain values: a renderer draws it in the pack's theme."""
    title: str
    opened: dt.date
    better: str
    target: float | None
    mean: float | None
    upl: float | None
    lpl: float | None
    provisional: bool
    fallback: bool
    fallback_reason: str | None
    points: tuple[tuple[dt.date, float, str], ...]    # (period, value, kind: baseline or the point type)


def chart_data(spc: SpcResult, *, title: str, opened: dt.date) -> ChartData:
    def num(v: float | None) -> float | None:
        return None if v is None else float(v)

    return ChartData(title=title, opened=opened, better=spc.better, target=num(spc.target), mean=num(spc.mean),
                     upl=num(spc.upl), lpl=num(spc.lpl), provisional=bool(spc.provisional),
                     fallback=bool(spc.fallback), fallback_reason=spc.fallback_reason,
                     points=tuple((p.period, float(p.value), "baseline" if p.baseline else p.point_type)
                                  for p in spc.points))


@dataclass(frozen=True)
class PersonalDataView:
    """A personal-data scan hit for the warning section: where, what kind, the value masked (never in full)."""
    file: str
    location: str
    kind: str
    masked: str
    detail: str = ""
    blocking: bool = False


@dataclass(frozen=True)
class OverdueRow:
    """An action past its due date and not completed or closed."""
    id: str
    title: str
    owner: str
    due: str
    days: int                       # days past due, as of the pack's date
    status: str
    assessed_rag: str


def overdue_row(action: Action, assessed_rag: str, as_of: dt.date, owner: str | None = None) -> OverdueRow:
    return OverdueRow(id=action.id, title=action.title, owner=owner if owner is not None else owner_shown(action),
                      due=long_date(action.due), days=(as_of - action.due).days if action.due else 0,
                      status=STATUS_WORDS[action.status], assessed_rag=assessed_rag)


def actions_in(pack: Pack) -> Iterator[tuple[Action, Plan, ActionResult]]:
    """The pack's actions in pack order, each with its plan and its result."""
    a = pack.assessment
    plans = {p.id: p for p in a.plans if p.id in pack.plans}
    actions = {act.id: (act, p) for p in plans.values() for act in p.actions}
    for action_id in pack.actions:
        act, plan = actions[action_id]
        yield act, plan, a.action(action_id)
