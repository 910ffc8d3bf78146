"""The ONE view model every pack writer sees: plain, pre-formatted values, no logic left for templates.

Every string here is user text or text made from it: writers must escape it for their format
(reportlab markup, OOXML) and must never treat it as markup or template code.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from compiler.model.assessment import ActionResult, ClosureCheck
from compiler.model.finding import Finding
from compiler.model.pack import Exhibit, Pack
from compiler.model.plan import Action, Plan
from compiler.vocab import vocab

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "blue": "Blue (closed on evidence)", None: "—"}
CLOSURE_PARTS = (("indicators", "Risk indicators improved over time"),
                 ("audit", "Audit findings confirm practice change"),
                 ("staff", "Staff evidence shows confidence and consistency"),
                 ("governance", "Governance shows review and challenge"))
KIND_WORDS = {"risk_control": "Risk control", "practice_change": "Practice change",
              "oversight": "Oversight", "evidence_measure": "Evidence measure"}
STATUS_WORDS = {"planned": "Planned", "in_progress": "In progress", "completed": "Completed", "closed": "Closed"}
REQ_STATUS_WORDS = {"met": "Met", "missing": "Missing", "insufficient": "Insufficient", "stale": "Out of date"}


def long_date(d: dt.date | None) -> str:
    return f"{d.day} {d:%B %Y}" if d else "undated"


def short_date(d: dt.date | None) -> str:
    return d.isoformat() if d else "undated"


def anchor_for(kind: str, ident: str) -> str:
    """A bookmark name Word accepts: [A-Za-z][A-Za-z0-9_]{0,39}."""
    return (kind + "_" + re.sub(r"[^A-Za-z0-9]", "", ident))[:40]


@dataclass(frozen=True)
class Block:
    """A piece of narrative text: a paragraph ("p"), list item ("li") or heading ("h")."""
    kind: str
    text: str


@dataclass(frozen=True)
class ExhibitRef:
    number: str
    anchor: str
    title: str


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
    png: bytes
    explanation: str
    exhibit: ExhibitRef | None


@dataclass(frozen=True)
class ReviewView:
    date: str
    forum: str
    rag: str
    narrative: str


@dataclass(frozen=True)
class FindingView:
    rule: str
    name: str
    severity: str
    subject: str                    # action, plan or evidence id
    message: str
    hint: str
    location: str                   # "plans/oakview.yaml:31"
    waiver_reason: str | None


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
class StatementView:
    name: str
    actions: list[ActionView]


@dataclass(frozen=True)
class GroupView:
    name: str                       # key question
    statements: list[StatementView]


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


@dataclass(frozen=True)
class PersonalDataView:
    """A personal-data scan hit for the warning section: where, what kind, the value masked (never in full)."""
    file: str
    location: str
    kind: str
    masked: str
    detail: str = ""
    blocking: bool = False


@dataclass
class PackContext:
    pack: str
    title: str
    audience: str
    classification: str
    provider: str
    service: str                    # "Oakview", or "All services"
    as_of: str                      # "20 November 2026"
    as_of_iso: str
    prepared_by: str
    tool_version: str
    plans: list[tuple[str, str, str, str]]   # (id, title, service, risk)
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
    unreadable: list[tuple[str, str, str]]    # (evidence id, path, reason)
    findings_count: dict[str, int] = field(default_factory=dict)
    # personal-data scan hits (compiler.privacy.pack_scan); None when the pack was not scanned
    personal_data: list[PersonalDataView] | None = None

    def action(self, action_id: str) -> ActionView:
        return next(a for a in self.actions if a.id == action_id)


# The CQC pack's sections, in order: (bookmark anchor, heading). Writers use these names so
# the PDF bookmarks, the Word bookmarks and the contents agree.
CQC_SECTIONS = (
    ("sec_summary", "Summary"),
    ("sec_actions", "Actions by key question and quality statement"),
    ("sec_index", "Evidence index"),
    ("sec_gaps", "Gap report"),
    ("sec_waivers", "Waivers"),
    ("sec_appendices", "Appendices: exhibits"),
)


@dataclass(frozen=True)
class PageMap:
    """Where things are in the PDF bundle (1-based page numbers), for cross-references."""
    anchors: dict[str, int]                  # "sec_summary", "act_RP01", "ex_E001" -> page
    exhibits: dict[str, tuple[int, int]]     # "E-001" -> (first page: the exhibit sheet, last page)
    total: int

    def exhibit_pages(self, number: str) -> str:
        first, last = self.exhibits[number]
        return f"p. {first}" if first == last else f"pp. {first}–{last}"


_MD = MarkdownIt("js-default")


def narrative_blocks(text: str | None) -> list[Block]:
    """Markdown narrative -> plain text blocks. Raw HTML is off and is kept as typed text."""
    if not text or not text.strip():
        return []
    blocks: list[Block] = []
    kind = "p"
    for token in _MD.parse(text):
        if token.type == "list_item_open":
            kind = "li"
        elif token.type == "list_item_close":
            kind = "p"
        elif token.type == "heading_open":
            kind = "h"
        elif token.type == "heading_close":
            kind = "p"
        elif token.type in ("inline", "html_block", "code_block", "fence"):
            content = token.content if token.type != "inline" else _inline_text(token)
            if content.strip():
                blocks.append(Block(kind, content.strip()))
    return blocks


def _inline_text(token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(f"[image: {child.content}]")
    return "".join(parts)


def finding_view(f: Finding) -> FindingView:
    location = f.file or ""
    if location and f.line:
        location += f":{f.line}"
    return FindingView(rule=f.rule, name=f.name, severity=f.severity,
                       subject=f.action or f.plan or f.evidence or "", message=f.message, hint=f.hint,
                       location=location, waiver_reason=f.waiver_reason)


def _refs(ids: list[str], pack: Pack) -> list[ExhibitRef]:
    refs = []
    for evidence_id in ids:
        exhibit = pack.exhibit_for(evidence_id)
        if exhibit is not None:
            refs.append(ExhibitRef(exhibit.number, anchor_for("ex", exhibit.number), exhibit.title))
    return sorted(set(refs), key=lambda r: r.number)


def _requirement_label(req) -> str:
    label = f"{req.type.replace('_', ' ')} ×{req.count}"
    if req.within_days:
        label += f" within {req.within_days} days"
    if req.target is not None:
        label += f", target {req.target:g}%"
    return label


def _closure_views(result: ActionResult, pack: Pack) -> list[ClosureView]:
    views = []
    for key, name in CLOSURE_PARTS:
        check: ClosureCheck = getattr(result.closure, key)
        views.append(ClosureView(name=name, result=check.result, reason=check.reason,
                                 exhibits=_refs(check.evidence, pack)))
    return views


def _charts(pack: Pack, actions: dict[str, tuple[Action, Plan]], cache) -> dict[str, list[ChartView]]:  # noqa: ANN001
    """Every action's SPC charts, drawn together so a cache and worker processes can serve them all."""
    from compiler.packs.profiles import load_theme
    from compiler.writers.charts import chart_spec, draw_charts

    theme = load_theme()
    wanted = []                     # (action id, indicator), in pack order
    specs = []
    for action_id in pack.actions:
        action, _plan = actions[action_id]
        for ind in pack.assessment.action(action_id).indicators:
            if ind.spc is not None:
                wanted.append((action_id, ind))
                specs.append(chart_spec(ind.spc, title=ind.title, opened=action.opened, theme=theme))
    charts: dict[str, list[ChartView]] = {}
    for (action_id, ind), png in zip(wanted, draw_charts(specs, cache=cache)):
        refs = _refs([ind.evidence], pack) if ind.evidence else []
        charts.setdefault(action_id, []).append(
            ChartView(ind.id, ind.title, png, ind.spc.explanation, refs[0] if refs else None))
    return charts


