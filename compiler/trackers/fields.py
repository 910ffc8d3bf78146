"""A tracker's table as a plan: each value with where it came from (a cell, a command-line option, or the words it
was inferred from), and the report of every row: what was read, inferred, kept as text, or doubted."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from compiler.trackers.key import Key, Owner, colour_class, parse_owner
from compiler.trackers.layout import Column, Row, Table
from compiler.trackers.words import colour_word, field_of, has_phrase, meaning_of, plain, words
from evidence_store.dates import Period, parse_period

_SERIAL_RANGE = (20000, 80000)          # Excel day numbers from 1954 to 2119: anything else is not a date
_MONTHS = {m: i for i, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
     ("november", "nov"), ("december", "dec")), start=1) for m in names}
_FREE_MONTH = re.compile(r"^(?:by\s+)?(?:the\s+)?(?:end\s+of\s+|end\s+)?(?P<month>[a-z]+)\.?$")
_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)+|[A-Za-z]+[0-9]+[A-Za-z]?")
_NUMBER_REF = re.compile(r"\d+(?:\.\d+)*[a-z]?")


@dataclass
class Value:
    """A plan value and where it came from: a cell ("Action plan!E7"), an option ("--provider"), or the words it
    was inferred from ("inferred from 'Manager to audit monthly'")."""
    value: Any
    source: str


@dataclass
class Options:
    provider: str | None = None
    service: str | None = None
    risk: str | None = None
    sheet: str | None = None


@dataclass
class Report:
    """What an import did, row by row, in words (the import report)."""
    lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)        # columns kept as narrative text

    def warn(self, where: str, text: str) -> None:
        self.warnings.append(f"{where}: {text}")


@dataclass
class PlanDraft:
    """One plan as the tracker gives it: the plan's fields, its actions (each a dict of Values), its file stem."""
    provider: Value
    head: dict[str, Value]
    actions: list[dict[str, Value]]
    stem: str


def plan_from_table(table: Table, file_stem: str, several: bool, options: Options, report: Report) -> PlanDraft:
    head: dict[str, Value] = {}
    mapped = ", ".join(f"{c.heading} -> {c.field}" for c in table.columns
                       if c.field and c.field not in ("recommendation", "indicators"))
    report.lines.append(f"sheet {table.sheet.name!r}: header on row {table.header_row}; columns {mapped}")
    kept = [c.heading for c in table.columns if c.field in (None, "recommendation", "evidence", "indicators")]
    if kept:
        report.kept.append(f"{table.sheet.name}: " + ", ".join(repr(h) for h in kept))
    block = {field_of(label, words().header) or "": (value, where) for label, value, where in reversed(table.block)
             if label}
    titles = [(value, where) for label, value, where in table.block if not label and isinstance(value, str)]

    provider = _option_or_block(options.provider, "--provider", block.get("provider"))
    if provider is None:
        provider = Value("Provider not stated", "not in the tracker")
        report.warn(table.sheet.name, "no provider in the header block: give --provider (set to 'Provider not "
                                      "stated')")
    plan_id = block.get("id")
    if plan_id is not None and re.fullmatch(r"\S+", str(plan_id[0]).strip()):
        head["id"] = Value(str(plan_id[0]).strip(), plan_id[1])
    else:
        base = table.sheet.name if several else file_stem
        head["id"] = Value(_slug(base), f"made from the {'sheet' if several else 'file'} name {base!r}")
        report.inferred.append(f"{table.sheet.name}: plan id {head['id'].value} {head['id'].source}")
    if titles:
        head["title"] = Value(str(titles[0][0]).strip(), titles[0][1])
    elif "title" in block:
        head["title"] = Value(str(block["title"][0]).strip(), block["title"][1])
    else:
        head["title"] = Value(table.sheet.name if several else file_stem.replace("-", " ").replace("_", " "),
                              "the sheet's name" if several else "the file's name")
    service = _option_or_block(options.service, "--service", block.get("service"))
    if service is None:
        if several:
            service = Value(table.sheet.name, "the sheet's name")
        else:
            service = Value(provider.value, "no service in the tracker: the provider's name")
            report.warn(table.sheet.name, "no service in the header block: give --service (set to the provider)")
    head["service"] = service
    for key in ("contract", "origin"):
        if key in block:
            head[key] = Value(str(block[key][0]).strip(), block[key][1])
    risk = _risk(options.risk, block.get("risk"))
    if risk is None:
        risk = Value("medium", "not in the tracker: medium")
        report.warn(table.sheet.name, "no risk in the header block: give --risk (set to medium)")
    head["risk"] = risk

    header_date = _date_of(block["opened"][0], False)[0] if "opened" in block else None
    actions = [_action(table, row, head["id"].value, header_date, report) for row in table.rows]
    _unique_ids(actions, head["id"].value, report)
    if header_date is not None:
        head["opened"] = Value(header_date, block["opened"][1])
    else:
        dates = [(a[k].value, a[k].source) for a in actions for k in ("opened", "due") if k in a]
        if dates:
            earliest = min(dates)
            head["opened"] = Value(earliest[0], f"the earliest date in the tracker ({earliest[1]})")
        else:
            head["opened"] = Value(dt.date.today(), "no date in the tracker: the day of the import")
            report.warn(table.sheet.name, "no date in the tracker: the plan is opened on the day of the import")
        report.inferred.append(f"{table.sheet.name}: plan opened {head['opened'].value} from "
                               f"{head['opened'].source}")
    return PlanDraft(provider, head, actions, file_stem)


