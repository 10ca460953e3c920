"""Webhooks: every event raised (core.events) becomes one delivery per endpoint of the kommune
that wants it, a row of the outbox written in the transaction of the change and queued when it
commits (core.outbox). A raise with a key already delivered to an endpoint adds nothing."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from core import events, outbox
from core.tenancy import scopes_disabled

from .models import WebhookDelivery, WebhookEndpoint

OUTBOX = "api.webhook"


def _endpoints(kommune_id: int) -> list[WebhookEndpoint]:
    with scopes_disabled():
        return list(WebhookEndpoint.objects.filter(kommune_id=kommune_id, active=True))


@events.interest
def _wants(event: str, kommune_id: int) -> bool:
    return any(endpoint.wants(event) for endpoint in _endpoints(kommune_id))


def as_json(data) -> dict:
    """Dates, times and UUIDs as JSON strings, as the body will carry them."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@receiver(events.raised, dispatch_uid="api_webhooks")
def _raised(sender: str, kommune_id: int, payload, key: str = "", **kwargs) -> None:
    endpoints = [endpoint for endpoint in _endpoints(kommune_id) if endpoint.wants(sender)]
    if not endpoints:
        return
    data = as_json(payload())
    created = []
    with scopes_disabled():
        for endpoint in endpoints:
            if key and WebhookDelivery.objects.filter(endpoint=endpoint, key=key).exists():
                continue
            try:
                with transaction.atomic():
                    delivery = WebhookDelivery.objects.create(
                        kommune_id=kommune_id,
                        endpoint=endpoint,
                        event=sender,
                        payload=data,
                        key=key,
                        next_attempt_at=timezone.now(),
                    )
            except IntegrityError:  # the same occurrence raised at the same moment
                continue
            created.append(delivery.pk)
    if created:
        outbox.enqueue(OUTBOX, created)


def resend(delivery: WebhookDelivery) -> WebhookDelivery:
    """HR's "send again": a new delivery of the same event (same event id), sent at once."""
    again = WebhookDelivery.objects.create(
        kommune_id=delivery.kommune_id,
        endpoint=delivery.endpoint,
        event_id=delivery.event_id,
        event=delivery.event,
        payload=delivery.payload,
        key=delivery.key,
        resent_from=delivery,
        next_attempt_at=timezone.now(),
    )
    outbox.enqueue(OUTBOX, [again.pk])
    return again
