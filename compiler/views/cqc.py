"""The CQC pack's view: cover, summary, actions by key question, evidence index, gap report, waivers.

Actions are grouped by their own quality statements (the action's, else its plan's), under their key
question: shown in full under the first, and named with where to find them under each of the others.

Plain, pre-formatted values, no logic left for templates. Every string is user text or text made
from it: renderers escape it for their format and never treat it as markup or template code.
Charts are data (`ChartData`): the pack draws them in its theme and puts the images in `png`.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from compiler.model.assessment import ActionResult, ClosureCheck
from compiler.model.pack import Pack
from compiler.model.plan import Action, Plan
from compiler.rules.codes import RAG_OVERSTATED
from compiler.views.common import ChartData, ExhibitRef, FindingView, Head, Options, chart_data, finding_view, head
from compiler.views.provenance import exhibit_basis
from compiler.views.words import (CLOSURE_PARTS, KIND_WORDS, RAG_WORDS, REQ_STATUS_WORDS, STATUS_WORDS, Block,
                                  anchor_for, long_date, narrative_blocks, owner_shown, requirement_label,
                                  short_date)
from compiler.vocab import vocab

# The pack's sections, in order: (bookmark anchor, heading). The PDF bookmarks, the Word bookmarks and the
# contents use these names, so they agree.
SECTIONS = (
    ("sec_summary", "Summary"),
    ("sec_actions", "Actions by key question and quality statement"),
    ("sec_index", "Evidence index"),
    ("sec_gaps", "Gap report"),
    ("sec_waivers", "Waivers"),
    ("sec_appendices", "Appendices: exhibits"),
)


@dataclass(frozen=True)
class RequirementView:
    label: str                      # "audit ×8 within 90 days, target 90%"
    note: str
    counts: str                     # "5 found, 4 current"
    status: str                     # met | missing | insufficient | stale
    status_text: str
    exhibits: list[ExhibitRef]
    unreadable: list[str]


@dataclass(frozen=True)
class ClosureView:
    name: str
    result: str                     # pass | fail | n/a
    reason: str
    exhibits: list[ExhibitRef]


@dataclass(frozen=True)
class ChartView:
    indicator: str
    title: str
    chart: ChartData
    explanation: str
    exhibit: ExhibitRef | None
    png: bytes | None = None        # drawn by the pack, in its theme


@dataclass(frozen=True)
class ReviewView:
    date: str
    forum: str
    rag: str
    narrative: str


@dataclass(frozen=True)
class ActionView:
    id: str
    anchor: str
    title: str
    plan_id: str
    plan_title: str
    service: str
    kind: str
    risk: str
    owner: str
    opened: str
    due: str
    status: str
    declared_rag: str | None        # red | amber | green | blue | None
    assessed_rag: str
    rag_reasons: list[str]
    narrative: list[Block]
    requirements: list[RequirementView]
    closure: list[ClosureView]
    closure_ready: bool
    charts: list[ChartView]
    reviews: list[ReviewView]
    findings: list[FindingView]


@dataclass(frozen=True)
class ReferenceView:
    """An action that addresses a quality statement but is shown in full under another: where it is."""
    id: str
    title: str
    anchor: str                     # the action's, where it is shown in full
    shown_under: str                # "Safe › Safeguarding"


@dataclass(frozen=True)
class StatementView:
    name: str
    actions: list[ActionView]       # shown in full here: this is the first of their quality statements
    anchor: str = ""
    references: list[ReferenceView] = field(default_factory=list)   # shown in full under another statement


@dataclass(frozen=True)
class GroupView:
    name: str                       # key question
    statements: list[StatementView]
    anchor: str = ""


@dataclass(frozen=True)
class IndexRow:
    number: str
    anchor: str
    title: str
    type: str
    category: str
    date: str
    actions: list[tuple[str, str]]  # (action id, anchor)
    sha_short: str
    sha256: str
    path: str
    file_name: str                  # the copy in exhibits/
    basis: str = ""                 # how it is dated and why it supports each action, in the reader's words


@dataclass(frozen=True)
class SummaryRow:
    id: str
    anchor: str
    title: str
    owner: str
    risk: str
    due: str
    declared_rag: str | None
    assessed_rag: str
    closure_ready: bool
    overdue: bool


@dataclass
class CqcView:
    head: Head
    summary: list[SummaryRow]
    rag_table: list[tuple[str, int, int]]    # (rag, declared count, assessed count)
    high_risk: list[SummaryRow]
    closure_ready: int
    overstated: int
    groups: list[GroupView]
    actions: list[ActionView]
    exhibits: list[IndexRow]
    gaps: list[FindingView]
    waivers: list[FindingView]
    unreadable: list[tuple[str, str, str]]    # (evidence id, title, reason): where it is, in the preparer's notes
    findings_count: dict[str, int] = field(default_factory=dict)

    def action(self, action_id: str) -> ActionView:
        return next(a for a in self.actions if a.id == action_id)

    def charts(self) -> list[ChartView]:
        return [c for a in self.actions for c in a.charts]


def _refs(ids: list[str], pack: Pack) -> list[ExhibitRef]:
    refs = []
    for evidence_id in ids:
        exhibit = pack.exhibit_for(evidence_id)
        if exhibit is not None:
            refs.append(ExhibitRef(exhibit.number, anchor_for("ex", exhibit.number), exhibit.title))
    return sorted(set(refs), key=lambda r: r.number)


def _closure_views(result: ActionResult, pack: Pack) -> list[ClosureView]:
    views = []
    for key, name in CLOSURE_PARTS:
        check: ClosureCheck = getattr(result.closure, key)
        views.append(ClosureView(name=name, result=check.result, reason=check.reason,
                                 exhibits=_refs(check.evidence, pack)))
    return views


def _charts(action: Action, result: ActionResult, pack: Pack) -> list[ChartView]:
    charts = []
    for ind in result.indicators:
        if ind.spc is not None:
            refs = _refs([ind.evidence], pack) if ind.evidence else []
            charts.append(ChartView(ind.id, ind.title, chart_data(ind.spc, title=ind.title, opened=action.opened),
                                    ind.spc.explanation, refs[0] if refs else None))
    return charts


def action_view(action: Action, plan: Plan, result: ActionResult, pack: Pack) -> ActionView:
    findings = [finding_view(f, shared=True) for f in pack.findings if f.action == action.id]
    return ActionView(
        id=action.id, anchor=anchor_for("act", action.id), title=action.title, plan_id=plan.id,
        plan_title=plan.title, service=plan.service, kind=KIND_WORDS[action.kind], risk=action.risk,
        owner=owner_shown(action), opened=long_date(action.opened),
        due=long_date(action.due) if action.due else "no due date", status=STATUS_WORDS[action.status],
        declared_rag=action.rag, assessed_rag=result.assessed_rag, rag_reasons=list(result.rag_reasons),
        narrative=narrative_blocks(action.narrative),
        requirements=[RequirementView(label=requirement_label(r), note=r.note or "",
                                      counts=f"{r.found} found, {r.current} current", status=r.status,
                                      status_text=REQ_STATUS_WORDS[r.status], exhibits=_refs(r.evidence, pack),
                                      unreadable=list(r.unreadable))
                      for r in result.requirements],
        closure=_closure_views(result, pack), closure_ready=result.closure.ready,
        charts=_charts(action, result, pack),
        reviews=[ReviewView(date=long_date(r.date), forum=r.forum or plan.governance_forum or "",
                            rag=RAG_WORDS.get(r.rag, "—"), narrative=r.narrative or "")
                 for r in action.reviews],
        findings=findings)


def key_question_name(key_question: str) -> str:
    """"Safe", "Well-led": CQC's name of a key question (its id is the name in lower case, "_" for "-")."""
    return key_question.replace("_", "-").capitalize()


