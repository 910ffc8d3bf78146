"""`sgpack export`: the plans as the tracker a compliance officer keeps working in (one XLSX), with sgpack's
assessment beside each action; `sgpack import` reads it back to the same plans.

Sheets: Actions (one row per action: the plan's fields, RAG as text and fill, then sgpack's columns), Plans (one
row per plan), Requirements, Reviews, Waivers and Indicators (so nothing of a plan is lost), Key (what the colours
mean, and the mark `sgpack export` that tells the importer to read every sheet back), Lists (the drop-downs' values).
Text cells are stored as text, never formulas; the file is the same bytes for the same plans and as-of date.
"""
from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from compiler.model.assessment import Assessment

MARK = "sgpack export"            # Key!A1: the importer reads a workbook with it as sgpack's own layout
RAG_FILLS = {"blue": "0070C0", "green": "00B050", "amber": "FFC000", "red": "FF0000"}
RAG_MEANINGS = (("blue", "Blue", "Complete and impact evidenced"), ("green", "Green", "On track (or complete)"),
                ("amber", "Amber", "At risk"), ("red", "Red", "Off track"))

PLAN_COLUMNS = ("Plan ID", "Provider", "Plan title", "Service", "CQC location ID", "Contract", "Origin",
                "Abuse types", "Risk", "Opened", "Review every (days)", "Governance forum", "Quality statements")
ACTION_COLUMNS = ("Plan ID", "ID", "Action", "Kind", "Owner", "Owner role", "Risk", "Opened", "Due", "Status",
                  "Closed", "RAG", "Progress update", "Indicators", "Evidence ids", "Quality statements",
                  "Update for commissioner")
SGPACK_COLUMNS = ("Assessed RAG", "Why", "Evidence found", "Gaps", "Closure test")
REQUIREMENT_COLUMNS = ("Plan ID", "Action ID", "Type", "Count", "Within days", "Target", "Note")
REVIEW_COLUMNS = ("Plan ID", "Action ID", "Date", "Forum", "RAG", "Narrative")
WAIVER_COLUMNS = ("Plan ID", "Action ID", "Rule", "Reason")
INDICATOR_COLUMNS = ("Plan ID", "Indicator ID", "Title", "Better", "Data file", "Sheet", "Period column",
                     "Value column", "Target", "Counts")