def _option_or_block(option: str | None, name: str, found: tuple[Any, str] | None) -> Value | None:
    if option:
        return Value(option, name)
    if found is not None and str(found[0]).strip():
        return Value(str(found[0]).strip(), found[1])
    return None


def _risk(option: str | None, found: tuple[Any, str] | None) -> Value | None:
    if option:
        return Value(option, "--risk")
    if found is not None:
        value = plain(found[0])
        for level in ("high", "medium", "low"):
            if has_phrase(value, level):
                return Value(level, found[1])
    return None


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").upper() or "PLAN"


# -------------------------------------------------------------------------------------------------- an action

def _action(table: Table, row: Row, plan_id: str, header_date: dt.date | None, report: Report) -> dict[str, Value]:
    out: dict[str, Value] = {}
    cells = row.cells
    kept: list[str] = []

    def text_of(column: Column) -> str:
        value = cells[column.index].value
        if isinstance(value, (dt.date, dt.datetime)):
            return value.strftime("%d/%m/%Y")
        return "" if value is None else str(value).strip()

    for column in table.columns:
        where = table.where(row.number, column.index)
        text = text_of(column)
        if column.field == "ref" and text:
            out["ref"] = Value(text, where)
        elif column.field == "title" and text:
            out["title"] = Value(" ".join(text.split()), where)
        elif column.field == "recommendation" and text:
            kept.append(f"{column.heading}: {text}")
        elif column.field == "owner" and text:
            out["owner"] = _owner(text, table.key, where, report)
        elif column.field in ("due", "opened", "closed"):
            when = _when(cells[column.index].value, column.field, header_date, where, report)
            if when is not None:
                out[column.field] = when
        elif column.field == "progress" and text:
            out["progress"] = Value(text, where)
        elif column.field == "evidence" and text:
            out["evidence_words"] = Value(text, where)
            kept.append(f"{column.heading}: {text}")
        elif column.field == "rag":
            rag = _rag(cells[column.index], table.key, where, report)
            if rag is not None:
                out["rag"], out["rag_status"] = rag
        elif column.field == "status" and (text or cells[column.index].fill):
            status = _status(cells[column.index], table, where, report)
            out.update(status)
        elif column.field == "kind" and text:
            kind = plain(text).replace(" ", "_")
            if kind in ("risk_control", "practice_change", "oversight", "evidence_measure"):
                out["kind"] = Value(kind, where)
            else:
                kept.append(f"{column.heading}: {text}")
        elif column.field == "risk" and text:
            level = next((lv for lv in ("high", "medium", "low") if has_phrase(plain(text), lv)), None)
            if level:
                out["risk"] = Value(level, where)
            else:
                kept.append(f"{column.heading}: {text}")
        elif column.field == "indicators" and text:
            kept.append(f"{column.heading}: {text}")
        elif column.field is None and text:
            kept.append(f"{column.heading}: {text}")
    _finish(out, kept, table, row, report)
    return out


def _finish(out: dict[str, Value], kept: list[str], table: Table, row: Row, report: Report) -> None:
    first = table.where(row.number, table.column("title").index)
    if "status" not in out and "rag_status" in out:       # a RAG with no status column: its meaning's status
        out["status"] = out["rag_status"]
    out.pop("rag_status", None)
    narrative = [out.pop("progress").value] if "progress" in out else []
    narrative += kept
    if narrative:
        sources = ", ".join(table.where(row.number, c.index) for c in table.columns
                            if (c.field in ("progress", "recommendation", "evidence", None)) and
                            row.cells[c.index].value not in (None, ""))
        out["narrative"] = Value("\n\n".join(narrative), sources or first)
    title = out.get("title")
    if "kind" not in out:
        out["kind"] = _kind(title.value if title else "", first, report)
    if "evidence_words" in out:
        types = _types(out["evidence_words"].value)
        if types:
            out["requires"] = Value([{"type": t, "count": 1} for t in types],
                                    f"inferred from {out['evidence_words'].source}: "
                                    f"{one_line(out['evidence_words'].value)!r}")
            report.inferred.append(f"{first}: requires {', '.join(types)} {out['requires'].source}")
    out.pop("evidence_words", None)
    report.lines.append(_row_line(table, row, out))


