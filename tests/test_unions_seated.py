"""`UnionMembership.seated`, kept by the database (migration unions 0005): whichever door
changes a seat or a committee — a model save, a bulk update, a bulk insert, a delete, a seat
moved to another person, a committee closed or reopened — the flag says whether the person
holds an active AMR or TR seat, and the kreds overview lists and counts exactly those members."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import timezone

from committees.models import Committee, Membership
from core.tenancy import scopes_disabled, tenant_scope
from unions.models import UnionMembership
from unions.selectors import FOLLOWED_ROLES, kreds_structure, member_page_and_glance

from . import factories as f
from .test_unions import build_world, join, member

TODAY = datetime.date(2026, 12, 4)


def flag(person) -> bool:
    with scopes_disabled():
        return UnionMembership.objects.values_list("seated", flat=True).get(person=person)


def assert_every_flag_is_live() -> None:
    """The flag of every union membership against the seats as the kreds defines them."""
    with scopes_disabled():
        live = set(
            Membership.objects.filter(
                role__in=FOLLOWED_ROLES, ended_on__isnull=True, committee__closed_on__isnull=True
            ).values_list("person_id", flat=True)
        )
        flags = dict(
            UnionMembership.objects.filter(person__isnull=False).values_list("person_id", "seated")
        )
    assert flags, "no union memberships to check"
    assert flags == {person_id: person_id in live for person_id in flags}


@pytest.fixture
def world(org_a, org_b):
    return build_world(org_a, org_b)


def test_the_flag_follows_every_door_that_changes_a_seat(world, org_a):
    k = org_a.kommune
    seated = member(org_a, "Sara", "Siddende")  # the seat first, the union membership after
    join(seated, world.kreds)
    with tenant_scope(k):
        plain = f.person(k, "Palle", "Plads", unit=org_a.workplace)
    join(plain, world.kreds)  # no seat yet
    assert flag(seated) and not flag(plain)
    assert_every_flag_is_live()

    with tenant_scope(k):
        seat = f.membership(plain, org_a.amg, Membership.Role.TR)  # a model save
        assert flag(plain)
        seat.ended_on = TODAY
        seat.save()
        assert not flag(plain)
        Membership.objects.filter(pk=seat.pk).update(ended_on=None)  # a bulk update (HR sync)
        assert flag(plain)
        Membership.objects.filter(pk=seat.pk).update(role=Membership.Role.MEDARBEJDERREPRAESENTANT)
        assert not flag(plain)  # a seat the kreds does not follow
        Membership.objects.filter(pk=seat.pk).update(role=Membership.Role.AMR)
        assert flag(plain)
        assert_every_flag_is_live()

        # The committee closed and reopened, by a bulk update and by a save.
        Committee.objects.filter(pk=org_a.amg.pk).update(closed_on=TODAY)
        assert not flag(plain) and not flag(seated)
        amg = Committee.objects.get(pk=org_a.amg.pk)
        amg.closed_on = None
        amg.save()
        assert flag(plain) and flag(seated)

        # The seat moved to another person, then deleted; a bulk insert gives one back.
        Membership.objects.filter(pk=seat.pk).update(person=seated)
        assert not flag(plain) and flag(seated)
        Membership.objects.filter(person=seated).delete()
        assert not flag(seated)
        Membership.objects.bulk_create(
            [
                Membership(
                    kommune=k,
                    person=seated,
                    committee=org_a.amg,
                    role=Membership.Role.AMR,
                    side=Membership.Side.MEDARBEJDER,
                    start_date=TODAY,
                )
            ]
        )
        assert flag(seated)
        assert_every_flag_is_live()

        # One of two seats ended: still seated.
        other = f.committee(k, "Alfa AMG Syd", units=[org_a.workplace])
        second = f.membership(seated, other, Membership.Role.TR)
        Membership.objects.filter(person=seated, committee=org_a.amg).update(ended_on=TODAY)
        assert flag(seated)
        # Then the other committee closed, by the admin's bulk action: no active seat is left.
        Committee.objects.filter(pk=other.pk).update(closed_on=TODAY)
        assert not flag(seated)
        assert Membership.objects.filter(pk=second.pk, ended_on__isnull=True).exists()
        assert_every_flag_is_live()


def test_a_stale_copy_saved_by_django_does_not_overwrite_the_flag(world, org_a):
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Stine", "Stale", unit=org_a.workplace)
    join(person, world.kreds)
    with scopes_disabled():
        stale = UnionMembership.objects.get(person=person)
    assert stale.seated is False
    f.membership(person, org_a.amg, Membership.Role.AMR)
    assert flag(person)
    # Saved from the copy read before the seat (what the person's own form does).
    with tenant_scope(org_a.kommune):
        stale.consent_withdrawn_at = None
        stale.save()
    assert flag(person)
    # Moved to another person: that person's seats decide.
    with tenant_scope(org_a.kommune):
        nobody = f.person(org_a.kommune, "Niels", "Nul", unit=org_a.workplace)
        stale.person = nobody
        stale.save()
    with scopes_disabled():
        assert UnionMembership.objects.get(pk=stale.pk).seated is False
    assert_every_flag_is_live()


def test_the_overview_lists_and_counts_members_as_their_seats_change_in_bulk(client, world, org_a):
    people = [member(org_a, "Bent", f"Bulk{n}") for n in range(3)]
    for person in people:
        join(person, world.kreds)
    structure = kreds_structure(world.kreds)

    def listed() -> tuple[list[int], int]:
        page, glance = member_page_and_glance(structure, today=timezone.localdate())
        counts = {row.kommune.pk: row.members for row in glance}
        return [row.person.pk for row in page.rows], counts[org_a.kommune.pk]

    assert sorted(listed()[0]) == sorted(p.pk for p in people) and listed()[1] == 3
    with tenant_scope(org_a.kommune):
        Membership.objects.filter(person=people[0]).update(ended_on=TODAY)
    assert people[0].pk not in listed()[0] and listed()[1] == 2

    client.force_login(world.officer)
    body = client.get(reverse("unions:overview", args=[world.kreds.public_id])).content.decode()
    assert people[1].full_name in body and people[0].full_name not in body


def test_the_triggers_follow_the_seats_the_kreds_follows():
    """The migration's SQL names the roles itself: changing FOLLOWED_ROLES needs a migration."""
    migration = importlib.import_module("unions.migrations.0005_seated")
    roles = ", ".join(f"'{role}'" for role in FOLLOWED_ROLES)
    assert f"s.role IN ({roles})" in migration.HAS_SEAT
