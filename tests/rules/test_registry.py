"""The registry: the rule set, rule pages, waivers, sorting, lines, and rules that raise."""
from __future__ import annotations

import pytest

from compiler.model.plan import Waiver
from compiler.rules import RULES, Hit, catalogue_table, explain
from compiler.rules.registry import DOC_HEADINGS, Rule

from .kit import clean_items, clean_plan, ctx_for, findings, make_action, make_plan

EXPECTED = ({f"SG10{i}" for i in range(1, 6)} | {"SG201", "SG202"} | {f"SG30{i}" for i in range(1, 10)}
            | {f"SG40{i}" for i in range(1, 7)} | {f"SG50{i}" for i in range(1, 6)})


def test_rules_holds_exactly_the_spec_catalogue():
    assert set(RULES) == EXPECTED
    assert len(RULES) == 27


def test_every_rule_has_metadata():
    for code, r in RULES.items():
        assert r.code == code
        assert r.severity in ("error", "warning", "info")
        assert r.name and r.message and r.hint
        assert r.name == r.name.lower() and " " not in r.name


def test_catalogue_table_is_sorted_by_code():
    assert [r.code for r in catalogue_table()] == sorted(EXPECTED)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_explain_prints_the_four_headings_for_every_rule(code):
    page = explain(code)
    r = RULES[code]
    assert page.splitlines()[0] == f"{code} {r.name} ({r.severity})"
    assert r.message in page and r.hint in page
    headings = [line for line in page.splitlines() if line in DOC_HEADINGS]
    assert headings == list(DOC_HEADINGS)
    # the example shows the finding line
    example = page.split("\nExample\n", 1)[1].split("\nFix\n", 1)[0]
    assert f"{code} {r.severity}" in example or code in ("SG103", "SG405")   # those show the error variant
    assert code in example


def test_explain_title_line_of_sg301():
    assert explain("SG301").startswith("SG301 evidence-missing (error)\n")


def test_explain_unknown_code_is_keyerror():
    with pytest.raises(KeyError):
        explain("SG999")


def test_a_clean_plan_has_no_findings():
    assert findings(ctx_for(clean_plan(), clean_items())) == []


def _no_owner_plan(**plan_kw):
    plan = clean_plan(**plan_kw)
    actions = [a.model_copy(update={"owner": None}) if a.id in ("RC-01", "PC-01") else a for a in plan.actions]
    return plan.model_copy(update={"actions": actions})


def test_action_waiver_covers_that_action_only():
    plan = _no_owner_plan()
    waived = plan.actions[0].model_copy(update={"waive": [Waiver(rule="SG201", reason="owner being recruited")]})
    plan = plan.model_copy(update={"actions": [waived, *plan.actions[1:]]})
    found = findings(ctx_for(plan, clean_items()), "SG201")
    assert sorted((f.action, f.waived, f.waiver_reason) for f in found) == [
        ("PC-01", False, None), ("RC-01", True, "owner being recruited")]
    counted = [f for f in found if not f.waived]
    assert [f.action for f in counted] == ["PC-01"]


def test_plan_waiver_covers_the_plan_and_all_its_actions():
    plan = _no_owner_plan(waive=[Waiver(rule="SG201", reason="interim plan"),
                                 Waiver(rule="SG405", reason="board met in March")])
    items = [i for i in clean_items() if i.type != "board_report"]
    found = findings(ctx_for(plan, items))
    assert {f.rule for f in found} == {"SG201", "SG405"}
    assert all(f.waived for f in found)
    assert {f.waiver_reason for f in found if f.rule == "SG201"} == {"interim plan"}
    assert [f for f in found if f.rule == "SG405"][0].waiver_reason == "board met in March"


def test_waiver_for_another_rule_or_plan_does_not_apply():
    plan = _no_owner_plan(waive=[Waiver(rule="SG202", reason="n/a")])
    other = make_plan([make_action("X-01")], id="SAP-OTHER", file="plans/other.yaml",
                      waive=[Waiver(rule="SG201", reason="other plan")])
    found = findings(ctx_for([plan, other], clean_items()), "SG201")
    assert found and not any(f.waived for f in found)


def test_findings_carry_file_line_ids_and_formatted_text():
    plan = clean_plan()
    a = plan.actions[0].model_copy(update={"owner": None, "lines": {"owner": 31}, "line": 25})
    plan = plan.model_copy(update={"actions": [a, *plan.actions[1:]]})
    (f,) = findings(ctx_for(plan, clean_items()), "SG201")
    assert (f.file, f.line, f.plan, f.action, f.severity, f.name) == (
        "plans/oakview.yaml", 31, "SAP-2026-007", "RC-01", "error", "owner-not-named")
    assert f.message == "RC-01 has no named owner: no owner given"
    assert "{" not in f.hint


