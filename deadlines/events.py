"""deadline.overdue (core.events): raised by the nightly job for every open deadline that has
passed its due date in the last OVERDUE_WINDOW days, so a night the job did not run is caught up.
Its key (the deadline and its due date) makes a second raise deliver nothing new; a deadline
moved to a later date and missed again is a new occurrence."""

from __future__ import annotations

import datetime

from django.utils import timezone

from core import events
from core.tenancy import scopes_disabled, tenant_scope

from .models import Deadline

OVERDUE_WINDOW = 7  # days


def deadline_event_data(deadline: Deadline) -> dict:
    return {
        "deadline": str(deadline.public_id),
        "rule": deadline.rule,
        "title": str(deadline.title),
        "due_date": deadline.due_date,
        "person": str(deadline.person.public_id) if deadline.person_id else None,
        "committee": str(deadline.committee.public_id) if deadline.committee_id else None,
        "unit": str(deadline.unit.public_id) if deadline.unit_id else None,
    }


def overdue_raise(today: datetime.date | None = None, kommune_ids=None) -> int:
    """Every kommune (or these) where someone listens: raise deadline.overdue for what became
    overdue."""
    from organisations.models import Kommune

    today = today or timezone.localdate()
    if kommune_ids is None:
        with scopes_disabled():
            kommune_ids = list(Kommune.objects.order_by("pk").values_list("pk", flat=True))
    raised = 0
    for kommune_id in kommune_ids:
        if not events.wanted(events.DEADLINE_OVERDUE, kommune_id):
            continue
        with tenant_scope(kommune_id):
            overdue = (
                Deadline.objects.open()
                .filter(
                    due_date__lt=today,
                    due_date__gte=today - datetime.timedelta(days=OVERDUE_WINDOW),
                )
                .select_related("person", "committee", "unit")
                .order_by("due_date", "pk")
            )
            for deadline in overdue:
                events.emit(
                    events.DEADLINE_OVERDUE,
                    kommune_id=kommune_id,
                    payload=lambda d=deadline: deadline_event_data(d),
                    key=f"deadline:{deadline.public_id}:{deadline.due_date.isoformat()}",
                )
                raised += 1
    return raised
