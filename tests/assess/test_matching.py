"""Requirements <-> evidence (docs/judgement.md): linking routes, types, readability, currency, counting, status."""
from __future__ import annotations

from datetime import date as D

import pytest
from builders import (AS_OF, PLAN_ID, make_action, make_catalogue, make_item, make_link, make_plan,
                      make_review, make_scores, make_series, make_requirement)

from compiler.assess.matching import governance_reviews, linked_items, match_requirement

OPENED = D(2026, 2, 20)


def judge(items, requirement=None, action=None, plan=None, as_of=AS_OF):
    action = action or make_action(requires=[requirement or make_requirement("audit")])
    plan = plan or make_plan([action])
    req = requirement or action.requires[0]
    return match_requirement(action, plan, req, make_catalogue(items), as_of)


# --- linking ------------------------------------------------------------------------------

def test_linked_by_explicit_evidence_id():
    action = make_action(evidence=["minutes-2026-04-12"])
    item = make_item("minutes-2026-04-12", "governance_minutes", date=D(2026, 4, 12))
    [li] = linked_items(action, make_plan([action]), make_catalogue([item]))
    assert li.item.id == "minutes-2026-04-12"
    assert li.why == ["named in RP-01's evidence list in the plan"]


def test_linked_by_item_link_to_action():
    action = make_action()
    item = make_item("rp-log-review-w10", links=[make_link("RP-01", "mention", "RP-01 mentioned on page 2")])
    [li] = linked_items(action, make_plan([action]), make_catalogue([item]))
    assert li.why == ["RP-01 mentioned on page 2"]


def test_plan_level_link_counts_for_each_action():
    a1, a2 = make_action("RP-01"), make_action("RP-02")
    plan = make_plan([a1, a2])
    item = make_item("rp-audit", links=[make_link(PLAN_ID, "index", f"linked to plan {PLAN_ID} in evidence.yaml")])
    cat = make_catalogue([item])
    for action in (a1, a2):
        [li] = linked_items(action, plan, cat)
        assert li.why == [f"linked to plan {PLAN_ID} in evidence.yaml"]


def test_every_route_is_listed_once_and_unlinked_items_are_left_out():
    action = make_action(evidence=["both"])
    items = [
        make_item("both", links=[make_link("RP-01", "mention", "RP-01 mentioned on page 2"),
                                 make_link("RP-01", "mention", "RP-01 mentioned on page 2"),
                                 make_link(PLAN_ID, "metadata", f"{PLAN_ID} in DOCX keywords")]),
        make_item("other-action", links=["RP-02"]),
        make_item("other-plan", links=[make_link("SAP-2026-001", "index")]),
        make_item("orphan"),
    ]
    lis = linked_items(action, make_plan([action]), make_catalogue(items))
    assert [li.item.id for li in lis] == ["both"]
    assert lis[0].why == ["named in RP-01's evidence list in the plan", "RP-01 mentioned on page 2",
                          f"{PLAN_ID} in DOCX keywords"]


def test_linked_items_sorted_by_date_then_path_undated_first_unreadable_kept():
    action = make_action()
    items = [
        make_item("b", date=D(2026, 3, 1), links=["RP-01"], path="audits/b.pdf"),
        make_item("a", date=D(2026, 3, 1), links=["RP-01"], path="audits/a.pdf"),
        make_item("early", date=D(2026, 1, 5), links=["RP-01"]),
        make_item("undated", links=["RP-01"]),
        make_item("broken", date=D(2026, 4, 1), links=["RP-01"], status="unreadable", reason="encrypted"),
    ]
    lis = linked_items(action, make_plan([action]), make_catalogue(items))
    assert [li.item.id for li in lis] == ["undated", "early", "a", "b", "broken"]


