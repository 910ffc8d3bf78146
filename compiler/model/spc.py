"""Results of the Making Data Count (XmR) analysis of one indicator series."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

PointType = Literal["baseline", "common_cause", "special_cause_improvement", "special_cause_concern"]
Signal = Literal["astronomical", "shift", "trend", "two_of_three"]


class SpcPoint(BaseModel):
    period: dt.date
    label: str
    value: float
    baseline: bool                   # before the action opened (used for the limits)
    point_type: PointType
    signals: list[Signal] = Field(default_factory=list)   # rules that flagged this point


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
    last3_better: bool = False       # the last three points are on the better side of the baseline mean
    meets_target: bool | None = None # the last three points meet the target (None when no target)
    passed: bool = False             # closure criterion 1 for this indicator
    explanation: str = ""            # one or two sentences a compliance officer can read
