"""The employee side's formøde in a real browser: the næstformand from the medarbejderside
schedules it from the meeting page (seed 003: "Medarbejderne kan afholde en 1 times formøde
inden det planlagte møde"), a member of the medarbejderside sees it with its note, and the
formand from the ledelsesside sees when and where, not the note.

Dates are relative to today because the live server runs on the real clock."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from core.tenancy import tenant_scope
from meetings import services
from meetings.models import PreMeeting, Procedure
from tests.samples_meetings import build_med, new_meeting

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

NOTE = "Vi forbereder punktet om arbejdstider."


@pytest.fixture
def med(org_a):
    world = build_med(org_a)
    with tenant_scope(world.kommune):
        services.procedure_save(
            Procedure(
                kommune=world.kommune, committee=world.committee, formoede=True, formoede_days=1
            )
        )
    return world


def test_the_employee_chair_schedules_the_formoede_and_the_side_sees_it(page, new_page, med):
    meeting_day = timezone.localdate() + datetime.timedelta(days=30)
    formoede_day = meeting_day - datetime.timedelta(days=3)
    meeting = new_meeting(med, meeting_day, location="Rådhuset, lokale 1")
    meeting_url = reverse("meetings:meeting", args=[meeting.public_id])

    # The næstformand (medarbejdersiden) schedules the formøde from the meeting page.
    log_in(page, "naestformand_a")
    page.wait_for_url("**/")
    page.goto(meeting_url)
    section = page.locator("#formoede")
    expect(section).to_contain_text("Medarbejdersiden kan holde formøde i arbejdstiden")
    section.get_by_label("Dato").fill(formoede_day.isoformat())
    section.get_by_label("Starttidspunkt").fill("08:00")
    section.get_by_label("Sluttidspunkt").fill("09:00")
    section.get_by_label("Sted").fill("Kantinen")
    section.get_by_label("Bemærkning til medarbejdersiden").fill(NOTE)
    section.get_by_role("button", name="Indkald til formøde").click()
    expect(page.locator("ul.messages")).to_contain_text("Formødet er indkaldt")
    expect(page.locator("#formoede .formoede-when")).to_contain_text("Kantinen")
    expect(page.locator("#formoede")).to_contain_text(NOTE)

    with tenant_scope(med.kommune):
        pre_meeting = PreMeeting.objects.get(meeting=meeting)
        assert (pre_meeting.date, pre_meeting.location) == (formoede_day, "Kantinen")
        assert pre_meeting.convened_by == med.users["naestformand"]

    # A representative of the medarbejderside sees it, note included.
    member = new_page()
    log_in(member, "rep_a")
    member.wait_for_url("**/")
    member.goto(meeting_url)
    when = member.locator("#formoede .formoede-when")
    expect(when).to_contain_text("Medarbejdersiden holder formøde")
    expect(when).to_contain_text("kl. 08.00–09.00")
    expect(when).to_contain_text("Kantinen")
    expect(member.locator("#formoede .formoede-note")).to_contain_text(NOTE)
    expect(member.get_by_role("button", name="Flyt formødet")).to_have_count(0)

    # The formand (ledelsessiden) sees when and where, not the employees' note.
    chair = new_page()
    log_in(chair, "formand_a")
    chair.wait_for_url("**/")
    chair.goto(meeting_url)
    expect(chair.locator("#formoede .formoede-when")).to_contain_text("Kantinen")
    expect(chair.locator("#formoede")).not_to_contain_text(NOTE)
    expect(chair.locator("#formoede .formoede-note")).to_have_count(0)
