"""Meetings: fixed points, proposals and their deadline, the formandskab settling the agenda,
afbud and attendance, TRIO next to AMG, meeting requests, the pages and their access, and flat
query counts for the meeting page and the agenda PDF."""

from __future__ import annotations

import contextlib
import datetime
import uuid
from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from meetings import services
from meetings.access import get_meeting_for_user
from meetings.models import AgendaItem, Attendance, ItemKind, Meeting, Procedure, StandingItem
from meetings.selectors import agenda_for, attendance_rows
from organisations.services import unit_save

from . import factories as f
from .samples_meetings import FIXED, at, build_med, new_meeting

Role = Membership.Role
MEETING_DAY = date(2026, 3, 2)  # a Monday


@pytest.fixture
def w(org_a):
    with at(date(2026, 1, 5)):
        return build_med(org_a)


def titles(meeting) -> list[str]:
    return [i.title for i in agenda_for(meeting).items]


# --- fixed points --------------------------------------------------------------------------------


def test_it_adds_the_fixed_points_of_the_forretningsorden(w):
    """Seed 003, "Faste punkter på dagsordenen": five points, proposals between them."""
    with at(date(2026, 1, 5)):
        meeting = new_meeting(w, MEETING_DAY)
        with tenant_scope(w.kommune):
            assert titles(meeting) == FIXED
            services.item_add(meeting, title="Budget 2027", acting_user=None)
            assert titles(meeting) == [*FIXED[:3], "Budget 2027", *FIXED[3:]]
            numbers = [i.number for i in agenda_for(meeting).items]
            assert numbers == [1, 2, 3, 4, 5, 6]


def test_the_fixed_points_are_configurable_per_committee(w):
    with at(date(2026, 1, 5)), tenant_scope(w.kommune):
        procedure = services.procedure_save(Procedure(kommune=w.kommune, committee=w.committee))
        assert [s.title for s in procedure.standing_items.order_by("position")] == [
            *FIXED[:3],
            *FIXED[3:],
        ]
        procedure.standing_items.filter(kind="stories").delete()
        StandingItem.objects.create(
            kommune=w.kommune,
            procedure=procedure,
            kind="other",
            placement="before",
            position=5,
            title="Nyt fra arbejdspladsen",
        )
        meeting = new_meeting(w, MEETING_DAY)
        assert titles(meeting) == ["Nyt fra arbejdspladsen", *FIXED[:3], "Eventuelt"]
        # Another committee keeps the defaults.
        other = services.meeting_create(committee=w.org.amg, date=MEETING_DAY)
        assert titles(other) == FIXED


def test_the_yearly_amo_discussion_brings_its_required_points(w):
    """AML § 6 d; BEK om systematisk arbejdsmiljøarbejde § 4; seed 002 § 3 stk. 2."""
    with at(date(2026, 1, 5)), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY, includes_amo_discussion=True)
        kinds = [i.kind for i in agenda_for(meeting).items]
        assert kinds[3:8] == [
            ItemKind.AMO_GOALS_FOLLOWUP,
            ItemKind.AMO_COOPERATION,
            ItemKind.AMO_ORGANISATION,
            ItemKind.AMO_NEW_GOALS,
            ItemKind.AMO_TRAINING,
        ]
        # Saving again adds nothing twice.
        services.meeting_save(meeting)
        assert AgendaItem.objects.filter(meeting=meeting).count() == 10


# --- proposals and their deadline ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("meeting_day", "last_day"),
    [
        (date(2026, 3, 2), date(2026, 2, 16)),
        (date(2026, 3, 14), date(2026, 2, 28)),  # across the end of February
        (date(2028, 3, 14), date(2028, 2, 29)),  # leap year
        (date(2026, 1, 10), date(2025, 12, 27)),  # across the new year
    ],
)
def test_items_can_be_proposed_until_14_days_before(w, meeting_day, last_day):
    """Seed 003: "Forslag til punkter … senest 14 dage før mødet" — the last day counts in
    Danish time (23:30 on the last day is in time, 00:10 the next day is not)."""
    with at(last_day - datetime.timedelta(days=30)):
        meeting = new_meeting(w, meeting_day)
    with at(last_day, 23, 30), tenant_scope(w.kommune):
        item = services.item_propose(meeting, person=w.rep, title="Støj i kantinen")
        assert item.status == AgendaItem.Status.PROPOSED
    with at(last_day + datetime.timedelta(days=1), 0, 10), tenant_scope(w.kommune):
        with pytest.raises(ValidationError) as error:
            services.item_propose(meeting, person=w.rep, title="For sent")
        assert last_day.strftime("%d.%m.%Y") in str(error.value)
        assert not AgendaItem.objects.filter(title="For sent").exists()


