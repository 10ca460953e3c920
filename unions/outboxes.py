"""The unions' three outboxes (core.outbox): a member invited to a network meeting; the kreds
told of a new AMR/TR election of a consenting member; and the kreds' messages — a member's
inquiry told to the officers, the answer told to the member, the officers reminded of a meeting
the kreds owes (unions.cadence)."""

from __future__ import annotations

from django.conf import settings

from core import outbox

from .models import ElectionNotice, KredsMessage, NetworkInvitation
from .selectors import workplace_of
from .services import (
    CADENCE_TEMPLATE,
    ELECTION_NOTICES,
    ELECTION_TEMPLATE,
    INQUIRY_ANSWERED_TEMPLATE,
    INQUIRY_RAISED_TEMPLATE,
    INVITATION_TEMPLATE,
    KREDS_MESSAGES,
    NETWORK_INVITATIONS,
    kreds_recipients,
    network_meeting_ics,
)


@outbox.register
class NetworkInvitationOutbox(outbox.Outbox):
    name = NETWORK_INVITATIONS
    model = NetworkInvitation
    select_related = ("meeting__group__kreds__union", "union_membership__person")
    order_by = ("meeting_id", "pk")

    def build(self, invitation: NetworkInvitation, batch: outbox.Batch):
        person = invitation.union_membership.person
        if person is None or not invitation.union_membership.has_consent:
            return outbox.Skip("Medlemmet har ikke (længere) givet samtykke.")
        if not person.email:
            return outbox.Skip("Medlemmet har ingen e-mailadresse.")
        meeting = invitation.meeting
        return outbox.Message(
            to=[person.email],
            template=INVITATION_TEMPLATE,
            context={
                "person": person,
                "meeting": meeting,
                "group": meeting.group,
                "kreds": meeting.group.kreds,
                "site_url": settings.SITE_URL,
            },
            language=person.message_language,
            attachments=[
                (
                    "netvaerksmoede.ics",
                    network_meeting_ics(meeting, person),
                    "text/calendar; method=REQUEST",
                )
            ],
        )


@outbox.register
class ElectionNoticeOutbox(outbox.Outbox):
    name = ELECTION_NOTICES
    model = ElectionNotice
    select_related = (
        "kreds__union",
        "union_membership",
        "membership__person__unit__parent",
        "membership__committee",
        "kommune",
    )

    def build(self, notice: ElectionNotice, batch: outbox.Batch):
        """Written to the kreds, in Danish (its officers are not the kommune's people)."""
        membership = notice.membership
        if (
            membership is None
            or not notice.union_membership.has_consent
            or notice.union_membership.kreds_id != notice.kreds_id
        ):
            return outbox.Skip("Samtykket er trukket tilbage.")
        recipients = kreds_recipients(notice.kreds)
        if not recipients:
            return outbox.Skip("Kredsen har ingen e-mailadresse.")
        return outbox.Message(
            to=recipients,
            template=ELECTION_TEMPLATE,
            context={
                "kreds": notice.kreds,
                "membership": membership,
                "person": membership.person,
                "workplace": workplace_of(membership.person),
                "kommune": notice.kommune,
                "site_url": settings.SITE_URL,
            },
        )


@outbox.register
class KredsMessageOutbox(outbox.Outbox):
    name = KREDS_MESSAGES
    model = KredsMessage
    select_related = (
        "kreds__union",
        "inquiry__union_membership__person__unit__parent",
        "inquiry__union_membership__kommune",
    )

    def build(self, message: KredsMessage, batch: outbox.Batch):
        if message.kind == KredsMessage.Kind.INQUIRY_RAISED:
            return self._raised(message)
        if message.kind == KredsMessage.Kind.INQUIRY_ANSWERED:
            return self._answered(message)
        return self._cadence(message, batch)

    def _raised(self, message: KredsMessage):
        """To the kreds, in Danish (its officers are not the kommune's people)."""
        inquiry = message.inquiry
        membership = inquiry.union_membership
        if (
            membership.person is None
            or not membership.has_consent
            or membership.kreds_id != inquiry.kreds_id
        ):
            return outbox.Skip("Medlemmet har ikke (længere) givet kredsen samtykke.")
        recipients = kreds_recipients(message.kreds)
        if not recipients:
            return outbox.Skip("Kredsen har ingen e-mailadresse.")
        return outbox.Message(
            to=recipients,
            template=INQUIRY_RAISED_TEMPLATE,
            context={
                "kreds": message.kreds,
                "inquiry": inquiry,
                "person": membership.person,
                "kommune": membership.kommune,
                "workplace": workplace_of(membership.person),
                "site_url": settings.SITE_URL,
            },
        )

    def _answered(self, message: KredsMessage):
        """To the member, in their language."""
        inquiry = message.inquiry
        person = inquiry.union_membership.person
        if person is None:
            return outbox.Skip("Medlemmet findes ikke længere.")
        if not person.email:
            return outbox.Skip("Medlemmet har ingen e-mailadresse.")
        return outbox.Message(
            to=[person.email],
            template=INQUIRY_ANSWERED_TEMPLATE,
            context={
                "kreds": message.kreds,
                "inquiry": inquiry,
                "person": person,
                "site_url": settings.SITE_URL,
            },
            language=person.message_language,
        )

    def _cadence(self, message: KredsMessage, batch: outbox.Batch):
        """To the kreds, in Danish: every duty still short at the row's due date, as it stands
        when the e-mail is sent (a meeting planned meanwhile drops out)."""
        from .cadence import kreds_cadence

        due = message.due_date
        duties = [
            d
            for d in kreds_cadence(message.kreds, year=due.year, now=batch.now)
            if d.short and d.next_due == due
        ]
        if not duties:
            return outbox.Skip("Møderne er holdt eller planlagt.")
        recipients = kreds_recipients(message.kreds)
        if not recipients:
            return outbox.Skip("Kredsen har ingen e-mailadresse.")
        return outbox.Message(
            to=recipients,
            template=CADENCE_TEMPLATE,
            context={
                "kreds": message.kreds,
                "duties": duties,
                "due_date": due,
                "overdue": message.kind == KredsMessage.Kind.CADENCE_OVERDUE,
                "site_url": settings.SITE_URL,
            },
        )
