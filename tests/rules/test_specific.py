"""Specific: SG101 action-not-specific, SG102 tick-box-action, SG103 plan-missing-component,
SG104 profile-evidence-missing."""
from __future__ import annotations

import pytest

from .kit import change, clean_items, clean_plan, ctx_for, drop, findings, make_action


def run(plan, code, items=None):
    return findings(ctx_for(plan, clean_items() if items is None else items), code)


# SG101 -------------------------------------------------------------------------------------------

def test_sg101_fires_for_an_action_with_no_requirements():
    plan = change(clean_plan(), "OV-01", requires=[], line=40)
    (f,) = run(plan, "SG101")
    assert (f.action, f.severity, f.line) == ("OV-01", "warning", 40)
    assert f.message == "OV-01 requires no evidence: nothing could ever show it worked"


def test_sg101_does_not_fire_when_evidence_is_required():
    assert run(clean_plan(), "SG101") == []


# SG102 -------------------------------------------------------------------------------------------

def test_sg102_does_not_fire_beside_real_practice_change_and_oversight_actions():
    """Required: a tick-box action is fine as part of a broader response."""
    plan = clean_plan()
    extra = make_action("RC-02", title="Staff reminded of the restraint recording policy", kind="risk_control",
                        requires=["incident_log"], reviews=plan.actions[0].reviews, due=plan.actions[0].due)
    plan = plan.model_copy(update={"actions": [*plan.actions, extra]})
    assert run(plan, "SG102") == []


def test_sg102_fires_when_the_only_practice_change_is_itself_tick_box():
    plan = change(clean_plan(), "PC-01", title="Policy reissued to all staff", lines={"title": 44})
    (f,) = run(plan, "SG102")
    assert (f.action, f.line) == ("PC-01", 44)
    assert '"Policy reissued"' in f.message
    assert "no other practice-change action that is not tick-box" in f.message
    assert "oversight" not in f.message.split("and the plan has")[1]


def test_sg102_fires_when_there_is_no_oversight_action():
    plan = drop(change(clean_plan(), "RC-01", title="Memo sent to night staff"), "OV-01")
    (f,) = run(plan, "SG102")
    assert f.action == "RC-01" and f.message.endswith("and the plan has no oversight action")


def test_sg102_a_tick_box_oversight_action_needs_another_oversight_action():
    plan = change(clean_plan(), "OV-01", title="Discussed at team meeting")
    (f,) = run(plan, "SG102")
    assert f.action == "OV-01" and "no oversight action" in f.message


@pytest.mark.parametrize("title", [
    "Managers review restrictive practice logs weekly",
    "Update policy-driven rota checks",            # "update policy" followed by '-' is not the phrase
    "Staff reminders replaced by competency observation",
])
def test_sg102_needs_the_phrase_as_whole_words(title):
    plan = drop(change(clean_plan(), "RC-01", title=title), "OV-01", "PC-01")
    assert run(plan, "SG102") == []


# SG103 -------------------------------------------------------------------------------------------

def test_sg103_error_for_a_high_risk_plan_lacking_kinds():
    plan = drop(clean_plan(line=3), "RC-01", "EM-01")
    (f,) = run(plan, "SG103")
    assert (f.severity, f.action, f.line) == ("error", None, 3)
    assert f.message == ("SAP-2026-007 has no risk-control or evidence-measure action (high risk): "
                         "a plan needs all four kinds")


def test_sg103_warning_for_a_medium_risk_plan():
    plan = drop(clean_plan(risk="medium"), "OV-01")
    (f,) = run(plan, "SG103")
    assert f.severity == "warning" and "no oversight action" in f.message


def test_sg103_does_not_fire_when_all_four_kinds_are_present():
    assert run(clean_plan(), "SG103") == []


# SG104 -------------------------------------------------------------------------------------------

def test_sg104_fires_for_profile_types_no_action_requires():
    plan = change(clean_plan(lines={"plan.abuse_types": 8}), "PC-01", requires=["supervision"])
    (f,) = run(plan, "SG104")
    assert (f.severity, f.line, f.action) == ("warning", 8, None)
    assert f.message == ("SAP-2026-007: no action requires debrief or support_plan evidence, "
                         "which the restrictive_practice profile expects")


def test_sg104_names_every_profile_that_wants_the_type():
    plan = clean_plan(abuse_types=["restrictive_practice", "financial"])
    (f,) = run(plan, "SG104")
    assert "training evidence" in f.message and "financial profile" in f.message
    assert "governance_minutes" not in f.message    # OV-01 requires it


def test_sg104_counts_an_indicator_link_as_requiring_indicator_evidence():
    plan = change(clean_plan(), "EM-01", requires=["audit"])     # still links the indicator
    assert run(plan, "SG104") == []


def test_sg104_does_not_fire_without_abuse_types_or_when_covered():
    assert run(clean_plan(), "SG104") == []
    assert run(clean_plan(abuse_types=[]), "SG104") == []
