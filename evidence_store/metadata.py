"""The resolution order of docs/evidence.md: each field's value and, beside it, where it came from."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable

import yaml

from .dates import Period, choose_date, find_periods
from .kinds import read_words
from .model import Link, LinkSource
from .readers.base import Chunk, ReadResult, one_line, parse_date

META_KEYS = ("id", "type", "title", "date", "period_end", "service", "actions", "author", "tags", "record", "columns")
_FILE_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?(?!\d)")
_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class FolderTypes:
    types: frozenset[str]
    folders: dict[str, str]


@lru_cache(maxsize=1)
def folder_types() -> FolderTypes:
    text = resources.files("evidence_store").joinpath("data", "folder_types.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    types = frozenset(raw["types"])
    folders = {_folder_key(t): t for t in types if t != "other"}
    folders.update({_folder_key(k): v for k, v in raw["folders"].items()})
    return FolderTypes(types, folders)


def _folder_key(name: str) -> str:
    return re.sub(r"[\s_]+", "-", name.strip().lower())


@dataclass
class MetaSource:
    """One block of explicit metadata: a sidecar, an evidence.yaml entry, or front matter."""
    label: str                  # "sidecar oakview.meta.yaml", "evidence.yaml", "front matter"
    link_source: LinkSource     # sidecar, index, metadata
    values: dict[str, Any]


@dataclass
class Resolved:
    fields: dict[str, Any] = field(default_factory=dict)
    provenance: dict[str, str] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    id_candidate: tuple[str, str] | None = None      # (id, provenance) given in metadata
    notes: list[str] = field(default_factory=list)
    explicit_actions: bool = False                   # metadata lists actions: only those, and exact mentions, link
    columns: dict[str, str] | None = None            # the table's columns, as metadata names them


def check_keys(values: dict[str, Any], label: str, notes: list[str]) -> dict[str, Any]:
    """Keep the known keys; note the others."""
    unknown = sorted(str(k) for k in values if k not in META_KEYS)
    if unknown:
        notes.append(f"{label}: unknown keys ignored: {', '.join(one_line(k, 40) for k in unknown)}")
    return {k: v for k, v in values.items() if k in META_KEYS}


def slug(path: str) -> str:
    """Default id: the relative path without extension, lower case, other characters runs of '-'."""
    stem = path.rsplit(".", 1)[0] if "." in path.rsplit("/", 1)[-1] else path
    ascii_text = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "item"


def resolve(path: str, sources: list[MetaSource], result: ReadResult | None,
            ids: frozenset[str], as_of: dt.date | None = None, named_as: str | None = None,
            text_dates: list | None = None) -> Resolved:
    """Fields from explicit metadata (sources, in priority order), then a plan naming the file as indicator data
    (`named_as`: how, for the type's provenance), then the file's own metadata, then its own words (name, first
    heading, first lines), then the folder, then dates in its name and text (none after `as_of`). Links come
    from every source. `text_dates`: the dates in the text's first lines, when the caller has them (kept by hash)."""
    out = Resolved()
    name = path.rsplit("/", 1)[-1]
    props = dict(result.props) if result else {}
    front = props.pop("front_matter", None)
    if front is not None:
        sources = [*sources, MetaSource("front matter", "metadata", check_keys(front[0], "front matter", out.notes))]

    # id
    for source in sources:
        value = _string(source.values.get("id"), source, "id", out.notes)
        if value:
            out.id_candidate = (value, source.label)
            break

    # type: explicit metadata (an unknown type is kept as "other"), then document properties
    # (free text in practice, so an unknown one falls through), then the folder.
    known = folder_types().types
    why: list[str] = []
    chosen: tuple[str, str] | None = None
    for source in sources:
        value = _string(source.values.get("type"), source, "type", out.notes)
        if value:
            key = _type_key(value)
            chosen = (key, source.label) if key in known else \
                ("other", f"{source.label} (gave {value!r}, not a known evidence type)")
            break
    if chosen is None and named_as is not None:       # a plan names it as an indicator's data
        chosen = ("indicator", named_as)
    if chosen is None and "type" in props:
        value, label = props["type"]
        key = _type_key(str(value))
        if key in known:
            chosen = (key, label)
        else:
            why.append(f"{label} {one_line(value, 60)!r} is not an evidence type")
    heading = result.heading if result is not None else None
    # a document with no heading (a scanned PDF) is read by its first lines; a table's are data or a title
    lines = _first_lines(result) if result is not None and not heading and not name.lower().endswith(_TABLES) else ()
    words = read_words(name, heading, lines)
    if chosen is None and words.type is not None:
        chosen = (words.type, words.type_why)
    if chosen is None:
        chosen = _folder_type(path)
    if chosen is None:
        chosen = ("other", "default: other")
    out.fields["type"] = chosen[0]
    out.provenance["type"] = chosen[1] + (f" ({'; '.join(why)})" if why else "")

    # a record at all? explicit metadata says so, else the file's own words (an agenda, a blank template...)
    record = _first_flag(sources, "record", out.notes)
    if record is not None:
        out.fields["record"] = record[0]
        out.provenance["record"] = record[1]
    elif words.not_record is not None:
        out.fields["record"] = False
        out.provenance["record"] = f"{_NOT_RECORD.get(words.not_record, words.not_record)} ({words.not_record_why})"
    if words.draft:
        out.fields["draft"] = True
        out.provenance["draft"] = words.draft_why

    # title
    title = _first_string(sources, "title", out.notes)
    if title is None and "title" in props:
        title = props["title"]
    if title is None and result is not None and result.heading:
        title = (result.heading, "first heading")
    if title is None:
        title = (_title_from_name(name), "file name")
    out.fields["title"] = one_line(title[0], 300)
    out.provenance["title"] = title[1]

    # dates
    why = []
    when = _first_date(sources, "date", why)
    if when is None and "date" in props:
        when = props["date"]
        subject = props.get("title", ("", ""))[0]
        if result is not None and _FORWARDED.match(str(subject)):  # the Date header is the day it was forwarded
            when = _forwarded_sent(result.chunks, as_of or dt.date.today()) or when
    inferred_end, none_found = None, "no date found"
    if when is None:                  # the file's own words: its name and the first lines of its text
        choice = choose_date(name, result.chunks if result is not None else [], as_of or dt.date.today(),
                             text_dates)
        out.notes.extend(choice.notes)
        if choice.date is not None:
            when = (choice.date, choice.provenance)
            inferred_end = choice.period_end
        else:                         # what was found and not taken says why
            none_found = choice.provenance + (f" ({'; '.join(choice.notes)})" if choice.notes else "")
    if when is not None:
        out.fields["date"] = when[0]
        out.provenance["date"] = when[1] + (f" ({'; '.join(why)})" if why else "")
    else:
        out.provenance["date"] = none_found + (f" ({'; '.join(why)})" if why else "")
    why = []
    end = _first_date(sources, "period_end", why)
    if end is not None:
        out.fields["period_end"] = end[0]
        out.provenance["period_end"] = end[1]
    elif inferred_end is not None:    # a month or a quarter: dated by its last day, the period it covers kept
        out.fields["period_end"] = inferred_end
        out.provenance["period_end"] = out.provenance["date"]
    if why:
        out.notes.extend(why)

    # plain strings
    for key in ("service", "author"):
        found = _first_string(sources, key, out.notes)
        if found is None and key in props:
            found = props[key]
        if found is not None:
            out.fields[key] = one_line(found[0], 200)
            out.provenance[key] = found[1]
    for source in sources:
        tags = _tokens(source.values.get("tags"), comma_only=True)
        if tags:
            out.fields["tags"] = tags
            out.provenance["tags"] = source.label
            break

    for source in sources:
        columns = source.values.get("columns")
        if columns is None:
            continue
        if isinstance(columns, dict) and all(isinstance(k, str) and isinstance(v, (str, int)) for k, v in columns.items()):
            out.columns = {k: str(v) for k, v in columns.items()}
            out.provenance["columns"] = source.label
        else:
            out.notes.append(f"{source.label}: columns ignored (expected names, e.g. columns: {{date: 'Audit date', "
                             "score: 'Score %'}})")
        break

    # links: explicit actions from every source, then ids in the file's keywords
    seen: set[tuple[str, str]] = set()
    for source in sources:
        listed = _tokens(source.values.get("actions"))
        out.explicit_actions = out.explicit_actions or bool(listed)
        for target in listed:
            if (target, source.link_source) not in seen:
                seen.add((target, source.link_source))
                out.links.append(Link(target=target, source=source.link_source,
                                      why=f"{target} listed under actions in {source.label}"))
    if result is not None and result.keywords:
        raw, label = result.keywords
        for token in _SPLIT.split(raw):
            if token in ids and (token, "metadata") not in seen:
                seen.add((token, "metadata"))
                out.links.append(Link(target=token, source="metadata", why=f"{token} in {label}"))
    return out


_FORWARDED = re.compile(r"\s*(?:fw|fwd)\s*:", re.I)
_FORWARD_MARK = re.compile(r"original message|forwarded message|^\s*from\s*:", re.I | re.M)
_SENT = re.compile(r"^\s*(?:sent|date)\s*:\s*(.+)$", re.I | re.M)


def _forwarded_sent(chunks: list[Chunk], as_of: dt.date) -> tuple[dt.date, str] | None:
    """The day a forwarded email's original was sent: its "Sent:" (or "Date:") line after the forwarding mark."""
    text = "\n".join(chunk.text for chunk in chunks[:MAX_FORWARD_CHUNKS])[:20_000]
    mark = _FORWARD_MARK.search(text)
    if mark is None:
        return None
    line = _SENT.search(text, mark.start())
    if line is None:
        return None
    for hit in find_periods(line.group(1)):
        reading = hit.reading
        if isinstance(reading, Period) and reading.grain == "day" and dt.date(2000, 1, 1) <= reading.start <= as_of:
            return reading.start, f"the forwarded message's 'Sent:' line: {one_line(line.group(1), 60)!r}"
    return None


MAX_FORWARD_CHUNKS = 60         # lines of a forwarded email looked at for the original's "Sent:" line
FIRST_LINES = 3                 # lines of a document without a heading read for its type
_TABLES = (".csv", ".xlsx")


def _first_lines(result: ReadResult) -> list[str]:
    """The first non-empty lines of the text, each one line, short (what a title would be)."""
    lines: list[str] = []
    for chunk in result.chunks[:FIRST_LINES]:
        for line in chunk.text[:2000].splitlines():
            if line.strip():
                lines.append(one_line(line.strip(), 120))
            if len(lines) >= FIRST_LINES:
                return lines
    return lines


_FLAGS = {"true": True, "yes": True, "false": False, "no": False}
_NOT_RECORD = {"agenda": "an agenda", "blank": "a blank form", "template": "a template", "tool": "a copy of a tool"}


def _first_flag(sources: list[MetaSource], key: str, notes: list[str]) -> tuple[bool, str] | None:
    for source in sources:
        value = source.values.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            return value, source.label
        flag = _FLAGS.get(value.strip().lower()) if isinstance(value, str) else None
        if flag is not None:                  # metadata YAML is read as text: 'true' arrives as a string
            return flag, source.label
        notes.append(f"{source.label}: {key} ignored (expected true or false, got {one_line(str(value), 20)!r})")
    return None


def _type_key(value: str) -> str:
    return re.sub(r"[\s\-]+", "_", value.strip().lower())


def _folder_type(path: str) -> tuple[str, str] | None:
    table = folder_types().folders
    for folder in reversed(path.split("/")[:-1]):
        key = _folder_key(folder)
        found = table.get(key) or (table.get(key[:-1]) if key.endswith("s") else None)
        if found:
            return found, f"folder {folder!r}"
    return None


def _string(value: Any, source: MetaSource, key: str, notes: list[str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, dict)):
        notes.append(f"{source.label}: {key} ignored (expected a single value)")
        return None
    text = str(value).strip()
    return text or None


def _first_string(sources: list[MetaSource], key: str, notes: list[str]) -> tuple[str, str] | None:
    for source in sources:
        value = _string(source.values.get(key), source, key, notes)
        if value:
            return value, source.label
    return None


def _first_date(sources: list[MetaSource], key: str, why: list[str]) -> tuple[dt.date, str] | None:
    for source in sources:
        value = source.values.get(key)
        if value is None or value == "":
            continue
        when = parse_date(value)
        if when is not None:
            return when, source.label
        why.append(f"{source.label} {key} {one_line(value, 40)!r} is not a valid date; ignored")
    return None


def _title_from_name(name: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    rest = _FILE_DATE.sub("", stem).lstrip(" _-–.")
    return " ".join((rest or stem).replace("_", " ").split())


def _tokens(value: Any, comma_only: bool = False) -> list[str]:
    """A list, or one string split on commas (and, for ids, semicolons and spaces)."""
    if value is None:
        return []
    items: Iterable[Any] = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, (list, dict)):
            continue
        parts = str(item).split(",") if comma_only else _SPLIT.split(str(item))
        for part in parts:
            part = part.strip()
            if part and part not in out:
                out.append(part)
    return out
