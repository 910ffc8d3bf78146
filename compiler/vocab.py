"""The shipped vocabularies (compiler/data/*.yaml), loaded once."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Vocab:
    evidence_categories: dict[str, str | None]      # type -> CQC evidence category
    abuse_profiles: dict[str, list[str]]            # abuse type -> evidence types usually needed
    quality_statements: dict[str, tuple[str, str]]  # id -> (key question, name)
    key_questions: tuple[str, ...]                  # safe, effective, caring, responsive, well_led
    tick_box_phrases: tuple[str, ...]
    generic_owner_words: frozenset[str]
    role_words: frozenset[str]
    challenge_words: tuple[str, ...]

    @property
    def evidence_types(self) -> frozenset[str]:
        return frozenset(self.evidence_categories)

    @property
    def abuse_types(self) -> frozenset[str]:
        return frozenset(self.abuse_profiles)


def _load(name: str):
    text = resources.files("compiler").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@lru_cache(maxsize=1)
def vocab() -> Vocab:
    qs_raw = _load("quality_statements.yaml")
    statements = {sid: (kq, name) for kq, items in qs_raw.items() for sid, name in items.items()}
    owners = _load("generic_owners.yaml")
    return Vocab(
        evidence_categories=_load("evidence_types.yaml"),
        abuse_profiles=_load("abuse_profiles.yaml"),
        quality_statements=statements,
        key_questions=tuple(qs_raw),
        tick_box_phrases=tuple(_load("tick_box_phrases.yaml")),
        generic_owner_words=frozenset(w.lower() for w in owners["generic"]),
        role_words=frozenset(w.lower() for w in owners["roles"]),
        challenge_words=tuple(_load("challenge_words.yaml")),
    )


def phrase_pattern(phrases: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any phrase as whole words (spaces match any whitespace)."""
    parts = sorted((re.escape(p).replace(r"\ ", r"\s+") for p in phrases), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)
