"""Specific (SG101–SG104): does each action change practice, and does the plan cover what its risk needs?"""
from __future__ import annotations

from functools import lru_cache
from typing import Iterator

from compiler.model.plan import Action, Plan
from compiler.rules.registry import Hit, RuleContext, rule
from compiler.vocab import phrase_pattern, vocab

KINDS = ("risk_control", "practice_change", "oversight", "evidence_measure")
KIND_WORDS = {"risk_control": "risk-control", "practice_change": "practice-change",
              "oversight": "oversight", "evidence_measure": "evidence-measure"}


@lru_cache(maxsize=1)
def _tick_box():
    return phrase_pattern(vocab().tick_box_phrases)


def tick_box_phrase(action: Action) -> str | None:
    """The tick-box phrase in the action's title (whole words), or None."""
    m = _tick_box().search(action.title)
    return m.group(0) if m else None


def _join(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@rule("SG101", "action-not-specific", severity="warning",
      message="{action} requires no evidence: nothing could ever show it worked",
      hint="add a `requires:` list naming the evidence that would show practice changed, "
           "e.g. an audit with a target score and supervision records",
      advice="say in the plan which evidence would show practice changed, e.g. an audit with a target score and "
             "supervision records",
      resolve="the plan names the evidence that would show {action} changed practice (such as an audit with a "
              "target score), and that evidence is on file")
def action_not_specific(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        Every action must say which evidence it will produce (its `requires` list). The rule
        fires for an action with no `requires` at all.

    Why it matters
        An action that names no evidence can never be tested: there is no way to show that
        day-to-day practice changed, so it cannot be closed on evidence and inspectors will
        read it as activity rather than improvement.

    Example
        actions:
          - id: RP-04
            title: Improve recording of restraint
            kind: practice_change
            owner: Priya Shah (Registered Manager)
            due: 2026-05-31

        plans/oakview.yaml:52: SG101 warning  RP-04 requires no evidence: nothing could ever show it worked

    Fix
        Add a `requires:` list with the evidence that would prove the change, for example
        `- {type: audit, count: 4, within_days: 90, target: 90}` and `- {type: supervision}`.
    """
    for plan, action in ctx.actions():
        if not action.requires:
            yield Hit(plan, action)


@rule("SG102", "tick-box-action", severity="warning",
      message="{action} is a tick-box action (\"{phrase}\") and the plan has {missing}",
      hint="keep it only as part of a broader response: add a practice_change action that changes "
           "what staff do every day and an oversight action that checks it happens",
      advice="keep it only as part of a broader response: add an action that changes what staff do every day "
             "and an oversight action that checks it happens",
      resolve="the plan also holds an action that changes what staff do every day and an oversight action that "
              "checks it happens")
def tick_box_action(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A tick-box action with no real practice change and oversight beside it. An action
        is tick-box when its title holds a phrase such as "staff reminded", "policy
        reissued", "memo sent", "read and sign" or "discussed at team meeting" (whole words;
        the list ships as data, tick_box_phrases.yaml). It fires when the plan does not also
        hold both a practice_change action that is not itself tick-box and another action of
        kind oversight.

    Why it matters
        Reminding staff or reissuing a policy does not by itself change what happens on the
        floor. Such actions are fine as part of a broader response, but on their own they are
        the "paperwork" actions that safeguarding adults boards and CQC challenge.

    Example
        actions:
          - id: RP-02
            title: Staff reminded of the restraint recording policy
            kind: practice_change

        plans/oakview.yaml:40: SG102 warning  RP-02 is a tick-box action ("Staff reminded") and the plan has no other practice-change action that is not tick-box and no oversight action

    Fix
        Add (or keep) a practice_change action that changes daily practice, such as
        competency-checked debriefs after every intervention, and an oversight action such as
        a weekly manager review of the restraint log. Or reword the action to describe the
        change in practice itself.
    """
    for plan in ctx.plans:
        for action in plan.actions:
            phrase = tick_box_phrase(action)
            if phrase is None:
                continue
            others = [a for a in plan.actions if a is not action]
            missing = []
            if not any(a.kind == "practice_change" and tick_box_phrase(a) is None for a in others):
                missing.append("no other practice-change action that is not tick-box")
            if not any(a.kind == "oversight" for a in others):
                missing.append("no oversight action")
            if missing:
                yield Hit(plan, action, field="title",
                          args={"phrase": phrase, "missing": " and ".join(missing)})


@rule("SG103", "plan-missing-component", severity="warning",
      message="{plan} has no {missing} action ({risk} risk): a plan needs all four kinds",
      hint="add an action of each missing kind: risk_control (how harm is prevented now), practice_change "
           "(what staff do differently), oversight (how managers know), evidence_measure (what proof is gathered)",
      advice="add an action of each missing kind: risk control (how harm is prevented now), practice change "
             "(what staff do differently), oversight (how managers know), evidence measure (what proof is gathered)",
      resolve="{plan} holds an action of each of the four kinds (how harm is prevented now, what staff do "
              "differently, how managers know, and what proof is gathered)")
def plan_missing_component(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        A plan without an action of each of the four kinds. A plan must hold at least one
        risk_control, practice_change, oversight and evidence_measure action. One finding
        per plan names every kind that is missing. It is an error for a high-risk plan and a
        warning otherwise.

    Why it matters
        A strong plan says how harm is prevented now, what staff will do differently every
        day, how managers will know it is happening, and what proof will be gathered. A plan
        without one of these leaves a gap that high-risk issues in particular cannot afford.

    Example
        plan:
          id: SAP-2026-007
          risk: high
        actions:
          - {id: RP-01, kind: oversight, ...}
          - {id: RP-02, kind: practice_change, ...}

        plans/oakview.yaml:3: SG103 error  SAP-2026-007 has no risk-control or evidence-measure action (high risk): a plan needs all four kinds

    Fix
        Add an action of each missing kind, or, where a kind truly does not apply, waive the
        rule on the plan with a reason: `waive: [{rule: SG103, reason: "..."}]`.
    """
    for plan in ctx.plans:
        kinds = {a.kind for a in plan.actions}
        missing = [KIND_WORDS[k] for k in KINDS if k not in kinds]
        if missing:
            yield Hit(plan, severity="error" if plan.risk == "high" else None,
                      args={"missing": _join(missing), "risk": plan.risk})


def profile_gaps(plan: Plan) -> list[tuple[str, list[str]]]:
    """(evidence type, abuse types whose profile names it) for each type no action requires.
    An action's `indicators:` links count as requiring indicator evidence."""
    profiles = vocab().abuse_profiles
    required = {r.type for a in plan.actions for r in a.requires}
    if any(a.indicators for a in plan.actions):
        required.add("indicator")
    wanted: dict[str, list[str]] = {}
    for abuse in plan.abuse_types:
        for etype in profiles.get(abuse, []):
            wanted.setdefault(etype, []).append(abuse)
    return [(etype, abuses) for etype, abuses in wanted.items() if etype not in required]


@rule("SG104", "profile-evidence-missing", severity="warning",
      message="{plan}: no action requires {types} evidence, which the {profiles} profile expects",
      hint="add a requirement of that type to the action it belongs to, or waive SG104 on the plan "
           "with the reason it does not apply",
      advice="require evidence of that type on the action it belongs to, or record in the plan why it does not "
             "apply",
      resolve="an action of {plan} requires {types} evidence, or the plan records why it does not apply")
def profile_evidence_missing(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        An evidence type the plan's abuse-type profile expects that no action requires.
        Each abuse or concern type has a shipped evidence profile: the evidence types plans
        of that type usually need (restrictive_practice: incident_log, debrief, support_plan,
        audit, indicator). The rule fires once per plan, naming every type
        that the profile of any of the plan's `abuse_types` wants and no action requires.
        An action's `indicators:` links count as requiring indicator evidence.

    Why it matters
        What has to change, and how it is evidenced, differs by type of abuse. A restrictive
        practice plan with no debriefs or incident data, or a financial abuse plan with no
        audit, is unlikely to show inspectors that the risk reduced.

    Example
        plan:
          abuse_types: [restrictive_practice]
        actions:
          - id: RP-01
            requires: [{type: audit}, {type: governance_minutes}]

        plans/oakview.yaml:3: SG104 warning  SAP-2026-007: no action requires incident_log, debrief, support_plan or indicator evidence, which the restrictive_practice profile expects

    Fix
        Add requirements of the missing types to the actions that will produce them. Where a
        type does not apply, waive the rule with a reason:
        `waive: [{rule: SG104, reason: "financial audit not applicable: no money handled"}]`.
    """
    for plan in ctx.plans:
        gaps = profile_gaps(plan)
        if gaps:
            profiles = list(dict.fromkeys(a for _, abuses in gaps for a in abuses))
            yield Hit(plan, field="plan.abuse_types",
                      args={"types": _join([t for t, _ in gaps]), "profiles": _join(profiles)})
