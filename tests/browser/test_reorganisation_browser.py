"""Issue 14: an organisation change's main path in a real browser — HR proposes a new AMG in the
admin, an employee sees it on the organisation page marked as a proposal with its HovedMED
meeting, HR registers HovedMED's approval after the referat, and the new AMG is there."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import Committee
from core.tenancy import tenant_scope
from meetings import services as meeting_services
from meetings.models import Referat
from reorganisation.models import OrganisationChange
from tests import factories as f

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_hr_proposes_hovedmed_approves_and_the_chart_follows(page, new_page, org_a, hr_a):
    today = timezone.localdate()
    k = org_a.kommune
    with tenant_scope(k):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        meeting = meeting_services.meeting_create(
            committee=hoved, date=today + datetime.timedelta(days=30)
        )
        library = f.unit(k, "Alfa Bibliotek", parent=org_a.omraade)
        employee = f.person(k, "Eva", "Alfa", unit=org_a.workplace, user=f.user("eva"))

    # HR proposes in the admin.
    log_in(page, "hr_a")
    page.wait_for_url("**/")
    page.goto("/admin/reorganisation/organisationchange/add/")
    page.get_by_label("Type").select_option(label="Ny arbejdsmiljøgruppe")
    page.get_by_label("Overskrift").fill("Biblioteket får egen arbejdsmiljøgruppe")
    page.get_by_label("Beskrivelse og begrundelse").fill("Biblioteket har fået egen adresse.")
    page.get_by_label("Træder i kraft").fill(today.strftime("%d.%m.%Y"))
    page.get_by_label("Navn på det nye udvalg").fill("Alfa AMG Bibliotek")
    # The autocomplete widgets post plain ids: set them as the form would.
    page.evaluate(
        """([unit, parent]) => {
            const units = document.querySelector('select[name=units]');
            units.add(new Option('Alfa Bibliotek', unit, true, true));
            const p = document.querySelector('select[name=new_parent]');
            p.add(new Option('Alfa LokalMED Nord', parent, true, true));
        }""",
        [str(library.pk), str(org_a.med.pk)],
    )
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("blev tilføjet")
    with tenant_scope(k):
        change = OrganisationChange.objects.get()
    assert change.state == OrganisationChange.State.ON_AGENDA
    assert change.agenda_item.meeting == meeting

    # An employee sees the proposal beside the approved chart, and its HovedMED meeting.
    eva = new_page()
    log_in(eva, "eva")
    eva.wait_for_url("**/")
    eva.goto("/moeder/organisation/")
    proposed = eva.locator("#h-proposed").locator("..")
    assert "Biblioteket får egen arbejdsmiljøgruppe" in proposed.inner_text()
    assert "Alfa AMG Bibliotek under Alfa LokalMED Nord" in proposed.inner_text()
    assert employee.full_name  # the employee is a plain member of staff, no seat

    # After the meeting, its referat approved by the formandskab, HR registers the approval.
    with tenant_scope(k):
        referat = meeting_services.referat_for(meeting)
        Referat.objects.filter(pk=referat.pk).update(state=Referat.State.APPROVED)
    page.goto("/admin/reorganisation/organisationchange/")
    page.locator("input[name=_selected_action]").first.check()
    page.locator("select[name=action]").select_option(
        label="Registrér HovedMED's godkendelse (referatet er godkendt)"
    )
    page.get_by_role("button", name="Udfør").click()
    expect(page.locator(".messagelist")).to_contain_text("registreret")
    with tenant_scope(k):
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.APPLIED
        assert Committee.objects.filter(name="Alfa AMG Bibliotek", parent=org_a.med).exists()
    eva.goto("/moeder/organisation/")
    assert eva.locator("#h-proposed").count() == 0
