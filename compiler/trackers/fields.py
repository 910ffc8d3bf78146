"""A tracker's table as a plan: each value with where it came from (a cell, a command-line option, or the words it
was inferred from), and the report of every row: what was read, inferred, kept as text, or doubted."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from compiler.trackers.cells import date_of, evidence_types, infer_kind, read_owner, read_rag, read_status, read_when
from compiler.trackers.key import Owner
from compiler.trackers.layout import Column, Row, Table
from compiler.trackers.values import Options, PlanDraft, Report, Value, cell_of, one_line
from compiler.trackers.words import has_phrase, header_field, meaning_of, plain

__all__ = ["Options", "PlanDraft", "Report", "Value", "date_of", "plan_from_table"]

_ID = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_.][A-Za-z0-9]+)+|[A-Za-z]+[0-9]+[A-Za-z]?")
_NUMBER_REF = re.compile(r"\d+(?:\.\d+)*[a-z]?")


def plan_from_table(table: Table, file_stem: str, several: bool, options: Options, report: Report) -> PlanDraft:
    head: dict[str, Value] = {}
    block = _labelled(table.block)
    titles = [(value, where) for label, value, where in table.block if not label and isinstance(value, str)]
    mapped = ", ".join(f"{c.heading} -> {c.field}" for c in table.columns
                       if c.field and c.field not in ("recommendation", "indicators"))
    report.lines.append(f"sheet {table.sheet.name!r}: header on row {table.header_row}; columns {mapped}")
    kept = [c.heading for c in table.columns if c.field in (None, "recommendation", "evidence", "indicators")]
    if kept:
        report.kept.append(f"{table.sheet.name}: " + ", ".join(repr(h) for h in kept))
    provider = _option_or_block(options.provider, "--provider", block.get("provider"))
    if provider is None:            # an unlabelled line naming an organisation: "Northfield Safeguarding Adults Board"
        org = next(((v, w) for v, w in titles[1:] if _ORGANISATION.search(str(v))), None)
        if org is not None:
            provider = Value(str(org[0]).strip(), org[1])
            titles = [t for t in titles if t != org]
            report.inferred.append(f"{table.sheet.name}: provider {provider.value!r} from the line at {org[1]}")
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
        title = str(titles[0][0]).strip()
        if several and plain(table.sheet.name) not in plain(title):   # one title over a workbook of services
            title = f"{title} – {table.sheet.name}"
        head["title"] = Value(title, titles[0][1])
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
    for key in ("contract", "location_id", "origin", "governance_forum"):
        if key in block and str(block[key][0]).strip():
            head[key] = Value(str(block[key][0]).strip(), block[key][1])
    for key in ("abuse_types", "quality_statements"):          # several, split on ; (or , between names)
        if key in block and str(block[key][0]).strip():
            head[key] = Value(_names(str(block[key][0]), key), block[key][1])
    if "review_every_days" in block:
        days = block["review_every_days"][0]
        if isinstance(days, (int, float)) and not isinstance(days, bool) or str(days).strip().isdigit():
            head["review_every_days"] = Value(int(float(days)), block["review_every_days"][1])
    risk = _risk(options.risk, block.get("risk"))
    if risk is None:
        risk = Value("medium", "not in the tracker: medium")
        report.warn(table.sheet.name, "no risk in the header block: give --risk (set to medium)")
    head["risk"] = risk

    header_date = date_of(block["opened"][0], False, None, table.epoch_1904)[0] if "opened" in block else None
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
    used = {cell_of(v.source) for v in (provider, *head.values())}
    unused = [f"{label + ': ' if label else ''}{one_line(str(value), 60)} ({where})"
              for label, value, where in table.block if where not in used and str(value).strip()]
    if unused:                          # said, never dropped in silence: no plan field takes them
        report.kept.append(f"{table.sheet.name}: header lines no plan field takes: " + "; ".join(unused))
    return PlanDraft(provider, head, actions, file_stem)


_ORGANISATION = re.compile(r"\b(?:Board|Council|Ltd|Limited|Trust|NHS|CIC|LLP|plc|Partnership|Authority|"
                           r"Care Group|Healthcare|Services)\b")


def _names(text: str, key: str) -> list[str]:
    """Abuse types or quality statements written out ("Safeguarding; Governance, management and sustainability")
    as their ids; a name with a comma in it is kept whole when the vocabulary has it."""
    from compiler.vocab import vocab

    known = set(vocab().abuse_types if key == "abuse_types" else vocab().quality_statements)
    slug = lambda part: plain(part).replace(" ", "_")          # noqa: E731
    pieces = [p for p in re.split(r";", text) if p.strip()] if ";" in text else [p for p in text.split(",") if p.strip()]
    out: list[str] = []
    i = 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            joined = slug(",".join(pieces[i:j]))
            if joined in known or j == i + 1:
                out.append(joined)
                i = j
                break
    return out


def _labelled(block: list[tuple[str, Any, str]]) -> dict[str, tuple[Any, str]]:
    """The header block's labelled values by the field they give; of two labels for one field, the better one
    (the vocabulary's order), else the first."""
    best: dict[str, tuple[int, Any, str]] = {}
    for label, value, where in block:
        if not label or value in (None, ""):
            continue
        found = header_field(label)
        if found is None:
            continue
        name, rank = found
        if name not in best or rank < best[name][0]:
            best[name] = (rank, value, where)
    return {name: (value, where) for name, (_, value, where) in best.items()}


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
            owner = read_owner(text, table.key, where, report)
            if owner is not None:
                out["owner"] = owner
            else:
                kept.append(f"{column.heading}: {text}")
        elif column.field in ("due", "opened", "closed"):
            when = read_when(cells[column.index].value, column.field, header_date, where, report, table.epoch_1904)
            if when is not None:
                out[column.field] = when
        elif column.field == "progress" and text:
            out["progress"] = Value(text, where)
        elif column.field == "evidence" and text:
            out["evidence_words"] = Value(text, where)
            kept.append(f"{column.heading}: {text}")
        elif column.field == "rag":
            rag = read_rag(cells[column.index], table.key, where, report)
            if rag is not None:
                out["rag"], out["rag_status"] = rag
        elif column.field == "status" and (text or cells[column.index].fill):
            status = read_status(cells[column.index], table, where, report)
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
        elif column.field == "quality_statements" and text:
            out["quality_statements"] = Value(_names(text, "quality_statements"), where)
        elif column.field == "commissioner_update" and text:
            out["commissioner_update"] = Value(text, where)
        elif column.field is None and text:
            kept.append(f"{column.heading}: {text}")
    _finish(out, kept, table, row, report)
    return out


def _finish(out: dict[str, Value], kept: list[str], table: Table, row: Row, report: Report) -> None:
    first = table.where(row.number, table.column("title").index)
    progress = out.get("progress")
    if table.column("status") is None and progress is not None:     # "Complete: ...", "Not started." opening
        opening = re.split(r"[:.;,–-]", progress.value, maxsplit=1)[0]   # the update says where it is
        meaning = meaning_of(opening) if len(opening.split()) <= 4 else None
        if meaning is not None:
            out["status"] = Value(meaning.status, f"{progress.source} {opening.strip()!r}")
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
        out["kind"] = infer_kind(title.value if title else "", first, report)
    if "evidence_words" in out:
        types = evidence_types(out["evidence_words"].value)
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


