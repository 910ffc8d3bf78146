"""Reading one tracker: its grid (evidence_store.grid), its tables, each as a plan draft and its YAML."""
from __future__ import annotations

import pathlib
from dataclasses import dataclass, field

from compiler.errors import SgpackError
from compiler.plans.files import TRACKER_SUFFIXES
from compiler.trackers.fields import Options, PlanDraft, Report, plan_from_table
from compiler.trackers.layout import chosen, find_tables
from compiler.trackers.yamlout import Emitted, emit

__all__ = ["Imported", "Options", "is_tracker", "read_tracker"]

MAX_TRACKER_BYTES = 50 * 1024 * 1024


@dataclass
class Imported:
    """What one tracker gives: each plan's draft and YAML, the report, and notes on the file as a whole."""
    tracker: str
    plans: list[tuple[PlanDraft, Emitted]] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    notes: list[str] = field(default_factory=list)


def is_tracker(path: str | pathlib.Path) -> bool:
    return pathlib.Path(path).suffix.lower() in TRACKER_SUFFIXES


def read_tracker(path: str | pathlib.Path, options: Options | None = None,
                 existing: dict[str, dict] | None = None) -> Imported:
    """Read a tracker into plans. `existing`: plan files already there, by plan id (their parsed data), merged in.
    Raises SgpackError (naming the file) when it cannot be read or holds no plan."""
    from evidence_store.grid import read_grid
    from evidence_store.readers.base import Unreadable

    options = options or Options()
    shown = pathlib.Path(path).as_posix()
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_TRACKER_BYTES + 1)
    except OSError as exc:
        raise SgpackError(f"cannot read the tracker: {exc.strerror or exc}", file=shown) from None
    if len(data) > MAX_TRACKER_BYTES:
        raise SgpackError(f"the tracker is larger than {MAX_TRACKER_BYTES // (1024 * 1024)} MB", file=shown)
    fmt = pathlib.Path(path).suffix.lower().lstrip(".")
    try:
        book = read_grid(fmt, data)
    except Unreadable as exc:
        raise SgpackError(str(exc), file=shown) from None
    imported = Imported(shown)
    imported.notes.extend(book.notes)
    from compiler.trackers.sgpack_export import is_export, plans_from_export

    if is_export(book):                 # sgpack's own export: every sheet read back, every field
        drafts = plans_from_export(book, imported.report)
        if not drafts:
            raise SgpackError("no plan could be imported: the export's Plans sheet is empty", file=shown)
    else:
        every = find_tables(book, imported.notes)
        tables = chosen(book, every, options.sheet, imported.notes)
        if not tables:
            reason = "; ".join(imported.notes) or "no table with an action column"
            raise SgpackError(f"no plan could be imported: {reason}", file=shown)
        stem = pathlib.Path(path).stem
        drafts = [plan_from_table(table, stem, len(every) > 1, options, imported.report) for table in tables]
    _ids_unique_across(drafts, imported.report)
    for draft in drafts:
        old = (existing or {}).get(draft.head["id"].value)
        imported.plans.append((draft, emit(draft, shown, old)))
    return imported


def _ids_unique_across(drafts: list[PlanDraft], report: Report) -> None:
    """An action id kept from a reference ("R1") may repeat in another sheet's plan: there it takes its plan's id
    in front, as ids must be unique across every plan given."""
    seen: set[str] = set()
    for draft in drafts:
        for action in draft.actions:
            value = action["id"]
            if value.value in seen:
                new = f"{draft.head['id'].value}-{value.value}"
                report.warn(value.source.split(" ")[0], f"id {value.value} is another plan's too: this one is {new}")
                value.value = new
            seen.add(value.value)
