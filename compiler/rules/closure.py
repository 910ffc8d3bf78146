"""Closure (SG501–SG505): an action closed, or rated blue, must pass the four-part closure test (docs/judgement.md)."""
from __future__ import annotations

from typing import Iterator

from compiler.model.plan import Action
from compiler.rules.registry import Hit, RuleContext, rule

OVERSIGHT_CYCLES = 3   # a high-risk action stays under oversight at least 3 review cycles


def closing_state(action: Action) -> str | None:
    """'closed' / 'declared blue' when the action claims closure, else None."""
    if action.status == "closed":
        return "closed"
    if action.rag == "blue":
        return "declared blue"
    return None


def _criterion_hits(ctx: RuleContext, part: str) -> Iterator[Hit]:
    for plan, action in ctx.actions():
        state = closing_state(action)
        result = ctx.results.get(action.id)
        if state is None or result is None:
            continue
        check = getattr(result.closure, part)
        if check.result == "fail":
            yield Hit(plan, action, field="status" if state == "closed" else "rag",
                      evidence=None, args={"state": state, "reason": check.reason.rstrip(". ")})


@rule("SG501", "closure-indicators-not-improved", severity="error",
      message="{action} is {state} but its risk indicators fall short of the closure test: {reason}",
      hint="keep the action open until each linked indicator shows sustained improvement (a special-cause signal, "
           "the last 3 points on the better side of the baseline mean, the target met); link one if none is",
      resolve="each risk indicator linked to {action} shows sustained improvement (a special-cause signal, the last "
              "3 points on the better side of the baseline mean, the target met), or {action} is reopened")
