"""Assessed RAG (docs/judgement.md): every outcome and its reasons in words."""
from __future__ import annotations

from datetime import date as D

from builders import AS_OF, make_action

from compiler.assess.rag import assessed_rag, indicator_concern
from compiler.model.assessment import Closure, ClosureCheck, IndicatorResult, RequirementResult
from compiler.model.spc import SpcPoint, SpcResult


def check(result="pass"):
    return ClosureCheck(result=result, reason="because")


READY = Closure(indicators=check("n/a"), audit=check(), staff=check(), governance=check())
NOT_READY = Closure(indicators=check(), audit=check("fail"), staff=check(), governance=check("fail"))


def req(type="audit", count=8, found=8, current=8, status="met"):
    return RequirementResult(type=type, count=count, found=found, current=current, met=status == "met",
                             status=status)


def indicator(*types, baseline_types=("baseline",) * 6):
    points = [SpcPoint(period=D(2025, 8 + n, 1) if n < 5 else D(2026, 1, 1), label=f"b{n}", value=10,
                       baseline=True, point_type=t) for n, t in enumerate(baseline_types)]
    points += [SpcPoint(period=D(2026, 3 + n, 1), label=f"2026-{3 + n:02d}", value=10, baseline=False,
                        point_type=t) for n, t in enumerate(types)]
    return IndicatorResult(id="restrictive_interventions", title="RI", data="indicators/ri.csv",
                           spc=SpcResult(better="lower", points=points))


def test_blue_when_completed_and_closure_ready():
    rag, reasons = assessed_rag(make_action(status="completed"), [req()], [], READY, AS_OF)
    assert rag == "blue"
    assert reasons == ["completed and the closure test passes"]


def test_blue_even_when_a_window_requirement_has_gone_stale():
    action = make_action(status="closed", closed=D(2026, 3, 1))
    rag, _ = assessed_rag(action, [req(current=2, status="stale")], [], READY, AS_OF)
    assert rag == "blue"


def test_closed_with_every_requirement_met_but_the_closure_test_failing_is_green_with_a_note():
    rag, reasons = assessed_rag(make_action(status="closed"), [req()], [], NOT_READY, AS_OF)
    assert rag == "green"
    assert reasons == ["every requirement met with current evidence, on time, no indicator concern",
                       "closed; the closure test does not pass yet (audit, governance): see SG502, SG504"]


def test_completed_and_not_declared_blue_names_no_finding():
    rag, reasons = assessed_rag(make_action(status="completed", rag="green"), [req()], [], NOT_READY, AS_OF)
    assert rag == "green"
    assert reasons[-1] == "completed; the closure test does not pass yet (audit, governance)"


def test_a_completed_action_is_never_overdue():
    action = make_action(status="completed", due=D(2026, 3, 31))
    rag, reasons = assessed_rag(action, [req()], [], NOT_READY, AS_OF)
    assert rag == "green"
    assert not any("overdue" in r for r in reasons)


def test_completed_with_a_requirement_unmet_is_amber_for_the_requirement_not_the_closure_test():
    action = make_action(status="completed", rag="blue")
    rag, reasons = assessed_rag(action, [req(found=5, current=4, status="insufficient")], [], NOT_READY, AS_OF)
    assert rag == "amber"
    assert reasons == ["requirement audit ×8: 5 found, 4 current",
                       "completed; the closure test does not pass yet (audit, governance): see SG502, SG504"]


def test_declared_blue_while_open_says_why_it_is_not_blue():
    _, reasons = assessed_rag(make_action(rag="blue", due=D(2026, 9, 30)), [req()], [], READY, AS_OF)
    assert reasons[-1] == "declared blue while in progress: blue needs the action completed or closed"
    _, reasons = assessed_rag(make_action(rag="blue", due=D(2026, 9, 30)), [req()], [], NOT_READY, AS_OF)
    assert reasons[-1] == ("declared blue while in progress; the closure test does not pass yet (audit, governance): "
                           "see SG502, SG504")


def test_red_when_overdue_and_a_requirement_unmet():
    action = make_action(due=D(2026, 5, 31))
    rag, reasons = assessed_rag(action, [req(found=5, current=4, status="insufficient")], [], NOT_READY, AS_OF)
    assert rag == "red"
    assert reasons == ["overdue since 2026-05-31", "requirement audit ×8: 5 found, 4 current"]


def test_red_on_recent_indicator_concern_even_when_on_time_and_met():
    ind = indicator("common_cause", "common_cause", "special_cause_concern")
    rag, reasons = assessed_rag(make_action(due=D(2026, 9, 30)), [req()], [ind], READY, AS_OF)
    assert rag == "red"
    assert reasons == ["every requirement met with current evidence, but indicator restrictive_interventions shows "
                       "special-cause concern (2026-05)"]


def test_concern_red_beats_blue():
    ind = indicator("special_cause_concern")
    rag, _ = assessed_rag(make_action(status="completed"), [req()], [ind], NOT_READY, AS_OF)
    assert rag == "red"


def test_old_concern_and_baseline_concern_are_not_red():
    ind = indicator("special_cause_concern", "common_cause", "special_cause_improvement",
                    "special_cause_improvement",
                    baseline_types=("special_cause_concern",) + ("baseline",) * 5)
    assert indicator_concern(ind) == []
    rag, _ = assessed_rag(make_action(due=D(2026, 9, 30)), [req()], [ind], READY, AS_OF)
    assert rag == "green"


def test_indicator_without_analysis_is_not_a_concern():
    ind = IndicatorResult(id="x", title="x", data="x.csv", problem="missing")
    assert indicator_concern(ind) == []


def test_amber_when_a_requirement_is_stale_but_not_overdue():
    rag, reasons = assessed_rag(make_action(due=D(2026, 9, 30)),
                                [req(), req("supervision", count=1, found=1, current=0, status="stale")],
                                [], NOT_READY, AS_OF)
    assert rag == "amber"
    assert reasons == ["requirement supervision ×1: 1 found, 0 current"]


def test_amber_when_overdue_with_everything_met():
    rag, reasons = assessed_rag(make_action(due=D(2026, 5, 1)), [req()], [], NOT_READY, AS_OF)
    assert rag == "amber"
    assert reasons == ["every requirement met with current evidence, but overdue since 2026-05-01"]


def test_due_on_as_of_is_not_overdue():
    rag, _ = assessed_rag(make_action(due=AS_OF), [req()], [], NOT_READY, AS_OF)
    assert rag == "green"


def test_green_when_every_requirement_met_on_time():
    rag, reasons = assessed_rag(make_action(due=D(2026, 9, 30)), [req()], [], NOT_READY, AS_OF)
    assert rag == "green"
    assert reasons == ["every requirement met with current evidence, on time, no indicator concern"]


def test_within_days_shows_in_the_reason():
    r = RequirementResult(type="audit", count=8, within_days=90, found=5, current=4, status="insufficient")
    _, reasons = assessed_rag(make_action(due=D(2026, 9, 30)), [r], [], NOT_READY, AS_OF)
    assert reasons == ["requirement audit ×8 within 90 days: 5 found, 4 current"]
