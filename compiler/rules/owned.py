"""Owned (SG201–SG202): a named person is accountable for each action, by a date."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from compiler.model.plan import Owner
from compiler.rules.registry import Hit, RuleContext, rule
from compiler.vocab import phrase_pattern, vocab

# Generic words that only join other words: "Head of Care", "Priya Shah and Tom Jones" are not groups.
JOINING_WORDS = frozenset({"the", "and", "of", "&"})


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(group words, every generic or role word). A generic word that is also a role word
    ("team", "senior") names a group only when no role word follows it ("Team Leader" is a role)."""
    v = vocab()
    roles = sorted(v.role_words, key=len, reverse=True)
    role_alt = "|".join(re.escape(w) for w in roles)
    parts = []
    for word in sorted(v.generic_owner_words - JOINING_WORDS, key=len, reverse=True):
        part = re.escape(word).replace(r"\ ", r"\s+")
        if word in v.role_words:
            part += rf"(?!\s+(?:{role_alt})(?![\w-]))"
        parts.append(part)
    group = re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)
    anything = phrase_pattern(tuple(v.generic_owner_words | v.role_words))
    return group, anything


def owner_problem(owner: Owner | None) -> str | None:
    """Why the owner names nobody, or None when a person is named."""
    if owner is None:
        return "no owner given"
    # a "(role)" left inside the name is a role, not part of the name
    name = re.sub(r"\([^)]*\)", " ", owner.name or "")
    if not re.search(r"\w", name):
        return "a role with no name" if owner.role else "no name given"
    group, anything = _patterns()
    m = group.search(name)
    if m:
        return f"'{m.group(0)}' names a group or a placeholder, not a person"
    if not re.search(r"\w", anything.sub(" ", name)):
        return "a role with no name"
    return None


@rule("SG201", "owner-not-named", severity="error",
      message="{action} has no named owner{shown}: {why}",
      hint="name the person accountable, e.g. 'Priya Shah (Registered Manager)'",
      resolve="a named person, not a team or a role alone, is accountable for {action}")
def owner_not_named(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        Every action must have an owner who is a named person. The rule fires when the owner
        is missing, empty, a group or placeholder ("On-call team", "Night staff", "All
        managers", "TBC", "n/a") or a role with no name ("Registered Manager"). Words are
        matched whole and the lists ship as data (generic_owners.yaml).

    Why it matters
        Actions owned by "the team" drift: nobody is accountable for delivering them or for
        the evidence. Boards, commissioners and CQC expect a named lead for every action.

    Example
        actions:
          - id: RP-03
            owner: On-call team

        plans/oakview.yaml:61: SG201 error  RP-03 has no named owner ('On-call team'): 'On-call' names a group or a placeholder, not a person

    Fix
        Name one accountable person, with their role if useful:
        `owner: Priya Shah (Registered Manager)` or `owner: {name: Priya Shah, role: Registered Manager}`.
        Others can deliver parts of the action; one person owns it.
    """
    for plan, action in ctx.actions():
        why = owner_problem(action.owner)
        if why:
            owner = (action.owner.raw or action.owner.display) if action.owner else ""
            yield Hit(plan, action, field="owner",
                      args={"owner": owner, "why": why, "shown": f" ({owner!r})" if owner else ""})


@rule("SG202", "no-due-date", severity="error",
      message="{action} is {status} but has no due date",
      hint="set `due:` to the date by which the action will be delivered and evidenced",
      advice="set the date by which the action will be delivered and evidenced",
      resolve="{action} has a due date by which it will be delivered and evidenced")
def no_due_date(ctx: RuleContext) -> Iterator[Hit]:
    """
    What it checks
        An open action (status planned or in_progress) must have a `due` date.

    Why it matters
        Without a deadline an action cannot be overdue, so it can drift across governance
        meetings without anyone escalating it, one of the commonest failures boards see.

    Example
        actions:
          - id: RP-05
            status: in_progress

        plans/oakview.yaml:70: SG202 error  RP-05 is in_progress but has no due date

    Fix
        Add `due: 2026-07-31` (ISO date). If the date is not yet agreed, agree it at the
        next governance meeting and record it.
    """
    for plan, action in ctx.actions():
        if action.status in ("planned", "in_progress") and action.due is None:
            yield Hit(plan, action, field="due", args={"status": action.status})
