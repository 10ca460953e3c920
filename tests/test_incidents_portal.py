"""Reporting and handling incidents in the portal: any employee reports (units of their own
kommune only), the unit's leader and the AMG are e-mailed after commit (the e-mail carries no
health data), and the handlers record absence, EASY, causes, measures and closure."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from core.tenancy import tenant_scope
from incidents import services
from incidents.models import Incident, IncidentMeasure, IncidentNotification, Kind
from organisations.services import unit_save

from . import factories as f


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-10 12:00 +01:00", tick=False):
        yield


@pytest.fixture
def org(org_a):
    with tenant_scope(org_a.kommune):
        org_a.workplace.leader = org_a.leader_person
        unit_save(org_a.workplace)
        org_a.leader_person.email = "lene@ex.dk"
        org_a.leader_person.save()
        org_a.amr.person.email = "arne@ex.dk"
        org_a.amr.person.save()
    return org_a


REPORT = {
    "kind": Kind.ARBEJDSULYKKE,
    "nature": "physical",
    "occurred_on": "2026-03-09",
    "place": "Sløjdlokalet",
    "description": "Skar mig på en rundsav",
    "who": "self",
    "absence_first_day": "2026-03-10",
    "absence_days": "2",
}


def test_an_employee_reports_and_the_leader_and_amg_are_emailed_after_commit(
    client, org, employee_a, mailoutbox, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(employee_a)
    form = client.get(reverse("incidents:report"))
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("incidents:report"), {**REPORT, "unit": org.workplace.pk})
    assert response.status_code == 302
    with tenant_scope(org.kommune):
        incident = Incident.objects.get()
        reporter = employee_a.people.get()
        notes = {
            (n.recipient.first_name, n.reason, n.state) for n in IncidentNotification.objects.all()
        }
    assert (incident.injured, incident.reported_by, incident.committee) == (
        reporter,
        reporter,
        org.amg,
    )
    # One send task for both notifications, after commit (the other callbacks drop cached
    # counts and panels).
    assert len([c for c in callbacks if "enqueue" in getattr(c, "__qualname__", "")]) == 1
    assert notes == {("Lene", "leader", "sent"), ("Arne", "amg", "sent")}
    assert sorted(m.to[0] for m in mailoutbox) == ["arne@ex.dk", "lene@ex.dk"]
    for message in mailoutbox:
        assert incident.reference in message.body and "Alfa Skole Nord" in message.body
        assert str(incident.public_id) in message.body
        for secret in ("rundsav", "Sløjdlokalet", "Mette", "Arbejdsulykke"):
            assert secret not in message.body and secret not in message.subject
        assert message.alternatives  # text and HTML
    # A duplicate task sends nothing.
    with tenant_scope(org.kommune):
        pk = IncidentNotification.objects.first().pk
    assert services.notification_send(pk) == "not_claimed"


def test_the_unit_choice_is_limited_to_the_reporters_kommune(client, org, org_b, employee_a):
    client.force_login(employee_a)
    form = client.get(reverse("incidents:report")).context["form"]
    names = set(form.fields["unit"].queryset.values_list("name", flat=True))
    assert "Alfa Skole Nord" in names and not any(n.startswith("Beta") for n in names)
    response = client.post(reverse("incidents:report"), {**REPORT, "unit": org_b.workplace.pk})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    with tenant_scope(org.kommune):
        assert not Incident.objects.exists()


def test_a_future_date_and_absence_before_the_incident_are_refused(client, org, employee_a):
    client.force_login(employee_a)
    response = client.post(
        reverse("incidents:report"),
        {**REPORT, "unit": org.workplace.pk, "occurred_on": "2026-03-11", "absence_first_day": ""},
    )
    assert set(response.context["form"].errors) == {"occurred_on", "absence_first_day"}


def test_a_logged_in_user_without_a_person_cannot_report(client, org, hr_a):
    client.force_login(hr_a)
    assert (
        client.get(reverse("incidents:report")).status_code == 404
    )  # not theirs: the same answer as every other page (issue 16)


@pytest.fixture
def incident(org, employee_a):
    with tenant_scope(org.kommune):
        return services.incident_report(
            kind=Kind.ARBEJDSULYKKE,
            occurred_on=date(2026, 3, 9),
            place="Sløjd",
            unit=org.workplace,
            description="Skar sig",
            injured=employee_a.people.get(),
            absence_first_day=date(2026, 3, 10),
            absence_days=3,
        )


def leader_login(client, org):
    user = f.user("lene")
    with tenant_scope(org.kommune):
        org.leader_person.user = user
        org.leader_person.save()
    client.force_login(user)


def test_the_leader_handles_the_case_end_to_end(client, org, incident):
    leader_login(client, org)
    pid = incident.public_id
    page = client.get(reverse("incidents:detail", args=[pid])).content.decode()
    assert "Skal anmeldes senest 24. marts 2026" in page

    client.post(
        reverse("incidents:easy", args=[pid]), {"reference": "EASY-1", "reported_on": "2026-03-10"}
    )
    client.post(reverse("incidents:causes", args=[pid]), {"causes": "Manglende afskærmning"})
    client.post(
        reverse("incidents:measure_add", args=[pid]),
        {"description": "Ny afskærmning", "owner": org.amr.person.pk, "due_on": "2026-04-01"},
    )
    client.post(reverse("incidents:close", args=[pid]), {"closure_note": "Afskærmning bestilt"})
    with tenant_scope(org.kommune):
        incident.refresh_from_db()
        measure = IncidentMeasure.objects.get()
    assert (incident.easy_reference, incident.causes, incident.closed_on) == (
        "EASY-1",
        "Manglende afskærmning",
        date(2026, 3, 10),
    )
    assert (measure.owner, measure.due_on) == (org.amr.person, date(2026, 4, 1))
    client.post(reverse("incidents:measure_done", args=[measure.public_id]), {"note": "Monteret"})
    with tenant_scope(org.kommune):
        measure.refresh_from_db()
    assert measure.done_on == date(2026, 3, 10)


def test_a_measure_owner_must_be_someone_of_the_case(client, org, org_b, incident):
    leader_login(client, org)
    with tenant_scope(org.kommune):
        far_away = f.person(org.kommune, "Fjern", "Syd", unit=org.other_workplace)
    with tenant_scope(org_b.kommune):
        foreign = org_b.leader_person
    for owner in (far_away, foreign):
        response = client.post(
            reverse("incidents:measure_add", args=[incident.public_id]),
            {"description": "x", "owner": owner.pk, "due_on": "2026-04-01"},
            follow=True,
        )
        assert "Ansvarlig" in response.content.decode()
    with tenant_scope(org.kommune):
        assert not IncidentMeasure.objects.exists()


def test_the_home_panel_lists_open_cases_for_the_amg(client, org, incident):
    user = f.user("arne")
    with tenant_scope(org.kommune):
        org.amr.person.user = user
        org.amr.person.save()
    client.force_login(user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Hændelser til opfølgning" in page and incident.reference in page
    index = client.get(reverse("incidents:index")).content.decode()
    assert incident.reference in index


def test_a_plain_colleague_sees_the_report_link_but_no_case(client, org, incident):
    user = f.user("kollega")
    with tenant_scope(org.kommune):
        f.person(org.kommune, "Karl", "Kollega", unit=org.workplace, user=user)
    client.force_login(user)
    page = client.get(reverse("portal:home")).content.decode()
    assert "Anmeld en arbejdsulykke" in page and incident.reference not in page


def test_a_measure_owner_outside_the_case_sees_the_measure_but_not_the_case(client, org, incident):
    """Data minimisation: the caretaker who must mount a guard needs the task, not the health
    data of the case."""
    user = f.user("pedel")
    with tenant_scope(org.kommune):
        caretaker = f.person(org.kommune, "Per", "Pedel", unit=org.workplace, user=user)
        measure = services.measure_add(
            incident,
            description="Afskærmning på rundsaven",
            owner=caretaker,
            due_on=date(2026, 4, 1),
        )
    client.force_login(user)
    assert client.get(reverse("incidents:detail", args=[incident.public_id])).status_code == 404
    home = client.get(reverse("portal:home")).content.decode()
    assert "Afskærmning på rundsaven" in home and "Skar sig" not in home
    page = client.get(reverse("incidents:measure", args=[measure.public_id]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Afskærmning på rundsaven" in body and "Skar sig" not in body and "Se sagen" not in body
    response = client.post(
        reverse("incidents:measure_done", args=[measure.public_id]), {"note": "Monteret"}
    )
    assert response["Location"] == reverse("incidents:measure", args=[measure.public_id])
    with tenant_scope(org.kommune):
        measure.refresh_from_db()
    assert measure.done_on == date(2026, 3, 10)

    stranger = f.user("fremmed")
    with tenant_scope(org.kommune):
        f.person(org.kommune, "Frida", "Fremmed", unit=org.other_workplace, user=stranger)
    client.force_login(stranger)
    assert client.get(reverse("incidents:measure", args=[measure.public_id])).status_code == 404


def test_the_case_list_and_the_home_panel_run_the_same_queries_for_5_and_50_cases(client, org):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .samples_incidents import make_incident

    user = f.user("arne")
    with tenant_scope(org.kommune):
        org.amr.person.user = user
        org.amr.person.save()
    client.force_login(user)

    def add(n):
        with tenant_scope(org.kommune):
            for _ in range(n):
                make_incident(org, occurred_on=date(2026, 3, 1), injured=org.amr.person)

    def count(url):
        # Uncached: the home page keeps its panels in the kommune cache (core.panels), and the
        # queries that compute them must not grow either.
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    add(5)
    for url in (reverse("incidents:index"), reverse("portal:home")):
        count(url)
        small = count(url)
        add(45)
        assert count(url) == small, url
