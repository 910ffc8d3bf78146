"""Assessing one action end to end, and the indicator series that feed criterion 1."""
from __future__ import annotations

from datetime import date as D

import pytest
from builders import (AS_OF, PLAN_ID, make_action, make_catalogue, make_indicator, make_item, make_link,
                      make_plan, make_requirement, make_review, make_scores, make_series)

from compiler.assess.action import assess_action
from compiler.assess.indicators import analyse_indicators, indicator_series

RI_PATH = "indicators/oakview-restrictive-interventions.csv"


def months(start_year, start_month, values, **kw):
    pts = []
    y, m = start_year, start_month
    for v in values:
        pts.append((D(y, m, 1), v))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return make_series(*pts, **kw)


# 12 baseline months (Feb 2025 - Jan 2026; Feb 2026 starts before RP-01 opened on 2026-02-20),
# then a fall well below the lower process limit.
IMPROVING = months(2025, 2, [12, 14, 11, 13, 12, 15, 13, 12, 14, 13, 12, 14, 13, 6, 5, 4, 3])  # to 2026-06
WORSENING = months(2025, 2, [5, 6, 5, 4, 6, 5, 5, 6, 5, 5, 6, 5, 5, 6, 12, 14, 15])


def ri_item(series, **kw):
    kw.setdefault("links", [PLAN_ID])
    return make_item("oakview-restrictive-interventions", "indicator", path=RI_PATH, series=series, **kw)


def ri_plan(action, **kw):
    return make_plan([action], indicators=[make_indicator(data=RI_PATH, target=6)], **kw)


# --- indicator series -----------------------------------------------------------------------

def test_indicator_series_filters_by_indicator_and_service():
    series = (months(2026, 1, [9, 8, 7], indicator="restrictive_interventions", service="Oakview")
              + months(2026, 1, [1, 2, 3], indicator="prn_use", service="Oakview")
              + months(2026, 1, [4, 4, 4], indicator="restrictive_interventions", service="Elmfield")
              + months(2026, 4, [6]))                                # no indicator/service set: kept
    plan = ri_plan(make_action())
    item, points, problem = indicator_series(plan, plan.indicators[0], make_catalogue([ri_item(series)]))
    assert item.id == "oakview-restrictive-interventions"
    assert [p.value for p in points] == [9, 8, 7, 6]
    assert problem is None


def test_indicator_series_missing_file():
    plan = ri_plan(make_action())
    item, points, problem = indicator_series(plan, plan.indicators[0], make_catalogue([]))
    assert (item, points) == (None, [])
    assert problem == f"data file {RI_PATH} is not in the evidence folder"


def test_indicator_series_path_is_normalised():
    plan = make_plan([make_action()], indicators=[make_indicator(data="./indicators\\oakview-restrictive-interventions.csv")])
    item, _, _ = indicator_series(plan, plan.indicators[0], make_catalogue([ri_item(IMPROVING)]))
    assert item is not None


def test_indicator_series_unreadable_file():
    plan = ri_plan(make_action())
    cat = make_catalogue([ri_item([], status="unreadable", reason="not a valid XLSX file")])
    item, points, problem = indicator_series(plan, plan.indicators[0], cat)
    assert item is not None and points == []
    assert problem == f"data file {RI_PATH} could not be read (not a valid XLSX file)"


def test_indicator_series_too_few_points():
    plan = ri_plan(make_action())
    _, points, problem = indicator_series(plan, plan.indicators[0], make_catalogue([ri_item(months(2026, 3, [4, 3]))]))
    assert len(points) == 2
    assert problem == f"data file {RI_PATH} has 2 points for restrictive_interventions; at least 3 are needed"


def test_analyse_indicators_runs_the_analysis_and_ignores_future_points():
    action = make_action(indicators=["restrictive_interventions"])
    [r] = analyse_indicators(action, ri_plan(action), make_catalogue([ri_item(IMPROVING)]), D(2026, 5, 15))
    assert r.problem is None and r.evidence == "oakview-restrictive-interventions"
    assert r.spc.points[-1].period == D(2026, 5, 1)
    assert r.spc.passed


def test_analyse_indicators_too_few_points_up_to_as_of():
    action = make_action(indicators=["restrictive_interventions"])
    [r] = analyse_indicators(action, ri_plan(action), make_catalogue([ri_item(months(2026, 5, [4, 3, 2]))]), AS_OF)
    assert r.spc is None
    assert r.problem.endswith("has 2 points for restrictive_interventions up to 2026-06-01; at least 3 are needed")


def test_analyse_indicators_unknown_indicator():
    action = make_action(indicators=["falls"])
    [r] = analyse_indicators(action, ri_plan(action), make_catalogue([]), AS_OF)
    assert r.problem == f"indicator falls is not defined in plan {PLAN_ID}"


