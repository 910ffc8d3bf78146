"""The reporting period of a return: a quarter, as given (`--period 2026-Q3`, `Q2 2026/27`) or the last complete
one before the as-of date, named both ways (calendar and April–March financial year)."""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ReportingPeriod:
    """The days from `start` to `end` (a quarter), and where it came from in words (`provenance`)."""
    start: dt.date
    end: dt.date
    provenance: str

    @property
    def label(self) -> str:
        """"July–September 2026 (Q2 2026/27)": the months, then the financial-year quarter (April–March)."""
        first, last = calendar.month_name[self.start.month], calendar.month_name[self.end.month]
        fy_start = self.start.year if self.start.month >= 4 else self.start.year - 1
        quarter = (self.start.month - 4) % 12 // 3 + 1
        return f"{first}\u2013{last} {self.end.year} (Q{quarter} {fy_start}/{(fy_start + 1) % 100:02d})"

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


class PeriodError(ValueError):
    """A --period that is not a quarter sgpack reads, or not over by the as-of date; the message says which."""


def _long(day: dt.date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def last_complete_quarter(as_of: dt.date) -> ReportingPeriod:
    """The last quarter whose last day is before `as_of` (a quarter ending on the as-of day is not yet over)."""
    day = as_of - dt.timedelta(days=1)
    first = 3 * ((day.month - 1) // 3) + 1
    end = dt.date(day.year, first + 2, calendar.monthrange(day.year, first + 2)[1])
    if end > day:                       # `day` is inside its quarter: the one before it is the last complete one
        first, year = (first - 3, day.year) if first > 1 else (10, day.year - 1)
        end = dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1])
    start = dt.date(end.year, end.month - 2, 1)
    return ReportingPeriod(start, end, f"the last complete quarter before the as-of date, {_long(as_of)}")


def reporting_period(text: str | None, as_of: dt.date) -> ReportingPeriod:
    """The quarter `text` names, through the one date grammar (evidence_store.dates): a calendar quarter
    ("2026-Q3", "2026 Q3", "Q3 2026": July–September 2026) or a financial-year one ("Q2 2026/27", "2026/27 Q2":
    the same months); None: the last complete quarter before `as_of`. Raises PeriodError for anything else, and
    for a quarter that has not ended by the day before `as_of`."""
    if text is None or not text.strip():
        return last_complete_quarter(as_of)
    from evidence_store.dates import Period, parse_period

    reading = parse_period(text)
    if not isinstance(reading, Period) or reading.grain != "quarter":
        if isinstance(reading, Period):
            said = f"'{text.strip()}' is a {reading.grain}, not a quarter"
        elif reading.kind == "not a date":
            said = f"'{text.strip()}' is not a quarter sgpack reads"
        else:
            said = f"'{text.strip()}' {reading.reason}"
        raise PeriodError(f"{said}; give a quarter: 2026-Q3 (July to September 2026) or Q2 2026/27 (the same "
                          "months as a financial-year quarter, April to March)")
    period = ReportingPeriod(reading.start, reading.end, f"as given: {text.strip()}")
    if period.end >= as_of:
        raise PeriodError(f"'{text.strip()}' is {period.label}, which has not ended by the as-of date, "
                          f"{_long(as_of)}: a return reports on a complete quarter")
    return period
