"""The closure test (docs/judgement.md): each of the four checks passing, failing or not applying, with reasons."""
from __future__ import annotations

import datetime as dt
from datetime import date as D

import pytest
from builders import (AS_OF, PLAN_ID, make_action, make_catalogue, make_item, make_plan,
                      make_requirement, make_review, make_scores)

from compiler.assess.closure import closure_test, indicator_sentence, records_challenge, review_cycle
from compiler.assess.matching import match_requirement
from compiler.model.assessment import IndicatorResult
from compiler.model.spc import SpcPoint, SpcResult

OPENED = D(2026, 2, 20)


def run(action, items=(), indicators=(), plan=None, as_of=AS_OF):
    plan = plan or make_plan([action])
    cat = make_catalogue(items)
    reqs = [match_requirement(action, plan, r, cat, as_of) for r in action.requires]
    return closure_test(action, plan, reqs, list(indicators), cat, as_of)


def ind(id="restrictive_interventions", passed=True, problem=None, explanation="Improvement: shift."):
    spc = None if problem else SpcResult(better="lower", passed=passed, explanation=explanation)
    return IndicatorResult(id=id, title="Restrictive interventions per month", data=f"indicators/{id}.csv",
                           evidence=f"indicators-{id}", spc=spc, problem=problem)


# --- 1. indicators ------------------------------------------------------------------------

@pytest.mark.parametrize("risk, result", [("low", "n/a"), ("medium", "n/a"), ("high", "fail")])
def test_no_linked_indicator(risk, result):
    c = run(make_action(risk=risk)).indicators
    assert c.result == result
    assert "No risk indicator is linked" in c.reason


def test_indicators_pass_when_every_one_passed():
    action = make_action(indicators=["restrictive_interventions", "prn_use"])
    c = run(action, indicators=[ind(), ind("prn_use")]).indicators
    assert c.result == "pass"
    assert c.evidence == ["indicators-prn_use", "indicators-restrictive_interventions"]
    assert "restrictive_interventions, prn_use" in c.reason


def reading(values, *, better="lower", target=None, improvement=False, last3_better=False, meets_target=None,
            concern_at=(), fallback=False, baseline_n=None, explanation="The reading in detail."):
    """A reading of `values`, the first 6 (or `baseline_n`) before opening, with the flags given."""
    base = 6 if baseline_n is None else baseline_n
    points = [SpcPoint(period=D(2025, 9, 1) + dt.timedelta(days=31 * n), label=f"m{n}", value=v, baseline=n < base,
                       point_type="baseline" if n < base else
                       "special_cause_concern" if n in concern_at else
                       "special_cause_improvement" if improvement else "common_cause")
              for n, v in enumerate(values)]
    passed = (last3_better and meets_target is not False and (fallback or (improvement and not concern_at)))
    return SpcResult(better=better, target=target, points=points, baseline_n=base, after_n=len(values) - base,
                     improvement=improvement, last3_better=last3_better, meets_target=meets_target,
                     concern=bool(concern_at), fallback=fallback, passed=passed, explanation=explanation)


def with_reading(id, spc):
    return IndicatorResult(id=id, title=id, data=f"indicators/{id}.csv", evidence=f"indicators-{id}", spc=spc)


def test_indicators_fail_when_one_has_not_improved():
    action = make_action(indicators=["restrictive_interventions", "prn_use"])
    flat = reading([5] * 10, explanation="No special cause after opening.")
    c = run(action, indicators=[ind(), with_reading("prn_use", flat)]).indicators
    assert c.result == "fail"
    # what held first; a failing reading is told in its own explanation (what held, then what failed)
    assert c.reason == "restrictive_interventions shows sustained improvement. prn_use: no special cause after opening."


def test_an_indicator_that_improved_but_missed_its_target_is_said_to_have_improved():
    action = make_action(indicators=["med_errors"])
    spc = reading([9, 8, 9, 10, 9, 8, 6, 5, 4, 4, 3, 3], target=3, improvement=True, last3_better=True,
                  meets_target=False, explanation="Improved (shift) but the target is missed.")
    c = run(action, indicators=[with_reading("med_errors", spc)]).indicators
    assert c.result == "fail"
    assert c.reason == "med_errors: improved (shift) but the target is missed."
    assert "not improved" not in c.reason


