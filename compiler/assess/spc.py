"""Making Data Count (XmR) analysis of one indicator series against the date an action opened.

Pure: a list of (period start, label, value) in, an `SpcResult` out: part 1 of the closure test
(docs/judgement.md, which states these decisions for users too).

Decisions, where Making Data Count leaves room:
- Limits come from the baseline only (periods starting before the action opened) and are held
  fixed; the special-cause rules are applied to the points after opening only. A shift or
  trend run, and a two-of-three window, may not start among baseline points: the closure test
  asks for "special cause after the action opened", and a run half made of baseline months would
  credit the action with change that came before it. (NHSRplotthedots tests the whole series.)
- A flagged point is improvement or concern by its side of the baseline mean, as
  NHSRplotthedots does, even for trend points. A trend point lying exactly on the mean has no
  side; it takes the direction of its trend (NHSRplotthedots would call it a concern).
- "On the mean" allows a relative tolerance of 1e-9, so a constant series stays signal-free
  despite floating-point rounding. With a constant baseline (AMR = 0) every limit equals the
  mean: a later point that differs from it is beyond a limit, as in any XmR chart.
- Limits are computed, and the rules applied, whenever the baseline has enough points, even
  when too few points follow opening; then the pass decision uses the fallback rule. With too
  short a baseline there are no limits and the points after opening are left as common cause.
- `provisional` is literal: the baseline has fewer than `provisional_below` points.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from compiler.model.spc import PointType, Signal, SpcPoint, SpcResult

# Display priority when several rules flag one point: trend, shift, two of three, beyond a limit.
_PRIORITY: tuple[Signal, ...] = ("trend", "shift", "two_of_three", "astronomical")
_SIGNAL_ORDER: tuple[Signal, ...] = ("astronomical", "shift", "trend", "two_of_three")


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

    def close(self, y: float) -> bool:
        return not self.outside(y) and (y > self.near_upper + self.eps or y < self.near_lower - self.eps)


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

    result = SpcResult(
        better=better,
        target=target,
        baseline_n=len(base),
        after_n=len(after),
        provisional=len(base) < settings.provisional_below,
    )
    types: list[PointType] = ["common_cause"] * len(after)
    signals: list[list[Signal]] = [[] for _ in after]
    if base:
        result.mean = math.fsum(p[2] for p in base) / len(base)
    if len(base) >= settings.min_baseline:
        lim = _limits([p[2] for p in base], settings)
        result.amr, result.upl, result.lpl = lim.amr, lim.upl, lim.lpl
        result.near_upper, result.near_lower = lim.near_upper, lim.near_lower
        signals = _signals([p[2] for p in after], lim, settings)
        types = _classify([p[2] for p in after], signals, lim, direction)
    result.points = [SpcPoint(period=d, label=lab, value=v, baseline=True, point_type="baseline") for d, lab, v in base]
    result.points += [
        SpcPoint(period=d, label=lab, value=v, baseline=False, point_type=t, signals=s)
        for (d, lab, v), t, s in zip(after, types, signals)
    ]
    result.improvement = "special_cause_improvement" in types
    result.concern = "special_cause_concern" in types

    if len(ordered) < n_last:
        result.explanation = (
            f"Not enough data: {_months(len(ordered))} in the series; at least {n_last} are needed "
            "to judge whether the indicator improved."
        )
        return result
    if not after:
        result.explanation = (
            f"No months after the action opened on {opened.isoformat()}: improvement cannot be shown yet."
        )
        return result

    last = ordered[-n_last:]
    if target is not None:
        result.meets_target = all(_meets(p[2], target, direction) for p in last)
    fallback = _fallback_reason(len(base), len(after), settings)
    if fallback is not None:
        ref = result.mean if base else ordered[0][2]
        ref_text = f"the baseline mean of {_fmt(ref)}" if base else f"the first month ({_fmt(ref)})"
        result.fallback = True
        result.fallback_reason = fallback
        eps = 1e-9 * max(1.0, abs(ref))   # the same "on the mean" tolerance as the control limits
        result.last3_better = all((p[2] - ref) * direction > eps for p in last)
        result.passed = result.last3_better and result.meets_target is not False
        result.explanation = (
            f"Before/after fallback used: {fallback}. "
            + _last_text(last, result, ref_text, direction, target)
        )
        return result

    assert result.mean is not None  # the baseline is long enough for limits here
    last_points = result.points[-n_last:]
    result.last3_better = all(lim.side(p.value) == direction for p in last_points)
    last_concern = any(p.point_type == "special_cause_concern" for p in last_points)
    result.passed = (
        result.improvement and result.last3_better and not last_concern and result.meets_target is not False
    )
    first = _signal_text(result, "special_cause_improvement", lim, direction)
    text = f"Improvement: {first}" if first else (
        f"No improvement: no special cause in the better direction after the action opened "
        f"(baseline mean {_fmt(lim.mean)}, limits {_fmt(lim.lpl)} to {_fmt(lim.upl)})"
    )
    worry = _signal_text(result, "special_cause_concern", lim, direction)
    if worry:
        text += f"; concern: {worry}"
    text += f". {_last_text(last, result, f'the baseline mean of {_fmt(lim.mean)}', direction, target)}"
    if result.provisional:
        text += f" Limits are provisional: {_months(len(base))} of baseline, {settings.provisional_below} advised."
    result.explanation = text
    return result


def _limits(values: list[float], s: SpcSettings) -> _Limits:
    mean = math.fsum(values) / len(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:])]
    amr = math.fsum(ranges) / len(ranges) if ranges else 0.0
    return _Limits(
        mean=mean,
        amr=amr,
        upl=mean + s.limit * amr,
        lpl=mean - s.limit * amr,
        near_upper=mean + s.near * amr,
        near_lower=mean - s.near * amr,
        eps=1e-9 * max(1.0, abs(mean)),
    )


def _signals(values: list[float], lim: _Limits, s: SpcSettings) -> list[list[Signal]]:
    """Which rules flag each point after opening; runs and windows never reach into the baseline."""
    n = len(values)
    flags: dict[Signal, set[int]] = {sig: set() for sig in _SIGNAL_ORDER}
    sides = [lim.side(y) for y in values]
    close = [lim.close(y) for y in values]
    flags["astronomical"] = {i for i, y in enumerate(values) if lim.outside(y)}
    # shift: maximal runs of the same non-zero side
    for start, end in _runs(sides):
        if sides[start] != 0 and end - start >= s.shift_run:
            flags["shift"].update(range(start, end))
    # trend: maximal runs of same-sign steps; k steps cover k + 1 points
    steps = [_sign(b - a) for a, b in zip(values, values[1:])]
    for start, end in _runs(steps):
        if steps[start] != 0 and end - start >= s.trend_run - 1:
            flags["trend"].update(range(start, end + 1))
    # two of three: >= 2 near one limit, all three on that side of the mean
    for i in range(n - 2):
        window = range(i, i + 3)
        if sum(close[j] for j in window) >= 2 and abs(sum(sides[j] for j in window)) == 3:
            flags["two_of_three"].update(j for j in window if close[j])
    return [[sig for sig in _SIGNAL_ORDER if i in flags[sig]] for i in range(n)]


def _classify(values: list[float], signals: list[list[Signal]], lim: _Limits, direction: int) -> list[PointType]:
    out: list[PointType] = []
    for i, (y, sigs) in enumerate(zip(values, signals)):
        if not sigs:
            out.append("common_cause")
            continue
        side = lim.side(y)
        if side == 0:  # only a trend can flag a point on the mean: use the trend's direction
            side = _trend_direction(values, i)
        out.append("special_cause_improvement" if side == direction else "special_cause_concern")
    return out


def _trend_direction(values: list[float], i: int) -> int:
    if i + 1 < len(values) and values[i + 1] != values[i]:
        return _sign(values[i + 1] - values[i])
    return _sign(values[i] - values[i - 1]) if i > 0 else 0


def _runs(seq: list[int]) -> list[tuple[int, int]]:
    """Maximal runs of equal values as half-open (start, end) index pairs."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(seq) + 1):
        if i == len(seq) or seq[i] != seq[start]:
            runs.append((start, i))
            start = i
    return runs


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
        reasons.append(
            f"only {_months(after_n)} after the action opened; {s.min_after} are needed to judge special cause"
        )
    return "; ".join(reasons) or None


