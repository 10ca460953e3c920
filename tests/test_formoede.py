"""The employee side's formøde (meetings.PreMeeting) where the committee's forretningsorden grants
it. Seed 003, Albertslund's KommuneMED forretningsorden: "Medarbejderne kan afholde en 1 times
formøde inden det planlagte møde." The rule `meetings.formoede` (a right, not a duty), the
scheduling service and its invitations, who reads the note, and the 404 of another kommune."""

from __future__ import annotations

import datetime
import uuid
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Membership
from committees.services import membership_save
from core.access import access_to
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline
from meetings import services
from meetings.models import Meeting, MeetingMessage, PreMeeting, Procedure

from .samples_meetings import at, build_med, new_meeting

RULE = "meetings.formoede"
TODAY = date(2026, 2, 2)  # a Monday
MEETING_DAY = date(2026, 3, 2)  # a Monday: the formøde is due Sunday 1 March (1 day before)
NOTE = "Vi drøfter vores holdning til punktet om arbejdstider."


def grant(world, days: int = 1, formoede: bool = True) -> Procedure:
    with tenant_scope(world.kommune):
        procedure = Procedure.objects.filter(committee=world.committee).first() or Procedure(
            kommune=world.kommune, committee=world.committee
        )
        procedure.formoede, procedure.formoede_days = formoede, days
        return services.procedure_save(procedure)


@pytest.fixture
def w(org_a):
    with at(date(2026, 1, 5)):
        world = build_med(org_a)
        grant(world)
        return world


def run(kommune, day):
    return evaluate(Context(kommune, day), rules=[registry.get(RULE)])


def rows(committee) -> dict[str, Deadline]:
    return {d.key: d for d in Deadline.objects.filter(rule=RULE, committee=committee)}


def schedule(meeting, user=None, **fields):
    values = {
        "date": MEETING_DAY - datetime.timedelta(days=3),
        "start_time": datetime.time(8, 0),
        "end_time": datetime.time(9, 0),
        "location": "Mødelokale 2",
        "note": NOTE,
    }
    values.update(fields)
    return services.pre_meeting_schedule(meeting, acting_user=user, **values)


# --- the rule ------------------------------------------------------------------------------------


def test_the_rule_names_its_local_source_and_words_a_right(w):
    """A local rule (the kommune's forretningsorden), off by default, worded as the employees'
    right: "Medarbejdersiden kan holde formøde …"."""
    rule = registry.get(RULE)
    assert rule.statutory is False and rule.subject == "committee"
    assert "forretningsorden" in rule.source_for()
    assert "formøde" in rule.source_for()
    assert str(rule.what_to_do).startswith("Medarbejdersiden kan holde formøde")
    assert Procedure._meta.get_field("formoede").default is False


def test_each_planned_ordinary_meeting_ahead_has_a_formoede_row(w):
    """Seed 003: "Medarbejderne kan afholde en 1 times formøde inden det planlagte møde." Due
    `formoede_days` before each planned ordinary meeting ahead, the employee side's chair
    (the næstformand from medarbejdersiden) responsible; extraordinary and cancelled meetings
    and committees whose forretningsorden does not grant it have none."""
    with at(TODAY), tenant_scope(w.kommune):
        first = services.meeting_create(committee=w.committee, date=MEETING_DAY)
        second = services.meeting_create(committee=w.committee, date=date(2026, 4, 6))
        extra = services.meeting_create(
            committee=w.committee, date=date(2026, 3, 16), kind=Meeting.Kind.EXTRAORDINARY
        )
        cancelled = services.meeting_create(committee=w.committee, date=date(2026, 5, 4))
        services.meeting_cancel(cancelled)
        services.meeting_create(committee=w.org.amg, date=MEETING_DAY)  # no formøde granted
        run(w.kommune, TODAY)
        found = rows(w.committee)
        opened = {key for key, row in found.items() if row.state == Deadline.State.OPEN}
        assert opened == {f"m{first.pk}", f"m{second.pk}"}
        # Wanted while it was planned; cancelled with the meeting.
        assert found[f"m{cancelled.pk}"].state == Deadline.State.CANCELLED
        row = found[f"m{first.pk}"]
        assert row.state == Deadline.State.OPEN
        assert row.due_date == date(2026, 3, 1)
        assert row.person_id == w.naestformand.pk
        assert registry.get(RULE).render_title(row) == "Formøde før mødet 02.03.2026"
        assert found[f"m{second.pk}"].due_date == date(2026, 4, 5)
        assert f"m{extra.pk}" not in found
        assert not Deadline.objects.filter(rule=RULE, committee=w.org.amg).exists()


