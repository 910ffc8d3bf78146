"""Keyed pseudonyms (HMAC-SHA-256, a local key per recipient) and redacting roster people from text."""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import re
import secrets
import stat
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import platformdirs

from compiler.errors import SgpackError
from compiler.privacy.names import key as name_key
from compiler.privacy.nhs import normalise as normalise_nhs
from compiler.privacy.outgoing import Outgoing
from compiler.privacy.roster import Roster, RosterEntry
from compiler.privacy.scan import find_spans
from compiler.privacy.spans import Span

KEY_BYTES = 32
TOKEN_HEX = 6
_RECIPIENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-]{0,63}")
NAME_WITHHELD = "[name withheld]"
DOB_WITHHELD = "DOB withheld"


def default_key_dir() -> Path:
    return Path(platformdirs.user_config_dir("sgpack")) / "keys"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _read_key(path: Path) -> bytes:
    info = path.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise SgpackError("the key file is not a regular file", file=str(path))
    if os.name == "posix" and info.st_mode & 0o077:
        raise SgpackError("the key file can be read by other users; run `chmod 600` on it", file=str(path))
    data = path.read_bytes()
    if len(data) != KEY_BYTES:
        raise SgpackError(f"the key file holds {len(data)} bytes, not {KEY_BYTES}; "
                          "restore it from backup (a new key changes every pseudonym)", file=str(path))
    return data


def load_key(recipient: str = "default", key_dir: str | Path | None = None, *,
             forbidden: Iterable[str | Path] = ()) -> bytes:
    """The recipient's 32-byte key from `<key_dir>/<recipient>.key`, created (mode 0600) on first use.

    `forbidden` folders (the pack output, the evidence folder) may not hold the key: a key that
    travels with the pack would undo the pseudonyms.
    """
    if not _RECIPIENT.fullmatch(recipient):
        raise SgpackError(f"recipient {recipient!r} must be letters, digits, '.', '_' or '-'", field="recipient")
    folder = Path(key_dir) if key_dir is not None else default_key_dir()
    path = folder / f"{recipient}.key"
    for place in forbidden:
        if _inside(path, Path(place)):
            raise SgpackError(f"the key file may not be inside {place}; keep keys outside packs and evidence",
                              file=str(path))
    try:
        if path.exists() or path.is_symlink():
            return _read_key(path)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        # write beside, then link into place: a reader never sees a half-written key, and of two
        # first runs at once exactly one key wins
        temp = folder / f".{recipient}.{secrets.token_hex(8)}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(secrets.token_bytes(KEY_BYTES))
                out.flush()
                os.fsync(out.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(temp, path)
        finally:
            temp.unlink(missing_ok=True)
        return _read_key(path)
    except OSError as exc:
        raise SgpackError(f"cannot read or create the key file: {exc.strerror}", file=str(path)) from None


class Pseudonymiser:
    """Stable tokens for one key: the same value and key always give the same token."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("a pseudonym key needs at least 16 bytes")
        self._key = key

    def token(self, namespace: str, value: str) -> str:
        """Six hex characters, the first always a digit: a token like `E123AB` would read as a
        postcode (`E12 3AB`) to the personal-data scan, and one starting with a digit never can."""
        digest = hmac.new(self._key, f"{namespace}\x00{value}".encode(), hashlib.sha256).hexdigest()
        token = digest[:TOKEN_HEX].upper()
        return str(int(token[0], 16) % 10) + token[1:]

    def person(self, name: str) -> str:
        """`Jamie  thornton` and `Jamie Thornton` -> the same `Person 7F3A9C`."""
        return f"Person {self.token('person', name_key(name))}"

    def nhs_number(self, value: str) -> str:
        digits = normalise_nhs(value) or "".join(c for c in value if c.isdigit())
        return f"NHS no. {self.token('nhs', digits)}"

    def date_of_birth(self, value: dt.date | None = None, *, year_band: bool = False) -> str:
        """`DOB withheld`, or with `year_band` the decade (`born 1990s`), which is not a pseudonym."""
        if year_band and value is not None:
            return f"born {value.year // 10 * 10}s"
        return DOB_WITHHELD


def _replacement(span: Span, text: str, pseudonymiser: Pseudonymiser, staff_as_roles: bool,
                 year_band: bool) -> tuple[str, str] | None:
    """(count key, new text) for a span, or None to leave it."""
    people = [e for e in span.entries if e.kind == "person"]
    if span.kind == "staff_name":
        if not staff_as_roles:
            return None
        return "staff_name", span.entries[0].role or "a member of staff"
    if span.kind == "roster_name":
        only: RosterEntry | None = span.entries[0] if len(span.entries) == 1 else None
        if only is not None and only.kind == "person":
            return "name", pseudonymiser.person(only.name)
        return "name", NAME_WITHHELD        # shared by two people, or a person and staff: no single token is right
    if span.kind == "nhs_number":
        return "nhs_number", pseudonymiser.nhs_number(text[span.start:span.end])
    if span.kind == "date_of_birth":
        dob = people[0].date_of_birth if len(people) == 1 else None
        return "date_of_birth", pseudonymiser.date_of_birth(dob, year_band=year_band)
    return None


def redact_text(text: str, roster: Roster | None, pseudonymiser: Pseudonymiser, *,
                staff_as_roles: bool = False, year_band: bool = False,
                today: dt.date | None = None, rostered_only: bool = False,
                outgoing: Outgoing | None = None) -> tuple[str, Counter[str]]:
    """Replace roster people's names, NHS numbers and dates of birth, any NHS number with a valid
    check digit and any date of birth in context, with pseudonyms; staff names too when
    `staff_as_roles`; with `outgoing`, people's initials too. Counts by `name`, `nhs_number`,
    `date_of_birth`, `staff_name`.

    Other findings (postcodes, emails, phones, NI numbers) are left for the scan to report; with
    `rostered_only`, so are NHS numbers and dates of birth that belong to no roster person (their
    owner's name would not be recognised either, so a pack that leaves should stop on them).
    """
    counts: Counter[str] = Counter()
    pieces: list[str] = []
    at = 0
    for span in find_spans(text, roster, today, outgoing):
        if rostered_only and span.kind in ("nhs_number", "date_of_birth") \
                and not any(e.kind == "person" for e in span.entries):
            continue
        change = _replacement(span, text, pseudonymiser, staff_as_roles, year_band)
        if change is None:
            continue
        counts[change[0]] += 1
        pieces += [text[at:span.start], change[1]]
        at = span.end
    pieces.append(text[at:])
    return "".join(pieces), counts
