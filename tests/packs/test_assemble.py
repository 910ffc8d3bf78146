"""Pack assembly is a pure function of the assessment: plans chosen, actions grouped, exhibits numbered."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from compiler import pipeline
from compiler.packs.assemble import assemble
from compiler.packs.names import safe_file_title
from compiler.packs.profiles import load_profile
from compiler.views.common import Options
from compiler.views.cqc import cqc_view
from compiler.views.words import anchor_for, narrative_blocks

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def assessment():
    return pipeline.check([ROOT / "examples" / "plans"], ROOT / "examples" / "evidence", dt.date(2026, 11, 20))


def test_exhibits_are_numbered_by_action_then_date_then_path(assessment) -> None:
    pack = assemble(assessment, load_profile("cqc"))
    numbers = [e.number for e in pack.exhibits]
    assert numbers == [f"E-{n:03d}" for n in range(1, len(numbers) + 1)]
    assert len({e.evidence for e in pack.exhibits}) == len(pack.exhibits)      # each item once
    # the first action's exhibits come first, in date order
    first_action = pack.actions[0]
    leading = [e for e in pack.exhibits if e.actions[0] == first_action]
    assert leading and pack.exhibits[: len(leading)] == leading
    dates = [e.date for e in leading if e.date]
    assert dates == sorted(dates)
    # unreadable evidence is never an exhibit
    assert all(assessment.catalogue.get(e.evidence).readable for e in pack.exhibits)


def test_numbering_is_stable_across_runs(assessment) -> None:
    again = pipeline.check([ROOT / "examples" / "plans"], ROOT / "examples" / "evidence", dt.date(2026, 11, 20))
    first = [(e.number, e.evidence) for e in assemble(assessment, load_profile("cqc")).exhibits]
    second = [(e.number, e.evidence) for e in assemble(again, load_profile("cqc")).exhibits]
    assert first == second


def test_every_requirement_exhibit_supports_its_action(assessment) -> None:
    pack = assemble(assessment, load_profile("cqc"))
    for action_id in pack.actions:
        for req in assessment.action(action_id).requirements:
            for evidence_id in req.evidence:
                exhibit = pack.exhibit_for(evidence_id)
                if assessment.catalogue.get(evidence_id).readable:
                    assert exhibit is not None and action_id in exhibit.actions


def test_service_filter_keeps_only_that_service(assessment) -> None:
    pack = assemble(assessment, load_profile("cqc"), service="oakview")
    assert pack.plans == ["SAP-2026-007"]
    assert all(a.startswith("RP-") for a in pack.actions)
    assert all(f.plan == "SAP-2026-007" for f in pack.findings)


def test_board_profile_keeps_every_plan_and_only_risk_narrows_a_profile(assessment) -> None:
    # the Board sees every plan: the high-risk ones in full, the others by exception (compiler.views.board)
    assert assemble(assessment, load_profile("board")).plans == [p.id for p in assessment.plans]
    pack = assemble(assessment, load_profile("board").model_copy(update={"only_risk": ["high"]}))
    plans = {p.id: p for p in assessment.plans}
    assert pack.plans and all(plans[p].risk == "high" for p in pack.plans)


def test_groups_follow_the_framework(assessment) -> None:
    pack = assemble(assessment, load_profile("cqc"))
    grouped = [a for kq in pack.groups for st in kq.statements for a in st.actions]
    assert grouped == pack.actions
    assert pack.groups[0].name == "Safe"


def test_context_summary_counts_and_refs(assessment) -> None:
    pack = assemble(assessment, load_profile("cqc"))
    ctx = cqc_view(pack, Options())
    assert sum(declared for _, declared, _ in ctx.rag_table) == sum(1 for s in ctx.summary if s.declared_rag)
    assert sum(assessed for _, _, assessed in ctx.rag_table) == len(ctx.summary)
    rp03 = ctx.action("RP-03")
    assert rp03.closure_ready and [c.result for c in rp03.closure] == ["pass"] * 4
    assert all(ref.anchor == anchor_for("ex", ref.number) for c in rp03.closure for ref in c.exhibits)
    assert ctx.overstated == 1 and ctx.closure_ready == 2


def test_narrative_markdown_keeps_html_and_template_text_as_typed() -> None:
    blocks = narrative_blocks("Logs **checked**.\n\n- {{ config }}\n- <script>alert(1)</script>\n\n"
                              "<img src=\"file:///etc/passwd\">\n")
    texts = [b.text for b in blocks]
    assert "Logs checked." in texts
    assert "{{ config }}" in texts and "<script>alert(1)</script>" in texts
    assert '<img src="file:///etc/passwd">' in texts
    assert [b.kind for b in blocks][1:3] == ["li", "li"]


@pytest.mark.parametrize("title, expected", [
    ("Minutes 12/03/2026: QSC", "Minutes 12 03 2026 QSC"),
    ("../../etc/passwd", "etc passwd"),
    ("evil\u202egpj.exe", "evilgpj.exe"),
    ("   ", "untitled"),
])
def test_safe_file_titles(title: str, expected: str) -> None:
    assert safe_file_title(title) == expected
