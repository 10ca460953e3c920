"""The beat's election tick: nominations and votes whose last day has passed are closed."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Kommune

from .models import Election


@shared_task(name="elections.tick")
def elections_tick() -> int:
    """One task per kommune with an open election."""
    with scopes_disabled():
        kommune_ids = sorted(
            set(
                Election.objects.filter(state__in=Election.OPEN_STATES).values_list(
                    "kommune_id", flat=True
                )
            )
        )
    for kommune_id in kommune_ids:
        transaction.on_commit(lambda pk=kommune_id: elections_tick_kommune.delay(pk), robust=True)
    return len(kommune_ids)


@shared_task(name="elections.tick_kommune")
def elections_tick_kommune(kommune_id: int) -> int:
    from .services import elections_advance

    with scopes_disabled():
        if not Kommune.objects.filter(pk=kommune_id).exists():
            return 0
    with tenant_scope(kommune_id):
        return len(elections_advance())
