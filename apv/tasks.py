"""Celery tasks of the APV. They take ids and are safe to run twice (the claim decides)."""

from __future__ import annotations

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="apv.survey_send_invitation")
def survey_send_invitation(invitation_id: int) -> str:
    from .services import survey_send_invitation_now

    outcome = survey_send_invitation_now(invitation_id)
    logger.info("apv: invitation %s: %s", invitation_id, outcome)
    return outcome


@shared_task(name="apv.sweep_invitations")
def apv_sweep_invitations() -> int:
    """Beat (config/celery.py): re-enqueue survey invitations still pending (their task was lost).
    A duplicate finds the invitation claimed and sends nothing."""
    from core.tenancy import scopes_disabled

    from .models import SurveyInvitation

    with scopes_disabled():
        ids = list(
            SurveyInvitation.objects.filter(
                send_state=SurveyInvitation.SendState.PENDING
            ).values_list("pk", flat=True)[:5000]
        )
    for pk in ids:
        survey_send_invitation.delay(pk)
    return len(ids)
