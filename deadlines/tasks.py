"""Celery tasks of the deadline engine (scheduled in config/celery.py)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from .engine import evaluate_all

logger = logging.getLogger(__name__)


@shared_task(name="deadlines.evaluate_all")
def deadlines_evaluate_all() -> int:
    """Nightly full re-evaluation of every kommune. The services refresh what a change touches at
    once; this repairs whatever they missed and moves the date-driven duties on. Idempotent."""
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


def _record_daily_counts() -> None:
    """Each kommune's counts of the day, for the trend on HR's dashboard."""
    from core.tenancy import scopes_disabled, tenant_scope
    from organisations.models import Kommune

    from .dashboard import record_daily_count

    today = timezone.localdate()
    with scopes_disabled():
        kommuner = list(Kommune.objects.order_by("pk"))
    for kommune in kommuner:
        with tenant_scope(kommune):
            record_daily_count(kommune.pk, today)
