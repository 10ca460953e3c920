"""Issue 14 in a real browser: the budget catalogue is in hearing; LokalMED's næstformand follows
the home panel's link, gives the committee's response (a blank one is refused), and KommuneMED's
formand reads it on the process page with the link to all responses as one PDF."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from budget.models import BudgetProcess, HearingResponse
from budget.services import process_save
from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from deadlines.models import Deadline
from tests import factories as f

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def hearing(org_a):
    """Budget for next year, its catalogue sent five days ago, the answer due in ten."""
    today = timezone.localdate()
    k = org_a.kommune
    with tenant_scope(k):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        arne = org_a.amr.person
        arne.user = f.user("arne_budget")
        arne.save()
        f.membership(
            arne, org_a.med, Membership.Role.NAESTFORMAND, side=Membership.Side.MEDARBEJDER
        )
        dorte = f.person(k, "Dorte", "Direktør", unit=org_a.omraade, user=f.user("dorte_budget"))
        f.membership(dorte, hoved, Membership.Role.FORMAND, side=Membership.Side.LEDELSE)
        process = process_save(
            BudgetProcess(
                kommune=k,
                year=today.year + 1,
                timeline_by=today - datetime.timedelta(days=60),
                catalogue_on=today - datetime.timedelta(days=5),
                hearing_deadline=today + datetime.timedelta(days=10),
                adoption_planned=today + datetime.timedelta(days=30),
                catalogue="Spareforslag 1: borgerservice lukker om fredagen.",
            ),
            today=today - datetime.timedelta(days=5),
        )
    return process


def test_the_formandskab_answers_the_hearing_and_kommunemed_reads_it(
    page, new_page, org_a, hearing
):
    process = hearing
    log_in(page, "arne_budget")
    page.wait_for_url("**/")
    panel = page.locator("#panel-budget")
    expect(panel).to_contain_text("Budgetkataloget er i høring")
    panel.get_by_role("link", name="Afgiv høringssvar fra Alfa LokalMED Nord").click()
    page.wait_for_url(f"**/budget/{process.public_id}/**")
    expect(page.get_by_role("heading", name=f"Budget {process.year}", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("borgerservice lukker om fredagen")

    page.get_by_role("button", name="Afgiv høringssvar").click()
    expect(page.locator("ul.messages")).to_contain_text("Skriv udvalgets høringssvar.")
    with tenant_scope(org_a.kommune):
        assert not HearingResponse.objects.exists()

    page.get_by_label("Udvalgets høringssvar").fill("LokalMED Nord fraråder forslag 1.")
    page.get_by_role("button", name="Afgiv høringssvar").click()
    expect(page.locator("ul.messages")).to_contain_text(
        "Høringssvaret fra Alfa LokalMED Nord er afgivet."
    )
    expect(page.get_by_role("button", name="Ret høringssvaret")).to_be_visible()
    with tenant_scope(org_a.kommune):
        response = HearingResponse.objects.get()
        assert response.submitted_by == org_a.amr.person
        row = Deadline.objects.get(rule="budget.hearing_response", committee=org_a.med)
        assert (row.state, row.done_on) == ("done", timezone.localdate())

    formand = new_page()
    log_in(formand, "dorte_budget")
    formand.wait_for_url("**/")
    formand.locator("#panel-budget").get_by_role("link", name=f"Budget {process.year}").click()
    responses = formand.locator("section", has=formand.get_by_role("heading", name="Høringssvar"))
    expect(responses).to_contain_text("LokalMED Nord fraråder forslag 1.")
    expect(responses.get_by_role("link", name="Alle høringssvar som PDF")).to_have_attribute(
        "href", f"/budget/{process.public_id}/hoeringssvar.pdf"
    )
    expect(formand.locator("main")).to_contain_text("1 af 1 udvalg har svaret")
