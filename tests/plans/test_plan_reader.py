"""The plan reader (compiler.plans): valid plans, line numbers, and every kind of bad input."""
from __future__ import annotations

import datetime as dt
import pathlib

import pytest

from compiler.errors import SgpackError
from compiler.model.plan import Owner
from compiler.plans import load_plans
from compiler.plans import loader, strict_yaml

OAKVIEW = """\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-007
  title: Restrictive practice at Oakview
  service: Oakview
  contract: LA-DOM-2025-12
  origin: Section 42 enquiry LA-2026-0042
  abuse_types: [restrictive_practice]
  risk: high
  opened: 2026-02-14
  governance_forum: Quality and Safeguarding Committee
  quality_statements: [safeguarding, learning_culture]
  waive:
    - rule: SG104
      reason: "financial audit not applicable: no money handled"
indicators:
  - id: restrictive_interventions
    title: Restrictive interventions per month
    better: lower
    data: indicators/oakview-restrictive-interventions.csv
    target: 4
actions:
  - id: RP-01
    title: Managers review restrictive practice logs weekly
    kind: oversight
    owner: {name: Priya Shah, role: Registered Manager}
    opened: 2026-02-20
    due: 2026-05-31
    status: in_progress
    rag: amber
    narrative: >
      Weekly reviews started 3 March; two weeks missed in April (leave cover).
    indicators: [restrictive_interventions]
    requires:
      - type: audit
        count: 8
        within_days: 90
        target: 90
        note: Weekly restrictive practice log review sheets
      - type: governance_minutes
    evidence: [minutes-2026-04-12]
    reviews:
      - date: 2026-03-12
        forum: Quality and Safeguarding Committee
        rag: red
        narrative: Logs incomplete; NED challenged recording quality.
    waive: [{rule: SG406, reason: first review cycle only}]
  - id: RP-02
    title: Positive behaviour support plans rewritten with families
    kind: practice_change
    owner: Tom Baker (Deputy Manager)
    risk: medium
    due: 2026-04-30
    rag: green
  - id: RP-03
    title: Debrief after every restrictive intervention
    kind: risk_control
    owner: On-call team
  - id: RP-04
    title: Monthly incident data to the Board
    kind: evidence_measure
"""


def write(root: pathlib.Path, relative: str, text: str | bytes) -> str:
    """Write `text` to root/relative and return `relative` (the path as a user would give it)."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return relative


def line_of(text: str, fragment: str) -> int:
    """The 1-based line of the first line of `text` holding `fragment`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            return number
    raise AssertionError(f"{fragment!r} not in the text")


def edit(old: str, new: str, text: str = OAKVIEW) -> str:
    """`text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


@pytest.fixture(autouse=True, params=["libyaml", "pure"])
def reader(request, monkeypatch):
    """Every test runs with both YAML readers: libyaml's (the fast path, when installed) and the
    pure-Python one. They must give the same plans and the same errors, word for word."""
    if request.param == "libyaml" and strict_yaml._CParser is None:
        pytest.skip("PyYAML has no libyaml here")
    monkeypatch.setattr(strict_yaml, "USE_LIBYAML", request.param == "libyaml")
    return request.param


@pytest.fixture
def work(tmp_path, monkeypatch):
    """A working folder: paths in messages are relative to it, as on the command line."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def error_of(paths) -> str:
    with pytest.raises(SgpackError) as caught:
        load_plans(paths)
    return str(caught.value)


def load_one(work, text: str, name: str = "plans/oakview.yaml"):
    return load_plans([write(work, name, text)])[0]


# --- a valid plan -------------------------------------------------------------------------------