def statements_of(action: Action, plan: Plan, placed: dict[str, str]) -> list[str]:
    """The quality statements an action is shown under: its own, else its plan's; the first is where it is
    shown in full. An action whose plan names none stays where the pack placed it (`placed`: action id ->
    statement id)."""
    known = vocab().quality_statements
    return [s for s in dict.fromkeys(plan.quality_statements_of(action)) if s in known] or [placed[action.id]]


def statement_groups(pack: Pack, views: dict[str, ActionView]) -> list[GroupView]:
    """Key question -> quality statement -> the actions shown there in full and those referred to, in the
    framework's order, then pack order."""
    statements = vocab().quality_statements
    placed = {a: st.id for kq in pack.groups for st in kq.statements for a in st.actions}
    plans = {p.id: p for p in pack.assessment.plans if p.id in pack.plans}
    actions = {a.id: (a, p) for p in plans.values() for a in p.actions}
    full: dict[str, list[ActionView]] = {}
    references: dict[str, list[ReferenceView]] = {}
    for action_id in pack.actions:
        action, plan = actions[action_id]
        first, *others = statements_of(action, plan, placed)
        full.setdefault(first, []).append(views[action_id])
        key_question, name = statements[first]
        shown = ReferenceView(action.id, action.title, views[action_id].anchor,
                              f"{key_question_name(key_question)} \u203a {name}")
        for other in others:
            references.setdefault(other, []).append(shown)
    groups = []
    for kq in vocab().key_questions:
        members = [StatementView(name, full.get(sid, []), anchor_for("qs", sid), references.get(sid, []))
                   for sid, (q, name) in statements.items() if q == kq and (sid in full or sid in references)]
        if members:
            groups.append(GroupView(key_question_name(kq), members, anchor_for("kq", kq)))
    return groups


