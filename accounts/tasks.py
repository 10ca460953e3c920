"""The nightly closing of accounts whose people have left every kommune."""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.tenancy import scopes_disabled

from . import audit
from .models import EventKind
from .people import employed

logger = logging.getLogger(__name__)


def leavers(today: datetime.date):
    """Active accounts linked to people, all of whom have left by `today`, and with no role of
    their own beside them (HR staff, kreds officer, superuser: those are ended by hand)."""
    from organisations.models import KommuneStaff, Person
    from unions.models import KredsOfficer

    User = get_user_model()
    still_employed = employed(Person.objects.filter(user=OuterRef("pk")), today)
    return (
        User._default_manager.filter(is_active=True, is_superuser=False)
        .filter(Exists(Person.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(still_employed))
        .exclude(Exists(KommuneStaff.objects.filter(user=OuterRef("pk"))))
        .exclude(Exists(KredsOfficer.objects.filter(user=OuterRef("pk"))))
    )


def deactivate_leavers(today: datetime.date | None = None) -> int:
    from organisations.models import Person

    today = today or timezone.localdate()
    closed = 0
    with scopes_disabled():
        for user in leavers(today):
            kommune_ids = set(Person.objects.filter(user=user).values_list("kommune_id", flat=True))
            with transaction.atomic():
                user.is_active = False
                user.save(update_fields=["is_active"])
                audit.record(EventKind.DEACTIVATED, user=user, kommune_ids=kommune_ids)
            closed += 1
    if closed:
        logger.info("Closed %d accounts of people who have left.", closed)
    return closed


@shared_task(name="accounts.deactivate_leavers")
def deactivate_leavers_task() -> int:
    return deactivate_leavers()
