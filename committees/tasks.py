"""The committees' daily tick: an ad hoc MED committee is closed after its last day."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.tenancy import in_each_kommune, scopes_disabled

from .models import Committee


def close_ended(today=None) -> int:
    """In a kommune's scope: close the committees whose last day (`ends_on`) has passed. Their
    deadlines end through `committee_save`."""
    from .services import committee_save

    today = today or timezone.localdate()
    closed = 0
    for committee in Committee.objects.filter(closed_on__isnull=True, ends_on__lt=today):
        committee.closed_on = committee.ends_on
        committee_save(committee)
        closed += 1
    return closed


@shared_task(name="committees.close_ended")
def close_ended_task() -> int:
    with scopes_disabled():
        kommune_ids = Committee.objects.filter(
            closed_on__isnull=True, ends_on__lt=timezone.localdate()
        ).values_list("kommune_id", flat=True)
        kommune_ids = list(kommune_ids)
    return in_each_kommune(kommune_ids, close_ended)