def test_valid_plan_reads_every_field(work):
    plan = load_one(work, OAKVIEW)
    assert plan.file == "plans/oakview.yaml"
    assert (plan.id, plan.provider, plan.service, plan.risk) == ("SAP-2026-007", "Example Care Ltd", "Oakview", "high")
    assert plan.opened == dt.date(2026, 2, 14)
    assert plan.review_every_days == 28                      # default
    assert plan.abuse_types == ["restrictive_practice"]
    assert plan.quality_statements == ["safeguarding", "learning_culture"]
    assert [a.id for a in plan.actions] == ["RP-01", "RP-02", "RP-03", "RP-04"]

    rp1, rp2, rp3, rp4 = plan.actions
    assert rp1.narrative == "Weekly reviews started 3 March; two weeks missed in April (leave cover)."
    assert rp1.indicators == ["restrictive_interventions"]
    assert rp1.evidence == ["minutes-2026-04-12"]
    assert [(r.type, r.count, r.within_days, r.target) for r in rp1.requires] == [
        ("audit", 8, 90, 90.0), ("governance_minutes", 1, None, None)]
    assert rp1.reviews[0].date == dt.date(2026, 3, 12) and rp1.reviews[0].rag == "red"
    assert [(w.rule, w.reason) for w in rp1.waive] == [("SG406", "first review cycle only")]
    assert [(w.rule, w.reason) for w in plan.waive] == [
        ("SG104", "financial audit not applicable: no money handled")]
    assert plan.indicator("restrictive_interventions").target == 4.0


def test_action_defaults_come_from_the_plan(work):
    plan = load_one(work, OAKVIEW)
    rp1, rp2, rp3, rp4 = plan.actions
    assert (rp1.risk, rp1.opened) == ("high", dt.date(2026, 2, 20))       # its own opened
    assert (rp2.risk, rp2.opened) == ("medium", dt.date(2026, 2, 14))     # its own risk
    assert (rp4.risk, rp4.opened, rp4.status) == ("high", dt.date(2026, 2, 14), "planned")
    assert rp4.narrative is None and rp4.due is None and rp4.requires == []


def test_owner_forms(work):
    plan = load_one(work, OAKVIEW)
    rp1, rp2, rp3, rp4 = plan.actions
    assert rp1.owner == Owner(name="Priya Shah", role="Registered Manager", raw="Priya Shah (Registered Manager)")
    assert rp2.owner == Owner(name="Tom Baker", role="Deputy Manager", raw="Tom Baker (Deputy Manager)")
    assert rp3.owner == Owner(name="On-call team", raw="On-call team")   # SG201 judges it, not the reader
    assert rp4.owner is None


def test_owner_role_only_and_tbc(work):
    text = edit("    owner: On-call team", "    owner: (Registered Manager)")
    text = edit("    kind: evidence_measure", "    kind: evidence_measure\n    owner: TBC", text)
    rp3, rp4 = load_one(work, text).actions[2:]
    assert rp3.owner == Owner(name=None, role="Registered Manager", raw="(Registered Manager)")
    assert rp4.owner == Owner(name="TBC", raw="TBC")


def test_line_numbers(work):
    plan = load_one(work, OAKVIEW)
    assert plan.line == line_of(OAKVIEW, "plan:") == 3
    assert plan.lines["plan.risk"] == 10
    assert plan.lines["plan.opened"] == 11
    assert plan.lines["indicators[0]"] == plan.indicators[0].line == 18
    assert plan.lines["indicators[0].data"] == 21
    assert plan.lines["waive[0]"] == plan.waive[0].line == 15
    rp1, rp2 = plan.actions[:2]
    assert (rp1.path, rp1.line) == ("actions[0]", 24)
    assert rp1.lines["id"] == 24
    assert rp1.line_of("owner") == line_of(OAKVIEW, "owner: {name: Priya Shah")
    assert rp1.line_of("due") == line_of(OAKVIEW, "due: 2026-05-31")
    assert rp1.line_of("rag") == line_of(OAKVIEW, "rag: amber")
    assert rp1.line_of("narrative") == line_of(OAKVIEW, "narrative: >")
    assert rp1.line_of("requires[0]") == rp1.requires[0].line == line_of(OAKVIEW, "- type: audit")
    assert rp1.line_of("requires[1]") == rp1.requires[1].line == line_of(OAKVIEW, "- type: governance_minutes")
    assert rp1.line_of("reviews[0]") == rp1.reviews[0].line == line_of(OAKVIEW, "- date: 2026-03-12")
    assert rp1.line_of("evidence[0]") == line_of(OAKVIEW, "evidence: [minutes")
    assert rp1.line_of("waive[0]") == rp1.waive[0].line == line_of(OAKVIEW, "waive: [{rule: SG406")
    assert rp1.line_of("no-such-field") == rp1.line
    assert (rp2.path, rp2.line, rp2.line_of("rag")) == ("actions[1]", 49, 55)


