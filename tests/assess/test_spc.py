"""Making Data Count analysis: hand-computed series, one rule at a time, the explanation, and properties.

The peer's own cases (NHSRplotthedots) are ported in test_spc_peer.py."""
from __future__ import annotations

import datetime as dt

import pytest
from builders import make_action, make_catalogue, make_indicator, make_item, make_plan, make_series
from hypothesis import given, settings as hsettings, strategies as st

from compiler.assess.action import assess_action
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
    # 9, 8 and 7 are all past near-lower 9.609 (the 7s beyond the limit count too, as revised in 2023); 10 is not
    assert flagged(r, "two_of_three") == list(range(1, 10))
    assert flagged(r, "trend") == []  # 10, 9, 8 then up to 9: never 7 falling in a row
    assert types(r) == ["special_cause_improvement"] * 10
    # the highest-ranked rule decides: beyond a limit, then two of three, then shift
    assert [p.signal for p in after_points(r)] == ["shift"] + ["two_of_three"] * 4 + ["astronomical"] + \
        ["two_of_three"] * 3 + ["astronomical"]
    assert r.improvement and not r.concern


def test_worked_example_passes_with_target_9():
    r = run(WORKED_BASE, WORKED_AFTER, target=9)
    # last 3 = 9, 8, 7: all below 12.833 and all <= 9
    assert r.last3_better and r.meets_target is True and r.passed
    assert r.explanation == (
        "Improved (shift: 10 months in a row below the baseline mean of 12.8 from 2026-01) and the last 3 "
        "months (9, 8, 7) are below the baseline mean of 12.8 and meet the target of 9.")
    assert (r.held, r.failed) == (["improvement", "better_side", "target"], [])


def test_worked_example_fails_with_target_6():
    r = run(WORKED_BASE, WORKED_AFTER, target=6)
    # 9, 8, 7 are all above 6
    assert r.improvement and r.last3_better
    assert r.meets_target is False and not r.passed
    # what held, then what failed; the verdict is never contradicted
    assert r.explanation == (
        "Improved (shift: 10 months in a row below the baseline mean of 12.8 from 2026-01) and the last 3 "
        "months (9, 8, 7) are below the baseline mean of 12.8, but they do not all meet the target of 6.")
    assert (r.held, r.failed) == (["improvement", "better_side"], ["target"])


# --- each rule alone ------------------------------------------------------------------------

def test_astronomical_alone():
    # 4 < LPL 5.68; 10 and 12 sit between the near limits (7.453 .. 14.547)
    r = run(SMALL_BASE, [10, 4, 10])
    assert [p.signals for p in after_points(r)] == [[], ["astronomical"], []]
    assert types(r) == ["common_cause", "special_cause_improvement", "common_cause"]
    assert r.passed  # 10, 4, 10 all below 11
    assert r.improvement_signal == "beyond a limit: 2025-08 at 4 is below the lower process limit of 5.68"
    assert r.explanation.startswith(f"Improved ({r.improvement_signal}) and the last 3 months (10, 4, 10)")


def test_astronomical_improvement_but_last_three_not_better_fails():
    r = run(SMALL_BASE, [12, 4, 10])  # 12 is above the mean of 11
    assert r.improvement and not r.last3_better and not r.passed


def test_shift_of_seven_below_mean():
    # 10 and 10.5 are below 11 and inside the near limits; steps alternate, so no trend
    after = [10, 10.5, 10, 10.5, 10, 10.5, 10]
    r = run(SMALL_BASE, after)
    assert flagged(r, "shift") == list(range(7))
    assert flagged(r, "trend") == flagged(r, "astronomical") == flagged(r, "two_of_three") == []
    assert r.passed
    assert r.improvement_signal == "shift: 7 months in a row below the baseline mean of 11 from 2025-07"


