"""The board pack's view: per plan an assurance level, exceptions, trends and the line of sight from
concern to sustained change."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from compiler.assess.closure import indicator_sentence
from compiler.model.assessment import ActionResult
from compiler.model.finding import Finding
from compiler.model.pack import Pack
from compiler.model.plan import RAG_ORDER
from compiler.rules.codes import BOARD_EXCEPTIONS
from compiler.views.common import ChartData, Head, Options, chart_data, head
from compiler.views.words import CLOSURE_PARTS, CLOSURE_SHORT, anchor_for, closure_gaps

ASSURANCE_LEVELS = ("Substantial assurance", "Reasonable assurance", "Limited assurance", "No assurance")
ASSURANCE_RULE = ("Assurance: Substantial = every action green or blue on evidence, no errors, nothing overdue "
                  "or overstated; Reasonable = no errors, overdue or overstated actions, but some amber or "
                  "warnings; Limited = an error finding, an overdue or overstated action; No assurance = an "
                  "action assessed red, or errors on half or more of the actions.")


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
    detail: str


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


@dataclass
class BoardView:
    head: Head
    plans: list[PlanBoardView]

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


def board_view(pack: Pack, options: Options) -> BoardView:
    """One view per plan in the pack (the board profile keeps only high-risk plans)."""
    a = pack.assessment
    views = []
    in_pack = set(pack.actions)
    for plan in (p for p in a.plans if p.id in pack.plans):
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
                exceptions.append(ExceptionRow(f.action or f.plan or "", f"{f.rule} {f.name}", f.message))
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
    return BoardView(head=head(pack, options), plans=views)