def test_the_proposal_deadline_is_a_local_setting(w):
    with at(date(2026, 1, 5)), tenant_scope(w.kommune):
        services.procedure_save(
            Procedure(kommune=w.kommune, committee=w.committee, proposal_days=21)
        )
        meeting = new_meeting(w, MEETING_DAY)
    with at(date(2026, 2, 10)), tenant_scope(w.kommune), pytest.raises(ValidationError):
        services.item_propose(meeting, person=w.rep, title="Efter 21-dages fristen")


def test_a_proposal_carries_text_and_attachments_and_the_formandskab_settles_it(w):
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
        upload = SimpleUploadedFile("måling.pdf", b"%PDF-1.4 test", content_type="application/pdf")
        item = services.item_propose(
            meeting,
            person=w.rep,
            title="Indeklima",
            description="Målinger fra lokale 12.",
            files=[upload],
        )
        assert item.attachments.get().name == "måling.pdf"
        assert "Indeklima" not in titles(meeting)  # waits for the formandskab
        with pytest.raises(ValidationError):
            services.agenda_settle(meeting)  # every proposal must be decided first
        rejected = services.item_propose(meeting, person=w.rep, title="Kaffeordning")
        services.item_decide(item, accept=True)
        services.item_decide(rejected, accept=False, reason="Hører til personalemødet")
        services.agenda_settle(meeting)
        assert "Indeklima" in titles(meeting) and "Kaffeordning" not in titles(meeting)
        with pytest.raises(ValidationError):
            services.item_propose(meeting, person=w.rep, title="Efter fastlæggelse")


# --- afbud and attendance ------------------------------------------------------------------------


def test_afbud_before_and_attendance_on_the_day(w):
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
        services.afbud_give(meeting, person=w.rep, note="Kursus")
        with pytest.raises(ValidationError):
            services.attendance_record(meeting, statuses={w.formand.pk: "present"})
    with at(MEETING_DAY), tenant_scope(w.kommune):
        services.attendance_record(
            meeting,
            statuses={w.formand.pk: "present", w.naestformand.pk: "present", w.rep.pk: "afbud"},
        )
        with pytest.raises(ValidationError):
            services.attendance_record(meeting, statuses={w.outsider.pk: "present"})
        states = dict(Attendance.objects.values_list("person_id", "status"))
        assert states == {w.formand.pk: "present", w.naestformand.pk: "present", w.rep.pk: "afbud"}
    with (
        at(MEETING_DAY + datetime.timedelta(days=1)),
        tenant_scope(w.kommune),
        pytest.raises(ValidationError),
    ):
        services.afbud_give(meeting, person=w.sekretaer)


def test_the_attendance_keeps_who_was_recorded_and_has_left_the_committee_since(w):
    """The invitees with their roles and what was recorded, by name; someone recorded whose
    seat has ended since still shows (without a role) after them, as in the referat."""
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        meeting = new_meeting(w, MEETING_DAY)
        services.afbud_give(meeting, person=w.rep, note="Kursus")
    with at(MEETING_DAY), tenant_scope(w.kommune):
        services.attendance_record(meeting, statuses={w.formand.pk: "present", w.rep.pk: "afbud"})
        rows = attendance_rows(meeting)
        by_person = {row.person.pk: row for row in rows}
        assert [row.person for row in rows] == sorted(
            (w.formand, w.naestformand, w.sekretaer, w.rep),
            key=lambda p: (p.last_name, p.first_name, p.pk),
        )
        assert (by_person[w.formand.pk].status, by_person[w.formand.pk].roles) == (
            "present",
            ["Formand"],
        )
        assert by_person[w.rep.pk].status == "afbud"
        assert by_person[w.sekretaer.pk].status == "" and by_person[w.sekretaer.pk].roles
        # The representative's seat is ended as of the meeting day: no longer an invitee.
        Membership.objects.filter(person=w.rep, committee=w.committee).update(ended_on=MEETING_DAY)
        rows = attendance_rows(meeting)
        assert rows[-1].person == w.rep and (rows[-1].status, rows[-1].roles) == ("afbud", [])
        assert [row.person.pk for row in rows].count(w.rep.pk) == 1
        # With no seat left at all, what was recorded is still there.
        Membership.objects.filter(committee=w.committee).update(ended_on=MEETING_DAY)
        statuses = {row.person.pk: row.status for row in attendance_rows(meeting)}
        assert statuses == {w.formand.pk: "present", w.rep.pk: "afbud"}