def test_linked_items_are_worked_out_once_per_action_and_evidence_list():
    """The catalogue keeps the answer (it is asked for by every requirement, closure check and
    rule): the same action and evidence list get it back, another evidence list its own."""
    item = make_item("named", links=[make_link("RP-01", "mention", "RP-01 mentioned on page 2")])
    other = make_item("other")
    cat = make_catalogue([item, other])
    action = make_action(evidence=["other"])
    plan = make_plan([action])
    first = linked_items(action, plan, cat)
    assert [li.item.id for li in first] == ["named", "other"]
    first.clear()                                          # the caller's list is its own
    assert [li.item.id for li in linked_items(action, plan, cat)] == ["named", "other"]
    renamed = make_action(evidence=[])                     # same id, no evidence list
    assert [li.item.id for li in linked_items(renamed, make_plan([renamed]), cat)] == ["named"]


# --- type and readability -------------------------------------------------------------------

def test_type_mismatch_does_not_match():
    r = judge([make_item("sup-1", "supervision", date=D(2026, 3, 1), links=["RP-01"])])
    assert (r.found, r.status, r.evidence) == (0, "missing", [])


def test_unreadable_item_is_listed_but_counts_for_nothing():
    items = [make_item("log-audit-march", date=D(2026, 3, 9), links=["RP-01"], status="unreadable",
                       reason="encrypted PDF"),
             make_item("log-audit-april", date=D(2026, 4, 6), links=["RP-01"])]
    r = judge(items)
    assert r.unreadable == ["log-audit-march"]
    assert r.evidence == ["log-audit-april"]
    assert (r.found, r.current) == (1, 1)


def test_unreadable_item_of_another_type_is_not_listed():
    r = judge([make_item("minutes", "governance_minutes", links=["RP-01"], status="unreadable")])
    assert r.unreadable == []


# --- currency ------------------------------------------------------------------------------

def test_baseline_current_future_and_undated():
    items = [
        make_item("baseline", date=D(2026, 2, 1), links=["RP-01"]),
        make_item("on-opening-day", date=OPENED, links=["RP-01"]),
        make_item("april", date=D(2026, 4, 6), links=["RP-01"]),
        make_item("future", date=D(2026, 6, 2), links=["RP-01"]),
        make_item("undated", links=["RP-01"]),
    ]
    r = judge(items, make_requirement("audit", count=2))
    by_id = {m.evidence: m.current for m in r.matches}
    assert by_id == {"baseline": False, "on-opening-day": True, "april": True, "undated": False}
    assert (r.found, r.current, r.status) == (4, 2, "met")
    assert "future" not in r.evidence


def test_within_days_counts_back_from_as_of():
    items = [make_item("old", date=D(2026, 3, 2), links=["RP-01"]),      # 91 days before 2026-06-01
             make_item("edge", date=D(2026, 3, 3), links=["RP-01"]),     # exactly 90 days
             make_item("recent", date=D(2026, 5, 20), links=["RP-01"])]
    r = judge(items, make_requirement("audit", count=3, within_days=90))
    assert {m.evidence: m.current for m in r.matches} == {"old": False, "edge": True, "recent": True}
    assert (r.found, r.current, r.status, r.within_days) == (3, 2, "stale", 90)


def test_match_why_gives_link_and_type_provenance():
    item = make_item("rp-audit", date=D(2026, 3, 9), provenance={"type": "folder 'audits'"},
                     links=[make_link("RP-01", "mention", "RP-01 mentioned on page 2")])
    [m] = judge([item]).matches
    assert m.why == ["RP-01 mentioned on page 2", "type from folder 'audits'"]
    assert (m.date, m.current, m.row, m.score) == (D(2026, 3, 9), True, None, None)


# --- counting -----------------------------------------------------------------------------

