"""The APV survey invitations' outbox (core.outbox): one employee's one-time link."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse

from core import outbox

from .models import SurveyInvitation
from .services import INVITATIONS, NO_EMAIL, token_hash


@outbox.register
class InvitationOutbox(outbox.Outbox):
    name = INVITATIONS
    model = SurveyInvitation
    select_related = ("person", "cycle", "cycle__committee")

    def build(self, invitation: SurveyInvitation, batch: outbox.Batch):
        """The token is made here and only its hash is stored, so the link exists nowhere but
        in the e-mail. A retry makes a new one (the old link never arrived)."""
        person = invitation.person
        if person.left_on is not None:
            return outbox.Skip("Personen er fratrådt.")
        if not person.email:
            return outbox.Skip(NO_EMAIL)
        token = secrets.token_urlsafe(32)
        SurveyInvitation.objects.filter(pk=invitation.pk).update(token_hash=token_hash(token))
        return outbox.Message(
            to=[person.email],
            template="apv/email/survey_invitation",
            context={
                "person": person,
                "cycle": invitation.cycle,
                "url": settings.SITE_URL.rstrip("/") + reverse("apv:survey", args=[token]),
                "minimum": settings.APV_SURVEY_MIN_RESPONSES,
            },
            language=person.message_language,
        )
