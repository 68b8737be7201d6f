"""The city office's business days (開庁日) and deadlines counted in them.

The office is closed on Saturdays, Sundays, national holidays (祝日, 振替休日 and
国民の休日, from ``jpholiday``) and over 年末年始, 29 December to 3 January
(行政機関の休日に関する法律 第1条).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import jpholiday

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=256)
def _national_holidays(year: int) -> frozenset[date]:
    return frozenset(day for day, _name in jpholiday.year_holidays(year))


def _is_year_end_closure(d: date) -> bool:
    return (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3)


def is_business_day(d: date) -> bool:
    """Return whether the city office is open on ``d``."""
    return d.weekday() < 5 and not _is_year_end_closure(d) and d not in _national_holidays(d.year)


def business_day_add(d: date, n: int) -> date:
    """Return the ``n``-th business day after ``d`` (before it when ``n`` is negative).

    ``n == 0`` returns ``d`` when the office is open that day, else the next
    business day.
    """
    if n == 0:
        while not is_business_day(d):
            d += _ONE_DAY
        return d
    step = _ONE_DAY if n > 0 else -_ONE_DAY
    remaining = abs(n)
    while remaining:
        d += step
        if is_business_day(d):
            remaining -= 1
    return d


def business_days_between(start: date, end: date) -> int:
    """Count the business days from ``start`` (included) to ``end`` (excluded).

    The count is negative when ``end`` is before ``start``, so an overdue
    deadline shows as a negative number of days left.
    """
    if end < start:
        return -business_days_between(end, start)
    count = 0
    d = start
    while d < end:
        if is_business_day(d):
            count += 1
        d += _ONE_DAY
    return count


def deadline_from(start: date, *, days: int, business_days: bool = True) -> date:
    """Return the deadline ``days`` days after ``start``.

    With ``business_days`` the days counted are business days. Otherwise they
    are calendar days, and a deadline falling on a closed day moves to the next
    business day (行政機関の休日に関する法律 第2条). The start day itself is not
    counted (初日不算入, 民法第140条). ``days`` must not be negative.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    if business_days:
        return business_day_add(start, days)
    return business_day_add(start + timedelta(days=days), 0)
