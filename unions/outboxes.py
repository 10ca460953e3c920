"""The unions' two outboxes (core.outbox): a member invited to a network meeting, and the kreds
told of a new AMR/TR election of a consenting member."""

from __future__ import annotations

from django.conf import settings

from core import outbox

from .models import ElectionNotice, NetworkInvitation
from .selectors import workplace_of
from .services import (
    ELECTION_NOTICES,
    ELECTION_TEMPLATE,
    INVITATION_TEMPLATE,
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
