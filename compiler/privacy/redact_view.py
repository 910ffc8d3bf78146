"""Pseudonymising a whole view model: every string in nested dataclasses, lists, tuples and dicts.

A pack that leaves the provider is rendered from a view model whose every string has been passed
through `Redactor` (roster people's names, NHS numbers and dates of birth -> keyed pseudonyms;
staff names -> roles when asked). `walk_strings` lists every string with a readable location, so
the same view model can then be scanned (`compiler.privacy.pack_scan`) before anything is written.

Fields named in `SKIP_FIELDS` are structure, not content (bookmark anchors, ISO dates used for
file metadata) and are left alone; bytes (chart PNGs) are never touched — charts must be drawn
from text that was already redacted.

The pseudonym key: `<key dir>/<recipient>.key`, where the key dir is `$SGPACK_KEY_DIR` when set,
else the user's config folder (`platformdirs`, e.g. ~/.config/sgpack/keys). It may never sit
inside the pack being written or the evidence folder (`load_key(forbidden=...)`).
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from compiler.privacy.outgoing import Outgoing
from compiler.privacy.pseudonym import Pseudonymiser, default_key_dir, load_key, redact_text
from compiler.privacy.roster import Roster

KEY_DIR_ENV = "SGPACK_KEY_DIR"
SKIP_FIELDS = frozenset({"anchor", "as_of_iso", "png", "chart", "sha256", "kind"})


def key_dir() -> Path:
    """Where pseudonym keys live: `$SGPACK_KEY_DIR`, else the user's config folder."""
    configured = os.environ.get(KEY_DIR_ENV)
    return Path(configured).expanduser() if configured else default_key_dir()


def pseudonymiser_for(recipient: str, forbidden: Iterable[str | Path]) -> Pseudonymiser:
    """The recipient's keyed pseudonymiser; the key file is created on first use, never inside `forbidden`."""
    return Pseudonymiser(load_key(recipient, key_dir(), forbidden=forbidden))


class Redactor:
    """Text -> text with roster people's names, NHS numbers and dates of birth pseudonymised.

    An NHS number or date of birth that belongs to no roster person is left in place for the scan
    to block: that person's name would not be recognised either, so the roster needs them.

    With `outgoing` (a pack that leaves the provider), people's initials are pseudonymised as their
    names are, under its stop-list.

    Counts what it replaced (`name`, `nhs_number`, `date_of_birth`, `staff_name`) over every
    distinct string it saw once per occurrence.
    """

    def __init__(self, roster: Roster | None, pseudonymiser: Pseudonymiser, *, staff_as_roles: bool = False,
                 today: dt.date | None = None, outgoing: Outgoing | None = None) -> None:
        self.roster, self.pseudonymiser = roster, pseudonymiser
        self.staff_as_roles, self.today, self.outgoing = staff_as_roles, today, outgoing
        self.counts: Counter[str] = Counter()
        self._cache: dict[str, tuple[str, Counter[str]]] = {}

    def __call__(self, text: str) -> str:
        if not text or not text.strip():
            return text
        if text not in self._cache:
            self._cache[text] = redact_text(text, self.roster, self.pseudonymiser,
                                            staff_as_roles=self.staff_as_roles, today=self.today,
                                            rostered_only=True, outgoing=self.outgoing)
        out, counts = self._cache[text]
        self.counts.update(counts)
        return out


def _label(obj: Any) -> str | None:
    """A readable label for a list element: its id, number or name when it has one."""
    for attr in ("id", "number", "name", "metric"):
        value = getattr(obj, attr, None)
        if isinstance(value, str) and value:
            return value
    return None


def map_strings(obj: Any, fn: Callable[[str], str]) -> Any:
    """A copy of `obj` with `fn` applied to every string (dataclasses, lists, tuples, dict values)."""
    if isinstance(obj, str):
        return fn(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        changes = {}
        for f in dataclasses.fields(obj):
            if f.name in SKIP_FIELDS or not f.init:
                continue
            changes[f.name] = map_strings(getattr(obj, f.name), fn)
        return dataclasses.replace(obj, **changes)
    if isinstance(obj, list):
        return [map_strings(v, fn) for v in obj]
    if isinstance(obj, tuple):
        return tuple(map_strings(v, fn) for v in obj)
    if isinstance(obj, dict):
        return {k: map_strings(v, fn) for k, v in obj.items()}
    return obj


def walk_strings(obj: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in `obj` as (location, text); locations read like `contracts[LA-DOM-2025-12].plans[0].title`."""
    if isinstance(obj, str):
        yield path or "(text)", obj
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            if f.name in SKIP_FIELDS:
                continue
            yield from walk_strings(getattr(obj, f.name), f"{path}.{f.name}" if path else f.name)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from walk_strings(v, f"{path}[{_label(v) or i}]")
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from walk_strings(v, f"{path}.{k}" if path else str(k))
