"""The one definition of when a period ends (deadlines/periods.py): a funktionsår, a valgperiode.

A period that begins on a day includes it and ends on the day before the corresponding date; the
next period begins on that date. Limits counted from an event (deadlines/dates.py) end on the
corresponding date itself. No database: pure calendar arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from deadlines.dates import add_months, add_years
from deadlines.periods import (
    funktionsaar,
    period,
    period_last_day,
    term_last_day,
)

# No rule of its own: the rules that use these periods are proven in their apps' modules
# (test_engine reads a COVERED set from every tests/test_rules_*.py).
COVERED: set[str] = set()


def test_it_ends_a_funktionsaar_on_its_last_day_and_starts_the_next_the_day_after():
    """AML § 9 stk. 3 ("det første funktionsår"): a funktionsår from 1 March 2026 runs to and
    including 28 February 2027; the next begins on 1 March 2027."""
    assert funktionsaar(date(2026, 3, 1), 1) == (date(2026, 3, 1), date(2027, 2, 28))
    assert funktionsaar(date(2026, 3, 1), 2) == (date(2027, 3, 1), date(2028, 2, 29))
    assert funktionsaar(date(2025, 1, 1), 1) == (date(2025, 1, 1), date(2025, 12, 31))


@pytest.mark.parametrize(
    ("start", "years", "last"),
    [
        (date(2025, 1, 1), 2, date(2026, 12, 31)),
        (date(2026, 3, 1), 2, date(2028, 2, 29)),  # ends in a leap February
        (date(2024, 2, 29), 2, date(2026, 2, 28)),  # from 29 February, to 28 February
        (date(2024, 2, 29), 4, date(2028, 2, 28)),  # the next term begins on 29 February 2028
        (date(2025, 6, 15), 4, date(2029, 6, 14)),
    ],
)
def test_an_amr_term_ends_on_its_last_day(start, years, last):
    """AML § 8: the AMR is elected for 2 years (up to 4 by agreement); the valgperiode includes
    its first day, so its last day is the day before the date `years` later."""
    assert term_last_day(start, years) == last


@pytest.mark.parametrize(
    ("start", "months", "last"),
    [
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # no 31 February: the month's last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 30), 1, date(2025, 2, 28)),
        (date(2024, 1, 29), 1, date(2024, 2, 28)),  # 29 February 2024 exists: the day before
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 12, 31), 2, date(2026, 2, 28)),
        (date(2025, 3, 1), 24, date(2027, 2, 28)),
    ],
)
def test_a_period_of_months_ends_the_day_before_the_corresponding_date(start, months, last):
    """deadlines.periods: the corresponding date, or — when the month has no such day — the
    month's end, which is then the period's last day."""
    assert period_last_day(start, months=months) == last


def test_periods_follow_each_other_without_gap_or_overlap_and_do_not_drift():
    """Each period begins the day after the previous one's last day, and every period is counted
    from the original start (from 31 January the months do not shrink to the 28th for good)."""
    for start in (date(2024, 2, 29), date(2025, 1, 31), date(2025, 8, 31), date(2025, 1, 1)):
        for months in (1, 12):
            previous_last = start - timedelta(days=1)
            for n in range(1, 50):
                first, last = period(start, n, months=months)
                assert first == previous_last + timedelta(days=1)
                assert first <= last
                previous_last = last
    # From 31 January, the fourth month still ends on the 30th (of May), not on the 27th.
    assert period(date(2025, 1, 31), 4, months=1) == (date(2025, 5, 1), date(2025, 5, 30))


def test_a_funktionsaar_from_29_february_has_the_length_of_a_calendar_year():
    """deadlines.periods: from 29 February 2024 the funktionsår are 29.02.2024–28.02.2025 (it holds
    a 29 February: 366 days), then 01.03.2025–28.02.2026 (365 days) … and from 29.02.2028
    again."""
    joined = date(2024, 2, 29)
    years = [funktionsaar(joined, n) for n in range(1, 6)]
    assert years == [
        (date(2024, 2, 29), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2026, 2, 28)),
        (date(2026, 3, 1), date(2027, 2, 28)),
        (date(2027, 3, 1), date(2028, 2, 28)),
        (date(2028, 2, 29), date(2029, 2, 28)),
    ]
    assert [(last - first).days + 1 for first, last in years] == [366, 365, 365, 365, 366]


def test_a_period_ends_one_day_before_a_limit_counted_from_the_same_day():
    """The two counts side by side (Danske Lov 5-1-4 practice): "within 12 months after
    joining" on 1 March 2026 ends on 1 March 2027 (deadlines.dates); the funktionsår that
    begins on 1 March 2026 ends on 28 February 2027, and the next begins on the limit's day."""
    joined = date(2026, 3, 1)
    assert add_months(joined, 12) == add_years(joined, 1) == date(2027, 3, 1)
    assert funktionsaar(joined, 1)[1] == date(2027, 2, 28)
    assert funktionsaar(joined, 2)[0] == add_years(joined, 1)


def test_a_period_lasts_at_least_a_month():
    with pytest.raises(ValueError):
        period_last_day(date(2025, 1, 1))
    with pytest.raises(ValueError):
        period(date(2025, 1, 1), 0)
