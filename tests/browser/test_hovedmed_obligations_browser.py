"""Issue 14 in a real browser: HovedMED's formand marks an agenda item as handling obligation B
(seed 003, Albertslund 26.10.2020: "Budgettets konsekvenser for arbejds- og personaleforhold"),
the formandskab approves the referat, it is finally approved at the next meeting, and the portal
shows that year's obligation B as fulfilled on the meeting's date, the next one due a year later.

The service side is tests/test_hovedmed_obligations_meetings.py. Dates are relative to today
because the live server runs on the real clock."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import formats, timezone
from playwright.sync_api import expect

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from deadlines.dates import add_months
from deadlines.models import Deadline
from meetings import services
from meetings.models import AgendaItem, Referat
from tests import factories as f

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

RULE = "committees.hovedmed_obligation"
TITLE_B = "HovedMED-opgave B: Budgettets konsekvenser for arbejds- og personaleforhold"
ITEM = "Budget 2027: konsekvenser for personalet"


def day_text(day: datetime.date) -> str:
    """A date as the portal writes it (DATE_FORMAT of the active language, Danish)."""
    return formats.date_format(day, "DATE_FORMAT")


def hovedmed_formandskab(org):
    """org_a's HovedMED with a formand (ledelse) and a næstformand (medarbejdere), each with a
    login and an e-mail address."""
    k = org.kommune
    with tenant_scope(k):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        formand = f.person(
            k, "Hanne", "Hovedformand", unit=org.workplace, user=f.user("hoved_formand")
        )
        naestformand = f.person(
            k, "Henrik", "Hovednæstformand", unit=org.workplace, user=f.user("hoved_naestformand")
        )
        formand.email, naestformand.email = "hanne@example.dk", "henrik@example.dk"
        formand.save(update_fields=["email"])
        naestformand.save(update_fields=["email"])
        f.membership(formand, hoved, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
        f.membership(
            naestformand, hoved, Membership.Role.NAESTFORMAND, side=Membership.Side.MEDARBEJDER
        )
    return hoved, formand, naestformand


def test_an_item_marked_with_obligation_b_fulfils_it_once_the_referat_is_final(
    page, new_page, org_a
):
    today = timezone.localdate()
    held_on = today - datetime.timedelta(days=14)  # the meeting that handles the budget
    next_on = today - datetime.timedelta(days=1)  # the next meeting: the final approval
    hoved, formand, naestformand = hovedmed_formandskab(org_a)
    k = org_a.kommune
    with tenant_scope(k):
        meeting = services.meeting_create(committee=hoved, date=held_on)
        services.meeting_create(committee=hoved, date=next_on)
        item = services.item_add(meeting, title=ITEM)
        open_b = Deadline.objects.get(rule=RULE, committee=hoved, key__contains=":B#", state="open")
    meeting_url = reverse("meetings:meeting", args=[meeting.public_id])
    referat_url = reverse("meetings:referat", args=[meeting.public_id])

    # The formand opens the meeting and edits the budget item: it handles obligation B.
    log_in(page, "hoved_formand")
    page.wait_for_url("**/")
    page.goto(meeting_url)
    page.locator(f"#punkt-{item.public_id}").get_by_role("link", name="Ret punktet").click()
    page.wait_for_url("**" + reverse("meetings:item_edit", args=[item.public_id]))
    obligation = page.get_by_label("HovedMED-opgave")
    assert obligation.input_value() == ""
    obligation.select_option("B")
    page.get_by_label("Indstilling").fill("HovedMED drøfter budgettets konsekvenser.")
    page.get_by_role("button", name="Gem ændringer").click()
    page.wait_for_url(f"**{meeting_url}")
    expect(page.get_by_role("status")).to_contain_text("Punktet er ændret.")
    with tenant_scope(k):
        assert AgendaItem.objects.get(pk=item.pk).obligation == "B"
        # Marking alone fulfils nothing: the referat is not finally approved yet.
        open_b.refresh_from_db()
        assert open_b.state == "open"

    # The formand writes the item's referat and approves it ...
    page.goto(referat_url)
    page.locator(f"#m-{item.pk}").fill("Budgettets konsekvenser blev drøftet.")
    page.locator(f"#d-{item.pk}").fill("HovedMED tager orienteringen til efterretning")
    page.locator(f"#saved-{item.pk}").get_by_text("Gemt kl.").wait_for()
    page.get_by_role("button", name="Godkend referatet").click()
    expect(page.get_by_role("status")).to_contain_text("Din godkendelse er registreret.")

    # ... and the næstformand approves it from his own browser.
    second = new_page()
    log_in(second, "hoved_naestformand")
    second.wait_for_url("**/")
    second.goto(referat_url)
    second.get_by_role("button", name="Godkend referatet").click()
    expect(second.get_by_role("status")).to_contain_text("Din godkendelse er registreret.")
    expect(second.locator("#h-state + p")).to_have_text("Godkendt af formandskabet")

    # The referat goes out to the members (the Celery job, run here directly).
    with tenant_scope(k):
        services.messages_send(meeting_id=meeting.pk)
        assert Referat.objects.get(meeting=meeting).state == Referat.State.SENT

    # At the next meeting the formand registers the final approval.
    page.goto(referat_url)
    page.get_by_label("Referatet blev godkendt endeligt som første punkt på næste møde").check()
    page.get_by_role("button", name=f"Registrér endelig godkendelse ({day_text(next_on)})").click()
    expect(page.get_by_role("status")).to_contain_text("Referatet er endeligt godkendt og låst.")

    with tenant_scope(k):
        rows = list(Deadline.objects.filter(rule=RULE, committee=hoved, key__contains=":B#"))
        done = [d for d in rows if d.state == "done"]
        still_open = [d for d in rows if d.state == "open"]
        assert [d.pk for d in done] == [open_b.pk]
        assert done[0].done_on == held_on
        assert done[0].fulfilled_by == AgendaItem.objects.get(pk=item.pk)
        assert [d.due_date for d in still_open] == [add_months(held_on, 12)]
        # C–K are untouched.
        others = Deadline.objects.filter(rule=RULE, committee=hoved).exclude(key__contains=":B#")
        assert set(others.values_list("state", flat=True)) == {"open"}

    # The portal: obligation B is among the recently fulfilled deadlines, and next year's is due.
    page.goto("/")
    deadlines = page.locator("#panel-deadlines")
    recent = deadlines.locator("details", has_text="opfyldt for nylig")
    recent.locator("summary").click()
    fulfilled = recent.locator("li", has_text=TITLE_B)
    expect(fulfilled).to_be_visible()
    expect(fulfilled.locator(".badge")).to_have_text("Opfyldt")
    expect(fulfilled).to_contain_text(f"Opfyldt {day_text(held_on)}")
    upcoming = deadlines.locator(":scope > ul > li", has_text=TITLE_B)
    expect(upcoming).to_have_count(1)
    expect(upcoming).to_contain_text(f"Frist {day_text(add_months(held_on, 12))}")

    # The deadline's own page says it is fulfilled, and on which day.
    fulfilled.get_by_role("link", name=TITLE_B).click()
    page.wait_for_url("**" + reverse("deadlines:detail", args=[open_b.public_id]))
    expect(page.locator("h1")).to_have_text(TITLE_B)
    expect(page.locator("h1 + p")).to_contain_text(f"Opfyldt {day_text(held_on)}")
