"""The meeting e-mails' outbox (core.outbox): agenda and invitation, update, cancellation and
referat to one member each, in that member's language."""

from __future__ import annotations

from core import outbox

from .models import MeetingMessage
from .services import MESSAGES, message_content, referater_mark_sent


@outbox.register
class MessageOutbox(outbox.Outbox):
    name = MESSAGES
    model = MeetingMessage
    select_related = ("meeting", "meeting__committee", "recipient")
    # One meeting's e-mails together: its agenda PDF and material are built once per batch.
    order_by = ("meeting_id", "kind", "sequence", "pk")

    def build(self, message: MeetingMessage, batch: outbox.Batch) -> outbox.Message | outbox.Skip:
        recipient = message.recipient
        if not recipient.email:
            return outbox.Skip("Personen har ingen e-mailadresse.")
        language = recipient.message_language
        content = message_content(message, batch.cache, language)
        return outbox.Message(
            to=[recipient.email],
            template=content["template"],
            context={**content["context"], "recipient": recipient},
            language=language,
            headers={"X-MED-Meeting": str(message.meeting.public_id)},
            attachments=content["attachments"],
        )

    def finished(self, pks, now) -> None:
        meetings = set(
            MeetingMessage.objects.filter(pk__in=pks, kind=MeetingMessage.Kind.REFERAT)
            .values_list("meeting_id", flat=True)
            .distinct()
        )
        referater_mark_sent(meetings, now)