def test_audit_scores_count_once_per_dated_row():
    scores = make_scores((D(2026, 2, 2), 60), (D(2026, 3, 2), 36), (D(2026, 4, 6), 41),
                         (D(2026, 5, 4), 46), (D(2026, 6, 8), 48), max=50)
    item = make_item("oakview-audits-rp-log-audit-scores", path="audits/rp-log-audit-scores.csv",
                     date=D(2026, 5, 4), scores=scores, links=["RP-01"])
    r = judge([item], make_requirement("audit", count=4, target=90))
    assert (r.found, r.current, r.status) == (4, 3, "stale")      # the June row is in the future
    assert [(m.row, m.score, m.current) for m in r.matches] == [
        (2, 120.0, False), (3, 72.0, True), (4, 82.0, True), (5, 92.0, True)]
    assert r.evidence == ["oakview-audits-rp-log-audit-scores"]
    assert r.target == 90


def test_score_table_and_documents_add_up():
    table = make_item("scores", path="audits/scores.csv", links=["RP-01"],
                      scores=make_scores((D(2026, 3, 2), 80), (D(2026, 4, 6), 85)))
    doc = make_item("walkround", date=D(2026, 5, 1), links=["RP-01"])
    r = judge([table, doc], make_requirement("audit", count=3))
    assert (r.found, r.current, r.status, r.evidence) == (3, 3, "met", ["scores", "walkround"])


def test_indicator_series_counts_once_per_row_for_this_service():
    series = (make_series((D(2026, 1, 1), 14), (D(2026, 3, 1), 9), (D(2026, 4, 1), 7), service="Oakview")
              + make_series((D(2026, 3, 1), 3), service="Elmfield"))
    item = make_item("ri-series", "indicator", path="indicators/ri.csv", series=series, links=[PLAN_ID])
    r = judge([item], make_requirement("indicator", count=2))
    assert [(m.date, m.current) for m in r.matches] == [
        (D(2026, 1, 1), False), (D(2026, 3, 1), True), (D(2026, 4, 1), True)]
    assert r.status == "met"


def test_indicator_item_without_series_counts_once():
    item = make_item("ri-report", "indicator", date=D(2026, 4, 1), links=["RP-01"])
    r = judge([item], make_requirement("indicator"))
    assert (r.found, r.current) == (1, 1)


# --- status -------------------------------------------------------------------------------

@pytest.mark.parametrize("dates, count, status, met", [
    ([D(2026, 3, 1), D(2026, 4, 1)], 2, "met", True),
    ([], 1, "missing", False),
    ([D(2026, 3, 1)], 2, "insufficient", False),
    ([D(2026, 1, 10), D(2026, 3, 1)], 2, "stale", False),
])
def test_status(dates, count, status, met):
    items = [make_item(f"audit-{n}", date=d, links=["RP-01"]) for n, d in enumerate(dates)]
    r = judge(items, make_requirement("audit", count=count, note="Weekly log review sheets"))
    assert (r.status, r.met, r.count, r.note) == (status, met, count, "Weekly log review sheets")
    assert r.found == len(dates)


# --- governance reviews ---------------------------------------------------------------------

def test_governance_reviews_from_plan_reviews_and_linked_minutes():
    action = make_action(reviews=[make_review(D(2026, 2, 10)),                   # before opening
                                  make_review(D(2026, 3, 12), narrative="NED challenged recording."),
                                  make_review(D(2026, 6, 20))])                  # after as-of
    items = [
        make_item("minutes-2026-04-12", "governance_minutes", date=D(2026, 4, 12), links=["RP-01"],
                  title="QSC minutes April"),
        make_item("minutes-unread", "governance_minutes", date=D(2026, 5, 10), links=["RP-01"],
                  status="unreadable"),
        make_item("minutes-undated", "governance_minutes", links=["RP-01"]),
        make_item("minutes-other", "governance_minutes", date=D(2026, 5, 10), links=["RP-02"]),
        make_item("audit", "audit", date=D(2026, 5, 10), links=["RP-01"]),
    ]
    got = governance_reviews(action, make_plan([action]), make_catalogue(items), AS_OF)
    assert got == [
        (D(2026, 3, 12), "Quality and Safeguarding Committee review recorded in the plan", None),
        (D(2026, 4, 12), "minutes 'QSC minutes April'", "minutes-2026-04-12"),
    ]
