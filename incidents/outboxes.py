"""The incident notifications' outbox (core.outbox): a new case, to the unit's leader and the
AMG. The e-mail names the unit and the date only — what happened and to whom stays behind the
login."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core import outbox

from .models import IncidentNotification
from .services import NOTIFICATIONS


@outbox.register
class NotificationOutbox(outbox.Outbox):
    name = NOTIFICATIONS
    model = IncidentNotification
    select_related = ("recipient", "incident", "incident__unit")

    def build(self, row: IncidentNotification, batch: outbox.Batch):
        recipient = row.recipient
        if recipient.left_on is not None:
            return outbox.Skip("Personen er fratrådt.")
        if not recipient.email:
            return outbox.Skip("Personen har ingen e-mailadresse.")
        url = reverse("incidents:detail", args=[row.incident.public_id])
        return outbox.Message(
            to=[recipient.email],
            template="incidents/email/new_incident",
            context={
                "recipient": recipient,
                "incident": row.incident,
                # Lazy: rendered in the recipient's language.
                "reason": IncidentNotification.Reason(row.reason).label,
                "url": settings.SITE_URL.rstrip("/") + url,
            },
            language=recipient.message_language,
        )
