"""Changing the agenda before it is settled: the proposer rewords, adds or removes material or
withdraws their own proposal until the proposal deadline (seed 003: "senest 14 dage før mødet";
a local setting); the formandskab rewords any item and sets the order of the proposed items
until the agenda is settled or dispatched; then the agenda is locked. The fixed points of the
forretningsorden are never removed. Every change is a service with history; another kommune's
item is a 404 like a missing one."""

from __future__ import annotations

import datetime
import uuid
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.tenancy import tenant_scope
from meetings import services
from meetings.models import AgendaItem, ItemAttachment, ItemKind, Meeting, Procedure
from meetings.selectors import agenda_for

from .samples_meetings import FIXED, at, build_med, new_meeting

MEETING_DAY = date(2026, 3, 2)  # a Monday
LAST_DAY = date(2026, 2, 16)  # 14 days before: the last day for proposals
BEFORE = date(2026, 2, 1)


@pytest.fixture
def w(org_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with at(date(2026, 1, 5)):
        return build_med(org_a)


@pytest.fixture
def meeting(w):
    with at(date(2026, 1, 5)):
        return new_meeting(w, MEETING_DAY)


def upload(name: str, data: bytes = b"%PDF-1.4 bilag") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def propose(w, meeting, title="Støj i kantinen", files=()):
    with at(BEFORE), tenant_scope(w.kommune):
        return services.item_propose(
            meeting,
            person=w.rep,
            title=title,
            description="Målinger fra lokale 12.",
            files=list(files),
            acting_user=w.users["rep"],
        )


def titles(meeting) -> list[str]:
    return [i.title for i in agenda_for(meeting).items]


def refreshed(item) -> AgendaItem:
    return AgendaItem.objects.select_related("meeting").get(pk=item.pk)


# --- the proposer --------------------------------------------------------------------------------


def test_it_lets_the_proposer_reword_and_change_the_material_with_history(
    w, meeting, django_capture_on_commit_callbacks
):
    item = propose(w, meeting, files=[upload("gammel.pdf")])
    user = w.users["rep"]
    with at(BEFORE, 14), tenant_scope(w.kommune):
        old = item.attachments.get()
        old_pk, old_name = old.pk, old.file.name
        assert default_storage.exists(old_name)
        with django_capture_on_commit_callbacks(execute=True):
            services.item_edit(
                refreshed(item),
                person=w.rep,
                as_chair=False,
                title="  Støj og akustik i kantinen ",
                description="Nye målinger vedlagt.",
                files=[upload("ny.pdf")],
                remove_attachments=[old],
                acting_user=user,
            )
        item = refreshed(item)
        assert (item.title, item.description) == (
            "Støj og akustik i kantinen",
            "Nye målinger vedlagt.",
        )
        assert [a.name for a in item.attachments.all()] == ["ny.pdf"]
        assert item.attachments.get().uploaded_by == w.rep
        assert item.status == AgendaItem.Status.PROPOSED
        # Every change is in the history, with who made it.
        latest = item.history.order_by("-history_id").first()
        assert latest.history_user == user and latest.title == "Støj og akustik i kantinen"
        removed = ItemAttachment.history.filter(id=old_pk, history_type="-").get()
        assert removed.history_user == user and removed.name == "gammel.pdf"
        # The removed file is gone once the change is committed; the new one is stored.
        assert not default_storage.exists(old_name)
        assert default_storage.exists(item.attachments.get().file.name)


def test_it_lets_the_proposer_withdraw_and_keeps_who_did_it(w, meeting):
    item = propose(w, meeting, files=[upload("bilag.pdf")])
    with at(BEFORE, 14), tenant_scope(w.kommune):
        services.item_withdraw(refreshed(item), person=w.rep, acting_user=w.users["rep"])
        assert not AgendaItem.objects.filter(pk=item.pk).exists()
        assert not ItemAttachment.objects.filter(item_id=item.pk).exists()
        deleted = AgendaItem.history.filter(id=item.pk, history_type="-").get()
        assert deleted.history_user == w.users["rep"] and deleted.title == "Støj i kantinen"
        assert titles(meeting) == FIXED


def test_only_the_proposer_changes_a_proposal_not_another_member(w, meeting):
    item = propose(w, meeting, files=[upload("bilag.pdf")])
    with at(BEFORE, 14), tenant_scope(w.kommune):
        for person in (w.sekretaer, w.naestformand):  # a member; a chair acting as a member
            with pytest.raises(ValidationError) as error:
                services.item_edit(
                    refreshed(item), person=person, as_chair=False, title="Overtaget"
                )
            assert "Kun forslagsstilleren" in error.value.messages[0]
            with pytest.raises(ValidationError):
                services.item_withdraw(refreshed(item), person=person)
        # The formandskab rewords it, but the material stays the proposer's.
        with pytest.raises(ValidationError) as error:
            services.item_edit(
                refreshed(item),
                person=w.formand,
                as_chair=True,
                title="Støj",
                remove_attachments=list(item.attachments.all()),
            )
        assert "Kun forslagsstilleren kan ændre bilagene" in error.value.messages[0]
        item = refreshed(item)
        assert item.title == "Støj i kantinen" and item.attachments.count() == 1


@pytest.mark.parametrize("change", ["edit", "withdraw"])
def test_the_proposer_may_change_until_the_last_day_in_danish_time(w, meeting, change):
    """Seed 003: "senest 14 dage før mødet": 23:30 on the last day is in time, 00:10 the next
    day is not (and the refusal names the deadline)."""
    first = propose(w, meeting, title="Første")
    second = propose(w, meeting, title="Andet")

    def act(item, title):
        if change == "edit":
            services.item_edit(refreshed(item), person=w.rep, as_chair=False, title=title)
        else:
            services.item_withdraw(refreshed(item), person=w.rep)

    with at(LAST_DAY, 23, 30), tenant_scope(w.kommune):
        act(first, "Første, rettet")
    with at(LAST_DAY + datetime.timedelta(days=1), 0, 10), tenant_scope(w.kommune):
        with pytest.raises(ValidationError) as error:
            act(second, "Andet, for sent")
        assert "16.02.2026" in error.value.messages[0]
        assert refreshed(second).title == "Andet"
        # The formandskab may still reword it until the agenda is settled.
        services.item_edit(
            refreshed(second), person=w.formand, as_chair=True, title="Andet (formanden)"
        )
        assert refreshed(second).title == "Andet (formanden)"


def test_the_proposal_deadline_for_changes_is_the_local_setting(w):
    with at(date(2026, 1, 5)), tenant_scope(w.kommune):
        services.procedure_save(
            Procedure(kommune=w.kommune, committee=w.committee, proposal_days=21)
        )
        meeting = new_meeting(w, MEETING_DAY)
    item = propose(w, meeting)
    with at(date(2026, 2, 9), 23, 59), tenant_scope(w.kommune):  # 21 days before
        services.item_edit(refreshed(item), person=w.rep, as_chair=False, title="I tide")
    with at(date(2026, 2, 10), 0, 1), tenant_scope(w.kommune), pytest.raises(ValidationError):
        services.item_edit(refreshed(item), person=w.rep, as_chair=False, title="For sent")


def test_a_changed_proposal_goes_back_to_the_formandskab(w, meeting):
    item = propose(w, meeting)
    with at(BEFORE, 14), tenant_scope(w.kommune):
        services.item_decide(refreshed(item), accept=True)
        assert "Støj i kantinen" in titles(meeting)
        # Saving the same text changes nothing.
        services.item_edit(
            refreshed(item),
            person=w.rep,
            as_chair=False,
            title="Støj i kantinen",
            description="Målinger fra lokale 12.",
        )
        assert refreshed(item).status == AgendaItem.Status.ACCEPTED
        services.item_edit(refreshed(item), person=w.rep, as_chair=False, title="Støj, skærpet")
        assert refreshed(item).status == AgendaItem.Status.PROPOSED
        with pytest.raises(ValidationError):
            services.agenda_settle(meeting)  # the changed proposal must be decided again
        services.item_decide(refreshed(item), accept=True)
        # The formandskab's own rewording does not send it back.
        services.item_edit(refreshed(item), person=w.formand, as_chair=True, title="Støj")
        assert refreshed(item).status == AgendaItem.Status.ACCEPTED
        services.item_decide(propose(w, meeting, title="Afvist"), accept=False, reason="Nej")
        rejected = AgendaItem.objects.get(title="Afvist")
        with pytest.raises(ValidationError) as error:
            services.item_edit(rejected, person=w.rep, as_chair=False, title="Igen")
        assert "ikke optaget" in error.value.messages[0]


# --- the formandskab, the order and the fixed points --------------------------------------------


def test_the_formandskab_rewords_any_item_and_orders_the_proposed_ones(w, meeting):
    with at(BEFORE), tenant_scope(w.kommune):
        a = services.item_add(meeting, title="A")
        b = services.item_add(meeting, title="B")
        c = services.item_add(meeting, title="C")
        fixed = agenda_for(meeting).items[1]
        assert fixed.kind == ItemKind.AMO_INFO
        services.item_edit(
            fixed,
            person=w.naestformand,
            as_chair=True,
            title="Orientering om arbejdsmiljø og sygefravær",
            description="Sygefraværsstatistik for 2025.",
            acting_user=w.users["naestformand"],
        )
        assert (
            refreshed(fixed).history.order_by("-history_id").first().history_user
            == (w.users["naestformand"])
        )
        services.item_move(refreshed(c), up=True, acting_user=w.users["formand"])  # A C B
        moved = refreshed(c).history.order_by("-history_id").first()
        assert moved.history_user == w.users["formand"] and moved.position == refreshed(c).position
        services.item_move(refreshed(c), up=True)  # C A B
        services.item_move(refreshed(a), up=False)  # C B A
        assert titles(meeting) == [
            FIXED[0],
            "Orientering om arbejdsmiljø og sygefravær",
            FIXED[2],
            "C",
            "B",
            "A",
            *FIXED[3:],
        ]
        with pytest.raises(ValidationError):
            services.item_move(refreshed(c), up=True)  # already first
        services.agenda_reorder(meeting, order=[a.public_id, b.public_id, c.public_id])
        assert titles(meeting)[3:6] == ["A", "B", "C"]
        assert (
            refreshed(a).history.order_by("-history_id").first().position == refreshed(a).position
        )


def test_the_fixed_points_stay(w, meeting):
    with at(BEFORE), tenant_scope(w.kommune):
        item = services.item_add(meeting, title="Budget", person=w.formand)
        standing = [i for i in agenda_for(meeting).items if i.kind != ItemKind.PROPOSAL]
        assert [i.title for i in standing] == FIXED
        for point in standing:
            with pytest.raises(ValidationError) as error:
                services.item_withdraw(point, person=w.formand)
            assert "faste punkter" in error.value.messages[0]
            with pytest.raises(ValidationError):
                services.item_move(point, up=False)
        # A fixed point's id in the order, or the order missing an item, is refused.
        for order in (
            [item.public_id, standing[0].public_id],
            [],
            [item.public_id, item.public_id],
            [uuid.uuid4()],
        ):
            with pytest.raises(ValidationError):
                services.agenda_reorder(meeting, order=order)
        assert titles(meeting) == [*FIXED[:3], "Budget", *FIXED[3:]]
        # The formand withdraws their own item; the fixed points are all still there.
        services.item_withdraw(refreshed(item), person=w.formand)
        assert titles(meeting) == FIXED


def test_an_item_of_another_meeting_is_not_in_the_order(w, meeting):
    with at(BEFORE), tenant_scope(w.kommune):
        other = new_meeting(w, MEETING_DAY + datetime.timedelta(days=14))
        mine = services.item_add(meeting, title="Mit")
        theirs = services.item_add(other, title="Andet møde")
        with pytest.raises(ValidationError):
            services.agenda_reorder(meeting, order=[mine.public_id, theirs.public_id])
        with pytest.raises(ValidationError):
            services.agenda_reorder(meeting, order=[theirs.public_id])
        # An attachment of another item is not removed through this one.
        services.attachment_add(theirs, upload=upload("andet.pdf"), person=w.formand)
        with pytest.raises(ValidationError):
            services.item_edit(
                refreshed(mine),
                person=w.formand,
                as_chair=True,
                title="Mit",
                remove_attachments=[theirs.attachments.get()],
            )
        assert theirs.attachments.count() == 1


# --- locked after settling -----------------------------------------------------------------------


def test_the_agenda_is_locked_once_settled(w, meeting):
    item = propose(w, meeting, files=[upload("bilag.pdf")])
    with at(BEFORE, 14), tenant_scope(w.kommune):
        services.item_decide(refreshed(item), accept=True)
        services.agenda_settle(meeting)
        attempts = [
            lambda: services.item_edit(refreshed(item), person=w.rep, as_chair=False, title="x"),
            lambda: services.item_edit(refreshed(item), person=w.formand, as_chair=True, title="x"),
            lambda: services.item_withdraw(refreshed(item), person=w.rep),
            lambda: services.item_move(refreshed(item), up=True),
            lambda: services.agenda_reorder(meeting, order=[item.public_id]),
            lambda: services.item_add(meeting, title="Efter fastlæggelse"),
        ]
        for attempt in attempts:
            with pytest.raises(ValidationError) as error:
                attempt()
            assert error.value.messages == [
                "Dagsordenen er fastlagt og dermed låst; punkterne kan ikke længere ændres."
            ]
        item = refreshed(item)
        assert item.title == "Støj i kantinen" and item.attachments.count() == 1


def test_the_agenda_is_locked_once_dispatched_even_if_never_settled(w, meeting):
    """The job dispatches on the dispatch day whatever state the agenda is in: what went out
    is what the meeting deals with. A waiting proposal can then be declined, not taken up."""
    with at(BEFORE), tenant_scope(w.kommune):
        services.procedure_save(
            Procedure(kommune=w.kommune, committee=w.committee, proposal_days=3)
        )
    item = propose(w, meeting)
    with at(date(2026, 2, 23), 6):
        assert services.agendas_dispatch(w.kommune.pk) == [meeting.pk]
    with at(date(2026, 2, 23), 9), tenant_scope(w.kommune):
        assert Meeting.objects.get(pk=meeting.pk).agenda_settled_at is None
        with pytest.raises(ValidationError) as error:
            services.item_edit(refreshed(item), person=w.rep, as_chair=False, title="x")
        assert "udsendt" in error.value.messages[0]
        with pytest.raises(ValidationError):
            services.item_decide(refreshed(item), accept=True)
        services.item_decide(refreshed(item), accept=False, reason="Kom efter udsendelsen")
        assert refreshed(item).status == AgendaItem.Status.REJECTED


# --- the pages -----------------------------------------------------------------------------------


def test_the_proposer_edits_and_withdraws_through_the_pages(client, w, meeting, settings):
    item = propose(w, meeting, files=[upload("gammel.pdf")])
    edit_url = reverse("meetings:item_edit", args=[item.public_id])
    with at(BEFORE, 14):
        client.force_login(w.users["rep"])
        page = client.get(reverse("meetings:meeting", args=[meeting.public_id])).content.decode()
        assert "Dine forslag" in page and edit_url in page
        body = client.get(edit_url).content.decode()
        assert "Træk tilbage" in body and "gammel.pdf" in body
        with tenant_scope(w.kommune):
            old = item.attachments.get()
        response = client.post(
            edit_url,
            {
                "title": "Støj, rettet",
                "description": "Ny tekst",
                "remove": [str(old.public_id)],
                "files": [upload("ny.pdf")],
            },
        )
        assert response.status_code == 302
        with tenant_scope(w.kommune):
            item = refreshed(item)
            assert item.title == "Støj, rettet"
            assert [a.name for a in item.attachments.all()] == ["ny.pdf"]
            assert item.history.order_by("-history_id").first().history_user == w.users["rep"]
        # A posted attachment id that is not this item's fails the form: nothing changes.
        response = client.post(edit_url, {"title": "Igen", "remove": [str(uuid.uuid4())]})
        assert response.status_code == 302
        with tenant_scope(w.kommune):
            assert refreshed(item).title == "Støj, rettet"
        response = client.post(reverse("meetings:item_withdraw", args=[item.public_id]))
        assert response.status_code == 302
        with tenant_scope(w.kommune):
            assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_the_page_refuses_after_the_deadline_and_when_locked(client, w, meeting):
    item = propose(w, meeting)
    edit_url = reverse("meetings:item_edit", args=[item.public_id])
    client.force_login(w.users["rep"])
    with at(LAST_DAY + datetime.timedelta(days=1), 9):
        body = client.get(edit_url).content.decode()
        assert "Fristen for forslag til dette møde var 16.02.2026" in body
        assert "Gem ændringer" not in body
        client.post(edit_url, {"title": "For sent"})
        client.post(reverse("meetings:item_withdraw", args=[item.public_id]))
        with tenant_scope(w.kommune):
            assert refreshed(item).title == "Støj i kantinen"
        page = client.get(reverse("meetings:meeting", args=[meeting.public_id])).content.decode()
        assert "Dine forslag" in page and edit_url not in page
    with at(LAST_DAY + datetime.timedelta(days=1), 10):
        client.force_login(w.users["formand"])
        assert "Gem ændringer" in client.get(edit_url).content.decode()
        with tenant_scope(w.kommune):
            services.item_decide(refreshed(item), accept=True)
            services.agenda_settle(meeting)
        body = client.get(edit_url).content.decode()
        assert "Dagsordenen er fastlagt og dermed låst" in body
        response = client.post(edit_url, {"title": "Efter fastlæggelse"}, follow=True)
        assert "Dagsordenen er fastlagt og dermed låst" in response.content.decode()
        with tenant_scope(w.kommune):
            assert refreshed(item).title == "Støj i kantinen"


def test_the_formandskab_moves_items_through_the_page_members_get_403(client, w, meeting):
    with at(BEFORE), tenant_scope(w.kommune):
        first = services.item_add(meeting, title="Første")
        second = services.item_add(meeting, title="Andet")
    move_url = reverse("meetings:item_move", args=[second.public_id])
    with at(BEFORE, 13):
        client.force_login(w.users["rep"])
        assert client.post(move_url, {"direction": "op"}).status_code == 403
        # Not theirs, not the formandskab: visible, not changeable.
        assert client.get(reverse("meetings:item_edit", args=[first.public_id])).status_code == 403
        assert (
            client.post(reverse("meetings:item_withdraw", args=[first.public_id])).status_code
            == 403
        )
        client.force_login(w.users["formand"])
        page = client.get(reverse("meetings:meeting", args=[meeting.public_id])).content.decode()
        assert "Flyt op" in page and "Ret punktet" in page
        assert client.post(move_url, {"direction": "op"}).status_code == 302
        with tenant_scope(w.kommune):
            assert titles(meeting)[3:5] == ["Andet", "Første"]
        # The formand is not the proposer: withdrawing is the proposer's.
        assert (
            client.post(reverse("meetings:item_withdraw", args=[first.public_id])).status_code
            == 403
        )


def test_another_kommunes_item_is_a_404_like_a_missing_one(client, w, meeting, org_b):
    item = propose(w, meeting)
    with at(BEFORE):
        other = build_med(org_b, prefix="b")
    for user in (other.users["formand"], other.users["rep"]):
        client.force_login(user)
        with at(BEFORE, 14):
            for public_id in (item.public_id, uuid.uuid4()):
                assert (
                    client.get(reverse("meetings:item_edit", args=[public_id])).status_code == 404
                )
                for name, data in (
                    ("meetings:item_edit", {"title": "Kapret"}),
                    ("meetings:item_withdraw", {}),
                    ("meetings:item_move", {"direction": "op"}),
                ):
                    response = client.post(reverse(name, args=[public_id]), data)
                    assert response.status_code == 404
    # Same kommune, no seat: the meeting is not visible, so neither is the item.
    client.force_login(w.users["outsider"])
    with at(BEFORE, 14):
        assert client.get(reverse("meetings:item_edit", args=[item.public_id])).status_code == 404
    with tenant_scope(w.kommune):
        assert refreshed(item).title == "Støj i kantinen"
