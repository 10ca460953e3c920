"""Celery tasks of the meetings. They take ids, enter the kommune's scope themselves and are safe
to run twice: the dispatch claim (a conditional UPDATE on the meeting) and the outbox rows'
claims decide what is sent, not the task."""

from __future__ import annotations

import logging
import resource
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from core.cache import KommuneAfterCommit, cache_call
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Kommune

from .models import Meeting
from .services import agendas_dispatch, document_render, documents_cleanup, messages_send

logger = logging.getLogger(__name__)

# Limits of a background document (org charts, AMO plan of a large kommune).
DOCUMENT_SOFT_TIME_LIMIT = getattr(settings, "MEETINGS_DOCUMENT_SOFT_TIME_LIMIT", 240)
DOCUMENT_TIME_LIMIT = getattr(settings, "MEETINGS_DOCUMENT_TIME_LIMIT", 300)
# Extra address space a render may take on top of what the worker process already has.
DOCUMENT_MEMORY_MB = getattr(settings, "MEETINGS_DOCUMENT_MEMORY_MB", 1536)


@shared_task(name="meetings.tick")
def meetings_tick() -> int:
    """Beat (config/celery.py): one task per kommune, so one slow kommune delays no other."""
    with scopes_disabled():
        kommune_ids = list(Kommune.objects.order_by("pk").values_list("pk", flat=True))
    for kommune_id in kommune_ids:
        transaction.on_commit(lambda pk=kommune_id: meetings_tick_kommune.delay(pk), robust=True)
    return len(kommune_ids)


@shared_task(name="meetings.tick_kommune")
def meetings_tick_kommune(kommune_id: int) -> int:
    """Dispatch every agenda that is due, then send the queued (or retried) e-mails. A kommune
    whose charts are asked for gets them drawn for the new day, or after a change no signal
    told of (the HR sync's bulk writes), before anybody waits for them."""
    from .documents import chart_folder

    if chart_folder(kommune_id).exists():
        charts_changed(kommune_id)
    return len(agendas_dispatch(kommune_id))


@shared_task(name="meetings.dispatch_meeting")
def meetings_dispatch_meeting(meeting_id: int) -> int:
    """Right after the formandskab settled an agenda: the kommune's tick, now."""
    with scopes_disabled():
        kommune_id = Meeting.objects.filter(pk=meeting_id).values_list("kommune_id", flat=True)
        kommune_id = kommune_id.first()
    if kommune_id is None:
        return 0
    return len(agendas_dispatch(kommune_id))


@shared_task(name="meetings.send_messages")
def meetings_send_messages(meeting_id: int) -> dict:
    with scopes_disabled():
        meeting = Meeting.objects.select_related("kommune").filter(pk=meeting_id).first()
    if meeting is None:
        return {}
    with tenant_scope(meeting.kommune):
        return messages_send(meeting_id=meeting_id)


def _address_space_bytes() -> int:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[0])
        return pages * resource.getpagesize()
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        return 0


@contextmanager
def memory_cap(extra_mb: int):
    """Cap the process's address space at what it has now plus `extra_mb` while rendering (a
    runaway document fails with MemoryError instead of taking the worker host down), and put the
    old limit back afterwards so the worker process is unchanged for the next task."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = _address_space_bytes() + extra_mb * 2**20
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ValueError, OSError):  # pragma: no cover - platform refuses; render uncapped
        logger.warning("meetings: could not set a memory limit for the render")
        yield
        return
    try:
        yield cap
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@shared_task(
    name="meetings.render_document",
    soft_time_limit=DOCUMENT_SOFT_TIME_LIMIT,
    time_limit=DOCUMENT_TIME_LIMIT,
    acks_late=True,
)
def meetings_render_document(job_id: int) -> str:
    """A large document (org chart, AMO plan): rendered within time and memory limits; the
    result is stored as a file the user downloads. A failure is recorded on the job."""
    with memory_cap(DOCUMENT_MEMORY_MB):
        try:
            return document_render(job_id)
        except Exception:
            logger.exception("meetings: document job %s failed", job_id)
            return "failed"


@shared_task(name="meetings.cleanup_documents")
def meetings_cleanup_documents() -> int:
    return documents_cleanup()


# --- the organisation charts -----------------------------------------------------------------------

# The changes of one burst (a reorganisation saves many rows) are drawn once, a little later.
CHART_DELAY_SECONDS = 10
CHART_STRUCTURE_MODELS = [
    ("committees", "Committee"),
    ("committees", "Membership"),
    ("committees", "CommitteeUnit"),
    ("organisations", "Unit"),
    ("organisations", "Person"),
    ("reorganisation", "OrganisationChange"),
]


def _queued_key(kommune_id: int) -> str:
    return f"meetings:charts-queued:{kommune_id}"


def charts_changed(kommune_id: int) -> None:
    """Draw the kommune's charts in the background (`meetings_render_charts`), once for a burst
    of changes: the first queues the task, the others find it queued. Without the cache or
    the broker the next request draws them."""
    key = _queued_key(kommune_id)
    if not cache_call(lambda: cache.add(key, 1, CHART_DELAY_SECONDS * 30), False):
        return
    try:
        meetings_render_charts.apply_async((kommune_id,), countdown=CHART_DELAY_SECONDS)
    except Exception:  # noqa: BLE001 - the broker is down: the next request draws the charts
        logger.warning("meetings: could not queue the charts of kommune %s", kommune_id)
        cache_call(lambda: cache.delete(key), None)


class _ChartsAfterCommit(KommuneAfterCommit):
    """The on-commit call of `charts_changed`, registered once per kommune and transaction."""

    robust = True

    def __call__(self) -> None:
        charts_changed(self.kommune_id)


def structure_changed(sender, instance, **kwargs) -> None:
    kommune_id = getattr(instance, "kommune_id", None)
    if kommune_id is not None:
        _ChartsAfterCommit.register(kommune_id)


def connect_chart_signals() -> None:
    from django.apps import apps
    from django.db.models.signals import post_delete, post_save

    for app_label, model_name in CHART_STRUCTURE_MODELS:
        model = apps.get_model(app_label, model_name)
        uid = f"meetings.charts:{app_label}.{model_name}"
        post_save.connect(structure_changed, sender=model, dispatch_uid=uid + ":save")
        post_delete.connect(structure_changed, sender=model, dispatch_uid=uid + ":delete")


@shared_task(
    name="meetings.render_charts",
    soft_time_limit=DOCUMENT_SOFT_TIME_LIMIT,
    time_limit=DOCUMENT_TIME_LIMIT,
)
def meetings_render_charts(kommune_id: int) -> int:
    """The kommune's MED and AMO charts (whole kommune, the default language) drawn and stored
    if what they print has changed (documents.stored_chart), so that the next request reads a
    file. Safe to run twice: a current chart is found, not drawn. Returns how many were drawn."""
    from django.utils import translation

    from .documents import CHARTS, stored_chart

    # Cleared first: a change that commits while these are drawn queues them again.
    cache_call(lambda: cache.delete(_queued_key(kommune_id)), None)
    with scopes_disabled():
        kommune = Kommune.objects.filter(pk=kommune_id).first()
    if kommune is None:
        return 0
    drawn = 0
    with tenant_scope(kommune), translation.override(settings.LANGUAGE_CODE):
        for kind in CHARTS.values():
            drawn += stored_chart(kind, kommune).drawn
    return drawn
