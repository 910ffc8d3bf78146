"""Reviewed: SG401–SG406, RAG narratives and honesty, deadlines, review cadence, Board, challenge."""
from __future__ import annotations

import pytest

from .kit import (D, PLAN_ID, change, clean_items, clean_plan, ctx_for, findings, make_item, make_result,
                  make_review)


def run(plan, code, items=None, results=None, **kw):
    return findings(ctx_for(plan, clean_items() if items is None else items, results=results, **kw), code)


def without(*ids):
    return [i for i in clean_items() if i.id not in ids]


# SG401 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("narrative", [None, "", "   \n"])
def test_sg401_fires_for_a_rag_without_narrative(narrative):
    plan = change(clean_plan(), "RC-01", rag="amber", narrative=narrative, lines={"rag": 36})
    (f,) = run(plan, "SG401")
    assert (f.action, f.line, f.severity) == ("RC-01", 36, "error")
    assert f.message == "RC-01: the action is rated amber with no narrative"


def test_sg401_fires_for_a_review_with_rag_and_no_narrative():
    reviews = [make_review(D(2026, 3, 12), None, rag="red"), make_review(D(2026, 5, 20), "Challenged.", rag="amber")]
    plan = change(clean_plan(), "RC-01", reviews=reviews, lines={"reviews[0]": 70, "reviews[1]": 74})
    (f,) = run(plan, "SG401")
    assert (f.line, f.message) == (70, "RC-01: the review of 2026-03-12 is rated red with no narrative")


def test_sg401_does_not_fire_with_narrative_or_without_rag():
    plan = change(clean_plan(), "RC-01", rag="amber", narrative="Weekly reviews started 3 March.",
                  reviews=[make_review(D(2026, 5, 20), None)])     # no rag on the review
    assert run(plan, "SG401") == []


# SG402 ---------------------------------------------------------------------------------------------

def test_sg402_fires_when_declared_is_better_than_assessed():
    plan = change(clean_plan(), "PC-01", rag="green", narrative="On track.", lines={"rag": 58})
    action = plan.actions[1]
    results = {"PC-01": make_result(action, assessed_rag="amber",
                                    rag_reasons=["requirement supervision ×2: 1 found, 1 current"])}
    (f,) = run(plan, "SG402", results=results)
    assert (f.action, f.line, f.severity) == ("PC-01", 58, "error")
    assert f.message == "PC-01 declared green but assessed amber: requirement supervision ×2: 1 found, 1 current"
    assert f.hint.startswith("rate it amber until the evidence supports green")


@pytest.mark.parametrize("declared, assessed", [("amber", "green"), ("green", "green"), ("red", "amber"),
                                                ("blue", "blue")])
def test_sg402_does_not_fire_when_declared_is_not_better(declared, assessed):
    plan = change(clean_plan(), "PC-01", rag=declared, narrative="x")
    results = {"PC-01": make_result(plan.actions[1], assessed_rag=assessed)}
    assert run(plan, "SG402", results=results) == []


def test_sg402_does_not_fire_without_a_declared_rating():
    results = {"PC-01": make_result(clean_plan().actions[1], assessed_rag="red")}
    assert run(clean_plan(), "SG402", results=results) == []


# SG403 ---------------------------------------------------------------------------------------------

def test_sg403_fires_for_an_open_action_past_due():
    plan = change(clean_plan(), "RC-01", due=D(2026, 5, 31), lines={"due": 29})
    (f,) = run(plan, "SG403")
    assert (f.line, f.severity, f.message) == (29, "warning", "RC-01 was due 2026-05-31 (1 day ago) and is still in_progress")


@pytest.mark.parametrize("due, status", [(D(2026, 6, 1), "in_progress"), (D(2026, 4, 1), "completed"),
                                         (D(2026, 4, 1), "closed"), (None, "planned")])
def test_sg403_does_not_fire_on_time_or_finished(due, status):
    assert run(change(clean_plan(), "RC-01", due=due, status=status), "SG403") == []


# SG404 ---------------------------------------------------------------------------------------------

def test_sg404_fires_when_the_last_review_is_too_old():
    plan = change(clean_plan(), "RC-01", reviews=[make_review(D(2026, 3, 12), "Challenged.")], line=24)
    (f,) = run(plan, "SG404", items=without("minutes-2026-05-20"))
    assert (f.action, f.line, f.severity) == ("RC-01", 24, "warning")
    assert f.message == ("RC-01 has had no governance review in the last 35 days; last review 2026-03-12 "
                         "(Quality and Safeguarding Committee review recorded in the plan)")


def test_sg404_fires_when_never_reviewed():
    plan = change(clean_plan(), "RC-01", reviews=[])
    (f,) = run(plan, "SG404", items=without("minutes-2026-05-20"))
    assert f.message.endswith("; none recorded since it opened on 2026-02-20")


