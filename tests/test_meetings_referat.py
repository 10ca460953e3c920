"""The referat: written per item with numbered decisions and follow-up actions; approved by
formand AND næstformand (nobody else), sent, finally approved at the next meeting, published,
locked; every change in history. Follow-up actions become deadlines; the yearly
arbejdsmiljødrøftelse's finally approved referat fulfils that deadline."""

from __future__ import annotations

import datetime
from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline
from deadlines.services import deadline_mark_done
from meetings import services
from meetings.access import FIRST_SLOT, SECOND_SLOT
from meetings.models import AgendaItem, Decision, Meeting, Referat
from meetings.selectors import agenda_for

from . import factories as f
from .samples_meetings import at, build_med, new_meeting

MEETING_DAY = date(2026, 3, 2)
NEXT_DAY = date(2026, 4, 20)
DISCUSSION = "committees.yearly_amo_discussion"


@pytest.fixture
def w(org_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with at(date(2026, 1, 5)):
        world = build_med(org_a)
        world.meeting = new_meeting(world, MEETING_DAY)
        world.next = new_meeting(world, NEXT_DAY)
        return world


def approve_url(meeting):
    return reverse("meetings:approve", args=[meeting.public_id])


def write(w, meeting):
    item = next(i for i in agenda_for(meeting).items if i.kind == "amo_info")
    services.minutes_write(item, minutes="Ny APV er i gang.", decisions=["APV i maj", "Tema"])
    return item


def test_the_referat_state_machine_with_who_may_approve(client, w, org_b):
    """Seed 003: "Referatet udsendes efter godkendelse af formanden og næstformanden til
    endelig godkendelse på næste møde"."""
    meeting = w.meeting
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        item = write(w, meeting)
        assert [d.number for d in agenda_for(meeting).items[1].decisions.all()] == ["2.1", "2.2"]

    # The sekretær writes but does not approve; a member may not; an outsider sees nothing.
    with at(MEETING_DAY, 15):
        client.force_login(w.users["sekretaer"])
        assert client.post(approve_url(meeting)).status_code == 403
        client.force_login(w.users["rep"])
        assert client.get(reverse("meetings:referat", args=[meeting.public_id])).status_code == 404
        assert client.post(approve_url(meeting)).status_code == 404
        client.force_login(w.users["outsider"])
        assert client.post(approve_url(meeting)).status_code == 404
        other = build_med(org_b, prefix="b")
        client.force_login(other.users["formand"])
        assert client.post(approve_url(meeting)).status_code == 404

        # Formand approves; one approval is not enough.
        client.force_login(w.users["formand"])
        assert client.post(approve_url(meeting)).status_code == 302
        with tenant_scope(w.kommune):
            referat = Referat.objects.get(meeting=meeting)
            assert referat.state == "draft" and referat.first_approved_by == w.formand
        # Approving twice is refused (a message, no change).
        client.post(approve_url(meeting))
        with tenant_scope(w.kommune):
            assert Referat.objects.get(pk=referat.pk).second_approved_by is None
        client.force_login(w.users["naestformand"])
        client.post(approve_url(meeting))
        with tenant_scope(w.kommune):
            referat.refresh_from_db()
            assert referat.state == "approved" and referat.second_approved_by == w.naestformand
            # Approved: not editable any more without reopening.
            with pytest.raises(ValidationError):
                services.minutes_write(item, minutes="Rettet", decisions=[])
            services.messages_send()
            referat.refresh_from_db()
            assert referat.state == "sent" and referat.sent_at is not None
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        p.email for p in (w.formand, w.naestformand, w.sekretaer, w.rep)
    )
    assert mail.outbox[0].attachments[0][0].startswith("referat-")

    # Members read it now; final approval only at the next meeting.
    with at(MEETING_DAY + datetime.timedelta(days=3)):
        client.force_login(w.users["rep"])
        assert client.get(reverse("meetings:referat", args=[meeting.public_id])).status_code == 200
        with tenant_scope(w.kommune), pytest.raises(ValidationError):
            services.referat_final_approve(meeting, at_meeting=w.next, person=w.formand)
        client.force_login(w.users["formand"])
        client.post(reverse("meetings:final", args=[meeting.public_id]), {"confirm": "on"})
        with tenant_scope(w.kommune):
            assert Referat.objects.get(pk=referat.pk).state == "sent"
    with at(NEXT_DAY, 10):
        client.force_login(w.users["rep"])
        response = client.post(
            reverse("meetings:final", args=[meeting.public_id]), {"confirm": "on"}
        )
        assert response.status_code == 403
        client.force_login(w.users["naestformand"])
        client.post(reverse("meetings:final", args=[meeting.public_id]), {"confirm": "on"})
        with tenant_scope(w.kommune):
            referat.refresh_from_db()
            assert referat.state == "final" and referat.final_meeting == w.next
            # Locked: nothing of the meeting's referat can change any more.
            with pytest.raises(ValidationError):
                services.minutes_write(item, minutes="Rettet", decisions=[])
            with pytest.raises(ValidationError):
                services.referat_reopen(meeting)
            with pytest.raises(ValidationError):
                services.item_add(meeting, title="Nyt")
            with pytest.raises(ValidationError):
                services.action_add(item, text="x", owner=w.rep, due_on=NEXT_DAY)
            assert AgendaItem.objects.get(pk=item.pk).minutes == "Ny APV er i gang."

    # Published: the employees the committee covers may read it; others still not.
    with at(NEXT_DAY, 12):
        url = reverse("meetings:referat", args=[meeting.public_id])
        client.force_login(w.users["covered"])
        assert client.get(url).status_code == 404
        client.force_login(w.users["formand"])
        client.post(reverse("meetings:publish", args=[meeting.public_id]))
        client.force_login(w.users["covered"])
        assert client.get(url).status_code == 200
        pdf = client.get(reverse("meetings:referat_pdf", args=[meeting.public_id]))
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        client.force_login(w.users["outsider"])  # works in another område
        assert client.get(url).status_code == 404


