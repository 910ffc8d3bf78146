"""Audit-score rows and indicator series from a table's rows (docs/evidence.md, Data files).

Two ways in. The strict header (`date,audit,score[,max,target]` or `period,value[,service,indicator]` in the
first row) is read exactly as it always was. Tables as systems export them are read too, for an item of type
audit or indicator or when the caller names the columns: the header found below title rows, the date and value
columns found by their headings or, when exactly one column of each kind is there, by their content, the dates
read with the one grammar (evidence_store.dates), scores as 82, "82%", 0.82 or "41/50". What cannot be read
unambiguously is said in one line (`Table.problem`), naming the columns found and how to name them.

Over 400 lines: the strict reading is kept exactly as it was, beside the reading of tables as exported.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .dates import Period, Refused, parse_period
from .model import ScoreRow, SeriesPoint
from .readers.base import Unreadable, one_line

TITLE_ROWS = 10          # rows above the header that may hold titles ("Exported 03/11/2026 09:14")
CONTENT_ROWS = 50        # data rows looked at to find a column by what it holds
ROLES = {"audit": ("date", "score", "audit", "max", "target"), "series": ("period", "value", "service", "indicator")}
_EXCEL_EPOCH = dt.date(1899, 12, 30)     # Excel's day 0 (its 1900 leap-year bug included)
_SERIALS = range(36_526, 2_958_466)      # Excel serial numbers from 1 January 2000 to 31 December 9999
_TIME = re.compile(r"[\sT]+[0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:\s*[ap]\.?m\.?)?$", re.IGNORECASE)
_OUT_OF = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)\s*(?:/|out of)\s*([0-9]+(?:\.[0-9]+)?)", re.IGNORECASE)


@dataclass
class Table:
    columns: list[str] = field(default_factory=list)
    scores: list[ScoreRow] = field(default_factory=list)
    series: list[SeriesPoint] = field(default_factory=list)
    problem: str | None = None          # why the table could not be read unambiguously, in one line
    provenance: str | None = None       # where the header is and how each column was found
    period_end: dt.date | None = None   # the last day of the latest period in a series (the period it covers)


def parse_table(rows: list[tuple[int, list[Any]]], item_type: str, columns: dict[str, str] | None = None) -> Table:
    """Rows are (file row number, cells) with blank rows already left out.

    `columns`: the column names a user gave, by role: `date` and `score` (and `audit`, `max`, `target`) for audit
    scores, `period` and `value` (and `service`, `indicator`) for a series; a role not given is found as below.
    Without it, a first row holding the strict header is read as it always was; otherwise an item of type audit
    gives scores, and one of type indicator a series, from the table as exported. A bad cell raises Unreadable
    naming its row and column."""
    if not rows:
        return Table()
    _, header = rows[0]
    names = [_text(cell).strip().lower() for cell in header]
    while names and not names[-1]:
        names.pop()
    table = Table(columns=names)
    if columns is None:
        index = {name: i for i, name in reversed(list(enumerate(names))) if name}
        strict = False
        if item_type == "audit" and {"date", "audit", "score"} <= index.keys():
            table.scores = [_score(number, cells, index) for number, cells in rows[1:]]
            strict = True
        if {"period", "value"} <= index.keys():
            table.series = [_point(number, cells, index) for number, cells in rows[1:]]
            strict = True
        if strict or item_type not in ("audit", "indicator"):
            table.period_end = _covered(table.series)
            return table
        kind = "audit" if item_type == "audit" else "series"
    else:
        kind = _kind(columns, table)
        if kind is None:
            return table
    _exported(rows, kind, columns or {}, table)
    table.period_end = _covered(table.series)
    return table


def _covered(series: list[SeriesPoint]) -> dt.date | None:
    """The last day of the latest period: a month's last day for a month, the day itself for a day. A series
    whose every point is the first of a month, a month or more apart ("01/09/2026", "01/10/2026": how systems
    export months), is a monthly series: its latest month ends on that month's last day."""
    ends = []
    for point in series:
        reading = parse_period(point.label)
        ends.append(reading.end if isinstance(reading, Period) and reading.start == point.period else point.period)
    latest = max(ends, default=None)
    days = sorted({point.period for point in series})
    if latest is not None and len(days) >= 2 and all(d.day == 1 for d in days) and latest == days[-1] \
            and all((b.year - a.year) * 12 + b.month - a.month >= 1 for a, b in zip(days, days[1:])):
        following = dt.date(latest.year + latest.month // 12, latest.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return latest


# ------------------------------------------------------------------------------------ the strict header

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


# ------------------------------------------------------------------------------------ tables as exported

@dataclass(frozen=True)
class _Words:
    kinds: tuple[tuple[str, re.Pattern[str]], ...]     # (kind, a heading holding one of its words), in order
    whole: dict[str, str]                               # a whole heading -> audit | service | indicator
    summary: frozenset[str]


@lru_cache(maxsize=1)
def _words() -> _Words:
    text = resources.files("evidence_store").joinpath("data", "date_labels.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)["columns"]

    def pattern(words: list[str]) -> re.Pattern[str]:
        parts = []
        for word in sorted((str(w) for w in words), key=len, reverse=True):
            body = r"\s+".join(map(re.escape, word.split()))
            parts.append(("(?<![^\\W_])" if word[0].isalnum() else "") + body
                         + ("(?![^\\W_])" if word[-1].isalnum() else ""))
        return re.compile("|".join(parts), re.IGNORECASE)

    kinds = tuple((kind, pattern(raw[kind])) for kind in ("target", "max", "date", "value"))
    whole = {_norm(str(w)): role for role in ("audit", "service", "indicator") for w in raw[role]}
    return _Words(kinds, whole, frozenset(_norm(str(w)) for w in raw["summary"]))


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


def _heading(name: str) -> str | None:
    """What a heading says its column holds: date, value, target, max, audit, service, indicator, or None."""
    words = _words()
    if _norm(name) in words.whole:
        return words.whole[_norm(name)]
    said = {kind for kind, pattern in words.kinds if pattern.search(name)}
    for kind in ("target", "max"):
        if kind in said:
            return kind
    if said == {"date"} or said == {"value"}:
        return said.pop()
    return None                                     # both, or neither: the heading does not say


def _kind(columns: dict[str, str], table: Table) -> str | None:
    roles = set(columns)
    unknown = sorted(roles - set(ROLES["audit"]) - set(ROLES["series"]))
    series, audit = roles & {"period", "value", "service", "indicator"}, roles & {"date", "score", "audit", "max",
                                                                                  "target"}
    if unknown or (series and audit) or not (series or audit):
        table.problem = (f"columns given as {', '.join(sorted(roles)) or 'nothing'}: name date and score (audit "
                         "scores) or period and value (an indicator series)")
        return None
    return "series" if series else "audit"


def _exported(rows: list[tuple[int, list[Any]]], kind: str, given: dict[str, str], table: Table) -> None:
    date_role, value_role = ("date", "score") if kind == "audit" else ("period", "value")
    at = _header_row(rows, given)
    if at is None:
        guess = _header_row(rows, {})
        number, cells = rows[guess if guess is not None else 0]
        shown = _listing(_names(cells))
        if given:
            missing = [name for name in given.values() if _norm(name) not in {_norm(n) for n in _names(cells)}]
            table.problem = (f"no column {', '.join(repr(one_line(m, 40)) for m in missing)} in the first "
                             f"{TITLE_ROWS + 1} rows; columns {shown} (row {number})")
        else:
            table.problem = (f"no header row found in the first {TITLE_ROWS + 1} rows (row {number}: {shown}) — "
                             f"name the columns: {_suggest(kind, {})}")
        return
    number, cells = rows[at]
    names = _names(cells)
    table.columns = [name.lower() for name in names]
    data = rows[at + 1:]
    found, how, wanting = _columns(names, data, kind, given)
    if wanting:
        shown = {role: (names[i] if i is not None else None) for role, i in found.items()}
        what = " and ".join(wanting) + (" columns" if len(wanting) > 1 else " column")
        table.problem = f"columns {_listing(names)} — name the {what}: {_suggest(kind, shown)}"
        return
    table.provenance = f"table header on row {number}; " + ", ".join(
        f"{role} from column {one_line(names[i], 40)!r} ({how[role]})" for role, i in found.items() if i is not None)
    if kind == "audit":
        table.scores, scaled = _exported_scores(data, names, found)
    else:
        table.series, scaled = _exported_series(data, names, found)
    if scaled:
        table.provenance += f"; {value_role}s between 0 and 1 read as fractions (0.82 is 82%)"


def _names(cells: list[Any]) -> list[str]:
    names = [_text(cell).strip() for cell in cells]
    while names and not names[-1]:
        names.pop()
    return names


def _header_row(rows: list[tuple[int, list[Any]]], given: dict[str, str]) -> int | None:
    """The header: the row of headings (two or more, all words) just above the first row with a date in it; or
    the first row of headings with a date heading; with `given`, the first row holding all the names given."""
    head = rows[: TITLE_ROWS + 2]
    if given:
        wanted = {_norm(name) for name in given.values()}
        return next((i for i, (_, cells) in enumerate(head) if wanted <= {_norm(n) for n in _names(cells)}), None)
    for i in range(1, len(head)):
        cells = head[i][1]
        if _headings(head[i - 1][1]) and sum(v is not None and _text(v).strip() != "" for v in cells) >= 2 \
                and any(_date_like(v) for v in cells):
            return i - 1
    return next((i for i, (_, cells) in enumerate(head[: TITLE_ROWS + 1])
                 if _headings(cells) and any(_heading(n) == "date" for n in _names(cells))), None)


def _headings(cells: list[Any]) -> bool:
    filled = [v for v in cells if v is not None and _text(v).strip()]
    return len(filled) >= 2 and all(isinstance(v, str) and not _date_like(v) and _amount(v) is None for v in filled)


def _columns(names: list[str], data: list[tuple[int, list[Any]]], kind: str,
             given: dict[str, str]) -> tuple[dict[str, int | None], dict[str, str], list[str]]:
    """Each role's column (or None), how it was found, and the roles that must be named to read the table."""
    date_role, value_role = ("date", "score") if kind == "audit" else ("period", "value")
    index = {_norm(n): i for i, n in reversed(list(enumerate(names))) if n}
    found: dict[str, int | None] = {role: index[_norm(name)] for role, name in given.items()}
    how = {role: "as named" for role in given}
    headings = [_heading(n) if n else None for n in names]
    sample = data[:CONTENT_ROWS]
    wanting = []

    def free(i: int) -> bool:
        return i not in found.values()

    for role, heading, holds in ((date_role, "date", _date_like), (value_role, "value", _amount)):
        if role in found:
            continue
        by_words = [i for i, h in enumerate(headings) if h == heading and free(i)]
        if role == "score" and len(by_words) > 1:
            scores = [i for i in by_words if re.search(r"score|%", names[i], re.IGNORECASE)]
            by_words = scores if len(scores) == 1 else by_words
        if len(by_words) == 1:
            found[role], how[role] = by_words[0], "its heading"
            continue
        by_content = [i for i, h in enumerate(headings) if h is None and names[i] and free(i)
                      and _holds(sample, i, holds)] if not by_words else []
        if len(by_content) == 1:
            found[role] = by_content[0]
            how[role] = "the one column of dates" if heading == "date" else "the one column of numbers"
            continue
        candidates = by_words or by_content
        found[role] = candidates[0] if candidates else None
        wanting.append(role)
    optional = [r for r in ROLES[kind] if r not in (date_role, value_role) and r not in found]
    for role in optional:
        matches = [i for i, h in enumerate(headings) if h == role and free(i)]
        if len(matches) == 1:
            found[role], how[role] = matches[0], "its heading"
    return found, how, wanting


def _holds(sample: list[tuple[int, list[Any]]], i: int, test: Any) -> bool:
    """Every filled cell of column i in the sample passes `test` (and there is one at least)."""
    values = [cells[i] for _, cells in sample if i < len(cells) and cells[i] is not None and _text(cells[i]).strip()]
    return bool(values) and all(test(v) is not None for v in values)


def _listing(names: list[str]) -> str:
    shown = [repr(one_line(n, 40)) for n in names if n]
    return ", ".join(shown[:8]) + (f" and {len(shown) - 8} more" if len(shown) > 8 else "")


def _suggest(kind: str, names: dict[str, str | None]) -> str:
    """How to name the columns: a plan's `data:` mapping (a series) or an evidence entry's `columns:` (scores)."""
    if kind == "series":
        return (f"data: {{file: …, period: {_plain(names.get('period'))}, "
                f"value: {_plain(names.get('value'))}}}")
    return f"columns: {{date: {_quoted(names.get('date'))}, score: {_quoted(names.get('score'))}}}"


def _plain(name: str | None) -> str:
    if name is None:
        return "…"
    name = one_line(name, 40)
    return name if re.fullmatch(r"[A-Za-z][^:,\[\]{}#&*!|>'\"%@`]*", name) and name == name.strip() else _quoted(name)


def _quoted(name: str | None) -> str:
    return "…" if name is None else "'" + one_line(name, 40).replace("'", "''") + "'"


# cells

def _date_like(value: Any) -> Period | None:
    """A cell that is a date: a workbook date, or text the grammar reads (a time after it is left out)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return Period(value, value, "day", value.isoformat())
    if isinstance(value, str):
        reading = parse_period(_TIME.sub("", value.strip()))
        return reading if isinstance(reading, Period) else None
    return None


def _when(number: int, column: str, value: Any) -> Period:
    """A date or period cell: a workbook date, an Excel serial number (45838), or text the grammar reads."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if math.isfinite(value) and int(value) in _SERIALS:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(value))
            return Period(day, day, "day", day.isoformat())
        raise _bad(number, column, value, "a date")
    period = _date_like(value)
    if period is not None:
        return period
    text = _text(value).strip()
    if text.isdigit() and int(text) in _SERIALS and len(text) == 5:
        return _when(number, column, int(text))
    reading = parse_period(_TIME.sub("", text))
    reason = reading.reason if isinstance(reading, Refused) else "is not a date"
    raise Unreadable(f"row {number}, column {one_line(column, 40)}: {one_line(text, 60)!r} {reason}")


def _amount(value: Any) -> tuple[float, float | None, bool] | None:
    """A score or value cell: (number, the maximum it was written out of, whether it was a plain number)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return (float(value), None, True) if math.isfinite(value) else None
    text = str(value).strip().replace(",", "")
    out_of = _OUT_OF.fullmatch(text)
    try:
        if out_of:
            maximum = float(out_of.group(2))
            return (float(out_of.group(1)), maximum, False) if maximum > 0 else None
        if text.endswith("%"):
            result = float(text[:-1].strip())
            return (result, None, False) if math.isfinite(result) else None
        result = float(text)
    except ValueError:
        return None
    return (result, None, True) if math.isfinite(result) else None


def _fractions(amounts: list[tuple[float, float | None, bool]]) -> bool:
    """Plain numbers all between 0 and 1, some not whole: a percentage cell as a workbook stores it (0.82)."""
    plain = [a for a, _, is_plain in amounts if is_plain]
    return bool(plain) and all(0 <= a <= 1 for a in plain) and any(not a.is_integer() for a in plain)


def _rows(data: list[tuple[int, list[Any]]], date_at: int) -> list[tuple[int, list[Any]]]:
    """The rows that are points: not a summary row ("Total", "Average"), nor a note below the table (one cell of
    words, no digits: "Source: care records system")."""
    summary = _words().summary
    kept = []
    for number, cells in data:
        when = _at(cells, date_at)
        if isinstance(when, str) and _norm(when) in summary:
            continue
        filled = [v for v in cells if v is not None and _text(v).strip()]
        if len(filled) == 1 and isinstance(filled[0], str) and not any(c.isdigit() for c in filled[0]):
            continue
        kept.append((number, cells))
    return kept


def _at(cells: list[Any], i: int | None) -> Any:
    if i is None or i >= len(cells):
        return None
    value = cells[i]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _amount_at(number: int, column: str, value: Any, *, required: bool) -> tuple[float, float | None, bool] | None:
    if value is None and not required:
        return None
    amount = _amount(value)
    if amount is None:
        raise _bad(number, column, value, "a number")
    return amount


def _exported_scores(data: list[tuple[int, list[Any]]], names: list[str],
                     found: dict[str, int | None]) -> tuple[list[ScoreRow], bool]:
    at = found["date"]
    assert at is not None and found["score"] is not None
    score_name = names[found["score"]]
    read = []
    for number, cells in _rows(data, at):
        period = _when(number, names[at], _at(cells, at))
        score = _amount_at(number, score_name, _at(cells, found["score"]), required=True)
        maximum = _amount_at(number, names[found["max"]], _at(cells, found.get("max")), required=False) \
            if found.get("max") is not None else None
        target = _amount_at(number, names[found["target"]], _at(cells, found.get("target")), required=False) \
            if found.get("target") is not None else None
        if maximum is not None and maximum[0] <= 0:
            raise _bad(number, names[found["max"]], _at(cells, found["max"]), "a number above 0")
        audit = _at(cells, found.get("audit"))
        read.append((number, period, score, maximum, target, score_name if audit is None else _text(audit)))
    scaled = found.get("max") is None and _fractions([r[2] for r in read])
    out = []
    for number, period, (score, out_of, plain), maximum, target, audit in read:
        factor = 100.0 if scaled and plain else 1.0
        top = out_of if out_of is not None else (maximum[0] if maximum is not None else 100.0)
        goal = None if target is None else target[0] * (100.0 if scaled and target[2] and target[0] <= 1 else 1.0)
        out.append(ScoreRow(row=number, date=period.start if period.grain == "day" else period.end, audit=audit,
                            score=score * factor, max=top, target=goal))
    return out, scaled


def _exported_series(data: list[tuple[int, list[Any]]], names: list[str],
                     found: dict[str, int | None]) -> tuple[list[SeriesPoint], bool]:
    at, value_at = found["period"], found["value"]
    assert at is not None and value_at is not None
    read = []
    for number, cells in _rows(data, at):
        raw = _at(cells, at)
        period = _when(number, names[at], raw)
        value = _amount_at(number, names[value_at], _at(cells, value_at), required=True)
        assert value is not None
        if value[1] is not None:                     # "41/50" is a score, not an indicator's value
            raise _bad(number, names[value_at], _at(cells, value_at), "a number")
        read.append((number, period, value, _at(cells, found.get("service")), _at(cells, found.get("indicator")),
                     period.written))
    # a percentage heading over cells a workbook stores as fractions (0.15 shown as 15%)
    scaled = re.search(r"%|percent", names[value_at], re.IGNORECASE) is not None and _fractions([r[2] for r in read])
    points = [SeriesPoint(row=number, period=period.start, label=label,
                          value=value * (100.0 if scaled and plain else 1.0),
                          service=None if service is None else _text(service),
                          indicator=None if indicator is None else _text(indicator))
              for number, period, (value, _, plain), service, indicator, label in read]
    return points, scaled