def test_six_below_mean_is_not_a_shift():
    r = run(SMALL_BASE, [10, 10.5, 10, 10.5, 10, 10.5])
    assert not r.improvement and not r.passed
    assert types(r) == ["common_cause"] * 6
    # what held, then what did not happen and what would have shown it
    assert r.explanation == (
        "The last 3 months (10.5, 10, 10.5) are below the baseline mean of 11 but there is no special-cause "
        "improvement in the 6 months since the action opened (it would show as a month below the lower "
        "process limit of 5.68, 7 months in a row each lower than the one before, 2 of 3 months below 7.45 "
        "or 7 in a row below the baseline mean of 11; with 6 months so far, no run of 7 is possible yet). "
        "Limits are provisional: 6 months of baseline, 12 advised.")
    assert (r.held, r.failed) == (["better_side"], ["improvement"])


def test_point_on_mean_breaks_shift():
    # mean is exactly 66/6 = 11; runs of 3 and 4 below it, no run of 7
    r = run(SMALL_BASE, [10, 10, 10, 11, 10, 10, 10, 10])
    assert flagged(r, "shift") == []


def test_shift_does_not_count_baseline_points():
    # last 3 baseline months are below the mean too, but the run after opening is only 5
    base = [12, 12, 12, 10, 10, 10]  # mean 11, mR 0,0,2,0,0 -> AMR 0.4
    r = run(base, [10.5, 10.5, 10.5, 10.5, 10.5])
    assert flagged(r, "shift") == []


def test_trend_down_is_improvement_on_both_sides_of_the_mean():
    # steps are all strictly down; sides +,+,+,-,-,-,- so no shift; all inside the near limits
    after = [12.5, 12, 11.5, 10.8, 10.5, 10.2, 10]
    r = run(SMALL_BASE, after)
    assert flagged(r, "trend") == list(range(7))
    assert flagged(r, "shift") == []
    # a trend is labelled by its direction, whichever side of the mean its points lie
    assert types(r) == ["special_cause_improvement"] * 7
    assert r.improvement and not r.concern
    assert r.passed  # last 3 (10.5, 10.2, 10) below 11, none a concern
    assert r.improvement_signal == "trend: 7 months in a row each lower than the one before from 2025-07"


def test_trend_up_higher_is_better():
    after = [9.5, 10, 10.5, 11.2, 11.5, 11.8, 12]
    r = run(SMALL_BASE, after, better="higher")
    assert flagged(r, "trend") == list(range(7))
    assert types(r) == ["special_cause_improvement"] * 7
    assert r.passed


def test_trend_the_worse_way_is_concern_on_the_better_side():
    # rising while lower is better, all below the mean: the trend (concern) outranks the shift (improvement)
    after = [9.5, 10, 10.5, 10.6, 10.7, 10.8, 10.9]
    r = run(SMALL_BASE, after)
    assert flagged(r, "trend") == flagged(r, "shift") == list(range(7))
    assert types(r) == ["special_cause_concern"] * 7
    assert not r.improvement and r.concern and r.last3_concern and r.last3_better and not r.passed
    assert r.concern_signal == (
        "trend: 7 months in a row each higher than the one before from 2025-07; also 7 months in a row "
        "below the baseline mean of 11 from 2025-07, outranked by the trend")
    assert (r.held, r.failed) == (["better_side"], ["improvement", "no_concern"])
    assert r.explanation.startswith("The last 3 months (10.7, 10.8, 10.9) are below the baseline mean of 11 "
                                    "but there is no special-cause improvement")
    # a run below the mean is not offered as what would show improvement: it happened, and was outranked
    assert "in a row below the baseline mean of 11;" not in r.explanation
    assert r.explanation.endswith(f"and the last 3 months include special-cause concern ({r.concern_signal}). "
                                  "Limits are provisional: 6 months of baseline, 12 advised.")


def test_tie_breaks_trend():
    r = run(SMALL_BASE, [12.5, 12, 11.5, 11.5, 10.5, 10.2, 10])  # step 11.5 -> 11.5 is a tie
    assert flagged(r, "trend") == []
    assert not r.improvement


def test_trend_point_on_mean_takes_trend_direction():
    r = run(SMALL_BASE, [12.5, 12, 11.5, 11, 10.5, 10.2, 10])  # 11 is exactly the mean
    assert after_points(r)[3].point_type == "special_cause_improvement"
    rising = run(SMALL_BASE, [9.5, 10, 10.5, 11, 11.5, 11.8, 12])  # the same through the mean, the worse way
    assert types(rising) == ["special_cause_concern"] * 7


