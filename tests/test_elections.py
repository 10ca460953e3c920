"""Registering an AMR/TR election: the old seat ends, the new one starts with the kommune's AMR
term, the employer notification is recorded, deadlines follow at once, and the kreds is told only
with the member's consent. Leaders may register only in committees covering units they lead."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.elections import election_register
from committees.models import Membership
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.models import Deadline
from organisations.services import unit_save
from unions.models import ElectionNotice, KredsOfficer
from unions.services import election_notice_send

from . import factories as f
from .test_unions import build_world, join, member

NOW = datetime.datetime(2026, 12, 15, 10, tzinfo=datetime.UTC)
NOTIFIED = datetime.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def register(org, person, role=Membership.Role.AMR, start=datetime.date(2027, 1, 1), **kwargs):
    kwargs.setdefault("committee", org.amg)
    kwargs.setdefault("employer_notified_on", NOTIFIED)
    with tenant_scope(org.kommune):
        return election_register(
            person=person, role=role, start_date=start, acting_user=None, **kwargs
        )


def test_it_ends_the_old_seat_and_starts_the_new_one_with_the_kommunes_term(org_a):
    """AML § 8: the AMR is elected for 2 years, up to 4 by local agreement (here 4)."""
    old = org_a.amr  # Arne, AMR in the AMG since 1 January 2025, term to 1 January 2027
    org_a.kommune.amr_term_years = 4
    org_a.kommune.save()
    seat = register(org_a, old.person)
    with tenant_scope(org_a.kommune):
        old.refresh_from_db()
        assert old.ended_on == datetime.date(2026, 12, 31)  # no gap: the tenure continues
        assert seat.start_date == datetime.date(2027, 1, 1)
        # Four years from 1.1.2027 end on 31.12.2030, the valgperiode's last day.
        assert seat.term_end == datetime.date(2030, 12, 31)
        assert seat.employer_notified_on == NOTIFIED
        assert (seat.side, seat.chosen) == (Membership.Side.MEDARBEJDER, Membership.Chosen.ELECTED)
        assert Membership.objects.filter(person=old.person, ended_on__isnull=True).count() == 1
        # The history keeps who was elected, and when the employer was told.
        assert seat.history.first().employer_notified_on == NOTIFIED


def test_it_updates_the_deadlines_at_once(org_a):
    """AML § 9: a newly elected AMR's 3-day course is due within 3 months, at once; AML § 8: the
    re-election of the AMR fulfils the election due at the end of the term, at once."""
    with tenant_scope(org_a.kommune):
        newcomer = f.person(org_a.kommune, "Nora", "Ny", unit=org_a.workplace)
        term = Deadline.objects.get(rule="committees.amr_term_end", key=f"m{org_a.amr.pk}")
        assert term.state == Deadline.State.OPEN
    reelected = register(org_a, org_a.amr.person, start=datetime.date(2026, 12, 12))
    register(org_a, newcomer, start=datetime.date(2026, 12, 12))
    with tenant_scope(org_a.kommune):
        course = Deadline.objects.get(rule="training.amo_basic", person=newcomer)
        assert course.due_date == datetime.date(2027, 3, 12)
        term.refresh_from_db()
        assert term.state == Deadline.State.DONE and term.fulfilled_id == reelected.pk
        new_term = Deadline.objects.get(rule="committees.amr_term_end", key=f"m{reelected.pk}")
        assert new_term.due_date == datetime.date(2028, 12, 11)  # the valgperiode's last day


def test_it_registers_a_tr_without_a_term_end(org_a):
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Tina", "Tr", unit=org_a.workplace)
    seat = register(org_a, person, role=Membership.Role.TR, committee=org_a.med)
    assert seat.role == Membership.Role.TR and seat.term_end is None


@pytest.mark.parametrize(
    "change,field",
    [
        ({"employer_notified_on": None}, "employer_notified_on"),
        ({"employer_notified_on": datetime.date(2027, 1, 1)}, "employer_notified_on"),
        ({"role": Membership.Role.FORMAND}, "role"),
        ({"start": datetime.date(2024, 6, 1)}, "start_date"),  # before Arne's current seat
    ],
    ids=["no-notification", "future-notification", "not-amr-or-tr", "older-than-current"],
)
def test_it_refuses_an_invalid_election_and_saves_nothing(org_a, change, field):
    with tenant_scope(org_a.kommune):
        before = list(Membership.objects.values_list("pk", "ended_on"))
    with pytest.raises(ValidationError) as error:
        register(org_a, org_a.amr.person, **change)
    assert field in error.value.message_dict
    with tenant_scope(org_a.kommune):
        assert list(Membership.objects.values_list("pk", "ended_on")) == before


def test_it_refuses_a_leader_as_amr(org_a):
    with tenant_scope(org_a.kommune):
        org_a.workplace.leader = org_a.leader_person
        unit_save(org_a.workplace)
    with pytest.raises(ValidationError) as error:
        register(org_a, org_a.leader_person)
    assert "person" in error.value.message_dict


# --- the kreds is told, only with consent --------------------------------------------------------


@pytest.mark.usefixtures("eager_celery")
def test_it_notifies_the_kreds_only_with_consent(
    org_a,
    org_b,
    django_capture_on_commit_callbacks,
):
    world = build_world(org_a, org_b)
    world.officer.email = "officer@kreds.example"
    world.officer.save()
    KredsOfficer.objects.create(
        user=f.user("quiet"), kreds=world.kreds, receives_notifications=False
    )
    asta = member(org_a, "Asta", "Alfamedlem", role=Membership.Role.TR)
    svend = member(org_a, "Svend", "Tavsholm", role=Membership.Role.TR)
    trine = member(org_a, "Trine", "Trukket", role=Membership.Role.TR)
    join(asta, world.kreds)
    join(svend, world.kreds, consent=False)
    join(trine, world.kreds)
    join(trine, world.kreds, consent=False)  # withdrawn

    for person in (asta, svend, trine):
        with django_capture_on_commit_callbacks(execute=True):
            register(org_a, person)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["officer@kreds.example", "zulu22@kreds.example"]
    assert "Asta Alfamedlem" in message.subject
    assert "Alfa AMG Nord" in message.body and "10. december 2026" in message.body
    assert message.alternatives[0][1] == "text/html"
    with scopes_disabled():
        notice = ElectionNotice.objects.get()
    assert notice.state == ElectionNotice.State.SENT and notice.kreds == world.kreds
    # A redelivered task sends nothing twice.
    assert election_notice_send(notice.pk) == "not_claimed"
    assert len(mail.outbox) == 1


@pytest.mark.usefixtures("eager_celery")
def test_nothing_is_sent_when_the_election_is_rolled_back(
    org_a,
    org_b,
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    world = build_world(org_a, org_b)
    asta = member(org_a, "Asta", "Alfamedlem", role=Membership.Role.TR)
    join(asta, world.kreds)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        register(org_a, asta)
        raise RuntimeError("a later step failed")
    assert callbacks == [] and mail.outbox == []
    with scopes_disabled():
        assert not ElectionNotice.objects.exists()


# --- the leader's portal page --------------------------------------------------------------------


@pytest.fixture
def leader_a(org_a):
    user = f.user("leder_a")
    with tenant_scope(org_a.kommune):
        leader = org_a.leader_person
        leader.user = user
        leader.save()
        org_a.workplace.leader = leader
        unit_save(org_a.workplace)
    return user


def post_election(client, org, person, committee, url=None, **extra):
    data = {
        "committee": committee.public_id,
        "person": person.public_id,
        "role": Membership.Role.AMR,
        "start_date": "2027-01-01",
        "employer_notified_on": "10.12.2026",
        **extra,
    }
    return client.post(url or reverse("unions:election_new"), data)


def test_a_leader_registers_an_election_in_a_committee_for_their_unit(client, org_a, leader_a):
    client.force_login(leader_a)
    page = client.get(reverse("unions:election_new"))
    assert page.status_code == 200
    choices = page.context["form"].fields["committee"].queryset
    assert set(choices.values_list("name", flat=True)) == {"Alfa AMG Nord", "Alfa LokalMED Nord"}

    response = post_election(client, org_a, org_a.amr.person, org_a.amg)
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:committee", args=[org_a.amg.public_id])
    with tenant_scope(org_a.kommune):
        seat = Membership.objects.get(person=org_a.amr.person, ended_on__isnull=True)
        assert seat.start_date == datetime.date(2027, 1, 1)
        assert seat.employer_notified_on == NOTIFIED
        assert seat.history.first().history_user == leader_a


def test_a_leader_cannot_register_outside_their_units(client, org_a, org_b, leader_a):
    client.force_login(leader_a)
    with tenant_scope(org_a.kommune):
        outsider = f.person(org_a.kommune, "Ulla", "Udenfor", unit=org_a.other_workplace)
        before = Membership.objects.count()
    with tenant_scope(org_b.kommune):
        foreign_person = org_b.amr.person

    cases = [
        (
            org_a.amr.person,
            org_a.other_amg,
            "committee",
            "Vælg et udvalg, der dækker en enhed, du er leder for.",
        ),
        (outsider, org_a.amg, "person", "Vælg en medarbejder i en enhed, du er leder for."),
        (
            org_a.amr.person,
            org_b.amg,
            "committee",
            "Vælg et udvalg, der dækker en enhed, du er leder for.",
        ),
        (foreign_person, org_a.amg, "person", "Vælg en medarbejder i en enhed, du er leder for."),
    ]
    for person, committee, field, message in cases:
        response = post_election(client, org_a, person, committee)
        assert response.status_code == 200
        assert response.context["form"].errors[field] == [message]
    with tenant_scope(org_a.kommune):
        assert Membership.objects.count() == before


def test_the_election_page_is_a_404_for_a_non_leader(client, org_a, employee_a):
    client.force_login(employee_a)
    assert client.get(reverse("unions:election_new")).status_code == 404


def test_a_service_error_is_a_form_error_on_the_page(client, org_a, leader_a):
    client.force_login(leader_a)
    response = post_election(
        client, org_a, org_a.amr.person, org_a.amg, employer_notified_on="2027-02-01"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["employer_notified_on"] == [
        "Datoen for underretningen kan ikke ligge i fremtiden."
    ]


# --- HR's admin page -----------------------------------------------------------------------------


def test_hr_registers_an_election_in_the_admin(client, org_a, hr_a):
    client.force_login(hr_a)
    url = reverse("admin:election_register")
    assert client.get(url).status_code == 200
    response = post_election(client, org_a, org_a.amr.person, org_a.amg, url=url)
    with tenant_scope(org_a.kommune):
        seat = Membership.objects.get(person=org_a.amr.person, ended_on__isnull=True)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:committees_membership_change", args=[seat.pk])
    with tenant_scope(org_a.kommune):
        assert seat.history.first().history_user == hr_a


def test_hr_limited_to_one_omraade_and_hr_of_another_kommune_are_refused(
    client, org_a, org_b, hr_a_limited, hr_b
):
    url = reverse("admin:election_register")
    client.force_login(hr_a_limited)
    with tenant_scope(org_a.kommune):
        outsider = f.person(org_a.kommune, "Ulla", "Udenfor", unit=org_a.other_workplace)
    response = post_election(client, org_a, outsider, org_a.amg, url=url)
    assert response.status_code == 200 and "person" in response.context["form"].errors
    response = post_election(client, org_a, org_a.amr.person, org_a.other_amg, url=url)
    assert response.status_code == 200 and "committee" in response.context["form"].errors

    client.force_login(hr_b)
    response = post_election(client, org_a, org_a.amr.person, org_a.amg, url=url)
    assert set(response.context["form"].errors) == {"committee", "person"}
    with tenant_scope(org_a.kommune):
        assert Membership.objects.filter(person=org_a.amr.person).count() == 1


def test_a_plain_employee_gets_no_admin_election_page(client, org_a, employee_a):
    client.force_login(employee_a)
    response = client.get(reverse("admin:election_register"))
    assert response.status_code == 302 and "/login/" in response["Location"]