def action_view(action: Action, plan: Plan, result: ActionResult, pack: Pack,
                charts: list[ChartView]) -> ActionView:
    findings = [finding_view(f) for f in pack.findings if f.action == action.id]
    return ActionView(
        id=action.id, anchor=anchor_for("act", action.id), title=action.title, plan_id=plan.id,
        plan_title=plan.title, service=plan.service, kind=KIND_WORDS[action.kind], risk=action.risk,
        owner=action.owner.display if action.owner else "(no owner)", opened=long_date(action.opened),
        due=long_date(action.due) if action.due else "no due date", status=STATUS_WORDS[action.status],
        declared_rag=action.rag, assessed_rag=result.assessed_rag, rag_reasons=list(result.rag_reasons),
        narrative=narrative_blocks(action.narrative),
        requirements=[RequirementView(label=_requirement_label(r), note=r.note or "",
                                      counts=f"{r.found} found, {r.current} current", status=r.status,
                                      status_text=REQ_STATUS_WORDS[r.status], exhibits=_refs(r.evidence, pack),
                                      unreadable=list(r.unreadable))
                      for r in result.requirements],
        closure=_closure_views(result, pack), closure_ready=result.closure.ready,
        charts=charts,
        reviews=[ReviewView(date=long_date(r.date), forum=r.forum or plan.governance_forum or "",
                            rag=RAG_WORDS.get(r.rag, "—"), narrative=r.narrative or "")
                 for r in action.reviews],
        findings=findings)


