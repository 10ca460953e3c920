"""Issue 14: an organisation change's main path in a real browser — HR proposes a new AMG in the
admin, an employee sees it on the organisation page marked as a proposal with its HovedMED
meeting, HR registers HovedMED's approval after the referat (the fallback when the referat records
no decision), and the new AMG is there; and the main path since: HovedMED's referent records the
approval in the referat, and the finally approved referat applies the change."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from meetings import services as meeting_services
from meetings.models import AgendaItem, Meeting, Referat
from reorganisation import services
from reorganisation.models import OrganisationChange
from reorganisation.tasks import reorganisation_tick
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


def test_the_referent_records_hovedmeds_approval_and_the_tick_applies_it(page, org_a, hr_a):
    """The issue: "approval in the referat applies it on the chosen date". HovedMED's formand
    marks the change's item "Godkendt" while writing the referat; once the referat is finally
    approved, the daily tick applies the change without HR."""
    today = timezone.localdate()
    k = org_a.kommune
    with tenant_scope(k):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        formand = f.person(k, "Hanne", "Hovedformand", unit=org_a.workplace, user=f.user("hanne"))
        f.membership(formand, hoved, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
        meeting = meeting_services.meeting_create(
            committee=hoved, date=today + datetime.timedelta(days=30)
        )
        change = services.change_propose(
            OrganisationChange(
                kommune=k,
                kind=OrganisationChange.Kind.MOVE_COMMITTEE,
                title="AMG Syd flyttes under LokalMED",
                description="Samme ledelse som Skole Nord.",
                effective_on=today,
                committee=org_a.other_amg,
                new_parent=org_a.med,
            ),
            acting_user=hr_a,
        )
        change.refresh_from_db()
        item = change.agenda_item
        assert change.state == OrganisationChange.State.ON_AGENDA and item.asks_approval
        # The meeting has been held since (the live server runs on the real clock).
        Meeting.objects.filter(pk=meeting.pk).update(date=today - datetime.timedelta(days=2))

    log_in(page, "hanne")
    page.wait_for_url("**/")
    page.goto(reverse("meetings:referat", args=[meeting.public_id]))
    section = page.locator(f"#punkt-{item.public_id}")
    expect(section).to_contain_text("Organisationsændring: AMG Syd flyttes under LokalMED")
    section.get_by_label("Beslutninger (én pr. linje)").fill("AMG Syd flyttes under LokalMED.")
    section.get_by_label("Udvalgets afgørelse").select_option(label="Godkendt")
    section.get_by_role("button", name="Gem punktet").click()
    expect(page.locator("ul.messages")).to_contain_text("Referatet af punktet er gemt.")
    expect(page.locator(f"#o-{item.pk}")).to_have_value("approved")
    # Other items ask for no decision.
    assert page.get_by_label("Udvalgets afgørelse").count() == 1
    with tenant_scope(k):
        item.refresh_from_db()
        assert item.outcome == AgendaItem.Outcome.APPROVED
        # Approved by the formandskab but not finally: nothing is decided yet.
        referat = meeting_services.referat_for(meeting)
        Referat.objects.filter(pk=referat.pk).update(state=Referat.State.SENT)
        assert reorganisation_tick() == 0
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.ON_AGENDA
        # Finally approved at the next meeting (that flow: tests/browser/test_meetings_browser.py).
        Referat.objects.filter(pk=referat.pk).update(state=Referat.State.FINAL)
        assert reorganisation_tick() == 1
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.APPLIED
        assert change.decision == "AMG Syd flyttes under LokalMED."
        assert Committee.objects.get(pk=org_a.other_amg.pk).parent == org_a.med
        assert change.history.filter(history_change_reason="Godkendt i HovedMED's referat").exists()

    # The locked referat states HovedMED's decision on the item.
    page.reload()
    expect(page.locator(f"#punkt-{item.public_id} .outcome")).to_have_text("Afgørelse: Godkendt")
    expect(page.locator("#h-state + p")).to_have_text("Endeligt godkendt")
