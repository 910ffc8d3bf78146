"""Links as people write them: action ids written loosely, and actions named by their title words.

evidence_store knows no plans: the caller hands it a `Vocabulary` (the plan and action ids, each action's title
and its number in its plan). This module finds exact ids (`mentions`), and adds

- loose ids: "RP01", "RP 01", "RP-1" for RP-01 and "SAP 2026-007" for SAP-2026-007, taken only when the loose
  form names exactly one id; a run "RH-1 to RH-06" names every action between two that exist (at most
  `MAX_RANGE`);
- described actions: a sentence that carries most of an action's distinctive title words ("managers review the
  restrictive practice logs every week" for "Managers review restrictive practice logs weekly"), or "action 1"
  of a plan with enough of the first action's title words beside it. A title that joins two things ("Prone
  restraint stopped; every restrictive intervention authorised by the shift lead...") may be described by one of
  its clauses alone, when that clause holds at least `MIN_CLAUSE_WORDS` distinctive words.

A wrong link can close an action, so the measure leans to precision: a title word counts by how rare it is among
the loaded actions' titles (idf: a word every title has says nothing), a sentence must carry at least `MIN_WORDS`
distinctive words and `THRESHOLD` of the title's (or clause's) weight, and an action it names is taken only when
no other action comes within `MARGIN` of it. The figures were chosen on the committed untidy example folder and
are measured on a held-out one made with another seed and naming patterns held back (tests/cases/test_untidy.py).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator

from .model import Link
from .readers.base import Chunk, one_line

THRESHOLD = 0.72            # share of a title's distinctive weight a sentence must carry
ACTION_N_THRESHOLD = 0.45   # ... when it also says "action N" and the plan's Nth action is that one
MIN_WORDS = 3               # distinctive title words a sentence must carry (2 for a title of 2)
MIN_CLAUSE_WORDS = 4        # ... and that a clause of a title must hold to be matched on its own
MARGIN = 0.15               # the best action must lead the next by this much
RARE_TITLES = 3             # a word in at most this many titles (or RARE_SHARE of them) finds candidates
RARE_SHARE = 0.05
MAX_SENTENCE = 400          # characters: longer runs are cut into pieces of this size
MAX_SEEN = 200_000          # sentences' answers kept for the run (a Vocabulary lives as long as one scan)
MAX_TEXT = 2_000_000        # characters of an item's text looked at for described actions

_WORD = re.compile(r"[A-Za-z][A-Za-z']+")
_SENTENCES = re.compile(r"[^.!?;\n]+")
# The loose forms, for the prefixes of the ids looked for ({p}: "RP|RQ|SAP"): an id "RP01", "RP 01", "RP-1"; a plan
# id "SAP 2026-007", "SAP2026/7"; a run of actions "RH-1 to RH-06", "RP-01–RP-05", "RQ-01 to 03".
_ANY = r"(?<![\w-])(?:{p})[ \-_]?\d"
_LOOSE = r"(?<![\w-])({p})[ \-_]?0*(\d{{1,4}})(?![\w]|-\w)"
_LOOSE_PLAN = r"(?<![\w-])({p})[ \-_]?0*(\d{{1,4}})[ \-_/]0*(\d{{1,4}})(?![\w]|-\w)"
_RANGE = (r"(?<![\w-])({p})[ \-_]?0*(\d{{1,4}})\s*(?:to|–|—|-)\s*(?:({p})[ \-_]?)?0*(\d{{1,4}})"
          r"(?![\w]|-\w)")
MAX_RANGE = 20              # actions a written range may name
_ACTION_N = re.compile(r"\b(?:action|item)\s+(?:no\.?\s*)?(\d{1,3})\b", re.I)
# where a title joins two things: "...stopped; every...", "... - the on-call manager...", "(competency sign-off), and"
_CLAUSE = re.compile(r";|\s[-–—]\s|[()]|,\s+(?=(?:and|with|before|when|then)\b)")
_STOP = frozenset("""a an and are as at be by for from has have in into is it its of on or that the their this to was
were will with all any each every our we they them staff team service services action actions plan plans""".split())


@dataclass(frozen=True)
class ActionWords:
    id: str
    plan: str
    number: int                 # its place in its plan, from 1
    title: str


@dataclass(frozen=True)
class TableRequest:
    """A file a plan names as an indicator's data, and how to read it (the plan's `data:` mapping)."""
    path: str                   # relative to the evidence folder, as the plan wrote it
    plan: str
    indicator: str
    sheet: str | None = None
    period: str | None = None   # the columns, by their headings
    value: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    """What the catalogue looks for in evidence text, and the files the plans name as indicator data."""
    ids: frozenset[str] = frozenset()
    actions: tuple[ActionWords, ...] = ()
    tables: tuple[TableRequest, ...] = ()
    _index: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @classmethod
    def of(cls, ids: Iterable[str] | Vocabulary) -> Vocabulary:
        return ids if isinstance(ids, Vocabulary) else cls(ids=frozenset(ids))

    def digest(self) -> str:
        text = json.dumps([sorted(self.ids), [[a.id, a.plan, a.number, a.title] for a in self.actions],
                           [[t.path, t.plan, t.indicator, t.sheet, t.period, t.value] for t in self.tables]])
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]

    def table_for(self, rel: str) -> TableRequest | None:
        """The first request naming the file at `rel` (a normalised relative path), or None."""
        if "tables" not in self._index:
            from .paths import normalise, relative_problem

            by_path: dict[str, TableRequest] = {}
            for request in self.tables:
                if not relative_problem(request.path):
                    by_path.setdefault(normalise(request.path), request)
            self._index["tables"] = by_path
        return self._index["tables"].get(rel)

    def loose(self) -> dict[tuple, list[str]]:
        """(prefix, number) -> the action ids written that way ("RP", 1 -> ["RP-01"]); (prefix, number, number)
        -> the plan ids ("SAP", 2026, 7 -> ["SAP-2026-007"])."""
        if "loose" not in self._index:
            table: dict[tuple, list[str]] = {}
            for action in self.actions:
                match = re.fullmatch(r"([A-Z]{1,6})[ \-_]?0*(\d{1,4})", action.id)
                if match:
                    table.setdefault((match.group(1), int(match.group(2))), []).append(action.id)
            for plan in sorted({a.plan for a in self.actions} | set(self.ids)):
                match = re.fullmatch(r"([A-Z]{1,6})[ \-_]?0*(\d{1,4})[ \-_/]0*(\d{1,4})", plan)
                if match:
                    key = (match.group(1), int(match.group(2)), int(match.group(3)))
                    table.setdefault(key, []).append(plan)
            self._index["loose"] = table
        return self._index["loose"]

    def loose_patterns(self) -> tuple[re.Pattern[str], ...] | None:
        """The loose forms (any, plan id, run, id) for the prefixes of these ids (None: none), the prefixes as a tree
        (_tree): a capital letter is tried against a few branches, not the thousands of prefixes of a group's plans."""
        if "patterns" not in self._index:
            prefixes = {key[0] for key in self.loose()}
            alternation = _tree(prefixes) if prefixes else ""
            self._index["patterns"] = tuple(re.compile(form.format(p=alternation))
                                            for form in (_ANY, _LOOSE_PLAN, _RANGE, _LOOSE)) if prefixes else None
        return self._index["patterns"]

    def by_number(self) -> dict[int, set[str]]:
        """Each place in a plan ("action 3") -> the actions at that place in theirs; made once, asked once a file."""
        if "numbers" not in self._index:
            numbers: dict[int, set[str]] = {}
            for action in self.actions:
                numbers.setdefault(action.number, set()).add(action.id)
            self._index["numbers"] = numbers
        return self._index["numbers"]

    def titles(self) -> tuple[dict[str, list[dict[str, float]]], dict[str, list[str]], dict[str, list[str]]]:
        """Each action's title as weighted distinctive words: the whole title, then each of its clauses (a title
        often joins two things: "Prone restraint stopped; every restrictive intervention authorised..."); for
        each such word the actions whose title has it; and the same for the words few titles have, which are
        the words that find candidates."""
        if "titles" not in self._index:
            words = {a.id: set(stems(a.title)) for a in self.actions}
            count = len(words) or 1
            df: dict[str, int] = {}
            for ws in words.values():
                for w in ws:
                    df[w] = df.get(w, 0) + 1
            idf = {w: math.log((count + 1) / n) for w, n in df.items()}
            clauses: dict[str, list[dict[str, float]]] = {}
            for action in self.actions:
                seen: list[dict[str, float]] = []
                for n, part in enumerate([action.title, *_CLAUSE.split(action.title)]):
                    weighted = {w: idf[w] for w in set(stems(part))}
                    if len(weighted) >= (MIN_WORDS if n == 0 else MIN_CLAUSE_WORDS) and weighted not in seen:
                        seen.append(weighted)
                if not seen and words[action.id]:          # a short title: itself
                    seen.append({w: idf[w] for w in words[action.id]})
                clauses[action.id] = seen
            # the words that find an action: those few titles have (a common word still counts in its score)
            rare = max(RARE_TITLES, math.ceil(RARE_SHARE * count))
            postings: dict[str, list[str]] = {}
            for aid, parts in clauses.items():
                for w in {w for part in parts for w in part}:
                    postings.setdefault(w, []).append(aid)
            finders = {w: aids for w, aids in postings.items() if len(aids) <= rare}
            self._index["titles"] = (clauses, postings, finders)
        return self._index["titles"]


