"""GDPR (issue 17): the retention schedule with its dry run and nightly job, a person's export
(Art. 15) and erasure (Art. 17), and the record of processing (Art. 30) generated from the
models — with bad input changing nothing, and one kommune never touching another's data."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from committees.models import Membership
from core import privacy
from core.models import RetentionPolicy, RetentionRun
from core.tenancy import scopes_disabled, tenant_scope
from incidents.models import Incident, IncidentNotification
from organisations.models import Person
from reminders.models import ReminderPreference
from unions.models import UnionMembership

from . import factories as f
from .outbox_rows import rows_for_every_outbox
from .samples_incidents import make_incident

UTC = datetime.UTC
NOW = datetime.datetime(2026, 12, 3, 3, 40, tzinfo=UTC)

# Rows that point to a person without being their personal data in their own right: the
# committee's or the case's record, which stays when the person row is anonymised.
NOT_DECLARED = {
    "organisations.Unit": "the unit's leader: the organisation chart",
    "meetings.AgendaItem": "who proposed an item: the agenda's record",
    "meetings.ActionItem": "who owns an action: the referat's record",
    "meetings.Referat": "referent and approvers: the referat's record",
    "meetings.MeetingRequest": "who filed the request: the committee's record",
    "meetings.ItemAttachment": "who uploaded a file (retention: meetings.material)",
    "apv.ApvActionItem": "who owns a handlingsplan item: the APV's record",
    "incidents.IncidentMeasure": "who owns a measure: the case's record",
    "incidents.IncidentAttachment": "the case's photos (retention: incidents.cases)",
    "incidents.IncidentForward": "who forwarded a case: the case's record",
    "deadlines.Waiver": "who recorded a waiver: the deadline's record",
    "training.CourseDate": "a course's contact person",
}


def test_every_model_that_points_to_a_person_is_declared_or_explained():
    """The record of processing is generated from the declarations: a new model holding a
    person's data without one would be missing from it, so this fails."""
    declared = {item.model._meta.label for item in privacy.declarations()}
    missing = []
    for model in apps.get_models():
        if model.__name__.startswith("Historical") or model is Person:
            continue
        points = any(
            field.many_to_one and field.related_model is Person
            for field in model._meta.concrete_fields
        )
        label = model._meta.label
        if points and label not in declared and label not in NOT_DECLARED:
            missing.append(label)
    assert missing == []
    assert {"organisations.Person", "unions.UnionMembership", "incidents.Incident"} <= declared
    for item in privacy.declarations():
        for name in item.fields:
            assert item.label(name)  # every declared field exists, or is labelled
        assert item.erasure in {"delete", "anonymise", "keep"}
        assert item.erasure != "keep" or item.kept_because
        assert not item.retention or privacy.get_retention(item.retention)
    union = next(d for d in privacy.declarations() if d.model is UnionMembership)
    assert union.special and not union.hr_visible


# --- the retention schedule -----------------------------------------------------------------------


def closed_incident(org, closed_on: datetime.date) -> Incident:
    with tenant_scope(org.kommune):
        org.amr.person.email = "arne@a.dk"
        org.amr.person.save()
        return make_incident(
            org,
            injured=org.amr.person,
            description="Faldt på trappen, brækket håndled",
            causes="Glat gulv",
            absence_days=12,
            closed_on=closed_on,
        )


def runs(org) -> dict[str, RetentionRun]:
    with tenant_scope(org.kommune):
        return {r.category: r for r in RetentionRun.objects.order_by("ran_at")}


def set_policy(org, category: str, **fields) -> None:
    with tenant_scope(org.kommune):
        privacy.policies(org.kommune.pk)
        RetentionPolicy.objects.filter(category=category).update(**fields)


def test_the_first_nights_are_a_dry_run_that_changes_nothing(org_a):
    old = closed_incident(org_a, datetime.date(2020, 6, 1))  # more than 5 years closed
    recent = closed_incident(org_a, datetime.date(2025, 6, 1))
    with time_machine.travel(NOW, tick=False):
        assert privacy.retention_run() == 0
    run = runs(org_a)["incidents.cases"]
    assert (run.dry_run, run.found, run.done, run.days) == (True, 1, 0, 5 * 365)
    with tenant_scope(org_a.kommune):
        assert Incident.objects.get(pk=old.pk).description.startswith("Faldt")
        assert Incident.objects.get(pk=recent.pk).injured_id == org_a.amr.person.pk
        # Every kind of data has its policy, switched off, and a run on record.
        assert set(RetentionPolicy.objects.values_list("category", flat=True)) == {
            r.key for r in privacy.retentions()
        }
        assert not RetentionPolicy.objects.filter(enabled=True).exists()
    assert set(runs(org_a)) == {r.key for r in privacy.retentions()}


