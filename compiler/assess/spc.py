"""Making Data Count (XmR) analysis of one indicator series against the date an action opened.

Pure: a list of (period start, label, value) in, an `SpcResult` out: part 1 of the closure test
(docs/judgement.md states these rules and decisions for users too).

The rules, as Making Data Count states them (two of three as revised in 2023):
- The limits are the baseline mean ± 2.66 × AMR; the 2-sigma line is the mean ± 1.7733 × AMR.
- A point after opening is flagged when it is beyond a limit; one of 7 or more each strictly higher,
  or each strictly lower, than the one before (trend); one of 2 or more of 3 consecutive points
  beyond the same 2-sigma line, near the limit or past it, all 3 on that side of the mean (two of
  three: only the points past the line are flagged); one of 7 or more on one side of the mean (shift).
- A point takes the type of its highest-ranked signal: beyond a limit, trend, two of three, shift.
  A trend is improvement or concern by its direction, whichever side of the mean it lies; the others
  by their side. Lower signals are named in the explanation but decide nothing.

Decisions, where Making Data Count leaves room:
- Limits come from the baseline only (periods starting before the action opened) and are held
  fixed; the rules are applied to the points after opening only. A run or a two-of-three window
  may not start among baseline points: the closure test asks for "special cause after the action
  opened", and a run half made of baseline months would credit the action with change that came
  before it. (NHSRplotthedots tests the whole series.) The moving ranges are not screened.
- A point shared by two trends (the top of a rise that then falls) takes the later trend's
  direction, as NHSRplotthedots does; a tie between two trends belongs to neither.
- "On the mean" allows a relative tolerance of 1e-9, so a constant series stays signal-free
  despite floating-point rounding. With a constant baseline (AMR = 0) every limit equals the
  mean: a later point that differs from it is beyond a limit, as in any XmR chart.
- Limits are computed, and the rules applied, whenever the baseline has enough points, even
  when too few points follow opening; then the pass decision uses the fallback rule. With too
  short a baseline there are no limits and the points after opening are left as common cause.
- `provisional` is literal: the baseline has fewer than `provisional_below` points.

Over 400 lines because the explanation (`_Words`) is composed from the runs the rules find, kept here
beside them so that what it says cannot drift from what was flagged.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from compiler.model.spc import PointType, Signal, SpcPart, SpcPoint, SpcResult

# Making Data Count's ranking when several rules flag one point: the first decides its type.
RANK: tuple[Signal, ...] = ("astronomical", "trend", "two_of_three", "shift")
# The order SpcPoint.signals lists a point's rules in (packs print the list as it is).
_LISTED: tuple[Signal, ...] = ("astronomical", "shift", "trend", "two_of_three")
_NAME: dict[Signal, str] = {"astronomical": "beyond a limit", "trend": "trend",
                            "two_of_three": "two of three", "shift": "shift"}
_OUTRANKED_BY: dict[Signal, str] = {"astronomical": "the limit", "trend": "the trend",
                                    "two_of_three": "the two of three", "shift": "the shift"}


@dataclass(frozen=True)
class SpcSettings:
    shift_run: int = 7
    trend_run: int = 7
    min_baseline: int = 6
    provisional_below: int = 12
    limit: float = 2.66
    near: float = 2.66 * 2 / 3
    last_n: int = 3
    min_after: int = 3


@dataclass(frozen=True)
class _Limits:
    mean: float
    amr: float
    upl: float
    lpl: float
    near_upper: float
    near_lower: float
    eps: float

    def side(self, y: float) -> int:
        """+1 above the mean, -1 below, 0 on it."""
        if abs(y - self.mean) <= self.eps:
            return 0
        return 1 if y > self.mean else -1

    def outside(self, y: float) -> bool:
        return y > self.upl + self.eps or y < self.lpl - self.eps

    def past_two_sigma(self, y: float) -> bool:
        """Near a process limit or beyond it: the 2023 two-of-three rule counts both."""
        return y > self.near_upper + self.eps or y < self.near_lower - self.eps


@dataclass(frozen=True)
class _Run:
    """Points after opening (indices) that one rule flags together, and the way they point:
    +1 higher or above the mean, -1 lower or below it."""
    signal: Signal
    way: int
    at: tuple[int, ...]


def analyse(
    points: Sequence[tuple[dt.date, str, float]],
    opened: dt.date,
    better: Literal["lower", "higher"],
    target: float | None = None,
    settings: SpcSettings = SpcSettings(),
) -> SpcResult:
    """Judge one indicator series for closure criterion 1 (docs/judgement.md)."""
    if better not in ("lower", "higher"):
        raise ValueError(f"better must be 'lower' or 'higher', not {better!r}")
    ordered = sorted(points, key=lambda p: p[0])
    base = [p for p in ordered if p[0] < opened]
    after = [p for p in ordered if p[0] >= opened]
    direction = -1 if better == "lower" else 1
    n_last = settings.last_n

    result = SpcResult(better=better, target=target, baseline_n=len(base), after_n=len(after),
                       provisional=len(base) < settings.provisional_below)
    runs: list[_Run] = []
    lim: _Limits | None = None
    if base:
        result.mean = math.fsum(p[2] for p in base) / len(base)
    if len(base) >= settings.min_baseline:
        lim = _limits([p[2] for p in base], settings)
        result.amr, result.upl, result.lpl = lim.amr, lim.upl, lim.lpl
        result.near_upper, result.near_lower = lim.near_upper, lim.near_lower
        runs = _runs_of([p[2] for p in after], lim, settings)
    flags = _flags(runs, len(after))
    result.points = [SpcPoint(period=d, label=lab, value=v, baseline=True, point_type="baseline") for d, lab, v in base]
    for (d, lab, v), f in zip(after, flags):
        top = next((sig for sig in RANK if sig in f), None)
        kind: PointType = "common_cause" if top is None else (
            "special_cause_improvement" if f[top] == direction else "special_cause_concern")
        result.points.append(SpcPoint(period=d, label=lab, value=v, baseline=False, point_type=kind,
                                      signals=[sig for sig in _LISTED if sig in f], signal=top))
    kinds = [p.point_type for p in result.points if not p.baseline]
    result.improvement = "special_cause_improvement" in kinds
    result.concern = "special_cause_concern" in kinds
    result.last3_concern = "special_cause_concern" in kinds[-n_last:]

    if len(ordered) < n_last:
        result.failed = ["data"]
        result.explanation = (f"Not enough data: {_months(len(ordered))} in the series; at least {n_last} "
                              "are needed to judge whether the indicator improved.")
        return result
    if not after:
        result.failed = ["data"]
        result.explanation = (f"No months after the action opened on {opened.isoformat()}: "
                              "improvement cannot be shown yet.")
        return result

    last = ordered[-n_last:]
    if target is not None:
        result.meets_target = all(_meets(p[2], target, direction) for p in last)
    words = _Words(result, lim, runs, direction, settings)
    fallback = _fallback_reason(len(base), len(after), settings)
    if fallback is not None:
        ref = result.mean if base else ordered[0][2]
        shown = _apart(ref, [p[2] for p in after])
        ref_text = f"the baseline mean of {shown}" if base else f"the first month ({shown})"
        result.fallback = True
        result.fallback_reason = fallback
        eps = 1e-9 * max(1.0, abs(ref))   # the same "on the mean" tolerance as the control limits
        result.last3_better = all((p[2] - ref) * direction > eps for p in last)
        result.passed = result.last3_better and result.meets_target is not False
        words.last_points(last, ref_text, with_concern=False)
        result.explanation = f"{words.sentence()} Judged by the before/after fallback, not a control chart: {fallback}."
        return result

    assert lim is not None  # the baseline is long enough for limits here
    result.last3_better = all(lim.side(p[2]) == direction for p in last)
    result.passed = (result.improvement and result.last3_better and not result.last3_concern
                     and result.meets_target is not False)
    words.improvement()
    words.last_points(last, f"the baseline mean of {words.num(lim.mean)}", with_concern=True)
    text = words.sentence()
    if result.provisional:
        text += f" Limits are provisional: {_months(len(base))} of baseline, {settings.provisional_below} advised."
    result.explanation = text
    return result


def _limits(values: list[float], s: SpcSettings) -> _Limits:
    mean = math.fsum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    amr = math.fsum(ranges) / len(ranges) if ranges else 0.0
    return _Limits(mean=mean, amr=amr, upl=mean + s.limit * amr, lpl=mean - s.limit * amr,
                   near_upper=mean + s.near * amr, near_lower=mean - s.near * amr, eps=1e-9 * max(1.0, abs(mean)))


def _runs_of(values: list[float], lim: _Limits, s: SpcSettings) -> list[_Run]:
    """Every flag the rules raise after opening, as runs; none reaches into the baseline."""
    runs: list[_Run] = []
    sides = [lim.side(y) for y in values]
    for way in (1, -1):
        beyond = tuple(i for i, y in enumerate(values) if lim.outside(y) and sides[i] == way)
        if beyond:
            runs.append(_Run("astronomical", way, beyond))
    # trend: maximal runs of same-sign steps; k steps cover k + 1 points. Runs come in order, so a
    # point shared by two (a peak) ends up with the later one's direction in _flags.
    steps = [_sign(b - a) for a, b in zip(values, values[1:])]
    for start, end in _spans(steps):
        if steps[start] != 0 and end - start >= s.trend_run - 1:
            runs.append(_Run("trend", steps[start], tuple(range(start, end + 1))))
    # two of three: >= 2 past the 2-sigma line, all three on that side of the mean; only those flagged
    past = [lim.past_two_sigma(y) for y in values]
    flagged: dict[int, int] = {}
    for i in range(len(values) - 2):
        window = range(i, i + 3)
        if sides[i] != 0 and all(sides[j] == sides[i] for j in window) and sum(past[j] for j in window) >= 2:
            flagged.update((j, sides[i]) for j in window if past[j])
    group: list[int] = []
    for i in sorted(flagged):
        if group and (i - group[-1] > 2 or flagged[i] != flagged[group[-1]]):
            runs.append(_Run("two_of_three", flagged[group[0]], tuple(group)))
            group = []
        group.append(i)
    if group:
        runs.append(_Run("two_of_three", flagged[group[0]], tuple(group)))
    # shift: maximal runs on one side of the mean; a point on the mean breaks them
    for start, end in _spans(sides):
        if sides[start] != 0 and end - start >= s.shift_run:
            runs.append(_Run("shift", sides[start], tuple(range(start, end))))
    return runs


def _flags(runs: list[_Run], n: int) -> list[dict[Signal, int]]:
    """Per point after opening: each rule that flags it and the way it points."""
    flags: list[dict[Signal, int]] = [{} for _ in range(n)]
    for run in runs:
        for i in run.at:
            flags[i][run.signal] = run.way
    return flags


@dataclass
class _Words:
    """The explanation, built as what held and what failed, and the parts behind each."""
    result: SpcResult
    lim: _Limits | None
    runs: list[_Run]
    direction: int
    settings: SpcSettings
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def num(self, bound: float) -> str:
        """A mean, line or limit, told apart from every value after opening compared with it."""
        return _apart(bound, [p.value for p in self.result.points if not p.baseline])

    def improvement(self) -> None:
        after = [p for p in self.result.points if not p.baseline]
        first = next((i for i, p in enumerate(after) if p.point_type == "special_cause_improvement"), None)
        if first is not None:
            text = self._signal(after, first)
            self.result.improvement_signal = text
            self.result.held.append("improvement")
            self.held.append(f"improved ({text})")
            return
        self.result.failed.append("improvement")
        self.failed.append(f"there is no special-cause improvement in the {_months(len(after))} since the "
                           f"action opened ({self._would_show(after)})")

    def last_points(self, last: Sequence[tuple[dt.date, str, float]], ref_text: str, *,
                    with_concern: bool) -> None:
        r = self.result
        side = "below" if self.direction < 0 else "above"
        preds: dict[bool, list[str]] = {True: [], False: []}
        parts: list[tuple[SpcPart, bool]] = [("better_side", r.last3_better)]
        preds[r.last3_better].append(f"are {side} {ref_text}" if r.last3_better else f"are not all {side} {ref_text}")
        after = [p for p in r.points if not p.baseline]
        if with_concern and r.concern:
            among = range(max(0, len(after) - len(last)), len(after))
            pick = [i for i in among if after[i].point_type == "special_cause_concern"] if r.last3_concern else \
                [i for i, p in enumerate(after) if p.point_type == "special_cause_concern"]
            r.concern_signal = self._signal(after, pick[0])
            parts.append(("no_concern", not r.last3_concern))
            preds[not r.last3_concern].append(
                f"include special-cause concern ({r.concern_signal})" if r.last3_concern
                else f"include no concern (the concern was earlier: {r.concern_signal})")
        if r.target is not None:
            parts.append(("target", bool(r.meets_target)))
            preds[bool(r.meets_target)].append(f"meet the target of {_fmt(r.target)}" if r.meets_target
                                               else f"do not all meet the target of {_fmt(r.target)}")
        subject = f"the last {len(last)} months ({', '.join(_fmt(p[2]) for p in last)})"
        for ok in (True, False):
            for part, held in parts:
                if held == ok:
                    (r.held if ok else r.failed).append(part)
            if preds[ok]:
                # "they" only straight after the clause naming them
                who = (subject if ok or not preds[True]
                       else "they" if not self.failed else f"the last {len(last)} months")
                (self.held if ok else self.failed).append(f"{who} {_and(preds[ok])}")

    def sentence(self) -> str:
        if self.held and self.failed:
            text = f"{_and(self.held)}{',' if len(self.held) > 1 else ''} but {_and(self.failed)}"
        else:
            text = _and(self.held or self.failed)
        return text[0].upper() + text[1:] + "."

    def _signal(self, after: list[SpcPoint], i: int) -> str:
        """The rule that decided point i, in words, with the lower rules of the other way it outranks."""
        sig = after[i].signal
        assert sig is not None
        run = self._run(sig, i, after)
        text = f"{_NAME[sig]}: {self._describe(run, after)}"
        for low in RANK[RANK.index(sig) + 1:]:
            other = next((r for r in self.runs
                          if r.signal == low and r.way != run.way and set(r.at) & set(run.at)), None)
            if other is not None:
                text += f"; also {self._describe(other, after)}, outranked by {_OUTRANKED_BY[sig]}"
                break
        return text

    def _run(self, sig: Signal, i: int, after: list[SpcPoint]) -> _Run:
        point_way = -self.direction if after[i].point_type == "special_cause_concern" else self.direction
        # the later run first, so a peak shared by two trends reads as the trend that decided it
        return next(r for r in reversed(self.runs) if r.signal == sig and i in r.at and r.way == point_way)

    def _describe(self, run: _Run, after: list[SpcPoint]) -> str:
        assert self.lim is not None
        lim, n, first = self.lim, len(run.at), after[run.at[0]]
        up = run.way > 0
        where, bound_word = ("above", "upper") if up else ("below", "lower")
        if run.signal == "shift":
            return f"{n} months in a row {where} the baseline mean of {self.num(lim.mean)} from {first.label}"
        if run.signal == "trend":
            return f"{n} months in a row each {'higher' if up else 'lower'} than the one before from {first.label}"
        if run.signal == "two_of_three":
            span = run.at[-1] - run.at[0] + 1
            count = f"{n} months in a row" if n == span else f"{n} of {span} months"
            line = lim.near_upper if up else lim.near_lower
            return (f"{count} {where} {self.num(line)}, near or beyond the {bound_word} process limit, "
                    f"from {first.label}")
        limit = self.num(lim.upl if up else lim.lpl)
        if n == 1:
            return f"{first.label} at {_fmt(first.value)} is {where} the {bound_word} process limit of {limit}"
        return (f"{n} months {where} the {bound_word} process limit of {limit}, "
                f"the first {first.label} at {_fmt(first.value)}")

    def _would_show(self, after: list[SpcPoint]) -> str:
        """What would have shown improvement: the rules that raised no flag the better way (a flag the
        better way that a higher-ranked concern outranks is not listed)."""
        assert self.lim is not None
        lim, s, d = self.lim, self.settings, self.direction
        where, way = ("below", "lower") if d < 0 else ("above", "higher")
        would = {
            "astronomical": f"a month {where} the {'lower' if d < 0 else 'upper'} process limit of "
                            f"{self.num(lim.lpl if d < 0 else lim.upl)}",
            "trend": f"{s.trend_run} months in a row each {way} than the one before",
            "two_of_three": f"2 of 3 months {where} {self.num(lim.near_lower if d < 0 else lim.near_upper)}",
            "shift": f"{s.shift_run} in a row {where} the baseline mean of {self.num(lim.mean)}",
        }
        quiet = [would[sig] for sig in RANK if not any(r.signal == sig and r.way == d for r in self.runs)]
        text = f"it would show as {_and(quiet, 'or')}"
        shortest = min(s.shift_run, s.trend_run)
        if len(after) < shortest:
            text += f"; with {_months(len(after))} so far, no run of {shortest} is possible yet"
        return text


def _spans(seq: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of equal values as half-open (start, end) index pairs."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(seq) + 1):
        if i == len(seq) or seq[i] != seq[start]:
            spans.append((start, i))
            start = i
    return spans


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _meets(value: float, target: float, direction: int) -> bool:
    return value <= target if direction < 0 else value >= target


def _fallback_reason(base_n: int, after_n: int, s: SpcSettings) -> str | None:
    reasons = []
    if base_n < s.min_baseline:
        have = "no months" if base_n == 0 else f"only {_months(base_n)}"
        reasons.append(f"{have} before the action opened; {s.min_baseline} are needed for control limits")
    if after_n < s.min_after:
        reasons.append(f"only {_months(after_n)} after the action opened; "
                       f"{s.min_after} are needed to judge special cause")
    return "; ".join(reasons) or None


def _and(items: Sequence[str], word: str = "and") -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _apart(bound: float, values: Sequence[float]) -> str:
    """`bound` to as many places as it takes not to read the same as a value it is compared with
    (a month of 13.1 is below a line at 13.1035: "below 13.104", never "below 13.1")."""
    text, places = _fmt(bound), 1
    while places <= 6 and any(_fmt(v) == text and v != bound for v in values):
        places += 1
        text = f"{bound:.{places}f}".rstrip("0").rstrip(".")
    return text


def _fmt(x: float) -> str:
    """A number as a person would write it: whole numbers plain, others to 3 significant places or so."""
    if float(x).is_integer():
        return str(int(x))
    dp = 0 if abs(x) >= 1000 else 1 if abs(x) >= 10 else 2
    text = f"{x:.{dp}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