def test_peak_shared_by_two_trends_takes_the_later_direction():
    # 7 rising to 12.4, then 7 falling from it: the peak belongs to both and reads as the later (falling) one
    up = [8.8, 9.4, 10, 10.6, 11.2, 11.8, 12.4]
    r = run(SMALL_BASE * 2, up + [11.8, 11.2, 10.6, 10, 9.4, 8.8], better="higher")
    assert flagged(r, "trend") == list(range(13))
    assert types(r) == ["special_cause_improvement"] * 6 + ["special_cause_concern"] * 7
    # the rising trend is still described whole: 7 months, not the 6 that took its colour
    assert r.improvement_signal == "trend: 7 months in a row each higher than the one before from 2026-01"


def test_a_tie_between_two_trends_belongs_to_neither():
    # rising 7, a repeat, falling 7: the last rising point keeps its own trend's direction
    up = [8.8, 9.4, 10, 10.6, 11.2, 11.8, 12.4]
    r = run(SMALL_BASE * 2, up + [12.4, 11.8, 11.2, 10.6, 10, 9.4, 8.8], better="higher")
    assert types(r) == ["special_cause_improvement"] * 7 + ["special_cause_concern"] * 7


def test_two_of_three():
    # 7 lies between LPL 5.68 and near-lower 7.453 (close); 10 is not; all three below 11
    r = run(SMALL_BASE, [7, 10, 7])
    assert [p.signals for p in after_points(r)] == [["two_of_three"], [], ["two_of_three"]]
    assert types(r) == ["special_cause_improvement", "common_cause", "special_cause_improvement"]
    assert r.passed
    assert r.improvement_signal == ("two of three: 2 of 3 months below 7.45, near or beyond the lower process "
                                    "limit, from 2025-07")


def test_a_line_is_written_apart_from_a_value_that_would_read_the_same():
    # 7.45 is just past the line at 7.4533: "below 7.45" would read as if it were on it
    r = run(SMALL_BASE, [7.45, 10, 7])
    assert flagged(r, "two_of_three") == [0, 2]
    assert r.improvement_signal == ("two of three: 2 of 3 months below 7.453, near or beyond the lower process "
                                    "limit, from 2025-07")


def test_two_of_three_counts_points_beyond_the_limit():
    # Making Data Count, revised 2023: 7 is near the limit and 5 beyond it (< 5.68); both count
    r = run(SMALL_BASE, [7, 5, 10])
    assert [p.signals for p in after_points(r)] == [["two_of_three"], ["astronomical", "two_of_three"], []]
    assert [p.signal for p in after_points(r)] == ["two_of_three", "astronomical", None]
    assert types(r)[0] == "special_cause_improvement"   # common cause before the revision


def test_two_of_three_third_point_between_mean_and_line_is_not_flagged():
    r = run(SMALL_BASE, [15, 12, 15], better="higher")   # 12 is above the mean but short of 14.547
    assert flagged(r, "two_of_three") == [0, 2]


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
    assert not r.last3_better and not r.passed and r.last3_concern
    assert r.explanation == (
        "Improved (beyond a limit: 2025-07 at 4 is below the lower process limit of 5.68) but the last 3 months "
        "(12.5, 12, 12.5) are not all below the baseline mean of 11 and include special-cause concern (shift: "
        "7 months in a row above the baseline mean of 11 from 2025-09). Limits are provisional: 6 months of "
        "baseline, 12 advised.")
    assert (r.held, r.failed) == (["improvement"], ["better_side", "no_concern"])


def test_an_earlier_concern_is_named_but_does_not_fail():
    # 7 above the mean (concern), then 3 below the lower limit (improvement)
    r = run(SMALL_BASE, [12, 12.5, 12, 12.5, 12, 12.5, 12, 4, 4.5, 5])
    assert r.concern and not r.last3_concern and r.passed
    assert r.concern_signal == "shift: 7 months in a row above the baseline mean of 11 from 2025-07"
    assert (r.held, r.failed) == (["improvement", "better_side", "no_concern"], [])
    assert f"include no concern (the concern was earlier: {r.concern_signal})" in r.explanation


