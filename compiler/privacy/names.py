"""Finding roster names in free text: full names in any case and spacing, and a person's names alone."""
from __future__ import annotations

import functools
import re
import unicodedata

from compiler.privacy.roster import Roster, RosterEntry
from compiler.privacy.spans import Span

_APOSTROPHES = "'’ʼ`"
_HYPHENS = "-‐‑–"


def key(text: str) -> str:
    """A comparison key: NFC, case-folded, one apostrophe and hyphen, single spaces."""
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(f"[{_APOSTROPHES}]", "'", text)
    text = re.sub(rf"\s*[{_HYPHENS}]\s*", "-", text)
    return " ".join(text.split())


def _word(word: str) -> str:
    out = []
    for ch in word:
        if ch in _APOSTROPHES:
            out.append(f"[{_APOSTROPHES}]")
        elif ch in _HYPHENS:
            out.append(rf"\s*[{_HYPHENS}]\s*")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def _parts(name: str) -> set[str]:
    """Words that identify a person on their own: capitalised, two letters or more."""
    words = set(name.split())
    for word in list(words):
        words.update(re.split(f"[{_HYPHENS}]", word))
    return {w for w in words if len(w) >= 2 and w[0].isupper() and any(c.isalpha() for c in w)}


_RUN = re.compile(r"(?<!\w)\w+")


def _lead(word: str) -> str:
    """The first run of letters or digits, lower-cased: where a match can start (`O'Neill` -> `o`)."""
    run = re.match(r"\w+", word)
    return run.group().lower() if run else ""


class NameIndex:
    """Compiled patterns for one roster, filed under the first word-run they start with, so a scan
    costs one dictionary look-up per word however long the roster; build with `NameIndex.of`."""

    def __init__(self, roster: Roster) -> None:
        self._full: dict[str, list[tuple[re.Pattern[str], RosterEntry]]] = {}
        for entry in roster.entries:
            words = entry.name.split()
            given = r"\s+".join(_word(w) for w in words)
            forms = [(words[0], given)]
            if len(words) >= 2:           # "Thornton, Jamie" as records and spreadsheets write it
                forms.append((words[-1], _word(words[-1]) + r"\s*,\s*" + r"\s+".join(_word(w) for w in words[:-1])))
            for first, body in forms:
                pattern = re.compile(rf"(?:{body})(?!\w)", re.IGNORECASE)
                self._full.setdefault(_lead(first), []).append((pattern, entry))

        # a person's given name or surname alone ("Jamie said"): matched as written or in capitals,
        # so ordinary words ("grace", "will") in lower case are left alone
        self.parts: dict[str, list[RosterEntry]] = {}
        spelled: set[str] = set()
        for entry in roster.people:
            for part in _parts(entry.name):
                self.parts.setdefault(key(part), []).append(entry)
                spelled.add(part)
        for entry in roster.staff:
            for part in _parts(entry.name):
                if key(part) in self.parts:
                    self.parts[key(part)].append(entry)
        self._parts: dict[str, list[re.Pattern[str]]] = {}
        for part in sorted(spelled, key=len, reverse=True):
            for form in {part, part.upper()}:
                self._parts.setdefault(_lead(form).lower(), []).append(re.compile(rf"{_word(form)}(?!\w)"))

    @classmethod
    def of(cls, roster: Roster) -> NameIndex:
        return _cached(roster)

    def find(self, text: str) -> list[Span]:
        spans: list[Span] = []
        for run in _RUN.finditer(text):
            at, lead = run.start(), run.group().lower()
            for pattern, entry in self._full.get(lead, ()):
                m = pattern.match(text, at)
                if m:
                    kind, detail = ("roster_name", "full name") if entry.kind == "person" else ("staff_name", "staff name")
                    spans.append(Span(kind, m.start(), m.end(), 0, detail, (entry,)))
            for pattern in self._parts.get(lead, ()):
                m = pattern.match(text, at)
                entries = tuple(self.parts.get(key(m.group()), ())) if m else ()
                if entries:
                    spans.append(Span("roster_name", m.start(), m.end(), 6, "given name or surname", entries))
        return spans


@functools.lru_cache(maxsize=8)
def _cached(roster: Roster) -> NameIndex:
    return NameIndex(roster)
