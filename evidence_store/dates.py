"""The one date grammar (England's conventions: day first, April–March financial years) and the dates found in
a file's name and in the first lines of its text, with the choice of the one that dates an item.

Everything here is written out rather than handed to a general date parser: such parsers fill a missing day or
month from today, so "May 2026" could silently become a day. A date expression is one of the forms in `_FORMS`;
anything else is not a date. The words (months, weekdays, the labels before a date) are data:
evidence_store/data/date_labels.yaml.

Bounds, so that a document holding thousands of dates costs a small fixed time: `find_periods` looks at the first
`MAX_FIND_CHARS` characters of a text and returns at most `MAX_HITS` hits; `dates_in_text` looks at the first page
(a PDF) or the first `MAX_CHUNKS` paragraphs, lines or rows, at most `MAX_PREFIX_CHARS` characters in all, and
takes an unlabelled date only from the first `FIRST_LINES` lines of that.

Over 400 lines: the grammar, the finding and the choice share the word lists, the forms and the types, and every
caller (the evidence scan, tables, trackers) takes them from this one place.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Literal, Union

import yaml

from .readers.base import Chunk, one_line

MAX_FIND_CHARS = 20_000     # characters of one text find_periods looks at
MAX_HITS = 200              # date expressions find_periods returns for one text
MAX_CHUNKS = 40             # paragraphs, lines or rows of an item's text dates_in_text looks at (or the first page)
MAX_PREFIX_CHARS = 4_000    # ... and at most this many characters of them
FIRST_LINES = 10            # an unlabelled date counts only within the first lines of that prefix
LABEL_REACH = 60            # characters before a date searched for its label
MAX_QUOTE = 80              # characters of a quote shown in a provenance or a note

Grain = Literal["day", "month", "quarter"]
Label = Literal["record", "weak", "none"]


@dataclass(frozen=True)
class Period:
    """A date expression read: the days from `start` to `end`, inclusive. `written`: the text as written."""
    start: dt.date
    end: dt.date
    grain: Grain
    written: str


@dataclass(frozen=True)
class Refused:
    """A text that looks like a date and is not taken; `reason` finishes the sentence "'05/14/2026' ...".
    `kind`: "not a date", "impossible", "month-first", "before 2000" or "weekday"."""
    written: str
    reason: str
    kind: str
    grain: Grain | None = None        # the grain the text would have had (None when it is no date form at all)


Reading = Union[Period, Refused]


@dataclass(frozen=True)
class Hit:
    """A date expression inside a text: text[start:end] and how it reads."""
    start: int
    end: int
    reading: Reading


@dataclass(frozen=True)
class Found:
    """A date found in a file's name or text. `where`: "file name", or the chunk's "on page 1", "in paragraph 3"...;
    `quote`: the label and the date as written; `label`: "record", "weak" or "none". A refused reading is kept
    (its `period` is None) so that a caller can say why it was not taken."""
    reading: Reading
    where: str
    quote: str
    label: Label
    line_start: bool = False            # the date opens its line (nothing but white space before it)

    @property
    def period(self) -> Period | None:
        return self.reading if isinstance(self.reading, Period) else None


@dataclass(frozen=True)
class Choice:
    """The date that dates an item (None: undated), the last day of the period it covers when that is a month or a
    quarter, where the date came from in words, and notes on dates not taken."""
    date: dt.date | None
    period_end: dt.date | None
    provenance: str
    notes: tuple[str, ...] = ()
    period_end_provenance: str = ""     # where the period_end came from ("" when there is none)


# ----------------------------------------------------------------------------------------------- the words

@dataclass(frozen=True)
class _Words:
    months: dict[str, int]              # "sept" -> 9
    weekdays: dict[str, int]            # "thurs" -> 3 (Monday 0)
    labels: dict[str, str]              # normalised phrase -> record | period | weak | other
    label_pattern: re.Pattern[str]
    by_on_pattern: re.Pattern[str]              # a record label, "by" someone, then "on" or "," and the date
    near_pattern: re.Pattern[str]
    forms: re.Pattern[str]


def _key(phrase: str) -> str:
    return re.sub(r"\s*/\s*", " / ", " ".join(phrase.split())).casefold()


def _phrases(words: list[str]) -> str:
    """A regex alternation of phrases, longest first, spaces matching any run of white space."""
    parts = [r"\s*/\s*".join(r"\s+".join(map(re.escape, side.split())) for side in w.split("/"))
             for w in sorted(words, key=len, reverse=True)]
    return "|".join(parts)


@lru_cache(maxsize=1)
def _words() -> _Words:
    text = resources.files("evidence_store").joinpath("data", "date_labels.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    months = {str(name).casefold(): int(number) for number, names in raw["months"].items() for name in names}
    weekdays = {str(name).casefold(): day for day, names in enumerate(raw["weekdays"]) for name in names}
    labels: dict[str, str] = {}
    for group in ("record", "period", "weak", "other"):
        for phrase in raw[group]:
            if not isinstance(phrase, str):
                raise ValueError(f"date_labels.yaml: {group}: {phrase!r} is not text")
            labels[_key(phrase)] = group
    label_pattern = re.compile(r"(?<![^\W_])(?P<label>" + _phrases(list(labels)) + r")(?:\s+on)?[\s:\-–—,]*$",
                               re.IGNORECASE)
    record = [phrase for phrase, group in labels.items() if group == "record"]
    by_on_pattern = re.compile(r"(?<![^\W_])(?P<label>" + _phrases(record) + r")\s+by\s+[^.;:\n]{1,60}?"
                               r"(?:\s+on\s*|\s*,\s*)$", re.IGNORECASE)
    near_pattern = re.compile(r"(?<![^\W_])(?:" + _phrases([str(p) for p in raw["near"]]) + r")(?![^\W_])",
                              re.IGNORECASE)
    return _Words(months, weekdays, labels, label_pattern, by_on_pattern, near_pattern,
                  _forms(_phrases(list(months)), _phrases(list(weekdays))))


def _forms(month: str, weekday: str) -> re.Pattern[str]:
    """Every form, one named group each; at one place in a text the first form that fits is read. Digits are
    ASCII only ([0-9], not \\d, which takes every script's digits)."""
    y4, y2 = "[0-9]{4}", "[0-9]{2}"
    quarter = r"(?:Q|Quarter\s*)"
    forms = [
        # 2026-07-09 (also 2026/07/09, 2026.07.09, 2026_07_09), with an ISO time after it
        rf"(?P<iso>(?P<iy>{y4})(?P<isep>[-/._])(?P<im>{y2})(?P=isep)(?P<id>{y2})"
        r"(?:T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}:?[0-9]{2})?)?)",
        # 2026/27 Q1, FY2026-27 Q1 (financial year, then the quarter)
        rf"(?P<fyq>(?:FY\s?)?(?P<fa>{y4}|{y2})[/-](?P<fb>{y4}|{y2})[\s_-]*{quarter}(?P<fq>[1-4]))",
        # 2026 Q2 (calendar)
        rf"(?P<yq>(?P<yqy>{y4})[\s_-]*{quarter}(?P<yqq>[1-4]))",
        # 20260612 (scanners: year, month, day only)
        r"(?P<compact>(?P<cy>(?:19|20)[0-9]{2})(?P<cm>[0-9]{2})(?P<cd>[0-9]{2}))",
        # 2026-07 (a month)
        rf"(?P<isomonth>(?P<jy>{y4})[-_](?P<jm>{y2}))",
        # Q1 2026/27, Q1 FY26-27 (the quarter, then the financial year)
        rf"(?P<qfy>{quarter}(?P<gq>[1-4])[\s_-]*(?:FY\s?)?(?P<ga>{y4}|{y2})[/-](?P<gb>{y4}|{y2}))",
        # Q2 2026 (calendar)
        rf"(?P<qy>{quarter}(?P<qq>[1-4])[\s_-]*(?P<qyy>{y4}))",
        # 09/07/2026, 9/7/26, 12.03.26, 14-05-2026: day first, always
        rf"(?P<dmy>(?P<nd>[0-9]{{1,2}})(?P<nsep>[-/._])(?P<nm>[0-9]{{1,2}})(?P=nsep)(?P<ny>{y4}|{y2}))",
        # Thursday 12 March 2026, 14th May 2026, 12th of March 2026, 12-Mar-2026, 12 Mar 26
        rf"(?P<dmony>(?:(?P<wd>{weekday})\.?,?\s+)?(?P<td>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?"
        rf"(?:\s*[-/.]\s*|\s+)(?P<tm>{month})\.?,?(?:\s*[-/.]\s*|\s+)(?P<ty>{y4}|{y2}))",
        # 07/2026 (a month; "/" only, which no file name holds)
        rf"(?P<nmy>(?P<km>[0-9]{{1,2}})/(?P<ky>{y4}))",
        # May 2026, Sept 2026, July-2025, Jul-25, Jul '25
        rf"(?P<mony>(?P<mm>{month})\.?(?:(?:,?\s+|\s*[-/]\s*)(?P<my4>{y4})|\s*[-'’]\s*(?P<my2>{y2})))",
    ]
    # Not inside a word or a longer run of numbers (a version "v2.12.03.26", a time "2026-06-12_09-31-12").
    before = r"(?<![^\W_])(?<![0-9][./\-_])"
    after = r"(?![^\W_])(?![./\-][0-9])"
    return re.compile(before + "(?:" + "|".join(forms) + ")" + after, re.IGNORECASE)


# ------------------------------------------------------------------------------------------------ the grammar

def parse_period(text: str) -> Reading:
    """Read a text that is one date expression (white space around it is ignored)."""
    written = text.strip()
    match = _words().forms.fullmatch(written)
    if match is None:
        return Refused(one_line(written, MAX_QUOTE), "is not a date sgpack reads "
                       "(such as 09/07/2026, 12 March 2026, May 2026, Q2 2026 or Q1 2026/27)", "not a date")
    return _read(match)


_ASCII_DIGIT = re.compile("[0-9]")


def find_periods(text: str) -> list[Hit]:
    """Every date expression in a free text, in order: at most MAX_HITS, from its first MAX_FIND_CHARS characters."""
    hits: list[Hit] = []
    end = min(len(text), MAX_FIND_CHARS)
    if _ASCII_DIGIT.search(text, 0, end) is None:        # every form has one: half of all texts, read at once
        return hits
    for match in _words().forms.finditer(text, 0, end):
        hits.append(Hit(match.start(), match.end(), _read(match)))
        if len(hits) >= MAX_HITS:
            break
    return hits


def _read(match: re.Match[str]) -> Reading:
    written = match.group(0)
    g = match.group
    try:
        if g("iso"):
            return _day(written, int(g("iy")), int(g("im")), int(g("id")))
        if g("compact"):
            return _day(written, int(g("cy")), int(g("cm")), int(g("cd")))
        if g("dmy"):
            return _day_first(written, int(g("nd")), int(g("nm")), _year(g("ny")))
        if g("dmony"):
            month = _words().months.get(g("tm").casefold())
            if month is None:                       # a case-folded look-alike letter ("ſ" for "s")
                return Refused(written, "is not a date sgpack reads", "not a date")
            reading = _day(written, _year(g("ty")), month, int(g("td")))
            return _weekday(reading, g("wd")) if g("wd") else reading
        if g("isomonth"):
            return _month(written, int(g("jy")), int(g("jm")))
        if g("nmy"):
            return _month(written, int(g("ky")), int(g("km")))
        if g("mony"):
            month = _words().months.get(g("mm").casefold())
            if month is None:
                return Refused(written, "is not a date sgpack reads", "not a date")
            return _month(written, _year(g("my4") or g("my2")), month)
        if g("yq"):
            return _quarter(written, int(g("yqy")), int(g("yqq")))
        if g("qy"):
            return _quarter(written, int(g("qyy")), int(g("qq")))
        if g("fyq"):
            return _financial(written, g("fa"), g("fb"), int(g("fq")))
        return _financial(written, g("ga"), g("gb"), int(g("gq")))
    except (ValueError, OverflowError):             # a year past 9999 at the end of a period
        return Refused(written, "is not a date sgpack reads", "not a date")


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


def _early(written: str, year: int, grain: Grain) -> Refused | None:
    return Refused(written, "is before 2000", "before 2000", grain) if year < 2000 else None


def _day(written: str, year: int, month: int, day: int) -> Reading:
    if not 1 <= month <= 12:
        return Refused(written, f"is not a date (there is no month {month})", "impossible", "day")
    last = calendar.monthrange(year, month)[1] if year >= 1 else 31
    if not 1 <= day <= last:
        return Refused(written, f"is not a date ({calendar.month_name[month]} {year} has no day {day})",
                       "impossible", "day")
    early = _early(written, year, "day")
    if early:
        return early
    when = dt.date(year, month, day)
    return Period(when, when, "day", written)


def _day_first(written: str, day: int, month: int, year: int) -> Reading:
    reading = _day(written, year, month, day)
    if isinstance(reading, Refused) and reading.kind == "impossible" and 1 <= day <= 12 and month > 12:
        try:
            dt.date(year, day, month)
        except ValueError:
            return reading
        return Refused(written, "reads only month-first", "month-first", "day")
    return reading


def _weekday(reading: Reading, name: str) -> Reading:
    said = _words().weekdays.get(name.casefold())
    if isinstance(reading, Refused) or said is None or reading.start.weekday() == said:
        return reading
    fell = calendar.day_name[reading.start.weekday()]
    return Refused(reading.written, f"names the wrong weekday ({_long(reading.start)} was a {fell})", "weekday", "day")


def _month(written: str, year: int, month: int) -> Reading:
    if not 1 <= month <= 12:
        return Refused(written, f"is not a month (there is no month {month})", "impossible", "month")
    early = _early(written, year, "month")
    if early:
        return early
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]), "month",
                  written)