def trio_and_amg_meeting(org):
    """A TRIO under org.amg and an AMG meeting 13–14 on MEETING_DAY at "Skolen"."""
    trio = f.committee(
        org.kommune, "Alfa TRIO Nord", Committee.Kind.TRIO, parent=org.amg, units=[org.workplace]
    )
    amg_meeting = services.meeting_create(
        committee=org.amg,
        date=MEETING_DAY,
        start_time=datetime.time(13),
        end_time=datetime.time(14),
        location="Skolen",
    )
    return trio, amg_meeting


def test_the_meeting_page_links_its_referat_and_the_trio_meeting_next_to_it(client, org_a, hr_a):
    with at(date(2026, 1, 5)), tenant_scope(org_a.kommune):
        trio, amg_meeting = trio_and_amg_meeting(org_a)
        alone = services.meeting_create(committee=org_a.amg, date=MEETING_DAY, location="Salen")
    client.force_login(hr_a)  # HR reads every meeting of the kommune; it writes no referat
    url = reverse("meetings:meeting", args=[amg_meeting.public_id])
    referat_url = reverse("meetings:referat", args=[amg_meeting.public_id])
    with at(date(2026, 1, 5)):
        body = client.get(url).content.decode()
        assert "TRIO-møde" not in body and referat_url not in body
        with tenant_scope(org_a.kommune):
            trio_meeting = services.trio_meeting_add(amg_meeting, trio=trio)
            services.referat_for(amg_meeting)
        body = client.get(url).content.decode()
        assert reverse("meetings:meeting", args=[trio_meeting.public_id]) in body
        assert "Alfa TRIO Nord 14.00" in body and referat_url in body
        trio_body = client.get(reverse("meetings:meeting", args=[trio_meeting.public_id]))
        assert url in trio_body.content.decode()  # "I tilknytning til" the AMG meeting
        other = client.get(reverse("meetings:meeting", args=[alone.public_id])).content.decode()
        assert "TRIO-møde" not in other


# --- TRIO next to AMG, meeting requests ----------------------------------------------------------


def test_a_trio_meeting_is_held_next_to_the_amg_meeting_and_moves_with_it(org_a):
    """Seed 003: "Møderne holdes i tilknytning til arbejdsmiljøgruppens møder"."""
    with at(date(2026, 1, 5)), tenant_scope(org_a.kommune):
        trio, amg_meeting = trio_and_amg_meeting(org_a)
        trio_meeting = services.trio_meeting_add(amg_meeting, trio=trio)
        assert (trio_meeting.date, trio_meeting.start_time) == (MEETING_DAY, datetime.time(14))
        assert trio_meeting.adjacent_to == amg_meeting and trio_meeting.location == "Skolen"
        amg_meeting.date = MEETING_DAY + datetime.timedelta(days=7)
        services.meeting_save(amg_meeting)
        trio_meeting.refresh_from_db()
        assert trio_meeting.date == amg_meeting.date
        with pytest.raises(ValidationError):
            services.trio_meeting_add(amg_meeting, trio=org_a.med)
        with pytest.raises(ValidationError):
            services.meeting_create(committee=org_a.med, date=MEETING_DAY, adjacent_to=amg_meeting)


