"""Meetings in a real browser: a member proposes an item on an upcoming meeting and the formand
takes it on the agenda; the formand and the næstformand approve a referat, each from their own
browser, and the page shows the state change.

The world is tests/samples_meetings.py's LokalMED (formand, næstformand, sekretær and a
representative, each with a login); dates are relative to today because the live server runs on
the real clock."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tenancy import tenant_scope
from meetings import services
from meetings.models import AgendaItem, Referat
from meetings.selectors import agenda_for
from tests.samples_meetings import build_med, new_meeting

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Indeklima i lærerværelset"


@pytest.fixture
def med(org_a):
    return build_med(org_a)


def test_a_member_proposes_an_item_and_the_formand_takes_it_on(page, new_page, med):
    meeting = new_meeting(med, timezone.localdate() + datetime.timedelta(days=30))
    meeting_url = reverse("meetings:meeting", args=[meeting.public_id])

    # The representative finds the meeting on the portal home and proposes an item.
    log_in(page, "rep_a")
    page.wait_for_url("**/")
    upcoming = page.locator("#panel-meetings")
    upcoming.get_by_role("link", name="Foreslå et punkt").click()
    page.wait_for_url(f"**{meeting_url}*")
    proposal = page.locator("section", has=page.get_by_role("heading", name="Foreslå et punkt"))
    proposal.get_by_label("Overskrift").fill(TITLE)
    proposal.get_by_label("Sagsfremstilling").fill("Det er for varmt om eftermiddagen.")
    proposal.get_by_label("Indstilling").fill("Udvalget beder om en måling af temperaturen.")
    proposal.get_by_role("button", name="Send forslag").click()
    status = page.get_by_role("status")
    assert "Dit forslag er sendt til formanden og næstformanden." in status.inner_text()
    # Not on the agenda yet: the formandskab decides.
    assert TITLE not in page.locator("#h-agenda + ol").inner_text()

    with tenant_scope(med.kommune):
        item = AgendaItem.objects.get(meeting=meeting, title=TITLE)
        assert item.status == AgendaItem.Status.PROPOSED and item.proposed_by == med.rep
        assert item.recommendation == "Udvalget beder om en måling af temperaturen."

    # The formand, in her own browser, sees the proposal and takes it on the agenda.
    chair = new_page()
    log_in(chair, "formand_a")
    chair.wait_for_url("**/")
    chair.goto(meeting_url)
    pending = chair.locator("li", has_text=TITLE)
    assert "Rasmus Repræsentant" in pending.inner_text()
    pending.get_by_role("button", name="Optag", exact=True).click()
    assert "Forslaget er behandlet." in chair.get_by_role("status").inner_text()
    assert TITLE in chair.locator("#h-agenda + ol").inner_text()

    # The representative now finds the item on the agenda, with his name on it.
    page.reload()
    agenda = page.locator("#h-agenda + ol")
    assert TITLE in agenda.inner_text()
    assert "Foreslået af Rasmus Repræsentant" in agenda.inner_text()


def test_formand_and_naestformand_approve_the_referat(page, new_page, med):
    meeting = new_meeting(med, timezone.localdate() - datetime.timedelta(days=2))
    with tenant_scope(med.kommune):
        first_item = agenda_for(meeting).items[0]
        services.minutes_write(
            first_item, minutes="Dagsordenen blev godkendt.", decisions=["Godkendt"]
        )
    referat_url = reverse("meetings:referat", args=[meeting.public_id])
    state = "#h-state + p"

    # The formand finds the referat waiting for her on the portal home.
    log_in(page, "formand_a")
    page.wait_for_url("**/")
    page.locator(f'#panel-referater a[href="{referat_url}"]').click()
    page.wait_for_url(f"**{referat_url}")
    assert page.locator(state).inner_text() == "Kladde"
    page.get_by_role("button", name="Godkend referatet").click()
    assert "Din godkendelse er registreret." in page.get_by_role("status").inner_text()
    assert "Godkendt af Frida Formand" in page.locator("#h-state").locator("..").inner_text()
    assert page.locator(state).inner_text() == "Kladde"  # one approval is not enough
    assert page.get_by_role("button", name="Godkend referatet").count() == 0

    # The næstformand approves from his own browser: the referat is approved.
    second = new_page()
    log_in(second, "naestformand_a")
    second.wait_for_url("**/")
    second.locator(f'#panel-referater a[href="{referat_url}"]').click()
    second.wait_for_url(f"**{referat_url}")
    second.get_by_role("button", name="Godkend referatet").click()
    assert "Din godkendelse er registreret." in second.get_by_role("status").inner_text()
    approval = second.locator("#h-state").locator("..").inner_text()
    assert second.locator(state).inner_text() == "Godkendt af formandskabet"
    assert "Godkendt af Frida Formand" in approval
    assert "Godkendt af Niels Næstformand" in approval

    # The formand sees the new state on reload, and the referat has left her to-do list.
    page.reload()
    assert page.locator(state).inner_text() == "Godkendt af formandskabet"
    page.goto("/")
    assert page.locator(f'#panel-referater a[href="{referat_url}"]').count() == 0
    with tenant_scope(med.kommune):
        referat = Referat.objects.get(meeting=meeting)
        assert referat.state == Referat.State.APPROVED
        assert (referat.first_approved_by, referat.second_approved_by) == (
            med.formand,
            med.naestformand,
        )


def test_the_referat_is_saved_as_it_is_typed(page, med):
    """Issue 11: the referat editor saves each item a moment after the writer pauses, without
    reloading the page; two items written one after the other are both kept."""
    meeting = new_meeting(med, timezone.localdate() - datetime.timedelta(days=2))
    with tenant_scope(med.kommune):
        first, second = agenda_for(meeting).items[:2]
    log_in(page, "formand_a")
    page.wait_for_url("**/")
    page.goto(reverse("meetings:referat", args=[meeting.public_id]))
    page.locator(f"#m-{first.pk}").fill("Drøftet; ingen bemærkninger.")
    page.locator(f"#saved-{first.pk}").get_by_text("Gemt kl.").wait_for()
    page.locator(f"#d-{second.pk}").fill("Planen godkendt\nNæste møde i juni")
    page.locator(f"#saved-{second.pk}").get_by_text("Gemt kl.").wait_for()
    page.reload()
    assert page.locator(f"#m-{first.pk}").input_value() == "Drøftet; ingen bemærkninger."
    with tenant_scope(med.kommune):
        decisions = list(second.decisions.order_by("position").values_list("text", flat=True))
        first.refresh_from_db()
    assert first.minutes == "Drøftet; ingen bemærkninger."
    assert decisions == ["Planen godkendt", "Næste møde i juni"]