def test_folders_are_read_recursively_and_sorted(work):
    write(work, "plans/zeta.yml", edit("id: SAP-2026-007", "id: SAP-Z").replace("RP-0", "Z-0"))
    write(work, "plans/sub/alpha.yaml", edit("id: SAP-2026-007", "id: SAP-A").replace("RP-0", "A-0"))
    write(work, "plans/notes.txt", "not a plan")
    write(work, "plans/.hidden/old.yaml", "broken: [")
    plans = load_plans(["plans"])
    assert [p.file for p in plans] == ["plans/sub/alpha.yaml", "plans/zeta.yml"]
    assert [p.id for p in plans] == ["SAP-A", "SAP-Z"]


def test_a_file_given_twice_is_read_once(work):
    write(work, "plans/oakview.yaml", OAKVIEW)
    assert len(load_plans(["plans", "plans/oakview.yaml", pathlib.Path("plans")])) == 1


# --- the fields for commissioners: location_id, an action's quality_statements and commissioner_update, counts ----

FOR_COMMISSIONERS = (
    ("  contract: LA-DOM-2025-12\n", "  contract: LA-DOM-2025-12\n  location_id: 1-123456789\n"),
    ("    target: 4\n", "    target: 4\n    counts: people\n"),
    ("    waive: [{rule: SG406, reason: first review cycle only}]\n",
     "    waive: [{rule: SG406, reason: first review cycle only}]\n"
     "    quality_statements: [involving_people_to_manage_risks, safeguarding]\n"
     "    commissioner_update: Weekly reviews since 3 March; two missed in April, both made up in May.\n"),
)


def with_commissioner_fields(text: str = OAKVIEW) -> str:
    for old, new in FOR_COMMISSIONERS:
        text = edit(old, new, text)
    return text


def test_the_fields_for_commissioners_are_read(work):
    plan = load_one(work, with_commissioner_fields())
    rp1, rp2 = plan.actions[:2]
    assert plan.location_id == "1-123456789"
    assert plan.indicator("restrictive_interventions").counts == "people"
    assert rp1.quality_statements == ["involving_people_to_manage_risks", "safeguarding"]
    assert rp1.commissioner_update == "Weekly reviews since 3 March; two missed in April, both made up in May."
    assert plan.quality_statements_of(rp1) == ["involving_people_to_manage_risks", "safeguarding"]
    # none given: no location id, events, and the plan's quality statements
    assert rp2.quality_statements == [] and rp2.commissioner_update is None
    assert plan.quality_statements_of(rp2) == ["safeguarding", "learning_culture"]
    plain = load_one(work, OAKVIEW, "plans/plain.yaml")
    assert plain.location_id is None and plain.indicator("restrictive_interventions").counts == "events"


UPDATE = "    commissioner_update: Weekly reviews since 3 March; two missed in April, both made up in May."
STATEMENTS = "    quality_statements: [involving_people_to_manage_risks, safeguarding]"


@pytest.mark.parametrize("old, new, expected", [
    ("  location_id: 1-123456789", "  location_id: 123456789",
     "plan.location_id: '123456789' is not a CQC location id; it is 1- and 9 to 11 digits, as in the "
     "location's address on the CQC website, e.g. 1-123456789"),
    ("  location_id: 1-123456789", "  location_id: 1-1234", "plan.location_id: '1-1234' is not a CQC location id;"),
    ("  location_id: 1-123456789", "  location_id: RXH01", "plan.location_id: 'RXH01' is not a CQC location id;"),
    ("  location_id: 1-123456789", "  location_id: [1-123456789]", "plan.location_id: expected text, got a list"),
    ("    counts: people", "    counts: persons",
     "indicators[0].counts: 'persons' is not allowed; expected one of: people, events"),
    ("    counts: people", "    counts: People",
     "indicators[0].counts: 'People' is not allowed; expected one of: people, events (did you mean 'people'?)"),
    (STATEMENTS, "    quality_statements: [safeguard]",
     "actions[0].quality_statements[0]: unknown quality statement 'safeguard'; did you mean 'safeguarding'?"),
    (STATEMENTS, "    quality_statements: safeguarding",
     "actions[0].quality_statements: expected a list, got 'safeguarding'"),
    (UPDATE, "    commissioner_update: [Weekly reviews]", "actions[0].commissioner_update: expected text, got a list"),
])
def test_the_fields_for_commissioners_refuse_bad_values(work, old, new, expected):
    text = edit(old, new, with_commissioner_fields())
    write(work, "plans/oakview.yaml", text)
    assert error_of(["plans/oakview.yaml"]).startswith(f"plans/oakview.yaml:{line_of(text, new)}: {expected}")