def test_a_majority_of_the_employee_side_can_request_a_meeting(w):
    """Seed 003: a meeting is held when a majority of the employee representatives ask."""
    with at(date(2026, 2, 1)), tenant_scope(w.kommune):
        third = f.person(w.kommune, "Tina", "Tredje", unit=w.org.workplace)
        f.membership(third, w.committee, Role.MEDARBEJDERREPRAESENTANT)
        with pytest.raises(ValidationError):
            services.meeting_request_create(w.committee, person=w.formand, questions="Ledelsen")
        request = services.meeting_request_create(
            w.committee, person=w.rep, questions="Omstrukturering af rengøringen"
        )
        assert request.majority_at is None  # 1 of 3 (næstformand, rep, third)
        with pytest.raises(ValidationError):
            services.meeting_request_call(request, date=MEETING_DAY)
        services.meeting_request_sign(request, person=w.naestformand)
        assert request.majority_at is not None  # 2 of 3
        meeting = services.meeting_request_call(request, date=MEETING_DAY)
        assert meeting.kind == Meeting.Kind.EXTRAORDINARY
        assert "Anmodning fra medarbejdersiden" in titles(meeting)


# --- pages and access ----------------------------------------------------------------------------


def test_the_meeting_page_same_404_for_other_kommune_and_missing(client, w, org_b):
    with at(date(2026, 2, 1)):
        meeting = new_meeting(w, MEETING_DAY)
        other = build_med(org_b, prefix="b")
        theirs = new_meeting(other, MEETING_DAY)
        client.force_login(w.users["rep"])
        assert client.get(reverse("meetings:meeting", args=[meeting.public_id])).status_code == 200
        for public_id in (theirs.public_id, uuid.uuid4()):
            for name in ("meetings:meeting", "meetings:agenda_pdf", "meetings:referat"):
                assert client.get(reverse(name, args=[public_id])).status_code == 404
        client.force_login(w.users["outsider"])  # same kommune, no seat, not covered leader
        assert client.get(reverse("meetings:meeting", args=[meeting.public_id])).status_code == 404


def test_members_propose_and_give_afbud_through_the_page_others_get_403(client, w):
    with at(date(2026, 2, 1)):
        meeting = new_meeting(w, MEETING_DAY)
        url = reverse("meetings:meeting", args=[meeting.public_id])
        client.force_login(w.users["rep"])
        body = client.get(url).content.decode()
        assert "Foreslå et punkt" in body and "Meld afbud" in body
        response = client.post(
            reverse("meetings:propose", args=[meeting.public_id]),
            {"title": "Arbejdstider", "description": "Forslag"},
        )
        assert response.status_code == 302
        client.post(reverse("meetings:afbud", args=[meeting.public_id]), {"note": "Ferie"})
        # A member may not settle the agenda: visible, not allowed.
        assert client.post(reverse("meetings:settle", args=[meeting.public_id])).status_code == 403
        with tenant_scope(w.kommune):
            item = AgendaItem.objects.get(title="Arbejdstider")
            assert item.proposed_by == w.rep and item.status == "proposed"
            assert Attendance.objects.get(person=w.rep).status == "afbud"
        client.force_login(w.users["formand"])
        body = client.get(url).content.decode()
        assert "Forslag til behandling" in body and "Arbejdstider" in body
        response = client.post(
            reverse("meetings:decide", args=[meeting.public_id]),
            {"item": str(item.public_id), "accept": "1", "reason": ""},
        )
        assert response.status_code == 302
        client.post(reverse("meetings:settle", args=[meeting.public_id]))
        with tenant_scope(w.kommune):
            meeting.refresh_from_db()
            assert meeting.agenda_settled_at is not None


def test_the_meeting_is_changed_on_its_own_page_by_the_sekretaer_and_the_formandskab(client, w):
    with at(date(2026, 2, 1)):
        meeting = new_meeting(w, MEETING_DAY, location="Mødelokale 1")
        page = reverse("meetings:meeting", args=[meeting.public_id])
        edit = reverse("meetings:meeting_edit", args=[meeting.public_id])
        client.force_login(w.users["rep"])
        assert edit not in client.get(page).content.decode()
        assert client.get(edit).status_code == 403
        assert client.post(edit, {"location": "Kantinen"}).status_code == 403

        client.force_login(w.users["sekretaer"])
        assert edit in client.get(page).content.decode()
        form = client.get(edit)
        assert form.status_code == 200
        body = form.content.decode()
        assert "Mødelokale 1" in body and "Aflys mødet" not in body  # cancelling: formandskab
        data = {
            "date": "2026-03-03",
            "start_time": "10:00",
            "end_time": "12:00",
            "location": "Kantinen",
            "title": "",
            "kind": meeting.kind,
        }
        # A bad value: a clear error on the form, nothing saved.
        response = client.post(edit, {**data, "date": "3. marts"})
        assert response.status_code == 400
        assert response.context["edit_form"].errors["date"]
        with tenant_scope(w.kommune):
            meeting.refresh_from_db()
        assert (meeting.date, meeting.location) == (MEETING_DAY, "Mødelokale 1")
        assert client.post(edit, data).status_code == 302
        with tenant_scope(w.kommune):
            meeting.refresh_from_db()
        assert (meeting.date, meeting.location) == (date(2026, 3, 3), "Kantinen")

        client.force_login(w.users["formand"])
        assert "Aflys mødet" in client.get(edit).content.decode()