def build_context(pack: Pack, *, prepared_by: str | None = None, with_charts: bool = True,
                  cache=None) -> PackContext:  # noqa: ANN001
    """`cache` (an evidence_store.EvidenceCache, or None) keeps drawn SPC charts by what they show."""
    assessment = pack.assessment
    plans = {p.id: p for p in assessment.plans if p.id in pack.plans}
    actions = {a.id: (a, p) for p in plans.values() for a in p.actions}
    charts = _charts(pack, actions, cache) if with_charts else {}
    views: dict[str, ActionView] = {}
    for action_id in pack.actions:
        action, plan = actions[action_id]
        views[action_id] = action_view(action, plan, assessment.action(action_id), pack, charts.get(action_id, []))
    groups = [GroupView(kq.name, [StatementView(st.name, [views[a] for a in st.actions]) for st in kq.statements])
              for kq in pack.groups]
    summary = [SummaryRow(id=v.id, anchor=v.anchor, title=v.title, owner=v.owner, risk=v.risk, due=v.due,
                          declared_rag=v.declared_rag, assessed_rag=v.assessed_rag, closure_ready=v.closure_ready,
                          overdue=assessment.action(v.id).overdue)
               for v in views.values()]
    declared = Counter(v.declared_rag for v in views.values())
    assessed = Counter(v.assessed_rag for v in views.values())
    catalogue = assessment.catalogue
    index = [IndexRow(number=e.number, anchor=anchor_for("ex", e.number), title=e.title,
                      type=e.type.replace("_", " "), category=e.category or "—", date=short_date(e.date),
                      actions=[(a, anchor_for("act", a)) for a in e.actions], sha_short=e.sha256[:12],
                      sha256=e.sha256, path=e.path, file_name=e.file_name)
             for e in pack.exhibits]
    unreadable = []
    for evidence_id in pack.unreadable:
        item = catalogue.get(evidence_id)
        unreadable.append((evidence_id, item.path, item.reason or "unreadable"))
    severities = Counter(f.severity for f in pack.findings)
    return PackContext(
        pack=pack.name, title=pack.title, audience=pack.audience, classification=pack.classification,
        provider=pack.provider, service=pack.service or "All services", as_of=long_date(pack.as_of),
        as_of_iso=pack.as_of.isoformat(), prepared_by=prepared_by or f"sgpack {pack.tool_version}",
        tool_version=pack.tool_version,
        plans=[(p.id, p.title, p.service, p.risk) for p in plans.values()],
        summary=summary,
        rag_table=[(rag, declared.get(rag, 0), assessed.get(rag, 0)) for rag in ("blue", "green", "amber", "red")],
        high_risk=[s for s in summary if s.risk == "high"],
        closure_ready=sum(1 for s in summary if s.closure_ready),
        overstated=sum(1 for f in pack.findings if f.rule == "SG402"),
        groups=groups, actions=list(views.values()), exhibits=index,
        gaps=[finding_view(f) for f in pack.findings], waivers=[finding_view(f) for f in pack.waived],
        unreadable=unreadable,
        findings_count={s: severities.get(s, 0) for s in ("error", "warning", "info")})
