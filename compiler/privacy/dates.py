"""Finding calendar dates in free text, in the formats UK care records use, and checking them."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<{g}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
          r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_SEP = r"[ \u00a0]+"

# each alternative names its groups so one parser reads them all
DATE = re.compile(
    r"(?<![\w/.\-])(?:"
    r"(?P<y1>(?:19|20)\d{2})[-/.](?P<m1>0?[1-9]|1[0-2])[-/.](?P<d1>0?[1-9]|[12]\d|3[01])"        # 1994-03-14
    r"|(?P<d2>0?[1-9]|[12]\d|3[01])[/.\-](?P<m2>0?[1-9]|1[0-2])[/.\-](?P<y2>(?:19|20)?\d{2})"    # 14/03/1994
    r"|(?P<d3>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?" + _SEP + r"(?:of" + _SEP + r")?"
    + _MONTH.format(g="m3") + r",?" + _SEP + r"(?P<y3>(?:19|20)\d{2})"                             # 14 March 1994
    r"|" + _MONTH.format(g="m4") + _SEP + r"(?P<d4>0?[1-9]|[12]\d|3[01])(?:st|nd|rd|th)?,?"
    + _SEP + r"(?P<y4>(?:19|20)\d{2})"                                                             # March 14, 1994
    r")(?![\w/\-]|\.\d)",
    re.IGNORECASE,
)


def _month(text: str) -> int:
    return int(text) if text.isdigit() else _MONTHS[text[:3].lower()]


def _year(text: str, today: dt.date) -> int:
    if len(text) == 4:
        return int(text)
    year = 2000 + int(text)            # two-digit years: the most recent past century
    return year if year <= today.year else year - 100


def _date_of(match: re.Match[str], today: dt.date) -> dt.date | None:
    for i in "1234":
        if match.group(f"y{i}"):
            try:
                return dt.date(_year(match.group(f"y{i}"), today), _month(match.group(f"m{i}")),
                               int(match.group(f"d{i}")))
            except ValueError:         # 31/02/1994
                return None
    return None


def find_dates(text: str, today: dt.date | None = None) -> Iterator[tuple[int, int, dt.date]]:
    """Every real calendar date in `text` as (start, end, date); 31/02 and the like are skipped."""
    today = today or dt.date.today()
    for match in DATE.finditer(text):
        date = _date_of(match, today)
        if date is not None:
            yield match.start(), match.end(), date


def parse_date(text: str) -> dt.date | None:
    """A whole cell holding one date (`1994-03-14`, `14/03/1994`, `14 March 1994`), else None."""
    text = text.strip()
    for start, end, date in find_dates(text):
        if start == 0 and end == len(text):
            return date
    return None