def test_every_change_is_kept_in_history(w):
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        item = write(w, w.meeting)
        services.minutes_write(item, minutes="Ny APV er i gang i maj.", decisions=["APV i maj"])
        history = list(AgendaItem.history.filter(id=item.pk).order_by("history_date"))
        assert [h.minutes for h in history][-2:] == ["Ny APV er i gang.", "Ny APV er i gang i maj."]
        assert Decision.history.filter(item_id=item.pk, history_type="-").count() == 1
        services.referat_approve(w.meeting, person=w.formand, slots={FIRST_SLOT})
        services.referat_reopen(w.meeting)
        referat = Referat.objects.get(meeting=w.meeting)
        assert referat.round == 1 and referat.first_approved_by is None
        states = [h.state for h in Referat.history.filter(id=referat.pk).order_by("history_date")]
        assert states.count("draft") >= 2


def test_a_committee_without_formandskab_approves_by_leder_and_amr(w):
    """AMG: the leder and the AMR take the two approval slots."""
    from meetings.access import approver_roles

    slots = approver_roles({"leder", "amr"})
    assert slots[FIRST_SLOT] >= {"leder"} and slots[SECOND_SLOT] >= {"amr"}
    assert approver_roles({"formand", "naestformand", "amr"})[SECOND_SLOT] == {"naestformand"}