def test_the_leader_of_a_covered_unit_may_read_and_not_propose(client, w, rf):
    with at(date(2026, 2, 1)):
        meeting = new_meeting(w, MEETING_DAY)
        leader_user = f.user("leder_a")
        with tenant_scope(w.kommune):
            leader = f.person(w.kommune, "Lis", "Leder", user=leader_user)
            w.org.workplace.leader = leader
            unit_save(w.org.workplace)
        client.force_login(leader_user)
        url = reverse("meetings:meeting", args=[meeting.public_id])
        body = client.get(url).content.decode()
        assert "Dagsorden" in body and "Foreslå et punkt" not in body
        response = client.post(
            reverse("meetings:propose", args=[meeting.public_id]), {"title": "Leder"}
        )
        assert response.status_code == 403


def test_hr_reads_through_the_access_helper_and_limited_hr_only_their_units(
    rf, w, hr_a, hr_a_limited
):
    with at(date(2026, 2, 1)):
        meeting = new_meeting(w, MEETING_DAY)
        with tenant_scope(w.kommune):
            other = services.meeting_create(committee=w.org.other_amg, date=MEETING_DAY)
            for user, visible in ((hr_a, {meeting, other}), (hr_a_limited, {meeting})):
                request = rf.get("/")
                request.user, request.kommune, request.session = user, w.kommune, {}
                seen = set()
                for m in (meeting, other):
                    with contextlib.suppress(Http404):
                        seen.add(get_meeting_for_user(request, m.public_id).meeting)
                assert seen == visible


# --- query counts --------------------------------------------------------------------------------


def add_items(meeting, n):
    for i in range(n):
        item = services.item_add(meeting, title=f"Punkt {i}", description="Tekst")
        services.action_add(
            item,
            text="Følg op",
            owner=meeting.committee.memberships.first().person,
            due_on=MEETING_DAY + datetime.timedelta(days=30),
        )
        services.minutes_write(item, minutes="Drøftet.", decisions=["Vedtaget", "Udsat"])
        services.attachment_add(
            item, upload=SimpleUploadedFile(f"bilag{i}.txt", b"x", content_type="text/plain")
        )