def test_switched_on_it_anonymises_old_cases_and_only_in_that_kommune(org_a, org_b):
    old_a = closed_incident(org_a, datetime.date(2020, 6, 1))
    recent_a = closed_incident(org_a, datetime.date(2025, 6, 1))
    old_b = closed_incident(org_b, datetime.date(2020, 6, 1))
    set_policy(org_a, "incidents.cases", enabled=True)
    with time_machine.travel(NOW, tick=False):
        assert privacy.retention_run() == 1
    run = runs(org_a)["incidents.cases"]
    assert (run.dry_run, run.found, run.done) == (False, 1, 1)
    with tenant_scope(org_a.kommune):
        old = Incident.objects.get(pk=old_a.pk)
        assert (old.description, old.causes, old.injured_id, old.absence_days) == ("", "", None, 0)
        assert (old.kind, old.occurred_on, old.unit_id) == (
            old_a.kind,
            old_a.occurred_on,
            old_a.unit_id,
        )  # the statistics stay
        assert Incident.objects.get(pk=recent_a.pk).description.startswith("Faldt")
    with tenant_scope(org_b.kommune):  # kommune B has not switched it on
        assert Incident.objects.get(pk=old_b.pk).description.startswith("Faldt")
    with time_machine.travel(NOW + datetime.timedelta(days=1), tick=False):
        assert privacy.retention_run() == 0  # nothing left to do


def test_a_kommune_chooses_within_the_legal_bounds(org_a):
    with tenant_scope(org_a.kommune):
        policy = privacy.policies(org_a.kommune.pk)["incidents.cases"]
        policy.days = 365  # below the 5 years the law requires
        with pytest.raises(Exception) as error:
            policy.full_clean()
        assert "1825" in str(error.value)
        policy.days = 7 * 365
        policy.full_clean()


def test_a_withdrawn_consent_takes_the_union_statement_with_it(org_a):
    from unions.models import Kreds
    from unions.models import Union as TradeUnion
    from unions.services import union_consent_withdraw, union_membership_state

    kreds = Kreds.objects.create(union=TradeUnion.objects.create(name="FOA"), name="Kreds 1")
    kreds.kommuner.add(org_a.kommune)
    with tenant_scope(org_a.kommune):
        statement = union_membership_state(
            person=org_a.amr.person, kreds=kreds, consent=True, acting_user=None
        )
        union_consent_withdraw(statement, acting_user=None)
    set_policy(org_a, "unions.statements", enabled=True)
    withdrawn = timezone.now()
    with time_machine.travel(withdrawn + datetime.timedelta(days=29), tick=False):
        privacy.retention_run()
    with tenant_scope(org_a.kommune):
        assert UnionMembership.objects.filter(pk=statement.pk).exists()
    with time_machine.travel(withdrawn + datetime.timedelta(days=31), tick=False):
        privacy.retention_run()
    with tenant_scope(org_a.kommune):
        assert not UnionMembership.objects.filter(pk=statement.pk).exists()
        assert not UnionMembership.history.filter(id=statement.pk).exists()


def test_copies_of_sent_emails_and_old_history_go(org_a):
    from core import outbox

    with time_machine.travel(datetime.datetime(2024, 1, 10, 9, tzinfo=UTC), tick=False):
        rows = rows_for_every_outbox(org_a)
        model, pk = rows["incidents.notification"]
        assert outbox.send_one("incidents.notification", pk) == "sent"
    set_policy(org_a, "core.sent_emails", enabled=True)
    set_policy(org_a, "core.history", enabled=True, days=365)
    with time_machine.travel(NOW, tick=False):
        privacy.retention_run()
    with tenant_scope(org_a.kommune):
        row = IncidentNotification.objects.get(pk=pk)
        assert (row.state, row.to_email, row.subject) == ("sent", "", "")
        assert row.sent_at is not None  # that it was sent stays
        assert not Person.history.filter(history_date__lt=NOW - datetime.timedelta(days=365))
        assert Person.objects.filter(pk=org_a.amr.person.pk).exists()  # the data itself stays
    assert runs(org_a)["core.history"].done > 0


