"""What the personal-data scan also looks for in text that leaves the provider: initials of people who use
services, and counts of one to four people; with the words never taken for a name (compiler/data/privacy_words.yaml)."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

import yaml

from compiler.privacy.spans import Span

PEOPLE_COUNT = "people_count"
SENTENCE_MAX = 200                   # characters of a flagged sentence shown; a longer one is cut around the count


@dataclass(frozen=True)
class Outgoing:
    """The rules for one build of a pack that leaves the provider: initials are matched, counts of people are
    found, and `not_names` (compared case-folded) are never a name part or initials on their own."""
    not_names: frozenset[str]


@functools.lru_cache(maxsize=1)
def _words() -> dict:
    text = resources.files("compiler").joinpath("data", "privacy_words.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def not_names() -> frozenset[str]:
    """The shipped stop-list, case-folded."""
    return frozenset(w.casefold() for group in _words()["not_names"].values() for w in group)


# "RP-03" -> RP, "SAP-2026-007" -> SAP, "RH01" -> RH: the letters an id starts with, before its number
_PREFIX = re.compile(r"([A-Za-z]{1,8})[-_./ ]?\d")


def id_prefixes(ids: Iterable[str]) -> set[str]:
    """The letters that plan and action ids start with: "RP" of RP-03 is the plan's word, not someone's initials."""
    return {m.group(1) for i in ids if (m := _PREFIX.match(i.strip()))}


def outgoing(ids: Iterable[str] = ()) -> Outgoing:
    """The rules for a pack built from plans whose plan and action ids are `ids`."""
    return Outgoing(not_names=not_names() | {p.casefold() for p in id_prefixes(ids)})


def _alternatives(words: Iterable[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def _count_pattern() -> re.Pattern[str]:
    counts = _words()["people_counts"]
    return re.compile(
        rf"(?<![\w.,£$€/-])(?:{_alternatives(counts['numbers'])})"
        rf"(?:\s+of\s+(?:the|our|these|those|its|their)|\s+(?:{_alternatives(counts['qualifiers'])}))?"
        rf"\s+(?:{_alternatives(counts['people'])})(?![\w-])", re.IGNORECASE)


def people_counts(text: str) -> list[Span]:
    """Every count of one to four people in `text` ("three residents", "2 service users", "one person")."""
    return [Span(PEOPLE_COUNT, m.start(), m.end(), 7, "") for m in _count_pattern().finditer(text)]


_SENTENCE_END = re.compile(r"[.!?](?=[\s\"'”’)]|$)|\n\s*\n")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def sentence(text: str, start: int, end: int) -> str:
    """The sentence of `text` that holds text[start:end], on one line, cut to about SENTENCE_MAX around it."""
    begin = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        begin = m.end()
    stop = _SENTENCE_END.search(text, end)
    finish = stop.end() if stop else len(text)
    lead, body, tail = _one_line(text[begin:start]), _one_line(text[start:end]), _one_line(text[end:finish])
    room = max(SENTENCE_MAX - len(body), 0)
    if len(lead) + len(tail) > room:
        keep_lead = min(len(lead), max(room // 2, room - len(tail)))
        keep_tail = room - keep_lead
        if keep_lead < len(lead):
            lead = "…" + lead[len(lead) - keep_lead:].lstrip()
        if keep_tail < len(tail):
            tail = tail[:keep_tail].rstrip() + "…"
    before = " " if lead and text[start - 1].isspace() else ""
    after = " " if tail and text[end:end + 1].isspace() else ""
    return f"{lead}{before}{body}{after}{tail}"