def test_an_indicator_with_a_late_concern_says_which_month():
    spc = reading([5, 6, 5, 6, 5, 6, 3, 3, 3, 9], improvement=True, concern_at=(9,))
    said = indicator_sentence(with_reading("falls", spc))  # what the Board says of it
    assert said.startswith("falls improved after the action opened, but the last 3 months are not all below the "
                          "baseline mean and m9 among them is a special-cause concern.")


def test_an_indicator_read_before_and_after_says_so():
    spc = reading([7, 8, 4, 4, 4], baseline_n=2, target=3, last3_better=True, meets_target=False, fallback=True)
    said = indicator_sentence(with_reading("falls", spc))  # what the Board says of it
    assert said.startswith("falls, compared before and after (too few months for a control chart): the last 3 "
                          "months are all below the baseline mean, but they do not all meet the target of 3.")
    spc = reading([7, 4, 4], baseline_n=0, fallback=True, better="higher")
    said = indicator_sentence(with_reading("falls", spc))  # what the Board says of it
    assert "the last 3 months are not all above the first month." in said


def test_an_indicator_with_nothing_after_opening_cannot_show_improvement_yet():
    spc = reading([5, 6, 5, 6, 5, 6])
    said = indicator_sentence(with_reading("falls", spc))  # what the Board says of it
    assert said.startswith("falls has no months after the action opened yet, so improvement cannot be shown.")


def test_indicators_fail_with_the_missing_data_problem():
    action = make_action(indicators=["restrictive_interventions"])
    problem = "data file indicators/ri.csv is not in the evidence folder"
    c = run(action, indicators=[ind(problem=problem)]).indicators
    assert c.result == "fail"
    assert problem in c.reason


# --- 2. audit -----------------------------------------------------------------------------

def audit_table(*rows, **kw):
    return make_item("rp-log-audit-scores", path="audits/rp-log-audit-scores.csv", links=["RP-01"],
                     scores=make_scores(*rows), **kw)


def test_audit_passes_when_latest_meets_target_and_improves():
    c = run(make_action(requires=[make_requirement("audit", count=2)]),
            [audit_table((D(2026, 1, 12), 95), (D(2026, 3, 9), 72), (D(2026, 4, 6), 85), (D(2026, 5, 4), 94))]).audit
    assert c.result == "pass"
    assert c.evidence == ["rp-log-audit-scores"]
    assert c.reason == ("3 audit results dated since 2026-02-20; the latest score, 94% on 2026-05-04, meets the 90% "
                        "target and is at or above the first post-opening score (72%).")


def test_audit_fails_below_the_requirement_target():
    c = run(make_action(requires=[make_requirement("audit", target=95)]),
            [audit_table((D(2026, 3, 9), 72), (D(2026, 5, 4), 94))]).audit
    assert c.result == "fail"
    assert c.reason == ("2 audit results dated since 2026-02-20; the latest score, 94% on 2026-05-04, is at or above "
                        "the first post-opening score (72%) but is below the 95% target.")


def test_audit_fails_when_latest_is_below_the_first_post_opening_score():
    c = run(make_action(), [audit_table((D(2026, 3, 9), 96), (D(2026, 5, 4), 92))]).audit
    assert c.result == "fail"
    assert c.reason == ("2 audit results dated since 2026-02-20; the latest score, 92% on 2026-05-04, meets the 90% "
                        "target but is below the first post-opening score (96% on 2026-03-09).")
    c = run(make_action(), [audit_table((D(2026, 3, 9), 96), (D(2026, 5, 4), 80))]).audit
    assert c.reason.endswith("80% on 2026-05-04, is below the 90% target and is below the first post-opening score "
                             "(96% on 2026-03-09).")


