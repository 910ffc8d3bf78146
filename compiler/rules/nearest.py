"""SG305's "did you mean": for each evidence id a plan names that is not in the folder, the nearest id that is.

The nearest id is a function of the id written and of every id in the folder, so what one check worked out is
kept in the cache, keyed by the folder's ids, and given again while they are the same: a check after one
evidence file changed (its id unchanged) looks nothing up again. Ids written that were not looked for last time
are looked for, and what is kept is then of this check's ids written only. Without a cache every id is looked
for. What is kept is refused (and made again) unless every suggestion in it is an id of the folder."""
from __future__ import annotations

import bisect
import difflib
import functools
import heapq
import sys
from collections import Counter
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Any

from evidence_store.scancache import id_set_digest
from evidence_store.shelf import Shelf, code_version

if TYPE_CHECKING:
    from evidence_store.cache import EvidenceCache

KIND = "nearest-ids"
FORMAT = "1"                  # bump when what is kept changes shape


def nearest_ids(ids: Collection[str], wanted: Iterable[str],
                cache: EvidenceCache | None = None) -> dict[str, str | None]:
    """{each id in `wanted`: the id of `ids` difflib would pick for it (_NearestIds), or None}."""
    wanted = set(wanted)
    if not wanted:
        return {}
    shelf = Shelf(cache, KIND, _version() if cache is not None else "")
    key = id_set_digest(frozenset(ids)) if shelf.on else ""
    known = shelf.find(key, lambda value, _: _read(value, ids)) if shelf.on else None
    near = {eid: known[eid] for eid in wanted if known and eid in known}
    missing = wanted - near.keys()
    if missing:
        index = _NearestIds(ids, missing)
        near.update((eid, index.nearest(eid)) for eid in missing)
        shelf.keep(key, {"format": FORMAT, "near": near}, replace=True)
    return near


@functools.lru_cache(maxsize=1)
def _version() -> str:
    return f"{FORMAT}:{code_version(__name__, libraries=('rapidfuzz',))}:{sys.version_info[:3]}"


def _read(value: Any, ids: Collection[str]) -> dict[str, str | None]:
    if not (isinstance(value, dict) and value.get("format") == FORMAT and isinstance(value.get("near"), dict)):
        raise ValueError("not a nearest-ids entry")
    near = value["near"]
    if not all(type(k) is str and (v is None or (type(v) is str and v in ids)) for k, v in near.items()):
        raise ValueError("a suggestion that is not an id of the folder")
    return near


class _NearestIds:
    """SG305's "did you mean": the id difflib would pick (get_close_matches, n=1: the highest ratio of at least
    0.6, the greater id on a tie), looked for among the ids that share the most of the id written, found through
    indexes made once per check. Comparing every broken link with every id cost 24 of a 27 s check on a
    6,000-file folder; this costs a bounded part of the indexes a link, and a few full comparisons.

    The candidates: the ids next to the written one in alphabetical order, and in the order of the ids read
    backwards (an id mistyped in one place keeps what comes before that place, or after it); and the CANDIDATES
    ids sharing most of its rarer runs of five characters (those in at most RARE ids; the rarest always), with
    any tied with the last (at most MAX_TIED: a site's ids share their rarer runs with the service's other
    sites'). Among the candidates the pick is exactly difflib's (_closest). Only candidates are compared, so an
    id sharing neither end nor the rarer runs of the written one, but scoring higher with difflib, would be
    missed; the typos people make (a digit transposed, a dash or a letter left out, the wrong case, a misspelt
    word, a word left out) keep one or the other."""

    CUTOFF = 0.6           # difflib.get_close_matches' default
    RARE = 600             # ids a run of five characters may be in and still find candidates
    CANDIDATES = 8         # ids compared for the runs they share (more on a tie, at most MAX_TIED)
    MAX_TIED = 2048
    NEIGHBOURS = 8         # ids either side of the written one, alphabetically and backwards

    def __init__(self, ids: Iterable[str], wanted: Iterable[str]):
        """`wanted`: the ids written that are to be looked for (the index holds only their runs)."""
        self.ids = sorted(ids)
        self.backwards = sorted((eid[::-1], n) for n, eid in enumerate(self.ids))
        runs = set().union(*(_runs(eid, 5) for eid in wanted))
        self.index: dict[str, list[int]] = {}
        for n, eid in enumerate(self.ids):
            for run in _runs(eid, 5) & runs:
                self.index.setdefault(run, []).append(n)

    def nearest(self, wanted: str) -> str | None:
        shared: Counter[int] = Counter()
        found = sorted((len(self.index[run]), run) for run in _runs(wanted, 5) if run in self.index)
        for i, (size, run) in enumerate(found):
            if i and size > self.RARE:
                break
            shared.update(self.index[run])
        near = set(_best(shared, self.CANDIDATES, self.MAX_TIED))
        at = bisect.bisect_left(self.ids, wanted)
        near.update(range(max(0, at - self.NEIGHBOURS), at + self.NEIGHBOURS))
        at = bisect.bisect_left(self.backwards, (wanted[::-1], -1))
        near.update(n for _, n in self.backwards[max(0, at - self.NEIGHBOURS):at + self.NEIGHBOURS])
        return _closest(wanted, [self.ids[n] for n in sorted(near) if n < len(self.ids)], self.CUTOFF)


def _runs(text: str, length: int) -> set[str]:
    """The runs of `length` characters in `text`, its start and end marked (the whole of a shorter one). In its
    own case, as difflib compares: an id written in capitals is near every id sharing the rest of it, as it is for
    difflib."""
    marked = f"\x02{text}\x03"
    return {marked[i:i + length] for i in range(max(1, len(marked) - length + 1))}


def _best(scores: dict[int, int], k: int, most: int) -> list[int]:
    """The k with the highest scores, and any tied with the k-th (at most `most`, the highest, lowest n first)."""
    kept = list(scores)
    if len(kept) > k:
        floor = heapq.nlargest(k, scores.values())[-1]
        kept = [n for n in kept if scores[n] >= floor]
    if len(kept) > most:
        kept = sorted(kept, key=lambda n: (-scores[n], n))[:most]
    return kept


def _closest(wanted: str, candidates: list[str], cutoff: float) -> str | None:
    """difflib.get_close_matches(wanted, candidates, n=1, cutoff)[0]: the highest ratio of at least `cutoff`, the
    greater candidate on a tie. difflib's ratio counts the characters of matching blocks, which are a common
    subsequence, so it is never above the share of the longest common subsequence (rapidfuzz's Indel similarity,
    computed in C for every candidate at once). Candidates are compared in full by difflib from the highest share
    down, until no share left can reach the best ratio so far."""
    from rapidfuzz.distance import Indel
    from rapidfuzz.process import extract

    slack = 1e-9                      # the share is computed as 1 - distance/length: allow for its rounding
    bounded = extract(wanted, candidates, scorer=Indel.normalized_similarity, processor=None, limit=None,
                      score_cutoff=cutoff - 0.01)     # rapidfuzz rounds a cutoff to whole characters
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(wanted)
    best: tuple[float, str] | None = None
    for candidate, bound, _ in sorted(bounded, key=lambda b: (-b[1], b[0])):
        if bound + slack < (cutoff if best is None else best[0]):
            break
        matcher.set_seq1(candidate)
        score = matcher.ratio()
        if score >= cutoff and (best is None or (score, candidate) > best):
            best = (score, candidate)
    return best[1] if best else None