def test_follow_up_actions_become_deadlines_and_closing_fulfils(client, w):
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        item = write(w, w.meeting)
        action = services.action_add(
            item, text="Bestil støjmåling", owner=w.rep, due_on=date(2026, 4, 1)
        )
        # A draft's actions are not duties yet.
        assert not Deadline.objects.filter(rule="meetings.action_follow_up").exists()
        services.referat_approve(w.meeting, person=w.formand, slots={FIRST_SLOT})
        services.referat_approve(w.meeting, person=w.naestformand, slots={SECOND_SLOT})
        deadline = Deadline.objects.get(rule="meetings.action_follow_up", key=f"a{action.pk}")
        assert deadline.person == w.rep and deadline.due_date == date(2026, 4, 1)
        assert deadline.committee == w.committee and deadline.state == "open"
        assert "Bestil støjmåling" in deadline.title
    with at(date(2026, 3, 20)):
        client.force_login(w.users["covered"])  # not the owner, not a member
        url = reverse("meetings:action_close", args=[action.public_id])
        assert client.post(url).status_code == 404
        client.force_login(w.users["rep"])
        body = client.get(reverse("portal:home")).content.decode()
        assert "Bestil støjmåling" in body
        assert client.post(url, {"next": "/"}).status_code == 302
        with tenant_scope(w.kommune):
            deadline.refresh_from_db()
            assert deadline.state == "done" and deadline.done_on == date(2026, 3, 20)
            assert deadline.fulfilled_by == action
            # Reopening the referat (after closing) keeps the done duty as history.
            services.referat_reopen(w.meeting)
            deadline.refresh_from_db()
            assert deadline.state == "done"


def test_reopening_lets_an_open_action_lapse_until_approved_again(w):
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        item = write(w, w.meeting)
        action = services.action_add(item, text="Ny plan", owner=w.rep, due_on=NEXT_DAY)
        services.referat_approve(w.meeting, person=w.formand, slots={FIRST_SLOT})
        services.referat_approve(w.meeting, person=w.naestformand, slots={SECOND_SLOT})
        services.referat_reopen(w.meeting)
        row = Deadline.objects.get(rule="meetings.action_follow_up", key=f"a{action.pk}")
        assert row.state == "cancelled"
        services.referat_approve(w.meeting, person=w.naestformand, slots={SECOND_SLOT})
        services.referat_approve(w.meeting, person=w.formand, slots={FIRST_SLOT})
        row.refresh_from_db()
        assert row.state == "open"


def snapshot(committee) -> set:
    return set(
        Deadline.objects.filter(rule=DISCUSSION, committee=committee).values_list(
            "key", "state", "due_date", "done_on"
        )
    )


def finish(meeting, next_meeting, w, final_day):
    services.referat_approve(meeting, person=w.formand, slots={FIRST_SLOT})
    services.referat_approve(meeting, person=w.naestformand, slots={SECOND_SLOT})
    services.messages_send()
    with at(final_day):
        services.referat_final_approve(meeting, at_meeting=next_meeting, person=w.formand)


def test_the_finally_approved_drøftelse_fulfils_the_yearly_amo_discussion(
    org_a, settings, tmp_path
):
    """AML § 6 d; BEK om systematisk arbejdsmiljøarbejde § 4 (seeds 002, 003): the yearly
    arbejdsmiljødrøftelse at every AMO level, with a written record. The committee's meeting
    with the drøftelse fulfils the cycle on the meeting's date once its referat is finally
    approved; the next cycle is due 12 months after that meeting."""
    settings.MEDIA_ROOT = tmp_path
    with at(date(2026, 1, 5)):
        k = org_a.kommune
        with tenant_scope(k):
            afd = f.committee(
                k,
                "Alfa AfdelingsMED",
                Committee.Kind.AFDELINGSMED,
                parent=org_a.med.parent,
                established_on=date(2025, 1, 1),
            )
        world = build_med(org_a)
        with tenant_scope(k):
            for person, role, side in (
                (world.formand, Membership.Role.FORMAND, "ledelse"),
                (world.naestformand, Membership.Role.NAESTFORMAND, "medarbejder"),
            ):
                f.membership(person, afd, role, side=side)
            discussion = services.meeting_create(
                committee=afd, date=MEETING_DAY, includes_amo_discussion=True
            )
            later = services.meeting_create(committee=afd, date=NEXT_DAY)
            cycle = Deadline.objects.get(rule=DISCUSSION, committee=afd)
            assert cycle.key.endswith("#1") and cycle.due_date == date(2026, 1, 1)
    with at(MEETING_DAY, 15), tenant_scope(k):
        # The drøftelse's points must have a record before the formandskab approves.
        with pytest.raises(ValidationError) as error:
            services.referat_approve(discussion, person=world.formand, slots={FIRST_SLOT})
        assert "Opfølgning på og vurdering af" in str(error.value)
        for item in agenda_for(discussion).items:
            if item.is_amo_point:
                services.minutes_write(item, minutes="Drøftet.", decisions=[])
        finish(discussion, later, world, NEXT_DAY)
        cycle.refresh_from_db()
        assert cycle.state == "done" and cycle.done_on == MEETING_DAY
        assert cycle.fulfilled_by == Meeting.objects.get(pk=discussion.pk)
        following = Deadline.objects.get(rule=DISCUSSION, committee=afd, key=cycle.key[:-1] + "2")
        assert following.state == "open" and following.due_date == date(2027, 3, 2)
        # The nightly full evaluation agrees: the committee's rows stay, a second run is a no-op.
        before = snapshot(afd)
        rules = [registry.get(DISCUSSION)]
        evaluate(Context(k, NEXT_DAY), rules=rules)
        assert snapshot(afd) == before
        assert evaluate(Context(k, NEXT_DAY), rules=rules).changed == 0


