"""return.xlsx as a return: the commissioner pack built from the bundled example through the command line, its
workbook read back with openpyxl. A Cover (provider, contract, CQC location ids, the reporting period, prepared
and approved by), the Actions in the PAMMS shape (domain from the shipped mapping, a drop-down on the status) and
the Indicators for the reporting period only (numbers as numbers, suppression in its own column); --period in
both its forms and its default; return.csv keeps its flat shape."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import load_workbook

from builders import under_contracts
from compiler.cli import cli
from compiler.model.period import PeriodError, last_complete_quarter, reporting_period
from compiler.plans import load_plans
from compiler.views.commissioner import RETURN_COLUMNS
from compiler.views.commissioner_return import pamms
from compiler.vocab import vocab

ROOT = Path(__file__).resolve().parents[2]
PLANS = ROOT / "examples" / "plans"
EVIDENCE = ROOT / "examples" / "evidence"
MAPPING = ROOT / "compiler" / "data" / "pamms_domains.yaml"
AS_OF = "2026-11-20"
INDICATORS = ("Restrictive interventions per month (all people, Oakview)",
              "Incidents escalated to a manager within 24 hours (%)", "Missed calls per 1,000 planned calls",
              "Calls started more than 30 minutes late (%)")


# The commissioner pack holds only plans under a contract: builders.under_contracts puts every example plan
# under one.


def build(out: Path, *extra: str, plans: Path = PLANS):
    result = CliRunner().invoke(cli, ["build", str(plans), "--evidence", str(EVIDENCE), "--pack", "commissioner",
                                      "--as-of", AS_OF, "--out", str(out), *extra],
                                env={"SGPACK_KEY_DIR": str(out.parent / "keys")}, catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Path]:
    """The example built as it ships, for the calendar quarter 2026-Q2 signed off, for the same quarter written as
    a financial-year one, and from plans whose restrictive-interventions indicator counts people and whose first
    action's title begins with '='."""
    tmp = tmp_path_factory.mktemp("return")
    contracted = under_contracts(tmp / "contracted")
    plans = tmp / "plans"
    shutil.copytree(contracted, plans)
    oakview = plans / "oakview-restrictive-practice.yaml"
    text = oakview.read_text(encoding="utf-8")
    text = text.replace("    target: 4\n", "    target: 4\n    counts: people\n", 1)
    text = text.replace("    title: Prone restraint stopped;", "    title: \"=HYPERLINK(1) Prone restraint stopped;", 1)
    text = text.replace("reviewed within 72 hours\n", "reviewed within 72 hours\"\n", 1)
    oakview.write_text(text, encoding="utf-8")
    runs = {"default": (), "calendar": ("--period", "2026-Q2", "--prepared-by", "Tom Hughes, Quality Lead",
                                        "--approved-by", "Priya Shah, Registered Manager"),
            "financial": ("--period", "Q1 2026/27"), "people": ()}
    out = {}
    for name, extra in runs.items():
        result = build(tmp / name, *extra, plans=plans if name == "people" else contracted)
        assert result.exit_code == 0, result.output
        out[name] = tmp / name
    out["plans"] = contracted           # what they were built from
    return out


def table(ws) -> list[dict]:
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return [{h: c for h, c in zip(header, row)} for row in rows[1:]]


def cover(ws) -> dict[str, tuple]:
    """{label: (value, note)} of the cover's lines."""
    return {row[0].value: (row[1].value, row[4].value) for row in ws.iter_rows(min_row=3, max_row=8)}


def workbook(packs, name: str):
    return load_workbook(packs[name] / "return.xlsx")


# ------------------------------------------------------------------------------------------------ the sheets

def test_a_sheet_per_purpose(packs):
    assert workbook(packs, "default").sheetnames == ["Cover", "Actions", "Indicators"]


def test_the_cover_says_whose_return_for_which_quarter_and_who_signs_it(packs):
    ws = workbook(packs, "default")["Cover"]
    lines = cover(ws)
    assert lines["Provider"] == ("Example Care Ltd", None)
    assert lines["Contract reference"][0] == "LA-DOM-2025-12, NCC-QUA-2026-001, NCC-RES-2026-004"
    assert lines["Reporting period"] == ("July–September 2026 (Q2 2026/27)",
                                         "the last complete quarter before the as-of date, 20 November 2026")
    assert lines["Figures as of"][0] == "20 November 2026"
    assert lines["Prepared by"] == (None, None) and lines["Approved by"] == (None, None)   # left to sign
    texts = [[c.value for c in row] for row in ws.iter_rows()]
    start = texts.index(["Contract", "Service", "CQC location ID", "Plan", "Title", "Actions"])
    plans = {row[3]: row for row in texts[start + 1:start + 4]}
    for plan in load_plans([packs["plans"]]):
        assert plans[plan.id][:3] == [plan.contract, plan.service, plan.location_id]
        assert plans[plan.id][5] == len(plan.actions)
    signed = cover(workbook(packs, "calendar")["Cover"])
    assert signed["Prepared by"][0] == "Tom Hughes, Quality Lead"
    assert signed["Approved by"][0] == "Priya Shah, Registered Manager"