def test_audit_fails_with_fewer_than_two_results_after_opening():
    items = [audit_table((D(2026, 1, 12), 95), (D(2026, 4, 6), 95), (D(2026, 6, 8), 99)),  # baseline, future
             make_item("unread", date=D(2026, 5, 1), links=["RP-01"], status="unreadable"),
             make_item("undated", links=["RP-01"])]
    c = run(make_action(), items).audit
    assert c.result == "fail"
    assert c.reason == "Only 1 audit result dated since 2026-02-20; at least 2 are needed."
    assert run(make_action(), []).audit.reason == "No audit results dated since 2026-02-20; at least 2 are needed."


def test_audit_documents_without_scores_count_once_each():
    items = [make_item("walkround-march", date=D(2026, 3, 1), links=["RP-01"]),
             make_item("walkround-may", date=D(2026, 5, 1), links=[PLAN_ID])]
    c = run(make_action(), items).audit
    assert c.result == "pass"
    assert c.evidence == ["walkround-march", "walkround-may"]
    assert "no readable scores" in c.reason


# --- 3. staff -----------------------------------------------------------------------------

@pytest.mark.parametrize("risk, types, result", [
    ("medium", ["supervision"], "pass"),
    ("low", ["competency"], "pass"),
    ("medium", [], "fail"),
    ("high", ["supervision"], "fail"),
    ("high", ["competency"], "fail"),
    ("high", ["supervision", "competency"], "pass"),
])
def test_staff(risk, types, result):
    items = [make_item(f"{t}-1", t, date=D(2026, 4, 1), links=["RP-01"]) for t in types]
    c = run(make_action(risk=risk), items).staff
    assert c.result == result
    assert c.evidence == sorted(f"{t}-1" for t in types)


def test_staff_ignores_baseline_unreadable_and_undated():
    items = [make_item("sup-jan", "supervision", date=D(2026, 1, 20), links=["RP-01"]),
             make_item("sup-unread", "supervision", date=D(2026, 4, 1), links=["RP-01"], status="unreadable"),
             make_item("comp-undated", "competency", links=["RP-01"])]
    c = run(make_action(risk="medium"), items).staff
    assert c.result == "fail"
    assert c.reason == "No supervision or competency record dated since 2026-02-20."


def test_staff_high_risk_reason_counts_each_kind():
    items = [make_item("sup-1", "supervision", date=D(2026, 4, 1), links=["RP-01"]),
             make_item("sup-2", "supervision", date=D(2026, 5, 1), links=["RP-01"])]
    c = run(make_action(risk="high"), items).staff
    assert c.reason == ("2 supervision records dated since 2026-02-20, but no competency record; "
                        "a high-risk action needs at least one of each.")
    assert run(make_action(risk="high")).staff.reason == (
        "No supervision or competency record dated since 2026-02-20; a high-risk action needs at least one of each.")


# --- 4. governance --------------------------------------------------------------------------

def minutes(id, date, text="Action RP-01 reviewed; progress noted.", **kw):
    return make_item(id, "governance_minutes", date=date, text=text, links=["RP-01"], **kw)


def test_review_cycle_windows_count_from_opened():
    assert review_cycle(OPENED, OPENED, 28) == 0
    assert review_cycle(D(2026, 3, 19), OPENED, 28) == 0
    assert review_cycle(D(2026, 3, 20), OPENED, 28) == 1


def test_two_minutes_in_one_cycle_count_once():
    items = [minutes("m1", D(2026, 3, 1), "The chair challenged the log quality."),
             minutes("m2", D(2026, 3, 15))]
    c = run(make_action(risk="medium"), items).governance
    assert c.result == "fail"
    assert c.reason == ("Challenge recorded on 2026-03-01 ('challenged' in minutes 'm1'), but reviewed in only "
                        "1 review cycle of 28 days since 2026-02-20 (2 needed at medium risk).")
    assert c.evidence == ["m1", "m2"]


