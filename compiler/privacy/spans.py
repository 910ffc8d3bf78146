"""A finding in text with the roster entries behind it, and choosing among overlapping findings."""
from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass

from compiler.privacy.roster import RosterEntry


@dataclass(frozen=True)
class Span:
    """text[start:end] holds personal data of `kind`; `entries` are the roster rows it belongs to."""
    kind: str              # a scan.HitKind, or "staff_name" (found so its words are not taken as a person's)
    start: int
    end: int
    priority: int          # lower wins where spans overlap
    detail: str = ""
    entries: tuple[RosterEntry, ...] = ()


def resolve(spans: Iterable[Span]) -> list[Span]:
    """Keep the most specific, then the longest, finding where findings overlap; return in text order."""
    starts: list[int] = []              # kept spans never overlap, so sorting by start sorts ends too
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.priority, s.start - s.end, s.start)):
        i = bisect.bisect_right(starts, span.start)
        if i > 0 and kept[i - 1].end > span.start:
            continue
        if i < len(kept) and kept[i].start < span.end:
            continue
        starts.insert(i, span.start)
        kept.insert(i, span)
    return kept
