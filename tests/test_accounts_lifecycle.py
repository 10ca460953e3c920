"""Account lifecycle (issue 12): an account whose person has left every kommune is closed by the
nightly job, and its open sessions end with it."""

from __future__ import annotations

import datetime

from django.test import Client

from accounts.models import EventKind, LoginEvent
from accounts.tasks import deactivate_leavers
from core.tenancy import scopes_disabled, tenant_scope

from . import factories as f

TODAY = datetime.date(2026, 12, 4)


def leave(person, on):
    with scopes_disabled():
        person.left_on = on
        person.save()


def test_an_account_whose_person_has_left_every_kommune_is_closed(org_a, org_b):
    user = f.user("mette")
    with tenant_scope(org_a.kommune):
        in_a = f.person(org_a.kommune, "Mette", user=user)
    with tenant_scope(org_b.kommune):
        in_b = f.person(org_b.kommune, "Mette", user=user)
    client = Client()
    client.force_login(user)
    assert client.get("/kommune/").status_code == 200

    leave(in_a, TODAY - datetime.timedelta(days=1))
    assert deactivate_leavers(TODAY) == 0  # still employed in B
    leave(in_b, TODAY + datetime.timedelta(days=1))
    assert deactivate_leavers(TODAY) == 0  # leaves tomorrow
    assert deactivate_leavers(TODAY + datetime.timedelta(days=1)) == 1

    user.refresh_from_db()
    assert not user.is_active
    response = client.get("/kommune/")  # the open session ended with the account
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    with scopes_disabled():
        closed = LoginEvent.objects.filter(kind=EventKind.DEACTIVATED, user=user)
        assert sorted(closed.values_list("kommune_id", flat=True)) == sorted(
            [org_a.kommune.pk, org_b.kommune.pk]
        )
    assert deactivate_leavers(TODAY + datetime.timedelta(days=2)) == 0  # once


def test_hr_staff_kreds_officers_and_superusers_are_ended_by_hand(org_a, hr_a):
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Hanne", user=hr_a)
    leave(person, TODAY - datetime.timedelta(days=10))
    admin = f.user("root", superuser=True, staff=True)
    with tenant_scope(org_a.kommune):
        leave(f.person(org_a.kommune, "Root", user=admin), TODAY - datetime.timedelta(days=10))
    assert deactivate_leavers(TODAY) == 0
    hr_a.refresh_from_db()
    assert hr_a.is_active


def test_accounts_without_people_are_left_alone(db):
    user = f.user("kreds_only")
    assert deactivate_leavers(TODAY) == 0
    user.refresh_from_db()
    assert user.is_active
