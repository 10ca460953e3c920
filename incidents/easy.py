"""When an accident must be reported to Arbejdstilsynet (EASY).

BEK om anmeldelse af arbejdsulykker m.v. § 1 (since 2022): an arbejdsulykke that causes
incapacity for work for at least one day beyond the day of the injury is reported no later than
14 days after the first day of absence. Both numbers are settings
(INCIDENT_EASY_MIN_ABSENCE_DAYS, INCIDENT_EASY_REPORT_DAYS): the law may change.

The day of the injury never counts as absence ("ud over tilskadekomstdagen"): a person who goes
home on the day of the injury and is back the next day has no reportable absence, and the first
day of absence that counts is the day after the injury at the earliest.
"""

from __future__ import annotations

import datetime

from django.conf import settings

from .models import ACCIDENT_KINDS


def counted_absence(
    occurred_on: datetime.date, first_day: datetime.date | None, days: int
) -> tuple[datetime.date | None, int]:
    """(the first counted day of absence, number of counted days) — days beyond the injury day."""
    if first_day is None or days <= 0:
        return None, 0
    last_day = first_day + datetime.timedelta(days=days - 1)
    first_counted = max(first_day, occurred_on + datetime.timedelta(days=1))
    counted = (last_day - first_counted).days + 1
    if counted <= 0:
        return None, 0
    return first_counted, counted


def easy_due_date(
    *, kind: str, occurred_on: datetime.date, first_day: datetime.date | None, days: int
) -> datetime.date | None:
    """The last day to report the accident to Arbejdstilsynet, or None if it need not be."""
    if kind not in ACCIDENT_KINDS:
        return None
    first_counted, counted = counted_absence(occurred_on, first_day, days)
    if first_counted is None or counted < settings.INCIDENT_EASY_MIN_ABSENCE_DAYS:
        return None
    return first_counted + datetime.timedelta(days=settings.INCIDENT_EASY_REPORT_DAYS)


def incident_easy_due(incident) -> datetime.date | None:
    return easy_due_date(
        kind=incident.kind,
        occurred_on=incident.occurred_on,
        first_day=incident.absence_first_day,
        days=incident.absence_days,
    )