def _row_line(table: Table, row: Row, out: dict[str, Value]) -> str:
    parts = [f"row {row.number}"]
    for key in ("ref", "owner", "due", "status", "rag"):
        if key in out:
            value = out[key].value
            shown = f"{value.name or ''}{f' ({value.role})' if value.role else ''}" if isinstance(value, Owner) \
                else value
            parts.append(f"{key} {shown}")
    return f"{table.sheet.name} " + "; ".join(str(p) for p in parts)


def _owner(text: str, key: Key, where: str, report: Report) -> Value:
    token = text.strip()
    initials = [t for t in re.split(r"[/,&]|\band\b", token) if t.strip()]
    if token in key.owners:
        owner, source = key.owners[token]
        return Value(owner, f"{where} {token!r} through {source}")
    if len(initials) > 1 and all(t.strip() in key.owners for t in initials):
        owner, source = key.owners[initials[0].strip()]
        report.warn(where, f"several owners ({token}): the first, {initials[0].strip()}, is the action's owner")
        return Value(owner, f"{where} {initials[0].strip()!r} through {source}")
    if re.fullmatch(r"[A-Z]{2,4}", token):
        report.warn(where, f"owner {token!r} looks like initials the tracker's key does not explain: kept as written")
        return Value(Owner(token, None), where)
    owner = parse_owner(token)
    if owner.role is None and owner.name and len(owner.name.split()) == 1:
        report.warn(where, f"owner {token!r} names no person and no role clearly: kept as written")
    return Value(owner, where)


def _rag(cell: Any, key: Key, where: str, report: Report) -> tuple[Value, Value] | None:
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


def _status(cell: Any, table: Table, where: str, report: Report) -> dict[str, Value]:
    text = "" if cell.value is None else str(cell.value).strip()
    out: dict[str, Value] = {}
    meaning = meaning_of(table.key.words[plain(text)][0]) if plain(text) in table.key.words else meaning_of(text)
    if meaning is not None:
        out["status"] = Value(meaning.status, f"{where} {text!r}")
    elif text:
        report.warn(where, f"status {text!r} is not one sgpack knows: left unset")
    if table.column("rag") is None and colour_class(cell.fill):     # a status cell coloured by the key
        rag = _rag(type(cell)(None, cell.fill), table.key, where, report)
        if rag is not None:
            out["rag"] = rag[0]
            out.setdefault("status", rag[1])
    return out


def _when(value: Any, field_name: str, header: dt.date | None, where: str, report: Report) -> Value | None:
    when, how = _date_of(value, field_name == "due", header)
    if when is None:
        if value not in (None, "") and how:
            report.warn(where, how)
        return None
    return Value(when, where if not how else f"{where} ({how})")


def _date_of(value: Any, due: bool, header: dt.date | None = None) -> tuple[dt.date | None, str]:
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
            return dt.date(1899, 12, 30) + dt.timedelta(days=int(value)), f"Excel day number {int(value)}"
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


def _kind(title: str, where: str, report: Report) -> Value:
    value = plain(title)
    for kind, phrases in words().kinds:
        for phrase in phrases:
            if has_phrase(value, phrase):
                report.inferred.append(f"{where}: kind {kind} from the word {phrase!r}")
                return Value(kind, f"inferred from the word {phrase!r} in {where}")
    report.inferred.append(f"{where}: kind practice_change (no word of the action says otherwise)")
    report.warn(where, "the action's kind is not in its words: set to practice_change; check it")
    return Value("practice_change", f"no word of {where} names its kind: practice_change")


def _types(text: str) -> list[str]:
    """The evidence types an evidence column's words name, in order ("monthly audit of PBS plans; supervision
    records" -> audit, supervision)."""
    from evidence_store.kinds import types_in

    return list(dict.fromkeys(types_in(text)))


def _unique_ids(actions: list[dict[str, Value]], plan_id: str, report: Report) -> None:
    """A reference that is already an id (QA-7) is kept; a bare number (1, 1.1) becomes <plan id>-<ref>; no
    reference: <plan id>-<n>. A repeated id gets -2, -3."""
    taken: set[str] = set()
    for n, action in enumerate(actions, start=1):
        ref = action.pop("ref", None)
        if ref is not None and _ID.fullmatch(ref.value) and not _NUMBER_REF.fullmatch(ref.value):
            value, source = ref.value, ref.source
        elif ref is not None and _NUMBER_REF.fullmatch(ref.value):
            value, source = f"{plan_id}-{ref.value}", f"{ref.source} {ref.value!r} after the plan's id"
        else:
            value, source = f"{plan_id}-{n}", "no reference: the plan's id and the action's place"
        base, k = value, 1
        while value in taken:
            k += 1
            value = f"{base}-{k}"
        if k > 1:
            report.warn(ref.source if ref else plan_id, f"reference {base} used twice: this action is {value}")
        taken.add(value)
        action["id"] = Value(value, source)
        order = ["id", *[k for k in action if k != "id"]]
        for key in order:
            action[key] = action.pop(key)


def one_line(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