def test_a_blank_location_id_or_commissioner_update_is_none(work):
    text = edit("  location_id: 1-123456789", "  location_id:", with_commissioner_fields())
    text = edit(UPDATE, "    commissioner_update: ''", text)
    plan = load_one(work, text)
    assert plan.location_id is None and plan.actions[0].commissioner_update is None


def test_yaml_1_1_surprises_are_not_applied(work):
    text = edit("  contract: LA-DOM-2025-12", "  contract: 0755")
    text = edit("  origin: Section 42 enquiry LA-2026-0042", "  origin: 1:30", text)
    text = edit("    title: Monthly incident data to the Board", "    title: yes", text)
    text = edit("    owner: On-call team", "    owner: no", text)
    plan = load_one(work, text)
    assert (plan.contract, plan.origin) == ("0755", "1:30")
    assert (plan.actions[3].title, plan.actions[2].owner.raw) == ("yes", "no")


def test_numbers_and_dates_where_text_is_expected_keep_their_written_form(work):
    text = edit("evidence: [minutes-2026-04-12]", "evidence: [2026-04-12, 42]")
    assert load_one(work, text).actions[0].evidence == ["2026-04-12", "42"]


# --- errors: each one names file, line and field ----------------------------------------------

def test_yaml_syntax_error(work):
    write(work, "plans/oakview.yaml", edit("  risk: high", "  risk: high: very"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:10: invalid YAML: mapping values are not allowed here")


def test_unclosed_flow_list(work):
    write(work, "plans/oakview.yaml", edit("  abuse_types: [restrictive_practice]", "  abuse_types: [restrictive_practice"))
    assert error_of(["plans/oakview.yaml"]).startswith("plans/oakview.yaml:10: invalid YAML: ")


def test_unknown_key_with_suggestion(work):
    write(work, "plans/oakview.yaml", edit("    owner: Tom Baker (Deputy Manager)", "    ownr: Tom Baker (Deputy Manager)"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:52: actions[1].ownr: unknown key 'ownr'; did you mean 'owner'?")


def test_unknown_key_without_close_match_lists_the_keys(work):
    write(work, "plans/oakview.yaml", edit("    target: 4\n", "    target: 4\n    colour: red\n"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:23: indicators[0].colour: unknown key 'colour'; "
        "expected one of: better, counts, data, id, target, title")


def test_unknown_top_level_key(work):
    write(work, "plans/oakview.yaml", "providr: Example Care Ltd\n" + OAKVIEW)
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:1: providr: unknown key 'providr'; did you mean 'provider'?")


def test_duplicate_key(work):
    write(work, "plans/oakview.yaml", edit("    due: 2026-04-30\n", "    due: 2026-04-30\n    due: 2026-05-30\n"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:55: actions[1].due: duplicate key 'due': first at line 54, again at line 55")


def test_duplicate_plan_id_across_files(work):
    write(work, "plans/a.yaml", OAKVIEW)
    write(work, "plans/b.yaml", OAKVIEW.replace("RP-0", "B-0"))
    assert error_of(["plans"]) == (
        "plans/b.yaml:4: plan.id: duplicate plan id 'SAP-2026-007' (first defined at plans/a.yaml:4)")


def test_duplicate_action_id_across_files(work):
    write(work, "plans/a.yaml", OAKVIEW)
    write(work, "plans/b.yaml", edit("id: SAP-2026-007", "id: SAP-2026-008").replace("RP-02", "B-02"))
    assert error_of(["plans/b.yaml", "plans/a.yaml"]) == (
        "plans/b.yaml:24: actions[0].id: duplicate action id 'RP-01' (first defined at plans/a.yaml:24)")


def test_action_id_equal_to_a_plan_id(work):
    write(work, "plans/oakview.yaml", edit("  - id: RP-04", "  - id: SAP-2026-007"))
    assert error_of(["plans"]) == (
        "plans/oakview.yaml:60: actions[3].id: action id 'SAP-2026-007' is already a plan id "
        "(defined at plans/oakview.yaml:4)")


def test_impossible_date(work):
    write(work, "plans/oakview.yaml", edit("    due: 2026-04-30", "    due: 2026-02-30"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:54: actions[1].due: 2026-02-30 is not a valid date")


def test_date_time_is_not_a_date(work):
    write(work, "plans/oakview.yaml", edit("  opened: 2026-02-14", "  opened: 2026-02-14T09:30:00"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:11: plan.opened: expected a date (YYYY-MM-DD), got '2026-02-14T09:30:00'")


@pytest.mark.parametrize("line, field, expected", [
    ("  title: Restrictive practice at Oakview\n", "plan.title", "plans/oakview.yaml:3: plan.title: field required"),
    ("provider: Example Care Ltd\n", "provider", "plans/oakview.yaml:1: provider: field required"),
    ("    kind: oversight\n", "actions[0].kind", "plans/oakview.yaml:24: actions[0].kind: field required"),
])
def test_missing_required_field(work, line, field, expected):
    write(work, "plans/oakview.yaml", edit(line, ""))
    assert error_of(["plans/oakview.yaml"]) == expected


def test_missing_narrative_is_not_a_schema_error(work):
    rp2 = load_one(work, OAKVIEW).actions[1]       # rag: green and no narrative: SG401's job
    assert rp2.rag == "green" and rp2.narrative is None


def test_first_error_in_file_order_is_reported(work):
    # pydantic checks `kind` before `due` (model order); the file has `due` first, so it wins
    text = edit("    kind: evidence_measure", "    due: someday\n    kind: evidence")
    write(work, "plans/oakview.yaml", text)
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:62: actions[3].due: expected a date (YYYY-MM-DD), got 'someday'")


def test_aliases_and_anchors_are_refused(work):
    text = edit("    owner: Tom Baker (Deputy Manager)", "    owner: &deputy Tom Baker (Deputy Manager)")
    text = edit("    owner: On-call team", "    owner: *deputy", text)
    write(work, "plans/oakview.yaml", text)
    assert error_of(["plans/oakview.yaml"]) == "plans/oakview.yaml:52: aliases and anchors are not allowed"


def test_bad_enum_lists_the_allowed_values(work):
    write(work, "plans/oakview.yaml", edit("    kind: risk_control", "    kind: risk-control"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:58: actions[2].kind: 'risk-control' is not allowed; expected one of: "
        "risk_control, practice_change, oversight, evidence_measure (did you mean 'risk_control'?)")


def test_wrong_format(work):
    write(work, "plans/oakview.yaml", edit("format: sgpack/plan@1", "format: sgpack/plan@2"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:1: format: unknown format 'sgpack/plan@2'; expected 'sgpack/plan@1'")


def test_unknown_evidence_type(work):
    write(work, "plans/oakview.yaml", edit("      - type: governance_minutes", "      - type: governance_minute"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:41: actions[0].requires[1].type: unknown evidence type 'governance_minute'; "
        "did you mean 'governance_minutes'?")


def test_unknown_abuse_type_and_quality_statement(work):
    write(work, "plans/a.yaml", edit("[restrictive_practice]", "[restrictive]"))
    assert error_of(["plans/a.yaml"]) == (
        "plans/a.yaml:9: plan.abuse_types[0]: unknown abuse type 'restrictive'; did you mean 'restrictive_practice'?")
    write(work, "plans/b.yaml", edit("[safeguarding, learning_culture]", "[safeguarding, learning]"))
    assert error_of(["plans/b.yaml"]) == (
        "plans/b.yaml:13: plan.quality_statements[1]: unknown quality statement 'learning'; "
        "did you mean 'learning_culture'?")


def test_unknown_indicator_link(work):
    write(work, "plans/oakview.yaml", edit("    indicators: [restrictive_interventions]", "    indicators: [restraints]"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:34: actions[0].indicators[0]: unknown indicator 'restraints'; "
        "expected one of: restrictive_interventions")


@pytest.mark.parametrize("old, new, expected", [
    ("        count: 8", "        count: 0", "37: actions[0].requires[0].count: must be at least 1, got 0"),
    ("        within_days: 90", "        within_days: 0755", "38: actions[0].requires[0].within_days: expected a whole number, got '0755'"),
    ("  opened: 2026-02-14", "  opened: 2026-02-14\n  review_every_days: -7", "12: plan.review_every_days: must be at least 1, got -7"),
    ("    - rule: SG104", "    - rule: 104", "15: plan.waive[0].rule: '104' is not a rule code; expected SG and three digits, e.g. SG104"),
    ('      reason: "financial audit not applicable: no money handled"', '      reason: ""', "16: plan.waive[0].reason: must not be empty"),
    ("    owner: On-call team", "    owner: [On-call team]", "59: actions[2].owner: expected a name such as 'Priya Shah (Registered Manager)' or a mapping with name and role, got a list"),
    ("    title: Monthly incident data to the Board", "    title:", "61: actions[3].title: expected text, got nothing"),
    ("  - id: RP-04", "  - id: RP 04", "60: actions[3].id: 'RP 04' must not contain spaces"),
    ("        target: 90", "        target: ninety", "39: actions[0].requires[0].target: expected a number, got 'ninety'"),
    ("    rag: amber", "    rag: Amber", "31: actions[0].rag: 'Amber' is not allowed; expected one of: red, amber, green, blue (did you mean 'amber'?)"),
    ("    target: 4\n", "    target: 4\n  - id: restrictive_interventions\n    title: t\n    better: lower\n    data: x.csv\n", None),
])
def test_value_errors(work, old, new, expected):
    write(work, "plans/oakview.yaml", edit(old, new))
    message = error_of(["plans/oakview.yaml"])
    if expected is None:   # a second indicator with the same id: error at the second one
        assert message == ("plans/oakview.yaml:23: indicators[1].id: duplicate indicator id "
                           "'restrictive_interventions' (first defined at line 18)")
    else:
        assert message == "plans/oakview.yaml:" + expected


def test_non_utf8_file(work):
    write(work, "plans/oakview.yaml", OAKVIEW.replace("Oakview\n", "Oakv\xefew\n").encode("latin-1"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:5: the file is not UTF-8 text; save it as UTF-8")


def test_control_character(work):
    write(work, "plans/oakview.yaml", edit("  service: Oakview", "  service: Oak\x07view"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:6: the character U+0007 is not allowed in YAML")


def test_explicit_tags_are_refused(work):
    write(work, "plans/oakview.yaml", edit("    target: 4", "    target: !!python/object:os.system 4"))
    assert error_of(["plans/oakview.yaml"]) == (
        "plans/oakview.yaml:22: YAML tags are not allowed (!!python/object:os.system)")


def test_too_large_file(work, monkeypatch):
    monkeypatch.setattr(loader, "MAX_BYTES", 100)
    write(work, "plans/oakview.yaml", OAKVIEW)
    assert error_of(["plans/oakview.yaml"]) == "plans/oakview.yaml: the file is larger than 100 bytes"


@pytest.mark.parametrize("text, expected", [
    ("", "plans/oakview.yaml:1: a plan file must be a mapping with format, provider, plan, indicators and actions; this file is empty"),
    ("- a\n- b\n", "plans/oakview.yaml:1: a plan file must be a mapping with format, provider, plan, indicators and actions; this file is a list, not a mapping"),
    (OAKVIEW + "---\nprovider: x\n", "plans/oakview.yaml:63: invalid YAML: a plan file holds one YAML document (found a second '---')"),
])
def test_not_a_plan(work, text, expected):
    write(work, "plans/oakview.yaml", text)
    assert error_of(["plans/oakview.yaml"]) == expected


def test_missing_path_and_empty_folder(work):
    assert error_of(["plans/nowhere.yaml"]) == "plans/nowhere.yaml: no such file or folder"
    (work / "empty").mkdir()
    write(work, "empty/readme.txt", "no plans here")
    assert error_of(["empty"]) == "empty: no plan files (*.yaml, *.yml) in this folder"
