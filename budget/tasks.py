"""The budget procedure's daily tick: the hearing goes out on the catalogue's day, points
waiting for a meeting go on the agendas now planned."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core.tenancy import in_each_kommune, scopes_disabled

from .models import AgendaPoint, BudgetProcess


@shared_task(name="budget.tick")
def budget_tick_task() -> int:
    from .services import budget_tick

    today = timezone.localdate()
    with scopes_disabled():
        hearings = BudgetProcess.objects.filter(
            hearing_sent_on__isnull=True, adopted_on__isnull=True, catalogue_on__lte=today
        ).values_list("kommune_id", flat=True)
        waiting = AgendaPoint.objects.filter(
            agenda_item__isnull=True, committee__closed_on__isnull=True
        ).values_list("kommune_id", flat=True)
        kommune_ids = [*hearings, *waiting]
    return in_each_kommune(kommune_ids, budget_tick)
