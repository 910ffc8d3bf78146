"""Pack assembly (pure): which plans and actions a pack holds, how they group, exhibit numbers."""
from __future__ import annotations

from compiler.model.assessment import ActionResult, Assessment
from compiler.model.pack import Exhibit, KeyQuestionGroup, Pack, StatementGroup
from compiler.model.plan import Plan
from compiler.packs.profiles import PackProfile
from compiler.vocab import vocab

DEFAULT_STATEMENT = "safeguarding"    # a plan that names no quality statement is a safeguarding plan
KEY_QUESTION_NAMES = {"safe": "Safe", "effective": "Effective", "caring": "Caring",
                      "responsive": "Responsive", "well_led": "Well-led"}


def select_plans(plans: list[Plan], profile: PackProfile, service: str | None) -> list[Plan]:
    chosen = [p for p in plans if service is None or p.service.casefold() == service.casefold()]
    if profile.only_risk:
        chosen = [p for p in chosen if p.risk in profile.only_risk]
    return chosen


def primary_statement(plan: Plan) -> str:
    """Actions are grouped under their plan's first quality statement."""
    return plan.quality_statements[0] if plan.quality_statements else DEFAULT_STATEMENT


def group_actions(plans: list[Plan]) -> list[KeyQuestionGroup]:
    """Key question -> quality statement -> actions, in the framework's order, then plan order."""
    statements = vocab().quality_statements
    by_statement: dict[str, list[str]] = {}
    for plan in plans:
        by_statement.setdefault(primary_statement(plan), []).extend(a.id for a in plan.actions)
    groups = []
    for kq in vocab().key_questions:
        members = [StatementGroup(id=sid, name=name, actions=by_statement[sid])
                   for sid, (q, name) in statements.items() if q == kq and sid in by_statement]
        if members:
            groups.append(KeyQuestionGroup(id=kq, name=KEY_QUESTION_NAMES.get(kq, kq), statements=members))
    return groups


def evidence_behind(result: ActionResult, assessment: Assessment) -> list[str]:
    """Every readable evidence item that shows something about the action: requirement matches,
    the closure test's evidence and indicator data."""
    ids: list[str] = []
    for req in result.requirements:
        ids.extend(req.evidence)
    for check in (result.closure.indicators, result.closure.audit, result.closure.staff, result.closure.governance):
        ids.extend(check.evidence)
    ids.extend(i.evidence for i in result.indicators if i.evidence)
    catalogue = assessment.catalogue
    return [i for i in dict.fromkeys(ids) if (item := catalogue.get(i)) is not None and item.counts]


def number_exhibits(assessment: Assessment, action_ids: list[str]) -> list[Exhibit]:
    """E-001... in a stable order: by action (pack order), then date, then path."""
    categories = vocab().evidence_categories
    catalogue = assessment.catalogue
    supports: dict[str, list[str]] = {}
    order: list[str] = []
    for action_id in action_ids:
        result = assessment.action(action_id)
        items = sorted((catalogue.get(i) for i in evidence_behind(result, assessment)),
                       key=lambda it: (it.date is None, it.date or 0, it.path))
        for item in items:
            if item.id not in supports:
                order.append(item.id)
                supports[item.id] = []
            if action_id not in supports[item.id]:
                supports[item.id].append(action_id)
    width = max(3, len(str(len(order))))
    exhibits = []
    for n, evidence_id in enumerate(order, start=1):
        item = catalogue.get(evidence_id)
        exhibits.append(Exhibit(
            number=f"E-{n:0{width}d}", evidence=item.id, title=item.shown_title, type=item.type,
            category=categories.get(item.type), date=item.date, path=item.path, format=item.format,
            sha256=item.sha256, size=item.size, actions=supports[evidence_id]))
    return exhibits


def assemble(assessment: Assessment, profile: PackProfile, service: str | None = None) -> Pack:
    plans = select_plans(assessment.plans, profile, service)
    plan_ids = {p.id for p in plans}
    groups = group_actions(plans)
    action_ids = [a for kq in groups for st in kq.statements for a in st.actions]
    exhibits = number_exhibits(assessment, action_ids) if profile.appendices else []
    in_pack = [f for f in assessment.findings if f.plan in plan_ids or (f.plan is None and service is None)]
    unreadable = sorted({i for a in action_ids for r in assessment.action(a).requirements for i in r.unreadable})
    providers = sorted({p.provider for p in plans}) or sorted({p.provider for p in assessment.plans})
    return Pack(
        name=profile.name, title=profile.title, audience=profile.audience,
        classification=profile.classification, provider=", ".join(providers), service=service,
        as_of=assessment.as_of, tool_version=assessment.tool_version, assessment=assessment,
        plans=[p.id for p in plans], actions=action_ids, groups=groups, exhibits=exhibits,
        findings=[f for f in in_pack if not f.waived], waived=[f for f in in_pack if f.waived],
        unreadable=unreadable)
