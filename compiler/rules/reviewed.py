"""Reviewed (SG401–SG406): honest RAG ratings, deadlines kept, governance reviewing and challenging."""
from __future__ import annotations

import datetime as dt
from typing import Iterator

from compiler.assess.closure import records_challenge
from compiler.assess.matching import governance_reviews
from compiler.model.plan import RAG_ORDER, Plan
from compiler.rules.registry import Hit, RuleContext, rule

BOARD_WINDOW_DAYS = 90
REVIEW_GRACE_DAYS = 7
OPEN = ("planned", "in_progress")


def _blank(text: str | None) -> bool:
    return not (text or "").strip()


@rule("SG401", "rag-without-narrative", severity="error",
      message="{action}: {what} is rated {rag} with no narrative",
      hint="add a `narrative:` saying what the rating rests on: what was done, what the evidence shows, what is next",
      advice="write a narrative saying what the rating rests on: what was done, what the evidence shows, what is next",
      resolve="a narrative says what the {rag} rating of {what} rests on: what was done, what the evidence shows, "
              "what is next")
def rag_without_narrative(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A RAG rating with no narrative. Whenever an action, or one of its `reviews` entries,
        carries a RAG rating, it must also carry a narrative; a blank one counts as none.

    Why it matters
        A colour on its own tells a Board or an inspector nothing about why the action is on
        track or not. The narrative is the owner's account, checked against the evidence.

    Example
        actions:
          - id: RP-01
            rag: green

        plans/oakview.yaml:38: SG401 error  RP-01: the action is rated green with no narrative

    Fix
        Add a dated narrative under the rating, for example
        `narrative: Weekly reviews since 3 March; audit score 92% in May; no prone restraint since April.`
    """
    for plan, action in ctx.actions():
        if action.rag and _blank(action.narrative):
            yield Hit(plan, action, field="rag", args={"what": "the action", "rag": action.rag})
        for i, review in enumerate(action.reviews):
            if review.rag and _blank(review.narrative):
                yield Hit(plan, action, field=f"reviews[{i}]",
                          args={"what": f"the review of {review.date.isoformat()}", "rag": review.rag})


@rule("SG402", "rag-overstated", severity="error",
      message="{action} declared {declared} but assessed {assessed}{reasons}",
      hint="rate it {assessed} until the evidence supports {declared}, or link the evidence that does",
      resolve="{action} is rated {assessed}, or the evidence on file supports {declared}")
def rag_overstated(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A declared RAG rating better than the rating assessed from the evidence. The
        assessed rating is the first that applies: blue, completed or closed and the closure
        test passes; red, overdue with a requirement unmet, or an indicator shows special-cause
        concern; amber, any requirement unmet, insufficient or stale, or overdue; green, every
        requirement met with current evidence, on time, no indicator concern. Better is
        blue > green > amber > red, so a completed or closed action declared blue whose
        closure test fails is reported here (and each failing part as SG501-SG504).

    Why it matters
        Optimistic ratings are how Boards come to see updates but no evidence of impact. An
        inspector who finds the evidence behind a green action missing will doubt the rest.

    Example
        actions:
          - id: RP-02
            rag: green
            requires:
              - {type: supervision, count: 2}

        plans/oakview.yaml:58: SG402 error  RP-02 declared green but assessed amber: requirement supervision ×2: 1 found, 1 current

    Fix
        Lower the declared rating to what the evidence supports, or gather and link the
        missing evidence. The reasons after the colon say what holds the rating down.
    """
    for plan, action in ctx.actions():
        result = ctx.results.get(action.id)
        if result is None or action.rag is None:
            continue
        if RAG_ORDER[action.rag] > RAG_ORDER[result.assessed_rag]:
            reasons = "; ".join(result.rag_reasons)
            yield Hit(plan, action, field="rag",
                      args={"declared": action.rag, "assessed": result.assessed_rag,
                            "reasons": f": {reasons}" if reasons else ""})


@rule("SG403", "action-overdue", severity="warning",
      message="{action} was due {due} ({ago}) and is still {status}",
      hint="deliver it, or agree a revised due date at governance and record why in the narrative",
      resolve="{action} is delivered, or a revised due date is agreed at governance and the reason recorded")
def action_overdue(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        An action past its `due` date (before the as-of date) whose status is not completed
        or closed.

    Why it matters
        Overdue actions that roll from meeting to meeting without escalation are a classic
        failure of safeguarding governance; the risk the action addresses is still open.

    Example
        actions:
          - id: RP-01
            due: 2026-05-31
            status: in_progress

        plans/oakview.yaml:30: SG403 warning  RP-01 was due 2026-05-31 (1 day ago) and is still in_progress

    Fix
        Complete the action and record it (`status: completed`), or take it to the governance
        forum, agree a new date, change `due:` and explain the slippage in the narrative.
    """
    for plan, action in ctx.actions():
        if action.due and action.due < ctx.as_of and action.status not in ("completed", "closed"):
            days = (ctx.as_of - action.due).days
            yield Hit(plan, action, field="due",
                      args={"due": action.due.isoformat(), "ago": f"{days} day{'' if days == 1 else 's'} ago",
                            "status": action.status})


@rule("SG404", "review-overdue", severity="warning",
      message="{action} has had no governance review in the last {window} days{last}",
      hint="review it at the next {forum} and add the review under `reviews:` or link the minutes",
      advice="review it at the next {forum} and record the review in the plan, or link the minutes",
      resolve="{action} has been reviewed at governance ({forum}) within the last {window} days, and the review is "
              "recorded")
def review_overdue(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        An open action with no governance review in the last `review_every_days` + 7 days.
        An open action (planned or in_progress) must be reviewed at least every
        `review_every_days` (the plan's cadence, default 28) plus 7 days of grace. A review is
        a `reviews` entry in the plan or readable governance minutes linked to the action,
        dated on or after the action opened. Actions opened more recently than that window
        are not yet due a review.

    Why it matters
        Governance oversight until sustained improvement is shown is what stops actions
        drifting. An action nobody has looked at for two cycles is not being overseen.

    Example
        plan:
          review_every_days: 28
        actions:
          - id: RP-01
            reviews:
              - {date: 2026-03-12, rag: red, narrative: ...}

        plans/oakview.yaml:24: SG404 warning  RP-01 has had no governance review in the last 35 days; last review 2026-03-12 (Quality and Safeguarding Committee review recorded in the plan)

    Fix
        Put the action on the agenda of the next governance meeting. Record the review under
        `reviews:` (date, forum, rag, narrative) or link the minutes by mentioning the
        action id in them.
    """
    for plan, action in ctx.actions():
        if action.status not in OPEN:
            continue
        window = plan.review_every_days + REVIEW_GRACE_DAYS
        if (ctx.as_of - action.opened).days < window:
            continue
        reviews = [r for r in governance_reviews(action, plan, ctx.catalogue, ctx.as_of) if r[0] <= ctx.as_of]
        since = ctx.as_of - dt.timedelta(days=window)
        if any(date >= since for date, _, _ in reviews):
            continue
        if reviews:
            date, source, _ = reviews[-1]
            last = f"; last review {date.isoformat()} ({source})"
        else:
            last = f"; none recorded since it opened on {action.opened.isoformat()}"
        yield Hit(plan, action, args={"window": window, "last": last,
                                      "forum": plan.governance_forum or "governance meeting"})


def _board_reports(ctx: RuleContext, plan: Plan) -> list:
    """Readable board_report items linked to the plan or any of its actions."""
    seen = {}
    for action in plan.actions:
        for li in ctx.linked(plan, action):
            seen[li.item.id] = li.item
    for item in ctx.catalogue.linking_to(plan.id):
        seen[item.id] = item
    return [i for i in seen.values() if i.type == "board_report" and i.counts]


@rule("SG405", "board-assurance-missing", severity="warning",
      message="{plan} ({risk} risk) has no board report in the last 90 days{last}",
      hint="report the plan to the Board and add the report (mentioning {plan}) to the evidence folder, e.g. under board/",
      advice="report the plan to the Board and add the report (mentioning {plan}) to the evidence folder",
      resolve="the Board has had a report on {plan} within the last 90 days, and the report is on file")
def board_assurance_missing(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A plan with no board report in the last 90 days. Every plan needs a readable
        board_report linked to it (mentioning the plan id or one of its action ids, or tagged
        to them) dated within the 90 days up to the as-of date.
        The finding is an error for a high-risk plan and a warning for medium and low risk.

    Why it matters
        High-risk safeguarding issues need summary assurance at Board level: a line of sight
        from concern to decision, action, impact and sustained improvement. Lower-risk plans
        still benefit from periodic Board visibility, hence the warning.

    Example
        plan:
          id: SAP-2026-007
          risk: high

        plans/oakview.yaml:3: SG405 error  SAP-2026-007 (high risk) has no board report in the last 90 days; the last is dated 2026-01-20

    Fix
        Take the plan to the Board (or its quality committee reporting to the Board) and put
        the report, mentioning the plan id, in the evidence folder under `board/`. For a
        low-risk plan where Board reporting is not proportionate, waive SG405 with a reason.
    """
    since = ctx.as_of - dt.timedelta(days=BOARD_WINDOW_DAYS)
    for plan in ctx.plans:
        dated = sorted(i.date for i in _board_reports(ctx, plan) if i.date and i.date <= ctx.as_of)
        if any(d >= since for d in dated):
            continue
        last = f"; the last is dated {dated[-1].isoformat()}" if dated else ""
        yield Hit(plan, severity="error" if plan.risk == "high" else "warning",
                  args={"risk": plan.risk, "last": last})


@rule("SG406", "no-challenge-recorded", severity="warning",
      message="{action}: {n} governance minutes reviewed it ({ids}) but none records challenge",
      hint="record the questions asked and the assurance sought (e.g. 'the committee challenged ...', "
           "'asked for evidence of ...') in the minutes or the review narrative",
      resolve="the minutes, or the record of a review, show the questions asked about {action} and the assurance "
              "sought")
def no_challenge_recorded(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        Governance minutes that review an action but record no challenge. When readable
        minutes linked to an action and dated on or after it opened exist, at least one of
        them, or a `reviews` narrative of the action, must record
        challenge: words such as challenged, queried, questioned, asked for assurance,
        requested evidence, not assured (the list ships as data, challenge_words.yaml).

    Why it matters
        Governance is meant to test the evidence, not note the update. Minutes that only
        record that an action was "discussed" do not show oversight to an inspector, and
        closure criterion 6.4 needs recorded challenge.

    Example
        evidence/minutes/2026-04-12 QSC minutes.docx:
          "RP-01: update noted. Action remains amber."

        plans/oakview.yaml:24: SG406 warning  RP-01: 1 governance minutes reviewed it (minutes-2026-04-12) but none records challenge

    Fix
        Make sure the minutes record what was asked and what assurance was sought, and link
        them to the action. If the challenge happened but the minutes are silent, add it to
        the review narrative under `reviews:`.
    """
    for plan, action in ctx.actions():
        minutes = [li.item for li in ctx.linked(plan, action)
                   if li.item.type == "governance_minutes" and li.item.counts and li.item.date
                   and action.opened <= li.item.date <= ctx.as_of]
        if not minutes:
            continue
        if any(records_challenge(m.text) for m in minutes):
            continue
        if any(records_challenge(r.narrative or "") for r in action.reviews):
            continue
        field = next((f"requires[{i}]" for i, r in enumerate(action.requires)
                      if r.type == "governance_minutes"), None)
        yield Hit(plan, action, field=field,
                  args={"n": len(minutes), "ids": ", ".join(m.id for m in minutes)})
