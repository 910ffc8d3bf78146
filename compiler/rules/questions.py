"""The challenge question each rule's finding puts to a governance meeting, filled with the values behind it.

Beside the rules so a new rule gets its question where it is written; the governance view asks them.
A rule with no entry here gets a generic question built from its finding's message.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from compiler.assess.closure import CYCLES_NEEDED, review_cycle
from compiler.assess.rag import closure_note
from compiler.model.assessment import ActionResult
from compiler.model.finding import Finding
from compiler.model.plan import Action, Plan
from compiler.rules.closure import closing_state
from compiler.views.words import (RAG_NAMES, STATUS_WORDS, closure_gaps, day, indicator_gaps, last_review,
                                  more_needed, records, type_words, unmet)


@dataclass(frozen=True)
class QuestionData:
    finding: Finding | None
    plan: Plan
    action: Action | None
    result: ActionResult | None
    as_of: dt.date


def _declared_vs_evidence(q: QuestionData) -> str:
    a, r = q.action, q.result
    gaps = unmet(r)
    declared = RAG_NAMES[a.rag]
    # the reasons that held the rating down, without the note on the closure test
    held_down = [x.rstrip(".") for x in r.rag_reasons if x != closure_note(a, r.closure)]
    if r.assessed_rag == "red" and held_down:
        return (f"{a.id} is declared {declared} but assessed red ({'; '.join(held_down[:2])}): "
                f"what evidence supports {declared}?")
    if gaps:
        g = gaps[0]
        has = (f"{g.current} of the {records(g.count, g.type)}" if g.count > 1
               else f"no current {type_words(g.type)[0]}")
        return f"{a.id} is declared {declared} but has {has} it requires: {type_words(g.type)[2]}"
    if a.rag == "blue" and not r.closure.ready:
        return (f"{a.id} is declared blue but the closure test does not pass yet ({'; '.join(closure_gaps(r))}): "
                "what shows the change is sustained?")
    if a.rag == "blue" and a.is_open:
        return f"{a.id} is declared blue but is still {STATUS_WORDS[a.status].lower()}: when will it be closed?"
    reason = held_down[0] if held_down else f"the evidence supports {r.assessed_rag}"
    return f"{a.id} is declared {declared} but assessed {r.assessed_rag} ({reason}): what evidence supports {declared}?"


def _insufficient(q: QuestionData) -> str | None:
    out = []
    for g in unmet(q.result):
        if g.status != "insufficient":
            continue
        out.append(f"{q.action.id} needs {records(more_needed(g), g.type, more=True)} ({g.current} of {g.count} so far): "
                   f"who will provide {'it' if more_needed(g) == 1 else 'them'}, and by when?")
    return "\n".join(out) or None


def _missing(q: QuestionData) -> str | None:
    out = [f"{q.action.id} has no {type_words(g.type)[1]} at all: {type_words(g.type)[2]}"
           for g in unmet(q.result) if g.status == "missing"]
    return "\n".join(out) or None


def _stale(q: QuestionData) -> str | None:
    out = [f"{q.action.id} has {records(g.found, g.type)}, but {g.current} within the last "
           f"{g.within_days or '—'} days: has the checking stopped, and when is the next one due?"
           for g in unmet(q.result) if g.status == "stale"]
    return "\n".join(out) or None


def _overdue(q: QuestionData) -> str:
    if q.action.due is None:
        return generic(q)
    status = STATUS_WORDS[q.action.status].lower()
    return (f"{q.action.id} was due on {day(q.action.due, q.as_of)} and is still {status}: "
            "what is the revised date and who agreed it?")


def _review_overdue(q: QuestionData) -> str:
    last = last_review(q.result)
    since = f"since {day(last, q.as_of)}" if last else "since it opened"
    return f"{q.action.id} has not been reviewed {since}: why has it not come to the Committee, and when will it?"


def _owner(q: QuestionData) -> str:
    shown = q.action.owner.raw if q.action.owner and q.action.owner.raw else None
    if shown is None:
        return f"{q.action.id} has no owner: who owns it, and will they be named in the plan?"
    return f"{q.action.id} is owned by “{shown}”: which named person is accountable for delivering it?"


def _unexplained(q: QuestionData) -> str:
    m = re.search(r"the review of (\S+) is rated", q.finding.message) if q.finding else None
    if m:
        return f"{q.action.id}'s review of {m.group(1)} has a RAG rating with no narrative: what was it based on?"
    return f"{q.action.id} has a RAG rating with no narrative: what is the rating based on?"


def _claims(q: QuestionData) -> tuple[str, str]:
    """(what the action claims, the question that follows when the evidence does not bear it out)."""
    state = closing_state(q.action) or "closed"
    return state, "should it be reopened?" if state == "closed" else "should it be rated blue yet?"


def _indicators_short(q: QuestionData) -> str:
    state, ask = _claims(q)
    if not q.action.indicators:
        return f"{q.action.id} is {state} with no linked risk indicator: what shows the risk it addresses is reducing?"
    gaps = "; ".join(indicator_gaps(q.result)) if q.result else "see the chart"
    return (f"{q.action.id} is {state} but its risk indicators do not yet show sustained improvement ({gaps}): "
            f"{ask}")


def _governance_short(q: QuestionData) -> str:
    state, _ = _claims(q)
    reviews = q.result.governance_reviews if q.result else []
    cycles = {review_cycle(dt.date.fromisoformat(d), q.action.opened, q.plan.review_every_days) for d in reviews}
    needed = CYCLES_NEEDED[q.action.risk]
    if len(cycles) < needed:
        return (f"{q.action.id} is {state} after governance review in {len(cycles)} of the {needed} review cycles "
                f"its {q.action.risk} risk needs: who tested the closure?")
    return f"{q.action.id} is {state} without governance challenge recorded: who tested the closure?"


def _tick_box(q: QuestionData) -> str:
    m = re.search(r'\("([^"]+)"\)', q.finding.message)
    phrase = f" (“{m.group(1)}”)" if m else ""
    return (f"{q.action.id} is a tick-box action{phrase}: what practice change does it support, "
            "and how is that change tested?")


def _hidden(q: QuestionData) -> str:
    # one question per action or plan however many of its fields hold them: the view drops repeated questions
    subject = q.action.id if q.action else q.plan.id
    return (f"{subject} has text with hidden characters that can make it read differently on screen: has it been "
            "checked against what was agreed, and who will correct it?")


def _board(q: QuestionData) -> str:
    return f"{q.plan.id} ({q.plan.risk} risk) has had no board report in 90 days: when will the Board see it?"


def generic(q: QuestionData) -> str:
    """The question for a rule with no entry in QUESTIONS: its finding's message, asked back."""
    subject = q.action.id if q.action else q.plan.id
    text = q.finding.message
    if text.startswith(subject):
        text = text[len(subject):].lstrip(" :")
    return f"{subject}: {text.rstrip('.')}. What is being done about it, and by when?"


