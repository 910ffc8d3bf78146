"""Tables as systems export them, through a check: the plan's `data:` mapping names a workbook's sheet and its
columns, an evidence entry's `columns:` names an audit's, and a table that cannot be read says how to name them."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from compiler import pipeline

AS_OF = dt.date(2026, 11, 20)

PLAN = """\
format: sgpack/plan@1
provider: Example Care Ltd
plan:
  id: SAP-2026-007
  title: Restrictive practice at Oakview
  service: Oakview
  abuse_types: [restrictive_practice]
  risk: medium
  opened: 2026-04-01
indicators:
  - id: restrictive_interventions
    title: Restrictive interventions per month
    better: lower
    data: {DATA}
actions:
  - id: RP-01
    title: Managers review restrictive practice logs weekly
    kind: oversight
    owner: Priya Shah (Registered Manager)
    due: 2026-12-31
    status: in_progress
    rag: green
    indicators: [restrictive_interventions]
    requires:
      - type: audit
        count: 3
"""

MONTHS = [(dt.date(2025, m, 1) if m >= 7 else dt.date(2026, m, 1)) for m in (7, 8, 9, 10, 11, 12, 1, 2, 3, 4, 5, 6)]


def _workbook(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Read me first"])
    data = book.create_sheet("Monthly")
    data.append(["Oakview restrictive practice - monthly figures"])
    data.append(["Exported 03/11/2026"])
    data.append([])
    data.append(["Month", "Restrictive interventions", "Physical"])
    for i, month in enumerate(MONTHS):
        data.append([month.strftime("%b-%y"), 14 - i, 5])
    out = io.BytesIO()
    book.save(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(out.getvalue())


def _setup(tmp_path: Path, data: str) -> tuple[Path, Path]:
    plans, evidence = tmp_path / "plans", tmp_path / "evidence"
    plans.mkdir()
    (plans / "oakview.yaml").write_text(PLAN.replace("{DATA}", data), encoding="utf-8")
    _workbook(evidence / "Data" / "RP figures.xlsx")
    return plans, evidence


def test_the_plan_names_the_sheet_and_columns_of_an_exported_workbook(tmp_path: Path) -> None:
    plans, evidence = _setup(tmp_path, '{file: "Data/RP figures.xlsx", sheet: Monthly, period: Month, '
                                       'value: "Restrictive interventions"}')
    assessment = pipeline.check([plans], evidence, AS_OF)
    item = assessment.catalogue.by_path("Data/RP figures.xlsx")
    assert item.type == "indicator"
    assert item.provenance["type"] == ("plan SAP-2026-007, which names it as indicator restrictive_interventions's "
                                       "data")
    assert [p.value for p in item.series] == [14 - i for i in range(12)]
    assert item.series[0].period == dt.date(2025, 7, 1) and item.period_end == dt.date(2026, 6, 30)
    assert not [f for f in assessment.findings if f.rule == "SG307"]


def test_without_the_columns_an_ambiguous_table_says_how_to_name_them(tmp_path: Path) -> None:
    plans, evidence = _setup(tmp_path, '{file: "Data/RP figures.xlsx", sheet: monthly}')
    assessment = pipeline.check([plans], evidence, AS_OF)
    (finding,) = [f for f in assessment.findings if f.rule == "SG307"]
    assert "has 0 points for restrictive_interventions" in finding.message
    assert "'Restrictive interventions', 'Physical'" in finding.message
    assert "name the value column: data: {file: " in finding.message


def test_a_sheet_that_is_not_there_is_named_with_those_that_are(tmp_path: Path) -> None:
    plans, evidence = _setup(tmp_path, '{file: "Data/RP figures.xlsx", sheet: Weekly, period: Month, value: x}')
    assessment = pipeline.check([plans], evidence, AS_OF)
    (finding,) = [f for f in assessment.findings if f.rule == "SG307"]
    assert "no sheet 'Weekly' in the workbook" in finding.message and "sheets: 'Notes', 'Monthly'" in finding.message


def test_an_evidence_entry_names_an_audit_tables_columns(tmp_path: Path) -> None:
    plans, evidence = _setup(tmp_path, '{file: "Data/RP figures.xlsx", sheet: Monthly, period: Month, '
                                       'value: "Restrictive interventions"}')
    audit = evidence / "Audits" / "RP log audit.csv"
    audit.parent.mkdir()
    audit.write_text("Weekly audit of the restrictive practice log (RP-01)\n"
                     "Audit date,Score %,Compliance %\n"
                     "05/06/2026,82%,90%\n12/06/2026,85%,91%\n19/06/2026,88%,93%\n", encoding="utf-8")
    assessment = pipeline.check([plans], evidence, AS_OF)
    req = assessment.action("RP-01").requirements[0]
    assert req.status != "met" and "name the score column: columns: {date: 'Audit date', score: " in \
        next(f.message for f in assessment.findings if f.action == "RP-01" and f.rule in ("SG301", "SG302", "SG303"))
    (evidence / "evidence.yaml").write_text(
        '"Audits/RP log audit.csv":\n  columns: {date: "Audit date", score: "Score %"}\n', encoding="utf-8")
    assessment = pipeline.check([plans], evidence, AS_OF)
    item = assessment.catalogue.by_path("Audits/RP log audit.csv")
    assert [(s.date, s.score) for s in item.scores] == [(dt.date(2026, 6, 5), 82.0), (dt.date(2026, 6, 12), 85.0),
                                                        (dt.date(2026, 6, 19), 88.0)]
    assert assessment.action("RP-01").requirements[0].found == 3