def _tree(words: set[str]) -> str:
    """A regex matching what the alternation of `words`, longest first, matches, branching letter by letter."""
    tree: dict = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}                          # a word ends here

    def branch(node: dict) -> str:
        inner = "|".join(re.escape(letter) + branch(child) for letter, child in sorted(node.items()) if letter)
        return "" if not inner else f"(?:{inner})?" if "" in node else f"(?:{inner})"    # greedy: longer first

    return branch(tree)


def stems(text: str) -> list[str]:
    """Lower-case content words with the commonest English endings taken off (reviews, reviewed -> review)."""
    out = []
    for word in _WORD.findall(text.lower()):
        stem = _stem(word)
        if stem is not None:
            out.append(stem)
    return out


@lru_cache(maxsize=65536)
def _stem(word: str) -> str | None:
    word = word.strip("'")
    if word in _STOP or len(word) < 3:
        return None
    for ending in ("ies", "ing", "ed", "ly", "es", "s"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)] + ("y" if ending == "ies" else "")
    return word


def loose_mentions(chunks: list[Chunk], vocab: Vocabulary, exact: set[str]) -> list[Link]:
    """Actions and plans written loosely ("RP01", "RP 01", "RP-1", "SAP 2026-007"), and runs of actions ("RH-1 to
    RH-06"), where the form names exactly one id and the exact id was not written anywhere (then the exact
    mention already links it)."""
    table = vocab.loose()
    if not table:
        return []
    found: dict[str, str] = {}

    def take(target: str, why: str) -> None:
        if target not in exact and target not in found:
            found[target] = why

    patterns = vocab.loose_patterns()
    if patterns is None:
        return []
    quick, loose_plan, run, loose = patterns
    for chunk in chunks:
        text = chunk.text
        if not quick.search(text):            # no id's prefix followed by a number: nothing written loosely
            continue
        for match in loose_plan.finditer(text):
            targets = table.get((match.group(1), int(match.group(2)), int(match.group(3))), [])
            if len(targets) == 1 and match.group(0) != targets[0]:
                take(targets[0], f"{targets[0]} written as {match.group(0)!r} {chunk.where}")
        for match in run.finditer(text):
            prefix, first, last = match.group(1), int(match.group(2)), int(match.group(4))
            if match.group(3) not in (None, prefix) or not 0 < last - first <= MAX_RANGE:
                continue
            ends = [table.get((prefix, first), []), table.get((prefix, last), [])]
            if any(len(end) != 1 for end in ends):
                continue                   # a range is read only between two actions that exist
            for number in range(first, last + 1):
                targets = table.get((prefix, number), [])
                if len(targets) == 1:
                    take(targets[0], f"{targets[0]} within {match.group(0)!r} {chunk.where}")
        for match in loose.finditer(text):
            written = match.group(0)
            targets = table.get((match.group(1), int(match.group(2))), [])
            if len(targets) == 1 and written != targets[0]:
                take(targets[0], f"{targets[0]} written as {written!r} {chunk.where}")
    return [Link(target=target, source="written", why=why) for target, why in found.items()]


