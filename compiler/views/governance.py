"""The governance pack's view: actions due for review, proposed closures, declared-vs-assessed
disagreements, overdue actions, challenge questions and waivers."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from compiler.model.pack import Pack
from compiler.model.plan import RAG_ORDER, Plan
from compiler.rules.codes import RAG_OVERSTATED, REVIEW_OVERDUE
from compiler.rules.owned import owner_problem
from compiler.rules.questions import ACTION_ONLY, QuestionData, question
from compiler.views.common import (FindingView, Head, Options, OverdueRow, actions_in, finding_view, head,
                                   overdue_row)
from compiler.views.words import (CLOSURE_PARTS, STATUS_WORDS, anchor_for, last_review, long_date, owner_shown)

SECTIONS = (
    ("sec_due", "Actions due for governance review"),
    ("sec_closures", "Proposed closures"),
    ("sec_disagreements", "Declared and assessed RAG disagree"),
    ("sec_overdue", "Overdue actions"),
    ("sec_questions", "Challenge questions"),
    ("sec_waivers", "Waivers"),
)


@dataclass(frozen=True)
class Question:
    subject: str                    # action or plan id
    rule: str                       # the finding's rule, or "closure" / "declared" / "concern"
    text: str


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


@dataclass
class GovernanceView:
    head: Head
    due: list[ReviewDueRow]
    closures: list[ClosureProposal]
    disagreements: list[DisagreementRow]
    overdue: list[OverdueRow]
    questions: list[Question]
    waivers: list[FindingView]

    def counts(self) -> dict[str, int]:
        """How many entries each section holds, by section anchor (the contents shows them)."""
        return {"sec_due": len(self.due), "sec_closures": len(self.closures),
                "sec_disagreements": len(self.disagreements), "sec_overdue": len(self.overdue),
                "sec_questions": len(self.questions), "sec_waivers": len(self.waivers)}


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
        if f.action and f.action in actions:
            act, plan = actions[f.action]
            data = QuestionData(f, plan, act, a.action(act.id), as_of)
            key = (0, order.get(act.id, 0), f.rule)
        elif f.plan in plans and (f.action is None):
            if f.rule in ACTION_ONLY:
                continue
            data = QuestionData(f, plans[f.plan], None, None, as_of)
            key = (1, f.plan, f.rule)
        else:
            continue
        add(key, f.action or f.plan or "", f.rule, question(f.rule, data))
    seen_402 = {f.action for f in pack.findings if f.rule == RAG_OVERSTATED}
    for aid in pack.actions:
        act, plan = actions[aid]
        result = a.action(aid)
        if act.rag and act.rag != result.assessed_rag and aid not in seen_402:
            worse = RAG_ORDER[act.rag] < RAG_ORDER[result.assessed_rag]
            # an action with no named owner has nobody to ask what they know
            ask = ("what does the owner know that the evidence does not show?" if owner_problem(act.owner) is None
                   else "who owns it, and what do they know that the evidence does not show?")
            text = (f"{aid} is declared {act.rag} but the evidence supports {result.assessed_rag}: "
                    + (ask if worse else "what evidence supports the declared rating?"))
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
    return list(dict.fromkeys(q for _, q in questions))


def governance_view(pack: Pack, options: Options) -> GovernanceView:
    as_of = pack.as_of
    sg404 = {f.action for f in pack.findings if f.rule == REVIEW_OVERDUE}
    sg402 = {f.action for f in pack.findings if f.rule == RAG_OVERSTATED}
    due, closures, disagreements, overdue = [], [], [], []
    for act, plan, result in actions_in(pack):
        owner, anchor = owner_shown(act), anchor_for("act", act.id)
        last = last_review(result)
        if act.is_open:
            stale = last is None or (as_of - last).days > plan.review_every_days
            if stale or act.id in sg404:
                why = ("no governance review recorded" if last is None
                       else f"last review {(as_of - last).days} days ago")
                if act.id in sg404:
                    why += " (SG404)"
                due.append(ReviewDueRow(act.id, act.title, owner, plan.id,
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
            closures.append(ClosureProposal(act.id, anchor, act.title, owner, STATUS_WORDS[act.status],
                                            act.rag, result.assessed_rag, basis, result.closure.ready, verdict,
                                            lines))
        if act.id in sg402 or (act.rag is not None and act.rag != result.assessed_rag):
            over = act.id in sg402 or RAG_ORDER[act.rag] > RAG_ORDER[result.assessed_rag]
            disagreements.append(DisagreementRow(
                act.id, act.title, owner, act.rag, result.assessed_rag,
                "Overstated (SG402)" if over else "Understated: evidence supports better",
                list(result.rag_reasons) or [f"every requirement met; assessed {result.assessed_rag}"]))
        if result.overdue:
            overdue.append(overdue_row(act, result.assessed_rag, as_of, owner))
    return GovernanceView(head=head(pack, options), due=due, closures=closures, disagreements=disagreements,
                          overdue=overdue, questions=challenge_questions(pack, as_of),
                          waivers=[finding_view(f) for f in pack.waived])
