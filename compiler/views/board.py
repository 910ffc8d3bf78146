"""The board pack's view: every plan. A high-risk plan in full: an assurance level, exceptions, trends and the
line of sight from concern to sustained change. Any other plan by exception: only its actions whose declared RAG
is better than the evidence shows, with no named owner, overdue, or with an indicator concern."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from compiler.assess.closure import indicator_sentence
from compiler.assess.rag import indicator_concern
from compiler.model.assessment import ActionResult
from compiler.model.finding import Finding
from compiler.model.pack import Pack
from compiler.model.plan import RAG_ORDER, Plan
from compiler.rules.codes import ACTION_OVERDUE, BOARD_EXCEPTIONS, OWNER_NOT_NAMED, RAG_OVERSTATED
from compiler.views.common import ChartData, Head, Options, chart_data, head, shared_text
from compiler.views.words import CLOSURE_PARTS, CLOSURE_SHORT, anchor_for, closure_gaps

ASSURANCE_LEVELS = ("Substantial assurance", "Reasonable assurance", "Limited assurance", "No assurance")
ASSURANCE_RULE = ("Assurance: Substantial = every action green or blue on evidence, no errors, nothing overdue "
                  "or overstated; Reasonable = no errors, overdue or overstated actions, but some amber or "
                  "warnings; Limited = an error finding, an overdue or overstated action; No assurance = an "
                  "action assessed red, or errors on half or more of the actions.")
IN_FULL = frozenset({"high"})          # the risks of the plans the Board sees in full; any other, by exception
# what takes an action of a plan seen by exception to the Board, besides an indicator concern
BY_EXCEPTION = (RAG_OVERSTATED, OWNER_NOT_NAMED, ACTION_OVERDUE)
BY_EXCEPTION_HEADING = "Other plans, by exception"
BY_EXCEPTION_RULE = ("A plan not rated high risk is reported by exception: only its actions whose declared RAG is "
                     f"better than the evidence shows ({RAG_OVERSTATED}), with no named owner ({OWNER_NOT_NAMED}), "
                     f"overdue ({ACTION_OVERDUE}), or whose indicator shows a special-cause concern in its last "
                     "three months.")
INDICATOR_CONCERN = "Indicator concern"


def assurance_level(results: list[ActionResult], findings: list[Finding]) -> tuple[str, list[str]]:
    """The Board's assurance level for one plan, from its assessed RAGs, closure readiness and findings.

    First match wins:
    - No assurance: any action assessed red, or error findings on half or more of the actions.
    - Limited: any error finding (e.g. SG201, SG302, SG402, SG405 on a high-risk plan), any action
      overdue, or any declared RAG better than assessed.
    - Reasonable: no errors, nothing overdue or overstated, but an action assessed amber or a warning.
    - Substantial: every action green or blue on evidence, no findings above info.
    Returns the level and the reasons that decided it (one short line each).
    """
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    red = [r.id for r in results if r.assessed_rag == "red"]
    amber = [r.id for r in results if r.assessed_rag == "amber"]
    overdue = [r.id for r in results if r.overdue]
    over = [r.id for r in results if r.declared_rag and RAG_ORDER[r.declared_rag] > RAG_ORDER[r.assessed_rag]]
    with_errors = {f.action for f in errors if f.action}
    ready = sum(1 for r in results if r.closure.ready)
    reasons = []
    if red:
        reasons.append(f"assessed red: {', '.join(red)}")
    if errors:
        codes = Counter(f.rule for f in errors)
        reasons.append("errors: " + ", ".join(f"{c} ×{n}" if n > 1 else c for c, n in sorted(codes.items())))
    if overdue:
        reasons.append(f"overdue: {', '.join(overdue)}")
    if over:
        reasons.append(f"declared better than assessed: {', '.join(over)}")
    if amber:
        reasons.append(f"assessed amber: {', '.join(amber)}")
    if warnings:
        reasons.append(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}")
    reasons.append(f"{ready} of {len(results)} action{'s' if len(results) != 1 else ''} ready to close on evidence")
    if red or (results and len(with_errors) * 2 >= len(results)):
        return ASSURANCE_LEVELS[3], reasons
    if errors or overdue or over:
        return ASSURANCE_LEVELS[2], reasons
    if amber or warnings:
        return ASSURANCE_LEVELS[1], reasons
    return ASSURANCE_LEVELS[0], reasons


@dataclass(frozen=True)
class ExceptionRow:
    subject: str
    what: str                       # "Assessed amber", "SG201 owner-not-named"
    detail: str                     # a finding: what was found and what would resolve it, in the Board's words


@dataclass(frozen=True)
class TrendView:
    title: str
    chart: ChartData
    explanation: str
    actions: str                    # "RP-03, RP-05"
    png: bytes | None = None        # drawn by the pack, in its theme


@dataclass(frozen=True)
class SightRow:
    concern: str                    # the plan's origin, on the first row only
    action: str
    title: str
    impact: str
    sustained: str
    sustained_ok: bool


@dataclass(frozen=True)
class PlanBoardView:
    id: str
    anchor: str
    title: str
    service: str
    origin: str
    risk: str
    level: str
    reasons: list[str]
    rag_counts: str
    ready: str
    exceptions: list[ExceptionRow]
    trends: list[TrendView]
    sight: list[SightRow]


@dataclass(frozen=True)
class ExceptionPlanView:
    """A plan the Board sees by exception: what needs its attention, or nothing."""
    id: str
    anchor: str
    title: str
    service: str
    risk: str
    exceptions: list[ExceptionRow]


@dataclass
class BoardView:
    head: Head
    plans: list[PlanBoardView]                  # seen in full (high risk)
    others: list[ExceptionPlanView] = field(default_factory=list)   # seen by exception

    @property
    def scope(self) -> str:
        """"3 plans: 1 high-risk in full, 2 by exception"."""
        total = len(self.plans) + len(self.others)
        return (f"{total} plan{'s' if total != 1 else ''}: {len(self.plans)} high-risk in full, "
                f"{len(self.others)} by exception")

    def trends(self) -> list[TrendView]:
        return [t for p in self.plans for t in p.trends]


def _impact(result: ActionResult) -> str:
    """The requirements met, then what each indicator's reading shows."""
    met = sum(1 for r in result.requirements if r.status == "met")
    parts = [f"{met} of {len(result.requirements)} evidence requirements met"] if result.requirements else \
        ["no evidence requirements set"]
    parts += [indicator_sentence(ind, ind.title) for ind in result.indicators]
    return ". ".join(p.rstrip(".") for p in parts) + "."


