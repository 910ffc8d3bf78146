"""The roster (docs/privacy.md): who uses the service and who is staff, read strictly from roster.csv."""
from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from compiler.errors import SgpackError
from compiler.privacy.dates import parse_date
from compiler.privacy.nhs import is_plausible_nhs_number, normalise

ROSTER_NAME = "roster.csv"
MAX_BYTES = 5 * 1024 * 1024
COLUMNS = ("name", "kind", "nhs_number", "date_of_birth", "role")
REQUIRED = ("name", "kind")

Kind = Literal["person", "staff"]


class RosterEntry(BaseModel):
    """One row: a person who uses the service (pseudonymised outside the provider) or a member of staff."""
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    kind: Kind
    nhs_number: str | None = None          # ten digits, no spaces
    date_of_birth: dt.date | None = None
    role: str | None = None
    line: int = 0


class Roster(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    entries: tuple[RosterEntry, ...] = ()
    source: str | None = None

    @property
    def people(self) -> tuple[RosterEntry, ...]:
        return tuple(e for e in self.entries if e.kind == "person")

    @property
    def staff(self) -> tuple[RosterEntry, ...]:
        return tuple(e for e in self.entries if e.kind == "staff")


def _clean(value: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", value or "").split())


def _entry(row: dict[str, str | None], line: int, file: str) -> RosterEntry:
    def fail(field: str, message: str) -> SgpackError:
        return SgpackError(message, file=file, line=line, field=field)

    name = _clean(row.get("name"))
    if not name:
        raise fail("name", "a name is required")
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise fail("name", "the name holds control characters")
    kind = _clean(row.get("kind")).lower()
    if kind not in ("person", "staff"):
        raise fail("kind", f"kind must be 'person' or 'staff', not {kind!r}")

    nhs_number = None
    raw_nhs = _clean(row.get("nhs_number"))
    if raw_nhs:
        nhs_number = normalise(raw_nhs)
        if nhs_number is None or not is_plausible_nhs_number(nhs_number):
            raise fail("nhs_number", "not a valid NHS number (ten digits with a modulus-11 check digit)")

    date_of_birth = None
    raw_dob = _clean(row.get("date_of_birth"))
    if raw_dob:
        date_of_birth = parse_date(raw_dob)
        if date_of_birth is None:
            raise fail("date_of_birth", f"not a date: {raw_dob!r} (use YYYY-MM-DD)")
        if date_of_birth > dt.date.today():
            raise fail("date_of_birth", f"date of birth {raw_dob} is in the future")

    if kind == "staff" and (nhs_number or date_of_birth):
        # staff keep their names in packs; an NHS number or DOB for staff is a mistake to stop on
        field = "nhs_number" if nhs_number else "date_of_birth"
        raise fail(field, "staff rows take no NHS number or date of birth")
    return RosterEntry(name=name, kind=kind, nhs_number=nhs_number, date_of_birth=date_of_birth,
                       role=_clean(row.get("role")) or None, line=line)


def parse_roster(text: str, file: str = ROSTER_NAME) -> Roster:
    """Parse roster CSV text; any bad row stops with file, line and column."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise SgpackError("the roster is empty; it needs a header row `name,kind`", file=file, line=1)
        columns = [_clean(c).lower() for c in header]
        for column in columns:
            if column not in COLUMNS:
                raise SgpackError(f"unknown column (expected {', '.join(COLUMNS)})",
                                  file=file, line=1, field=column or "(blank)")
        for column in REQUIRED:
            if column not in columns:
                raise SgpackError("required column is missing", file=file, line=1, field=column)
        if len(set(columns)) != len(columns):
            raise SgpackError("a column appears twice", file=file, line=1, field="header")

        entries: list[RosterEntry] = []
        seen: dict[str, RosterEntry] = {}
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns):
                raise SgpackError(f"{len(cells)} cells but {len(columns)} columns", file=file, line=line)
            entry = _entry(dict(zip(columns, cells)), line, file)
            key = entry.name.casefold()
            first = seen.setdefault(key, entry)
            if first is not entry and "person" in (first.kind, entry.kind):
                # one name, two identities: no pseudonym could be right for both
                raise SgpackError(f"{entry.name!r} is already listed on line {first.line}",
                                  file=file, line=line, field="name")
            entries.append(entry)
    except csv.Error as exc:
        raise SgpackError(f"not valid CSV: {exc}", file=file, line=reader.line_num) from None
    return Roster(entries=tuple(entries), source=file)


def load_roster(path: str | Path) -> Roster:
    """Read `roster.csv` (UTF-8, optional BOM) into a Roster; bad input raises SgpackError."""
    path = Path(path)
    file = str(path)
    try:
        if not path.is_file():
            raise SgpackError("roster not found (or not a regular file)", file=file)
        if path.stat().st_size > MAX_BYTES:
            raise SgpackError(f"roster is larger than {MAX_BYTES // (1024 * 1024)} MB", file=file)
        data = path.read_bytes()
    except OSError as exc:
        raise SgpackError(f"cannot read the roster: {exc.strerror}", file=file) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SgpackError("the roster is not UTF-8 text (save it as 'CSV UTF-8')", file=file, line=line) from None
    return parse_roster(text, file)


def find_roster(plan_paths: Iterable[str | Path]) -> Path | None:
    """The `roster.csv` beside the plans: in a given folder, or beside a given file; None if none.

    Two different rosters beside different plans stop the run: silently using one would leave
    the other's people unprotected.
    """
    found: list[Path] = []
    for plan_path in plan_paths:
        plan_path = Path(plan_path)
        folder = plan_path if plan_path.is_dir() else plan_path.parent
        candidate = folder / ROSTER_NAME
        if candidate.is_file() and candidate.resolve() not in [f.resolve() for f in found]:
            found.append(candidate)
    if len(found) > 1:
        raise SgpackError(f"more than one roster beside the plans ({', '.join(map(str, found))}); "
                          "merge them or pass --roster FILE", file=str(found[1]))
    return found[0] if found else None