def test_higher_is_better_mirrors_worked_example():
    r = run([-v for v in WORKED_BASE], [-v for v in WORKED_AFTER], better="higher", target=-9)
    assert r.mean == pytest.approx(-154 / 12)
    assert r.upl == pytest.approx(-7.997, abs=1e-3)
    assert flagged(r, "astronomical") == [5, 9]
    assert types(r) == ["special_cause_improvement"] * 10
    assert r.passed and "are above the baseline mean of -12.8" in r.explanation


def test_custom_run_length():
    r = run(SMALL_BASE, [10, 10.5, 10, 10.5, 10, 10.5], shift_run=6)
    assert flagged(r, "shift") == list(range(6))


# --- hand-worked Making Data Count cases -----------------------------------------------------

# Mean 132 / 12 = 11; mR = 2 nine times, then 1 and 0: AMR = 19 / 11 = 1.727; process limits
# 11 ± 2.66 × 1.727 = 6.405 .. 15.595; 2-sigma lines 11 ± 1.7733 × 1.727 = 7.937 .. 14.063.
FLAT_BASE = [10, 12, 10, 12, 10, 12, 10, 12, 10, 12, 11, 11]
FALLING = [14, 13.6, 13.2, 12.8, 12.4, 12.0, 11.6]


def test_falling_trend_above_the_mean_is_improvement_not_concern():
    r = run(FLAT_BASE, FALLING)
    assert r.mean == 11 and r.amr == pytest.approx(19 / 11)
    # all 7 fall (trend) and all 7 lie above the mean (shift); 14 is short of the line at 14.063
    assert flagged(r, "trend") == flagged(r, "shift") == list(range(7))
    assert flagged(r, "two_of_three") == flagged(r, "astronomical") == []
    # the trend outranks the shift, and a trend is labelled by its direction: improvement throughout
    assert [p.signal for p in after_points(r)] == ["trend"] * 7
    assert types(r) == ["special_cause_improvement"] * 7
    assert r.improvement and not r.concern and not r.last3_concern
    # 12.4, 12 and 11.6 are still above the mean: the reading fails on that alone
    assert not r.last3_better and not r.passed
    assert r.explanation == (
        "Improved (trend: 7 months in a row each lower than the one before from 2026-01; also 7 months in a "
        "row above the baseline mean of 11 from 2026-01, outranked by the trend) but the last 3 months "
        "(12.4, 12, 11.6) are not all below the baseline mean of 11.")
    assert (r.held, r.failed) == (["improvement"], ["better_side"])