def _signal_text(result: SpcResult, kind: PointType, lim: _Limits, direction: int) -> str:
    """Describe the first point of the given kind after opening and the rule that flagged it."""
    after = [p for p in result.points if not p.baseline]
    idx = next((i for i, p in enumerate(after) if p.point_type == kind), None)
    if idx is None:
        return ""
    point = after[idx]
    sig = next(s for s in _PRIORITY if s in point.signals)
    run = _run_from(after, idx, sig)
    side = lim.side(point.value) or (direction if kind == "special_cause_improvement" else -direction)
    side_word = "below" if side < 0 else "above"
    if sig == "shift":
        return f"{len(run)} months in a row {side_word} the baseline mean of {_fmt(lim.mean)} (shift) from {point.label}"
    if sig == "trend":
        way = "lower" if after[run[-1]].value < after[run[0]].value else "higher"
        text = f"{len(run)} months in a row each {way} than the one before (trend) from {after[run[0]].label}"
        kinds = sum(after[i].point_type == kind for i in run)
        if kinds < len(run):  # a trend crossing the mean is part improvement, part concern
            text += f", {kinds} of them {side_word} the baseline mean of {_fmt(lim.mean)}"
        return text
    if sig == "two_of_three":
        bound = lim.near_lower if side_word == "below" else lim.near_upper
        return f"2 of 3 months {side_word} {_fmt(bound)}, near the process limit (two of three) from {point.label}"
    bound = lim.lpl if side_word == "below" else lim.upl
    return f"{point.label} ({_fmt(point.value)}) is {side_word} the process limit of {_fmt(bound)} (astronomical point)"


