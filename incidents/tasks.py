"""Celery tasks of the incidents. They take ids and are safe to run twice (the claim decides)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="incidents.send_notification")
def incident_send_notification(notification_id: int) -> str:
    from .services import notification_send

    outcome = notification_send(notification_id)
    logger.info("incidents: notification %s: %s", notification_id, outcome)
    return outcome


@shared_task(name="incidents.sweep_notifications")
def incidents_sweep_notifications() -> int:
    """Beat (config/celery.py): re-enqueue notifications still pending (their task was lost,
    e.g. the broker was down at commit). A duplicate finds the row claimed and sends nothing."""
    from core.tenancy import scopes_disabled

    from .models import IncidentNotification

    with scopes_disabled():
        ids = list(
            IncidentNotification.objects.filter(
                state=IncidentNotification.State.PENDING
            ).values_list("pk", flat=True)[:5000]
        )
    for pk in ids:
        incident_send_notification.delay(pk)
    return len(ids)
