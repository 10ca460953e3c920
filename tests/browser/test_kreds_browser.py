"""The kreds officer's view in a real browser: the officer logs in (an account of the kreds, no
kommune), sees their consenting AMR/TR members across the kommuner, filters by kommune; the
member withdraws consent from her own browser, and on reload she is gone.

Unions test data comes from tests/test_unions.py (build_world, join, member)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from committees.models import Membership
from core.tenancy import tenant_scope
from tests import factories as f
from tests.test_unions import KREDS_NAME, build_world, join, member

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def kreds_world(org_a, org_b):
    world = build_world(org_a, org_b)
    asta = member(org_a, "Asta", "Alfamedlem")
    with tenant_scope(org_a.kommune):
        asta.user = f.user("asta_amr")
        asta.save()
    join(asta, world.kreds)
    join(member(org_b, "Bent", "Betamedlem", role=Membership.Role.TR), world.kreds)
    join(member(org_a, "Svend", "Udensamtykke"), world.kreds, consent=False)
    return world


def members(page) -> str:
    return page.locator("table").first.inner_text()


def test_the_officer_sees_filters_and_loses_a_member_who_withdraws(
    page, new_page, org_a, kreds_world
):
    overview_url = reverse("unions:overview", args=[kreds_world.kreds.public_id])

    # The officer's account has no kommune: the login lands on the kreds' member list.
    log_in(page, "officer_zulu")
    page.wait_for_url(f"**{overview_url}")
    assert KREDS_NAME in page.get_by_role("heading", level=1).inner_text()
    listed = members(page)
    assert "Asta Alfamedlem" in listed and "Bent Betamedlem" in listed
    assert "Alfa AMG Nord" in listed and "Tillidsrepræsentant (TR)" in listed
    assert "Svend" not in listed  # stated the kreds but gave no consent

    # Filter by kommune: only kommune A's members.
    page.get_by_label(re.compile(r"^Kommune:?$")).select_option(label=org_a.kommune.name)
    page.get_by_role("button", name="Vis").click()
    page.wait_for_url("**kommune=kommune-a*")
    listed = members(page)
    assert "Asta Alfamedlem" in listed and "Bent" not in listed
    assert page.get_by_text("1 medlem", exact=True).is_visible()

    # Elsewhere, Asta withdraws her consent on her own page.
    asta = new_page()
    log_in(asta, "asta_amr")
    asta.wait_for_url("**/")
    asta.get_by_role("link", name="Fagforening").click()
    asta.get_by_role("button", name="Træk samtykket tilbage").click()
    assert "Dit samtykke er trukket tilbage" in asta.get_by_role("status").inner_text()

    # The officer reloads the filtered list: Asta is gone at once.
    page.reload()
    assert "Asta" not in page.content()
    assert "Ingen medlemmer at vise." in members(page)
    # Without the filter, the kreds' other member is still there.
    page.goto(overview_url)
    listed = members(page)
    assert "Bent Betamedlem" in listed and "Asta" not in listed
