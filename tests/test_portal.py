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


# --- the kommune's compliance overview for HovedMED members (issue 5 §3) -------------------------


def hovedmed_of(org):
    from committees.models import Committee

    with tenant_scope(org.kommune):
        return Committee.objects.get(kind=Committee.Kind.HOVEDMED)


@pytest.fixture
def hovedmed_user(org_a):
    """A medarbejderrepræsentant in kommune A's HovedMED, working in område Syd."""
    user = f.user("hovedmed_a")
    with tenant_scope(org_a.kommune):
        person = f.person(org_a.kommune, "Hanne", "Hovedmed", unit=org_a.other_workplace, user=user)
        f.membership(person, hovedmed_of(org_a), Membership.Role.MEDARBEJDERREPRAESENTANT)
    return user


def overview_counts(rows) -> dict:
    return {row.key: dict(row.counts) for row in rows}


def test_it_shows_hovedmed_members_the_same_counts_as_hrs_overview(
    client, org_a, org_b, hovedmed_user, hr_a
):
    client.force_login(hr_a)
    admin = client.get(reverse("admin:compliance_overview")).context
    client.force_login(hovedmed_user)
    response = client.get(reverse("portal:compliance"))
    assert response.status_code == 200
    portal = response.context
    assert overview_counts(row for row, _source in portal["by_rule"]) == overview_counts(
        admin["by_rule"]
    )
    assert overview_counts(portal["by_omraade"]) == overview_counts(admin["by_omraade"])
    assert overview_counts(portal["by_committee"]) == overview_counts(admin["by_committee"])
    # Not trivially equal: the AMR's obligatory course (fixture) is a duty of kommune A.
    rules = overview_counts(row for row, _source in portal["by_rule"])
    assert sum(rules["training.amo_basic"].values()) >= 1
    body = response.content.decode()
    assert "Alfa Område Nord" in body and "Alfa AMG Nord" in body
    assert "AML § 9" in body  # the rule's source
    assert "Beta" not in body  # kommune B's units and committees are not counted here
    # No drill-down to people and their deadlines: that stays with HR in the admin.
    assert "/admin/" not in body and "Arne AlfaAmr" not in body


def test_the_compliance_overview_is_a_404_for_everyone_else(
    client, org_a, org_b, amr_user, hr_a, employee_a
):
    url = reverse("portal:compliance")
    for user in (amr_user, hr_a, employee_a):
        client.force_login(user)
        assert client.get(url).status_code == 404, user.username
    # A HovedMED member of kommune B sees kommune B's overview, never A's.
    user_b = f.user("hovedmed_b")
    with tenant_scope(org_b.kommune):
        person = f.person(org_b.kommune, "Bo", "Hovedmed", unit=org_b.workplace, user=user_b)
        f.membership(person, hovedmed_of(org_b), Membership.Role.MEDARBEJDERREPRAESENTANT)
    client.force_login(user_b)
    body = client.get(url).content.decode()
    assert "Beta AMG Nord" in body and "Alfa" not in body


def test_a_seat_in_a_closed_hovedmed_gives_no_overview(client, org_a, hovedmed_user):
    import datetime

    client.force_login(hovedmed_user)
    assert client.get(reverse("portal:compliance")).status_code == 200
    with tenant_scope(org_a.kommune):
        hovedmed = hovedmed_of(org_a)
        hovedmed.closed_on = datetime.date(2025, 12, 31)
        hovedmed.save(update_fields=["closed_on"])
    assert client.get(reverse("portal:compliance")).status_code == 404
    assert "panel-compliance" not in client.get(reverse("portal:home")).content.decode()


def test_home_links_hovedmed_members_to_the_overview(client, org_a, hovedmed_user, amr_user):
    client.force_login(hovedmed_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert 'id="panel-compliance"' in body
    assert f'href="{reverse("portal:compliance")}"' in body
    assert "Overskredet" in body or "Kommende" in body or "Snart" in body  # open duties counted
    client.force_login(amr_user)
    body = client.get(reverse("portal:home")).content.decode()
    assert "panel-compliance" not in body
    assert reverse("portal:compliance") not in body


def add_workplaces_with_amrs(org, n: int) -> None:
    """n more workplaces, each with an AMG and an AMR (whose duties the engine creates)."""
    from committees.models import Committee
    from organisations.models import Unit

    with tenant_scope(org.kommune):
        for i in range(n):
            omraade = f.unit(org.kommune, f"Område {i}", Unit.Kind.OMRAADE)
            workplace = f.unit(org.kommune, f"Arbejdsplads {i}", parent=omraade, headcount=5)
            amg = f.committee(
                org.kommune, f"AMG {i}", Committee.Kind.AMG, parent=org.med, units=[workplace]
            )
            person = f.person(org.kommune, "Per", f"Son{i}", unit=workplace)
            f.membership(person, amg, Membership.Role.AMR)


def test_the_compliance_overview_runs_the_same_queries_for_small_and_large_kommuner(
    client, org_a, hovedmed_user
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deadlines.models import Deadline

    client.force_login(hovedmed_user)
    counts = []
    for n in (3, 30):
        add_workplaces_with_amrs(org_a, n)
        for url in (reverse("portal:compliance"), reverse("portal:home")):
            client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as overview:
            response = client.get(reverse("portal:compliance"))
        assert response.status_code == 200
        with CaptureQueriesContext(connection) as home:
            assert client.get(reverse("portal:home")).status_code == 200
        with tenant_scope(org_a.kommune):
            rows = Deadline.objects.count()
        counts.append((len(overview), len(home), rows))
    (small_overview, small_home, small_rows), (large_overview, large_home, large_rows) = counts
    assert large_rows > small_rows * 4  # the data really grew (3 workplaces, then 33)
    assert large_overview == small_overview
    assert large_home == small_home


def test_the_accessibility_statement_is_open_and_linked_from_every_page(client, org_a, hr_a):
    url = reverse("portal:accessibility")
    page = client.get(url)
    assert page.status_code == 200  # without a login
    text = page.content.decode()
    assert "Tilgængelighedserklæring" in text and "WCAG 2.1" in text
    assert "Digitaliseringsstyrelsen" in text
    assert url in client.get(reverse("portal:login")).content.decode()
    client.force_login(hr_a)
    assert url in client.get(reverse("admin:index")).content.decode()
