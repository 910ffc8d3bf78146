"""Every sentence that states a verdict agrees with it.

The closure checks, the indicator readings, the assessed RAG and its reasons, the Board's line of sight
and the governance questions are collected from the bundled example and from variants of it made here
(every action completed, closed and declared blue; indicators falling, rising, flat, recovering, missing
their target, too short for a control chart; no owner; no indicator; overdue; a review rated without a
narrative). Each sentence is checked against the result it explains, with the table of verdict words
below: a sentence for a check that passes never says it fails, one for a check that fails never says
only that it passes, an indicator that improved is never "not improved", a green RAG's reasons name
nothing unmet, and a question never asks about an owner, a due date or an indicator the action lacks.
The RAG itself is checked against the contract docs/judgement.md states.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from compiler import pipeline
from compiler.model.assessment import ActionResult, Assessment
from compiler.model.evidence import Catalogue
from compiler.model.plan import RAG_ORDER, Action, Plan
from compiler.packs.assemble import assemble
from compiler.packs.profiles import load_profile
from compiler.plans import load_plans
from compiler.rules.owned import owner_problem
from compiler.views.board import board_view
from compiler.views.common import Options
from compiler.views.governance import governance_view

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
AS_OF = dt.date(2026, 11, 20)
PARTS = ("indicators", "audit", "staff", "governance")
CLOSURE_RULES = {"indicators": "SG501", "audit": "SG502", "staff": "SG503", "governance": "SG504"}

# ------------------------------------------------------------------------------ the verdict words

# A sentence explaining a check that passes (or a RAG of green or blue) never holds one of these.
SAYS_IT_FAILS = (r"\bnot\b", r"\bfails?\b", r"\bfailed\b", r"\bunmet\b", r"\bcannot\b", r"\bmissing\b",
                 r"\bno improvement\b", r"\binsufficient\b", r"\bbelow the \S+ target\b")
# A sentence explaining a check that fails holds at least one of these (it says what fell short).
SAYS_WHAT_FAILED = (r"\bnot\b", r"\bno\b", r"\bnone\b", r"\bonly\b", r"\bfails?\b", r"\bcannot\b",
                    r"\bmissing\b", r"\bbelow\b", r"\bconcern\b", r"\bneeds?\b", r"\bneeded\b", r"\bbut\b",
                    r"\bfewer\b", r"\bshort\b")
# An indicator with a special-cause improvement after the action opened is never said to have none;
# one without is never said to have improved. {id} is the indicator's id.
SAYS_NOT_IMPROVED = (r"{id} has not improved", r"{id} shows no (special-cause )?improvement",
                     r"\bno (risk )?indicator improvement\b")
SAYS_IMPROVED = (r"{id} (improved|has improved|shows sustained improvement)",)
# The RAG reasons: what each colour's reasons may never hold, and what amber and red must name.
RAG_NEVER = {
    "blue": (r"\bunmet\b", r"\boverdue\b", r"special-cause concern", r"\d+ found, \d+ current",
             r"does not pass", r"\bfails\b"),
    "green": (r"\bunmet\b", r"\boverdue\b", r"special-cause concern", r"\d+ found, \d+ current", r"at best amber"),
    "amber": (r"special-cause concern",),
    "red": (),
}
RAG_NAMES_A_CAUSE = {
    "amber": (r"^requirement .*: \d+ found, \d+ current$", r"\boverdue since "),
}
# What a governance question takes for granted, and the fact that must hold for it to ask so.
QuestionFact = Callable[[Action, ActionResult], bool]
QUESTION_ASSUMES: tuple[tuple[str, str, QuestionFact], ...] = (
    (r"\bthe owner\b|\bowner know", "a named owner", lambda a, r: owner_problem(a.owner) is None),
    (r"\bis closed\b", "the status closed", lambda a, r: a.status == "closed"),
    (r"\bis declared blue\b", "a declared blue", lambda a, r: a.rag == "blue"),
    (r"\bwas due\b", "a due date", lambda a, r: a.due is not None),
    (r"\bhas no linked risk indicator\b|\bno (risk )?indicator (is )?linked\b", "no linked indicator",
     lambda a, r: not a.indicators),
    (r"risk indicators? (have|has) not improved", "no indicator that improved",
     lambda a, r: bool(a.indicators) and not any(i.spc and i.spc.improvement for i in r.indicators)),
    (r"without staff evidence", "no staff evidence", lambda a, r: not r.closure.staff.evidence),
    (r"without governance challenge", "no challenge recorded",
     lambda a, r: "challenge recorded" not in r.closure.governance.reason),
    (r"^\S+ has a RAG rating with no narrative", "a rating on the action with no narrative",
     lambda a, r: bool(a.rag) and not (a.narrative or "").strip()),
    (r"'s review of \S+ has a RAG rating with no narrative", "a review rated with no narrative",
     lambda a, r: any(v.rag and not (v.narrative or "").strip() for v in a.reviews)),
    (r"has not been reviewed since it opened", "no review", lambda a, r: not r.governance_reviews),
)
# The Board's "sustained?" column: words that say a thing is absent, and the fact that says it is there.
BOARD_ABSENT: tuple[tuple[str, Callable[[ActionResult], bool]], ...] = (
    (r"\bno (risk )?indicator (linked|improvement)\b", lambda r: bool(r.indicators) and any(
        i.spc and i.spc.improvement for i in r.indicators)),
    (r"\bno (risk )?indicator linked\b", lambda r: bool(r.indicators)),
    (r"\bno audits\b", lambda r: bool(r.closure.audit.evidence)),
    (r"\bno staff\b", lambda r: bool(r.closure.staff.evidence)),
    (r"\bno governance review\b", lambda r: bool(r.governance_reviews)),
)


def _any(patterns: tuple[str, ...], text: str, **fill: str) -> list[str]:
    return [p for p in patterns if re.search(p.format(**{k: re.escape(v) for k, v in fill.items()}), text,
                                              re.IGNORECASE)]


# ------------------------------------------------------------------------------ the variants

@dataclass(frozen=True)
class Case:
    name: str
    plans: list[Plan]
    catalogue: Catalogue


def _actions(plans: list[Plan], change: Callable[[Action], dict]) -> list[Plan]:
    return [p.model_copy(update={"actions": [a.model_copy(update=change(a)) for a in p.actions]}) for p in plans]


def _indicators(plans: list[Plan], change: Callable[[object], dict]) -> list[Plan]:
    return [p.model_copy(update={"indicators": [i.model_copy(update=change(i)) for i in p.indicators]})
            for p in plans]


def _series(catalogue: Catalogue, value: Callable[[int, int, float], float | None]) -> Catalogue:
    """Each indicator table's points replaced: value(index, count, old value); None drops the point."""
    items = []
    for item in catalogue.items:
        if item.series:
            n = len(item.series)
            points = [p.model_copy(update={"value": v}) for i, p in enumerate(item.series)
                      if (v := value(i, n, p.value)) is not None]
            item = item.model_copy(update={"series": points})
        items.append(item)
    return Catalogue(root=catalogue.root, items=items, problems=list(catalogue.problems))


