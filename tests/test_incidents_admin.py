"""HR maintains incidents (with the health-data grant), visits and påbud in the admin; saves go
through the services, so the deadlines follow at once. The sweep jobs re-send what is pending."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from apv import services as apv_services
from apv.models import ApvCycle, SurveyInvitation
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from incidents.models import (
    HealthDataAccess,
    Incident,
    IncidentNotification,
    InspectionOrder,
    InspectionVisit,
)
from organisations.models import KommuneStaff

from .samples_incidents import make_incident


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-10 12:00 +01:00", tick=False):
        yield


@pytest.fixture
def hr_health(org_a, hr_a):
    with tenant_scope(org_a.kommune):
        HealthDataAccess.objects.create(
            kommune=org_a.kommune, staff=KommuneStaff.objects.get(user=hr_a)
        )
    return hr_a


def inline(prefix, total=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def test_hr_with_the_grant_adds_an_incident_with_a_measure(client, org_a, hr_health):
    client.force_login(hr_health)
    data = {
        "kind": "arbejdsulykke",
        "nature": "physical",
        "occurred_on": "09.03.2026",
        "place": "Køkkenet",
        "unit": org_a.workplace.pk,
        "committee": "",
        "description": "Brandsår",
        "reported_on": "10.03.2026",
        "absence_first_day": "10.03.2026",
        "absence_days": "2",
        "easy_reference": "",
        "measures-0-description": "Nye grydelapper",
        "measures-0-owner": org_a.amr.person.pk,
        "measures-0-due_on": "01.04.2026",
        **inline("measures", 1),
        **inline("forwards"),
        **inline("notifications"),
        **inline("view_logs"),
    }
    response = client.post(reverse("admin:incidents_incident_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_scope(org_a.kommune):
        incident = Incident.objects.get()
        rules = set(Deadline.objects.values_list("rule", flat=True))
    assert incident.committee == org_a.amg  # resolved by the service
    assert {"incidents.easy_report", "incidents.investigation", "incidents.measure"} <= rules


def test_hr_registers_a_visit_with_a_paabud(client, org_a, hr_a):
    client.force_login(hr_a)
    data = {
        "unit": org_a.workplace.pk,
        "committee": "",
        "visited_on": "03.03.2026",
        "kind": "risk",
        "notes": "",
        "orders-0-kind": "paabud",
        "orders-0-title": "Støj i værkstedet",
        "orders-0-due_on": "01.06.2026",
        **inline("orders", 1),
    }
    response = client.post(reverse("admin:incidents_inspectionvisit_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    with tenant_scope(org_a.kommune):
        visit = InspectionVisit.objects.get()
        order = InspectionOrder.objects.get()
        row = Deadline.objects.get(rule="incidents.inspection_order")
    assert visit.committee == org_a.amg
    assert (row.key, row.due_date) == (f"c{org_a.amg.pk}:o{order.pk}", date(2026, 6, 1))


def test_the_sweep_sends_what_is_pending_and_a_second_run_sends_nothing(
    org_a, mailoutbox, eager_celery
):
    """Rows whose task was lost (the broker was down at commit) are found by the one sweep of
    every outbox (core.outbox)."""
    from core.outbox import sweep

    with tenant_scope(org_a.kommune):
        org_a.leader_person.email = "lene@ex.dk"
        org_a.leader_person.save()
        incident = make_incident(org_a, occurred_on=date(2026, 3, 9))
        IncidentNotification.objects.create(
            kommune=org_a.kommune, incident=incident, recipient=org_a.leader_person, reason="leader"
        )
        cycle = apv_services.apv_cycle_start(committee=org_a.amg, method=ApvCycle.Method.SURVEY)
        SurveyInvitation.objects.create(
            kommune=org_a.kommune, cycle=cycle, person=org_a.leader_person
        )
    queued = sweep()
    assert (queued["incidents.notification"], queued["apv.survey_invitation"]) == (1, 1)
    assert len(mailoutbox) == 2
    queued = sweep()
    assert (queued["incidents.notification"], queued["apv.survey_invitation"]) == (0, 0)
    assert len(mailoutbox) == 2


def test_the_apv_admin_action_opens_the_survey(client, org_a, hr_a):
    with tenant_scope(org_a.kommune):
        org_a.leader_person.email = "lene@ex.dk"
        org_a.leader_person.save()
        cycle = apv_services.apv_cycle_start(committee=org_a.amg, method=ApvCycle.Method.SURVEY)
    client.force_login(hr_a)
    response = client.post(
        reverse("admin:apv_apvcycle_changelist"),
        {"action": "open_survey", "_selected_action": [cycle.pk]},
        follow=True,
    )
    assert "medarbejdere inviteret" in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert SurveyInvitation.objects.filter(cycle=cycle).count() == 2
    page = client.get(reverse("admin:apv_apvcycle_change", args=[cycle.pk]))
    assert "0 af 1 har svaret (0 %)" in page.content.decode()  # the AMR has no e-mail


def test_a_limited_hr_sees_only_the_apv_of_their_units(client, org_a, hr_a_limited):
    with tenant_scope(org_a.kommune):
        mine = apv_services.apv_cycle_start(committee=org_a.amg)
        theirs = apv_services.apv_cycle_start(committee=org_a.other_amg)
    client.force_login(hr_a_limited)
    listed = client.get(reverse("admin:apv_apvcycle_changelist")).context["cl"].result_list
    assert [c.pk for c in listed] == [mine.pk]
    assert client.get(reverse("admin:apv_apvcycle_change", args=[theirs.pk])).status_code == 404
