"""One cell of a tracker read as a plan's value: an owner (through the key's initials), a RAG and status (by the
tracker's own key), a date (through the one grammar), an action's kind and the evidence its words ask for."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from compiler.trackers.key import Key, Owner, _is_role, colour_class, parse_owner
from compiler.trackers.layout import Table
from compiler.trackers.words import colour_word, has_phrase, meaning_of, plain, words
from compiler.trackers.values import Report, Value, one_line
from evidence_store.dates import Period, parse_period

_SERIAL_RANGE = (20000, 80000)          # Excel day numbers from 1954 to 2119: anything else is not a date
_MONTHS = {m: i for i, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for m in names}
_FREE_MONTH = re.compile(r"^(?:by\s+)?(?:the\s+)?(?:end\s+of\s+|end\s+)?(?P<month>[a-z]+)\.?$")


def read_owner(text: str, key: Key, where: str, report: Report) -> Value | None:
    token = text.strip()
    initials = [t for t in re.split(r"[/,&]|\band\b", token) if t.strip()]
    if token in key.owners:
        owner, source = key.owners[token]
        return Value(owner, f"{where} {token!r} through {source}")
    if len(initials) > 1 and all(t.strip() in key.owners for t in initials):
        owner, source = key.owners[initials[0].strip()]
        report.warn(where, f"several owners ({token}): the first, {initials[0].strip()}, is the action's owner")
        return Value(owner, f"{where} {initials[0].strip()!r} through {source}")
    if plain(token) in words().placeholder_owners:
        report.warn(where, f"owner {token!r} names nobody yet: no owner set")
        return None
    if re.fullmatch(r"[A-Z]{2,4}", token):
        report.warn(where, f"owner {token!r} looks like initials the tracker's key does not explain: kept as written")
        return Value(Owner(token, None), where)
    if not re.search(r"[(,]| [–—-] ", token) and _is_role(token):       # "Office Manager": a role, no person
        return Value(Owner(None, token), where)
    owner = parse_owner(token)
    if owner.role is None and owner.name and len(owner.name.split()) == 1:
        report.warn(where, f"owner {token!r} names no person and no role clearly: kept as written")
    return Value(owner, where)


def read_rag(cell: Any, key: Key, where: str, report: Report) -> tuple[Value, Value] | None:
    text = "" if cell.value is None else str(cell.value).strip()
    fill = colour_class(cell.fill)
    named = colour_word(text) if text else None
    if text and named is None and plain(text) in key.words:        # a word the key defines ("Complete")
        meaning = meaning_of(key.words[plain(text)][0])
        if meaning is not None:
            return Value(meaning.rag, f"{where} {text!r} through {key.words[plain(text)][1]}"), \
                Value(meaning.status, f"{where} {text!r} through {key.words[plain(text)][1]}")
    if text and named is None:
        meaning = meaning_of(text)
        if meaning is not None:
            return Value(meaning.rag, f"{where} {text!r}"), Value(meaning.status, f"{where} {text!r}")
        report.warn(where, f"RAG {text!r} is not a colour or a status sgpack knows: left unset")
        return None
    if named and fill and named != fill:
        report.warn(where, f"the text says {text!r} but the cell is filled {fill}: the text is taken")
    colour = named or fill
    if colour is None:
        return None
    meaning, why = key.meaning(colour)
    source = f"{where} {'text ' + repr(text) if named else 'fill ' + colour} means {meaning.rag}: {why}"
    return Value(meaning.rag, source), Value(meaning.status, source)


_STATUSES = {"planned": "planned", "in progress": "in_progress", "completed": "completed", "closed": "closed"}


def read_status(cell: Any, table: Table, where: str, report: Report) -> dict[str, Value]:
    text = "" if cell.value is None else str(cell.value).strip()
    out: dict[str, Value] = {}
    own = plain(text).replace("_", " ")
    if own in _STATUSES:                           # sgpack's own word (its template's drop-down, its export)
        out["status"] = Value(_STATUSES[own], f"{where} {text!r}")
    elif text:
        words_key = table.key.words.get(plain(text))
        meaning = meaning_of(words_key[0]) if words_key else meaning_of(text)
        if meaning is not None:
            out["status"] = Value(meaning.status, f"{where} {text!r}")
        else:
            report.warn(where, f"status {text!r} is not one sgpack knows: left unset")
    if table.column("rag") is None and colour_class(cell.fill):     # a status cell coloured by the key
        rag = read_rag(type(cell)(None, cell.fill), table.key, where, report)
        if rag is not None:
            out["rag"] = rag[0]
            out.setdefault("status", rag[1])
    return out


def read_when(value: Any, field_name: str, header: dt.date | None, where: str, report: Report,
              epoch_1904: bool = False) -> Value | None:
    when, how = date_of(value, field_name == "due", header, epoch_1904)
    if when is None:
        if value not in (None, "") and how:
            report.warn(where, how)
        return None
    return Value(when, where if not how else f"{where} ({how})")


def date_of(value: Any, due: bool, header: dt.date | None = None,
            epoch_1904: bool = False) -> tuple[dt.date | None, str]:
    """(the date a cell means, how it was read when that needs saying) or (None, why not). A due month or quarter
    is its last day; an Excel serial number in a cell not formatted as a date is read as one."""
    if value in (None, ""):
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1] and float(value).is_integer():
            start = dt.date(1904, 1, 1) if epoch_1904 else dt.date(1899, 12, 30)    # Excel's two day-number systems
            system = " (the 1904 date system)" if epoch_1904 else ""
            return start + dt.timedelta(days=int(value)), f"Excel day number {int(value)}{system}"
        return None, f"{value!r} is not a date"
    text = " ".join(str(value).split())
    reading = parse_period(text)
    if isinstance(reading, Period):
        if reading.grain == "day":
            return reading.start, ""
        return (reading.end if due else reading.start), f"'{text}': its {'last' if due else 'first'} day"
    free = _FREE_MONTH.match(text.lower())
    if free and free["month"] in _MONTHS:
        if header is None:
            return None, f"'{text}' names no year and the tracker has no date to read it against: left empty"
        month = _MONTHS[free["month"]]
        year = header.year + (1 if month < header.month else 0)
        start = dt.date(year, month, 1)
        end = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1))
        return (end if due else start), f"'{text}' after the tracker's date {header.isoformat()}"
    return None, f"'{one_line(text)}' is not a date sgpack reads: left empty"


def infer_kind(title: str, where: str, report: Report) -> Value:
    value = plain(title)
    vocabulary = words()
    found = next(((k, p) for k, phrases in vocabulary.kinds_first for p in phrases if has_phrase(value, p)), None)
    if found is None:                   # the first kind word of the sentence: its verb ("Lead to check charts daily")
        tokens = value.split()
        for i in range(len(tokens)):
            rest = " ".join(tokens[i:])
            found = next(((k, p) for k, phrases in vocabulary.kinds for p in phrases
                          if rest == p or rest.startswith(p + " ")), None)
            if found is not None:
                break
    if found is not None:
        kind, phrase = found
        report.inferred.append(f"{where}: kind {kind} from the word {phrase!r}")
        return Value(kind, f"inferred from the word {phrase!r} in {where}")
    report.inferred.append(f"{where}: kind practice_change (no word of the action says otherwise)")
    report.warn(where, "the action's kind is not in its words: set to practice_change; check it")
    return Value("practice_change", f"no word of {where} names its kind: practice_change")


def evidence_types(text: str) -> list[str]:
    """The evidence types an evidence column's words name, in order ("monthly audit of PBS plans; supervision
    records" -> audit, supervision)."""
    from evidence_store.kinds import type_in

    found = []
    for segment in re.split(r"[;,\n/]|\band\b|\bplus\b", text):
        typed = type_in(segment)         # the head noun: "monthly audit of the restrictive practice log" is an audit
        if typed is not None:
            found.append(typed[0])
    return list(dict.fromkeys(found))
