from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukai.core.japanese.calendar import (
    business_day_add,
    business_days_between,
    deadline_from,
    is_business_day,
)

ONE_DAY = timedelta(days=1)
dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2060, 12, 31))


@pytest.mark.parametrize(
    ("d", "open_"),
    [
        (date(2024, 4, 1), True),  # Monday
        (date(2024, 4, 5), True),  # Friday
        (date(2024, 4, 6), False),  # Saturday
        (date(2024, 4, 7), False),  # Sunday
        (date(2024, 4, 29), False),  # 昭和の日
        (date(2024, 5, 3), False),  # 憲法記念日
        (date(2024, 5, 6), False),  # 振替休日
        (date(2024, 2, 12), False),  # 振替休日
        (date(2024, 9, 23), False),  # 振替休日 for 秋分の日
        (date(2024, 12, 27), True),  # last day before 年末年始
        (date(2024, 12, 30), False),  # Monday, 年末年始
        (date(2025, 12, 29), False),  # Monday, 年末年始
        (date(2025, 12, 31), False),  # Wednesday, 年末年始
        (date(2026, 1, 2), False),  # Friday, 年末年始
        (date(2025, 1, 3), False),  # Friday, 年末年始
        (date(2025, 1, 6), True),  # first day after 年末年始
        (date(2025, 12, 26), True),  # Friday before 年末年始
    ],
)
def test_is_business_day(d, open_):
    assert is_business_day(d) is open_


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (date(2024, 4, 1), 0, date(2024, 4, 1)),
        (date(2024, 4, 6), 0, date(2024, 4, 8)),  # Saturday → Monday
        (date(2024, 4, 1), 1, date(2024, 4, 2)),
        (date(2024, 4, 5), 1, date(2024, 4, 8)),  # Friday → Monday
        (date(2024, 4, 26), 1, date(2024, 4, 30)),  # over 昭和の日
        (date(2024, 5, 2), 1, date(2024, 5, 7)),  # over Golden Week
        (date(2024, 12, 27), 1, date(2025, 1, 6)),  # over 年末年始
        (date(2024, 12, 28), 0, date(2025, 1, 6)),
        (date(2024, 4, 1), 10, date(2024, 4, 15)),
        (date(2024, 4, 8), -1, date(2024, 4, 5)),
        (date(2025, 1, 6), -1, date(2024, 12, 27)),
    ],
)
def test_business_day_add(d, n, expected):
    assert business_day_add(d, n) == expected


def test_business_days_between():
    assert business_days_between(date(2024, 4, 1), date(2024, 5, 1)) == 21  # 22 weekdays, 昭和の日
    assert business_days_between(date(2024, 4, 1), date(2024, 4, 1)) == 0
    assert business_days_between(date(2024, 4, 1), date(2024, 4, 2)) == 1  # end excluded
    assert business_days_between(date(2024, 12, 27), date(2025, 1, 6)) == 1
    assert business_days_between(date(2024, 5, 1), date(2024, 4, 1)) == -21


def test_deadline_in_calendar_days_moves_off_closed_days():
    # 7 days after Friday 26 April 2024 is 3 May (a holiday), followed by the weekend
    # and a 振替休日: the deadline is Tuesday 7 May.
    assert deadline_from(date(2024, 4, 26), days=7, business_days=False) == date(2024, 5, 7)
    assert deadline_from(date(2024, 4, 1), days=7, business_days=False) == date(2024, 4, 8)
    assert deadline_from(date(2024, 12, 20), days=10, business_days=False) == date(2025, 1, 6)


def test_deadline_in_business_days():
    assert deadline_from(date(2024, 4, 26), days=5) == date(2024, 5, 8)
    assert deadline_from(date(2024, 4, 1), days=0) == date(2024, 4, 1)


def test_deadline_rejects_negative_days():
    with pytest.raises(ValueError, match="negative"):
        deadline_from(date(2024, 4, 1), days=-1)


@settings(max_examples=300)
@given(dates, st.integers(min_value=-60, max_value=60))
def test_business_day_add_lands_on_an_open_day(d, n):
    assert is_business_day(business_day_add(d, n))


@settings(max_examples=300)
@given(dates, st.integers(min_value=1, max_value=60))
def test_business_day_add_counts_exactly_n_open_days(d, n):
    result = business_day_add(d, n)
    assert result > d
    # The open days after d up to and including the result are exactly n.
    assert business_days_between(d + ONE_DAY, result + ONE_DAY) == n
    if is_business_day(d):
        assert business_day_add(result, -n) == d


@settings(max_examples=300)
@given(dates, dates)
def test_business_days_between_is_antisymmetric_and_bounded(a, b):
    count = business_days_between(a, b)
    assert business_days_between(b, a) == -count
    assert abs(count) <= abs((b - a).days)


@settings(max_examples=300)
@given(dates, st.integers(min_value=0, max_value=60), st.booleans())
def test_deadline_is_an_open_day_no_earlier_than_the_calendar_count(d, days, business):
    deadline = deadline_from(d, days=days, business_days=business)
    assert is_business_day(deadline)
    assert deadline >= d + timedelta(days=days)
