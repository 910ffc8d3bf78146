"""Tested (SG301–SG309): is there enough current, readable, dated evidence behind each action?

Over 400 lines because each of its nine rules carries its own page (`sgpack explain`, docs/rules.md) as its
docstring: the code of the family is under half of it, and splitting the SG30x series across files would
part rules that share their helpers (which items are linked, the line to point at)."""
from __future__ import annotations

import posixpath
from typing import Iterator

from compiler.assess.indicators import indicator_series
from compiler.model.assessment import RequirementResult
from compiler.model.evidence import EvidenceItem
from compiler.model.plan import Action, Plan
from compiler.rules.nearest import nearest_ids
from compiler.rules.registry import Hit, RuleContext, rule


def _need(req: RequirementResult) -> str:
    """'8 audit items (within 90 days)'."""
    need = f"{req.count} {req.type} item{'' if req.count == 1 else 's'}"
    return need + (f" (within {req.within_days} days)" if req.within_days else "")


def _requirement_hits(ctx: RuleContext, status: str) -> Iterator[Hit]:
    """One hit per requirement whose assessed status is `status`, on the requirement's line."""
    for plan, action in ctx.actions():
        result = ctx.results.get(action.id)
        if result is None:
            continue
        for i, req in enumerate(result.requirements):
            if req.status != status:
                continue
            counts = "none found" if req.found == 0 else f"{req.found} found, {req.current} current"
            if req.unreadable:
                counts += f" ({len(req.unreadable)} linked item{'' if len(req.unreadable) == 1 else 's'} unreadable)"
            for li in ctx.linked(plan, action):         # a table whose scores could not be told apart says why
                if li.item.type == req.type and li.item.table_problem:
                    counts += f"; {li.item.path}: {li.item.table_problem}"
            window = f" and no more than {req.within_days} days before {ctx.as_of}" if req.within_days else ""
            yield Hit(plan, action, field=f"requires[{i}]",
                      args={"need": _need(req), "counts": counts, "type": req.type,
                            "count": req.count, "short": req.count - req.found,
                            "opened": action.opened.isoformat(), "window": window})


def _field_for(action: Action, item: EvidenceItem) -> str | None:
    """The line to point at: the requirement of the item's type, else its `evidence:` entry."""
    for i, req in enumerate(action.requires):
        if req.type == item.type:
            return f"requires[{i}]"
    if item.id in action.evidence:
        i = action.evidence.index(item.id)
        return f"evidence[{i}]" if f"evidence[{i}]" in action.lines else "evidence"
    return None


def _directly_linked(action: Action, item: EvidenceItem) -> bool:
    """Linked to the action itself (named in its evidence list or linked to its id), not only via the plan."""
    return item.id in action.evidence or bool(item.linked_to(action.id))


def _linked_hits(ctx: RuleContext, wanted) -> Iterator[tuple[Plan, Action | None, EvidenceItem]]:
    """(plan, action, item) for each linked item with `wanted(item)`: once per action for items
    linked to the action; once per plan (action None) for items linked only through the plan."""
    for plan in ctx.plans:
        plan_level: dict[str, EvidenceItem] = {}
        for action in plan.actions:
            for li in ctx.linked(plan, action):
                if not wanted(li.item):
                    continue
                if _directly_linked(action, li.item):
                    yield plan, action, li.item
                else:
                    plan_level.setdefault(li.item.id, li.item)
        for item in sorted(plan_level.values(), key=lambda i: i.path):
            yield plan, None, item


def linked_ids(ctx: RuleContext) -> set[str]:
    """Ids of every item linked to any plan or action given: named in an action's evidence list, or linking to a
    plan or action id (what linked_items finds for each action, without working out why)."""
    ids: set[str] = set()
    targets = {p.id for p in ctx.plans} | {a.id for _, a in ctx.actions()}
    for _, action in ctx.actions():
        ids.update(action.evidence)
    ids.update(i.id for i in ctx.catalogue.items if any(link.target in targets for link in i.links))
    return ids