def test_governance_passes_with_enough_cycles_and_challenge_in_minutes():
    items = [minutes("m1", D(2026, 3, 1)), minutes("m2", D(2026, 3, 25), "NED asked for assurance on PRN use."),
             minutes("m3", D(2026, 4, 20))]
    c = run(make_action(risk="high"), items).governance
    assert c.result == "pass"
    assert "3 review cycles" in c.reason
    assert "challenge recorded on 2026-03-25 ('asked for assurance'" in c.reason


def test_review_entries_count_as_cycles_and_their_narrative_as_challenge():
    action = make_action(risk="medium", reviews=[
        make_review(D(2026, 3, 12), narrative="Logs incomplete; NED challenged recording quality."),
        make_review(D(2026, 4, 16), narrative="Improving.")])
    c = run(action).governance
    assert c.result == "pass"
    assert c.evidence == []
    assert "'challenged' in Quality and Safeguarding Committee review recorded in the plan" in c.reason


def test_governance_fails_without_challenge_however_many_cycles():
    items = [minutes("m1", D(2026, 3, 1)), minutes("m2", D(2026, 4, 1)), minutes("m3", D(2026, 5, 1))]
    c = run(make_action(risk="high"), items).governance
    assert c.result == "fail"
    assert c.reason == ("Reviewed in 3 review cycles of 28 days since 2026-02-20 (3 needed at high risk), "
                        "but no review records challenge.")


def test_governance_short_of_cycles_and_challenge_says_both():
    c = run(make_action(risk="high"), [minutes("m1", D(2026, 3, 1))]).governance
    assert c.reason == ("Reviewed in only 1 review cycle of 28 days since 2026-02-20 (3 needed at high risk), "
                        "and no review records challenge.")


def test_governance_ignores_reviews_before_opening_and_after_as_of():
    action = make_action(risk="low", reviews=[make_review(D(2026, 2, 1), narrative="Challenged.")])
    items = [minutes("future", D(2026, 6, 20), "Challenged.")]
    c = run(action, items).governance
    assert c.result == "fail"
    assert c.reason == ("No governance review dated since 2026-02-20; reviews in 1 review cycle of 28 days are "
                        "needed at low risk.")


def test_review_cycle_length_comes_from_the_plan():
    items = [minutes("m1", D(2026, 3, 1), "Queried."), minutes("m2", D(2026, 3, 25))]
    action = make_action(risk="medium")
    assert run(action, items).governance.result == "pass"
    plan = make_plan([action], review_every_days=60)
    assert run(action, items, plan=plan).governance.result == "fail"


# --- challenge words -------------------------------------------------------------------------

@pytest.mark.parametrize("text, found", [
    ("The NED challenged recording quality.", "challenged"),
    ("Members QUERIED the figures", "QUERIED"),
    ("The committee was not\n  assured by the audit.", "not assured"),
    ("Chair requested evidence of debriefs.", "requested evidence"),
    ("Progress noted; no concerns.", None),
    ("Unchallenged figures were accepted.", None),
    ("", None),
])
def test_records_challenge(text, found):
    assert records_challenge(text) == found


# --- the whole test ---------------------------------------------------------------------------

def test_closure_applies_to_open_actions_and_ready_is_derived():
    c = run(make_action(risk="low", status="in_progress"), [
        make_item("a1", date=D(2026, 3, 1), links=["RP-01"]),
        make_item("a2", date=D(2026, 4, 1), links=["RP-01"]),
        make_item("sup", "supervision", date=D(2026, 4, 1), links=["RP-01"]),
        minutes("m1", D(2026, 4, 2), "Challenged the pace."),
    ])
    assert [c.indicators.result, c.audit.result, c.staff.result, c.governance.result] == ["n/a", "pass", "pass", "pass"]
    assert c.ready
    c = run(make_action(risk="low"))
    assert not c.ready


def test_indicators_fail_when_a_linked_indicator_was_not_analysed():
    c = run(make_action(indicators=["restrictive_interventions", "prn_use"]), indicators=[ind()]).indicators
    assert c.result == "fail"
    assert c.reason == "restrictive_interventions shows sustained improvement. prn_use: not analysed."