def test_sg404_counts_linked_minutes_as_a_review():
    plan = change(clean_plan(), "RC-01", reviews=[])
    assert run(plan, "SG404") == []     # minutes of 2026-05-20 linked to the plan


def test_sg404_uses_the_plan_cadence_plus_seven_days():
    plan = change(clean_plan(review_every_days=60), "RC-01", reviews=[make_review(D(2026, 4, 1), "x")])
    assert run(plan, "SG404", items=without("minutes-2026-05-20")) == []      # 61 days <= 67


@pytest.mark.parametrize("update", [{"opened": D(2026, 5, 1)}, {"status": "completed"}, {"status": "closed"}])
def test_sg404_does_not_fire_for_new_or_finished_actions(update):
    plan = change(clean_plan(), "RC-01", reviews=[], **update)
    assert run(plan, "SG404", items=without("minutes-2026-05-20")) == []


# SG405 ---------------------------------------------------------------------------------------------

def test_sg405_error_for_a_high_risk_plan_without_a_board_report():
    (f,) = run(clean_plan(line=3), "SG405", items=without("board-2026-05"))
    assert (f.severity, f.plan, f.action, f.line) == ("error", PLAN_ID, None, 3)
    assert f.message == "SAP-2026-007 (high risk) has no board report in the last 90 days"


@pytest.mark.parametrize("risk", ["medium", "low"])
def test_sg405_warning_for_other_risks(risk):
    (f,) = run(clean_plan(risk=risk), "SG405", items=without("board-2026-05"))
    assert f.severity == "warning" and f"({risk} risk)" in f.message


def test_sg405_fires_when_the_last_report_is_older_than_90_days():
    old = make_item("board-2026-02", "board_report", links=["RC-01"], date=D(2026, 2, 28))
    (f,) = run(clean_plan(), "SG405", items=[*without("board-2026-05"), old])
    assert f.message.endswith("; the last is dated 2026-02-28")


def test_sg405_ignores_unlinked_or_unreadable_board_reports():
    items = [*without("board-2026-05"),
             make_item("board-other", "board_report", date=D(2026, 5, 5)),
             make_item("board-bad", "board_report", links=[PLAN_ID], date=D(2026, 5, 5),
                       status="unreadable", reason="x")]
    assert len(run(clean_plan(), "SG405", items=items)) == 1


def test_sg405_does_not_fire_with_a_recent_linked_report():
    assert run(clean_plan(), "SG405") == []
    report = make_item("board-q1", "board_report", links=["OV-01"], date=D(2026, 3, 3))   # 90 days before
    assert run(clean_plan(), "SG405", items=[*without("board-2026-05"), report]) == []


# SG406 ---------------------------------------------------------------------------------------------

def _quiet_minutes(**kw):
    kw.setdefault("date", D(2026, 4, 12))
    kw.setdefault("links", ["OV-01"])
    return make_item("minutes-2026-04-12", "governance_minutes",
                     text="RP-01 and OV-01: update noted. Action remains amber.", **kw)


def test_sg406_fires_when_minutes_record_no_challenge():
    plan = change(clean_plan(), "OV-01", reviews=[make_review(D(2026, 4, 12), "Update noted.")],
                  lines={"requires[1]": 52})
    (f,) = run(plan, "SG406", items=[*without("minutes-2026-05-20"), _quiet_minutes()])
    assert (f.action, f.line, f.severity) == ("OV-01", 52, "warning")
    assert f.message == "OV-01: 1 governance minutes reviewed it (minutes-2026-04-12) but none records challenge"


def test_sg406_does_not_fire_when_any_minutes_record_challenge():
    assert run(clean_plan(), "SG406", items=[*clean_items(), _quiet_minutes()]) == []


def test_sg406_does_not_fire_when_a_review_narrative_records_challenge():
    plan = change(clean_plan(), "OV-01", reviews=[make_review(D(2026, 4, 12), "NED queried the audit sample.")])
    assert run(plan, "SG406", items=[*without("minutes-2026-05-20"), _quiet_minutes()]) == []


@pytest.mark.parametrize("minutes", [
    _quiet_minutes(date=D(2026, 1, 10)),                          # before the action opened
    _quiet_minutes(status="unreadable", reason="x"),
    _quiet_minutes(links=["RC-01"]),                              # another action's minutes
])
def test_sg406_does_not_fire_without_relevant_readable_minutes(minutes):
    plan = change(clean_plan(), "OV-01", reviews=[make_review(D(2026, 4, 12), "Update noted.")])
    assert run(plan, "SG406", items=[*without("minutes-2026-05-20"), minutes]) == []