def test_falling_trend_end_to_end_is_not_red_and_fails_closure_part_1():
    # RP-01 opened 2026-02-20: Mar 2025 - Feb 2026 are its baseline, Mar - Sep 2026 follow
    periods = [dt.date(2025 + (2 + i) // 12, (2 + i) % 12 + 1, 1) for i in range(19)]
    series = make_series(*zip(periods, FLAT_BASE + FALLING))
    action = make_action(indicators=["restrictive_interventions"], due=dt.date(2026, 12, 31))
    plan = make_plan([action], indicators=[make_indicator(data="indicators/ri.csv")])
    item = make_item("ri", "indicator", path="indicators/ri.csv", series=series, links=["RP-01"])
    r = assess_action(action, plan, make_catalogue([item]), dt.date(2026, 10, 1))
    spc = r.indicators[0].spc
    assert (spc.baseline_n, spc.after_n, spc.improvement, spc.concern) == (12, 7, True, False)
    assert r.assessed_rag == "green", r.rag_reasons   # red before: its points were called concern
    assert r.closure.indicators.result == "fail"
    assert "(12.4, 12, 11.6) are not all below the baseline mean of 11" in r.closure.indicators.reason


def test_improved_but_target_missed_says_both_in_that_order():
    # mean 5, AMR 2: lower limit -0.32, line 1.45; 7 below the mean, and a repeat breaks every trend
    r = run([4, 6, 4, 6, 4, 6], [4.5, 4, 4.5, 4, 4, 3, 3], target=3)
    assert r.improvement and r.last3_better and r.meets_target is False and not r.passed
    assert r.explanation.startswith(
        "Improved (shift: 7 months in a row below the baseline mean of 5 from 2025-07) and the last 3 months "
        "(4, 3, 3) are below the baseline mean of 5, but they do not all meet the target of 3.")


def test_beyond_a_limit_outranks_a_trend_the_other_way():
    # falling (better = lower) from above the upper limit of 16.32: the first two are concern, the rest improvement
    r = run(SMALL_BASE * 2, [18, 17, 16, 15, 14, 13, 12])
    assert flagged(r, "trend") == list(range(7)) and flagged(r, "astronomical") == [0, 1]
    assert [p.signal for p in after_points(r)] == ["astronomical"] * 2 + ["trend"] * 5
    assert types(r) == ["special_cause_concern"] * 2 + ["special_cause_improvement"] * 5
    assert r.passed is False  # 14, 13, 12 are above the mean of 11
    assert r.concern_signal == ("beyond a limit: 2 months above the upper process limit of 16.3, the first 2026-01 "
                                "at 18; also 7 months in a row each lower than the one before from 2026-01, "
                                "outranked by the limit")


def test_a_trend_outranks_two_of_three_the_other_way():
    # rising (better = higher) through the band near the lower limit: 5 is beyond it (concern); the rest
    # are near it and below the mean (two of three, concern) but rising (trend, improvement)
    r = run(SMALL_BASE * 2, [5, 6, 6.5, 7, 7.2, 7.3, 7.4], better="higher")
    assert flagged(r, "two_of_three") == list(range(7)) and flagged(r, "trend") == list(range(7))
    assert types(r) == ["special_cause_concern"] + ["special_cause_improvement"] * 6
    assert r.improvement_signal.startswith("trend: 7 months in a row each higher than the one before from 2026-01; "
                                           "also 7 months in a row below 7.45, near or beyond the lower process limit")


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
    assert r.explanation == (
        "The last 3 months (10, 9, 8) are below the baseline mean of 12.5 and meet the target of 10. Judged by "
        "the before/after fallback, not a control chart: only 4 months before the action opened; 6 are needed "
        "for control limits.")
    r = run(base, [10, 9, 8], target=9)  # 10 > 9
    assert r.last3_better and r.meets_target is False and not r.passed
    assert (r.held, r.failed) == (["better_side"], ["target"])
    assert r.explanation.startswith("The last 3 months (10, 9, 8) are below the baseline mean of 12.5 but they "
                                    "do not all meet the target of 9.")
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
    assert (r.held, r.failed) == ([], ["data"])


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


@hsettings(max_examples=300)
@given(st.lists(small_ints, min_size=0, max_size=16), st.lists(small_ints, min_size=1, max_size=16),
       st.sampled_from(["lower", "higher"]), st.one_of(st.none(), small_ints))
def test_explanation_states_held_then_failed_and_never_contradicts_the_verdict(base, after, better, target):
    r = run(base, after, better=better, target=target)
    assert r.passed == (r.failed == []) and not set(r.held) & set(r.failed)
    text = r.explanation
    assert text[0].isupper() and text.endswith(".")
    assert ("improvement" in r.held) == text.startswith("Improved (")
    assert ("improvement" in r.failed) == ("no special-cause improvement" in text)
    if r.held and r.failed and r.failed != ["data"]:
        first = text.split(". ")[0]
        assert " but " in first and first.index(" but ") > 0
    if not r.fallback and r.after_n >= 3:
        assert ("no_concern" in r.failed) == r.last3_concern
    assert bool(r.improvement_signal) == ("improvement" in r.held)


@given(st.floats(min_value=8.8, max_value=13.2), st.floats(min_value=0.01, max_value=0.1),
       st.integers(min_value=7, max_value=12), st.booleans(), st.sampled_from(["lower", "higher"]))
def test_a_run_each_higher_or_lower_is_labelled_by_its_direction(start, step, n, up, better):
    # inside both 2-sigma lines (7.45 .. 14.55) of a mean-11 baseline, wherever it lies against the mean
    r = run(SMALL_BASE * 2, [start + (i if up else -i) * step for i in range(n)], better=better)
    assert flagged(r, "trend") == list(range(n))
    kind = "special_cause_improvement" if up == (better == "higher") else "special_cause_concern"
    assert types(r) == [kind] * n
