"""Who sees an incident (health data): the role matrix in the portal and the admin, the view log,
and forwarding to a union kreds with consent."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.models import Committee, Membership
from core.tenancy import scopes_disabled, tenant_scope
from incidents import services
from incidents.access import incident_visible_to_kreds_officer, incidents_forwarded_to_kreds
from incidents.models import HealthDataAccess, Incident, IncidentForward, IncidentViewLog, Kind
from organisations.models import KommuneStaff
from organisations.services import unit_save

from . import factories as f


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel("2026-03-10 12:00 +01:00", tick=False):
        yield


@dataclass
class Case:
    incident: Incident
    users: dict[str, User]


def linked_user(org, person, username) -> User:
    user = f.user(username)
    person.user = user
    person.save()
    return user


@pytest.fixture
def case(org_a, org_b, hr_a, employee_a) -> Case:
    return build_case(org_a, org_b, hr_a, employee_a)


def build_case(org_a, org_b, hr_a, employee_a) -> Case:
    """A violent incident at Skole Nord, and a login for everyone who might look at it."""
    k = org_a.kommune
    with tenant_scope(k):
        area_leader = f.person(k, "Otto", "Områdeleder", unit=org_a.omraade)
        org_a.omraade.leader = area_leader
        unit_save(org_a.omraade)
        org_a.workplace.leader = org_a.leader_person
        unit_save(org_a.workplace)
        injured = f.person(k, "Ida", "Skadet", unit=org_a.workplace)
        other_amr = f.person(k, "Alf", "AndenAmr", unit=org_a.other_workplace)
        f.membership(other_amr, org_a.other_amg, Membership.Role.AMR)
        tr_in_amg = f.person(k, "Tove", "TrIAmg", unit=org_a.workplace)
        f.membership(tr_in_amg, org_a.amg, Membership.Role.TR)
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        hoved_member = f.person(k, "Hanne", "HovedMED", unit=org_a.other_workplace)
        f.membership(hoved_member, hoved, Membership.Role.MEDARBEJDERREPRAESENTANT)
        incident = services.incident_report(
            kind=Kind.VOLD,
            nature="both",
            by_third_party=True,
            occurred_on=date(2026, 3, 9),
            place="Skolegården",
            unit=org_a.workplace,
            description="Slået af en forælder",
            injured=injured,
            reporter=employee_a.people.get(),
            absence_first_day=date(2026, 3, 10),
            absence_days=3,
        )
        users = {
            "injured": linked_user(org_a, injured, "ida"),
            "unit_leader": linked_user(org_a, org_a.leader_person, "lene"),
            "leader_above": linked_user(org_a, area_leader, "otto"),
            "amg_member": linked_user(org_a, org_a.amr.person, "arne"),
            "amr_other_amg": linked_user(org_a, other_amr, "alf"),
            "hovedmed_member": linked_user(org_a, hoved_member, "hanne"),
            "tr_in_amg": linked_user(org_a, tr_in_amg, "tove"),
            "hr_limited_other_omraade": f.hr_user(k, "hr_syd", limited_to=[org_a.other_omraade]),
            "colleague_reporter": employee_a,
            "hr_with_permission": hr_a,
            "hr_without_permission": f.hr_user(k, "hr_plain"),
        }
        HealthDataAccess.objects.create(kommune=k, staff=KommuneStaff.objects.get(user=hr_a))
        HealthDataAccess.objects.create(
            kommune=k, staff=KommuneStaff.objects.get(user=users["hr_limited_other_omraade"])
        )
    with tenant_scope(org_b.kommune):
        outsider = f.person(org_b.kommune, "Bent", "Beta", unit=org_b.workplace)
        f.membership(outsider, org_b.amg, Membership.Role.AMR)
        users["other_kommune"] = linked_user(org_b, outsider, "bent")
        users["hr_other_kommune"] = f.hr_user(org_b.kommune, "hr_b_other")
        with scopes_disabled():
            HealthDataAccess.objects.create(
                kommune=org_b.kommune,
                staff=KommuneStaff.objects.get(user=users["hr_other_kommune"]),
            )
    return Case(incident, users)


EXPECTED = {
    "injured": True,
    "unit_leader": True,
    "leader_above": True,
    "amg_member": True,
    "amr_other_amg": False,
    "hovedmed_member": False,
    # Issue 16: the AMG is its leder and AMR (AML § 7); a TR at its table does not handle cases.
    "tr_in_amg": False,
    # A health-data grant reaches only the units the HR person administers.
    "hr_limited_other_omraade": False,
    "colleague_reporter": False,
    "hr_with_permission": True,
    "hr_without_permission": False,
    "other_kommune": False,
    "hr_other_kommune": False,
}


def test_it_notifies_the_amg_leder_and_amr_but_not_a_tr_at_its_table(org_a, case):
    from incidents.models import IncidentNotification

    with tenant_scope(org_a.kommune):
        notified = set(
            IncidentNotification.objects.filter(incident=case.incident).values_list(
                "recipient__first_name", flat=True
            )
        )
    assert {"Lene", "Arne"} <= notified
    assert "Tove" not in notified


def logs(org) -> list[tuple[str, str]]:
    with tenant_scope(org.kommune):
        return list(IncidentViewLog.objects.values_list("username", "channel"))


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_who_sees_an_incident(client, org_a, case, persona):
    """GDPR art. 9: only those who must handle the case see it — the injured person, the unit's
    leader and the leaders above, the handling AMG and HR with the health-data grant. Everyone
    else gets the same 404 as for a missing case; every allowed view is logged."""
    user = case.users[persona]
    client.force_login(user)
    url = reverse("incidents:detail", args=[case.incident.public_id])
    response = client.get(url)
    missing = client.get(reverse("incidents:detail", args=[uuid.uuid4()]))
    if EXPECTED[persona]:
        assert response.status_code == 200
        assert "Slået af en forælder" in response.content.decode()
        assert logs(org_a) == [(user.username, "portal")]
    else:
        assert response.status_code == missing.status_code == 404
        assert logs(org_a) == []


def test_every_view_is_logged_who_which_when_not_what(client, org_a, case):
    client.force_login(case.users["unit_leader"])
    url = reverse("incidents:detail", args=[case.incident.public_id])
    client.get(url)
    client.get(url)
    with tenant_scope(org_a.kommune):
        rows = list(IncidentViewLog.objects.order_by("pk"))
    assert [(r.incident_id, r.user.username, r.channel) for r in rows] == [
        (case.incident.pk, "lene", "portal")
    ] * 2
    assert all(r.viewed_at for r in rows)
    stored = {f.name for f in IncidentViewLog._meta.concrete_fields}
    assert stored == {"id", "kommune", "incident", "user", "username", "viewed_at", "channel"}


def test_escalation_opens_the_case_to_the_arbejdsmiljoeudvalg(client, org_a, case):
    """BEK § 31 stk. 2 nr. 8: what the AMG cannot solve goes to the arbejdsmiljøudvalg above it
    (here HovedMED, above the LokalMED); its members then handle the case."""
    client.force_login(case.users["amg_member"])
    response = client.post(
        reverse("incidents:escalate", args=[case.incident.public_id]),
        {"reason": "Kræver en fælles retningslinje for forældrekontakt"},
    )
    assert response.status_code == 302
    with tenant_scope(org_a.kommune):
        case.incident.refresh_from_db()
    assert case.incident.escalated_to.kind == Committee.Kind.HOVEDMED
    client.force_login(case.users["hovedmed_member"])
    assert (
        client.get(reverse("incidents:detail", args=[case.incident.public_id])).status_code == 200
    )


def test_the_injured_person_reads_but_does_not_handle(client, case):
    client.force_login(case.users["injured"])
    url = reverse("incidents:causes", args=[case.incident.public_id])
    assert client.post(url, {"causes": "x"}).status_code == 403
    page = client.get(reverse("incidents:detail", args=[case.incident.public_id])).content.decode()
    assert "Gem årsager" not in page


# --- the admin -----------------------------------------------------------------------------------


def admin_url(view, *args):
    return reverse(f"admin:incidents_incident_{view}", args=args)


def test_hr_without_the_grant_gets_no_detail_in_the_admin(client, org_a, case):
    client.force_login(case.users["hr_without_permission"])
    changelist = client.get(admin_url("changelist"))
    assert changelist.status_code == 200
    body = changelist.content.decode()
    assert case.incident.reference in body
    for detail in ("Vold", "Skolegården", "Skadet", "Alfa Skole Nord", "forælder"):
        assert detail not in body
    assert client.get(admin_url("change", case.incident.pk)).status_code == 404
    assert client.get(admin_url("history", case.incident.pk)).status_code == 404
    assert client.get(admin_url("add")).status_code == 403
    assert logs(org_a) == []


def test_hr_with_the_grant_sees_the_case_in_the_admin_and_is_logged(client, org_a, case):
    client.force_login(case.users["hr_with_permission"])
    assert "Vold" in client.get(admin_url("changelist")).content.decode()
    response = client.get(admin_url("change", case.incident.pk))
    assert response.status_code == 200
    assert "Slået af en forælder" in response.content.decode()
    assert logs(org_a) == [("hr_a", "admin")]


def test_only_a_superuser_grants_health_data_access(client, org_a, case):
    client.force_login(case.users["hr_with_permission"])
    assert client.get(reverse("admin:incidents_healthdataaccess_add")).status_code == 403


# --- forwarding to the union kreds ---------------------------------------------------------------


KREDS = uuid.UUID("00000000-0000-4000-8000-000000000022")
OTHER_KREDS = uuid.UUID("00000000-0000-4000-8000-000000000023")


def test_forwarding_requires_the_injured_persons_consent(org_a, case):
    with tenant_scope(org_a.kommune):
        amr = org_a.amr.person
        with pytest.raises(ValidationError, match="samtykke"):
            services.incident_forward(
                case.incident, kreds_public_id=KREDS, consent_given_on=None, forwarded_by=amr
            )
        assert not IncidentForward.objects.exists()
        assert not incident_visible_to_kreds_officer(case.incident, [KREDS])

        forward = services.incident_forward(
            case.incident,
            kreds_public_id=KREDS,
            consent_given_on=date(2026, 3, 10),
            forwarded_by=amr,
        )
    assert incident_visible_to_kreds_officer(case.incident, [KREDS])
    assert not incident_visible_to_kreds_officer(case.incident, [OTHER_KREDS])
    rows, total = incidents_forwarded_to_kreds(KREDS)
    assert ([i.pk for i in rows], total) == ([case.incident.pk], 1)
    assert incidents_forwarded_to_kreds(OTHER_KREDS) == ([], 0)

    with tenant_scope(org_a.kommune):
        services.incident_forward_withdraw(forward)
    assert not incident_visible_to_kreds_officer(case.incident, [KREDS])
    assert incidents_forwarded_to_kreds(KREDS) == ([], 0)


def test_the_kreds_list_pages_newest_first_and_counts_past_the_last_page(org_a, org_b, case):
    """The list the kreds reads (written out in SQL): the live forwards of this kreds, in any
    kommune, newest first, a page at a time with the total; past the last page, no rows and
    still the total; a withdrawn forward and another kreds' are not there."""
    forwards = {}
    for org, day, kreds in (
        (org_a, 5, KREDS),
        (org_b, 7, KREDS),
        (org_a, 6, KREDS),
        (org_a, 8, OTHER_KREDS),
    ):
        with tenant_scope(org.kommune):
            injured = f.person(org.kommune, "Ulla", f"Ulykke{day}", unit=org.workplace)
            incident = services.incident_report(
                kind=Kind.ARBEJDSULYKKE,
                occurred_on=date(2026, 3, day),
                place="Gangen",
                unit=org.workplace,
                description="Faldt",
                injured=injured,
                absence_first_day=date(2026, 3, day),
                absence_days=day,
            )
            forwards[day] = services.incident_forward(
                incident,
                kreds_public_id=kreds,
                consent_given_on=date(2026, 3, 10),
                forwarded_by=org.amr.person,
            )
    with tenant_scope(org_a.kommune):
        services.incident_forward_withdraw(forwards[6])

    rows, total = incidents_forwarded_to_kreds(KREDS, offset=0, limit=1)
    assert total == 2
    assert [(r.occurred_on, r.kommune.name, r.unit.name, r.absence_days) for r in rows] == [
        (date(2026, 3, 7), org_b.kommune.name, org_b.workplace.name, 7)
    ]
    rows, total = incidents_forwarded_to_kreds(KREDS, offset=1, limit=1)
    assert ([r.occurred_on for r in rows], total) == ([date(2026, 3, 5)], 2)
    assert rows[0].get_kind_display() == Kind.ARBEJDSULYKKE.label
    assert incidents_forwarded_to_kreds(KREDS, offset=5, limit=1) == ([], 2)
    rows, total = incidents_forwarded_to_kreds(KREDS)
    assert ([r.occurred_on.day for r in rows], total) == ([7, 5], 2)