def sustained(result: ActionResult) -> str:
    """Whether the closure test passes; if not, what it shows, then what it lacks."""
    if result.closure.ready:
        return "Yes: the closure test passes"
    shown = [CLOSURE_SHORT[k] for k, _ in CLOSURE_PARTS if getattr(result.closure, k).result == "pass"]
    held = [f"{', '.join(shown)} shown"] if shown else []
    return "Not yet: " + "; ".join(held + closure_gaps(result))


def by_exception(plan: Plan, pack: Pack) -> ExceptionPlanView:
    """A plan the Board sees by exception: per action, in plan order, each finding of BY_EXCEPTION and each
    linked indicator with a special-cause concern among its last three points after the action opened."""
    a = pack.assessment
    in_pack = set(pack.actions)
    rows: list[ExceptionRow] = []
    for act in (x for x in plan.actions if x.id in in_pack):
        for f in pack.findings:
            if f.action == act.id and f.rule in BY_EXCEPTION:
                rows.append(ExceptionRow(act.id, f"{f.rule} {f.name}", shared_text(f)))
        for ind in a.action(act.id).indicators:
            if indicator_concern(ind):
                rows.append(ExceptionRow(act.id, INDICATOR_CONCERN, indicator_sentence(ind, ind.title)))
    return ExceptionPlanView(id=plan.id, anchor=anchor_for("plan", plan.id), title=plan.title, service=plan.service,
                             risk=plan.risk, exceptions=rows)


def board_view(pack: Pack, options: Options, *, in_full: frozenset[str] = IN_FULL) -> BoardView:
    """Every plan in the pack: those of the risks `in_full` (high) in full, the others by exception."""
    a = pack.assessment
    views = []
    in_pack = set(pack.actions)
    plans = [p for p in a.plans if p.id in pack.plans]
    for plan in (p for p in plans if p.risk in in_full):
        results = [a.action(act.id) for act in plan.actions if act.id in in_pack]
        findings = [f for f in pack.findings if f.plan == plan.id]
        level, reasons = assurance_level(results, findings)
        rags = Counter(r.assessed_rag for r in results)
        rag_counts = ", ".join(f"{rags[k]} {k}" for k in ("blue", "green", "amber", "red") if rags.get(k))
        exceptions: list[ExceptionRow] = []
        for act in plan.actions:
            r = a.action(act.id)
            if r.assessed_rag in ("red", "amber"):
                exceptions.append(ExceptionRow(act.id, f"Assessed {r.assessed_rag}",
                                               "; ".join(r.rag_reasons) or "—"))
        for f in findings:
            if f.severity == "error" or f.rule in BOARD_EXCEPTIONS:
                exceptions.append(ExceptionRow(f.action or f.plan or "", f"{f.rule} {f.name}", shared_text(f)))
        trends, seen = [], set()
        for act in plan.actions:
            r = a.action(act.id)
            for ind in r.indicators:
                if ind.spc is None or ind.id in seen:
                    continue
                seen.add(ind.id)
                linked = [x.id for x in plan.actions if ind.id in x.indicators]
                trends.append(TrendView(ind.title, chart_data(ind.spc, title=ind.title, opened=act.opened),
                                        ind.spc.explanation, ", ".join(linked)))
        sight = []
        for i, act in enumerate(plan.actions):
            r = a.action(act.id)
            sight.append(SightRow(plan.origin or "Origin not recorded" if i == 0 else "", act.id, act.title,
                                  _impact(r), sustained(r), r.closure.ready))
        views.append(PlanBoardView(
            id=plan.id, anchor=anchor_for("plan", plan.id), title=plan.title, service=plan.service,
            origin=plan.origin or "Origin not recorded", risk=plan.risk, level=level, reasons=reasons,
            rag_counts=rag_counts or "no actions", ready=f"{sum(r.closure.ready for r in results)} of {len(results)}",
            exceptions=exceptions, trends=trends, sight=sight))
    return BoardView(head=head(pack, options), plans=views,
                     others=[by_exception(p, pack) for p in plans if p.risk not in in_full])