def cqc_view(pack: Pack, options: Options) -> CqcView:
    assessment = pack.assessment
    plans = {p.id: p for p in assessment.plans if p.id in pack.plans}
    actions = {a.id: (a, p) for p in plans.values() for a in p.actions}
    views: dict[str, ActionView] = {}
    for action_id in pack.actions:
        action, plan = actions[action_id]
        views[action_id] = action_view(action, plan, assessment.action(action_id), pack)
    groups = statement_groups(pack, views)
    summary = [SummaryRow(id=v.id, anchor=v.anchor, title=v.title, owner=v.owner, risk=v.risk, due=v.due,
                          declared_rag=v.declared_rag, assessed_rag=v.assessed_rag, closure_ready=v.closure_ready,
                          overdue=assessment.action(v.id).overdue)
               for v in views.values()]
    declared = Counter(v.declared_rag for v in views.values())
    assessed = Counter(v.assessed_rag for v in views.values())
    catalogue = assessment.catalogue
    named = {a.id: set(a.evidence) for p in assessment.plans for a in p.actions}
    plan_of = {a.id: p.id for p in assessment.plans for a in p.actions}
    index = [IndexRow(number=e.number, anchor=anchor_for("ex", e.number), title=e.title,
                      type=e.type.replace("_", " "), category=e.category or "—", date=short_date(e.date),
                      actions=[(a, anchor_for("act", a)) for a in e.actions], sha_short=e.sha256[:12],
                      sha256=e.sha256, path=e.path, file_name=e.file_name,
                      basis=exhibit_basis(catalogue.get(e.evidence), e.actions, named, plan_of))
             for e in pack.exhibits]
    unreadable = []
    for evidence_id in pack.unreadable:
        item = catalogue.get(evidence_id)
        unreadable.append((evidence_id, item.shown_title, item.reason or "unreadable"))
    severities = Counter(f.severity for f in pack.findings)
    return CqcView(
        head=head(pack, options), summary=summary,
        rag_table=[(rag, declared.get(rag, 0), assessed.get(rag, 0)) for rag in ("blue", "green", "amber", "red")],
        high_risk=[s for s in summary if s.risk == "high"],
        closure_ready=sum(1 for s in summary if s.closure_ready),
        overstated=sum(1 for f in pack.findings if f.rule == RAG_OVERSTATED),
        groups=groups, actions=list(views.values()), exhibits=index,
        gaps=[finding_view(f, shared=True) for f in pack.findings],
        waivers=[finding_view(f, shared=True) for f in pack.waived],
        unreadable=unreadable,
        findings_count={s: severities.get(s, 0) for s in ("error", "warning", "info")})
