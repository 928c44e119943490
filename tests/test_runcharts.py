"""Run-chart rules, checked against the figures qicharts2 itself gives."""

from __future__ import annotations

import pytest

from analysis.runcharts import crossings_limit, longest_run_limit, run_chart

QICHARTS2 = [
    (10, 6, 2),
    (12, 7, 3),
    (20, 7, 6),
    (24, 8, 8),
    (30, 8, 10),
    (50, 9, 19),
    (100, 10, 41),
]


@pytest.mark.parametrize(("useful", "run_limit", "cross_limit"), QICHARTS2)
def test_limits_match_qicharts2(useful: int, run_limit: int, cross_limit: int) -> None:
    assert longest_run_limit(useful) == run_limit
    assert crossings_limit(useful) == cross_limit


def test_random_looking_series_has_no_signal() -> None:
    chart = run_chart([4, 7, 5, 2, 8, 4, 6, 5, 9, 3, 4, 7])
    [part] = chart.parts
    assert part.centre == 5
    assert (part.useful, part.longest_run, part.crossings) == (10, 2, 7)
    assert not part.signal and part.shifts == [] and part.trends == []


SHIFTED = [10, 12, 11, 9, 13, 10, 12, 11, 10, 12, 15, 16, 14, 17, 15, 16, 18, 15, 17, 16]


def test_a_shifted_series_signals() -> None:
    [part] = run_chart(SHIFTED).parts
    assert part.centre == 13.5
    assert (part.longest_run, part.crossings) == (10, 1)
    assert part.runs_signal and part.crossings_signal and part.signal
    assert part.shifts == [(0, 9), (10, 19)]


def test_median_fixed_on_a_baseline() -> None:
    [part] = run_chart(SHIFTED, baseline=10).parts
    assert part.centre == 11
    assert (part.useful, part.longest_run, part.crossings) == (18, 11, 7)
    assert part.signal and part.runs_signal and not part.crossings_signal


def test_a_new_part_after_a_change_gets_its_own_median() -> None:
    chart = run_chart(SHIFTED, breaks=[10])
    assert [p.centre for p in chart.parts] == [11, 16]
    assert chart.centre_at(3) == 11 and chart.centre_at(15) == 16
    assert not any(p.signal for p in chart.parts)


def test_excluded_and_missing_points_count_for_nothing() -> None:
    with_outlier = [4, 7, 5, 2, 8, 400, 4, 6, 5, 9, 3, 4, 7, None]
    [part] = run_chart(with_outlier, excluded=[5]).parts
    assert part.centre == 5 and part.useful == 10 and part.longest_run == 2


def test_trend_of_five_ignores_ties() -> None:
    [part] = run_chart([5, 3, 4, 4, 6, 7, 9, 2, 2, 1]).parts
    assert part.trends == [(1, 6)]
    [part] = run_chart([5, 3, 4, 6, 7, 2]).parts
    assert part.trends == []
