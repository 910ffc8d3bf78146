"""Owned: SG201 owner-not-named, SG202 no-due-date."""
from __future__ import annotations

import pytest

from compiler.model.plan import Owner

from .kit import change, clean_items, clean_plan, ctx_for, findings


def run(plan, code):
    return findings(ctx_for(plan, clean_items()), code)


@pytest.mark.parametrize("owner", [
    "Priya Shah (Registered Manager)",
    {"name": "Priya Shah", "role": "Registered Manager"},
    {"name": "Priya Shah (Registered Manager)"},          # a role left inside the name
    "Tom Jones (Team Leader)",
    {"name": "Amina Begum", "role": "Senior Care Worker"},
    "Priya Shah and Tom Jones",
    "Head of Care Amina Begum",
])
def test_sg201_named_owners_do_not_fire(owner):
    assert run(change(clean_plan(), "RC-01", owner=owner), "SG201") == []


@pytest.mark.parametrize("owner, why", [
    ("On-call team", "'On-call' names a group or a placeholder, not a person"),
    ("TBC", "'TBC' names a group or a placeholder, not a person"),
    ("Registered Manager", "a role with no name"),
    ("Night staff", "'staff' names a group or a placeholder, not a person"),
    ("All managers", "'All' names a group or a placeholder, not a person"),
    ("n/a", "'n/a' names a group or a placeholder, not a person"),
    ("Day team", "'team' names a group or a placeholder, not a person"),
    ("Head of Care", "a role with no name"),
    (Owner(role="Registered Manager", raw="Registered Manager"), "a role with no name"),
    (Owner(name="  ", raw="  "), "no name given"),
    (None, "no owner given"),
])
def test_sg201_fires_for_missing_generic_or_role_only_owners(owner, why):
    plan = change(clean_plan(), "RC-01", owner=owner, lines={"owner": 27})
    (f,) = run(plan, "SG201")
    assert (f.action, f.severity, f.line) == ("RC-01", "error", 27)
    assert f.message.endswith(f": {why}")


def test_sg201_message_quotes_the_owner_as_written():
    (f,) = run(change(clean_plan(), "RC-01", owner="On-call team"), "SG201")
    assert f.message.startswith("RC-01 has no named owner ('On-call team'): ")


# SG202 -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["planned", "in_progress"])
def test_sg202_fires_for_an_open_action_without_due(status):
    plan = change(clean_plan(), "PC-01", due=None, status=status, lines={"due": 33}, line=30)
    (f,) = run(plan, "SG202")
    assert (f.action, f.line, f.message) == ("PC-01", 33, f"PC-01 is {status} but has no due date")


def test_sg202_line_falls_back_to_the_action():
    (f,) = run(change(clean_plan(), "PC-01", due=None, line=30), "SG202")
    assert f.line == 30


@pytest.mark.parametrize("status", ["completed", "closed"])
def test_sg202_does_not_fire_for_finished_actions(status):
    assert run(change(clean_plan(), "PC-01", due=None, status=status), "SG202") == []


def test_sg202_does_not_fire_with_a_due_date():
    assert run(clean_plan(), "SG202") == []