def test_a_failing_category_is_recorded_and_the_others_run(org_a, monkeypatch):
    item = privacy.get_retention("apv.survey_answers")

    def broken(cutoff):
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(
        privacy._retentions, item.key, item.__class__(**{**item.__dict__, "expired": broken})
    )
    with time_machine.travel(NOW, tick=False):
        privacy.retention_run()
    recorded = runs(org_a)
    assert "disk on fire" in recorded["apv.survey_answers"].error
    assert recorded["incidents.cases"].error == ""


# --- the HR pages ---------------------------------------------------------------------------------


def test_hr_reads_the_dry_run_and_switches_deletion_on(client, org_a, hr_a):
    closed_incident(org_a, datetime.date(2020, 6, 1))
    client.force_login(hr_a)
    url = reverse("admin:privacy_retention")
    page = client.get(url).content.decode()
    assert "Hændelser med helbredsoplysninger" in page and "Ikke kørt endnu" in page
    response = client.post(url, {"preview": "1"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "1 række ville blive berørt (prøvekørsel)" in page
    with tenant_scope(org_a.kommune):
        assert Incident.objects.exclude(description="").count() == 1  # a preview deletes nothing

    form = {f"{r.key}-days": r.default_days for r in privacy.retentions()}
    bad = {**form, "incidents.cases-days": 30, "incidents.cases-enabled": "on"}
    page = client.post(url, bad).content.decode()
    assert "Vælg mellem 1825 og 3650 dage" in page and "Intet er gemt" in page
    with tenant_scope(org_a.kommune):
        assert not RetentionPolicy.objects.filter(enabled=True).exists()
    good = {**form, "incidents.cases-days": 6 * 365, "incidents.cases-enabled": "on"}
    assert client.post(url, good).status_code == 302
    with tenant_scope(org_a.kommune):
        policy = RetentionPolicy.objects.get(category="incidents.cases")
    assert (policy.days, policy.enabled) == (6 * 365, True)


def test_hr_limited_to_an_omraade_reads_the_schedule_but_cannot_change_it(
    client, org_a, hr_a_limited
):
    client.force_login(hr_a_limited)
    url = reverse("admin:privacy_retention")
    page = client.get(url).content.decode()
    assert "Kun HR for hele kommunen kan ændre perioderne." in page
    assert client.post(url, {"preview": "1"}).status_code == 403


def test_the_record_of_processing_is_generated_from_the_models(client, org_a, hr_a):
    client.force_login(hr_a)
    page = client.get(reverse("admin:privacy_record")).content.decode()
    for item in privacy.declarations():
        assert str(item.purpose) in page
    assert "særlig kategori (art. 9)" in page and "personens udtrykkelige samtykke" in page
    assert "1825 dage" in page  # the kommune's retention period, from its policy


# --- a person's rights ----------------------------------------------------------------------------


@pytest.fixture
def member(org_a):
    """Arne, AMR with a login, a union statement with consent, an injury and a reminder
    preference."""
    from unions.models import Kreds
    from unions.models import Union as TradeUnion
    from unions.services import union_membership_state

    kreds = Kreds.objects.create(union=TradeUnion.objects.create(name="FOA"), name="Kreds 1")
    kreds.kommuner.add(org_a.kommune)
    person = org_a.amr.person
    with tenant_scope(org_a.kommune):
        person.email = "arne@a.dk"
        person.employee_number = "A-1001"
        person.save()
        union_membership_state(person=person, kreds=kreds, consent=True, acting_user=None)
        make_incident(org_a, injured=person, description="Skåret i hånden")
        ReminderPreference.objects.create(kommune=org_a.kommune, person=person, frequency="weekly")
    return person


def test_a_person_sees_and_downloads_everything_about_them(client, org_a, member):
    f.login_as(client, org_a, member, "arne_login")
    page = client.get(reverse("portal:my_data")).content.decode()
    assert "Mine data" in page and "arne@a.dk" in page
    assert "Skåret i hånden" in page  # their own injury
    assert "Kreds 1" in page  # their union statement, which HR never sees
    response = client.get(reverse("portal:my_data") + "?format=json")
    assert response["Content-Disposition"] == 'attachment; filename="mine-data.json"'
    data = json.loads(response.content)
    kinds = {s["data"] for s in data["sections"]}
    assert {"personer", "medlemskaber af faglig organisation", "hændelser"} <= kinds
    assert org_a.leader_person.last_name not in response.content.decode()  # nobody else's


def test_hrs_export_leaves_out_union_membership_and_health(client, org_a, hr_a, member):
    client.force_login(hr_a)
    response = client.post(
        reverse("admin:organisations_person_changelist"),
        {"action": "export_personal_data", "_selected_action": [member.pk]},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    text = response.content.decode()
    data = json.loads(text)
    assert data["person"] == member.full_name
    assert "Kreds 1" not in text and "Skåret i hånden" not in text
    assert "A-1001" in text and "arne@a.dk" in text


def test_erasure_needs_a_person_who_has_left_and_a_confirmation(client, org_a, hr_a, member):
    client.force_login(hr_a)
    url = reverse("admin:organisations_person_changelist")
    action = {"action": "erase_personal_data", "_selected_action": [member.pk]}
    response = client.post(url, action, follow=True)
    assert "Kun personer, der er fratrådt, kan slettes." in response.content.decode()
    with tenant_scope(org_a.kommune):
        member.left_on = datetime.date(2026, 1, 31)
        member.save()
    page = client.post(url, action).content.decode()
    assert "Det kan ikke fortrydes" in page and member.full_name in page
    with tenant_scope(org_a.kommune):
        assert Person.objects.get(pk=member.pk).first_name == "Arne"  # nothing yet
    response = client.post(url, {**action, "confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "1 personer er anonymiseret" in page and "Bevaret:" in page
    with tenant_scope(org_a.kommune):
        erased = Person.objects.get(pk=member.pk)
        assert (erased.first_name, erased.last_name, erased.email, erased.employee_number) == (
            privacy.ANONYMOUS,
            "",
            "",
            "",
        )
        assert erased.user_id is None
        assert not Person.history.filter(id=member.pk).exists()  # the old names go too
        assert not ReminderPreference.objects.filter(person_id=member.pk).exists()
        assert not UnionMembership.objects.filter(person_id=member.pk).exists()
        # What the law keeps stays, without the name.
        assert Membership.objects.filter(person_id=member.pk).exists()
        assert Incident.objects.filter(injured_id=member.pk).exists()
    with scopes_disabled():
        assert not UnionMembership.history.filter(person_id=member.pk).exists()


def test_people_who_left_long_ago_are_anonymised_when_switched_on(org_a):
    with tenant_scope(org_a.kommune):
        gone = f.person(org_a.kommune, "Gitte", "Gammel", unit=org_a.workplace, email="g@a.dk")
        gone.left_on = datetime.date(2023, 1, 31)
        gone.save()
        stays = f.person(org_a.kommune, "Nina", "Ny", unit=org_a.workplace)
        stays.left_on = datetime.date(2026, 10, 31)
        stays.save()
    with time_machine.travel(NOW, tick=False):
        privacy.retention_run()
    assert runs(org_a)["organisations.left_people"].found == 1  # the dry run
    with tenant_scope(org_a.kommune):
        assert Person.objects.get(pk=gone.pk).first_name == "Gitte"
    set_policy(org_a, "organisations.left_people", enabled=True)
    with time_machine.travel(NOW, tick=False):
        privacy.retention_run()
    with tenant_scope(org_a.kommune):
        assert Person.objects.get(pk=gone.pk).first_name == privacy.ANONYMOUS
        assert Person.objects.get(pk=stays.pk).first_name == "Nina"


def test_login_logs_are_kept_for_the_set_period(settings, db):
    from axes.models import AccessLog

    settings.ACCESS_LOG_RETENTION_DAYS = 180
    old = AccessLog.objects.create(username="u", ip_address="10.0.0.1", user_agent="x")
    new = AccessLog.objects.create(username="u", ip_address="10.0.0.1", user_agent="x")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=NOW - datetime.timedelta(days=181))
    AccessLog.objects.filter(pk=new.pk).update(attempt_time=NOW - datetime.timedelta(days=179))
    with time_machine.travel(NOW, tick=False):
        assert privacy.login_logs_cleanup() == 1
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [new.pk]


def test_the_kreds_records_of_a_member_leave_with_the_consent(org_a):
    from unions.models import ElectionNotice, NetworkInvitation
    from unions.services import union_consent_withdraw

    rows = rows_for_every_outbox(org_a)  # a network invitation and an election notice
    with scopes_disabled():
        statement = UnionMembership.objects.get(person=org_a.amr.person)
    with tenant_scope(org_a.kommune):
        union_consent_withdraw(statement, acting_user=None)
    with scopes_disabled():
        assert not NetworkInvitation.objects.filter(pk=rows["unions.network_invitation"][1])
        assert not ElectionNotice.objects.filter(pk=rows["unions.election_notice"][1])
        assert UnionMembership.objects.filter(pk=statement.pk).exists()  # until its period ends
