"""Finding personal data in text: identifier patterns (listed in docs/privacy.md) and the roster's people."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from compiler.privacy.dates import find_dates
from compiler.privacy.nhs import is_valid_nhs_number
from compiler.privacy.names import NameIndex
from compiler.privacy.outgoing import PEOPLE_COUNT, Outgoing, people_counts, sentence
from compiler.privacy.roster import Roster, RosterEntry
from compiler.privacy.spans import Span, resolve
from compiler.privacy.visible import original_span, visible

HitKind = Literal["nhs_number", "ni_number", "postcode", "date_of_birth", "email", "phone", "roster_name",
                  "people_count"]


class Hit(BaseModel):
    """One piece of personal data at text[start:end]. It never holds the value, only a mask of it."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: HitKind
    start: int
    end: int
    masked: str               # a count of people: the sentence that holds it, which is what a reader checks
    detail: str = ""          # "full name", "given name or surname", "initials", "roster NHS number", ...


class Located(BaseModel):
    """A hit in one chunk of a document ("page 2", "paragraph 12", "sheet Q3!B7")."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    location: str
    hit: Hit

    def describe(self) -> str:
        detail = f" ({self.hit.detail})" if self.hit.detail else ""
        return f"{self.location}: {self.hit.kind} {self.hit.masked}{detail}"


# ---------------------------------------------------------------- identifier patterns

# 3-3-4 with one consistent separator, or ten digits together; not part of a longer number,
# an amount (£, 1,234, 12.5, %), a reference (2026-0042) or a word
_NHS = re.compile(
    r"(?<![\w£$€#@])(?<!\d[.,/\-])(\d{3})( {1,2}|\u00a0|-|\.|)(\d{3})\2(\d{4})(?![\w%£$€]|[.,/\-:]\d)")
_ANY_TEN_DIGITS = re.compile(r"(?=(\d(?:[ \u00a0.\-/]{0,2}\d){9}))")

_NI_PREFIX_NOT_USED = {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"}
_NI = re.compile(r"(?<![\w\-])([A-Z]{2}) ?\d{2} ?\d{2} ?\d{2} ?([A-D])?(?![\w\-])", re.IGNORECASE)
_NI_CONTEXT = re.compile(r"(?:\bNI\b|\bNINO\b|national\s+insurance)[\s\S]{0,30}$", re.IGNORECASE)
_NI_FIRST = set("ABCEGHJKLMNOPRSTWXYZ")      # D F I Q U V never first
_NI_SECOND = _NI_FIRST - {"O"}               # ... and O never second

_POSTCODE = re.compile(
    r"(?<![\w\-])(?:GIR ?0AA|ZZ99[ \u00a0]?[0-9][A-Z]{2}|(?:[A-Z][0-9]{1,2}|[A-Z][A-HJ-Y][0-9]{1,2}|[A-Z][0-9][A-Z]|[A-Z][A-HJ-Y][0-9]?[A-Z])"
    r"[ \u00a0]?[0-9][A-Z]{2})(?![\w\-])")

_EMAIL = re.compile(r"(?<![\w.%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}(?![\w\-])")

# +44 7700 900123, +44 (0)20 7946 0000, 07700 900 123, 0161 496 0000, (01632) 960000
_PHONE = re.compile(
    r"(?<![\w+\-/.:])(?:\+44[ \-]?(?:\(0\)[ \-]?)?|\(?0)(?:\d{2,5}\)?(?:[ \-]?\d{3,4}){1,2}|\d{9,10})"
    r"(?![\w\-/]|[.:,]\d)")

_DOB_BEFORE = re.compile(
    r"(?:\bD\.?O\.?B\b\.?|\bdate\s+of\s+birth|\bbirth\s*date|\bborn(?:\s+on)?|\bbirthday)"
    r"[\s:=|\-–—,()]*(?:(?:is|was|of|on)\s+)?$", re.IGNORECASE)
_DOB_AFTER = re.compile(r"\s*[(\[]?\s*(?:D\.?O\.?B\b|date\s+of\s+birth|birth\s*date)", re.IGNORECASE)


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def mask(value: str, keep: int = 0, *, per_word: bool = False) -> str:
    """Hide letters and digits with `*`, keeping separators, the first `keep` of them, or each word's first.

    At least one character is always hidden, so the mask never shows the value in full.
    """
    out, shown, hidden = [], 0, 0
    at_word_start = True
    for ch in value:
        if not ch.isalnum():
            out.append(ch)
            at_word_start = True
            continue
        if (per_word and at_word_start) or (not per_word and shown < keep):
            out.append(ch)
            shown += 1
        else:
            out.append("*")
            hidden += 1
        at_word_start = False
    if hidden == 0:
        return "".join("*" if c.isalnum() else c for c in value)
    return "".join(out)


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    labels = domain.split(".")
    return f"{mask(local, 1)}@{'.'.join(mask(label, 1) for label in labels[:-1])}.{labels[-1]}"


def mask_span(text: str, span: Span) -> str:
    if span.kind == PEOPLE_COUNT:
        return sentence(text, span.start, span.end)
    value = text[span.start:span.end]
    if span.kind == "email":
        return _mask_email(value)
    if span.kind in ("roster_name", "staff_name"):
        return mask(value, per_word=True)
    keep = {"nhs_number": 3, "ni_number": 2, "phone": 4, "postcode": 0, "date_of_birth": 0}[span.kind]
    if span.kind == "postcode":                 # the outward code (district) is not personal on its own
        keep = len(value.split()[0]) if " " in value.strip() else max(len(value) - 3, 0)
    if span.kind == "phone" and value.startswith("+44"):
        keep = 5
    return mask(value, keep)


def _pattern_spans(text: str, today: dt.date) -> list[Span]:
    spans: list[Span] = []
    for m in _NHS.finditer(text):
        if is_valid_nhs_number(m.group(1) + m.group(3) + m.group(4)):
            spans.append(Span("nhs_number", m.start(), m.end(), 2, "valid check digit"))
    for m in _NI.finditer(text):
        prefix = m.group(1).upper()
        if prefix in _NI_PREFIX_NOT_USED or prefix[0] not in _NI_FIRST or prefix[1] not in _NI_SECOND:
            continue
        if m.group(2) or _NI_CONTEXT.search(text, max(0, m.start() - 40), m.start()):
            spans.append(Span("ni_number", m.start(), m.end(), 2))
    for start, end, _ in find_dates(text, today):
        before = text[max(0, start - 40):start]
        if _DOB_BEFORE.search(before) or _DOB_AFTER.match(text, end, min(len(text), end + 25)):
            spans.append(Span("date_of_birth", start, end, 2, "date of birth in context"))
    spans += [Span("email", m.start(), m.end(), 3) for m in _EMAIL.finditer(text)]
    for m in _PHONE.finditer(text):
        national = _digits(m.group())
        national = national[2:] if m.group().startswith("+44") else national
        national = national[1:] if national.startswith("0") else national    # the trunk 0, or +44 (0)
        if len(national) in (9, 10) and national[0] in "12378" and not (national[0] == "7" and len(national) != 10):
            spans.append(Span("phone", m.start(), m.end(), 4))
    spans += [Span("postcode", m.start(), m.end(), 5) for m in _POSTCODE.finditer(text)]
    return spans


def _roster_spans(text: str, roster: Roster, today: dt.date, outgoing: Outgoing | None) -> list[Span]:
    people = roster.people
    names = NameIndex.of(roster) if outgoing is None else \
        NameIndex.of(roster, initials=True, not_names=outgoing.not_names)
    spans = names.find(text)
    numbers = {p.nhs_number: p for p in people if p.nhs_number}
    if numbers:
        for m in _ANY_TEN_DIGITS.finditer(text):
            person = numbers.get(_digits(m.group(1)))
            if person is not None:
                spans.append(Span("nhs_number", m.start(1), m.end(1), 1, "roster NHS number", (person,)))
    births: dict[dt.date, list[RosterEntry]] = {}
    for p in people:
        if p.date_of_birth:
            births.setdefault(p.date_of_birth, []).append(p)
    if births:
        for start, end, date in find_dates(text, today):
            if date in births:
                spans.append(Span("date_of_birth", start, end, 1, "roster date of birth", tuple(births[date])))
    return spans


def _visible_spans(text: str, roster: Roster | None, today: dt.date | None,
                   outgoing: Outgoing | None) -> tuple[str, list[Span], list[int] | None]:
    """The findings in the visible text of `text` (see compiler.privacy.visible), that text, and its map back."""
    today = today or dt.date.today()
    shown, kept = visible(text)
    spans = _pattern_spans(shown, today)
    if roster is not None:
        spans += _roster_spans(shown, roster, today, outgoing)
    if outgoing is not None:
        spans += people_counts(shown)
    return shown, resolve(spans), kept


def find_spans(text: str, roster: Roster | None, today: dt.date | None = None,
               outgoing: Outgoing | None = None) -> list[Span]:
    """Every finding in `text`, staff names included (redaction needs them), overlaps resolved. Characters
    that print nothing are skipped, so "Ja\u200bmie" is found; a span covers them. With `outgoing` (text
    that leaves the provider): initials and counts of one to four people too, and its stop-list applied."""
    _, spans, kept = _visible_spans(text, roster, today, outgoing)
    if kept is None:
        return spans
    return [dataclasses.replace(s, start=a, end=b) for s in spans for a, b in [original_span(kept, s.start, s.end)]]


def scan_text(text: str, roster: Roster | None, today: dt.date | None = None,
              outgoing: Outgoing | None = None) -> list[Hit]:
    """The personal data in `text`, in text order, each value masked. Staff names are not hits."""
    shown, spans, kept = _visible_spans(text, roster, today, outgoing)
    hits = []
    for s in spans:
        if s.kind == "staff_name":
            continue
        start, end = original_span(kept, s.start, s.end)
        hits.append(Hit(kind=s.kind, start=start, end=end, masked=mask_span(shown, s), detail=s.detail))
    return hits


def scan_document(chunks: Iterable[tuple[str, str]], roster: Roster | None,
                  today: dt.date | None = None) -> list[Located]:
    """Scan (location, text) chunks of one document; hits keep their chunk's location."""
    return [Located(location=location, hit=hit)
            for location, text in chunks for hit in scan_text(text, roster, today)]
