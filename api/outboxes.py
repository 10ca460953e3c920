"""The webhooks' outbox (core.outbox): one delivery = one signed HTTP POST of one event to one
endpoint, retried with backoff, recovered after a crash, logged for HR.

The receiver checks `X-Medorg-Signature: t=<unix time>,v1=<hex>`: HMAC-SHA256 with the endpoint's
secret over "<t>.<body>", and refuses a t more than five minutes old (a replay). The event id
(`X-Medorg-Event-Id`, the body's "id") is the same on every attempt and on "send again", so a
receiver that got it already can tell."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from core import outbox

from . import tokens
from .events import OUTBOX
from .models import WebhookDelivery, WebhookEndpoint


@dataclass
class Post:
    url: str
    body: bytes
    headers: dict[str, str]
    event: str


class WebhookError(Exception):
    pass


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A webhook is posted to the address HR entered, never to one a redirect names."""

    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def journal_document(delivery: WebhookDelivery, batch: outbox.Batch) -> dict:
    """The journalising adapter: the published referat as PDF with the metadata an ESDH system
    files it by (title, committee, meeting date, sagsnummer)."""
    from meetings.documents import referat_pdf
    from meetings.models import Meeting

    data = delivery.payload
    cache_key = ("referat-pdf", data["meeting"])
    if cache_key not in batch.cache:
        meeting = Meeting.objects.select_related("committee").get(public_id=data["meeting"])
        batch.cache[cache_key] = (meeting, referat_pdf(meeting))
    meeting, pdf = batch.cache[cache_key]
    endpoint = delivery.endpoint
    case_number = (
        meeting.case_number
        or endpoint.case_numbers.get(data["committee"]["id"], "")
        or endpoint.default_case_number
    )
    return {
        "metadata": {
            "title": f"Referat: {data['title']} {meeting.date:%d.%m.%Y}",
            "committee": data["committee"]["name"],
            "meeting_date": meeting.date.isoformat(),
            "case_number": case_number,
            "document_type": "referat",
        },
        "document": {
            "filename": f"referat-{meeting.date:%Y-%m-%d}-{meeting.committee.code}.pdf",
            "content_type": "application/pdf",
            "content_base64": base64.b64encode(pdf).decode(),
        },
    }


@outbox.register
class WebhookOutbox(outbox.Outbox):
    name = OUTBOX
    model = WebhookDelivery
    select_related = ("endpoint", "kommune")
    order_by = ("endpoint_id", "pk")

    def build(self, delivery: WebhookDelivery, batch: outbox.Batch):
        endpoint = delivery.endpoint
        if not endpoint.active:
            return outbox.Skip("Modtageren er slået fra.")
        body = {
            "id": str(delivery.event_id),
            "type": delivery.event,
            "created": delivery.created,
            "kommune": delivery.kommune.code,
            "data": delivery.payload,
        }
        if endpoint.kind == WebhookEndpoint.Kind.JOURNAL:
            body |= journal_document(delivery, batch)
        raw = json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
        return Post(
            url=endpoint.url,
            body=raw,
            headers={"X-Medorg-Event": delivery.event, "X-Medorg-Event-Id": str(delivery.event_id)},
            event=delivery.event,
        )

    def deliver(
        self, delivery, post: Post, language: str, headers: dict, batch=None
    ) -> outbox.Delivered:
        timestamp = int(time.time())
        signature = tokens.signature(delivery.endpoint.secret, timestamp, post.body)
        request = urllib.request.Request(
            post.url,
            data=post.body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": "medorg-webhooks/1",
                "X-Medorg-Signature": f"t={timestamp},v1={signature}",
                **post.headers,
            },
        )
        try:
            with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, OSError) as error:
            raise WebhookError(f"Modtageren svarede ikke: {error}") from error
        WebhookDelivery.objects.filter(pk=delivery.pk).update(response_status=status)
        if not 200 <= status < 300:
            raise WebhookError(f"Modtageren svarede {status}.")
        return outbox.Delivered(to=post.url, subject=post.event)