# --- assess_action: the Oakview restrictive practice plan ---------------------------------------

def oakview(status="in_progress", due=D(2026, 5, 31), series=IMPROVING, audit_rows=None, extra=()):
    action = make_action(
        status=status, due=due, rag="amber", narrative="Weekly reviews started 3 March.",
        indicators=["restrictive_interventions"],
        requires=[make_requirement("audit", count=4, within_days=90, target=90,
                                   note="Weekly restrictive practice log review sheets"),
                  "governance_minutes", "supervision"],
        evidence=["minutes-2026-04-12"],
        reviews=[make_review(D(2026, 3, 12), rag="red", narrative="Logs incomplete; NED challenged recording quality.")],
    )
    rows = audit_rows or [(D(2026, 1, 12), 70), (D(2026, 3, 9), 72), (D(2026, 4, 6), 85),
                          (D(2026, 5, 4), 91), (D(2026, 5, 25), 94)]
    items = [
        ri_item(series),
        make_item("oakview-audits-rp-log-audit-scores", path="audits/rp-log-audit-scores.csv",
                  scores=make_scores(*rows), links=[make_link("RP-01", "index", "linked to RP-01 in evidence.yaml")]),
        make_item("minutes-2026-04-12", "governance_minutes", date=D(2026, 4, 12), title="QSC April",
                  text="The committee asked for assurance on debriefs."),
        make_item("minutes-2026-05-10", "governance_minutes", date=D(2026, 5, 10), links=["RP-01"],
                  text="RP-01 progress reviewed."),
        make_item("supervision-pshah-2026-04", "supervision", date=D(2026, 4, 20), links=["RP-01"]),
        make_item("competency-rp-observation", "competency", date=D(2026, 5, 2), links=["RP-01"]),
        *extra,
    ]
    return action, ri_plan(action), make_catalogue(items)


def test_on_track_action_is_green_with_closure_ready():
    action, plan, cat = oakview(due=D(2026, 9, 30))
    r = assess_action(action, plan, cat, AS_OF)
    assert (r.id, r.plan, r.owner, r.status, r.declared_rag) == ("RP-01", PLAN_ID, "Priya Shah", "in_progress", "amber")
    assert [(q.type, q.found, q.current, q.status) for q in r.requirements] == [
        ("audit", 5, 4, "met"), ("governance_minutes", 2, 2, "met"), ("supervision", 1, 1, "met")]
    assert r.indicators[0].spc.passed
    assert r.closure.ready
    assert (r.assessed_rag, r.overdue) == ("green", False)
    assert r.governance_reviews == ["2026-03-12", "2026-04-12", "2026-05-10"]


def test_completed_action_with_passing_closure_is_blue():
    action, plan, cat = oakview(status="completed")
    r = assess_action(action, plan, cat, AS_OF)
    assert (r.assessed_rag, r.overdue) == ("blue", False)


def test_overdue_with_unmet_requirement_is_red():
    action, plan, cat = oakview(audit_rows=[(D(2026, 3, 9), 72), (D(2026, 4, 6), 85)])
    r = assess_action(action, plan, cat, AS_OF)
    assert r.overdue
    assert r.assessed_rag == "red"
    assert r.rag_reasons == ["overdue since 2026-05-31", "requirement audit ×4 within 90 days: 2 found, 2 current"]
    assert r.closure.audit.result == "fail"          # 85% is below the 90% target


def test_worsening_indicator_is_red_and_fails_closure():
    action, plan, cat = oakview(status="completed", series=WORSENING)
    r = assess_action(action, plan, cat, AS_OF)
    assert r.assessed_rag == "red"
    assert r.closure.indicators.result == "fail"
    assert any("special-cause concern" in reason for reason in r.rag_reasons)


@pytest.mark.parametrize("owner, shown", [
    ({"name": "Priya Shah", "role": "Registered Manager"}, "Priya Shah"),
    ({"role": "Registered Manager", "raw": "Registered Manager"}, "Registered Manager"),
    ({"raw": "TBC"}, "TBC"),
    (None, None),
])
def test_owner_shown(owner, shown):
    action = make_action(owner=owner)
    r = assess_action(action, make_plan([action]), make_catalogue([]), AS_OF)
    assert r.owner == shown


def test_action_with_no_evidence():
    action = make_action(risk="low", requires=["audit"], due=D(2026, 9, 30))
    r = assess_action(action, make_plan([action]), make_catalogue([]), AS_OF)
    assert r.requirements[0].status == "missing"
    assert r.assessed_rag == "amber"
    assert r.rag_reasons == ["requirement audit ×1: 0 found, 0 current"]
    assert r.closure.indicators.result == "n/a" and not r.closure.ready
    assert r.indicators == [] and r.governance_reviews == []