def test_manual_completion_of_the_discussion_still_works(org_a):
    with at(date(2026, 1, 5)), tenant_scope(org_a.kommune):
        amg = org_a.amg
        cycle = Deadline.objects.get(rule=DISCUSSION, committee=amg)
        deadline_mark_done(cycle, done_on=date(2026, 1, 4))
        following = Deadline.objects.filter(rule=DISCUSSION, committee=amg, state="open").get()
        assert following.due_date == date(2027, 1, 4)
        before = snapshot(amg)
        rules = [registry.get(DISCUSSION)]
        evaluate(Context(org_a.kommune, date(2026, 1, 5)), rules=rules)
        assert snapshot(amg) == before


def test_a_referat_is_approved_only_after_the_meeting_and_never_of_a_cancelled_one(w):
    with at(MEETING_DAY - datetime.timedelta(days=1)), tenant_scope(w.kommune):
        with pytest.raises(ValidationError):
            services.referat_approve(w.meeting, person=w.formand, slots={FIRST_SLOT})
        services.meeting_cancel(w.next)
    with at(NEXT_DAY, 15), tenant_scope(w.kommune), pytest.raises(ValidationError):
        services.referat_approve(w.next, person=w.formand, slots={FIRST_SLOT})


def test_the_editor_saves_an_item_as_it_is_typed_and_says_so(client, w):
    """Issue 11: htmx posts an item a moment after the writer pauses; the answer is the line
    beside the item. Too long a text saves nothing and says why; a member who reads the meeting
    but may not write the referat is refused (403) and nothing changes."""
    with at(MEETING_DAY, 15), tenant_scope(w.kommune):
        item = next(i for i in agenda_for(w.meeting).items if i.kind == "amo_info")
    url = reverse("meetings:minutes", args=[item.public_id])
    prefix = f"i{item.pk}"
    with at(MEETING_DAY, 15):
        client.force_login(w.users["sekretaer"])
        response = client.post(
            url,
            {f"{prefix}-minutes": "Ny APV.", f"{prefix}-decisions": "APV i maj"},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert response.content.decode().startswith("Gemt kl.")
        too_long = "x" * 100_000
        response = client.post(url, {f"{prefix}-minutes": too_long}, headers={"HX-Request": "true"})
        assert 'class="error"' in response.content.decode()
        client.force_login(w.users["rep"])
        response = client.post(url, {f"{prefix}-minutes": "Hacket"}, headers={"HX-Request": "true"})
        assert response.status_code == 403
    with tenant_scope(w.kommune):
        item.refresh_from_db()
        assert item.minutes == "Ny APV."
        assert list(item.decisions.values_list("text", flat=True)) == ["APV i maj"]
