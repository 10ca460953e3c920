"""Each periodic job runs once per period, however many beat processes send it.

Beat is meant to run once, but in real operations two can overlap: a deploy that starts the new
container before the old one stops, a failover, a second `bin/run`. Every entry of the beat
schedule (config/celery.py) is therefore sent as `core.periodic(task, period)`: the first run of
a period records (task, period start) under a unique key and runs the job; any other run of the
same period finds the record and does nothing. The period is counted from the Unix epoch, so
two beats that fire a few seconds apart fall in the same period.
"""

from __future__ import annotations

import datetime
import logging

from celery import current_app, shared_task
from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

# Records older than this are removed as new ones are made.
KEEP = datetime.timedelta(days=30)


def entry(task: str, schedule, *, period: datetime.timedelta, expires: float | None = None):
    """One beat schedule entry for `task`, run at most once per `period`. `expires`: a run that
    waited this long in the queue is dropped (the next period does the work); the period by
    default."""
    seconds = int(period.total_seconds())
    return {
        "task": "core.periodic",
        "schedule": schedule,
        "args": [task, seconds],
        "options": {"expires": expires if expires is not None else seconds},
    }


def period_start(now: datetime.datetime, seconds: int) -> datetime.datetime:
    stamp = int(now.timestamp()) // seconds * seconds
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def claim_period(task: str, seconds: int, now: datetime.datetime | None = None) -> bool:
    """Whether this is the first run of `task` in the current period (and record it)."""
    from core.models import PeriodicRun

    now = now or timezone.now()
    start = period_start(now, seconds)
    try:
        with transaction.atomic():
            PeriodicRun.objects.create(task=task, period_start=start)
    except IntegrityError:
        return False
    PeriodicRun.objects.filter(task=task, period_start__lt=now - KEEP).delete()
    return True


@shared_task(name="core.periodic")
def run_periodic(task: str, period_seconds: int) -> str:
    if not claim_period(task, period_seconds):
        logger.info("periodic: %s already ran in this period; skipped", task)
        return "skipped"
    logger.info("periodic: running %s", task)
    current_app.tasks[task]()
    return "ran"
