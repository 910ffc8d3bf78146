"""Audit-score rows and indicator series from a table's rows (docs/evidence.md, Data files)."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from .model import ScoreRow, SeriesPoint
from .readers.base import Unreadable, one_line


@dataclass
class Table:
    columns: list[str] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    series: list[SeriesPoint] = field(default_factory=list)


def parse_table(rows: list[tuple[int, list[Any]]], item_type: str) -> Table:
    """Rows are (file row number, cells) with blank rows already left out; the first is the header.
    A bad cell raises Unreadable naming its row and column."""
    if not rows:
        return Table()
    _, header = rows[0]
    columns = [_text(cell).strip().lower() for cell in header]
    while columns and not columns[-1]:
        columns.pop()
    table = Table(columns=columns)
    index = {name: i for i, name in reversed(list(enumerate(columns))) if name}
    if item_type == "audit" and {"date", "audit", "score"} <= index.keys():
        table.scores = [_score(number, cells, index) for number, cells in rows[1:]]
    if {"period", "value"} <= index.keys():
        table.series = [_point(number, cells, index) for number, cells in rows[1:]]
    return table


def _cell(cells: list[Any], index: dict[str, int], name: str) -> Any:
    i = index.get(name)
    if i is None or i >= len(cells):
        return None
    value = cells[i]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _bad(number: int, column: str, value: Any, what: str) -> Unreadable:
    shown = "" if value is None else _text(value)
    return Unreadable(f"row {number}, column {column}: {one_line(shown, 60)!r} is not {what}")


def _number(number: int, cells, index, name: str, *, required: bool) -> float | None:  # noqa: ANN001
    value = _cell(cells, index, name)
    if value is None:
        if required:
            raise _bad(number, name, value, "a number")
        return None
    if isinstance(value, bool):
        raise _bad(number, name, value, "a number")
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        text = str(value).replace(",", "").rstrip("%").strip()
        try:
            result = float(text)
        except ValueError:
            raise _bad(number, name, value, "a number") from None
    if not math.isfinite(result):
        raise _bad(number, name, value, "a number")
    return result


def _iso(value: Any) -> dt.date | None:
    """A date cell: a date/datetime from a workbook, or 'YYYY-MM-DD' text (a time after it is ignored)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if len(text) == 10 or (len(text) > 10 and text[10] in "T "):
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None
    return None


def _date(number: int, column: str, value: Any) -> dt.date:
    when = _iso(value)
    if when is None:
        raise _bad(number, column, value, "a date (YYYY-MM-DD)")
    return when


def _score(number: int, cells, index) -> ScoreRow:  # noqa: ANN001
    when = _cell(cells, index, "date")
    if when is None:
        raise _bad(number, "date", when, "a date (YYYY-MM-DD)")
    audit = _cell(cells, index, "audit")
    if audit is None:
        raise Unreadable(f"row {number}, column audit: empty (name the audit)")
    score = _number(number, cells, index, "score", required=True)
    maximum = _number(number, cells, index, "max", required=False)
    if maximum is not None and maximum <= 0:
        raise _bad(number, "max", cells[index["max"]], "a number above 0")
    return ScoreRow(row=number, date=_date(number, "date", when), audit=_text(audit), score=score,
                    max=100.0 if maximum is None else maximum,
                    target=_number(number, cells, index, "target", required=False))


def _point(number: int, cells, index) -> SeriesPoint:  # noqa: ANN001
    raw = _cell(cells, index, "period")
    if raw is None:
        raise _bad(number, "period", raw, "a period (YYYY-MM or YYYY-MM-DD)")
    label = _text(raw).strip()
    if isinstance(raw, str) and len(label) == 7 and label[4] == "-" and label[:4].isdigit() and label[5:].isdigit() \
            and 1 <= int(label[5:]) <= 12:
        period = dt.date(int(label[:4]), int(label[5:]), 1)
    else:
        period = _iso(raw)
        if period is None:
            raise _bad(number, "period", raw, "a period (YYYY-MM or YYYY-MM-DD)")
    service, indicator = _cell(cells, index, "service"), _cell(cells, index, "indicator")
    return SeriesPoint(row=number, period=period, label=label,
                       value=_number(number, cells, index, "value", required=True),
                       service=None if service is None else _text(service),
                       indicator=None if indicator is None else _text(indicator))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
