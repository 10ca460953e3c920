"""Issue 14, the kreds' cadence (seeds 000 and 001): the AMR network groups meet 2–4 times a
year per kommunegruppe and the kreds holds a yearly meeting for AMR and TR — computed per year,
shown to the officers as due or overdue with dates and reminded by e-mail once; attendance and a
short referat on the meeting; and an AMR raising a concrete problem with the kreds from the
portal, answered by an officer (seed 000: "Henvende sig til Kredsens miljøansvarlige ved
konkrete problemstillinger").

Unions test data comes from tests/test_unions.py (build_world, join, member)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.celery import app as celery_app
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.models import Status
from unions.cadence import cadence_tick, due_dates, kreds_cadence
from unions.models import (
    KredsInquiry,
    KredsMessage,
    NetworkAttendance,
    NetworkGroup,
    NetworkInvitation,
    NetworkMeeting,
    UnionMembership,
)
from unions.services import (
    inquiry_answer,
    inquiry_raise,
    network_invitations_send,
    network_meeting_attendance_record,
    network_meeting_create,
    network_meeting_referat_save,
    union_consent_withdraw,
)

from . import factories as f
from .test_unions import build_world, count_queries, join, member

TZ = datetime.timezone(datetime.timedelta(hours=2))


def at(year, month, day, hour=9):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


@pytest.fixture
def world(org_a, org_b):
    return build_world(org_a, org_b)


def meeting(group, when, theme="Tema") -> NetworkMeeting:
    return NetworkMeeting.objects.create(group=group, starts_at=when, theme=theme, location="Kreds")


def network(world, name="AMR-netværk Vest", per_year=2) -> NetworkGroup:
    return NetworkGroup.objects.create(
        kreds=world.kreds, kommunegruppe=world.gruppe_a, name=name, meetings_per_year=per_year
    )


def yearly(world) -> NetworkGroup:
    return NetworkGroup.objects.create(
        kreds=world.kreds,
        name="Årsmøde AMR og TR",
        kind=NetworkGroup.Kind.YEARLY,
        roles=NetworkGroup.Roles.AMR_TR,
    )


def duties_by_title(kreds, year, now):
    return {d.title: d for d in kreds_cadence(kreds, year=year, now=now)}


# --- the cadence ---------------------------------------------------------------------------------


def test_the_meetings_are_spread_over_the_year():
    """Seed 001: 2–4 meetings a year; the k-th is due by the end of month 12·k/N."""
    assert due_dates(2026, 1) == [datetime.date(2026, 12, 31)]
    assert due_dates(2026, 2) == [datetime.date(2026, 6, 30), datetime.date(2026, 12, 31)]
    assert due_dates(2026, 3)[0] == datetime.date(2026, 4, 30)
    assert due_dates(2026, 4)[:2] == [datetime.date(2026, 3, 31), datetime.date(2026, 6, 30)]


def test_a_group_with_one_meeting_in_the_year_is_short_and_two_are_fine(world):
    """Seed 001: "AMR'erne vil mødes 2-4 om året": a group with 1 meeting is short."""
    group = network(world)
    meeting(group, at(2026, 3, 10))
    meeting(group, at(2025, 11, 10))  # last year's: does not count
    with time_machine.travel(at(2026, 7, 10), tick=False):
        duty = duties_by_title(world.kreds, 2026, timezone.now())["AMR-netværk Vest"]
        assert (duty.held, duty.planned, duty.required) == (1, 0, 2)
        assert duty.short and duty.next_due == datetime.date(2026, 12, 31)
        assert duty.status == Status.UPCOMING  # more than 60 days before the second is due

    with time_machine.travel(at(2026, 11, 15), tick=False):
        duty = duties_by_title(world.kreds, 2026, timezone.now())["AMR-netværk Vest"]
        assert duty.status == Status.DUE_SOON

    # A year that ended with one meeting is overdue.
    with time_machine.travel(at(2027, 1, 5), tick=False):
        duty = duties_by_title(world.kreds, 2026, timezone.now())["AMR-netværk Vest"]
        assert duty.short and duty.status == Status.OVERDUE

    # A second meeting in the year: planned, then done once held.
    meeting(group, at(2026, 12, 1))
    with time_machine.travel(at(2026, 11, 15), tick=False):
        duty = duties_by_title(world.kreds, 2026, timezone.now())["AMR-netværk Vest"]
        assert (duty.held, duty.planned, duty.status) == (1, 1, "planned") and not duty.short
    with time_machine.travel(at(2026, 12, 2), tick=False):
        duty = duties_by_title(world.kreds, 2026, timezone.now())["AMR-netværk Vest"]
        assert duty.status == Status.DONE and duty.next_due is None


def test_a_group_without_a_meeting_before_the_first_due_date_is_overdue(world):
    group = network(world, per_year=4)
    with time_machine.travel(at(2026, 4, 2), tick=False):
        duty = duties_by_title(world.kreds, 2026, timezone.now())[group.name]
        assert duty.next_due == datetime.date(2026, 3, 31) and duty.status == Status.OVERDUE


def test_the_kreds_owes_one_yearly_meeting_for_amr_and_tr(world):
    """Seed 000: "Planlægge og afholde et årligt møde for AMR og TR" — owed even before the
    kreds has made the group for it."""
    with time_machine.travel(at(2026, 11, 15), tick=False):
        first = kreds_cadence(world.kreds, year=2026)[0]
        assert first.group is None and first.kind == NetworkGroup.Kind.YEARLY
        assert first.required == 1 and first.next_due == datetime.date(2026, 12, 31)
        assert first.status == Status.DUE_SOON
    group = yearly(world)
    meeting(group, at(2026, 9, 20))
    with time_machine.travel(at(2026, 11, 15), tick=False):
        first = kreds_cadence(world.kreds, year=2026)[0]
        assert first.group == group and first.status == Status.DONE
    # One yearly group per kreds, always kreds-wide and for AMR and TR.
    client_error = NetworkGroup(
        kreds=world.kreds, name="Andet", kind=NetworkGroup.Kind.YEARLY, roles="amr_tr"
    )
    with pytest.raises(Exception, match="allerede"):
        client_error.full_clean()


# --- the reminders -------------------------------------------------------------------------------


def test_the_officers_are_reminded_once_before_and_once_after_the_due_date(
    world, org_a, eager_celery, django_capture_on_commit_callbacks
):
    """The daily tick (config/celery.py beat) makes one row per kreds, due date and stage; a
    second run sends nothing new; a meeting planned meanwhile drops out of the e-mail."""
    assert celery_app.conf.beat_schedule["unions-cadence-tick"]["args"][0] == "unions.cadence_tick"
    network(world, name="AMR-netværk Vest")
    network(world, name="AMR-netværk Øst")
    yearly(world)
    with time_machine.travel(at(2026, 5, 15), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert cadence_tick() == 1  # both groups: their first meeting by 30 June
        with django_capture_on_commit_callbacks(execute=True):
            assert cadence_tick() == 0
    [reminder] = mail.outbox
    assert sorted(reminder.to) == ["officer_zulu@example.dk", "zulu22@kreds.example"]
    assert "senest 30. juni 2026" in reminder.subject
    assert "AMR-netværk Vest: 0 af 2 møder i 2026" in reminder.body
    assert "AMR-netværk Øst" in reminder.body
    assert "Årsmøde" not in reminder.body  # due 31 December: not yet
    assert f"/kreds/{world.kreds.public_id}/moederytme/" in reminder.body
    assert reminder.alternatives[0][1] == "text/html"
    with scopes_disabled():
        row = KredsMessage.objects.get()
        assert (row.kind, row.due_date, row.state) == ("due", datetime.date(2026, 6, 30), "sent")
        assert row.kommune_id == min(world.kreds.kommuner.values_list("pk", flat=True))

    # One group meets; after 30 June only the other is overdue.
    meeting(NetworkGroup.objects.get(name="AMR-netværk Vest"), at(2026, 6, 20))
    with time_machine.travel(at(2026, 7, 2), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert cadence_tick() == 1
        with django_capture_on_commit_callbacks(execute=True):
            assert cadence_tick() == 0
    overdue = mail.outbox[1]
    assert overdue.subject.startswith("Overskredet")
    assert "AMR-netværk Øst: 0 af 2 møder i 2026" in overdue.body
    assert "AMR-netværk Vest" not in overdue.body
    assert len(mail.outbox) == 2


def test_a_reminder_is_skipped_when_the_meeting_was_planned_before_it_went_out(world):
    group = network(world)
    with time_machine.travel(at(2026, 5, 15), tick=False):
        cadence_tick()  # queued, not sent yet (no on_commit run)
    meeting(group, at(2026, 6, 10))
    with scopes_disabled():
        row = KredsMessage.objects.get()
    from core import outbox

    with time_machine.travel(at(2026, 5, 16), tick=False):
        assert outbox.send_one("unions.kreds_message", row.pk) == "skipped"
    assert mail.outbox == []


# --- attendance, referat, and the inquiry: end to end through the services --------------------


def test_it_walks_the_cadence_end_to_end_through_the_services(
    org_a, org_b, world, eager_celery, django_capture_on_commit_callbacks
):
    """Seed 001 network meeting → attendance and referat → the members read it; seed 000 an
    AMR raises a concrete problem → the officers are told → an officer answers → the AMR is
    told and reads it; every change is a history row naming who made it; the consent withdrawn,
    the kreds loses it all."""
    asta = member(org_a, "Asta", "Alfamedlem")
    bent = member(org_a, "Bent", "Bentsen")
    asta_um, bent_um = join(asta, world.kreds), join(bent, world.kreds)
    group = network(world)
    officer = world.officer

    with time_machine.travel(at(2026, 3, 1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            planned = network_meeting_create(
                group=group,
                starts_at=at(2026, 3, 10, 15),
                theme="Psykisk arbejdsmiljø",
                location="Kredskontoret",
                acting_user=officer,
            )
        network_invitations_send(planned.pk)
        # Before the meeting: no attendance, no referat.
        with pytest.raises(Exception, match="når mødet er begyndt"):
            network_meeting_attendance_record(
                planned, attended_ids={asta_um.pk}, acting_user=officer
            )
    mail.outbox.clear()

    with time_machine.travel(at(2026, 3, 11), tick=False):
        # Only invited members can be ticked off.
        outsider = join(member(org_b, "Ole", "Udenfor"), world.kreds)
        with pytest.raises(Exception, match="inviterede"):
            network_meeting_attendance_record(
                planned, attended_ids={outsider.pk}, acting_user=officer
            )
        with scopes_disabled():
            assert not NetworkAttendance.objects.exists()
        assert network_meeting_attendance_record(
            planned, attended_ids={asta_um.pk, bent_um.pk}, acting_user=officer
        ) == (2, 0)
        assert network_meeting_attendance_record(
            planned, attended_ids={asta_um.pk}, acting_user=officer
        ) == (0, 1)
        network_meeting_referat_save(
            planned, referat="Vi talte om opgavebalance.", acting_user=officer
        )
        with scopes_disabled():
            history = NetworkAttendance.history.order_by("history_id")
            assert [(h.history_type, h.history_user) for h in history] == [
                ("+", officer),
                ("+", officer),
                ("-", officer),
            ]
            assert NetworkAttendance.objects.get().union_membership == asta_um
        assert planned.history.first().history_user == officer
        assert planned.history.first().referat == "Vi talte om opgavebalance."

        # The AMR raises a problem: the officers are told.
        with tenant_scope(org_a.kommune), django_capture_on_commit_callbacks(execute=True):
            inquiry = inquiry_raise(
                membership=asta_um,
                subject="Støj i klasselokalet",
                text="Lydniveauet er over grænsen i tre lokaler.",
                acting_user=asta.user if asta.user_id else None,
            )
        [raised] = mail.outbox
        assert sorted(raised.to) == ["officer_zulu@example.dk", "zulu22@kreds.example"]
        assert raised.subject == "Henvendelse fra Asta Alfamedlem: Støj i klasselokalet"
        assert "Lydniveauet er over grænsen i tre lokaler." in raised.body
        assert f"/kreds/{world.kreds.public_id}/henvendelser/{inquiry.public_id}/" in raised.body

        with django_capture_on_commit_callbacks(execute=True):
            inquiry_answer(inquiry, answer="Vi tager det op i HovedMED.", acting_user=officer)
        answered = mail.outbox[1]
        assert answered.to == ["asta.alfamedlem@x.dk"]
        assert answered.subject == "Svar fra kredsen: Støj i klasselokalet"
        assert "Vi tager det op i HovedMED." in answered.body
        assert f"/kreds/mit-medlemskab/henvendelser/{inquiry.public_id}/" in answered.body
        # Answered once: a second answer changes nothing.
        with pytest.raises(Exception, match="allerede besvaret"):
            inquiry_answer(inquiry, answer="Et andet svar", acting_user=officer)
        with tenant_scope(org_a.kommune):
            inquiry.refresh_from_db()
            assert inquiry.answer == "Vi tager det op i HovedMED."
            assert inquiry.history.order_by("history_id").last().history_user == officer
            assert inquiry.history.count() == 2

    # The consent withdrawn: the kreds loses attendance and inquiry at once.
    with tenant_scope(org_a.kommune):
        union_consent_withdraw(asta_um, acting_user=None)
    with scopes_disabled():
        assert not NetworkAttendance.objects.filter(union_membership=asta_um).exists()
        assert not NetworkAttendance.history.filter(union_membership_id=asta_um.pk).exists()
    from django.http import Http404

    from unions.access import get_inquiry_for_officer

    with pytest.raises(Http404):
        get_inquiry_for_officer(world.kreds, inquiry.public_id)


def test_an_inquiry_needs_consent_and_text(org_a, world):
    asta = member(org_a, "Asta", "Alfamedlem")
    um = join(asta, world.kreds, consent=False)
    with tenant_scope(org_a.kommune):
        with pytest.raises(Exception, match="samtykke"):
            inquiry_raise(membership=um, subject="Emne", text="Tekst", acting_user=None)
        um = join(asta, world.kreds)
        with pytest.raises(Exception, match="emne"):
            inquiry_raise(membership=um, subject="  ", text="Tekst", acting_user=None)
        assert not KredsInquiry.objects.exists()
        assert not KredsMessage.objects.exists()


# --- the pages -----------------------------------------------------------------------------------


@pytest.fixture
def asta_world(org_a, org_b, world):
    asta = member(org_a, "Asta", "Alfamedlem")
    user = f.user("asta_amr")
    with tenant_scope(org_a.kommune):
        asta.user = user
        asta.save()
    membership = join(asta, world.kreds)
    return user, asta, membership


def test_the_member_writes_and_the_officer_answers_in_the_pages(
    client,
    org_a,
    world,
    asta_world,
    employee_a,
    hr_a,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    user, asta, membership = asta_world
    client.force_login(user)
    page = client.get(reverse("unions:my_union")).content.decode()
    assert "Skriv til kredsen om en konkret problemstilling" in page
    url = reverse("unions:my_inquiry_new")
    # Bad input: a clear Danish error, nothing saved.
    response = client.post(url, {"subject": "", "text": "x"})
    assert response.status_code == 400 and "Dette felt er påkrævet." in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert not KredsInquiry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"subject": "Indeklima", "text": "For varmt i lokale 12"})
    with tenant_scope(org_a.kommune):
        inquiry = KredsInquiry.objects.get()
        assert inquiry.history.get().history_user == user
    assert response["Location"] == reverse("unions:my_inquiry", args=[inquiry.public_id])
    assert "Kredsen har ikke svaret endnu" in client.get(response["Location"]).content.decode()

    # The officer of another kreds, a missing id: the same 404.
    other = client_for(world.other_officer)
    assert other.get(inquiry_url(world.other_kreds, inquiry)).status_code == 404
    assert other.get(inquiry_url(world.kreds, inquiry)).status_code == 404
    officer = client_for(world.officer)
    missing = reverse("unions:inquiry", args=[world.kreds.public_id, world.kreds.public_id])
    assert officer.get(missing).status_code == 404
    listing = officer.get(reverse("unions:inquiries", args=[world.kreds.public_id]))
    assert "Indeklima" in listing.content.decode() and "Afventer svar" in listing.content.decode()
    response = officer.post(inquiry_url(world.kreds, inquiry), {"answer": "   "})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = officer.post(inquiry_url(world.kreds, inquiry), {"answer": "Vi ringer i dag."})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["asta.alfamedlem@x.dk"]
    assert (
        "Vi ringer i dag."
        in client.get(reverse("unions:my_inquiry", args=[inquiry.public_id])).content.decode()
    )

    # Another employee of the kommune, and HR, never reach it: the 404 of a missing one.
    for other_user in (employee_a, hr_a):
        response = client_for(other_user).get(
            reverse("unions:my_inquiry", args=[inquiry.public_id])
        )
        assert response.status_code == 404


def client_for(user):
    from django.test import Client

    c = Client()
    c.force_login(user)
    return c


def inquiry_url(kreds, inquiry):
    return reverse("unions:inquiry", args=[kreds.public_id, inquiry.public_id])


def test_the_officer_records_attendance_and_referat_that_the_invited_read(
    client, org_a, world, asta_world
):
    user, asta, membership = asta_world
    group = network(world)
    with time_machine.travel(at(2026, 3, 1), tick=False):
        planned = network_meeting_create(
            group=group,
            starts_at=at(2026, 3, 10, 15),
            theme="Støj",
            location="Kredskontoret",
            acting_user=world.officer,
        )
    officer = client_for(world.officer)
    url = reverse("unions:meeting", args=[world.kreds.public_id, planned.public_id])
    with time_machine.travel(at(2026, 3, 11), tick=True):
        bad = officer.post(url, {"action": "attendance", "attended": ["999999"]})
        assert bad.status_code == 400
        assert "Vælg blandt mødets inviterede medlemmer." in bad.content.decode()
        ok = officer.post(url, {"action": "attendance", "attended": [str(membership.pk)]})
        assert ok.status_code == 302
        officer.post(url, {"action": "referat", "referat": "Kort referat om støj."})
        page = officer.get(url).content.decode()
        assert "Deltog" in page and "Kort referat om støj." in page
    with scopes_disabled():
        assert NetworkAttendance.history.get().history_user == world.officer
    client.force_login(user)
    home = client.get(reverse("unions:my_union")).content.decode()
    assert "Støj" in home
    mine = client.get(reverse("unions:my_meeting", args=[planned.public_id]))
    assert "Kort referat om støj." in mine.content.decode()
    # Someone not invited: 404.
    with tenant_scope(org_a.kommune):
        NetworkInvitation.objects.filter(union_membership=membership).delete()
    assert client.get(reverse("unions:my_meeting", args=[planned.public_id])).status_code == 404


def test_the_cadence_page_shows_due_and_overdue_with_dates(client, world):
    group = network(world)
    meeting(group, at(2026, 3, 10))
    client.force_login(world.officer)
    with time_machine.travel(at(2026, 11, 15), tick=True):
        page = client.get(reverse("unions:cadence", args=[world.kreds.public_id]))
        bad = client.get(reverse("unions:cadence", args=[world.kreds.public_id]) + "?aar=abc")
    text = page.content.decode()
    assert "Møderytme 2026" in text
    assert "AMR-netværk Vest" in text and "1 af 2 holdt" in text
    assert "31. december 2026" in text and "Snart" in text
    assert "Årligt møde for AMR og TR" in text
    assert "Ukendt år; viser i år." in bad.content.decode()
    assert (
        client_for(world.other_officer)
        .get(reverse("unions:cadence", args=[world.kreds.public_id]))
        .status_code
        == 404
    )


def test_the_cadence_and_inquiry_pages_run_the_same_queries_for_few_and_many(client, org_a, world):
    def fill(n, start):
        for i in range(start, start + n):
            group = NetworkGroup.objects.create(
                kreds=world.kreds, kommunegruppe=world.gruppe_a, name=f"Netværk {i:03d}"
            )
            meeting(group, at(2026, 2, 1))
            meeting(group, at(2026, 9, 1))
            person = member(org_a, f"Medlem{i}", "Test")
            um = join(person, world.kreds)
            with tenant_scope(org_a.kommune):
                inquiry_raise(membership=um, subject=f"Emne {i}", text="Tekst", acting_user=None)

    client.force_login(world.officer)
    urls = [
        reverse("unions:cadence", args=[world.kreds.public_id]),
        reverse("unions:inquiries", args=[world.kreds.public_id]),
    ]
    fill(2, 0)
    for url in urls:
        count_queries(client, url)
    small = [count_queries(client, url) for url in urls]
    fill(20, 2)
    large = [count_queries(client, url) for url in urls]
    assert small == large, (small, large)
    with scopes_disabled():
        assert UnionMembership.objects.count() == 22
