"""Audit scores (type audit) and indicator series from CSV and XLSX: the strict header, tables as systems export
them, every sheet of a workbook, and bad cells (docs/evidence.md, Data files)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from es_fixtures import write, xlsx_bytes

from evidence_store import scan
from evidence_store.cache import decode as cache_decode
from evidence_store.cache import encode as cache_encode
from evidence_store.limits import Limits
from evidence_store.readers import xlsx as xlsx_reader
from evidence_store.readers.base import Unreadable
from evidence_store.scancache import result_from_json, result_to_json
from evidence_store.tables import parse_table


def test_audit_scores_from_csv(folder):
    write(folder / "audits" / "rp-log-audit.csv",
          "Date,Audit,Score,Max,Target\n"
          "2026-03-02,RP log review,8,10,9\n"
          "\n"
          "2026-03-09,RP log review,9,,90\n")
    item = scan(folder).items[0]
    assert item.status == "ok" and item.type == "audit"
    assert [(s.row, s.date, s.audit, s.score, s.max, s.target) for s in item.scores] == [
        (2, dt.date(2026, 3, 2), "RP log review", 8.0, 10.0, 9.0),
        (4, dt.date(2026, 3, 9), "RP log review", 9.0, 100.0, 90.0),
    ]
    assert item.scores[0].percent == 80.0


def test_audit_columns_in_a_file_not_typed_audit_give_no_scores(folder):
    write(folder / "misc" / "a.csv", "date,audit,score\n2026-03-02,x,80\n")
    item = scan(folder).items[0]
    assert item.type == "other" and item.scores == [] and item.columns == ["date", "audit", "score"]


def test_audit_scores_from_xlsx_with_real_dates(folder):
    write(folder / "audits" / "weekly.xlsx", xlsx_bytes({"Scores": [
        ["date", "audit", "score"], [dt.datetime(2026, 4, 6), "Medicines", 92], [dt.date(2026, 4, 13), "Medicines", 88.5]]}))
    item = scan(folder).items[0]
    assert [(s.row, s.date, s.score) for s in item.scores] == [
        (2, dt.date(2026, 4, 6), 92.0), (3, dt.date(2026, 4, 13), 88.5)]


def test_indicator_series_with_service_and_indicator(folder):
    write(folder / "indicators" / "all.csv",
          "period,value,service,indicator\n2026-01,5,Oakview,restraint\n2026-02-15,3,Elm House,restraint\n")
    item = scan(folder).items[0]
    assert [(p.row, p.period, p.label, p.value, p.service, p.indicator) for p in item.series] == [
        (2, dt.date(2026, 1, 1), "2026-01", 5.0, "Oakview", "restraint"),
        (3, dt.date(2026, 2, 15), "2026-02-15", 3.0, "Elm House", "restraint"),
    ]


def test_bad_value_cell_makes_the_item_unreadable_naming_row_and_column(folder):
    write(folder / "indicators" / "ri.csv",
          "period,value\n2026-01,5\n2026-02,4\n2026-03,6\n2026-04,3\n2026-05,2\n2026-06,n/a\n")
    write(folder / "indicators" / "ok.csv", "period,value\n2026-01,5\n")
    bad, ok = sorted(scan(folder).items, key=lambda i: i.path, reverse=True)
    assert bad.status == "unreadable"
    assert bad.reason == "row 7, column value: 'n/a' is not a number"
    assert bad.series == [] and bad.text == ""
    assert ok.status == "ok" and len(ok.series) == 1


def test_bad_cells_in_each_column(folder):
    cases = {
        "a.csv": ("period,value\n2026-13,1\n", "row 2, column period: '2026-13' is not a period (YYYY-MM or YYYY-MM-DD)"),
        "b.csv": ("period,value\n2026-01,\n", "row 2, column value: '' is not a number"),
    }
    for name, (text, _) in cases.items():
        write(folder / "data" / name, text)
    write(folder / "audits" / "c.csv", "date,audit,score\n12/03/2026,x,80\n")
    write(folder / "audits" / "d.xlsx", xlsx_bytes({"s": [["date", "audit", "score"], [dt.date(2026, 1, 1), "x", "good"]]}))
    reasons = {i.path: i.reason for i in scan(folder).items}
    assert reasons["data/a.csv"] == cases["a.csv"][1]
    assert reasons["data/b.csv"] == cases["b.csv"][1]
    assert reasons["audits/c.csv"] == "row 2, column date: '12/03/2026' is not a date (YYYY-MM-DD)"
    assert reasons["audits/d.xlsx"] == "row 2, column score: 'good' is not a number"


def test_xlsx_row_numbers_are_sheet_rows_even_when_the_table_starts_lower(folder):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["B3"], sheet["C3"] = "Period", "Value"
    sheet["B4"], sheet["C4"] = "2026-01", 4
    sheet["B6"], sheet["C6"] = "2026-02", "n/a"
    out = io.BytesIO()
    book.save(out)
    write(folder / "indicators" / "ri.xlsx", out.getvalue())
    item = scan(folder).items[0]
    assert item.reason == "row 6, column value: 'n/a' is not a number"


# ------------------------------------------------------------------------------- tables as systems export them

def _rows(*rows: list) -> list[tuple[int, list]]:
    """(row number, cells) as the readers give them: numbered as a spreadsheet numbers them, blank rows left out."""
    return [(n, list(cells)) for n, cells in enumerate(rows, start=1)
            if any(c is not None and str(c).strip() for c in cells)]


def test_title_rows_above_the_header_are_passed_over():
    table = parse_table(_rows(["Oakview restrictive practice – monthly figures"],
                              ["Exported 03/11/2026 09:14"],
                              [],
                              ["Month", "Restrictive interventions"],
                              ["Jul-25", 14], ["Aug-25", "12"], ["Sept 2025", 9]), "indicator")
    assert table.problem is None
    assert [(p.row, p.period, p.label, p.value) for p in table.series] == [
        (5, dt.date(2025, 7, 1), "Jul-25", 14.0), (6, dt.date(2025, 8, 1), "Aug-25", 12.0),
        (7, dt.date(2025, 9, 1), "Sept 2025", 9.0)]
    assert table.columns == ["month", "restrictive interventions"]
    assert table.provenance == ("table header on row 4; period from column 'Month' (its heading), value from column "
                                "'Restrictive interventions' (the one column of numbers)")


def test_a_title_row_with_a_date_of_its_own_is_not_the_header():
    table = parse_table(_rows(["Exported", "03/11/2026 09:14"], ["Audit date", "Auditor", "Score %"],
                              ["01/07/2025", "G Mensah", "82%"]), "audit")
    assert [(s.row, s.date, s.score) for s in table.scores] == [(3, dt.date(2025, 7, 1), 82.0)]


@pytest.mark.parametrize("heading", ["Date", "Month", "Period", "Week", "Quarter", "Week commencing", "Audit date",
                                     "Reporting month", "DATE OF AUDIT"])
def test_each_date_heading(heading):
    table = parse_table(_rows([heading, "Something", "Score"], ["01/07/2025", "x", 80]), "audit")
    assert table.problem is None and [s.date for s in table.scores] == [dt.date(2025, 7, 1)]
    assert f"date from column {heading!r} (its heading)" in table.provenance


@pytest.mark.parametrize("heading", ["Value", "Count", "Number of restraints", "No. of restraints", "Total", "Rate",
                                     "%", "Score", "Result", "Percentage", "Percent compliant"])
def test_each_value_heading(heading):
    table = parse_table(_rows(["Month", "Notes", heading], ["Jul-25", "n/a", "4"]), "indicator")
    assert table.problem is None and [p.value for p in table.series] == [4.0]
    assert f"value from column {heading!r} (its heading)" in table.provenance


def test_columns_found_by_their_content_when_one_of_each_kind_is_there():
    table = parse_table(_rows(["When", "Who", "Restrictive interventions"],
                              ["01/07/2025", "Night team", 3], [dt.datetime(2025, 7, 8), "Day team", 5]), "indicator")
    assert [(p.period, p.value) for p in table.series] == [(dt.date(2025, 7, 1), 3.0), (dt.date(2025, 7, 8), 5.0)]
    assert table.provenance == ("table header on row 1; period from column 'When' (the one column of dates), value "
                                "from column 'Restrictive interventions' (the one column of numbers)")


@pytest.mark.parametrize("cell,start,label", [
    ("01/07/2025", dt.date(2025, 7, 1), "01/07/2025"),
    ("1/7/25", dt.date(2025, 7, 1), "1/7/25"),
    ("01/07/2025 09:14", dt.date(2025, 7, 1), "01/07/2025"),
    ("2025-07-01 00:00:00", dt.date(2025, 7, 1), "2025-07-01"),
    ("Jul-25", dt.date(2025, 7, 1), "Jul-25"),
    ("July 2025", dt.date(2025, 7, 1), "July 2025"),
    ("2025-07", dt.date(2025, 7, 1), "2025-07"),
    ("Q2 2025", dt.date(2025, 4, 1), "Q2 2025"),
    ("Q1 2025/26", dt.date(2025, 4, 1), "Q1 2025/26"),
    (45839, dt.date(2025, 7, 1), "2025-07-01"),
    (45839.0, dt.date(2025, 7, 1), "2025-07-01"),
    ("45839", dt.date(2025, 7, 1), "2025-07-01"),
    (dt.datetime(2025, 7, 1), dt.date(2025, 7, 1), "2025-07-01"),
    (dt.date(2025, 7, 1), dt.date(2025, 7, 1), "2025-07-01"),
])
def test_every_date_form_in_an_indicator_period_gives_its_start(cell, start, label):
    table = parse_table(_rows(["Period", "Count"], [cell, 3]), "indicator")
    assert [(p.period, p.label) for p in table.series] == [(start, label)]


@pytest.mark.parametrize("cell,day", [
    ("14/05/2026", dt.date(2026, 5, 14)), ("14th May 2026", dt.date(2026, 5, 14)), (46156, dt.date(2026, 5, 14)),
    ("May 2026", dt.date(2026, 5, 31)), ("Q1 2026/27", dt.date(2026, 6, 30)), ("Q4 2026/27", dt.date(2027, 3, 31)),
])
def test_an_audit_row_is_dated_by_its_day_or_its_periods_last_day(cell, day):
    table = parse_table(_rows(["Audit date", "Score"], [cell, 90]), "audit")
    assert [s.date for s in table.scores] == [day]


@pytest.mark.parametrize("cells,score,maximum,percent", [
    (["82%"], 82.0, 100.0, 82.0),
    ([82], 82.0, 100.0, 82.0),
    (["82"], 82.0, 100.0, 82.0),
    (["41/50"], 41.0, 50.0, 82.0),
    (["41 out of 50"], 41.0, 50.0, 82.0),
    ([0.82, 0.9], 82.0, 100.0, 82.0),                 # a percentage cell as a workbook stores it
    ([0.82, 1], 82.0, 100.0, 82.0),
    (["0.82"], 82.0, 100.0, 82.0),
])
def test_every_score_form(cells, score, maximum, percent):
    rows = [["Audit date", "Score %"]] + [[f"0{n + 1}/07/2025", c] for n, c in enumerate(cells)]
    table = parse_table(_rows(*rows), "audit")
    first = table.scores[0]
    assert (first.score, first.max, round(first.percent, 6)) == (score, maximum, percent)


def test_whole_numbers_of_one_and_zero_are_not_fractions():
    table = parse_table(_rows(["Audit date", "Score"], ["01/07/2025", 1], ["08/07/2025", 0]), "audit")
    assert [s.score for s in table.scores] == [1.0, 0.0]


def test_a_percentage_series_stored_as_fractions_is_read_as_per_cent():
    table = parse_table(_rows(["Month", "% agency staff"], ["Jul-25", 0.15], ["Aug-25", 0.125]), "indicator")
    assert [p.value for p in table.series] == [15.0, 12.5]
    count = parse_table(_rows(["Month", "Rate per 1,000 bed days"], ["Jul-25", 0.15]), "indicator")
    assert [p.value for p in count.series] == [0.15]


def test_optional_target_max_and_audit_columns_by_heading():
    table = parse_table(_rows(["Audit", "Audit date", "Score", "Max", "Target %"],
                              ["Medicines", "01/07/2025", 45, 50, 90]), "audit")
    assert [(s.audit, s.score, s.max, s.target, s.percent) for s in table.scores] == [
        ("Medicines", 45.0, 50.0, 90.0, 90.0)]


def test_summary_rows_and_notes_below_the_table_are_left_out():
    table = parse_table(_rows(["Month", "Count"], ["Jul-25", 3], ["Aug-25", 4], ["Total", 7], ["Average", 3.5],
                              [], ["Source: care records system"]), "indicator")
    assert [p.row for p in table.series] == [2, 3]


def test_the_ambiguity_message_for_a_series_names_the_columns_and_the_mapping():
    table = parse_table(_rows(["Month", "Restrictive interventions", "Physical"], ["Jul-25", 14, 3]), "indicator")
    assert table.series == []
    assert table.problem == ("columns 'Month', 'Restrictive interventions', 'Physical' — name the value column: "
                             "data: {file: …, period: Month, value: Restrictive interventions}")


def test_the_ambiguity_message_for_audit_scores_names_the_evidence_entry_columns():
    table = parse_table(_rows(["Audit date", "Score %", "Compliance %"], ["01/07/2025", 82, 90]), "audit")
    assert table.scores == []
    assert table.problem == ("columns 'Audit date', 'Score %', 'Compliance %' — name the score column: "
                             "columns: {date: 'Audit date', score: 'Score %'}")


def test_two_date_columns_and_no_value_column():
    table = parse_table(_rows(["Date", "Month", "Notes"], ["01/07/2025", "Jul-25", "ok"]), "indicator")
    assert table.problem == ("columns 'Date', 'Month', 'Notes' — name the period and value columns: "
                             "data: {file: …, period: Date, value: …}")


def test_no_header_row_found():
    table = parse_table(_rows(["Oakview"], ["nothing here"]), "indicator")
    assert table.problem == ("no header row found in the first 11 rows (row 1: 'Oakview') — name the columns: "
                             "data: {file: …, period: …, value: …}")


def test_columns_a_user_names_settle_what_the_headings_cannot():
    rows = _rows(["Title"], ["Month", "Restrictive interventions", "Physical"], ["Jul-25", 14, 3])
    table = parse_table(rows, "indicator", {"period": "month", "value": "Physical"})
    assert [(p.row, p.value) for p in table.series] == [(3, 3.0)]
    assert table.provenance == ("table header on row 2; period from column 'Month' (as named), value from column "
                                "'Physical' (as named)")
    audit = parse_table(_rows(["When", "Mark", "Other"], ["01/07/2025", 41, 3]), "other",
                        {"date": "When", "score": "Mark"})
    assert [(s.date, s.score, s.audit) for s in audit.scores] == [(dt.date(2025, 7, 1), 41.0, "Mark")]


def test_columns_a_user_names_that_are_not_there():
    table = parse_table(_rows(["Audit date", "Auditor", "Score %"], ["01/07/2025", "GM", 82]), "audit",
                        {"date": "Audit date", "score": "Score"})
    assert table.problem == ("no column 'Score' in the first 11 rows; columns 'Audit date', 'Auditor', 'Score %' "
                             "(row 1)")
    mixed = parse_table(_rows(["Date", "Score"], ["01/07/2025", 82]), "audit", {"date": "Date", "value": "Score"})
    assert mixed.problem == ("columns given as date, value: name date and score (audit scores) or period and value "
                             "(an indicator series)")


@pytest.mark.parametrize("cells,reason", [
    (["05/14/2026", 3], "row 2, column Month: '05/14/2026' reads only month-first"),
    (["31/02/2026", 3], "row 2, column Month: '31/02/2026' is not a date (February 2026 has no day 31)"),
    (["March 1999", 3], "row 2, column Month: 'March 1999' is before 2000"),
    ([12, 3], "row 2, column Month: '12' is not a date"),
    (["Jul-25", "n/a"], "row 2, column Count: 'n/a' is not a number"),
    (["Jul-25", "41/50"], "row 2, column Count: '41/50' is not a number"),
    (["Jul-25", None], "row 2, column Count: '' is not a number"),
])
def test_a_bad_cell_in_an_exported_table_names_its_row_and_column(cells, reason):
    with pytest.raises(Unreadable) as caught:
        parse_table(_rows(["Month", "Count"], cells), "indicator")
    assert str(caught.value) == reason


def test_exported_tables_are_read_only_for_audits_and_indicators():
    rows = _rows(["Month", "Count"], ["Jul-25", 3])
    for item_type in ("other", "training", "incident_log"):
        table = parse_table(rows, item_type)
        assert (table.series, table.scores, table.problem) == ([], [], None)


def test_the_strict_header_is_read_exactly_as_before():
    table = parse_table(_rows(["date", "audit", "score"], ["2026-03-02", "x", "80"]), "audit")
    assert (table.problem, table.provenance, table.columns) == (None, None, ["date", "audit", "score"])
    with pytest.raises(Unreadable) as caught:
        parse_table(_rows(["Period", "Value"], ["Jul-25", 3]), "indicator")
    assert str(caught.value) == "row 2, column period: 'Jul-25' is not a period (YYYY-MM or YYYY-MM-DD)"


def test_an_indicator_export_in_a_workbook_through_the_scan(folder):
    write(folder / "indicators" / "oakview-ri.xlsx", xlsx_bytes({"Figures": [
        ["Oakview restrictive practice – monthly figures"], ["Exported 03/11/2026 09:14"], [],
        ["Month", "Restrictive interventions"], [dt.datetime(2025, 7, 1), 14], ["Aug-25", 12], [45901, 9]]}))
    item = scan(folder).items[0]
    assert item.status == "ok"
    assert [(p.row, p.period, p.value) for p in item.series] == [
        (5, dt.date(2025, 7, 1), 14.0), (6, dt.date(2025, 8, 1), 12.0), (7, dt.date(2025, 9, 1), 9.0)]


# ------------------------------------------------------------------------------------- every sheet's rows

def test_a_workbook_gives_the_rows_of_every_sheet():
    data = xlsx_bytes({"Summary": [["Oakview"], ["Month", "Count"], ["Jul-25", 3]],
                       "Physical": [["Month", "Physical"], ["Jul-25", 1], [], ["Aug-25", 2]],
                       "Empty": []})
    result = xlsx_reader.read(data, Limits())
    assert list(result.sheets) == ["Summary", "Physical", "Empty"]
    assert result.sheets["Summary"] == (result.rows, False)
    assert result.sheets["Physical"] == ([(1, ["Month", "Physical"]), (2, ["Jul-25", 1]), (4, ["Aug-25", 2])], False)
    assert result.sheets["Empty"] == ([], False)
    table = parse_table(result.sheets["Physical"][0], "indicator")
    assert [(p.row, p.value) for p in table.series] == [(2, 1.0), (4, 2.0)]


def test_the_row_limit_counts_every_sheet_and_says_which_were_cut():
    data = xlsx_bytes({"One": [["a", 1], ["b", 2]], "Two": [["c", 3], ["d", 4]], "Three": [["e", 5]]})
    result = xlsx_reader.read(data, dataclasses.replace(Limits(), max_xlsx_rows=3))
    assert result.sheets == {"One": ([(1, ["a", 1]), (2, ["b", 2])], False), "Two": ([(1, ["c", 3])], True),
                             "Three": ([], True)}
    assert result.rows_truncated is False


def test_the_sheets_survive_the_cache():
    data = xlsx_bytes({"One": [["Month", "Count"], [dt.datetime(2025, 7, 1), 3]], "Two": [["x", 1.5]]})
    result = xlsx_reader.read(data, Limits())
    value, payload = result_to_json(result)
    back = result_from_json(cache_decode(json.loads(json.dumps(cache_encode(value)))), payload)
    assert back.sheets == result.sheets
    assert back.sheets["One"][0] is back.rows


def test_a_series_says_the_last_day_of_the_period_it_covers():
    exported = parse_table(_rows(["Month", "Count"], ["Sep-26", 3], ["Oct-26", 4], ["Aug-26", 5]), "indicator")
    assert exported.period_end == dt.date(2026, 10, 31)
    strict = parse_table(_rows(["period", "value"], ["2026-01", 3], ["2026-02-15", 4]), "other")
    assert strict.period_end == dt.date(2026, 2, 15)
    quarters = parse_table(_rows(["Quarter", "Rate"], ["Q1 2026/27", 3]), "indicator")
    assert quarters.period_end == dt.date(2026, 6, 30)
    assert parse_table(_rows(["Audit date", "Score"], ["01/07/2025", 80]), "audit").period_end is None