def test_line_falls_back_to_the_action_line():
    plan = clean_plan()
    a = plan.actions[0].model_copy(update={"owner": None, "lines": {}, "line": 25})
    plan = plan.model_copy(update={"actions": [a, *plan.actions[1:]]})
    (f,) = findings(ctx_for(plan, clean_items()), "SG201")
    assert f.line == 25


def test_findings_are_sorted_by_file_line_code():
    def plan(pid, file, first_line):
        acts = [make_action(f"{pid}-A", owner=None, due=None, line=first_line + 10,
                            lines={"owner": first_line + 12, "due": first_line + 11}, requires=["audit"]),
                make_action(f"{pid}-B", owner="TBC", line=first_line, lines={"owner": first_line + 2},
                            requires=["audit"])]
        return make_plan(acts, id=pid, file=file, line=1)
    found = findings(ctx_for([plan("P2", "plans/b.yaml", 20), plan("P1", "plans/a.yaml", 40)]))
    keys = [f.sort_key() for f in found]
    assert keys == sorted(keys)
    assert found[0].file == "plans/a.yaml"
    sg = [(f.file, f.line, f.rule) for f in found if f.rule in ("SG201", "SG202")]
    assert sg == [("plans/a.yaml", 42, "SG201"), ("plans/a.yaml", 51, "SG202"), ("plans/a.yaml", 52, "SG201"),
                  ("plans/b.yaml", 22, "SG201"), ("plans/b.yaml", 31, "SG202"), ("plans/b.yaml", 32, "SG201")]


def test_a_rule_that_raises_is_reported_as_a_bug_with_its_code(monkeypatch):
    def broken(ctx):
        """What it checks\n    x\nWhy it matters\n    x\nExample\n    x\nFix\n    x"""
        raise ZeroDivisionError("boom")
        yield  # pragma: no cover

    monkeypatch.setitem(RULES, "SG998", Rule("SG998", "broken", "error", "m", "h", "", broken))
    with pytest.raises(RuntimeError, match=r"rule SG998 failed: boom") as info:
        findings(ctx_for(clean_plan(), clean_items()))
    assert isinstance(info.value.__cause__, ZeroDivisionError)


def test_hit_severity_overrides_and_args_format(monkeypatch):
    def custom(ctx):
        for plan in ctx.plans:
            yield Hit(plan, severity="info", field="plan.risk", args={"n": 3})

    monkeypatch.setitem(RULES, "SG997", Rule("SG997", "custom", "error", "{plan} has {n} things",
                                              "see {plan}", "", custom))
    plan = clean_plan(lines={"plan.risk": 9})
    (f,) = findings(ctx_for(plan, clean_items()), "SG997")
    assert (f.severity, f.message, f.hint, f.line, f.action) == ("info", "SAP-2026-007 has 3 things",
                                                                 "see SAP-2026-007", 9, None)


def test_registering_a_rule_needs_the_four_headings():
    from compiler.rules.registry import rule
    with pytest.raises(ValueError, match="headings"):
        @rule("SG990", "bad", severity="error", message="m", hint="h")
        def bad(ctx):
            """What it checks\n    only this"""
    assert "SG990" not in RULES


def test_a_message_argument_missing_from_a_hit_is_a_rule_bug(monkeypatch):
    def forgetful(ctx):
        yield Hit(ctx.plans[0])

    monkeypatch.setitem(RULES, "SG996", Rule("SG996", "forgetful", "error", "{plan} has {n}", "h", "", forgetful))
    with pytest.raises(RuntimeError, match="rule SG996 failed"):
        findings(ctx_for(clean_plan(), clean_items()))


def test_the_named_codes_the_packs_read_are_the_registered_rules():
    from compiler.rules import RULES, codes

    named = {name: value for name, value in vars(codes).items() if name.isupper() and isinstance(value, str)}
    assert named and all(code in RULES for code in named.values())
    assert RULES[codes.OWNER_NOT_NAMED].name == "owner-not-named"
    assert RULES[codes.RAG_OVERSTATED].name == "rag-overstated"
    assert RULES[codes.ACTION_OVERDUE].name == "action-overdue"
    assert RULES[codes.REVIEW_OVERDUE].name == "review-overdue"
    assert RULES[codes.BOARD_ASSURANCE_MISSING].name == "board-assurance-missing"
    assert codes.BOARD_EXCEPTIONS <= set(RULES)
