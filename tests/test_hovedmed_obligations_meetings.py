"""Issue 14: HovedMED's obligations A–K (seed 003, Albertslund 26.10.2020) are fulfilled where
they are handled — an agenda item of a HovedMED meeting marked with the obligation, once the
referat is finally approved (done on the meeting's date, fulfilled by the item) — and a waiver of
A, H or I is agreed in HovedMED's approved referat."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.models import Committee, Membership, ObligationWaiver
from committees.services import obligation_waive
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from meetings import services as ms
from meetings.models import AgendaItem, Referat

from . import factories as f

RULE = "committees.hovedmed_obligation"


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12)), tick=False)


@pytest.fixture
def hoved(org_a):
    with tenant_scope(org_a.kommune):
        return Committee.objects.get(kind=Committee.Kind.HOVEDMED)


def lock_referat(meeting):
    """The referat finally approved at the next meeting (the flow: test_meetings_referat.py)."""
    referat = ms.referat_for(meeting)
    Referat.objects.filter(pk=referat.pk).update(state=Referat.State.FINAL)


def test_an_item_handling_obligation_b_fulfils_this_years_duty(org_a, hoved):
    """Seed 003, task B (budget consequences for working conditions): handled under an item of
    HovedMED's meeting; the finally approved referat fulfils the duty on the meeting's date and
    the next is due a year later."""
    k = org_a.kommune
    day = datetime.date(2026, 4, 15)
    with tenant_scope(k), at(datetime.date(2026, 4, 1)):
        meeting = ms.meeting_create(committee=hoved, date=day)
        item = ms.item_add(meeting, title="Budget 2027: konsekvenser for personalet")
        ms.item_set_obligation(item, obligation="B")
        with pytest.raises(ValidationError):
            ms.item_set_obligation(item, obligation="Z")
        other = ms.meeting_create(committee=org_a.amg, date=day)
        amg_item = ms.item_add(other, title="Budget")
        with pytest.raises(ValidationError) as error:
            ms.item_set_obligation(amg_item, obligation="B")
        assert "Kun HovedMED's punkter" in str(error.value)
        assert AgendaItem.objects.get(pk=amg_item.pk).obligation == ""
    with tenant_scope(k), at(datetime.date(2026, 5, 20)):
        lock_referat(meeting)
        ms._refresh(meeting, None)
        rows = {d.key: d for d in Deadline.objects.filter(rule=RULE, committee=hoved)}
        b1 = next(d for key, d in rows.items() if ":B#" in key and d.state == "done")
        assert b1.done_on == day and b1.fulfilled_by == AgendaItem.objects.get(pk=item.pk)
        b2 = next(d for key, d in rows.items() if ":B#" in key and d.state == "open")
        assert b2.due_date == datetime.date(2027, 4, 15)
        # The other obligations are untouched.
        assert all(d.state == "open" for key, d in rows.items() if ":C#" in key)
        # Once the referat is locked the link cannot change.
        with pytest.raises(ValidationError):
            ms.item_set_obligation(item, obligation="")


def test_the_formandskab_links_an_item_in_the_item_form(client, org_a, hoved):
    k = org_a.kommune
    with tenant_scope(k):
        formand = f.person(k, "Frida", "Formand", unit=org_a.workplace)
        f.membership(formand, hoved, Membership.Role.FORMAND)
        meeting = ms.meeting_create(
            committee=hoved, date=datetime.date.today() + datetime.timedelta(days=40)
        )
        item = ms.item_add(meeting, title="Seniorpolitikken")
    f.login_as(client, org_a, formand, "frida")
    url = reverse("meetings:item_edit", args=[item.public_id])
    page = client.get(url)
    assert page.status_code == 200 and "HovedMED-opgave" in page.text
    response = client.post(url, {"title": "Seniorpolitikken", "obligation": "J"})
    assert response.status_code == 302
    with tenant_scope(k):
        assert AgendaItem.objects.get(pk=item.pk).obligation == "J"


def test_a_waiver_is_agreed_in_hovedmeds_approved_referat(org_a, hoved):
    """Seed 003: "Hovedudvalget kan aftale at fravige punkt A, H og I, såfremt der er enighed
    i udvalget herom" — the waiver points to the item of the approved referat and takes its
    decision."""
    k = org_a.kommune
    day = datetime.date(2026, 4, 15)
    with tenant_scope(k), at(datetime.date(2026, 4, 1)):
        meeting = ms.meeting_create(committee=hoved, date=day)
        item = ms.item_add(meeting, title="Trivselsmåling hvert andet år")
    with tenant_scope(k), at(datetime.date(2026, 4, 16)):
        ms.minutes_write(item, minutes="Enighed.", decisions=["Opgave A fraviges i 2026."])
        with pytest.raises(ValidationError) as error:
            obligation_waive(
                committee=hoved, obligation="A", agreed_on=day, decision="", agenda_item=item
            )
        assert "Referatet af mødet er ikke godkendt endnu." in str(error.value)
        assert not ObligationWaiver.objects.exists()
        Referat.objects.filter(meeting=meeting).update(state=Referat.State.APPROVED)
        waiver = obligation_waive(
            committee=hoved, obligation="A", agreed_on=day, decision="", agenda_item=item
        )
        assert waiver.decision == "Opgave A fraviges i 2026."
        row = Deadline.objects.get(rule=RULE, committee=hoved, key__contains=":A#")
        assert row.state == "waived"
