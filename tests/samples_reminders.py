"""Reminders: sample objects for the admin persona tests (SAMPLES)."""

from __future__ import annotations

import datetime

from deadlines.models import Deadline
from reminders.models import ReminderDigest, ReminderItem


def _sample_digest(org):
    digest, _created = ReminderDigest.objects.get_or_create(
        kommune=org.kommune, recipient=org.amr.person, day=datetime.date(2026, 3, 1)
    )
    return digest


def _sample_item(org):
    deadline = Deadline.objects.create(
        kommune=org.kommune,
        rule="training.amo_basic",
        key=f"reminder-sample{org.kommune.pk}",
        person=org.amr.person,
        unit=org.workplace,
        due_date=datetime.date(2026, 3, 1),
    )
    return ReminderItem.objects.create(
        kommune=org.kommune,
        deadline=deadline,
        recipient=org.amr.person,
        reason="before_14",
        track=ReminderItem.Track.DEADLINE,
        basis=ReminderItem.Basis.RESPONSIBLE,
        planned_for=datetime.date(2026, 2, 15),
        due_date=deadline.due_date,
        digest=_sample_digest(org),
    )


SAMPLES = {
    "reminders.ReminderDigest": _sample_digest,
    "reminders.ReminderItem": _sample_item,
}