SERIES: dict[str, Callable[[int, int, float], float | None]] = {
    "falling": lambda i, n, v: 100.0 - 3 * i,
    "rising": lambda i, n, v: 10.0 + 3 * i,
    "flat": lambda i, n, v: 50.0,
    "recovering": lambda i, n, v: 50.0 if i < n - 9 else 20.0,     # a step to a lower level
    "worsening": lambda i, n, v: 50.0 if i < n - 9 else 80.0,
    "short": lambda i, n, v: v if i >= n - 8 else None,             # too few baseline months: the fallback
    "too-short": lambda i, n, v: v if i >= n - 2 else None,         # too few points to analyse
}
STATUS: dict[str, Callable[[Action], dict]] = {
    "completed": lambda a: {"status": "completed"},
    "closed-blue": lambda a: {"status": "closed", "closed": AS_OF, "rag": "blue"},
    "declared-blue": lambda a: {"rag": "blue"},
}


def _cases(plans: list[Plan], catalogue: Catalogue) -> Iterator[Case]:
    yield Case("example", plans, catalogue)
    for status, change in STATUS.items():
        yield Case(status, _actions(plans, change), catalogue)
        for shape, value in SERIES.items():
            yield Case(f"{status}, indicators {shape}", _actions(plans, change), _series(catalogue, value))
    for shape, value in SERIES.items():
        yield Case(f"indicators {shape}", plans, _series(catalogue, value))
    unreachable = _indicators(plans, lambda i: {"target": -1.0 if i.better == "lower" else 1e6})
    yield Case("target never met", unreachable, catalogue)
    yield Case("completed, target never met", _actions(unreachable, STATUS["completed"]), catalogue)
    yield Case("no targets", _indicators(plans, lambda i: {"target": None}), catalogue)
    yield Case("no owner", _actions(plans, lambda a: {"owner": None}), catalogue)
    yield Case("no indicator", _actions(plans, lambda a: {"indicators": []}), catalogue)
    yield Case("closed, no indicator", _actions(plans, lambda a: {"indicators": [], **STATUS["closed-blue"](a)}),
               catalogue)
    yield Case("overdue", _actions(plans, lambda a: {"due": dt.date(2026, 9, 30)}), catalogue)
    yield Case("overdue, no owner", _actions(plans, lambda a: {"due": dt.date(2026, 9, 30), "owner": None,
                                                               "rag": "amber"}), catalogue)
    yield Case("declared red", _actions(plans, lambda a: {"rag": "red", "owner": None}), catalogue)
    yield Case("reviews rated without a narrative",
               _actions(plans, lambda a: {"reviews": [r.model_copy(update={"narrative": None, "rag": "green"})
                                                      for r in a.reviews]}), catalogue)


