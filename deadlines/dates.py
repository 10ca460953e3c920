"""Calendar arithmetic for legal deadlines ("within 3 months", "every 12 months").

These count a limit from an event (joining, a course, a meeting): it ends on the corresponding
date. When a period that begins on a day ends (a funktionsår, a valgperiode) is defined once, in
deadlines/periods.py: on the day before."""

from __future__ import annotations

import calendar
import datetime


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, clamped to the month's last day (30 Nov + 3 = 28/29 Feb),
    as Danish law counts a period of months (Danske Lov 5-1-4 practice)."""
    month_index = day.month - 1 + months
    year = day.year + month_index // 12
    month = month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)
