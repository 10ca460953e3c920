"""HR's Strukturtjek (committees/checks.py) in a real browser: HR opens the page from the admin
index, sees a finding with its source and its link, follows the link, fixes the organisation in
the admin form, and the finding is gone when HR comes back.

Two findings are walked:
- a TRIO without its AMR (the kommune's TRIO guideline: leader, TR and AMR of one workplace);
  the link leads to the TRIO's page, where the seat is added;
- a workplace covered by neither a local MED committee nor a personalemøde med MED-status
  (Rammeaftale om medindflydelse og medbestemmelse); the link leads to the workplace's page, the
  coverage is added on the LokalMED's page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import Committee, CommitteeUnit, Membership
from core.tenancy import tenant_scope
from tests import factories as f

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)

CHECKS_URL = "/admin/strukturtjek/"


def open_structure_checks(page) -> None:
    """From the admin index, the way HR gets there."""
    page.goto("/admin/")
    page.get_by_role("link", name="Strukturtjek").first.click()
    page.wait_for_url(f"**{CHECKS_URL}")
    expect(page.locator("#content-main")).to_contain_text("forhold kræver handling")


def add_inline_row(page, group: str):
    """Click the inline's "add another" link and return the new row's field name prefix."""
    total = page.locator(f"input[name={group}-TOTAL_FORMS]")
    index = int(total.input_value())
    page.locator(f"#{group}-group .add-row a").click()
    expect(total).to_have_value(str(index + 1))
    return f"{group}-{index}"


def choose_autocomplete(page, name: str, value: int, label: str) -> None:
    """The autocomplete widgets post plain ids: set one as the form would."""
    page.evaluate(
        """([name, value, label]) => {
            const select = document.querySelector(`select[name="${name}"]`);
            select.add(new Option(label, value, true, true));
        }""",
        [name, str(value), label],
    )


def test_hr_adds_the_missing_amr_to_a_trio(page, org_a, hr_a):
    k = org_a.kommune
    with tenant_scope(k):
        trio = f.committee(
            k,
            "Alfa TRIO Skole Nord",
            Committee.Kind.TRIO,
            parent=org_a.amg,
            units=[org_a.workplace],
        )
        tr = f.person(k, "Tove", "Tillid", unit=org_a.workplace)
        f.membership(org_a.leader_person, trio, Membership.Role.LEDER)
        f.membership(tr, trio, Membership.Role.TR)
    amr = org_a.amr.person  # the AMG's AMR works at the same school
    message = "Alfa TRIO Skole Nord mangler AMR."

    log_in(page, "hr_a")
    page.wait_for_url("**/")
    open_structure_checks(page)
    check = page.locator("#check-trio_composition")
    expect(check.locator("caption")).to_contain_text(
        "✘ Hver TRIO består af leder, TR og AMR fra samme arbejdsplads (1)"
    )
    expect(check).to_contain_text("Kilde: kommunens MED-aftale (retningslinje for TRIO-samarbejde)")
    finding = check.get_by_role("link", name=message)
    expect(finding).to_have_attribute(
        "href", reverse("admin:committees_committee_change", args=[trio.pk])
    )

    # The link leads to the TRIO's page: HR adds the school's AMR to it.
    finding.click()
    page.wait_for_url("**" + reverse("admin:committees_committee_change", args=[trio.pk]))
    row = add_inline_row(page, "memberships")
    choose_autocomplete(page, f"{row}-person", amr.pk, amr.full_name)
    page.locator(f"select[name={row}-role]").select_option("amr")
    page.locator(f"select[name={row}-side]").select_option("medarbejder")
    page.locator(f"input[name={row}-start_date]").fill(timezone.localdate().strftime("%d.%m.%Y"))
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("blev ændret")
    with tenant_scope(k):
        seat = Membership.objects.get(committee=trio, role=Membership.Role.AMR)
        assert seat.person == amr and seat.ended_on is None

    # Back on Strukturtjek the finding is gone.
    open_structure_checks(page)
    check = page.locator("#check-trio_composition")
    expect(check.locator("caption")).to_contain_text(
        "✔ Hver TRIO består af leder, TR og AMR fra samme arbejdsplads (0)"
    )
    expect(check).to_contain_text("Ingen fund.")
    expect(page.get_by_role("link", name=message)).to_have_count(0)


def test_hr_covers_a_workplace_without_a_local_med_forum(page, org_a, hr_a):
    """org_a's Plejecenter Syd (60 employees) lies under Område Syd, which no LokalMED covers."""
    k = org_a.kommune
    workplace = org_a.other_workplace
    message = (
        "Alfa Plejecenter Syd (60 ansatte) er hverken dækket af et lokalt MED-udvalg eller et "
        "personalemøde med MED-status."
    )

    log_in(page, "hr_a")
    page.wait_for_url("**/")
    open_structure_checks(page)
    check = page.locator("#check-local_med_coverage")
    expect(check.locator("caption")).to_contain_text(
        "✘ Alle arbejdspladser har et lokalt MED-udvalg eller et personalemøde med MED-status"
    )
    expect(check).to_contain_text("Kilde: Rammeaftale om medindflydelse og medbestemmelse")
    finding = check.get_by_role("link", name=message)

    # The link leads to the workplace's page ...
    finding.click()
    page.wait_for_url("**" + reverse("admin:organisations_unit_change", args=[workplace.pk]))
    expect(page.locator("input[name=name]")).to_have_value("Alfa Plejecenter Syd")

    # ... and the coverage is a LokalMED's: HR opens the committees and adds the workplace to
    # the LokalMED of the other school's area (one LokalMED may cover several workplaces).
    page.goto(reverse("admin:committees_committee_changelist"))
    page.get_by_role("link", name="Alfa LokalMED Nord", exact=True).click()
    page.wait_for_url("**" + reverse("admin:committees_committee_change", args=[org_a.med.pk]))
    row = add_inline_row(page, "coverage")
    choose_autocomplete(page, f"{row}-unit", workplace.pk, str(workplace))
    page.get_by_role("button", name="Gem", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("blev ændret")
    with tenant_scope(k):
        assert CommitteeUnit.objects.filter(committee=org_a.med, unit=workplace).exists()

    open_structure_checks(page)
    check = page.locator("#check-local_med_coverage")
    expect(check.locator("caption")).to_contain_text("✔")
    expect(check).to_contain_text("Ingen fund.")
    expect(page.get_by_role("link", name=message)).to_have_count(0)
