"""Results of the Making Data Count (XmR) analysis of one indicator series."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

PointType = Literal["baseline", "common_cause", "special_cause_improvement", "special_cause_concern"]
Signal = Literal["astronomical", "shift", "trend", "two_of_three"]
# The parts of the reading an explanation states: enough data to judge at all, a special-cause
# improvement, the last points on the better side of the baseline mean, no concern among them, the target.
SpcPart = Literal["data", "improvement", "better_side", "no_concern", "target"]


class SpcPoint(BaseModel):
    period: dt.date
    label: str
    value: float
    baseline: bool                   # before the action opened (used for the limits)
    point_type: PointType
    signals: list[Signal] = Field(default_factory=list)   # every rule that flagged this point
    signal: Signal | None = None     # the highest-ranked of them: the one that decides point_type


class SpcResult(BaseModel):
    better: Literal["lower", "higher"]
    target: float | None = None
    points: list[SpcPoint] = Field(default_factory=list)
    baseline_n: int = 0
    after_n: int = 0
    mean: float | None = None
    amr: float | None = None
    upl: float | None = None
    lpl: float | None = None
    near_upper: float | None = None
    near_lower: float | None = None
    provisional: bool = False        # baseline under 12 points
    fallback: bool = False           # too few points for SPC: the simple before/after rule was used
    fallback_reason: str | None = None
    improvement: bool = False        # a special-cause improvement after the action opened
    concern: bool = False            # a special-cause concern after the action opened
    last3_concern: bool = False      # a special-cause concern among the last three points after opening
    last3_better: bool = False       # the last three points are on the better side of the baseline mean
    meets_target: bool | None = None # the last three points meet the target (None when no target)
    passed: bool = False             # closure criterion 1 for this indicator
    # The same reading in parts, for callers composing their own sentences: what the explanation
    # states as holding and as failing, in its order (`failed` is empty exactly when `passed`), and
    # the signals it names, in words ("shift: 7 months in a row below the baseline mean of 5 from
    # 2026-07"), or "" when there is none.
    held: list[SpcPart] = Field(default_factory=list)
    failed: list[SpcPart] = Field(default_factory=list)
    improvement_signal: str = ""
    concern_signal: str = ""
    explanation: str = ""            # one or two sentences that can follow "<indicator id>: "