@pytest.fixture(scope="module")
def assessed() -> list[tuple[Case, Assessment]]:
    plans = load_plans([PLANS])
    catalogue = pipeline.load_catalogue(EVIDENCE, plans, as_of=AS_OF)
    return [(case, pipeline.assess(case.plans, case.catalogue, AS_OF)) for case in _cases(plans, catalogue)]


def _each_action(assessed) -> Iterator[tuple[str, Action, ActionResult, Assessment]]:
    for case, a in assessed:
        for plan in a.plans:
            for action in plan.actions:
                yield f"{case.name}: {action.id}", action, a.action(action.id), a


def _problems(found: list[str]) -> None:
    assert not found, f"{len(found)} sentences disagree with their verdict:\n" + "\n".join(found[:40])


# ------------------------------------------------------------------------------ the checks

def test_the_variants_cover_what_they_are_for(assessed) -> None:
    results = [r for _, _, r, _ in _each_action(assessed)]
    assert {r.assessed_rag for r in results} == {"blue", "green", "amber", "red"}
    spcs = [i.spc for r in results for i in r.indicators if i.spc]
    assert any(s.improvement and not s.passed for s in spcs) and any(s.passed for s in spcs)
    assert any(not s.improvement for s in spcs) and any(s.fallback for s in spcs)
    assert any(s.concern for s in spcs) and any(s.meets_target is False for s in spcs)
    assert any(i.problem for r in results for i in r.indicators)
    finished = [r for r in results if r.status in ("completed", "closed") and not r.closure.ready]
    assert {r.assessed_rag for r in finished} >= {"green", "amber", "red"}


def test_the_assessed_rag_follows_the_contract(assessed) -> None:
    wrong = []
    for where, action, r, a in _each_action(assessed):
        concern = any(p.point_type == "special_cause_concern"
                      for i in r.indicators if i.spc for p in [q for q in i.spc.points if not q.baseline][-3:])
        unmet = any(not q.met for q in r.requirements)
        if action.status in ("completed", "closed") and r.closure.ready:
            expected = "blue"
        elif concern or (r.overdue and unmet):
            expected = "red"
        elif unmet or r.overdue:
            expected = "amber"
        else:
            expected = "green"
        if r.assessed_rag != expected:
            wrong.append(f"{where}: assessed {r.assessed_rag}, the contract says {expected} ({r.rag_reasons})")
    _problems(wrong)


def test_findings_follow_the_verdict(assessed) -> None:
    """SG402 exactly when the declared RAG is better than the assessed; SG501-SG504 for each failing part
    of an action closed or declared blue."""
    wrong = []
    for where, action, r, a in _each_action(assessed):
        rules = {f.rule for f in a.findings if f.action == action.id}
        overstated = action.rag is not None and RAG_ORDER[action.rag] > RAG_ORDER[r.assessed_rag]
        if overstated != ("SG402" in rules):
            wrong.append(f"{where}: declared {action.rag}, assessed {r.assessed_rag}, SG402 {'SG402' in rules}")
        claims = action.status == "closed" or action.rag == "blue"
        for part, code in CLOSURE_RULES.items():
            fails = getattr(r.closure, part).result == "fail"
            if (claims and fails) != (code in rules):
                wrong.append(f"{where}: {part} {getattr(r.closure, part).result}, {code} {code in rules}")
    _problems(wrong)


def test_closure_checks_say_what_their_result_is(assessed) -> None:
    wrong = []
    for where, action, r, _ in _each_action(assessed):
        for part in PARTS:
            check = getattr(r.closure, part)
            if check.result == "pass" and (said := _any(SAYS_IT_FAILS, check.reason)):
                wrong.append(f"{where} {part} passes but says {said}: {check.reason}")
            if check.result == "fail" and not _any(SAYS_WHAT_FAILED, check.reason):
                wrong.append(f"{where} {part} fails but says nothing failed: {check.reason}")
            if check.result == "n/a" and "does not apply" not in check.reason:
                wrong.append(f"{where} {part} is n/a but does not say so: {check.reason}")
    _problems(wrong)


