"""Closure: SG501–SG504 (the closure test on a closed or blue action) and SG505 (oversight length)."""
from __future__ import annotations

import pytest

from .kit import D, change, clean_items, clean_plan, closure, ctx_for, findings, make_result

PARTS = {"SG501": "indicators", "SG502": "audit", "SG503": "staff", "SG504": "governance"}


def run(plan, code, results=None, **kw):
    return findings(ctx_for(plan, clean_items(), results=results, **kw), code)


def _failing(plan, part, reason="Latest audit score 78% is below the 90% target."):
    action = next(a for a in plan.actions if a.id == "OV-01")
    return {"OV-01": make_result(action, assessed_rag="amber", closure=closure(**{part: "fail", f"{part}_reason": reason}))}


# a long-open action, so SG505 stays quiet in these cases
def _closed_plan(**update):
    update.setdefault("status", "closed")
    return change(clean_plan(), "OV-01", opened=D(2025, 9, 1), lines={"status": 41, "rag": 42, "closed": 43},
                  **update)


@pytest.mark.parametrize("code", sorted(PARTS))
def test_closure_rules_fire_for_a_closed_action_failing_their_part(code):
    plan = _closed_plan()
    (f,) = run(plan, code, results=_failing(plan, PARTS[code]))
    assert (f.action, f.severity, f.line) == ("OV-01", "error", 41)
    assert f.message.startswith("OV-01 is closed but ")
    assert f.message.endswith(": Latest audit score 78% is below the 90% target")


@pytest.mark.parametrize("code", sorted(PARTS))
def test_closure_rules_fire_for_a_declared_blue_action(code):
    plan = _closed_plan(status="in_progress", rag="blue", narrative="Closed at QSC.")
    (f,) = run(plan, code, results=_failing(plan, PARTS[code]))
    assert f.line == 42 and f.message.startswith("OV-01 is declared blue but ")


@pytest.mark.parametrize("code", sorted(PARTS))
def test_closure_rules_do_not_fire_for_open_actions_or_passing_parts(code):
    open_plan = _closed_plan(status="in_progress", rag="amber", narrative="x")
    assert run(open_plan, code, results=_failing(open_plan, PARTS[code])) == []
    completed = _closed_plan(status="completed")           # completed is not closed
    assert run(completed, code, results=_failing(completed, PARTS[code])) == []
    closed = _closed_plan()
    other = next(p for p in PARTS.values() if p != PARTS[code])
    assert run(closed, code, results=_failing(closed, other)) == []
    na = {"OV-01": make_result(closed.actions[2], closure=closure(**{PARTS[code]: "n/a"}))}
    assert run(closed, code, results=na) == []


# SG505 ---------------------------------------------------------------------------------------------

def test_sg505_fires_for_a_high_risk_action_closed_too_soon():
    plan = change(clean_plan(), "OV-01", status="closed", opened=D(2026, 2, 20), closed=D(2026, 4, 1),
                  lines={"closed": 43, "status": 41})
    (f,) = run(plan, "SG505")
    assert (f.line, f.severity) == (43, "error")
    assert f.message == ("OV-01 is a high-risk action closed after 40 days of oversight; at least 84 are needed "
                         "(3 × 28-day review cycle)")


def test_sg505_uses_as_of_when_no_closed_date_is_given():
    plan = change(clean_plan(), "OV-01", rag="blue", narrative="x", opened=D(2026, 4, 1))
    (f,) = run(plan, "SG505")
    assert "declared blue after 61 days" in f.message


@pytest.mark.parametrize("update", [
    {"status": "closed", "opened": D(2026, 2, 20), "closed": D(2026, 5, 15)},        # 84 days: enough
    {"status": "closed", "opened": D(2026, 4, 1), "closed": D(2026, 4, 20), "risk": "medium"},
    {"status": "in_progress", "opened": D(2026, 5, 1)},
])
def test_sg505_does_not_fire(update):
    assert run(change(clean_plan(), "OV-01", **update), "SG505") == []


# The assessed RAG names the closure rules: they are the same codes ------------------------------------

def test_the_assessed_rag_names_the_rule_that_reports_each_part():
    from compiler.assess.rag import CLOSURE_RULES

    assert CLOSURE_RULES == {part: code for code, part in PARTS.items()}


def test_a_closed_blue_action_failing_the_closure_test_is_assessed_on_its_evidence_and_reported():
    """Every requirement met, the closure test failing: assessed green, not amber; declared blue is SG402 (blue is
    better than green), and each failing part is its SG50x."""
    from compiler.pipeline import assess

    from .kit import AS_OF, make_action, make_catalogue, make_plan

    action = make_action(status="closed", rag="blue", narrative="Closed at QSC.", opened=D(2026, 1, 5),
                         due=D(2026, 3, 31), closed=D(2026, 5, 20))
    a = assess([make_plan([action])], make_catalogue([]), AS_OF)
    result = a.action(action.id)
    assert result.assessed_rag == "green" and not result.overdue
    assert result.rag_reasons == ["no requirement unmet, on time, no indicator concern",
                                  "closed; the closure test does not pass yet (indicators, audit, staff, governance): "
                                  "see SG501, SG502, SG503, SG504"]
    codes = sorted(f.rule for f in a.findings if f.action == action.id and f.rule.startswith(("SG4", "SG5")))
    assert codes == ["SG402", "SG501", "SG502", "SG503", "SG504"]
    (sg402,) = [f for f in a.findings if f.rule == "SG402"]
    assert sg402.message.startswith("RP-01 declared blue but assessed green: no requirement unmet")
    (sg501,) = [f for f in a.findings if f.rule == "SG501"]
    assert sg501.message.startswith("RP-01 is closed but its risk indicators fall short of the closure test: "
                                    "No risk indicator is linked")