def test_the_period_in_either_form_is_the_same_quarter(packs):
    calendar, financial = (cover(workbook(packs, name)["Cover"])["Reporting period"]
                           for name in ("calendar", "financial"))
    assert calendar == ("April–June 2026 (Q1 2026/27)", "as given: 2026-Q2")
    assert financial == ("April–June 2026 (Q1 2026/27)", "as given: Q1 2026/27")
    rows = [[[c.value for c in row] for row in workbook(packs, name)["Indicators"].iter_rows()]
            for name in ("calendar", "financial")]
    assert rows[0] == rows[1]
    assert {r[4] for r in rows[0][1:]} == {"June 2026"}


def test_the_indicators_are_for_the_reporting_period_only(packs):
    rows = {r["Indicator"].value: r for r in table(workbook(packs, "default")["Indicators"])}
    assert sorted(rows) == sorted(INDICATORS)                    # one row each: no baseline months, no series
    assert {r["Latest in period"].value for r in rows.values()} == {"September 2026"}
    missed, late, escalated = (rows[t] for t in INDICATORS[2:] + INDICATORS[1:2])
    assert (missed["Value"].value, missed["Target"].value) == (0.9, 1)
    assert missed["RAG for the period"].value == "Amber"          # 1.9 and 1.6 missed the target, 0.9 met it
    assert (late["Value"].value, late["RAG for the period"].value) == (7.9, "Red")     # 9.8, 8.6, 7.9 against 5
    assert (escalated["Value"].value, escalated["RAG for the period"].value) == (91, "Red")
    assert missed["Trend"].value == "Improving: down since June 2026"
    assert escalated["Trend"].value == "Improving: up since June 2026"
    assert missed["Better"].value == "Lower is better" and escalated["Better"].value == "Higher is better"
    signals = " ".join(r["SPC signal"].value for r in rows.values())
    assert "beyond the process limit" in signals and "two of three near the limit" in signals
    assert "astronomical" not in signals and "two_of_three" not in signals
    earlier = {r["Latest in period"].value for r in table(workbook(packs, "calendar")["Indicators"])}
    assert earlier == {"June 2026"}


def test_values_are_numbers_and_text_is_text(packs):
    book = workbook(packs, "people")
    for row in table(book["Indicators"]):
        for column in ("Value", "Target"):
            cell = row[column]
            assert cell.value is None or cell.data_type == "n", (column, cell.value)
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
    first = table(book["Actions"])[0]
    assert first["Action"].value.startswith("=HYPERLINK(1) Prone restraint") and first["Action"].data_type == "s"
    due = first["Timeline (due)"]
    assert due.value == dt.datetime(2026, 12, 31) and due.number_format == "DD/MM/YYYY"


def test_a_suppressed_value_is_an_empty_cell_and_says_so_in_its_own_column(packs):
    shown = {r["Indicator"].value: r for r in table(workbook(packs, "default")["Indicators"])}[INDICATORS[0]]
    assert (shown["Value"].value, shown["Suppression"].value) == (3, None)     # interventions: events, shown
    people = {r["Indicator"].value: r for r in table(workbook(packs, "people")["Indicators"])}[INDICATORS[0]]
    assert people["Value"].value is None and people["Suppression"].value == "suppressed (<5)"
    assert people["Target"].value == 4
    assert people["SPC signal"].value == "Improvement (special cause)"          # no rule that would place it
    assert people["Trend"].value == "Improving: down since June 2026"          # 6 in June; under 5 either way
    assert people["RAG for the period"].value == "Amber"                       # July's 5 missed; <5 meets 4
    for row in table(workbook(packs, "people")["Indicators"]):
        assert not isinstance(row["Value"].value, str)


def test_status_and_rag_columns_have_drop_downs(packs):
    book = workbook(packs, "default")
    actions = book["Actions"]
    header = [c.value for c in actions[1]]
    rows = actions.max_row
    found = {}
    for check in actions.data_validations.dataValidation:
        for column in ("Status", "RAG"):
            letter = actions.cell(1, header.index(column) + 1).column_letter
            if f"{letter}2:{letter}{rows}" in str(check.sqref):
                found[column] = (check.type, check.formula1, check.showErrorMessage)
    assert found["Status"] == ("list", '"Planned,In progress,Completed,Closed"', True)
    assert found["RAG"] == ("list", '"Red,Amber,Green,Blue"', True)
    statuses = {r["Status"].value for r in table(actions)}
    assert statuses <= {"Planned", "In progress", "Completed", "Closed"} and "Closed" in statuses
    indicators = book["Indicators"]
    assert [c.formula1 for c in indicators.data_validations.dataValidation] == ['"Red,Amber,Green"']