def described_actions(chunks: list[Chunk], vocab: Vocabulary, exact: set[str]) -> list[Link]:
    """Actions a sentence describes by their title words (see the module's docstring for the measure)."""
    if not vocab.actions:
        return []
    clauses, postings, finders = vocab.titles()
    by_number = vocab.by_number()
    found: dict[str, tuple[str, str]] = {}
    seen = vocab._index.setdefault("described", {})    # (words, numbers) -> the action they describe, or None
    left = MAX_TEXT
    for chunk in chunks:
        if left <= 0:
            break
        text = chunk.text[:left]
        left -= len(text)
        for match in _SENTENCES.finditer(text):
            sentence = match.group(0)
            for start in range(0, len(sentence), MAX_SENTENCE):
                piece = sentence[start:start + MAX_SENTENCE]
                present = {w for w in stems(piece) if w in postings}
                if len(present) < 2:
                    continue
                # candidates: the actions that share a word few titles have; only they are scored
                candidates = {aid for w in present if w in finders for aid in finders[w]}
                if not candidates:
                    continue
                numbers = frozenset(int(n) for n in _ACTION_N.findall(piece))
                key = (frozenset(present), numbers)     # what the answer depends on: sentences repeat
                if key in seen:
                    best = seen[key]
                else:
                    numbered = {aid for n in numbers for aid in by_number.get(n, ())}
                    best = _best(present, {aid: clauses[aid] for aid in candidates | numbered}, numbered)
                    if best is not None:      # found: every action sharing words must leave it the margin
                        rivals = {aid for w in present for aid in postings[w]}
                        best = _best(present, {aid: clauses[aid] for aid in rivals | numbered}, numbered)
                    if len(seen) < MAX_SEEN:
                        seen[key] = best
                if best is not None and best not in exact and best not in found:
                    found[best] = (one_line(piece.strip(), 120), chunk.where)
    return [Link(target=aid, source="described", why=f"{aid} described {where}: {quote!r}")
            for aid, (quote, where) in found.items()]


