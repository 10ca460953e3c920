"""Celery tasks of the reminders. They take ids, enter the kommune's scope themselves and are safe
to run twice: the rows, their unique keys and the send claim decide what happens, not the task."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction

from core import outbox
from core.tenancy import scopes_disabled
from organisations.models import Kommune

from .services import DIGESTS, reminders_prepare

logger = logging.getLogger(__name__)


@shared_task(name="reminders.tick")
def reminders_tick() -> int:
    """Beat (config/celery.py): one preparing task per kommune, so a slow or failing kommune
    neither delays nor stops the others."""
    with scopes_disabled():
        kommune_ids = list(Kommune.objects.order_by("pk").values_list("pk", flat=True))
    for kommune_id in kommune_ids:
        transaction.on_commit(lambda pk=kommune_id: reminders_tick_kommune.delay(pk), robust=True)
    return len(kommune_ids)


@shared_task(name="reminders.tick_kommune")
def reminders_tick_kommune(kommune_id: int) -> int:
    """Plan and group one kommune's reminders; the due digests are sent by the outbox's task
    once the transaction has committed."""
    result = reminders_prepare(kommune_id, on_ready=lambda ids: outbox.queue(DIGESTS, ids))
    return len(result.digest_ids)