def _indicator_contradictions(where: str, r: ActionResult, text: str) -> list[str]:
    out = []
    for ind in r.indicators:
        if ind.spc is None:
            continue
        for name in (ind.id, ind.title):      # the Board calls an indicator by its title
            if ind.spc.improvement and (said := _any(SAYS_NOT_IMPROVED, text, id=name)):
                out.append(f"{where}: {name} improved but the words say {said}: {text}")
            if not ind.spc.improvement and not ind.spc.passed and (said := _any(SAYS_IMPROVED, text, id=name)):
                out.append(f"{where}: {name} did not improve but the words say {said}: {text}")
    return out


def test_indicator_words_never_contradict_the_reading(assessed) -> None:
    wrong = []
    for where, _, r, _ in _each_action(assessed):
        texts = [r.closure.indicators.reason] + [i.spc.explanation for i in r.indicators if i.spc]
        for text in texts:
            wrong += _indicator_contradictions(where, r, text)
    _problems(wrong)


def test_rag_reasons_never_contradict_the_rag(assessed) -> None:
    wrong = []
    for where, action, r, _ in _each_action(assessed):
        reasons = r.rag_reasons
        if not reasons:
            wrong.append(f"{where}: assessed {r.assessed_rag} with no reason")
        for text in reasons:
            if said := _any(RAG_NEVER[r.assessed_rag], text):
                wrong.append(f"{where}: assessed {r.assessed_rag} but a reason says {said}: {text}")
            wrong += _indicator_contradictions(where, r, text)
        causes = RAG_NAMES_A_CAUSE.get(r.assessed_rag)
        if causes and not any(_any(causes, text) for text in reasons):
            wrong.append(f"{where}: assessed {r.assessed_rag} but no reason names its cause: {reasons}")
        if r.assessed_rag == "red" and not any("concern" in t for t in reasons):
            if not (any("overdue since" in t for t in reasons) and any(t.startswith("requirement") for t in reasons)):
                wrong.append(f"{where}: red without a concern, or overdue with a requirement unmet: {reasons}")
        finished = action.status in ("completed", "closed")
        if finished and not r.closure.ready and not any("closure test" in t for t in reasons):
            wrong.append(f"{where}: {action.status}, the closure test fails, and the reasons do not say so: {reasons}")
    _problems(wrong)


EVERY_RISK = frozenset({"low", "medium", "high"})      # every plan in full in the Board's view, so every variant is seen


def _packs(a: Assessment, name: str):
    profile = load_profile(name)
    if name == "board":     # every plan, not only the high-risk ones, so every variant is seen
        profile = profile.model_copy(update={"only_risk": None})
    return assemble(a, profile)


def test_the_board_line_of_sight_fits_the_facts(assessed) -> None:
    wrong = []
    for case, a in assessed:
        view = board_view(_packs(a, "board"), Options(), in_full=EVERY_RISK)
        for plan in view.plans:
            for row in plan.sight:
                r = a.action(row.action)
                where = f"{case.name}: {row.action}"
                if row.sustained_ok != r.closure.ready:
                    wrong.append(f"{where}: sustained {row.sustained_ok} but ready {r.closure.ready}")
                if r.closure.ready and not row.sustained.startswith("Yes"):
                    wrong.append(f"{where}: ready to close but: {row.sustained}")
                if not r.closure.ready and not row.sustained.startswith("Not yet"):
                    wrong.append(f"{where}: not ready to close but: {row.sustained}")
                for pattern, there in BOARD_ABSENT:
                    if re.search(pattern, row.sustained, re.IGNORECASE) and there(r):
                        wrong.append(f"{where}: says {pattern!r} but it is there: {row.sustained}")
                wrong += _indicator_contradictions(where, r, row.sustained)
                wrong += _indicator_contradictions(where, r, row.impact)
            for trend in plan.trends:
                for row in plan.sight:
                    wrong += _indicator_contradictions(f"{case.name}: trend", a.action(row.action), trend.explanation)
    _problems(wrong)