def test_each_action_has_the_pamms_domain_of_its_first_quality_statement(packs):
    mapping = yaml.safe_load(MAPPING.read_text(encoding="utf-8"))["quality_statements"]
    names = vocab().quality_statements
    rows = {r["Ref"].value: r for r in table(workbook(packs, "default")["Actions"])}
    plans = load_plans([packs["plans"]])
    assert sorted(rows) == sorted(a.id for p in plans for a in p.actions)
    for plan in plans:
        for action in plan.actions:
            first = (action.quality_statements or plan.quality_statements)[0]
            row = rows[action.id]
            assert row["PAMMS domain"].value == mapping[first], action.id
            assert row["CQC quality statement"].value == (
                names[first][1] if action.quality_statements else f"{names[first][1]} (the plan's)")
            assert row["Contract"].value == plan.contract and row["Service"].value == plan.service
            assert row["Issue"].value.startswith(plan.title)
    assert rows["RH-02"]["PAMMS domain"].value == "Suitability of Staffing"
    assert rows["RP-01"]["PAMMS domain"].value == "Safeguarding and Safety"
    assert rows["RQ-05"]["PAMMS domain"].value == "Involvement and Information"


def test_the_provider_update_is_the_update_for_the_commissioner_where_there_is_one(packs):
    rows = {r["Ref"].value: r for r in table(workbook(packs, "default")["Actions"])}
    actions = {a.id: a for p in load_plans([packs["plans"]]) for a in p.actions}
    for aid in ("RP-02", "RH-04"):
        assert rows[aid]["Provider update"].value == " ".join(actions[aid].commissioner_update.split())
    assert "KL" not in rows["RP-02"]["Provider update"].value
    assert rows["RP-01"]["Provider update"].value.startswith("No prone restraint since 16 February.")
    assert rows["RP-03"]["RAG"].value == "Blue" and rows["RP-03"]["Status"].value == "Closed"


def test_the_pamms_mapping_places_every_quality_statement_in_one_of_five_domains():
    domains, mapping = pamms()
    assert len(domains) == 5 and "Safeguarding and Safety" in domains
    assert set(mapping) == set(vocab().quality_statements)
    assert set(mapping.values()) == set(domains)


def test_the_docs_list_the_mapping_as_it_ships():
    text = (ROOT / "docs" / "commissioner.md").read_text(encoding="utf-8")
    text = text[text.index("| quality statement | PAMMS domain |"):text.index("## `return.csv`")]
    rows = re.findall(r"^\| `([a-z_]+)` \| ([A-Za-z ]+) \|$", text, flags=re.MULTILINE)
    assert rows == list(pamms()[1].items())


def test_the_csv_keeps_its_flat_shape_in_the_same_words(packs):
    rows = list(csv.reader(io.StringIO((packs["default"] / "return.csv").read_text(encoding="utf-8-sig"))))
    assert tuple(rows[0]) == RETURN_COLUMNS
    body = [dict(zip(rows[0], r)) for r in rows[1:]]
    assert {r["metric"] for r in body} == set(INDICATORS)
    assert len(body) > len(INDICATORS)                          # every period of each series
    signals = {r["SPC signal"] for r in body}
    assert "Baseline (before the action)" in signals
    assert not [s for s in signals if "astronomical" in s or "two_of_three" in s]


# ------------------------------------------------------------------------------------------------ the period

def test_a_quarter_in_either_form_and_the_default():
    as_of = dt.date(2026, 11, 20)
    for text in ("2026-Q3", "2026 Q3", "Q3 2026", "Q2 2026/27", "2026/27 Q2", "q2 2026/27"):
        period = reporting_period(text, as_of)
        assert (period.start, period.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30)), text
        assert period.label == "July–September 2026 (Q2 2026/27)"
    assert reporting_period("Q4 2025/26", as_of).label == "January–March 2026 (Q4 2025/26)"
    assert reporting_period(None, as_of) == last_complete_quarter(as_of)
    for day, label in ((dt.date(2026, 11, 20), "July–September 2026 (Q2 2026/27)"),
                       (dt.date(2026, 10, 1), "July–September 2026 (Q2 2026/27)"),
                       (dt.date(2026, 9, 30), "April–June 2026 (Q1 2026/27)"),
                       (dt.date(2027, 1, 1), "October–December 2026 (Q3 2026/27)"),
                       (dt.date(2026, 2, 14), "October–December 2025 (Q3 2025/26)")):
        assert last_complete_quarter(day).label == label, day


@pytest.mark.parametrize("text, expected", [
    ("2026-Q4", "'2026-Q4' is October–December 2026 (Q3 2026/27), which has not ended by the as-of date, "
                "20 November 2026"),
    ("May 2026", "'May 2026' is a month, not a quarter; give a quarter: 2026-Q3"),
    ("01/07/2026", "'01/07/2026' is a day, not a quarter"),
    ("2026-Q5", "'2026-Q5' is not a quarter sgpack reads"),
    ("Q2 2026/28", "'Q2 2026/28' is not a financial year (2026/28: the second year must follow the first)"),
])
def test_anything_but_a_complete_quarter_is_refused(text, expected):
    with pytest.raises(PeriodError) as caught:
        reporting_period(text, dt.date(2026, 11, 20))
    assert str(caught.value).startswith(expected)


def test_the_command_line_refuses_a_bad_period_and_writes_nothing(tmp_path):
    result = build(tmp_path / "pack", "--period", "2026-Q4")
    assert result.exit_code == 2
    assert "--period" in result.output and "has not ended by the as-of date" in result.output
    assert not (tmp_path / "pack").exists()
