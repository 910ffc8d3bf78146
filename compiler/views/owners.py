"""The owners pack's view: each named owner's actions, what evidence is missing, by when; the gap rows."""
from __future__ import annotations

from dataclasses import dataclass

from compiler.model.pack import Pack
from compiler.rules.codes import OWNER_NOT_NAMED
from compiler.views.common import FindingView, Head, Options, actions_in, finding_view, head
from compiler.views.words import (STATUS_WORDS, anchor_for, long_date, missing_text, more_needed, narrative_text,
                                  owner_shown, requirement_label, slug, unmet)

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


@dataclass
class OwnersView:
    head: Head
    owners: list[OwnerView]


def owners_view(pack: Pack, options: Options) -> OwnersView:
    """Actions grouped by named owner; actions with no named owner (SG201) under 'Unassigned', last."""
    a = pack.assessment
    unnamed = {f.action for f in a.findings if f.rule == OWNER_NOT_NAMED and f.plan in pack.plans}
    groups: dict[str, tuple[str, list[OwnerAction]]] = {}
    for act, plan, result in actions_in(pack):
        named = act.id not in unnamed and act.owner is not None and bool(act.owner.name)
        key = act.owner.name.casefold().strip() if named else "\uffff"
        display = owner_shown(act) if named else UNASSIGNED
        due = long_date(act.due) if act.due else "no due date"
        missing = [MissingView(requirement_label(r), r.type, more_needed(r), r.status, missing_text(r, act),
                               r.note or "", due) for r in unmet(result)]
        entry = OwnerAction(act.id, anchor_for("act", act.id), act.title, plan.id, plan.title, plan.service,
                            act.owner.raw if act.owner else "(none)", due, act.due.isoformat() if act.due else "",
                            STATUS_WORDS[act.status], act.rag, result.assessed_rag, missing,
                            [finding_view(f) for f in pack.findings if f.action == act.id],
                            narrative_text(act.narrative))
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
    return OwnersView(head=head(pack, options), owners=owners)


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
                hint = (f"add the evidence to the evidence folder and link it to {x.id} (mention {x.id} in it, or "
                        "list it in the evidence index)")
                rows.append(GapRow(o.name, x.id, x.plan_id, x.service, x.due_iso, m.requirement,
                                   m.what + (f" — {m.note}" if m.note else ""), hint))
            for f in x.findings:
                rows.append(GapRow(o.name, x.id, x.plan_id, x.service, x.due_iso, f"{f.rule} {f.name}",
                                   f.message, f.hint))
    return sorted(rows, key=lambda r: (r.owner == UNASSIGNED, r.owner.casefold(), r.action, r.requirement,
                                       r.missing, r.hint))