def _quarter(written: str, year: int, number: int) -> Reading:
    """A calendar quarter: Q1 is January to March."""
    early = _early(written, year, "quarter")
    if early:
        return early
    first = 3 * number - 2
    return Period(dt.date(year, first, 1),
                  dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1]), "quarter", written)


def _financial(written: str, first: str, second: str, number: int) -> Reading:
    """A financial-year quarter: the year runs April to March, so Q1 2026/27 is April to June 2026 and Q4 is
    January to March 2027."""
    year, following = _year(first), _year(second)
    if following % 100 != (year + 1) % 100 or (len(second) == 4 and following != year + 1):
        return Refused(written, f"is not a financial year ({first}/{second}: the second year must follow the first)",
                       "impossible", "quarter")
    early = _early(written, year, "quarter")
    if early:
        return early
    start_month = 3 * number + 1                    # Q1 -> April ... Q4 -> 13, January of the next year
    start_year = year + (start_month - 1) // 12
    start_month = (start_month - 1) % 12 + 1
    end_month = start_month + 2
    return Period(dt.date(start_year, start_month, 1),
                  dt.date(start_year, end_month, calendar.monthrange(start_year, end_month)[1]), "quarter", written)


def _long(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


# ------------------------------------------------------------------------------------ dates in names and text

_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{0,5}$")
# A reference: capital letters, a hyphen and numbers (RP-01, SAP-2026-007, LA-2026-0042). Its numbers are an id,
# not a date, unless they are a whole day (QSC-2026-03-12).
_REFERENCE = re.compile(r"(?<![^\W_])[A-Z]{1,6}-(?P<numbers>[0-9]+(?:-[0-9]+)*)(?![^\W_])")
_SENTENCE_END = re.compile(r"[.;!?](?=\s)")


def dates_in_name(name: str) -> list[Found]:
    """The date expressions in a file name (its extension left out), where they are not part of a reference."""
    stem = _EXTENSION.sub("", name)
    masked = stem
    for match in _REFERENCE.finditer(stem):
        numbers = parse_period(match.group("numbers"))
        if not (isinstance(numbers, Period) and numbers.grain == "day"):
            masked = masked[:match.start()] + " " * (match.end() - match.start()) + masked[match.end():]
    return [Found(hit.reading, "file name", stem[hit.start:hit.end], "none") for hit in find_periods(masked)]


def dates_in_text(chunks: list[Chunk]) -> list[Found]:
    """The dates in the first page (or the first MAX_CHUNKS paragraphs, lines or rows; MAX_PREFIX_CHARS characters
    in all), each with its label. Dates whose label gives them to something else ("next meeting", "date of birth",
    "due") are left out; an unlabelled date is kept only within the first FIRST_LINES lines."""
    words = _words()
    found: list[Found] = []
    left, lines = MAX_PREFIX_CHARS, 0
    previous_line = ""                              # the last line of the chunk before: a label in the cell before
    for chunk in _prefix(chunks):
        text = chunk.text[:left]
        left -= len(text)
        end_of_last = 0
        # a row of a table with two cells or more: an unlabelled date in it is a point of the data, not the file's
        data_row = chunk.where.startswith("in row") and sum(1 for cell in text.split("\t") if cell.strip()) >= 2
        for hit in find_periods(text):
            line = lines + text.count("\n", 0, hit.start)
            line_start = text.rfind("\n", 0, hit.start) + 1
            start = max(line_start, end_of_last, hit.start - LABEL_REACH)
            segment = text[start:hit.start]
            ends = list(_SENTENCE_END.finditer(segment))
            if ends:
                start += ends[-1].end()
                segment = segment[ends[-1].end():]
            if not segment.strip() and start == line_start and end_of_last <= line_start:
                above = text[text.rfind("\n", 0, max(line_start - 1, 0)) + 1:max(line_start - 1, 0)] \
                    if line_start else previous_line
                label, quote = _label(above.strip()[-LABEL_REACH:], words, whole=True)
                quote = f"{quote} {hit.reading.written}" if label != "none" else hit.reading.written
            else:
                label, quote = _label(segment, words, whole=False)
                quote = quote + text[hit.start:hit.end] if label != "none" else hit.reading.written
            end_of_last = hit.end
            if label == "other":
                continue
            grain = hit.reading.grain
            if label == "period":
                label = "record" if grain in ("month", "quarter") else "none"
            if label == "none" and (line >= FIRST_LINES or data_row):
                continue
            found.append(Found(hit.reading, chunk.where, _quote(quote), label,  # type: ignore[arg-type]
                               not text[line_start:hit.start].strip()))
        lines += text.count("\n") + 1
        previous_line = text.rsplit("\n", 1)[-1]
        if left <= 0 or len(found) >= MAX_HITS:
            break
    return found[:MAX_HITS]


def _prefix(chunks: list[Chunk]) -> list[Chunk]:
    if chunks and chunks[0].where.startswith("on page"):
        return chunks[:1]
    return chunks[:MAX_CHUNKS]


def _label(segment: str, words: _Words, *, whole: bool) -> tuple[str, str]:
    """The label group that ends `segment` ("record", "period", "weak", "other" or "none") and the label as
    written (with what sits between it and the date). `whole`: the label must be the whole segment (a line or
    cell of its own above the date)."""
    match = words.label_pattern.search(segment)
    if whole and (match is None or segment[:match.start()].strip()):
        return "none", ""
    group = "none" if match is None else words.labels.get(_key(match.group("label")), "none")
    if group == "none" and not whole:           # "Observed by A Rahman, Care Coordinator on 16th September 2026"
        match = words.by_on_pattern.search(segment)
        group = "none" if match is None else "record"
    before = segment if match is None else segment[:match.start()]
    if words.near_pattern.search(" ".join(before.split()[-4:])):
        return "other", ""
    if match is None:
        return "none", ""
    return group, segment[match.start():]


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else "…" + text[-(MAX_QUOTE - 1):]


# ---------------------------------------------------------------------------------------------- the choice

# The order of choice: (where, label, grain) -> rank; lower ranks first. A scanner or a camera names a file by the
# day it was scanned or taken ("Scan_20260612_0931.pdf"), so any date in the text comes before such a name's.
_RANKS = {
    ("text", "record", "day"): 1,
    ("name", "none", "day"): 2,
    ("text", "record", "month"): 3, ("text", "record", "quarter"): 3,
    ("name", "none", "month"): 4, ("name", "none", "quarter"): 4,
    ("text", "weak", "day"): 5,
    ("text", "none", "day"): 6,
    ("scanner", "none", "day"): 7,
}
_WHY = {
    3: " (a {grain}: dated by its last day)",
    4: " (a {grain}: dated by its last day)",
    5: " (the date of what the record is about: the record's own date is not given)",
    6: " (an unlabelled date in the first lines)",
    7: " (the day a scanner or camera named it)",
}
# A name that is only a device's: letters, then the day as YYYYMMDD, then a time or a counter
# ("Scan_20260612_0931", "IMG_20261020_084528", "DOC-20260612-WA0001").
_DEVICE_NAME = re.compile(r"(?:[A-Za-z]{1,10}[ _-]?)?[0-9]{8}(?:[ _-]?(?:[A-Za-z]{1,3})?[0-9]{1,9})*")


def choose_date(name: str, chunks: list[Chunk], as_of: dt.date, in_text: list[Found] | None = None) -> Choice:
    """The date of an item from its file name and the first lines of its text, in the order of docs/evidence.md
    (Dates). A month or a quarter dates it by its last day. A date after `as_of`, or before 2000, is not taken.

    Two refinements of that order, both for a month or a quarter and a day that agree: the text's first date, when it
    opens its line and falls within the month or quarter chosen, is taken instead (the same date, said more
    exactly); and a day chosen after the end of a month or quarter found in the text's labels or the name keeps
    that period as its `period_end` (an export on 3 November of October's log covers October).

    `in_text`: dates_in_text(chunks) when the caller has it already (it depends on the text alone: kept by hash)."""
    device = _DEVICE_NAME.fullmatch(_EXTENSION.sub("", name)) is not None
    candidates: list[tuple[int, int, Found]] = []
    text_dates = dates_in_text(chunks) if in_text is None else in_text
    for order, found in enumerate([*text_dates, *dates_in_name(name)]):
        place = "text" if found.where != "file name" else "scanner" if device else "name"
        grain = found.reading.grain
        rank = _RANKS.get((place, found.label, grain)) if grain else None
        if rank is not None:
            candidates.append((rank, order, found))
    candidates.sort(key=lambda c: (c[0], c[1]))
    taken: list[tuple[int, Found]] = []                 # the candidates that may be taken, best first
    passed: list[tuple[tuple[int, int], Found, str]] = []     # ((rank, order), found, why not taken)
    best: tuple[int, int] | None = None
    for rank, order, found in candidates:
        period = found.period
        if period is None:
            passed.append(((rank, order), found, found.reading.reason))
        elif _when(period) > as_of:
            passed.append(((rank, order), found, f"is after the as-of date {as_of.isoformat()}"))
        else:
            taken.append((rank, found))
            best = best or (rank, order)
    first_in_text = min((order for _, order, f in candidates if f.where != "file name"), default=None)
    # a note for each date that would have been taken, and for every month-first one
    notes = [_note(found, why) for place, found, why in passed
             if best is None or place < best or (isinstance(found.reading, Refused)
                                                 and found.reading.kind == "month-first")]
    if not taken:
        return Choice(None, None, "no date in the file name or the first lines of the text", tuple(notes[:5]))
    rank, found = taken[0]
    period = found.period
    assert period is not None
    if period.grain != "day":                           # the same date said more exactly, at the head of a line
        exact = [(r, f) for r, f in taken if r in (5, 6) and f.line_start and f.period is not None
                 and period.start <= f.period.start <= period.end and _order(candidates, f) == first_in_text]
        if exact:
            rank, found = exact[0]
            period = found.period
            assert period is not None
    provenance = _source(found) + _WHY.get(rank, "").format(grain=period.grain)
    end, end_provenance = (period.end, provenance) if period.grain != "day" else (None, "")
    if period.grain == "day":                           # the period a day's record covers, when one ended before it
        covered = [f for r, f in taken if r in (3, 4) and f.period is not None and f.period.end <= period.start]
        if covered:
            end, end_provenance = covered[0].period.end, _source(covered[0])
            provenance += f"; the {covered[0].period.grain} it covers from {end_provenance}"
    names = [f for r, f in taken if r in (2, 7) and f.period is not None and f.period.start != period.start]
    if found.where != "file name" and names:
        why = "a scanner or camera names a file by the day it was scanned" if device \
            else "a labelled date in the text comes first"
        notes.append(f"the file name's '{names[0].quote}' not used: {why}")
    return Choice(_when(period), end, provenance, tuple(notes[:5]), end_provenance)


def _order(candidates: list[tuple[int, int, Found]], found: Found) -> int:
    return next(order for _, order, f in candidates if f is found)


def _source(found: Found) -> str:
    return f"file name '{found.quote}'" if found.where == "file name" else f"text {found.where}: '{found.quote}'"


def _when(period: Period) -> dt.date:
    return period.start if period.grain == "day" else period.end


def _note(found: Found, why: str) -> str:
    place = "in the file name" if found.where == "file name" else found.where
    return f"'{found.quote}' {place} {why}; not taken"


def found_to_json(found: Found) -> list:
    """A Found as plain JSON (for the cache: the dates in a text depend on its bytes alone)."""
    r = found.reading
    reading = (["p", r.start.isoformat(), r.end.isoformat(), r.grain, r.written] if isinstance(r, Period)
               else ["r", r.written, r.reason, r.kind, r.grain])
    return [reading, found.where, found.quote, found.label, found.line_start]


def found_from_json(value: list) -> Found:
    """The Found found_to_json gave; ValueError on anything else."""
    reading, where, quote, label, line_start = value
    if reading[0] == "p":
        _, start, end, grain, written = reading
        read: Reading = Period(dt.date.fromisoformat(start), dt.date.fromisoformat(end), grain, str(written))
    elif reading[0] == "r":
        _, written, reason, kind, grain = reading
        read = Refused(str(written), str(reason), str(kind), grain)
    else:
        raise ValueError("reading")
    if label not in ("record", "weak", "none") or not isinstance(where, str) or not isinstance(quote, str):
        raise ValueError("found")
    return Found(read, where, quote, label, bool(line_start))