def _run_from(after: list[SpcPoint], idx: int, sig: Signal) -> list[int]:
    """Indices of the consecutive points from idx (and, for a trend, back to its start) that carry sig."""
    start = idx
    while sig == "trend" and start > 0 and sig in after[start - 1].signals:
        start -= 1
    end = idx
    while end + 1 < len(after) and sig in after[end + 1].signals:
        end += 1
    return list(range(start, end + 1))


def _last_text(
    last: Sequence[tuple[dt.date, str, float]],
    result: SpcResult,
    ref_text: str,
    direction: int,
    target: float | None,
) -> str:
    values = ", ".join(_fmt(p[2]) for p in last)
    side = "below" if direction < 0 else "above"
    head = f"the last {len(last)} months ({values})"
    better = f"are {side} {ref_text}" if result.last3_better else f"are not all {side} {ref_text}"
    if target is None:
        tail = ""
    elif result.meets_target:
        tail = f" and meet the target of {_fmt(target)}"
    else:
        tail = f"{' but' if result.last3_better else ' and'} do not all meet the target of {_fmt(target)}"
    text = f"{head} {better}{tail}."
    return text[0].upper() + text[1:]


def _months(n: int) -> str:
    return f"{n} month" if n == 1 else f"{n} months"


def _fmt(x: float) -> str:
    """A number as a person would write it: whole numbers plain, others to 3 significant places or so."""
    if float(x).is_integer():
        return str(int(x))
    dp = 0 if abs(x) >= 1000 else 1 if abs(x) >= 10 else 2
    text = f"{x:.{dp}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
