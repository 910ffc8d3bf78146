"""The commissioner return: `return.xlsx`, the return as a contract officer reads it (Cover, Actions and Indicators
sheets), and `return.csv`, the indicators' series, one row per metric per period (docs/commissioner.md says what
each holds).

Both are safe to open in a spreadsheet (compiler.render.spreadsheet): text that could start a formula is quoted in
the CSV and stored as text in the workbook; numbers stay numbers, and the workbook's dates are dates.
"""
from __future__ import annotations

from compiler.render.spreadsheet import Sheet, csv_bytes, xlsx_workbook
from compiler.render.theme import Theme
from compiler.views.commissioner import RETURN_COLUMNS, ReturnRow
from compiler.views.commissioner_return import ReturnCover, ReturnWorkbook
from compiler.views.words import RAG_SHORT, STATUS_WORDS

ACTION_COLUMNS = ("Contract", "Service", "PAMMS domain", "CQC quality statement", "Issue", "Ref", "Action",
                  "Responsible person", "Timeline (due)", "Status", "Provider update", "RAG")
ACTION_WIDTHS = (16, 18, 22, 24, 36, 9, 44, 26, 12, 12, 60, 9)
INDICATOR_COLUMNS = ("Contract", "Service", "Indicator", "Unit", "Latest in period", "Value", "Suppression",
                     "Target", "Better", "SPC signal", "Trend", "RAG for the period", "Actions", "Evidence ref")
INDICATOR_WIDTHS = (16, 18, 40, 10, 16, 9, 16, 9, 14, 36, 30, 12, 14, 44)
PLAN_COLUMNS = ("Contract", "Service", "CQC location ID", "Plan", "Title", "Actions")
COVER_WIDTHS = (22, 24, 16, 16, 56, 9)


def return_csv(rows: list[ReturnRow]) -> bytes:
    return csv_bytes(RETURN_COLUMNS, (row.cells() for row in rows), quote_all=True, numbers=True)


def _rag_fills(theme: Theme) -> dict[str, tuple[str, str]]:
    """{RAG word: (fill, text colour)} in the theme's colours, as Excel writes them (RRGGBB)."""
    return {word: (theme.colours[f"rag_{rag}"].lstrip("#").upper(), "0B0C0C" if rag == "amber" else "FFFFFF")
            for rag, word in RAG_SHORT.items()}


def _cover(cover: ReturnCover) -> Sheet:
    rows: list[list[object]] = [[cover.title], []]
    merges, bold = ["A1:F1"], {0}
    for line in cover.lines:
        rows.append([line.label, line.value, None, None, line.note])
        merges.append(f"B{len(rows)}:D{len(rows)}")
    rows += [[], ["Plans in this return"], list(PLAN_COLUMNS)]
    bold |= {len(rows) - 2, len(rows) - 1}
    rows += [[p.contract, p.service, p.location_id, p.id, p.title, p.actions] for p in cover.plans]
    rows += [[], ["How to read this return"]]
    bold.add(len(rows) - 1)
    for note in cover.notes:
        rows.append([note])
        merges.append(f"A{len(rows)}:F{len(rows)}")
    return Sheet("Cover", rows, COVER_WIDTHS, bold=frozenset(bold), wrap=frozenset(range(6)), merges=merges)


def return_xlsx(workbook: ReturnWorkbook, *, theme: Theme, title: str, as_of_iso: str) -> bytes:
    fills = _rag_fills(theme)
    actions = Sheet(
        "Actions", [list(ACTION_COLUMNS)] + [[a.contract, a.service, a.domain, a.statement, a.issue, a.id, a.action,
                                               a.person, a.due, a.status, a.update, a.rag] for a in workbook.actions],
        ACTION_WIDTHS, table=0, wrap=frozenset({2, 3, 4, 6, 7, 10}),
        choices={ACTION_COLUMNS.index("Status"): list(STATUS_WORDS.values()),
                 ACTION_COLUMNS.index("RAG"): list(RAG_SHORT.values())},
        fills={ACTION_COLUMNS.index("RAG"): fills})
    rag_column = INDICATOR_COLUMNS.index("RAG for the period")
    indicators = Sheet(
        "Indicators", [list(INDICATOR_COLUMNS)] + [
            [i.contract, i.service, i.indicator, i.unit, i.month, i.value, i.suppression, i.target, i.better,
             i.signal, i.trend, i.rag, i.actions, i.source] for i in workbook.indicators],
        INDICATOR_WIDTHS, table=0, wrap=frozenset({2, 9, 10}),
        choices={rag_column: [w for w in RAG_SHORT.values() if w != "Blue"]},
        fills={rag_column: fills})
    return xlsx_workbook([_cover(workbook.cover), actions, indicators], title=title, as_of_iso=as_of_iso)