def closure_indicators_not_improved(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A closed or blue action whose risk indicators fall short of closure criterion 1. They
        have not improved, or improved without holding it or reaching the target, or none is
        linked to a high-risk action. An action that is
        closed, or declared blue, must pass closure criterion 1: each
        linked risk indicator shows improvement over time, read the way NHS England's Making
        Data Count reads an XmR chart (a special-cause improvement after the action opened,
        the last 3 points on the better side of the baseline mean, none of them a concern,
        and the target met where one is set). A high-risk action with no linked indicator
        fails; for low and medium risk the criterion does not apply.

    Why it matters
        Closing an action because the paperwork is done, while the harm it addresses has not
        reduced, is the failure the closure test exists to prevent.

    Example
        actions:
          - id: RP-01
            status: closed
            indicators: [restrictive_interventions]

        plans/oakview.yaml:33: SG501 error  RP-01 is closed but its risk indicators fall short of the closure test: restrictive_interventions: improved (shift: …) and the last 3 months (…) are below the baseline mean of …, but they do not all meet the target of 4.

    Fix
        Reopen the action (status in_progress, rag amber or green) and keep collecting the
        indicator until it shows sustained improvement; the chart in the pack shows where it
        stands. Link an indicator if none is linked.
    """
    yield from _criterion_hits(ctx, "indicators")


@rule("SG502", "closure-audit-not-confirmed", severity="error",
      message="{action} is {state} but audits do not confirm practice change: {reason}",
      hint="keep the action open until at least 2 audits after it opened confirm the change, the latest meeting its target",
      resolve="at least 2 audits made after {action} opened confirm the change, the latest meeting its target, or "
              "{action} is reopened")
def closure_audit_not_confirmed(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A closed or blue action whose audits do not confirm practice change. An action that
        is closed, or declared blue, must pass closure criterion 2: at least
        2 audit items dated after the action opened and, where scores are readable, the
        latest meets the requirement's `target` (default 90%) and is not below the first
        post-opening score.

    Why it matters
        Audit is how a service checks that day-to-day practice changed. Without it, closure
        rests on what people say rather than what the records show.

    Example
        actions:
          - id: RP-01
            status: closed
            requires:
              - {type: audit, count: 4, target: 90}

        plans/oakview.yaml:33: SG502 error  RP-01 is closed but audits do not confirm practice change: 3 audit results dated since 2026-02-20; the latest score, 78% on 2026-05-28, is at or above the first post-opening score (64%) but is below the 90% target

    Fix
        Reopen the action, repeat the audit after the change has bedded in, and link the
        results (a score table `date,audit,score` counts once per row).
    """
    yield from _criterion_hits(ctx, "audit")


@rule("SG503", "closure-staff-evidence-missing", severity="error",
      message="{action} is {state} but staff evidence falls short of the closure test: {reason}",
      hint="link supervision or competency records dated after the action opened (high risk: one of each)",
      resolve="supervision or competency records dated after {action} opened are on file (for a high-risk action, one "
              "of each), or {action} is reopened")
def closure_staff_evidence_missing(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A closed or blue action without staff supervision or competency evidence. An action
        that is closed, or declared blue, must pass closure criterion 3: at least
        one supervision or competency item dated after the action opened; for a high-risk
        action, at least one of each.

    Why it matters
        Sustained change depends on staff who are confident and consistent in the new
        practice. Supervision and competency records are the evidence of that.

    Example
        actions:
          - id: RP-02
            status: closed
            risk: high

        plans/oakview.yaml:58: SG503 error  RP-02 is closed but staff evidence falls short of the closure test: 2 supervision records dated since 2026-02-20, but no competency record; a high-risk action needs at least one of each

    Fix
        Reopen the action, carry out and record supervision discussions and competency
        observations on the new practice, and link them by mentioning the action id.
    """
    yield from _criterion_hits(ctx, "staff")


@rule("SG504", "closure-governance-not-shown", severity="error",
      message="{action} is {state} but governance review and challenge fall short of the closure test: {reason}",
      hint="keep it under governance review for the cycles its risk needs (low 1, medium 2, high 3) "
           "and record the challenge made",
      resolve="{action} has been reviewed at governance for the cycles its risk needs (low 1, medium 2, high 3), "
              "with the challenge made recorded, or {action} is reopened")
def closure_governance_not_shown(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A closed or blue action without governance review and challenge. An action that is
        closed, or declared blue, must pass closure criterion 4: linked
        governance minutes or `reviews` entries in at least N distinct review cycles after the
        action opened (N = 1 low risk, 2 medium, 3 high), at least one of which records
        challenge (challenged, queried, asked for assurance, requested evidence, not assured…).

    Why it matters
        Closure is a governance decision. Inspectors and commissioners look for minutes that
        show the forum tested the evidence before agreeing to close.

    Example
        actions:
          - id: RP-01
            status: closed
            reviews:
              - {date: 2026-03-12, rag: amber, narrative: Update noted.}

        plans/oakview.yaml:33: SG504 error  RP-01 is closed but governance review and challenge fall short of the closure test: Reviewed in only 1 review cycle of 28 days since 2026-02-20 (3 needed at high risk), and no review records challenge

    Fix
        Reopen the action and keep it on the governance agenda until enough cycles have
        passed; make sure the minutes record the questions asked, and link them.
    """
    yield from _criterion_hits(ctx, "governance")


@rule("SG505", "closure-oversight-too-short", severity="error",
      message="{action} is a high-risk action {state} after {days} days of oversight; at least {needed} are needed "
              "(3 × {every}-day review cycle)",
      hint="keep high-risk actions open under governance oversight for at least 3 review cycles to show the change is sustained",
      resolve="{action} has been under governance oversight for at least {needed} days (3 review cycles), or it is "
              "reopened")
def closure_oversight_too_short(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A high-risk action closed, or declared blue, too soon: less than 3 × the plan's
        `review_every_days` after it opened. The end of the period is the `closed` date, or
        the as-of date when none is given.

    Why it matters
        High-risk issues need longer oversight: a few weeks of good data can be chance. Three
        review cycles give the governance forum time to see the change last.

    Example
        plan:
          review_every_days: 28
        actions:
          - id: RP-01
            risk: high
            opened: 2026-02-20
            status: closed
            closed: 2026-04-01

        plans/oakview.yaml:33: SG505 error  RP-01 is a high-risk action closed after 40 days of oversight; at least 84 are needed (3 × 28-day review cycle)

    Fix
        Reopen the action (status in_progress) and close it at a governance meeting once the
        oversight period has passed and the closure test holds.
    """
    for plan, action in ctx.actions():
        state = closing_state(action)
        if state is None or action.risk != "high":
            continue
        end = action.closed or ctx.as_of
        days = (end - action.opened).days
        needed = OVERSIGHT_CYCLES * plan.review_every_days
        if days < needed:
            field = "closed" if action.closed and "closed" in action.lines else (
                "status" if state == "closed" else "rag")
            yield Hit(plan, action, field=field,
                      args={"state": state, "days": days, "needed": needed, "every": plan.review_every_days})
