from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ukai.plan.progress import (
    IndicatorScore,
    Status,
    attainment,
    expected_fraction,
    measure_progress,
    policy_progress,
    status_of,
    target_for,
)


def test_attainment_from_baseline_toward_target():
    assert attainment(actual=15, target=30, baseline=0, lower_is_better=False) == 0.5
    assert attainment(actual=45, target=30, baseline=0, lower_is_better=False) == 1.0  # capped
    assert attainment(actual=-5, target=30, baseline=0, lower_is_better=False) == 0.0
    # A plan without a stated baseline counts from 0.
    assert attainment(actual=9, target=18, baseline=None, lower_is_better=False) == 0.5


def test_attainment_for_lower_is_better():
    # Minutes time: from 1 (before) to 1/4.
    assert attainment(actual=1.0, target=0.25, baseline=1.0, lower_is_better=True) == 0.0
    assert attainment(actual=0.625, target=0.25, baseline=1.0, lower_is_better=True) == 0.5
    assert attainment(actual=0.2, target=0.25, baseline=1.0, lower_is_better=True) == 1.0
    assert attainment(actual=1.5, target=0.25, baseline=1.0, lower_is_better=True) == 0.0


def test_attainment_when_target_equals_baseline():
    assert attainment(actual=3, target=3, baseline=3, lower_is_better=False) == 1.0
    assert attainment(actual=2, target=3, baseline=3, lower_is_better=False) == 0.0
    assert attainment(actual=2, target=3, baseline=3, lower_is_better=True) == 1.0


@given(
    actual=st.floats(-1e9, 1e9),
    target=st.floats(-1e9, 1e9),
    baseline=st.none() | st.floats(-1e9, 1e9),
    lower=st.booleans(),
)
def test_attainment_is_always_between_0_and_1(actual, target, baseline, lower):
    assert (
        0.0
        <= attainment(actual=actual, target=target, baseline=baseline, lower_is_better=lower)
        <= 1.0
    )


def test_expected_fraction_over_the_plan():
    assert expected_fraction(start_fy=2020, target_fy=2025, as_of=date(2020, 4, 1)) == 0.0
    assert expected_fraction(start_fy=2020, target_fy=2025, as_of=date(2026, 3, 31)) == 1.0
    assert expected_fraction(start_fy=2020, target_fy=2025, as_of=date(2030, 1, 1)) == 1.0
    half = expected_fraction(start_fy=2020, target_fy=2025, as_of=date(2023, 4, 1))
    assert 0.49 < half < 0.51


def test_target_for_a_fiscal_year():
    targets = {2022: 10.0, 2025: 30.0}
    assert target_for(targets, 2022) == (2022, 10.0)
    assert target_for(targets, 2021) == (2022, 10.0)
    assert target_for(targets, 2023) == (2025, 30.0)
    assert target_for({2023: 5.0}, 2025) == (2023, 5.0)
    assert target_for({}, 2025) is None


def test_status_thresholds():
    assert status_of(None, None) is Status.UNMEASURED
    assert status_of(1.0, 0.5) is Status.ACHIEVED
    assert status_of(0.45, 0.5) is Status.ON_TRACK
    assert status_of(0.40, 0.5) is Status.ON_TRACK  # exactly 10 points behind
    assert status_of(0.39, 0.5) is Status.DELAYED


def test_measure_progress_is_weighted_and_skips_unmeasured_and_reference():
    progress = measure_progress(
        [
            IndicatorScore(weight=3, attainment=1.0, expected=0.5),
            IndicatorScore(weight=1, attainment=0.0, expected=0.5),
            IndicatorScore(weight=2, attainment=None, expected=0.5),  # not measured
            IndicatorScore(weight=0, attainment=0.0, expected=0.5),  # reference
        ]
    )
    assert progress.progress == pytest.approx(0.75)
    assert progress.percent == 75
    assert progress.status is Status.ON_TRACK
    assert measure_progress([IndicatorScore(1, None, 0.5)]).status is Status.UNMEASURED


def test_policy_progress_is_the_mean_of_measured_measures():
    a = measure_progress([IndicatorScore(1, 1.0, 1.0)])
    b = measure_progress([IndicatorScore(1, 0.5, 1.0)])
    c = measure_progress([])
    policy = policy_progress([a, b, c])
    assert policy.progress == pytest.approx(0.75)
    assert policy.status is Status.DELAYED
    assert policy_progress([c]).status is Status.UNMEASURED