def test_a_scheduled_formoede_fulfils_it_and_a_meeting_without_one_leaves_no_open_row(w):
    """Done when a formøde is scheduled on or before the last day; a meeting held without a
    formøde, or cancelled, leaves no open row behind (a right, not a duty)."""
    with at(TODAY), tenant_scope(w.kommune):
        held = services.meeting_create(committee=w.committee, date=MEETING_DAY)
        skipped = services.meeting_create(committee=w.committee, date=date(2026, 2, 16))
        cancelled = services.meeting_create(committee=w.committee, date=date(2026, 4, 6))
        pre_meeting = schedule(held, w.users["naestformand"])
        services.meeting_cancel(cancelled)
        found = rows(w.committee)
        done = found[f"m{held.pk}"]
        assert done.state == Deadline.State.DONE
        assert done.done_on == TODAY
        assert (done.fulfilled_type.model_class(), done.fulfilled_id) == (
            PreMeeting,
            pre_meeting.pk,
        )
        assert found[f"m{skipped.pk}"].state == Deadline.State.OPEN
        assert found[f"m{cancelled.pk}"].state == Deadline.State.CANCELLED
    # The day after the meeting held without a formøde: nothing left open.
    with at(date(2026, 2, 17)), tenant_scope(w.kommune):
        run(w.kommune, date(2026, 2, 17))
        found = rows(w.committee)
        assert found[f"m{skipped.pk}"].state == Deadline.State.CANCELLED
        assert found[f"m{held.pk}"].state == Deadline.State.DONE
        assert (
            not Deadline.objects.filter(rule=RULE, state=Deadline.State.OPEN)
            .exclude(key=f"m{held.pk}")
            .exists()
        )


def test_switching_the_right_off_cancels_the_open_rows(w):
    with at(TODAY), tenant_scope(w.kommune):
        meeting = services.meeting_create(committee=w.committee, date=MEETING_DAY)
        assert rows(w.committee)[f"m{meeting.pk}"].state == Deadline.State.OPEN
        procedure = Procedure.objects.get(committee=w.committee)
        procedure.formoede = False
        services.procedure_save(procedure)
        assert rows(w.committee)[f"m{meeting.pk}"].state == Deadline.State.CANCELLED


def test_the_rule_runs_the_same_queries_for_any_number_of_meetings(w):
    def measure():
        run(w.kommune, TODAY)
        with CaptureQueriesContext(connection) as ctx:
            run(w.kommune, TODAY)
        return len(ctx)

    with at(TODAY), tenant_scope(w.kommune):
        schedule(services.meeting_create(committee=w.committee, date=MEETING_DAY))
        small = measure()
        for week in range(10):
            meeting = services.meeting_create(
                committee=w.committee, date=date(2026, 4, 6) + datetime.timedelta(weeks=week)
            )
            if week % 2:
                schedule(meeting, date=meeting.date - datetime.timedelta(days=2))
        assert len(rows(w.committee)) == 11
        assert measure() == small


def test_a_new_employee_chair_takes_the_open_row_at_once(w):
    """A seat changed evaluates the committee at once: where the forretningsorden grants the
    formøde, the new chair of the medarbejderside is responsible; in a committee without it
    (the AMG) the rule does not read the meetings at all."""
    with at(TODAY), tenant_scope(w.kommune):
        meeting = services.meeting_create(committee=w.committee, date=MEETING_DAY)
        key = f"m{meeting.pk}"
        assert rows(w.committee)[key].person_id == w.naestformand.pk
        seat = Membership.objects.get(
            person=w.naestformand, committee=w.committee, role=Membership.Role.NAESTFORMAND
        )
        seat.ended_on = TODAY
        membership_save(seat)
        membership_save(
            Membership(
                kommune=w.kommune,
                person=w.rep,
                committee=w.committee,
                role=Membership.Role.NAESTFORMAND,
                side=Membership.Side.MEDARBEJDER,
                start_date=TODAY,
            )
        )
        assert rows(w.committee)[key].person_id == w.rep.pk
        services.meeting_create(committee=w.org.amg, date=MEETING_DAY)
        with CaptureQueriesContext(connection) as ctx:
            membership_save(
                Membership(
                    kommune=w.kommune,
                    person=w.outsider,
                    committee=w.org.amg,
                    role=Membership.Role.AMR,
                    side=Membership.Side.MEDARBEJDER,
                    start_date=TODAY,
                )
            )
        assert not any(PreMeeting._meta.db_table in q["sql"] for q in ctx.captured_queries)
        assert not Deadline.objects.filter(rule=RULE, committee=w.org.amg).exists()


# --- the scheduling service ----------------------------------------------------------------------


def _nothing_saved(world):
    assert not PreMeeting.objects.exists()
    assert not MeetingMessage.objects.filter(kind=MeetingMessage.Kind.FORMOEDE).exists()


