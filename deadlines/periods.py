"""When a period ends: a funktionsår, a valgperiode, "the first 12 months".

One definition, used by every rule that speaks of a period that *begins* on a day (a tenure, a
term, a funktionsår):

    A period of n months (or years) from `start` includes `start` and ends on the day before the
    date that corresponds to `start` n months later. The next period begins on that date.

So a funktionsår from 1 March 2026 runs to and including 28 February 2027: its *end* (the due
date of what must happen "within the first funktionsår") is that last day, 28.02.2027, and the
next funktionsår begins on 1 March 2027. A 2-year valgperiode from 1 January 2025 ends on
31 December 2026; a successor's seat starts 1 January 2027.

Why the day before: Danish counting of time limits (the practice that goes back to Danske Lov
5-1-4, and that `dates.add_months` follows) lets a limit counted *from an event* end on the
corresponding date, because the day of the event itself is not counted ("3 months after joining"
from 15 January ends 15 April). A period that *begins* on a day counts that day as its first — the
member holds the seat, the funktionsår runs, from that day — so it is one day shorter at the other
end: 1 March 2026 + 1 year is the first day of the next year of office, not the last day of this
one. "Senest ved udgangen af det første funktionsår" is therefore the last day.

Where the corresponding date does not exist (a funktionsår from 29 February in a common year, a
month from 31 January), the date is taken to have passed when that month ends: the period ends on
the month's last day and the next begins on the 1st of the following month (29.02.2024 + 1 year:
last day 28.02.2025, next year from 01.03.2025; it returns to 29 February in 2028). Each period
is counted from the original start, so periods never drift.

Limits counted from an event (a course completed, a meeting held, a report made) keep using
`dates.add_months` / `dates.add_years`: they are deadlines, not periods.
"""

from __future__ import annotations

import calendar
import datetime

ONE_DAY = datetime.timedelta(days=1)


def period_last_day(start: datetime.date, *, months: int = 0, years: int = 0) -> datetime.date:
    """The last day of the period of `years` years and `months` months that begins on `start`
    (see the module docstring): 1.3.2026 + 1 year → 28.2.2027; 31.1.2025 + 1 month → 28.2.2025;
    29.2.2024 + 1 year → 28.2.2025; 1.3.2027 + 1 year → 29.2.2028."""
    total = 12 * years + months
    if total <= 0:
        raise ValueError("A period lasts at least one month.")
    month_index = start.month - 1 + total
    year, month = start.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if start.day > last:
        # The corresponding date does not exist: it passes when the month ends.
        return datetime.date(year, month, last)
    return datetime.date(year, month, start.day) - ONE_DAY


def period(
    start: datetime.date, n: int, *, months: int = 12
) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the `n`-th period (1-based) of `months` months counted from
    `start`: the first begins on `start`, each next one the day after the previous one's last."""
    if n < 1:
        raise ValueError("Periods are numbered from 1.")
    first = start if n == 1 else period_last_day(start, months=months * (n - 1)) + ONE_DAY
    return first, period_last_day(start, months=months * n)


def funktionsaar(joined: datetime.date, n: int) -> tuple[datetime.date, datetime.date]:
    """(first day, last day) of the `n`-th funktionsår of a tenure that began on `joined`
    (AML § 9's "første funktionsår" is n = 1): funktionsaar(1.3.2026, 1) = (1.3.2026, 28.2.2027),
    funktionsaar(1.3.2026, 2) = (1.3.2027, 29.2.2028)."""
    return period(joined, n, months=12)


def term_last_day(start: datetime.date, years: int) -> datetime.date:
    """The last day of a valgperiode of `years` years from `start` (AML § 8: the AMR's term,
    2 years or up to 4 by agreement): term_last_day(1.1.2025, 2) = 31.12.2026. The re-election
    or the successor's seat begins the day after."""
    return period_last_day(start, years=years)