def test_governance_questions_fit_the_facts(assessed) -> None:
    wrong = []
    for case, a in assessed:
        actions = {act.id: act for p in a.plans for act in p.actions}
        view = governance_view(_packs(a, "governance"), Options())
        for q in view.questions:
            action = actions.get(q.subject)
            if action is None:
                continue
            r = a.action(action.id)
            for pattern, fact, holds in QUESTION_ASSUMES:
                if re.search(pattern, q.text, re.IGNORECASE) and not holds(action, r):
                    wrong.append(f"{case.name}: {q.rule} asks about {fact}, which {action.id} lacks: {q.text}")
            wrong += _indicator_contradictions(f"{case.name}: {q.rule}", r, q.text)
        for c in view.closures:
            if c.ready != c.verdict.startswith(("Closure confirmed", "Can be closed")):
                wrong.append(f"{case.name}: {c.id} ready {c.ready} but: {c.verdict}")
    _problems(wrong)


# ------------------------------------------------------------------------------ the words themselves

def _case(assessed, name: str) -> Assessment:
    return next(a for case, a in assessed if case.name == name)


def _questions(a: Assessment) -> dict[tuple[str, str], str]:
    return {(q.subject, q.rule): q.text for q in governance_view(_packs(a, "governance"), Options()).questions}


def _sight(a: Assessment) -> dict[str, tuple[str, str]]:
    return {row.action: (row.impact, row.sustained)
            for plan in board_view(_packs(a, "board"), Options(), in_full=EVERY_RISK).plans for row in plan.sight}


def test_the_example_says_what_held_then_what_failed(assessed) -> None:
    a = _case(assessed, "example")
    assert a.action("RQ-01").closure.indicators.reason == (
        "escalation_24h: improved (beyond a limit: 3 months above the upper process limit of 87.5, the first 2026-08 "
        "at 88) and the last 3 months (88, 91, 93) are above the baseline mean of 79.5, but they do not all meet the "
        "target of 95.")
    assert a.action("RQ-04").rag_reasons == ["every requirement met with current evidence, but overdue since 2026-10-31"]
    sight = _sight(a)
    assert sight["RQ-01"] == (
        "2 of 2 evidence requirements met. Incidents escalated to a manager within 24 hours (%) improved after the "
        "action opened, but the last 3 months do not all meet the target of 95.",
        "Not yet: audits confirming practice change, governance review and challenge shown; indicator improved, not "
        "yet to its target; not enough staff supervision or competency evidence yet")
    assert sight["RP-01"][1] == ("Not yet: governance review and challenge shown; no indicator linked; audits do not "
                                 "yet confirm practice change; not enough staff supervision or competency evidence yet")
    assert sight["RP-03"][1] == "Yes: the closure test passes"
    assert _questions(a)[("RH-04", "declared")] == ("RH-04 is declared amber but the evidence supports green: who owns "
                                                    "it, and what do they know that the evidence does not show?")


def test_questions_on_closed_and_blue_actions_fit_what_they_claim(assessed) -> None:
    q = _questions(_case(assessed, "closed-blue"))
    assert q[("RP-01", "SG501")] == ("RP-01 is closed with no linked risk indicator: what shows the risk it addresses "
                                     "is reducing?")
    assert q[("RQ-01", "SG501")] == ("RQ-01 is closed but its risk indicators do not yet show sustained improvement "
                                     "(indicator improved, not yet to its target): should it be reopened?")
    assert q[("RP-05", "SG402")] == (
        "RP-05 is declared blue but the closure test does not pass yet (audits do not yet confirm practice change; "
        "not enough staff supervision or competency evidence yet): what shows the change is sustained?")
    q = _questions(_case(assessed, "declared-blue"))
    assert q[("RP-01", "SG502")] == ("RP-01 is declared blue but audits do not yet confirm practice change: should it "
                                     "be rated blue yet?")
    assert q[("RH-03", "SG402")] == "RH-03 is declared blue but is still in progress: when will it be closed?"


def test_questions_never_ask_after_an_owner_or_a_rating_that_is_not_there(assessed) -> None:
    q = _questions(_case(assessed, "no owner"))
    assert q[("RP-01", "SG201")] == "RP-01 has no owner: who owns it, and will they be named in the plan?"
    a = _case(assessed, "reviews rated without a narrative")
    texts = [q.text for q in governance_view(_packs(a, "governance"), Options()).questions if q.rule == "SG401"]
    assert "RP-01's review of 2026-03-12 has a RAG rating with no narrative: what was it based on?" in texts
    q = _questions(_case(assessed, "overdue"))
    assert q[("RP-04", "SG402")] == ("RP-04 is declared amber but assessed red (overdue since 2026-09-30; requirement "
                                     "audit ×3 within 60 days: 4 found, 0 current): what evidence supports amber?")
