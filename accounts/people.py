"""Which people and kommuner an account counts in: one definition for the SSO matching, the
password rule, the login log and the nightly closing of accounts."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils import timezone

from core.tenancy import scopes_disabled


def employed(people, today: datetime.date | None = None):
    """People who have not left (a leaving date in the future still counts as employed)."""
    today = today or timezone.localdate()
    return people.filter(Q(left_on__isnull=True) | Q(left_on__gt=today))


def account_kommune_ids(user) -> set[int]:
    """The kommuner an account belongs to: as HR staff, or through a person who has not left.
    (A superuser reaches every kommune but belongs to none of them by that alone.)"""
    from organisations.models import KommuneStaff, Person

    with scopes_disabled():
        staff = KommuneStaff.objects.filter(user=user).values_list("kommune_id", flat=True)
        people = employed(Person.objects.filter(user=user)).values_list("kommune_id", flat=True)
        return set(staff) | set(people)
