"""Audit scores (type audit) and indicator series from CSV and XLSX, and bad cells (docs/evidence.md)."""
from __future__ import annotations

import datetime as dt

from es_fixtures import write, xlsx_bytes

from evidence_store import scan


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