@pytest.mark.parametrize(
    ("fields", "field", "text"),
    [
        ({"date": date(2026, 1, 30)}, "date", "Formødet kan ikke holdes i fortiden."),
        ({"date": MEETING_DAY}, "date", "Formødet holdes senest 01.03.2026"),
        (
            {"start_time": datetime.time(9, 0), "end_time": datetime.time(8, 0)},
            "end_time",
            "Formødet skal slutte, efter det begynder.",
        ),
        ({"location": "x" * 201}, "location", "Stedet må højst være 200 tegn."),
    ],
)
def test_the_service_refuses_bad_times_and_saves_nothing(w, fields, field, text):
    with at(TODAY), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
        with pytest.raises(ValidationError) as error:
            schedule(meeting, w.users["naestformand"], **fields)
        assert any(text in message for message in error.value.message_dict[field])
        _nothing_saved(w)


def test_a_same_day_formoede_must_end_before_the_meeting(w):
    """With 0 days in the forretningsorden the formøde may be held the same day, before it."""
    grant(w, days=0)
    with at(TODAY), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY, start_time=datetime.time(9, 0))
        with pytest.raises(ValidationError) as error:
            schedule(
                meeting,
                date=MEETING_DAY,
                start_time=datetime.time(8, 30),
                end_time=datetime.time(9, 30),
            )
        assert "før mødet begynder kl. 09.00" in error.value.message_dict["end_time"][0]
        _nothing_saved(w)
        pre_meeting = schedule(
            meeting, date=MEETING_DAY, start_time=datetime.time(8), end_time=datetime.time(9)
        )
        assert pre_meeting.date == MEETING_DAY


@pytest.mark.parametrize("case", ["not_granted", "cancelled", "extraordinary"])
def test_no_formoede_where_the_forretningsorden_does_not_grant_it(w, case):
    if case == "not_granted":
        grant(w, formoede=False)
    with at(TODAY), tenant_scope(w.kommune):
        kind = Meeting.Kind.EXTRAORDINARY if case == "extraordinary" else Meeting.Kind.ORDINARY
        meeting = new_meeting(w, MEETING_DAY, kind=kind)
        if case == "cancelled":
            services.meeting_cancel(meeting)
        with pytest.raises(ValidationError) as error:
            schedule(meeting)
        expected = {
            "not_granted": "giver ikke medarbejdersiden ret til formøde",
            "cancelled": "Mødet er aflyst.",
            "extraordinary": "før udvalgets ordinære møder",
        }[case]
        assert expected in error.value.messages[0]
        _nothing_saved(w)


def test_scheduling_writes_history_with_the_acting_user(w):
    with at(TODAY), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
        user = w.users["naestformand"]
        pre_meeting = schedule(meeting, user)
        assert pre_meeting.convened_by == user
        record = pre_meeting.history.get()
        assert record.history_user == user and record.history_change_reason == "Formøde indkaldt"


# --- e-mails -------------------------------------------------------------------------------------


def test_the_medarbejderside_is_invited_by_email_once_per_version(w):
    with at(TODAY), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
        schedule(meeting, w.users["naestformand"])
        services.messages_send()
        # The medarbejderside: næstformand and representative; not the formand (ledelse) nor
        # the sekretær.
        assert sorted(m.to[0] for m in mail.outbox) == sorted([w.naestformand.email, w.rep.email])
        message = next(m for m in mail.outbox if m.to == [w.rep.email])
        assert message.subject == f"Formøde for medarbejdersiden i {w.committee} 27. februar 2026"
        assert "holder formøde fredag 27. februar 2026 kl. 08.00–09.00" in message.body
        assert "Sted: Mødelokale 2" in message.body
        assert NOTE in message.body
        assert "holdes i arbejdstiden" in message.body
        html = message.alternatives[0][0]
        assert NOTE in html and reverse("meetings:meeting", args=[meeting.public_id]) in html
        # Nothing new on a second run, nor when the same time and place are saved again.
        schedule(meeting, w.users["naestformand"])
        services.messages_send()
        assert len(mail.outbox) == 2
        # Moved: a new version goes out.
        schedule(
            meeting,
            w.users["naestformand"],
            start_time=datetime.time(10),
            end_time=datetime.time(11),
        )
        services.messages_send()
        assert len(mail.outbox) == 4
        assert "kl. 10.00–11.00" in mail.outbox[-1].body


# --- access --------------------------------------------------------------------------------------


