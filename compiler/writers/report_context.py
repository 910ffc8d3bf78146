"""View models for the short packs (governance, board, owners), built from the CQC view model and the assessment.

Like `context.py`, everything here is plain pre-formatted text made from user data: writers escape
it for their format. Nothing here touches files; the only heavy call is drawing board trend charts.

Challenge questions (governance) are built from data: each finding's rule picks a phrase from
`QUESTIONS` below, filled with the values behind the finding (requirement type and counts, due
date, owner as written, last review). Board assurance levels are defined in `assurance_level`.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from compiler.model.assessment import ActionResult, RequirementResult
from compiler.model.finding import Finding
from compiler.model.pack import Pack
from compiler.model.plan import RAG_ORDER, Action, Plan
from compiler.writers.context import (CLOSURE_PARTS, STATUS_WORDS, FindingView, PackContext, anchor_for,
                                      long_date)

OPEN = ("planned", "in_progress")
RAG_NAMES = {"red": "red", "amber": "amber", "green": "green", "blue": "blue", None: "unrated"}

# Evidence type -> (one, many, the question that tests whether it shows practice changed)
TYPE_WORDS: dict[str, tuple[str, str, str]] = {
    "supervision": ("supervision record", "supervision records", "what shows coaching changed practice?"),
    "audit": ("audit", "audits", "what shows practice has changed day to day?"),
    "competency": ("competency observation", "competency observations", "what shows staff are competent in practice?"),
    "training": ("training record", "training records", "what shows the training reached every member of staff?"),
    "governance_minutes": ("set of governance minutes", "sets of governance minutes",
                           "where is the Committee's oversight of it recorded?"),
    "board_report": ("board report", "board reports", "how has the Board been kept sighted?"),
    "indicator": ("indicator data point", "indicator data points", "what shows the risk is reducing?"),
    "debrief": ("debrief", "debriefs", "what shows learning from incidents is captured?"),
    "support_plan": ("support plan", "support plans", "what shows people's plans reflect the change?"),
    "incident_log": ("incident log", "incident logs", "what shows incidents are recorded and acted on?"),
    "policy": ("policy", "policies", "which policy sets out the change?"),
    "team_meeting": ("team meeting record", "team meeting records", "what shows staff understood the change?"),
    "feedback": ("feedback record", "feedback records", "what do people who use the service say has changed?"),
    "partner_feedback": ("partner feedback record", "partner feedback records", "what do partners say has changed?"),
    "spot_check": ("spot check", "spot checks", "what shows practice is checked unannounced?"),
}
CLOSURE_SHORT = {"indicators": "risk indicator improvement", "audit": "audits confirming practice change",
                 "staff": "staff supervision or competency evidence", "governance": "governance review and challenge"}


def type_words(kind: str) -> tuple[str, str, str]:
    return TYPE_WORDS.get(kind, (f"{kind.replace('_', ' ')} item", f"{kind.replace('_', ' ')} items",
                                 "what shows the action worked?"))


def records(n: int, kind: str, more: bool = False) -> str:
    """'1 supervision record', '3 audits'; with more=True '1 more supervision record'."""
    one, many, _ = type_words(kind)
    return f"{n}{' more' if more else ''} {one if n == 1 else many}"


def day(d: dt.date | None, as_of: dt.date) -> str:
    """'31 October' in the as-of year, else '31 October 2025'."""
    if d is None:
        return "no date"
    return f"{d.day} {d:%B}" if d.year == as_of.year else long_date(d)


def unmet(result: ActionResult) -> list[RequirementResult]:
    return [r for r in result.requirements if r.status != "met"]


def more_needed(req: RequirementResult) -> int:
    return max(1, req.count - req.current)


def requirement_label(req: RequirementResult) -> str:
    label = f"{req.type.replace('_', ' ')} ×{req.count}"
    if req.within_days:
        label += f" within {req.within_days} days"
    if req.target is not None:
        label += f", target {req.target:g}%"
    return label


def missing_text(req: RequirementResult, action: Action) -> str:
    """What is missing, in words an owner can act on."""
    need = records(more_needed(req), req.type, more=req.status != "missing")
    since = f"dated on or after {action.opened.isoformat()}"
    if req.within_days:
        since += f" and within the last {req.within_days} days"
    if req.status == "stale":
        return f"{need} {since} ({req.found} found, but {req.current} current)"
    if req.status == "insufficient":
        return f"{need} {since} ({req.current} of {req.count} so far)"
    return f"{need} {since} (none found)"


def _last_review(result: ActionResult) -> dt.date | None:
    return dt.date.fromisoformat(result.governance_reviews[-1]) if result.governance_reviews else None


# ---------------------------------------------------------------------------------------- questions

@dataclass(frozen=True)
class QuestionData:
    finding: Finding | None
    plan: Plan
    action: Action | None
    result: ActionResult | None
    as_of: dt.date


def _declared_vs_evidence(q: QuestionData) -> str:
    a, r = q.action, q.result
    gaps = unmet(r)
    declared = RAG_NAMES[a.rag]
    if gaps:
        g = gaps[0]
        has = (f"{g.current} of the {records(g.count, g.type)}" if g.count > 1
               else f"no current {type_words(g.type)[0]}")
        return f"{a.id} is declared {declared} but has {has} it requires: {type_words(g.type)[2]}"
    reason = (r.rag_reasons[0] if r.rag_reasons else f"the evidence supports {r.assessed_rag}").rstrip(".")
    return f"{a.id} is declared {declared} but assessed {r.assessed_rag} ({reason}): what evidence supports {declared}?"


def _insufficient(q: QuestionData) -> str | None:
    out = []
    for g in unmet(q.result):
        if g.status != "insufficient":
            continue
        out.append(f"{q.action.id} needs {records(more_needed(g), g.type, more=True)} ({g.current} of {g.count} so far): "
                   f"who will provide {'it' if more_needed(g) == 1 else 'them'}, and by when?")
    return "\n".join(out) or None


def _missing(q: QuestionData) -> str | None:
    out = [f"{q.action.id} has no {type_words(g.type)[1]} at all: {type_words(g.type)[2]}"
           for g in unmet(q.result) if g.status == "missing"]
    return "\n".join(out) or None


def _stale(q: QuestionData) -> str | None:
    out = [f"{q.action.id} has {records(g.found, g.type)}, but {g.current} within the last "
           f"{g.within_days or '—'} days: has the checking stopped, and when is the next one due?"
           for g in unmet(q.result) if g.status == "stale"]
    return "\n".join(out) or None


def _overdue(q: QuestionData) -> str:
    status = STATUS_WORDS[q.action.status].lower()
    return (f"{q.action.id} was due on {day(q.action.due, q.as_of)} and is still {status}: "
            "what is the revised date and who agreed it?")


def _review_overdue(q: QuestionData) -> str:
    last = _last_review(q.result)
    since = f"since {day(last, q.as_of)}" if last else "since it opened"
    return f"{q.action.id} has not been reviewed {since}: why has it not come to the Committee, and when will it?"


def _owner(q: QuestionData) -> str:
    shown = q.action.owner.raw if q.action.owner and q.action.owner.raw else "nobody"
    return f"{q.action.id} is owned by “{shown}”: which named person is accountable for delivering it?"


def _tick_box(q: QuestionData) -> str:
    m = re.search(r'\("([^"]+)"\)', q.finding.message)
    phrase = f" (“{m.group(1)}”)" if m else ""
    return (f"{q.action.id} is a tick-box action{phrase}: what practice change does it support, "
            "and how is that change tested?")


def _board(q: QuestionData) -> str:
    return f"{q.plan.id} ({q.plan.risk} risk) has had no board report in 90 days: when will the Board see it?"


def _generic(q: QuestionData) -> str:
    subject = q.action.id if q.action else q.plan.id
    text = q.finding.message
    if text.startswith(subject):
        text = text[len(subject):].lstrip(" :")
    return f"{subject}: {text.rstrip('.')}. What is being done about it, and by when?"


QUESTIONS: dict[str, Callable[[QuestionData], str | None]] = {
    "SG101": lambda q: f"{q.action.id} requires no evidence: how will the Committee know it worked?",
    "SG102": _tick_box,
    "SG201": _owner,
    "SG202": lambda q: f"{q.action.id} has no due date: by when will it be delivered, and who agreed that?",
    "SG301": _missing,
    "SG302": _insufficient,
    "SG303": _stale,
    "SG304": lambda q: (f"Evidence {q.finding.evidence} for {q.action.id if q.action else q.plan.id} cannot be read: "
                        "can a readable copy be provided before the meeting?"),
    "SG305": lambda q: f"{q.action.id} names evidence that does not exist: where is it?",
    "SG308": lambda q: (f"Evidence {q.finding.evidence} for {q.action.id if q.action else q.plan.id} has no date: "
                        "when was it produced, and is it current?"),
    "SG401": lambda q: f"{q.action.id} has a RAG rating with no narrative: what is the rating based on?",
    "SG402": _declared_vs_evidence,
    "SG403": _overdue,
    "SG404": _review_overdue,
    "SG405": _board,
    "SG406": lambda q: (f"Minutes review {q.action.id} but none records challenge: what did the Committee test, "
                        "and what assurance did it ask for?"),
    "SG501": lambda q: f"{q.action.id} is closed but its risk indicators have not improved: should it be reopened?",
    "SG502": lambda q: f"{q.action.id} is closed but audits do not confirm practice change: should it be reopened?",
    "SG503": lambda q: f"{q.action.id} is closed without staff evidence: what shows staff practise it consistently?",
    "SG504": lambda q: f"{q.action.id} is closed without governance challenge recorded: who tested the closure?",
    "SG505": lambda q: (f"{q.action.id} is a high-risk action closed after a short oversight period: "
                        "what shows the improvement will last?"),
}


@dataclass(frozen=True)
class Question:
    subject: str                    # action or plan id
    rule: str                       # the finding's rule, or "closure" / "declared"
    text: str


def theme_words(plan: Plan) -> str:
    return plan.abuse_types[0].replace("_", " ") if plan.abuse_types else "the risk"


def challenge_questions(pack: Pack, as_of: dt.date) -> list[Question]:
    """One or more questions per relevant finding or disagreement, in plan and action order."""
    a = pack.assessment
    plans = {p.id: p for p in a.plans if p.id in pack.plans}
    actions = {act.id: (act, p) for p in plans.values() for act in p.actions}
    order = {aid: i for i, aid in enumerate(pack.actions)}
    questions: list[tuple[tuple, Question]] = []

    def add(key: tuple, subject: str, rule: str, text: str | None) -> None:
        for line in (text or "").splitlines():
            if line.strip():
                questions.append((key, Question(subject, rule, line)))

    for f in pack.findings:
        make = QUESTIONS.get(f.rule, _generic)
        if f.action and f.action in actions:
            act, plan = actions[f.action]
            data = QuestionData(f, plan, act, a.action(act.id), as_of)
            key = (0, order.get(act.id, 0), f.rule)
        elif f.plan in plans and (f.action is None):
            if f.rule in ("SG101", "SG202", "SG301", "SG302", "SG303", "SG401", "SG402", "SG403", "SG404"):
                continue
            data = QuestionData(f, plans[f.plan], None, None, as_of)
            key = (1, f.plan, f.rule)
        else:
            continue
        add(key, f.action or f.plan or "", f.rule, make(data))
    seen_402 = {f.action for f in pack.findings if f.rule == "SG402"}
    for aid in pack.actions:
        act, plan = actions[aid]
        result = a.action(aid)
        if act.rag and act.rag != result.assessed_rag and aid not in seen_402:
            worse = RAG_ORDER[act.rag] < RAG_ORDER[result.assessed_rag]
            text = (f"{aid} is declared {act.rag} but the evidence supports {result.assessed_rag}: "
                    + ("what does the owner know that the evidence does not show?" if worse
                       else "what evidence supports the declared rating?"))
            add((0, order[aid], "declared"), aid, "declared", text)
        if act.is_open and not act.indicators and result.closure.indicators.result == "fail":
            add((0, order[aid], "closure"), aid, "closure",
                f"{aid} has no linked risk indicator: how will the Committee know {theme_words(plan)} is reducing?")
        for ind in result.indicators:
            if ind.spc is not None and ind.spc.concern:
                add((0, order[aid], "concern"), aid, "concern",
                    f"{ind.title} shows special-cause concern since {aid} opened: what has changed, and what is "
                    "being done?")
    questions.sort(key=lambda kq: kq[0])
    unique = list(dict.fromkeys(q for _, q in questions))
    return unique


# ---------------------------------------------------------------------------------------- governance

@dataclass(frozen=True)
class ReviewDueRow:
    id: str
    title: str
    owner: str
    plan: str
    last_review: str
    cadence: str
    why: str


@dataclass(frozen=True)
class ClosureLine:
    name: str
    result: str                     # pass | fail | n/a
    reason: str
    evidence: list[str]             # evidence ids behind the result


@dataclass(frozen=True)
class ClosureProposal:
    id: str
    anchor: str
    title: str
    owner: str
    status: str
    declared_rag: str | None
    assessed_rag: str
    basis: str                      # why it is proposed
    ready: bool
    verdict: str
    closure: list[ClosureLine]


@dataclass(frozen=True)
class DisagreementRow:
    id: str
    title: str
    owner: str
    declared_rag: str | None
    assessed_rag: str
    direction: str                  # "Overstated (SG402)" / "Understated"
    reasons: list[str]


@dataclass(frozen=True)
class OverdueRow:
    id: str
    title: str
    owner: str
    due: str
    late: str                       # "20 days"
    status: str


@dataclass
class GovernanceView:
    due: list[ReviewDueRow]
    closures: list[ClosureProposal]
    disagreements: list[DisagreementRow]
    overdue: list[OverdueRow]
    questions: list[Question]
    waivers: list[FindingView]


GOVERNANCE_SECTIONS = (
    ("sec_due", "Actions due for governance review"),
    ("sec_closures", "Proposed closures"),
    ("sec_disagreements", "Declared and assessed RAG disagree"),
    ("sec_overdue", "Overdue actions"),
    ("sec_questions", "Challenge questions"),
    ("sec_waivers", "Waivers"),
)


def _triples(pack: Pack, ctx: PackContext):
    a = pack.assessment
    plans = {p.id: p for p in a.plans if p.id in pack.plans}
    actions = {act.id: (act, p) for p in plans.values() for act in p.actions}
    for view in ctx.actions:
        act, plan = actions[view.id]
        yield view, act, plan, a.action(view.id)


def governance_view(pack: Pack, ctx: PackContext) -> GovernanceView:
    as_of = pack.as_of
    sg404 = {f.action for f in pack.findings if f.rule == "SG404"}
    sg402 = {f.action for f in pack.findings if f.rule == "SG402"}
    due, closures, disagreements, overdue = [], [], [], []
    for view, act, plan, result in _triples(pack, ctx):
        last = _last_review(result)
        if act.is_open:
            stale = last is None or (as_of - last).days > plan.review_every_days
            if stale or act.id in sg404:
                why = ("no governance review recorded" if last is None
                       else f"last review {(as_of - last).days} days ago")
                if act.id in sg404:
                    why += " (SG404)"
                due.append(ReviewDueRow(act.id, act.title, view.owner, plan.id,
                                        long_date(last) if last else "none", f"every {plan.review_every_days} days",
                                        why))
        finished = not act.is_open or act.rag == "blue"
        if finished or result.closure.ready:
            basis = (f"{STATUS_WORDS[act.status]}" + (", declared blue" if act.rag == "blue" else "")
                     if finished else "Open, and every part of the closure test passes")
            fails = [name for key, name in CLOSURE_PARTS if getattr(result.closure, key).result == "fail"]
            if result.closure.ready:
                verdict = ("Closure confirmed on evidence" if finished
                           else "Can be closed on evidence: propose closure to the Committee")
            else:
                verdict = f"Do not close yet: {len(fails)} of 4 parts fail ({'; '.join(fails)})"
            lines = [ClosureLine(name, getattr(result.closure, key).result, getattr(result.closure, key).reason,
                                 list(getattr(result.closure, key).evidence)) for key, name in CLOSURE_PARTS]
            closures.append(ClosureProposal(act.id, view.anchor, act.title, view.owner, STATUS_WORDS[act.status],
                                            act.rag, result.assessed_rag, basis, result.closure.ready, verdict,
                                            lines))
        if act.id in sg402 or (act.rag is not None and act.rag != result.assessed_rag):
            over = act.id in sg402 or RAG_ORDER[act.rag] > RAG_ORDER[result.assessed_rag]
            disagreements.append(DisagreementRow(
                act.id, act.title, view.owner, act.rag, result.assessed_rag,
                "Overstated (SG402)" if over else "Understated: evidence supports better",
                list(result.rag_reasons) or [f"every requirement met; assessed {result.assessed_rag}"]))
        if result.overdue:
            days = (as_of - act.due).days if act.due else 0
            overdue.append(OverdueRow(act.id, act.title, view.owner, long_date(act.due), f"{days} days",
                                      STATUS_WORDS[act.status]))
    return GovernanceView(due=due, closures=closures, disagreements=disagreements, overdue=overdue,
                          questions=challenge_questions(pack, as_of), waivers=list(ctx.waivers))


# ---------------------------------------------------------------------------------------- board

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
    png: bytes
    explanation: str
    actions: str                    # "RP-03, RP-05"


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


def _impact(result: ActionResult) -> str:
    met = sum(1 for r in result.requirements if r.status == "met")
    parts = [f"{met} of {len(result.requirements)} evidence requirements met"] if result.requirements else \
        ["no evidence requirements set"]
    shown = [CLOSURE_SHORT[k] for k, _ in CLOSURE_PARTS if getattr(result.closure, k).result == "pass"]
    if shown:
        parts.append("Shown: " + "; ".join(shown))
    for ind in result.indicators:
        if ind.spc is not None and ind.spc.explanation:
            parts.append(ind.spc.explanation.split(". ")[0].rstrip(".") + ".")
            break
    return ". ".join(p.rstrip(".") for p in parts) + "."


def board_views(pack: Pack, ctx: PackContext, chart: Callable[..., bytes]) -> list[PlanBoardView]:
    """One view per plan in the pack (the board profile keeps only high-risk plans)."""
    a = pack.assessment
    views = []
    by_id = {v.id: v for v in ctx.actions}
    for plan in (p for p in a.plans if p.id in pack.plans):
        results = [a.action(act.id) for act in plan.actions if act.id in by_id]
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
            if f.severity == "error" or f.rule in ("SG403", "SG404", "SG405"):
                exceptions.append(ExceptionRow(f.action or f.plan or "", f"{f.rule} {f.name}", f.message))
        trends, seen = [], set()
        for act in plan.actions:
            r = a.action(act.id)
            for ind in r.indicators:
                if ind.spc is None or ind.id in seen:
                    continue
                seen.add(ind.id)
                linked = [x.id for x in plan.actions if ind.id in x.indicators]
                trends.append(TrendView(ind.title, chart(ind.spc, title=ind.title, opened=act.opened),
                                        ind.spc.explanation, ", ".join(linked)))
        sight = []
        for i, act in enumerate(plan.actions):
            r = a.action(act.id)
            fails = [CLOSURE_SHORT[k] for k, _ in CLOSURE_PARTS if getattr(r.closure, k).result == "fail"]
            sustained = "Yes: the closure test passes" if r.closure.ready else "Not yet: no " + "; no ".join(fails)
            sight.append(SightRow(plan.origin or "Origin not recorded" if i == 0 else "", act.id, act.title,
                                  _impact(r), sustained, r.closure.ready))
        views.append(PlanBoardView(
            id=plan.id, anchor=anchor_for("plan", plan.id), title=plan.title, service=plan.service,
            origin=plan.origin or "Origin not recorded", risk=plan.risk, level=level, reasons=reasons,
            rag_counts=rag_counts or "no actions", ready=f"{sum(r.closure.ready for r in results)} of {len(results)}",
            exceptions=exceptions, trends=trends, sight=sight))
    return views


# ---------------------------------------------------------------------------------------- owners

UNASSIGNED = "Unassigned"


@dataclass(frozen=True)
class MissingView:
    requirement: str                # "supervision ×2 within 90 days"
    type: str
    more: int
    status: str
    what: str                       # "1 supervision record more dated on or after ..."
    note: str
    due: str


@dataclass(frozen=True)
class OwnerAction:
    id: str
    anchor: str
    title: str
    plan_id: str
    plan_title: str
    service: str
    owner_as_written: str
    due: str
    due_iso: str
    status: str
    declared_rag: str | None
    assessed_rag: str
    missing: list[MissingView]
    findings: list[FindingView]
    narrative: str                  # the owner's latest narrative, as plain text


@dataclass(frozen=True)
class OwnerView:
    name: str                       # "Marcus Bell (Registered Manager)" or "Unassigned"
    slug: str                       # file name stem
    named: bool
    actions: list[OwnerAction]
    missing_total: int
    findings_total: int


def slug(text: str) -> str:
    """'Marcus Bell (Registered Manager)' -> 'marcus-bell'; never empty, ASCII only."""
    base = re.sub(r"\(.*?\)", " ", text)
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:60].strip("-")
    return base or "owner"


def owner_views(pack: Pack, ctx: PackContext) -> list[OwnerView]:
    """Actions grouped by named owner; actions with no named owner (SG201) under 'Unassigned', last."""
    a = pack.assessment
    unnamed = {f.action for f in a.findings if f.rule == "SG201" and f.plan in pack.plans}
    groups: dict[str, tuple[str, list[OwnerAction]]] = {}
    for view, act, plan, result in _triples(pack, ctx):
        named = act.id not in unnamed and act.owner is not None and bool(act.owner.name)
        key = act.owner.name.casefold().strip() if named else "\uffff"
        display = view.owner if named else UNASSIGNED
        due = long_date(act.due) if act.due else "no due date"
        missing = [MissingView(requirement_label(r), r.type, more_needed(r), r.status, missing_text(r, act),
                               r.note or "", due) for r in unmet(result)]
        entry = OwnerAction(act.id, view.anchor, act.title, plan.id, plan.title, plan.service,
                            act.owner.raw if act.owner else "(none)", due, act.due.isoformat() if act.due else "",
                            STATUS_WORDS[act.status], act.rag, result.assessed_rag, missing, list(view.findings),
                            " ".join(b.text for b in view.narrative))
        groups.setdefault(key, (display, []))[1].append(entry)
    owners, used = [], set()
    for key in sorted(groups):
        display, actions = groups[key]
        s = slug(display) if key != "\uffff" else "unassigned"
        base, n = s, 2
        while s in used:
            s, n = f"{base}-{n}", n + 1
        used.add(s)
        owners.append(OwnerView(display, s, key != "\uffff", actions, sum(m.more for x in actions for m in x.missing),
                                sum(len(x.findings) for x in actions)))
    return owners


@dataclass(frozen=True)
class GapRow:
    owner: str
    action: str
    plan: str
    service: str
    due: str
    requirement: str                # requirement label or rule code + name
    missing: str
    hint: str


GAP_HEADER = ("owner", "action", "plan", "service", "due", "requirement or rule", "what is missing", "hint")


def gap_rows(owners: list[OwnerView]) -> list[GapRow]:
    rows = []
    for o in owners:
        for x in o.actions:
            for m in x.missing:
                hint = f"link the evidence to {x.id} (mention {x.id} in it, or tag it in evidence.yaml)"
                rows.append(GapRow(o.name, x.id, x.plan_id, x.service, x.due_iso, m.requirement,
                                   m.what + (f" — {m.note}" if m.note else ""), hint))
            for f in x.findings:
                rows.append(GapRow(o.name, x.id, x.plan_id, x.service, x.due_iso, f"{f.rule} {f.name}",
                                   f.message, f.hint))
    return sorted(rows, key=lambda r: (r.owner == UNASSIGNED, r.owner.casefold(), r.action, r.requirement,
                                       r.missing, r.hint))
