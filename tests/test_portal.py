"""The portal: login (username or e-mail, lockout), kommune choice, home, committee access."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from committees.models import Membership
from core.tenancy import tenant_scope
from organisations.models import Person

from . import factories as f


@pytest.fixture
def amr_user(org_a):
    user = f.user("amr_a")
    user.email = "arne@example.dk"
    user.save()
    with tenant_scope(org_a.kommune):
        person = org_a.amr.person
        person.user = user
        person.save()
    return user


def login(client, username, password="pw"):
    return client.post(reverse("portal:login"), {"username": username, "password": password})


def test_it_logs_in_with_username_or_email(org_a, amr_user):
    for name in ("amr_a", "arne@example.dk", "ARNE@example.dk"):
        client = Client()
        response = login(client, name)
        assert response.status_code == 302, name
        assert client.get(reverse("portal:home")).status_code == 200


def test_it_locks_out_after_repeated_failures(org_a, amr_user, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "amr_a", "wrong").status_code == 200
    assert login(client, "amr_a", "wrong").status_code == 429  # the limit-th failure locks
    response = login(client, "amr_a", "pw")  # even the right password is refused now
    assert response.status_code == 429
    assert "midlertidigt låst" in response.content.decode()


def test_home_shows_my_deadlines_and_committees(client, org_a, amr_user):
    client.force_login(amr_user)
    response = client.get(reverse("portal:home"))
    body = response.content.decode()
    assert "Alfa AMG Nord" in body
    assert "Arbejdsmiljørepræsentant (AMR)" in body
    assert "Obligatorisk arbejdsmiljøuddannelse" in body
    assert "AML § 9" in body


def test_a_person_in_two_kommuner_picks_one(org_a, org_b, amr_user):
    with tenant_scope(org_b.kommune):
        person = Person.objects.get(pk=org_b.amr.person.pk)
        person.user = amr_user
        person.save()
    client = Client()
    client.force_login(amr_user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:choose_kommune"))
    client.post(reverse("portal:choose_kommune"), {"kommune": org_b.kommune.pk})
    body = client.get(reverse("portal:home")).content.decode()
    assert "Beta AMG Nord" in body and "Alfa AMG Nord" not in body


def test_committee_page_same_404_for_outsiders_other_kommune_and_missing(
    client, org_a, org_b, amr_user
):
    import uuid

    client.force_login(amr_user)
    own = client.get(reverse("portal:committee", args=[org_a.amg.public_id]))
    assert own.status_code == 200
    assert "Arne AlfaAmr" in own.content.decode()
    not_member = client.get(reverse("portal:committee", args=[org_a.other_amg.public_id]))
    other_kommune = client.get(reverse("portal:committee", args=[org_b.amg.public_id]))
    missing = client.get(reverse("portal:committee", args=[uuid.uuid4()]))
    assert not_member.status_code == other_kommune.status_code == missing.status_code == 404


def test_a_leader_sees_the_committees_of_the_units_they_lead(client, org_a):
    user = f.user("leder_syd")
    with tenant_scope(org_a.kommune):
        leader = f.person(org_a.kommune, "Lars", "Leder", unit=org_a.other_workplace, user=user)
        org_a.other_workplace.leader = leader
        org_a.other_workplace.save()
    client.force_login(user)
    response = client.get(reverse("portal:committee", args=[org_a.other_amg.public_id]))
    assert response.status_code == 200
    assert client.get(reverse("portal:committee", args=[org_a.amg.public_id])).status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302 and reverse("portal:login") in response["Location"]


def test_password_reset_sends_a_danish_email(client, org_a, amr_user, mailoutbox):
    response = client.post(reverse("portal:password_reset"), {"email": "arne@example.dk"})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert "Nulstil din adgangskode" in message.subject
    assert "/adgangskode/nulstil/" in message.body
    assert message.alternatives  # text + HTML


def test_ended_seats_are_not_shown(client, org_a, amr_user):
    import datetime

    with tenant_scope(org_a.kommune):
        seat = Membership.objects.get(pk=org_a.amr.pk)
        seat.ended_on = datetime.date(2025, 6, 1)
        seat.save()
    client.force_login(amr_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert "Du sidder ikke i noget udvalg." in body
