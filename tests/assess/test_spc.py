"""Making Data Count analysis: hand-computed series, one rule at a time, and properties."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from compiler.assess.spc import SpcSettings, analyse

WORKED_BASE = [12, 14, 11, 13, 15, 12, 14, 13, 11, 12, 13, 14]
WORKED_AFTER = [10, 9, 8, 9, 8, 7, 8, 9, 8, 7]

# A baseline used by most small cases: mean 11; mR = 2 every step, so AMR = 2;
# UPL = 11 + 2.66*2 = 16.32, LPL = 5.68; near-upper = 11 + 1.7733*2 = 14.547, near-lower = 7.453.
SMALL_BASE = [10, 12, 10, 12, 10, 12]


def month(i: int) -> dt.date:
    return dt.date(2025 + i // 12, i % 12 + 1, 1)


def series(base: list[float], after: list[float]) -> tuple[list[tuple[dt.date, str, float]], dt.date]:
    """Monthly points from 2025-01; the action opens on the 15th of the last baseline month, so
    that month (which starts before opening) is baseline and the next one is not."""
    values = list(base) + list(after)
    points = [(month(i), month(i).strftime("%Y-%m"), float(v)) for i, v in enumerate(values)]
    opened = month(len(base) - 1) + dt.timedelta(days=14) if base else month(0)
    return points, opened


def run(base, after, better="lower", target=None, **kw):
    points, opened = series(base, after)
    return analyse(points, opened, better, target, SpcSettings(**kw) if kw else SpcSettings())


def after_points(result):
    return [p for p in result.points if not p.baseline]


def types(result):
    return [p.point_type for p in after_points(result)]


def flagged(result, signal):
    return [i for i, p in enumerate(after_points(result)) if signal in p.signals]


# --- the worked example of docs/judgement.md ---------------------------------------------

def test_worked_example_limits():
    r = run(WORKED_BASE, WORKED_AFTER, target=9)
    # sum = 154, mean = 154/12 = 12.833; mR = 2,3,2,2,3,2,1,2,1,1,1 -> 20/11 = 1.818
    assert r.baseline_n == 12 and r.after_n == 10
    assert r.mean == pytest.approx(154 / 12)
    assert r.amr == pytest.approx(20 / 11)
    assert r.upl == pytest.approx(12.8333 + 2.66 * 1.81818, abs=1e-3)  # 17.670
    assert r.lpl == pytest.approx(7.997, abs=1e-3)
    assert r.near_upper == pytest.approx(16.058, abs=1e-3)
    assert r.near_lower == pytest.approx(9.609, abs=1e-3)
    assert not r.provisional and not r.fallback
    assert all(p.point_type == "baseline" for p in r.points if p.baseline)


def test_worked_example_signals():
    r = run(WORKED_BASE, WORKED_AFTER, target=9)
    # all 10 points are below 12.833 -> one shift of 10
    assert flagged(r, "shift") == list(range(10))
    # 7 < LPL 7.997 at positions 5 and 9
    assert flagged(r, "astronomical") == [5, 9]
    # 9 and 8 lie between LPL 7.997 and near-lower 9.609; 10 does not; 7 is beyond the limit
    assert flagged(r, "two_of_three") == [1, 2, 3, 4, 6, 7, 8]
    assert flagged(r, "trend") == []  # 10, 9, 8 then up to 9: never 7 falling in a row
    assert types(r) == ["special_cause_improvement"] * 10
    assert r.improvement and not r.concern


def test_worked_example_passes_with_target_9():
    r = run(WORKED_BASE, WORKED_AFTER, target=9)
    # last 3 = 9, 8, 7: all below 12.833 and all <= 9
    assert r.last3_better and r.meets_target is True and r.passed
    assert "shift" in r.explanation and "12.8" in r.explanation
    assert "(9, 8, 7)" in r.explanation and "meet the target of 9" in r.explanation


def test_worked_example_fails_with_target_6():
    r = run(WORKED_BASE, WORKED_AFTER, target=6)
    # 9, 8, 7 are all above 6
    assert r.improvement and r.last3_better
    assert r.meets_target is False and not r.passed
    assert "do not all meet the target of 6" in r.explanation


# --- each rule alone ------------------------------------------------------------------------

def test_astronomical_alone():
    # 4 < LPL 5.68; 10 and 12 sit between the near limits (7.453 .. 14.547)
    r = run(SMALL_BASE, [10, 4, 10])
    assert [p.signals for p in after_points(r)] == [[], ["astronomical"], []]
    assert types(r) == ["common_cause", "special_cause_improvement", "common_cause"]
    assert r.passed  # 10, 4, 10 all below 11
    assert "astronomical" in r.explanation and "5.68" in r.explanation


def test_astronomical_improvement_but_last_three_not_better_fails():
    r = run(SMALL_BASE, [12, 4, 10])  # 12 is above the mean of 11
    assert r.improvement and not r.last3_better and not r.passed


def test_shift_of_seven_below_mean():
    # 10 and 10.5 are below 11 and inside the near limits; steps alternate, so no trend
    after = [10, 10.5, 10, 10.5, 10, 10.5, 10]
    r = run(SMALL_BASE, after)
    assert flagged(r, "shift") == list(range(7))
    assert flagged(r, "trend") == flagged(r, "astronomical") == flagged(r, "two_of_three") == []
    assert r.passed and "7 months in a row below the baseline mean of 11 (shift)" in r.explanation


def test_six_below_mean_is_not_a_shift():
    r = run(SMALL_BASE, [10, 10.5, 10, 10.5, 10, 10.5])
    assert not r.improvement and not r.passed
    assert types(r) == ["common_cause"] * 6
    assert r.explanation.startswith("No improvement")


def test_point_on_mean_breaks_shift():
    # mean is exactly 66/6 = 11; runs of 3 and 4 below it, no run of 7
    r = run(SMALL_BASE, [10, 10, 10, 11, 10, 10, 10, 10])
    assert flagged(r, "shift") == []


def test_shift_does_not_count_baseline_points():
    # last 3 baseline months are below the mean too, but the run after opening is only 5
    base = [12, 12, 12, 10, 10, 10]  # mean 11, mR 0,0,2,0,0 -> AMR 0.4
    r = run(base, [10.5, 10.5, 10.5, 10.5, 10.5])
    assert flagged(r, "shift") == []


def test_trend_down():
    # steps are all strictly down; sides +,+,+,-,-,-,- so no shift; all inside the near limits
    after = [12.5, 12, 11.5, 10.8, 10.5, 10.2, 10]
    r = run(SMALL_BASE, after)
    assert flagged(r, "trend") == list(range(7))
    assert flagged(r, "shift") == []
    # classification is by side of the mean, even within a trend
    assert types(r) == ["special_cause_concern"] * 3 + ["special_cause_improvement"] * 4
    assert r.improvement and r.concern
    assert r.passed  # last 3 (10.5, 10.2, 10) below 11, none a concern
    assert "trend" in r.explanation


def test_trend_up_higher_is_better():
    after = [9.5, 10, 10.5, 11.2, 11.5, 11.8, 12]
    r = run(SMALL_BASE, after, better="higher")
    assert flagged(r, "trend") == list(range(7))
    assert types(r) == ["special_cause_concern"] * 3 + ["special_cause_improvement"] * 4
    assert r.passed


def test_tie_breaks_trend():
    r = run(SMALL_BASE, [12.5, 12, 11.5, 11.5, 10.5, 10.2, 10])  # step 11.5 -> 11.5 is a tie
    assert flagged(r, "trend") == []
    assert not r.improvement


def test_trend_point_on_mean_takes_trend_direction():
    r = run(SMALL_BASE, [12.5, 12, 11.5, 11, 10.5, 10.2, 10])  # 11 is exactly the mean
    assert after_points(r)[3].point_type == "special_cause_improvement"


def test_two_of_three():
    # 7 lies between LPL 5.68 and near-lower 7.453 (close); 10 is not; all three below 11
    r = run(SMALL_BASE, [7, 10, 7])
    assert [p.signals for p in after_points(r)] == [["two_of_three"], [], ["two_of_three"]]
    assert types(r) == ["special_cause_improvement", "common_cause", "special_cause_improvement"]
    assert r.passed


def test_two_of_three_needs_all_three_on_one_side():
    r = run(SMALL_BASE, [7, 12, 7])  # 12 is above the mean: the window straddles it
    assert flagged(r, "two_of_three") == []
    assert not r.improvement and not r.passed


def test_concern_after_improvement_fails():
    # 4 < LPL: improvement; then 12, 12, 12.5, 12, 12.5, 12, 12.5 are 7 above 11: a shift of concern
    r = run(SMALL_BASE, [4, 10, 12, 12, 12.5, 12, 12.5, 12, 12.5])
    assert r.improvement and r.concern
    assert flagged(r, "shift") == list(range(2, 9))
    assert types(r)[2:] == ["special_cause_concern"] * 7
    assert not r.last3_better and not r.passed
    assert "concern" in r.explanation


def test_higher_is_better_mirrors_worked_example():
    r = run([-v for v in WORKED_BASE], [-v for v in WORKED_AFTER], better="higher", target=-9)
    assert r.mean == pytest.approx(-154 / 12)
    assert r.upl == pytest.approx(-7.997, abs=1e-3)
    assert flagged(r, "astronomical") == [5, 9]
    assert types(r) == ["special_cause_improvement"] * 10
    assert r.passed and "above the baseline mean" in r.explanation


def test_custom_run_length():
    r = run(SMALL_BASE, [10, 10.5, 10, 10.5, 10, 10.5], shift_run=6)
    assert flagged(r, "shift") == list(range(6))


# --- provisional, fallback, too little data -------------------------------------------------

def test_provisional_under_twelve_baseline_points():
    r = run(SMALL_BASE + [10, 12], [10, 4, 10])  # 8 baseline months: mean 11, AMR 2
    assert r.provisional and not r.fallback
    assert r.passed and "provisional" in r.explanation


def test_fallback_short_baseline_pass_and_fail():
    base = [12, 14, 11, 13]  # mean 50/4 = 12.5
    r = run(base, [10, 9, 8], target=10)
    assert r.fallback and r.fallback_reason == "only 4 months before the action opened; 6 are needed for control limits"
    assert r.upl is None and r.mean == 12.5
    assert r.last3_better and r.meets_target and r.passed
    assert r.fallback_reason in r.explanation
    r = run(base, [10, 9, 8], target=9)  # 10 > 9
    assert r.last3_better and r.meets_target is False and not r.passed
    r = run(base, [10, 13, 8])  # 13 is not below 12.5
    assert not r.last3_better and not r.passed


def test_fallback_few_points_after_opening():
    # baseline sum 72 -> mean 12; the last 3 points are the last baseline month and the 2 after
    base = [12, 13, 14, 13, 12, 8]
    r = run(base, [9, 8])
    assert r.fallback and "only 2 months after the action opened" in r.fallback_reason
    assert r.amr == pytest.approx(8 / 5)  # limits are still drawn for the chart
    assert r.passed  # 8, 9, 8 all below 12
    r = run(base, [9, 13])
    assert not r.passed


def test_fallback_without_baseline_uses_first_point():
    r = run([], [10, 9, 8, 7])  # opened on the first month: no baseline
    assert r.fallback and r.baseline_n == 0 and r.mean is None
    assert r.fallback_reason.startswith("no months before the action opened")
    assert r.passed and "the first month (10)" in r.explanation  # 9, 8, 7 < 10
    assert not run([], [10, 9, 11]).passed


def test_fewer_than_three_points_fails():
    r = run([12], [10])
    assert not r.passed and r.explanation.startswith("Not enough data: 2 months")


def test_no_points_after_opening_fails():
    points, _ = series(WORKED_BASE, [])
    r = analyse(points, dt.date(2030, 1, 1), "lower", 9)
    assert r.after_n == 0 and not r.passed and not r.fallback
    assert "No months after the action opened" in r.explanation


def test_points_sorted_by_date():
    points, opened = series(SMALL_BASE, [10, 4, 10])
    r = analyse(list(reversed(points)), opened, "lower")
    assert [p.period for p in r.points] == sorted(p[0] for p in points)
    assert r.passed


# --- constant baseline (AMR = 0) --------------------------------------------------------------

def test_constant_series_has_no_signal():
    r = run([5] * 12, [5] * 8)
    assert r.amr == 0 and r.upl == r.lpl == r.mean == 5
    assert types(r) == ["common_cause"] * 8
    assert not r.improvement and not r.concern and not r.passed


def test_constant_baseline_then_lower_is_beyond_the_limit():
    # limits collapse onto the mean, so any different value is beyond one (as in any XmR chart)
    r = run([5] * 6, [4, 4, 4])
    assert flagged(r, "astronomical") == [0, 1, 2]
    assert r.passed


# --- properties -------------------------------------------------------------------------------

values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
small_ints = st.integers(min_value=0, max_value=20)


@given(st.lists(values, min_size=6, max_size=30), st.lists(values, min_size=3, max_size=20))
def test_limits_symmetric_about_mean(base, after):
    r = run(base, after)
    scale = 1e-9 * max(1.0, abs(r.mean), r.amr)
    assert r.upl - r.mean == pytest.approx(r.mean - r.lpl, abs=scale)
    assert r.near_upper - r.mean == pytest.approx(r.mean - r.near_lower, abs=scale)
    assert r.lpl <= r.near_lower <= r.mean <= r.near_upper <= r.upl


@given(values, st.integers(min_value=0, max_value=20), st.integers(min_value=1, max_value=20),
       st.sampled_from(["lower", "higher"]))
def test_constant_series_never_signals(v, n_base, n_after, better):
    r = run([v] * n_base, [v] * n_after, better=better)
    assert all(not p.signals for p in r.points)
    assert not r.improvement and not r.concern and not r.passed


SWAP = {"special_cause_improvement": "special_cause_concern", "special_cause_concern": "special_cause_improvement"}


@hsettings(max_examples=200)
@given(st.lists(small_ints, min_size=0, max_size=16), st.lists(small_ints, min_size=1, max_size=16),
       st.sampled_from(["lower", "higher"]), st.one_of(st.none(), small_ints))
def test_negating_and_swapping_better_keeps_judgement(base, after, better, target):
    other = "higher" if better == "lower" else "lower"
    r = run(base, after, better=better, target=target)
    m = run([-v for v in base], [-v for v in after], better=other, target=None if target is None else -target)
    assert [p.signals for p in m.points] == [p.signals for p in r.points]
    assert [p.point_type for p in m.points] == [p.point_type for p in r.points]
    # swapping `better` too leaves the judgement unchanged; swapping only `better` swaps the kinds
    flipped = run([-v for v in base], [-v for v in after], better=better)
    plain = run(base, after, better=better)
    assert [SWAP.get(p.point_type, p.point_type) for p in flipped.points] == [p.point_type for p in plain.points]
    assert (m.improvement, m.concern, m.passed, m.last3_better, m.meets_target) == (
        r.improvement, r.concern, r.passed, r.last3_better, r.meets_target)
