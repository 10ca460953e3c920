"""Dispatch of agendas and invitations: the scheduled job sends agenda (PDF) and a calendar
invitation to every member no later than 7 days before, once; changes send an update with the
same UID and a higher SEQUENCE; a cancellation sends METHOD:CANCEL; late dispatch is a deadline."""

from __future__ import annotations

import datetime
import io
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar
from pypdf import PdfReader

from core.tenancy import tenant_scope
from deadlines.models import Deadline
from meetings import services
from meetings.access import FIRST_SLOT, SECOND_SLOT
from meetings.models import Meeting, MeetingMessage, Procedure
from meetings.tasks import meetings_send_messages, meetings_tick_kommune
from reminders.services import preference_set

from .samples_meetings import CPH, at, build_med, new_meeting

MEETING_DAY = date(2026, 3, 2)
DISPATCH_DAY = date(2026, 2, 23)  # 7 days before


@pytest.fixture
def w(org_a):
    with at(date(2026, 1, 5)):
        return build_med(org_a)


@pytest.fixture
def meeting(w, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with at(date(2026, 1, 5)):
        return new_meeting(w, MEETING_DAY, location="Rådhuset, mødelokale 2")


def tick(w, day, hour=6):
    with at(day, hour):
        return services.agendas_dispatch(w.kommune.pk)


def invitation(message) -> Calendar:
    attached = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(attached) == 1
    name, content, mimetype = attached[0]
    assert mimetype.startswith("text/calendar")
    return Calendar.from_ical(content)


def event_of(calendar: Calendar):
    return next(c for c in calendar.walk() if c.name == "VEVENT")


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_it_sends_agenda_and_invitation_7_days_before_once(w, meeting):
    """Seed 003: "Udsendelse af materiale til møderne sker senest 7 dage før mødet"."""
    assert tick(w, DISPATCH_DAY - datetime.timedelta(days=1)) == []
    assert mail.outbox == []
    assert tick(w, DISPATCH_DAY) == [meeting.pk]
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted(p.email for p in (w.formand, w.naestformand, w.sekretaer, w.rep))
    message = mail.outbox[0]
    assert message.subject.startswith("Dagsorden: Alfa LokalMED Nord")
    assert message.alternatives and "text/html" in message.alternatives[0][1]
    pdf = next(a for a in message.attachments if a[0].endswith(".pdf"))
    text = pdf_text(pdf[1])
    assert "Dagsorden" in text and "Orientering om arbejdsmiljø" in text
    assert "mandag 2. marts 2026" in text
    calendar = invitation(message)
    assert calendar["method"] == "REQUEST"
    event = event_of(calendar)
    with tenant_scope(w.kommune):
        meeting.refresh_from_db()
    assert str(event["uid"]) == meeting.ical_uid
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstart") == meeting.starts_at()
    assert str(event["location"]) == "Rådhuset, mødelokale 2"
    attendees = {str(a).removeprefix("mailto:") for a in event.get("attendee")}
    assert w.rep.email in attendees

    # Run again, and again the next day: nothing more is sent.
    sent = len(mail.outbox)
    assert tick(w, DISPATCH_DAY, 18) == []
    assert tick(w, DISPATCH_DAY + datetime.timedelta(days=1)) == []
    assert len(mail.outbox) == sent
    with tenant_scope(w.kommune):
        assert MeetingMessage.objects.filter(state="sent").count() == 4
        deadline = Deadline.objects.get(rule="meetings.agenda_dispatch", key=f"m{meeting.pk}")
        assert deadline.state == "done" and deadline.done_on == DISPATCH_DAY
        assert deadline.due_date == DISPATCH_DAY


def test_two_workers_claim_the_dispatch_once(w, meeting):
    """The conditional UPDATE on the meeting lets exactly one call through."""
    with at(DISPATCH_DAY), tenant_scope(w.kommune):
        first = services.meeting_dispatch_agenda(meeting.pk)
        second = services.meeting_dispatch_agenda(meeting.pk)
        assert (first, second) == (True, False)
        assert MeetingMessage.objects.filter(meeting=meeting).count() == 4
        services.messages_send()
        services.messages_send()
    assert len(mail.outbox) == 4


def test_a_settled_agenda_goes_out_at_once_and_the_local_days_count(w, meeting):
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        services.agenda_settle(meeting)
    assert tick(w, date(2026, 2, 1), 13) == [meeting.pk]
    with at(date(2026, 1, 5)), tenant_scope(w.kommune):
        services.procedure_save(Procedure(kommune=w.kommune, committee=w.org.amg, dispatch_days=10))
        amg_meeting = services.meeting_create(committee=w.org.amg, date=MEETING_DAY)
    assert tick(w, MEETING_DAY - datetime.timedelta(days=11)) == []
    assert tick(w, MEETING_DAY - datetime.timedelta(days=10)) == [amg_meeting.pk]


def test_late_dispatch_is_an_overdue_deadline(w, meeting, settings):
    with at(DISPATCH_DAY + datetime.timedelta(days=2)), tenant_scope(w.kommune):
        deadline = Deadline.objects.get(rule="meetings.agenda_dispatch", key=f"m{meeting.pk}")
        assert deadline.state == "open" and deadline.due_date == DISPATCH_DAY
        assert deadline.status_on(date(2026, 2, 25)) == "overdue"
    # The job catches up (the workers were down); the deadline is done, late.
    assert tick(w, date(2026, 2, 25)) == [meeting.pk]
    with tenant_scope(w.kommune):
        deadline.refresh_from_db()
        assert deadline.state == "done" and deadline.done_on == date(2026, 2, 25)


def test_a_change_sends_an_update_with_the_same_uid_and_a_higher_sequence(w, meeting):
    tick(w, DISPATCH_DAY)
    first = event_of(invitation(mail.outbox[0]))
    mail.outbox.clear()
    with at(DISPATCH_DAY, 14), tenant_scope(w.kommune):
        meeting.refresh_from_db()
        meeting.start_time = datetime.time(10)
        meeting.end_time = datetime.time(12)
        services.meeting_save(meeting)
        meetings_send_messages(meeting.pk)
    assert len(mail.outbox) == 4
    message = mail.outbox[0]
    assert message.subject.startswith("Ændret møde")
    calendar = invitation(message)
    assert calendar["method"] == "REQUEST"
    event = event_of(calendar)
    assert str(event["uid"]) == str(first["uid"])
    assert int(event["sequence"]) == int(first["sequence"]) + 1 == 1
    assert event.decoded("dtstart").astimezone(datetime.UTC).hour == 9  # 10:00 CET
    # A change that touches nothing of the invitation sends nothing.
    mail.outbox.clear()
    with at(DISPATCH_DAY, 15), tenant_scope(w.kommune):
        meeting.includes_amo_discussion = True
        services.meeting_save(meeting)
        services.messages_send()
    assert mail.outbox == []


def test_a_cancellation_sends_method_cancel(w, meeting):
    tick(w, DISPATCH_DAY)
    uid = str(event_of(invitation(mail.outbox[0]))["uid"])
    mail.outbox.clear()
    with at(DISPATCH_DAY, 14), tenant_scope(w.kommune):
        meeting.refresh_from_db()
        services.meeting_cancel(meeting, reason="Formanden er syg")
        with pytest.raises(ValidationError):
            services.meeting_cancel(meeting)
        services.messages_send()
        deadline = Deadline.objects.get(rule="meetings.agenda_dispatch", key=f"m{meeting.pk}")
        assert deadline.state == "done"  # it was sent; the cancellation keeps that history
    assert len(mail.outbox) == 4
    message = mail.outbox[0]
    assert message.subject.startswith("Aflyst")
    assert "Formanden er syg" in message.body
    calendar = invitation(message)
    assert calendar["method"] == "CANCEL"
    event = event_of(calendar)
    assert str(event["uid"]) == uid
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"
    assert not any(a[0].endswith(".pdf") for a in message.attachments)


def test_a_cancelled_meeting_before_dispatch_sends_nothing_and_its_deadline_lapses(w, meeting):
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        services.meeting_cancel(meeting)
    assert tick(w, DISPATCH_DAY) == []
    assert mail.outbox == []
    with tenant_scope(w.kommune):
        deadline = Deadline.objects.get(rule="meetings.agenda_dispatch", key=f"m{meeting.pk}")
        assert deadline.state == "cancelled"


def test_material_is_attached_and_a_failed_send_is_retried(w, meeting, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        item = services.item_add(meeting, title="Budget")
        services.attachment_add(
            item, upload=SimpleUploadedFile("budget.pdf", b"%PDF-1.4 x", "application/pdf")
        )
    from core import outbox

    calls = {"n": 0}
    real = outbox.send_templated

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise OSError("SMTP nede")
        return real(*args, **kwargs)

    monkeypatch.setattr(outbox, "send_templated", flaky)
    tick(w, DISPATCH_DAY)
    with tenant_scope(w.kommune):
        failed = MeetingMessage.objects.get(state="pending")
        assert failed.attempts == 1 and "SMTP nede" in failed.last_error
    assert len(mail.outbox) == 3
    assert any(a[0] == "budget.pdf" for a in mail.outbox[0].attachments)
    tick(w, DISPATCH_DAY, 8)  # the retry is due 15 minutes later
    assert len(mail.outbox) == 4
    with tenant_scope(w.kommune):
        assert not MeetingMessage.objects.exclude(state="sent").exists()


def test_the_celery_tasks_take_ids_and_are_safe_to_repeat(w, meeting):
    with at(DISPATCH_DAY):
        assert meetings_tick_kommune(w.kommune.pk) == 1
        assert meetings_tick_kommune(w.kommune.pk) == 0
    assert len(mail.outbox) == 4
    with tenant_scope(w.kommune):
        assert Meeting.objects.get(pk=meeting.pk).dispatched_at is not None


# --- each member in their own language ----------------------------------------------------------


def prefers_english(w, person):
    with tenant_scope(w.kommune):
        preference_set(person, frequency="daily", language="en")


def mail_to(person):
    (message,) = [m for m in mail.outbox if m.to == [person.email]]
    return message


def test_each_member_gets_the_agenda_in_their_own_language_once(w, meeting):
    """One e-mail per member, rendered in the language they chose (their reminder preference);
    the agenda PDF is the committee's document and stays Danish for everyone."""
    prefers_english(w, w.rep)
    assert tick(w, DISPATCH_DAY) == [meeting.pk]
    assert all(len(m.to) == 1 for m in mail.outbox) and len(mail.outbox) == 4
    english = mail_to(w.rep)
    assert english.subject == "Agenda: Alfa LokalMED Nord March 2, 2026"
    assert english.extra_headers["Content-Language"] == "en"
    assert "Dear Rasmus" in english.body
    assert "Please find the agenda and material for the meeting of Alfa LokalMED Nord" in (
        english.body
    )
    assert '<html lang="en">' in english.alternatives[0][0]
    assert "Kære" not in english.body and "Hermed" not in english.body
    summary = str(event_of(invitation(english))["summary"])
    assert summary == "Meeting of Alfa LokalMED Nord"
    text = pdf_text(next(a for a in english.attachments if a[0].endswith(".pdf"))[1])
    assert "Dagsorden" in text and "mandag 2. marts 2026" in text
    for person in (w.formand, w.naestformand, w.sekretaer):
        danish = mail_to(person)
        assert danish.subject == "Dagsorden: Alfa LokalMED Nord 2. marts 2026"
        assert danish.extra_headers["Content-Language"] == "da"
        assert f"Kære {person.first_name}" in danish.body
        assert str(event_of(invitation(danish))["summary"]) == "Møde i Alfa LokalMED Nord"
    with tenant_scope(w.kommune):
        rows = MeetingMessage.objects.filter(meeting=meeting, kind="agenda", state="sent")
        subjects = dict(rows.values_list("recipient_id", "subject"))
    assert subjects[w.rep.pk].startswith("Agenda:")
    assert subjects[w.formand.pk].startswith("Dagsorden:")
    # The claims are per person, whatever the language: a second run sends nothing.
    assert tick(w, DISPATCH_DAY, 18) == []
    with tenant_scope(w.kommune):
        services.messages_send()
    assert len(mail.outbox) == 4


def test_changes_cancellations_and_the_referat_follow_the_language(w, meeting):
    prefers_english(w, w.rep)
    prefers_english(w, w.formand)
    tick(w, DISPATCH_DAY)
    mail.outbox.clear()
    with at(DISPATCH_DAY, 14), tenant_scope(w.kommune):
        meeting.refresh_from_db()
        meeting.start_time, meeting.end_time = datetime.time(10), datetime.time(12)
        services.meeting_save(meeting)
        services.messages_send()
    assert mail_to(w.rep).subject == "Meeting changed: Alfa LokalMED Nord March 2, 2026"
    assert mail_to(w.formand).subject.startswith("Meeting changed:")
    assert mail_to(w.sekretaer).subject == "Ændret møde: Alfa LokalMED Nord 2. marts 2026"
    assert "The attached calendar invitation updates the meeting" in mail_to(w.rep).body

    mail.outbox.clear()
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        services.referat_approve(meeting, person=w.formand, slots={FIRST_SLOT})
        services.referat_approve(meeting, person=w.naestformand, slots={SECOND_SLOT})
        services.messages_send()
    assert mail_to(w.rep).subject == "Minutes: Alfa LokalMED Nord March 2, 2026"
    assert mail_to(w.naestformand).subject == "Referat: Alfa LokalMED Nord 2. marts 2026"
    referat_pdf = next(a for a in mail_to(w.rep).attachments if a[0].endswith(".pdf"))
    assert "Referat" in pdf_text(referat_pdf[1])  # the document itself stays Danish

    with at(date(2026, 1, 5)):
        later = new_meeting(w, date(2026, 4, 13))
    tick(w, date(2026, 4, 6))
    mail.outbox.clear()
    with at(date(2026, 4, 7)), tenant_scope(w.kommune):
        later.refresh_from_db()
        services.meeting_cancel(later, reason="Formanden er syg")
        services.messages_send()
    cancelled = mail_to(w.rep)
    assert cancelled.subject == "Cancelled: Alfa LokalMED Nord April 13, 2026"
    assert "has been cancelled" in cancelled.body and "Formanden er syg" in cancelled.body
    assert event_of(invitation(cancelled))["status"] == "CANCELLED"
    assert mail_to(w.sekretaer).subject.startswith("Aflyst:")


@pytest.mark.services
def test_two_concurrent_workers_dispatch_once_on_postgresql(require_postgres, transactional_db):
    """Two workers running the tick at the same moment (real transactions, real row locks):
    one claims the meeting, the other's conditional UPDATE finds it taken."""
    import threading

    from django.db import connection

    from tests.conftest import build_org

    org = build_org("samtidig", "Samtidig")
    with at(date(2026, 1, 5)):
        world = build_med(org, prefix="pg")
        meeting = new_meeting(world, MEETING_DAY)
    barrier = threading.Barrier(2)
    results = []
    now = datetime.datetime.combine(DISPATCH_DAY, datetime.time(6), tzinfo=CPH)

    def worker():
        try:
            barrier.wait()
            with tenant_scope(world.kommune):
                results.append(services.meeting_dispatch_agenda(meeting.pk, now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    with tenant_scope(world.kommune):
        assert MeetingMessage.objects.filter(meeting=meeting).count() == 4
