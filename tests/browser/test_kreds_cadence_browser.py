"""Issue 14 in a real browser (seeds 000 and 001): the officer sees the kreds' cadence — a
network group one meeting short, with its due date — and an AMR raises a concrete problem with
the kreds from the portal; the officer answers in the product and the AMR reads the answer.

Unions test data comes from tests/test_unions.py (build_world, join, member)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from core.tenancy import tenant_scope
from tests import factories as f
from tests.test_unions import build_world, join, member
from unions.models import NetworkGroup, NetworkMeeting

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
    group = NetworkGroup.objects.create(
        kreds=world.kreds, kommunegruppe=world.gruppe_a, name="AMR-netværk Vest"
    )
    NetworkMeeting.objects.create(
        group=group,
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        theme="Støj",
        location="Kredskontoret",
    )
    return world


def test_the_amr_raises_a_problem_and_the_officer_answers(
    page, new_page, org_a, kreds_world, eager_celery
):
    year = timezone.localdate().year

    # The officer's cadence page: the group has held 1 of its 2 meetings this year.
    log_in(page, "officer_zulu")
    page.wait_for_url("**/kreds/**")
    page.get_by_role("link", name="Møderytme").click()
    assert f"Møderytme {year}" in page.get_by_role("heading", level=1).inner_text()
    row = page.locator("tr.duty", has_text="AMR-netværk Vest")
    assert "1 af 2 holdt" in row.inner_text()
    assert "december" in row.inner_text()  # the second meeting is due by 31 December
    assert page.locator("tr.duty", has_text="Årligt møde for AMR og TR").is_visible()

    # The AMR writes to the kreds from the portal.
    asta = new_page()
    log_in(asta, "asta_amr")
    asta.wait_for_url("**/")
    asta.get_by_role("link", name="Fagforening").click()
    asta.get_by_role("link", name="Skriv til kredsen om en konkret problemstilling").click()
    asta.get_by_label("Emne").fill("Støj i klasselokalerne")
    asta.get_by_label("Beskriv problemstillingen").fill("Lydniveauet er for højt i tre lokaler.")
    asta.get_by_role("button", name="Send til kredsen").click()
    assert "Din henvendelse er sendt til kredsen" in asta.get_by_role("status").inner_text()
    assert "Kredsen har ikke svaret endnu" in asta.content()

    # The officer finds it under Henvendelser and answers.
    page.get_by_role("link", name="Henvendelser").click()
    assert "Afventer svar" in page.locator("tr.inquiry").inner_text()
    page.get_by_role("link", name="Støj i klasselokalerne").click()
    assert "Lydniveauet er for højt i tre lokaler." in page.content()
    page.get_by_label("Svar").fill("Vi tager det op med skolelederen i denne uge.")
    page.get_by_role("button", name="Send svar").click()
    assert "Svaret er sendt til medlemmet" in page.get_by_role("status").inner_text()

    # The AMR reads the answer on reload; the e-mails went out.
    asta.reload()
    assert "Vi tager det op med skolelederen i denne uge." in asta.content()
    subjects = [m.subject for m in mail.outbox]
    assert "Henvendelse fra Asta Alfamedlem: Støj i klasselokalerne" in subjects
    assert "Svar fra kredsen: Støj i klasselokalerne" in subjects
    assert reverse("unions:my_union") in asta.content()
