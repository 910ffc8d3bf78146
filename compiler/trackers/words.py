"""The words of trackers (compiler/data/tracker_words.yaml), loaded once, and matching against them."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

_PUNCTUATION = re.compile(r"[^\w%#]+")


def plain(text: object) -> str:
    """Lower case, punctuation as single spaces: "Lead agency / officer" -> "lead agency officer"."""
    return " ".join(_PUNCTUATION.sub(" ", str(text).lower()).split())


@dataclass(frozen=True)
class Meaning:
    rag: str
    status: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Words:
    columns: dict[str, tuple[str, ...]]        # field -> phrases (plain)
    header: dict[str, tuple[str, ...]]
    key_sheets: frozenset[str]
    plan_sheets: frozenset[str]
    not_action_sheets: frozenset[str]
    meanings: tuple[Meaning, ...]
    colour_words: dict[str, str]               # "g" -> "green"
    kinds: tuple[tuple[str, tuple[str, ...]], ...]
    kinds_first: tuple[tuple[str, tuple[str, ...]], ...]
    placeholder_owners: frozenset[str]
    role_words: tuple[str, ...]


@lru_cache(maxsize=1)
def words() -> Words:
    raw = yaml.safe_load(resources.files("compiler").joinpath("data", "tracker_words.yaml").read_text(encoding="utf-8"))

    def phrases(items: list) -> tuple[str, ...]:
        return tuple(sorted({plain(item) for item in items if plain(item)}, key=len, reverse=True))

    return Words(
        columns={field: phrases(items) for field, items in raw["columns"].items()},
        header={field: phrases(items) for field, items in raw["header"].items()},
        key_sheets=frozenset(plain(n) for n in raw["key_sheets"]),
        plan_sheets=frozenset(plain(n) for n in raw["plan_sheets"]),
        not_action_sheets=frozenset(plain(n) for n in raw["not_action_sheets"]),
        meanings=tuple(Meaning(m["rag"], m["status"], phrases(m["words"])) for m in raw["meanings"]),
        colour_words={plain(word): colour for colour, items in raw["colour_words"].items() for word in items},
        kinds=tuple((kind, phrases(items)) for kind, items in raw["kinds"].items()),
        kinds_first=tuple((kind, phrases(items)) for kind, items in raw["kinds_first"].items()),
        placeholder_owners=frozenset(plain(p) for p in raw["placeholder_owners"]),
        role_words=phrases(raw["role_words"]),
    )


def has_phrase(text: str, phrase: str) -> bool:
    """`phrase` as whole words in plain `text`."""
    return f" {phrase} " in f" {text} "


def header_field(label: object) -> tuple[str, int] | None:
    """The plan field a header block's label names, and the rank of the phrase (0 is the best): the whole label,
    else the longest phrase it starts with."""
    text = plain(label)
    if not text:
        return None
    table = words().header
    raw_order = _header_order()
    for field, items in table.items():
        if text in items:
            return field, raw_order[field].index(text)
    field = field_of(label, table)
    return (field, len(raw_order[field])) if field else None


@lru_cache(maxsize=1)
def _header_order() -> dict[str, list[str]]:
    raw = yaml.safe_load(resources.files("compiler").joinpath("data", "tracker_words.yaml").read_text(encoding="utf-8"))
    return {field: [plain(item) for item in items] for field, items in raw["header"].items()}


def field_of(heading: object, table: dict[str, tuple[str, ...]]) -> str | None:
    """The field a heading names: the whole heading one of the phrases, else the longest phrase it starts with."""
    text = plain(heading)
    if not text:
        return None
    for field, items in table.items():
        if text in items:
            return field
    best: tuple[int, str] | None = None
    for field, items in table.items():
        for phrase in items:
            if text.startswith(phrase + " ") and (best is None or len(phrase) > best[0]):
                best = (len(phrase), field)
    return best[1] if best else None


def meaning_of(text: object) -> Meaning | None:
    """What a status or key phrase means ("Delivered and Complete" -> green, completed), or None."""
    value = plain(text)
    if not value:
        return None
    for meaning in words().meanings:
        if any(has_phrase(value, phrase) for phrase in meaning.words):
            return meaning
    return None


def colour_word(text: object) -> str | None:
    """"G", "Green", "AMBER" -> the RAG colour it names, or None."""
    return words().colour_words.get(plain(text))