def _best(present: set[str], clauses: dict[str, list[dict[str, float]]], numbered: set[str]) -> str | None:
    """The one action whose title (or a clause of it) the sentence's words carry, or None."""
    scores = []
    for aid, parts in clauses.items():
        best = 0.0
        for weights in parts:
            hit = weights.keys() & present
            if len(hit) >= min(MIN_WORDS, len(weights)):
                best = max(best, sum(weights[w] for w in hit) / _total(weights))
        if best:
            scores.append((best, aid))
    if not scores:
        return None
    scores.sort(reverse=True)
    score, aid = scores[0]
    runner_up = scores[1][0] if len(scores) > 1 else 0.0
    threshold = ACTION_N_THRESHOLD if aid in numbered else THRESHOLD
    if score >= threshold and score - runner_up >= MARGIN:
        return aid
    return None


def _total(weights: dict[str, float]) -> float:
    return sum(weights.values()) or 1.0


# ------------------------------------------------------------------------------- exact ids in text

_BOUNDARY_BEFORE = r"(?<![\w-])"
_BOUNDARY_AFTER = r"(?![\w]|-\w)"


_WORDLIKE = re.compile(r"\w+(?:-\w+)*")
_TOKEN = re.compile(_BOUNDARY_BEFORE + r"(\w+(?:-\w+)*)")


class IdFinder:
    """Finds ids as whole words, case-sensitive (RP-01 does not match RP-010 or RP-01-b). An id made of word
    characters and hyphens is looked up word by word in a set; any other id by one regex of them all."""

    def __init__(self, ids: Iterable[str]) -> None:
        wanted = {i for i in ids if i and i.strip()}
        self._words = frozenset(i for i in wanted if _WORDLIKE.fullmatch(i))
        others = sorted(wanted - self._words, key=len, reverse=True)
        self._other = re.compile(_BOUNDARY_BEFORE + "(" + "|".join(map(re.escape, others)) + ")" + _BOUNDARY_AFTER) \
            if others else None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        found = [m for m in _TOKEN.finditer(text) if m.group(1) in self._words] if self._words else []
        if self._other is not None:
            found = sorted([*found, *self._other.finditer(text)], key=lambda m: m.start())
        return iter(found)

    def search(self, text: str) -> re.Match[str] | None:
        return next(self.finditer(text), None)

    def ids_in(self, text: str) -> list[str]:
        """The ids found in `text`, in no particular order (faster than finditer: no match objects)."""
        words = self._words
        found = [t for t in _TOKEN.findall(text) if t in words] if words else []
        if self._other is not None:
            found += self._other.findall(text)
        return found


def mention_pattern(ids: Iterable[str]) -> IdFinder | None:
    """What finds any of `ids` as a whole word in text (None when there are none)."""
    finder = IdFinder(ids)
    return finder if finder._words or finder._other is not None else None


def mentions(chunks: list[Chunk], pattern: IdFinder | None) -> list[Link]:
    """One link per id mentioned, naming the first place and how many more."""
    if pattern is None:
        return []
    places: dict[str, list[str]] = {}
    for chunk in chunks:
        for target in pattern.ids_in(chunk.text):
            where = places.setdefault(target, [])
            if not where or where[-1] != chunk.where:
                where.append(chunk.where)
    links = []
    for target, where in places.items():
        more = len(dict.fromkeys(where)) - 1
        extra = f" (and {more} more place{'s' if more > 1 else ''})" if more else ""
        links.append(Link(target=target, source="mention", why=f"{target} mentioned {where[0]}{extra}"))
    return links


def text_links(chunks: list[Chunk], pattern: IdFinder | None, vocab: Vocabulary) -> list[Link]:
    """Every link an item's text makes: exact ids, ids written loosely, and actions described by their titles."""
    exact = mentions(chunks, pattern)
    named = {link.target for link in exact}
    written = loose_mentions(chunks, vocab, named)
    named |= {link.target for link in written}
    return exact + written + described_actions(chunks, vocab, named)
