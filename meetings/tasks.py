"""Celery tasks of the meetings. They take ids, enter the kommune's scope themselves and are safe
to run twice: the dispatch claim (a conditional UPDATE on the meeting) and the outbox rows'
claims decide what is sent, not the task."""

from __future__ import annotations

import logging
import resource
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings
from django.db import transaction

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
    """Dispatch every agenda that is due, then send the queued (or retried) e-mails."""
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
