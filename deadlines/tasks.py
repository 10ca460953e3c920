"""Celery tasks of the deadline engine (scheduled in config/celery.py)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from .engine import evaluate_all, evaluate_kommune

logger = logging.getLogger(__name__)


@shared_task(name="deadlines.evaluate_all")
def deadlines_evaluate_all() -> int:
    """Nightly full re-evaluation of every kommune in this one task. The services refresh what a
    change touches at once; this repairs whatever they missed and moves the date-driven duties
    on. Idempotent. `deadlines.evaluate_each` does the same as one task per kommune."""
    result = evaluate_all()
    logger.info(
        "deadlines: evaluated all kommuner: %s created, %s updated, %s cancelled",
        result.created,
        result.updated,
        result.cancelled,
    )
    _record_daily_counts()
    from .events import overdue_raise

    overdue_raise()
    if result.failed:
        # The others were evaluated; fail the task so monitoring sees the broken kommuner.
        raise RuntimeError(f"deadline evaluation failed for: {', '.join(result.failed)}")
    return result.changed


@shared_task(name="deadlines.evaluate_each")
def deadlines_evaluate_each() -> int:
    """The nightly re-evaluation as one task per kommune (like reminders.tick): the workers
    evaluate kommuner side by side on every core, and a slow or failing kommune neither delays
    nor stops the others (its own task fails, for monitoring)."""
    from core.tenancy import scopes_disabled
    from organisations.models import Kommune

    with scopes_disabled():
        kommune_ids = list(Kommune.objects.order_by("pk").values_list("pk", flat=True))
    for kommune_id in kommune_ids:
        transaction.on_commit(
            lambda pk=kommune_id: deadlines_evaluate_kommune.delay(pk), robust=True
        )
    return len(kommune_ids)


@shared_task(name="deadlines.evaluate_kommune")
def deadlines_evaluate_kommune(kommune_id: int) -> int:
    """One kommune's part of the nightly job: the full evaluation, the day's counts and the
    deadline.overdue events. Safe to run twice (the evaluation writes nothing the second time,
    the count is one row a day, the events are keyed)."""
    from core.tenancy import scopes_disabled
    from organisations.models import Kommune

    from .events import overdue_raise

    with scopes_disabled():
        kommune = Kommune.objects.get(pk=kommune_id)
    result = evaluate_kommune(kommune)
    logger.info(
        "deadlines: evaluated kommune %s: %s created, %s updated, %s cancelled",
        kommune_id,
        result.created,
        result.updated,
        result.cancelled,
    )
    _record_daily_counts([kommune_id])
    overdue_raise(kommune_ids=[kommune_id])
    return result.changed


def _record_daily_counts(kommune_ids=None) -> None:
    """Each kommune's (or these kommuner's) counts of the day, for the trend on HR's dashboard."""
    from core.tenancy import scopes_disabled, tenant_scope
    from organisations.models import Kommune

    from .dashboard import record_daily_count

    today = timezone.localdate()
    if kommune_ids is None:
        with scopes_disabled():
            kommune_ids = list(Kommune.objects.order_by("pk").values_list("pk", flat=True))
    for kommune_id in kommune_ids:
        with tenant_scope(kommune_id):
            record_daily_count(kommune_id, today)