def count(client, url) -> int:
    """The page's queries computed afresh (the home page keeps its panels in the kommune
    cache, core.panels)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize("name", ["meetings:meeting", "meetings:agenda_pdf", "meetings:referat"])
def test_page_and_pdf_queries_do_not_grow_with_the_agenda(client, w, name, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with at(date(2026, 2, 1)):
        small = new_meeting(w, MEETING_DAY)
        large = new_meeting(w, MEETING_DAY + datetime.timedelta(days=7))
        with tenant_scope(w.kommune):
            add_items(small, 5)
            add_items(large, 50)
        client.force_login(w.users["sekretaer"])
        count(client, reverse(name, args=[small.public_id]))  # warm caches
        five = count(client, reverse(name, args=[small.public_id]))
        fifty = count(client, reverse(name, args=[large.public_id]))
    assert five == fifty


def test_home_panel_shows_upcoming_meetings_and_flat_queries(client, w):
    with at(date(2026, 2, 10)):
        meeting = new_meeting(w, MEETING_DAY)
        with tenant_scope(w.kommune):
            services.afbud_give(meeting, person=w.rep)
        client.force_login(w.users["rep"])
        body = client.get(reverse("portal:home")).content.decode()
        assert "Mine kommende møder" in body
        assert str(meeting.public_id) in body
        assert "Du har meldt afbud" in body
        assert "Foreslå et punkt" in body  # the deadline 16 February has not passed
        few = count(client, reverse("portal:home"))
        for offset in range(1, 8):
            new_meeting(w, MEETING_DAY + datetime.timedelta(days=offset))
        assert count(client, reverse("portal:home")) == few


# --- the årshjul page and the admin --------------------------------------------------------------


def test_the_committee_page_shows_the_aarshjul_and_the_minimum(client, w, org_b):
    """Seed 003: at least five meetings a year and the plan by December, visible per year."""
    with at(date(2026, 1, 5)), tenant_scope(w.kommune):
        services.procedure_save(
            Procedure(kommune=w.kommune, committee=w.committee, meetings_per_year=5)
        )
    with at(date(2026, 1, 5)):
        new_meeting(w, MEETING_DAY)
        url = reverse("meetings:committee", args=[w.committee.public_id])
        client.force_login(w.users["rep"])
        body = client.get(url).content.decode()
        assert "Årshjul 2026" in body and "mandag 2. marts 2026" in body
        assert "1 møder planlagt; forretningsordenen kræver mindst 5." in body
        assert "mangler 4" in body
        assert "Vedtag mødeplan" not in body  # only the formandskab
        assert (
            client.post(
                reverse("meetings:meeting_create", args=[w.committee.public_id]),
                {
                    "date": "2026-04-20",
                    "start_time": "09:00",
                    "end_time": "11:00",
                    "kind": "ordinary",
                },
            ).status_code
            == 403
        )
        client.force_login(w.users["sekretaer"])
        response = client.post(
            reverse("meetings:meeting_create", args=[w.committee.public_id]),
            {"date": "2026-04-20", "start_time": "09:00", "end_time": "11:00", "kind": "ordinary"},
        )
        assert response.status_code == 302
        with tenant_scope(w.kommune):
            created = Meeting.objects.get(date=date(2026, 4, 20))
            assert response["Location"] == reverse("meetings:meeting", args=[created.public_id])
            assert len(agenda_for(created).items) == 5
        response = client.post(
            reverse("meetings:meeting_create", args=[w.committee.public_id]),
            {"date": "2026-04-21", "start_time": "11:00", "end_time": "09:00", "kind": "ordinary"},
        )
        with tenant_scope(w.kommune):
            assert not Meeting.objects.filter(date=date(2026, 4, 21)).exists()
        client.force_login(w.users["formand"])
        body = client.get(url).content.decode()
        assert "Vedtag mødeplan for 2026" in body
        client.post(reverse("meetings:plan_adopt", args=[w.committee.public_id]), {"year": "2026"})
        body = client.get(url, follow=True).content.decode()
        assert "forretningsordenen kræver mindst 5" in body
        other = build_med(org_b, prefix="b")
        for public_id in (other.committee.public_id, uuid.uuid4()):
            assert client.get(reverse("meetings:committee", args=[public_id])).status_code == 404


def test_hr_maintains_meetings_in_the_admin(client, w, hr_a):
    with at(date(2026, 1, 5)):
        meeting = new_meeting(w, MEETING_DAY)
        client.force_login(hr_a)
        change = reverse("admin:meetings_meeting_change", args=[meeting.pk])
        body = client.get(change).content.decode()
        assert "Orientering om arbejdsmiljø" in body  # the agenda inline
        response = client.post(
            change,
            {
                "committee": w.committee.pk,
                "kind": "ordinary",
                "title": "",
                "date": "2026-03-02",
                "start_time": "10:00",
                "end_time": "09:00",
                "location": "",
                "status": "planned",
                "cancel_reason": "",
                "items-TOTAL_FORMS": "0",
                "items-INITIAL_FORMS": "0",
                "attendance-TOTAL_FORMS": "0",
                "attendance-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "Mødet skal slutte, efter det begynder." in str(errors), errors
        with tenant_scope(w.kommune):
            meeting.refresh_from_db()
            assert meeting.start_time == datetime.time(9)
        add = reverse("admin:meetings_procedure_add")
        response = client.post(
            add,
            {
                "committee": w.committee.pk,
                "meetings_per_year": "6",
                "plan_required": "on",
                "proposal_days": "14",
                "dispatch_days": "7",
                "standing_items-TOTAL_FORMS": "0",
                "standing_items-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        with tenant_scope(w.kommune):
            procedure = Procedure.objects.get(committee=w.committee)
            assert procedure.standing_items.count() == 5
