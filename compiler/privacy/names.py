"""Finding roster names in free text: full names in any case and spacing, a person's names alone, and
(in text that leaves the provider) their initials."""
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


def _initials(name: str) -> set[str]:
    """A name's initials in capitals, two letters or more: `Jamie Thornton` -> JT; `Mary-Jane Ann Smith` -> MAS,
    MJAS and MS (every word, every hyphenated part, first and last). Words not written with a capital
    (`van`, `de`) give none."""
    words = [w for w in name.split() if w[0].isupper() and w[0].isalpha()]
    parts = [p for w in words for p in re.split(f"[{_HYPHENS}]", w) if p and p[0].isupper() and p[0].isalpha()]
    forms = {"".join(w[0] for w in words), "".join(p[0] for p in parts)}
    if len(words) >= 3:
        forms.add(words[0][0] + words[-1][0])
    return {f for f in forms if len(f) >= 2}


def _initials_pattern(form: str) -> re.Pattern[str]:
    """`JT`, `J.T.` or `J. T.` as written (capitals), standing alone: not inside a word, an id (`JT-03`) or a path."""
    dotted = r"\.\s?".join(re.escape(c) for c in form) + r"\.?"
    return re.compile(rf"(?<![\w\-/.])(?:{re.escape(form)}|{dotted})(?!\w|-\d)")


def _lead(word: str) -> str:
    """The first run of letters or digits, lower-cased: where a match can start (`O'Neill` -> `o`)."""
    run = re.match(r"\w+", word)
    return run.group().lower() if run else ""


class NameIndex:
    """Compiled patterns for one roster, filed under the first word-run they start with, so a scan
    costs one dictionary look-up per word however long the roster; build with `NameIndex.of`."""

    def __init__(self, roster: Roster, *, initials: bool = False, not_names: frozenset[str] = frozenset()) -> None:
        """`initials`: also find people's initials (text that leaves the provider). `not_names` (case-folded)
        are never matched as a name part or initials on their own; full names always are."""
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
                if part.casefold() in not_names:
                    continue
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

        # initials ("JT's plan"): a person's, and a member of staff's where they are the same letters, so
        # that "MB" for Martin Blake and Marcus Bell is withheld rather than given one person's pseudonym
        self.initials: dict[str, list[RosterEntry]] = {}
        if initials:
            for entry in roster.people:
                for form in _initials(entry.name):
                    if form.casefold() not in not_names:
                        self.initials.setdefault(form, []).append(entry)
            for entry in roster.staff:
                for form in _initials(entry.name):
                    if form in self.initials:
                        self.initials[form].append(entry)
        self._initials: dict[str, list[tuple[re.Pattern[str], str]]] = {}
        for form in sorted(self.initials, key=len, reverse=True):
            pattern = _initials_pattern(form)
            for lead in {form.lower(), form[0].lower()}:
                self._initials.setdefault(lead, []).append((pattern, form))

    @classmethod
    def of(cls, roster: Roster, *, initials: bool = False, not_names: frozenset[str] = frozenset()) -> NameIndex:
        return _cached(roster, initials, not_names)

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
            for pattern, form in self._initials.get(lead, ()):
                m = pattern.match(text, at)
                if m:
                    spans.append(Span("roster_name", m.start(), m.end(), 6, "initials", tuple(self.initials[form])))
        return spans


@functools.lru_cache(maxsize=8)
def _cached(roster: Roster, initials: bool, not_names: frozenset[str]) -> NameIndex:
    return NameIndex(roster, initials=initials, not_names=not_names)