QUESTIONS: dict[str, Callable[[QuestionData], str | None]] = {
    "SG101": lambda q: f"{q.action.id} requires no evidence: how will the Committee know it worked?",
    "SG102": _tick_box,
    "SG105": _hidden,
    "SG201": _owner,
    "SG202": lambda q: f"{q.action.id} has no due date: by when will it be delivered, and who agreed that?",
    "SG301": _missing,
    "SG302": _insufficient,
    "SG303": _stale,
    "SG304": lambda q: (f"Evidence {q.finding.evidence} for {q.action.id if q.action else q.plan.id} cannot be read: "
                        "can a readable copy be provided before the meeting?"),
    "SG305": lambda q: f"{q.action.id} names evidence that does not exist: where is it?",
    "SG308": lambda q: (f"Evidence {q.finding.evidence} for {q.action.id if q.action else q.plan.id} has no date: "
                        "when was it produced, and is it current?"),
    "SG309": lambda q: (f"Evidence {q.finding.evidence} for {q.action.id if q.action else q.plan.id} is not a record "
                        "(an agenda or a blank form): where is the record of what was done?"),
    "SG401": _unexplained,
    "SG402": _declared_vs_evidence,
    "SG403": _overdue,
    "SG404": _review_overdue,
    "SG405": _board,
    "SG406": lambda q: (f"Minutes review {q.action.id} but none records challenge: what did the Committee test, "
                        "and what assurance did it ask for?"),
    "SG501": _indicators_short,
    "SG502": lambda q: (f"{q.action.id} is {_claims(q)[0]} but audits do not yet confirm practice change: "
                        f"{_claims(q)[1]}"),
    "SG503": lambda q: (f"{q.action.id} is {_claims(q)[0]} but staff evidence falls short of the closure test: "
                        "what shows staff practise it consistently?"),
    "SG504": _governance_short,
    "SG505": lambda q: (f"{q.action.id} is a high-risk action {_claims(q)[0]} after a short oversight period: "
                        "what shows the change will last?"),
}

# Rules about one action that a finding on a whole plan does not make a question of.
ACTION_ONLY = frozenset({"SG101", "SG202", "SG301", "SG302", "SG303", "SG401", "SG402", "SG403", "SG404"})


def question(code: str, data: QuestionData) -> str | None:
    """The question (one per line) a finding of rule `code` asks."""
    return QUESTIONS.get(code, generic)(data)
