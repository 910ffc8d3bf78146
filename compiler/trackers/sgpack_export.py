"""sgpack's own export read back (compiler/render/tracker_xlsx.py): every sheet, every field, so that importing an
export gives the plans that were exported; a user's edits in the white columns come back with them."""
from __future__ import annotations

import datetime as dt
from typing import Any

from compiler.render.tracker_xlsx import MARK
from compiler.trackers.fields import PlanDraft, Report, Value, date_of
from compiler.trackers.key import Owner, column_letter
from compiler.trackers.words import plain
from evidence_store.grid import Book, Sheet

def is_export(book: Book) -> bool:
    key = next((s for s in book.sheets if s.name == "Key"), None)
    names = {s.name for s in book.sheets}
    return key is not None and str(key.cell(1, 1).value or "").strip() == MARK and {"Plans", "Actions"} <= names


def plans_from_export(book: Book, report: Report) -> list[PlanDraft]:
    sheets = {s.name: s for s in book.sheets}
    plans = _records(sheets["Plans"])
    actions = _records(sheets["Actions"])
    requires = _records(sheets.get("Requirements"))
    reviews = _records(sheets.get("Reviews"))
    waivers = _records(sheets.get("Waivers"))
    indicators = _records(sheets.get("Indicators"))
    drafts = []
    for plan in plans:
        pid = _text(plan, "Plan ID")
        if not pid:
            continue
        head: dict[str, Value] = {}
        for key, column in (("id", "Plan ID"), ("title", "Plan title"), ("service", "Service"),
                            ("location_id", "CQC location ID"), ("contract", "Contract"), ("origin", "Origin")):
            _put(head, key, plan, column)
        _put(head, "abuse_types", plan, "Abuse types", kind="list")
        _put(head, "risk", plan, "Risk")
        _put(head, "opened", plan, "Opened", kind="date")
        _put(head, "review_every_days", plan, "Review every (days)", kind="int")
        _put(head, "governance_forum", plan, "Governance forum")
        _put(head, "quality_statements", plan, "Quality statements", kind="list")
        plan_waivers = [w for w in waivers if _text(w, "Plan ID") == pid and not _text(w, "Action ID")]
        if plan_waivers:
            head["waive"] = Value([{"rule": _text(w, "Rule"), "reason": _text(w, "Reason")} for w in plan_waivers],
                                  plan_waivers[0]["_where"])
        provider = Value(_text(plan, "Provider") or "Provider not stated", plan["_cells"].get("Provider", ""))
        rows = [a for a in actions if _text(a, "Plan ID") == pid]
        drafted = [_action(a, requires, reviews, waivers, pid) for a in rows]
        inds = [_indicator(i) for i in indicators if _text(i, "Plan ID") == pid]
        drafts.append(PlanDraft(provider, head, drafted, pid,
                                Value(inds, indicators[0]["_where"]) if inds else None))
        report.lines.append(f"sgpack export: plan {pid}, {len(drafted)} actions (rows "
                            f"{', '.join(str(a['_row']) for a in rows) or 'none'} of Actions)")
    return drafts


def _action(row: dict, requires: list[dict], reviews: list[dict], waivers: list[dict], pid: str) -> dict[str, Value]:
    out: dict[str, Value] = {}
    aid = _text(row, "ID")
    for key, column in (("id", "ID"), ("title", "Action"), ("kind", "Kind")):
        _put(out, key, row, column)
    name, role = _text(row, "Owner"), _text(row, "Owner role")
    if name or role:
        out["owner"] = Value(Owner(name or None, role or None), row["_cells"].get("Owner") or row["_cells"].get(
            "Owner role", ""))
    _put(out, "risk", row, "Risk")
    _put(out, "opened", row, "Opened", kind="date")
    _put(out, "due", row, "Due", kind="date")
    _put(out, "status", row, "Status")
    _put(out, "closed", row, "Closed", kind="date")
    _put(out, "rag", row, "RAG")
    _put(out, "narrative", row, "Progress update")
    _put(out, "indicators", row, "Indicators", kind="list")
    _put(out, "evidence", row, "Evidence ids", kind="list")
    _put(out, "quality_statements", row, "Quality statements", kind="list")
    _put(out, "commissioner_update", row, "Update for commissioner")
    mine = [r for r in requires if _text(r, "Plan ID") == pid and _text(r, "Action ID") == aid]
    if mine:
        out["requires"] = Value([_clean({"type": _text(r, "Type"), "count": _int(r, "Count"),
                                        "within_days": _int(r, "Within days"), "target": _number(r, "Target"),
                                        "note": _text(r, "Note") or None}) for r in mine], mine[0]["_where"])
    mine = [r for r in reviews if _text(r, "Plan ID") == pid and _text(r, "Action ID") == aid]
    if mine:
        out["reviews"] = Value([_clean({"date": _date(r, "Date"), "forum": _text(r, "Forum") or None,
                                       "rag": _text(r, "RAG") or None, "narrative": _text(r, "Narrative") or None})
                                for r in mine], mine[0]["_where"])
    mine = [w for w in waivers if _text(w, "Plan ID") == pid and _text(w, "Action ID") == aid]
    if mine:
        out["waive"] = Value([{"rule": _text(w, "Rule"), "reason": _text(w, "Reason")} for w in mine],
                             mine[0]["_where"])
    return out


def _indicator(row: dict) -> dict:
    data: Any = _text(row, "Data file")
    extra = {"sheet": _text(row, "Sheet"), "period": _text(row, "Period column"), "value": _text(row, "Value column")}
    if any(extra.values()):
        data = {"file": data, **{k: v for k, v in extra.items() if v}}
    return _clean({"id": _text(row, "Indicator ID"), "title": _text(row, "Title"), "better": _text(row, "Better"),
                   "data": data, "target": _number(row, "Target"), "counts": _text(row, "Counts") or None})


def _records(sheet: Sheet | None) -> list[dict]:
    """The rows of a sheet under its header row, as {heading: value}, with the cell of each value."""
    if sheet is None or not sheet.rows:
        return []
    header = [str(c.value).strip() if c.value is not None else "" for c in sheet.rows[0]]
    out = []
    for r, row in enumerate(sheet.rows[1:], start=2):
        values = {h: row[i].value if i < len(row) else None for i, h in enumerate(header) if h}
        if not any(v not in (None, "") for v in values.values()):
            continue
        cells = {h: f"{sheet.name}!{column_letter(i + 1)}{r}" for i, h in enumerate(header) if h}
        out.append({**values, "_cells": cells, "_row": r, "_where": f"{sheet.name}!A{r}"})
    return out


def _put(out: dict[str, Value], key: str, row: dict, column: str, kind: str = "text") -> None:
    where = row["_cells"].get(column, "")
    if kind == "date":
        value = _date(row, column)
    elif kind == "int":
        value = _int(row, column)
    elif kind == "list":
        value = [p.strip() for p in _text(row, column).split(",") if p.strip()] or None
    else:
        value = _text(row, column) or None
        if key in ("kind", "status", "rag", "risk") and value:
            value = plain(value).replace(" ", "_")
    if value is not None:
        out[key] = Value(value, where)


def _text(row: dict, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(row: dict, column: str) -> dt.date | None:
    return date_of(row.get(column), False)[0]


def _int(row: dict, column: str) -> int | None:
    value = row.get(column)
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _number(row: dict, column: str) -> float | None:
    value = row.get(column)
    if isinstance(value, bool) or value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _clean(mapping: dict) -> dict:
    return {k: v for k, v in mapping.items() if v is not None and v != ""}