def indicator_file_ids(ctx: RuleContext) -> set[str]:
    """Ids of the items that hold some plan's indicator data."""
    ids: set[str] = set()
    for plan in ctx.plans:
        for indicator in plan.indicators:
            item, _, _ = indicator_series(plan, indicator, ctx.catalogue)
            if item is None:
                item = ctx.catalogue.by_path(posixpath.normpath(indicator.data.replace("\\", "/")))
            if item is not None:
                ids.add(item.id)
    return ids


@rule("SG301", "evidence-missing", severity="error",
      message="{action} requires {need}: {counts}",
      hint="add {type} evidence to the evidence folder and link it to {action}: mention {action} in it, "
           "tag it in its metadata or evidence.yaml, or list its id under the action's `evidence:`",
      advice="add {type} evidence to the evidence folder and link it to {action}: mention {action} in it, or list "
             "it in the plan as evidence for {action}",
      resolve="{action} has {need} on file, dated on or after it opened")
def evidence_missing(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A requirement with no matching, readable evidence at all. Each requirement of an
        action (`requires:`) is matched against the evidence folder: items of the required
        type linked to the action or to its plan.

    Why it matters
        The requirement is the action's promise of proof. With nothing behind it the action
        is untested: nobody can show that practice changed, and it cannot be closed.

    Example
        requires:
          - type: supervision

        plans/oakview.yaml:34: SG301 error  RP-01 requires 1 supervision item: none found

    Fix
        Put the evidence in the folder (for example `supervision/2026-04-02 PS supervision.docx`)
        and link it: mention the action id (RP-01) in the document, set it in the file's
        keywords or evidence.yaml, or list the item id under the action's `evidence:`. Run
        `sgpack evidence DIR` to see how each file was read and linked.
    """
    yield from _requirement_hits(ctx, "missing")


@rule("SG302", "evidence-insufficient", severity="error",
      message="{action} requires {need}: {counts}",
      hint="{short} more {type} item(s) are needed; link them to {action}",
      resolve="{action} has {need} on file, dated on or after it opened")
def evidence_insufficient(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A requirement with some matching evidence, but fewer items than its `count` in all
        (current or not). An audit-score or indicator file counts once per dated row.

    Why it matters
        One audit or one supervision record shows that something happened once; the count
        is what shows the change has become routine.

    Example
        requires:
          - {type: audit, count: 8, within_days: 90}

        plans/oakview.yaml:31: SG302 error  RP-01 requires 8 audit items (within 90 days): 5 found, 4 current

    Fix
        Gather and link the missing items, or, if the count was set too high when the plan
        was written, agree a realistic count at governance and change `count:`.
    """
    yield from _requirement_hits(ctx, "insufficient")


@rule("SG303", "evidence-stale", severity="warning",
      message="{action} requires {need}: {counts}",
      hint="evidence must be dated on or after {action} opened ({opened}){window}; older items only show the baseline",
      resolve="{action} has {need} on file, dated on or after it opened{window}")
def evidence_stale(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A requirement with enough matching items in all, but too few current ones. An item
        is current when it is dated on or after the action opened and, where the requirement
        sets `within_days`, no more than that many days before the as-of date.

    Why it matters
        Evidence from before the action opened is the baseline, not proof of change; and
        evidence from months ago does not show that the change has lasted.

    Example
        requires:
          - {type: audit, count: 4, within_days: 90}

        plans/oakview.yaml:31: SG303 warning  RP-01 requires 4 audit items (within 90 days): 6 found, 2 current

    Fix
        Carry on producing the evidence and link the recent items. If the cadence has
        genuinely changed, agree it at governance and change `within_days`.
    """
    yield from _requirement_hits(ctx, "stale")


@rule("SG304", "evidence-unreadable", severity="error",
      message="{who} {evidence} ({path}) cannot be read: {reason}",
      hint="open the file to check it; save a readable copy (unencrypted, not corrupt, under the size limit) "
           "in the evidence folder",
      resolve="a readable copy of {evidence} is on file", folder=True)
def evidence_unreadable(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A linked evidence file that could not be read (corrupt, encrypted, too large). It fires on
        each action the file is linked to, once on the plan for a file linked only to the
        plan, and once on its own (naming the file) for a file linked to nothing, since a file
        that cannot be read cannot be seen to mention anything. Files in formats sgpack does
        not read ("not read") are listed by `sgpack evidence`, not reported here; indicator
        data files are reported by SG307.

    Why it matters
        An unreadable file counts for nothing: it cannot satisfy a requirement or appear as
        an exhibit. The run goes on, but the evidence you think you have is not in the pack.

    Example
        evidence:
          - minutes-2026-04-12

        plans/oakview.yaml:44: SG304 error  RP-01: linked evidence minutes-2026-04-12 (minutes/2026-04-12.pdf) cannot be read: PDF is encrypted

    Fix
        Open the file. Remove the password or export an unprotected PDF, re-save a corrupt
        document from its source, or split a very large file, and replace it in the folder.
    """
    def hit(plan: Plan | None, action: Action | None, item: EvidenceItem) -> Hit:
        who = f"{action.id}: linked evidence" if action else (
            f"{plan.id}: linked evidence" if plan else "evidence")
        return Hit(plan, action, evidence=item.id,
                   field=_field_for(action, item) if action else None,
                   file=None if plan else ctx.evidence_file(item),
                   args={"who": who, "path": item.path, "reason": item.reason or "unknown reason"})

    if ctx.scope != "folder":
        for plan, action, item in _linked_hits(ctx, lambda i: i.status == "unreadable"):
            yield hit(plan, action, item)
    if ctx.scope == "plans":
        return
    linked, data = ctx.shared("linked ids", linked_ids), ctx.shared("indicator file ids", indicator_file_ids)
    for item in ctx.catalogue.items:
        if item.status == "unreadable" and item.id not in linked and item.id not in data:
            yield hit(None, None, item)


@rule("SG305", "evidence-link-broken", severity="error",
      message="{action} names evidence {evidence}, which is not in the evidence folder",
      hint="check the id against `sgpack evidence DIR`{suggestion}",
      advice="check the evidence id the plan gives for {action} against the evidence folder{suggestion}",
      resolve="the evidence the plan names for {action} is on file, or the plan no longer names it")
def evidence_link_broken(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        An id under an action's `evidence:` that is not in the evidence folder. Every id
        listed there must be the id of an item that `sgpack evidence DIR` lists.

    Why it matters
        A broken link is evidence the plan claims but the pack cannot show: usually a typo, a
        renamed file, or a file that was never copied into the folder.

    Example
        evidence: [minutes-2026-04-21]

        plans/oakview.yaml:45: SG305 error  RP-01 names evidence minutes-2026-04-21, which is not in the evidence folder

    Fix
        Correct the id (the hint suggests the nearest id when there is one), or add the file
        to the evidence folder. Ids are the file's path without extension, slugged, unless
        its metadata sets one.
    """
    broken = [(plan, action, i, eid) for plan, action in ctx.actions() for i, eid in enumerate(action.evidence)
              if ctx.catalogue.get(eid) is None]
    if not broken:
        return
    near = suggestions(ctx, ctx.catalogue.ids())     # a suggestion depends on every id in the folder
    for plan, action, i, eid in broken:
        close = near[eid]
        field = f"evidence[{i}]" if f"evidence[{i}]" in action.lines else "evidence"
        yield Hit(plan, action, evidence=eid, field=field,
                  args={"suggestion": f"; did you mean {close}?" if close else ""})


def suggestions(ctx: RuleContext, ids: frozenset[str]) -> dict[str, str | None]:
    """SG305's "did you mean": {each id an action of the context names that is not among `ids` (the folder's): the
    nearest id that is, or None}, looked up once a check (the contexts of one check share it: RuleContext.shared)
    and only when a link is broken."""
    def look_up(c: RuleContext) -> dict[str, str | None]:
        wanted = {eid for _, action in c.actions() for eid in action.evidence if eid not in ids}
        return nearest_ids(ids, wanted, c.cache) if wanted else {}
    return ctx.shared("nearest ids", look_up)


@rule("SG306", "evidence-orphan", severity="info",
      message="evidence {evidence} ({path}) is linked to no plan or action{names}",
      hint="link it (mention an action id in it, or tag it in evidence.yaml), or move it out of the evidence folder",
      advice="link it to the action it supports (mention the action's id in it, or list it in the evidence index), "
             "or move it out of the evidence folder",
      resolve="{evidence} is linked to the action it supports, or set aside as not part of the evidence",
      folder=True)
def evidence_orphan(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A readable evidence item linked to no plan or action. Links come from the plan's
        `evidence:` lists, the item's metadata, evidence.yaml, or a mention of an id in its
        text; the data files of the plans' indicators are not reported.

    Why it matters
        Orphan evidence is often proof that was meant for an action but never linked, so the
        action looks untested. Otherwise it is clutter in an inspection folder.

    Example
        evidence/audits/2026-04-30 care plan audit.docx  (mentions no action or plan id)

        evidence/audits/2026-04-30 care plan audit.docx: SG306 info  evidence audits-2026-04-30-care-plan-audit (audits/2026-04-30 care plan audit.docx) is linked to no plan or action

    Fix
        Link the item to the action it supports, or remove it from the evidence folder if it
        does not belong there. This is information only and does not fail a check.
    """
    if ctx.scope == "plans":
        return
    linked, data = ctx.shared("linked ids", linked_ids), ctx.shared("indicator file ids", indicator_file_ids)
    for item in ctx.catalogue.items:
        if not item.counts or item.id in linked or item.id in data:
            continue
        unknown = sorted({link.target for link in item.links})
        names = f" (it names {', '.join(unknown)}, which no plan given defines)" if unknown else ""
        yield Hit(None, evidence=item.id, file=ctx.evidence_file(item),
                  args={"path": item.path, "names": names})


@rule("SG307", "indicator-data-missing", severity="error",
      message="{plan}: indicator {indicator}: {problem}",
      hint="provide the series as CSV or XLSX with columns period,value (at least 3 points) at {data} "
           "in the evidence folder",
      advice="put the indicator's figures in the evidence folder as {data}: a spreadsheet or CSV file with a "
             "period column and a value column, at least 3 points",
      resolve="the figures for indicator {indicator} are on file, at least 3 dated points")
def indicator_data_missing(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        An indicator whose data file is missing, unreadable or has fewer than 3 points. Each
        indicator a plan declares needs a readable file in the evidence folder with at least
        3 dated points for the plan's service (columns `period,value`, with optional
        `service` and `indicator` columns).

    Why it matters
        Indicators are how the plan shows that harm reduced over time. Without the data there
        is no chart, no statistical test, and a high-risk action cannot pass the closure test.

    Example
        indicators:
          - id: restrictive_interventions
            data: indicators/oakview-restrictive-interventions.csv

        plans/oakview.yaml:17: SG307 error  SAP-2026-007: indicator restrictive_interventions: data file indicators/oakview-restrictive-interventions.csv is not in the evidence folder

    Fix
        Export the series (one row per month or week) to the path given in `data:`, check the
        header is `period,value`, and include the months before the action opened as the
        baseline (at least 6, ideally 12).
    """
    for plan in ctx.plans:
        for i, indicator in enumerate(plan.indicators):
            item, _, problem = indicator_series(plan, indicator, ctx.catalogue)
            if problem:
                yield Hit(plan, evidence=item.id if item else None, field=f"indicators[{i}]",
                          args={"indicator": indicator.id, "data": indicator.data, "problem": problem})


@rule("SG308", "evidence-undated", severity="warning",
      message="{who} {evidence} ({path}) has no date",
      hint="date it: write the date in the file name (2026-04-02, 02.04.26, 2 April 2026) or on its first page "
           "(\"Date: 02/04/2026\"), or set `date:` in evidence.yaml, a sidecar or front matter",
      advice="date it: write the date in the file name (2026-04-02, 02.04.26, 2 April 2026) or on its first page "
             "(\"Date: 02/04/2026\"), or record its date in the evidence index",
      resolve="the date of {evidence} is recorded, so that it can show change after the action opened")
def evidence_undated(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A linked evidence item with no date. It fires for a readable item linked to an
        action (or, once, to a plan) with no date from any source: metadata, evidence.yaml,
        a sidecar, or a leading date in the file name. Score and indicator tables are exempt:
        each of their rows carries its own date.

    Why it matters
        Undated evidence can never show change after an action opened, so it never counts as
        current and cannot help close an action.

    Example
        evidence/supervision/PS supervision notes.docx  (mentions RP-01, no date anywhere)

        plans/oakview.yaml:34: SG308 warning  RP-01: linked evidence supervision-ps-supervision-notes (supervision/PS supervision notes.docx) has no date

    Fix
        Rename the file with a leading date (`2026-04-02 PS supervision notes.docx`), or set
        `date:` for it in evidence.yaml or a `.meta.yaml` sidecar.
    """
    def undated(item: EvidenceItem) -> bool:
        return item.counts and item.date is None and not item.scores and not item.series

    for plan, action, item in _linked_hits(ctx, undated):
        who = f"{action.id}: linked evidence" if action else f"{plan.id}: linked evidence"
        yield Hit(plan, action, evidence=item.id, field=_field_for(action, item) if action else None,
                  args={"who": who, "path": item.path})


@rule("SG309", "not-a-record", severity="warning",
      message="{who} {evidence} ({path}) is not a record: {reason}",
      hint="link the completed record instead (the signed minutes, the filled-in form); if this file is the record, "
           "set `record: true` for it in evidence.yaml, a sidecar or --index",
      advice="link the completed record instead (the signed minutes, the filled-in form); if this file is the "
             "record, mark it as a record in the evidence index",
      resolve="the completed record (the signed minutes, the filled-in form) is on file in place of {evidence}, or "
              "{evidence} is confirmed as the record")
def not_a_record(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A linked evidence item that is not a record of anything done: an agenda, a blank form
        or template, a copy of a tool. sgpack knows one from its own words (its file name and
        first heading: "Agenda", "blank", "template", "copy of ... tool") or from metadata
        that sets `record: false`. Such an item never links by what it mentions (an agenda
        names every action it will discuss), so this fires only where someone linked it on
        purpose: under an action's `evidence:` or in metadata `actions:`.

    Why it matters
        An agenda shows a meeting was planned, not what it decided; a blank audit tool shows
        nothing was audited. Neither counts towards a requirement, a closure test or a
        governance review, so the action may look less tested than its owner believes.

    Example
        evidence: [minutes-qsc-agenda-12-03-26]

        plans/oakview.yaml:44: SG309 warning  RP-01: linked evidence minutes-qsc-agenda-12-03-26 (minutes/QSC Agenda 12.03.26.docx) is not a record: an agenda ('Agenda' in the file name)

    Fix
        Link the record itself: the minutes of the meeting, the completed audit. If sgpack has
        misread the file's words and it is a record, set `record: true` for it in its
        metadata (a sidecar, evidence.yaml or the --index file).
    """
    def reason(item: EvidenceItem) -> str:
        why = item.provenance.get("record", "")
        if why.startswith(("an ", "a ")):
            return why                        # its own words: "an agenda (file name 'QSC Agenda...': 'agenda')"
        return f"marked record: false in {why}" if why else "marked record: false"

    for plan, action, item in _linked_hits(ctx, lambda i: i.readable and not i.record):
        who = f"{action.id}: linked evidence" if action else f"{plan.id}: linked evidence"
        yield Hit(plan, action, evidence=item.id, field=_field_for(action, item) if action else None,
                  args={"who": who, "path": item.path, "reason": reason(item)})