def test_a_case_without_an_injured_person_cannot_be_forwarded(org_a, case):
    with tenant_scope(org_a.kommune):
        near_miss = services.incident_report(
            kind=Kind.TILLOEB,
            occurred_on=date(2026, 3, 9),
            place="Trappen",
            unit=org_a.workplace,
            description="Løst trappetrin",
        )
        with pytest.raises(ValidationError, match="tilskadekommen"):
            services.incident_forward(
                near_miss,
                kreds_public_id=KREDS,
                consent_given_on=date(2026, 3, 10),
                forwarded_by=org_a.amr.person,
            )


def test_the_amr_forwards_in_the_portal_and_the_injured_person_withdraws(
    client, org_a, case, monkeypatch
):
    monkeypatch.setattr("incidents.forms.kreds_choices", lambda: [(str(KREDS), "DLF Kreds 22")])
    url = reverse("incidents:forward", args=[case.incident.public_id])
    data = {"kreds": str(KREDS), "consent_given_on": "2026-03-10", "confirm": "on"}

    client.force_login(case.users["unit_leader"])  # a leader is not the AMR
    assert client.post(url, data).status_code == 403

    client.force_login(case.users["amg_member"])
    client.post(url, {**data, "confirm": ""})  # consent not confirmed: nothing forwarded
    with tenant_scope(org_a.kommune):
        assert not IncidentForward.objects.exists()
    assert client.post(url, data).status_code == 302
    with tenant_scope(org_a.kommune):
        forward = IncidentForward.objects.get()
    assert (forward.kreds_public_id, forward.forwarded_by.user.username) == (KREDS, "arne")

    client.force_login(case.users["injured"])
    page = client.get(reverse("incidents:detail", args=[case.incident.public_id])).content.decode()
    assert "DLF Kreds 22" in page and "Træk samtykke tilbage" in page
    client.post(reverse("incidents:forward_withdraw", args=[forward.public_id]))
    assert not incident_visible_to_kreds_officer(case.incident, [KREDS])

    client.force_login(case.users["amg_member"])  # only the injured person withdraws
    response = client.post(reverse("incidents:forward_withdraw", args=[forward.public_id]))
    assert response.status_code == 404