def tracker_workbook(assessment: Assessment) -> bytes:
    from openpyxl import Workbook
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from compiler.render.docx.template import normalise_docx
    from compiler.vocab import vocab

    plans = assessment.plans
    wb = Workbook()
    actions = wb.active
    actions.title = "Actions"
    bold = Font(bold=True)

    def sheet(name: str) -> Any:
        return wb.create_sheet(name)

    def put(ws: Any, header: Sequence[str], rows: list[list[Any]], widths: Sequence[float]) -> None:
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = bold
        for row in rows:
            ws.append([_value(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"            # text stays text: never a formula
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.freeze_panes = "A2"

    rows = []
    for plan in plans:
        for action in plan.actions:
            result = assessment.action(action.id)
            rows.append([plan.id, action.id, action.title, action.kind,
                         action.owner.name if action.owner else None, action.owner.role if action.owner else None,
                         # an action's own risk and opening only where they differ from its plan's, so
                         # a re-import inherits them as the plan it came from did
                         action.risk if action.risk != plan.risk else None,
                         action.opened if action.opened != plan.opened else None, action.due, action.status, action.closed, action.rag,
                         action.narrative, ", ".join(action.indicators), ", ".join(action.evidence),
                         # an action's own quality statements only: none means its plan's, on the way back too
                         ", ".join(action.quality_statements), action.commissioner_update,
                         result.assessed_rag, "; ".join(result.rag_reasons), _found(result), _gaps(result),
                         _closure(result)])
    put(actions, ACTION_COLUMNS + SGPACK_COLUMNS, rows,
        (14, 14, 50, 16, 22, 22, 9, 11, 11, 12, 11, 9, 50, 16, 24, 30, 50, 12, 40, 40, 40, 40))
    rag_col = get_column_letter(ACTION_COLUMNS.index("RAG") + 1)
    assessed_col = get_column_letter(len(ACTION_COLUMNS) + 1)
    for r in range(2, actions.max_row + 1):
        for col in (rag_col, assessed_col):
            value = actions[f"{col}{r}"].value
            if value in RAG_FILLS:
                actions[f"{col}{r}"].fill = PatternFill("solid", fgColor="FF" + RAG_FILLS[value])
    for header_cell in actions[1][len(ACTION_COLUMNS):]:
        header_cell.fill = PatternFill("solid", fgColor="FFD9D9D9")     # sgpack's columns: read, not edited

    put(sheet("Plans"), PLAN_COLUMNS,
        [[p.id, p.provider, p.title, p.service, p.location_id, p.contract, p.origin, ", ".join(p.abuse_types), p.risk,
          p.opened, p.review_every_days, p.governance_forum, ", ".join(p.quality_statements)] for p in plans],
        (16, 22, 40, 22, 16, 18, 30, 24, 9, 11, 10, 30, 40))
    put(sheet("Requirements"), REQUIREMENT_COLUMNS,
        [[p.id, a.id, r.type, r.count, r.within_days, r.target, r.note]
         for p in plans for a in p.actions for r in a.requires], (16, 14, 20, 8, 10, 8, 40))
    put(sheet("Reviews"), REVIEW_COLUMNS,
        [[p.id, a.id, r.date, r.forum, r.rag, r.narrative] for p in plans for a in p.actions for r in a.reviews],
        (16, 14, 11, 30, 9, 60))
    put(sheet("Waivers"), WAIVER_COLUMNS,
        [[p.id, None, w.rule, w.reason] for p in plans for w in p.waive]
        + [[p.id, a.id, w.rule, w.reason] for p in plans for a in p.actions for w in a.waive], (16, 14, 8, 60))
    put(sheet("Indicators"), INDICATOR_COLUMNS,
        [[p.id, i.id, i.title, i.better, i.data, i.sheet, i.period_column, i.value_column, i.target, i.counts]
         for p in plans for i in p.indicators], (16, 24, 40, 8, 40, 14, 16, 16, 8, 9))

    key = sheet("Key")
    key.append([MARK])
    key.append(["The plans as sgpack read them. Edit the white columns and import the file again "
                "(sgpack import); the grey columns are sgpack's assessment and are not read back."])
    key.append([])
    for rag, word, meaning in RAG_MEANINGS:
        key.append([word, meaning])
        key.cell(key.max_row, 1).fill = PatternFill("solid", fgColor="FF" + RAG_FILLS[rag])
    key.column_dimensions["A"].width = 12
    key.column_dimensions["B"].width = 60

    lists = sheet("Lists")
    v = vocab()
    columns = {"Status": ["planned", "in_progress", "completed", "closed"], "RAG": list(RAG_FILLS),
               "Kind": ["risk_control", "practice_change", "oversight", "evidence_measure"],
               "Risk": ["low", "medium", "high"], "Evidence types": sorted(v.evidence_types),
               "Counts": ["events", "people"]}
    for i, (name, values) in enumerate(columns.items(), 1):
        lists.cell(1, i, name).font = bold
        for r, value in enumerate(values, 2):
            lists.cell(r, i, value)
    last = max(2, actions.max_row + 200)
    for column, name in (("Status", "Status"), ("RAG", "RAG"), ("Kind", "Kind"), ("Risk", "Risk")):
        letter = get_column_letter(ACTION_COLUMNS.index(column) + 1)
        source = get_column_letter(list(columns).index(name) + 1)
        rule = DataValidation(type="list", formula1=f"Lists!${source}$2:${source}${len(columns[name]) + 1}",
                              allow_blank=True, showErrorMessage=True)
        rule.add(f"{letter}2:{letter}{last}")
        actions.add_data_validation(rule)
    source, letter = (get_column_letter(list(columns).index("Counts") + 1),
                      get_column_letter(INDICATOR_COLUMNS.index("Counts") + 1))
    rule = DataValidation(type="list", formula1=f"Lists!${source}$2:${source}$3", allow_blank=True,
                          showErrorMessage=True)
    rule.add(f"{letter}2:{letter}{wb['Indicators'].max_row + 200}")
    wb["Indicators"].add_data_validation(rule)
    for rag, fill in RAG_FILLS.items():                 # a RAG typed in later is coloured too
        actions.conditional_formatting.add(
            f"{rag_col}2:{rag_col}{last}",
            FormulaRule(formula=[f'${rag_col}2="{rag}"'], fill=PatternFill("solid", fgColor="FF" + fill)))

    when = dt.datetime.combine(assessment.as_of, dt.time())
    props = wb.properties
    props.creator, props.lastModifiedBy, props.title = "sgpack", None, "Action plans"
    props.created = props.modified = when
    props.lastPrinted = None
    out = io.BytesIO()
    wb.save(out)
    return normalise_docx(out.getvalue(), title="Action plans", as_of_iso=assessment.as_of.isoformat())


def _value(value: Any) -> Any:
    """A cell's value: text is stored as text (the caller marks it so: "=x" is never a formula)."""
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return value
    return str(value)


def _found(result: Any) -> str:
    return "; ".join(f"{r.type}: {r.found} found, {r.current} current ({', '.join(r.evidence) or 'none'})"
                     for r in result.requirements)


def _gaps(result: Any) -> str:
    return "; ".join(f"{r.type}: {r.count - r.current} more needed" for r in result.requirements
                     if r.status != "met") or "none"


def _closure(result: Any) -> str:
    c = result.closure
    parts = [f"{name} {getattr(c, name).result}" for name in ("indicators", "audit", "staff", "governance")]
    return ("ready to close: " if c.ready else "not ready to close: ") + ", ".join(parts)


__all__ = ["MARK", "tracker_workbook"]