def test_the_ledelsesside_sees_when_but_not_the_note(client, w, rf):
    with at(TODAY):
        with tenant_scope(w.kommune):
            meeting = new_meeting(w, MEETING_DAY)
            pre_meeting = schedule(meeting, w.users["naestformand"])
        page = reverse("meetings:meeting", args=[meeting.public_id])
        client.force_login(w.users["formand"])  # formand from the ledelsesside
        body = client.get(page).content.decode()
        assert "Medarbejdersiden holder formøde" in body and "Mødelokale 2" in body
        assert NOTE not in body
        assert "Indkald til formøde" not in body and "Flyt formødet" not in body
        client.force_login(w.users["rep"])  # a member of the medarbejderside
        body = client.get(page).content.decode()
        assert "Medarbejdersiden holder formøde" in body and NOTE in body
        assert "Flyt formødet" not in body  # not the employee side's chair
        client.force_login(w.users["naestformand"])
        assert "Flyt formødet" in client.get(page).content.decode()

        with tenant_scope(w.kommune):
            for name, reads_note in (("formand", False), ("rep", True), ("naestformand", True)):
                request = rf.get("/")
                request.user, request.kommune = w.users[name], w.kommune
                assert access_to(request, pre_meeting).read
                assert access_to(request, pre_meeting, "note").read is reads_note


def test_only_the_employee_chair_or_hr_schedules_from_the_page(client, w, hr_a):
    with at(TODAY):
        meeting = new_meeting(w, MEETING_DAY)
        url = reverse("meetings:formoede", args=[meeting.public_id])
        data = {
            "date": "2026-02-27",
            "start_time": "08:00",
            "end_time": "09:00",
            "location": "Kantinen",
            "note": NOTE,
        }
        for name in ("formand", "rep", "sekretaer"):
            client.force_login(w.users[name])
            assert client.post(url, data).status_code == 403
        with tenant_scope(w.kommune):
            assert not PreMeeting.objects.exists()
        client.force_login(w.users["naestformand"])
        response = client.post(url, {**data, "date": "2026-03-02"}, follow=True)
        assert "Formødet holdes senest 01.03.2026" in response.content.decode()
        with tenant_scope(w.kommune):
            assert not PreMeeting.objects.exists()
        assert client.post(url, data).status_code == 302
        with tenant_scope(w.kommune):
            pre_meeting = PreMeeting.objects.get(meeting=meeting)
            assert (pre_meeting.location, pre_meeting.note) == ("Kantinen", NOTE)
        # HR of the kommune moves it without reading (or touching) the employees' note.
        client.force_login(hr_a)
        body = client.get(reverse("meetings:meeting", args=[meeting.public_id])).content.decode()
        assert "Flyt formødet" in body and NOTE not in body
        assert client.post(url, {**data, "location": "Mødelokale 3", "note": ""}).status_code == 302
        with tenant_scope(w.kommune):
            pre_meeting.refresh_from_db()
            assert (pre_meeting.location, pre_meeting.note) == ("Mødelokale 3", NOTE)


def test_another_kommunes_meeting_and_a_missing_one_give_the_same_404(client, w, org_b):
    with at(TODAY):
        other = build_med(org_b, prefix="b")
        grant(other)
        theirs = new_meeting(other, MEETING_DAY)
        data = {"date": "2026-02-27", "start_time": "08:00", "end_time": "09:00"}
        client.force_login(w.users["naestformand"])
        for public_id in (theirs.public_id, uuid.uuid4()):
            assert (
                client.post(reverse("meetings:formoede", args=[public_id]), data).status_code == 404
            )
        with tenant_scope(org_b.kommune):
            assert not PreMeeting.objects.exists()


def test_hr_edits_the_right_in_the_forretningsorden(client, w, hr_a):
    client.force_login(hr_a)
    with tenant_scope(w.kommune):
        procedure = Procedure.objects.get(committee=w.committee)
    url = reverse("admin:meetings_procedure_change", args=[procedure.pk])
    body = client.get(url).content.decode()
    assert 'name="formoede"' in body and 'name="formoede_days"' in body
    assert "Medarbejdersiden har ret til at holde formøde" in body
    add = reverse("admin:meetings_procedure_add")
    response = client.post(
        add,
        {
            "committee": w.org.amg.pk,
            "plan_required": "on",
            "proposal_days": "14",
            "dispatch_days": "7",
            "formoede": "on",
            "formoede_days": "15",
            "standing_items-TOTAL_FORMS": "0",
            "standing_items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "14" in str(response.context["adminform"].form.errors["formoede_days"])
    with tenant_scope(w.kommune):
        assert not Procedure.objects.filter(committee=w.org.amg).exists()
    response = client.post(
        add,
        {
            "committee": w.org.amg.pk,
            "plan_required": "on",
            "proposal_days": "14",
            "dispatch_days": "7",
            "formoede": "on",
            "formoede_days": "",
            "standing_items-TOTAL_FORMS": "0",
            "standing_items-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    with tenant_scope(w.kommune):
        procedure = Procedure.objects.get(committee=w.org.amg)
        assert (procedure.formoede, procedure.formoede_days) == (True, 1)
        assert procedure.history.get().history_user == hr_a
