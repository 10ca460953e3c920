"""The budget procedure's e-mails (core.outbox): the hearing on the catalogue to the local MED
committees' members, the adopted budget to every MED committee's members."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from core import outbox

from .models import BudgetMessage
from .services import MESSAGES


@outbox.register
class BudgetOutbox(outbox.Outbox):
    name = MESSAGES
    model = BudgetMessage
    select_related = ("recipient", "process", "committee")

    def build(self, row: BudgetMessage, batch: outbox.Batch):
        recipient = row.recipient
        if recipient.left_on is not None:
            return outbox.Skip("Personen er fratrådt.")
        if not recipient.email:
            return outbox.Skip("Personen har ingen e-mailadresse.")
        process = row.process
        url = reverse("budget:process", args=[process.public_id])
        return outbox.Message(
            to=[recipient.email],
            template="budget/email/message",
            context={
                "kind": row.kind,
                "recipient": recipient,
                "process": process,
                "committee": row.committee,
                "url": settings.SITE_URL.rstrip("/") + url,
            },
            language=recipient.message_language,
        )
