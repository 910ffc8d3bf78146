"""What a file says it is, in its own words: its type, whether it is a record at all, and whether it is a draft.

Read from the file's name and its first heading through a shipped vocabulary (evidence_store/data/
type_words.yaml). Each answer carries the words it came from, for the provenance a person reads.
"""
from __future__ import annotations

from collections.abc import Iterable

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from .readers.base import one_line

_SEPARATORS = re.compile(r"[\s_\-.,;:()\[\]{}/\\|+&'\"]+")


@dataclass(frozen=True)
class Words:
    """What a file's words say: each answer with the text it was read from."""
    type: str | None = None
    type_why: str = ""
    not_record: str | None = None         # agenda | blank | template | tool
    not_record_why: str = ""
    draft: bool = False
    draft_why: str = ""


@dataclass(frozen=True)
class _Vocabulary:
    phrases: tuple[tuple[tuple[str, ...], str], ...]    # (words, type), longest first
    starting: dict[str, tuple[tuple[tuple[str, ...], str], ...]]   # the same, by their first word
    ties: frozenset[str]
    prefer: tuple[tuple[str, str], ...]
    not_record: tuple[tuple[str, re.Pattern[str]], ...]
    draft: re.Pattern[str]


@lru_cache(maxsize=1)
def vocabulary() -> _Vocabulary:
    raw = yaml.safe_load(resources.files("evidence_store").joinpath("data", "type_words.yaml")
                         .read_text(encoding="utf-8"))
    phrases = [(tuple(_words(phrase)), kind) for kind, items in raw["types"].items() for phrase in items]
    phrases.sort(key=lambda p: -len(p[0]))
    not_record = tuple((why, re.compile(r"(?<![\w])(?:" + "|".join(items) + r")(?![\w])"))
                       for why, items in raw["not_a_record"].items())
    draft = re.compile(r"(?<![\w])(?:" + "|".join(re.escape(w) for w in raw["draft"]) + r")(?![\w])")
    starting: dict[str, list] = {}
    for phrase in phrases:
        starting.setdefault(phrase[0][0], []).append(phrase)
    return _Vocabulary(tuple(phrases), {k: tuple(v) for k, v in starting.items()}, frozenset(raw["ties"]), tuple(tuple(p) for p in raw["prefer"]), not_record,
                       draft)


def _words(text: str) -> list[str]:
    return [w for w in _SEPARATORS.split(text.lower()) if w]


def _plain(text: str) -> str:
    return " ".join(_words(text))


def type_in(text: str) -> tuple[str, str] | None:
    """(type, the words that name it) from a name or heading, or None. The head noun wins (see the vocabulary)."""
    vocab = vocabulary()
    words = _words(text)
    found: list[tuple[int, int, str]] = []          # (start, end, type), left to right, not overlapping
    i = 0
    while i < len(words):
        for phrase, kind in vocab.starting.get(words[i], ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                found.append((i, i + len(phrase), kind))
                i += len(phrase)
                break
        else:
            i += 1
    if not found:
        return None
    head = found[0]
    for nxt in found[1:]:
        if not any(w in vocab.ties for w in words[head[1]:nxt[0]]):
            head = nxt                               # a compound: the later word names the thing
    kinds = {kind for _, _, kind in found}
    for better, worse in vocab.prefer:
        if head[2] == worse and better in kinds:
            head = next(f for f in found if f[2] == better)
    return head[2], " ".join(words[head[0]:head[1]])


def types_in(text: str) -> list[str]:
    """Every evidence type a text names, in order, each phrase read once ("monthly audit of PBS plans; supervision
    records" -> audit, supervision): what a tracker's evidence column asks for."""
    vocab = vocabulary()
    words = _words(text)
    found: list[str] = []
    i = 0
    while i < len(words):
        for phrase, kind in vocab.starting.get(words[i], ()):
            if tuple(words[i:i + len(phrase)]) == phrase:
                found.append(kind)
                i += len(phrase)
                break
        else:
            i += 1
    return found


def read_words(name: str, heading: str | None, first_lines: Iterable[str] = ()) -> Words:
    """What the file name (without its extension) and the first heading say, the name first. `first_lines`: the
    first lines of a document with no heading (a scanned PDF's title line), read for its type only: a line of text
    may say "draft until approved" or name a template it followed without being one."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    places = [(f"file name {one_line(name, 80)!r}", stem, True)]
    if heading:
        places.append((f"first heading {one_line(heading, 80)!r}", heading, True))
    places += [(f"first lines {one_line(line, 80)!r}", line, False) for line in first_lines]
    vocab = vocabulary()
    out: dict[str, object] = {}
    for where, text, flags in places:
        plain = _plain(text)
        if "type" not in out and (typed := type_in(text)) is not None:
            out["type"], out["type_why"] = typed[0], f"{where}: '{typed[1]}'"
        if not flags:
            continue
        if "not_record" not in out:
            for why, pattern in vocab.not_record:
                match = pattern.search(plain)
                if match:
                    out["not_record"], out["not_record_why"] = why, f"{where}: '{match.group(0)}'"
                    break
        if "draft" not in out and (match := vocab.draft.search(plain)):
            out["draft"], out["draft_why"] = True, f"{where}: '{match.group(0)}'"
    return Words(**out)
