"""Issue 14: an AMR election's main path in a real browser — the leader opens it from the
committee page, two colleagues stand, a colleague votes in secret, everyone sees the result and
prints it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from core.tenancy import tenant_scope
from elections import services
from elections.models import Ballot, Election
from tests import factories as f

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workplace(org_a):
    k = org_a.kommune
    with tenant_scope(k):
        leader = org_a.leader_person
        org_a.workplace.leader = leader
        org_a.workplace.save()
        logins = {}
        for username, person in (("lene", leader),):
            person.user = f.user(username)
            person.save()
            logins[username] = person
        for first in ("Birte", "Carl", "Dorte"):
            logins[first.lower()] = f.person(
                k, first, "Alfa", unit=org_a.workplace, user=f.user(first.lower())
            )
    return logins


def test_an_amr_election_from_opening_to_printed_result(page, new_page, org_a, workplace):
    log_in(page, "lene")
    page.wait_for_url("**/")
    page.goto(f"/udvalg/{org_a.amg.public_id}/")
    page.get_by_role("link", name="Åbn et valg").click()
    page.wait_for_url("**/valg/nyt/**")
    page.get_by_label("Besked til de ansatte").fill("Valget drøftes på personalemødet.")
    page.get_by_role("button", name="Åbn valget og send indkaldelsen").click()
    page.wait_for_url("**/valg/*/")
    expect(page.locator("ul.messages")).to_contain_text("Valget er åbnet")
    with tenant_scope(org_a.kommune):
        election = Election.objects.get()
    assert election.opened_by.username == "lene"

    # Two colleagues stand: one herself, one proposed by a colleague who then accepts.
    birte = new_page()
    log_in(birte, "birte")
    birte.wait_for_url("**/")
    birte.locator("#panel-elections").get_by_role("link").first.click()
    birte.get_by_role("button", name="Jeg stiller op").click()
    expect(birte.locator("ul.messages")).to_contain_text("Du stiller op.")
    birte.get_by_label("Foreslå en kollega").select_option(label="Carl Alfa")
    birte.get_by_role("button", name="Foreslå").click()
    expect(birte.locator("ul.messages")).to_contain_text("Carl Alfa er foreslået")
    carl = new_page()
    log_in(carl, "carl")
    carl.wait_for_url("**/")
    carl.goto(f"/valg/{election.public_id}/")
    carl.get_by_role("button", name="Ja, jeg stiller op").click()
    expect(carl.locator("ul.messages")).to_contain_text("Du stiller op.")

    # The nomination deadline passes (the beat's tick): two candidates for one seat, a vote.
    with tenant_scope(org_a.kommune):
        services.elections_advance(today=election.nomination_deadline + datetime.timedelta(days=1))
        election.refresh_from_db()
    assert election.state == Election.State.VOTING
    dorte = new_page()
    log_in(dorte, "dorte")
    dorte.wait_for_url("**/")
    dorte.goto(f"/valg/{election.public_id}/")
    assert "ingen kan se" in dorte.content().lower() or "Stemmerne tælles op" in dorte.content()
    dorte.get_by_label("Birte Alfa").check()
    dorte.get_by_role("button", name="Afgiv stemme").click()
    expect(dorte.locator("ul.messages")).to_contain_text("din stemme er afgivet")
    assert dorte.get_by_role("button", name="Afgiv stemme").count() == 0
    carl.goto(f"/valg/{election.public_id}/")
    carl.get_by_label("Carl Alfa").check()
    carl.get_by_role("button", name="Afgiv stemme").click()
    expect(carl.locator("ul.messages")).to_contain_text("din stemme er afgivet")
    birte.goto(f"/valg/{election.public_id}/")
    birte.get_by_label("Birte Alfa").check()
    birte.get_by_role("button", name="Afgiv stemme").click()
    expect(birte.locator("ul.messages")).to_contain_text("din stemme er afgivet")
    # While the vote is open nobody sees a count.
    page.goto(f"/valg/{election.public_id}/")
    assert "2 har stemt" not in page.content() and "3 har stemt" in page.content()
    assert page.locator("#h-cands").locator("..").locator("th").count() == 0
    with tenant_scope(org_a.kommune):
        assert Ballot.objects.filter(election=election).count() == 3

    # The vote closes: the result and its PDF.
    with tenant_scope(org_a.kommune):
        services.elections_advance(today=election.voting_closes_on + datetime.timedelta(days=1))
    dorte.goto(f"/valg/{election.public_id}/")
    result = dorte.locator("#h-cands").locator("..").inner_text()
    assert "Birte Alfa" in result and "Valgt" in result and "2" in result
    pdf = dorte.request.get(f"/valg/{election.public_id}/resultat.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "Valgresultat" in text and "Birte Alfa" in text and "Afgivne stemmer" in text
    assert timezone.localdate().year >= 2026


def test_a_med_election_opened_from_the_committee_page_and_voted_with_two_marks(
    page, new_page, org_a, workplace
):
    """The leader opens the election of the LokalMED's employee side (2 seats) from its page;
    a colleague who ticks three candidates is told so and nothing is saved; two ticks are one
    ballot paper; the two elected sit on the committee as medarbejderrepræsentanter."""
    log_in(page, "lene")
    page.wait_for_url("**/")
    page.goto(f"/udvalg/{org_a.med.public_id}/")
    page.get_by_role("link", name="Åbn et valg").click()
    page.wait_for_url("**/valg/nyt/**")
    page.get_by_label("Valg af").select_option(label="Medarbejderrepræsentant")
    page.get_by_label("Antal pladser").fill("2")
    page.get_by_role("button", name="Åbn valget og send indkaldelsen").click()
    page.wait_for_url("**/valg/*/")
    expect(page.locator("ul.messages")).to_contain_text("Valget er åbnet")
    expect(page.locator("h1")).to_contain_text("Valg af medarbejderrepræsentanter")
    with tenant_scope(org_a.kommune):
        election = Election.objects.get(committee=org_a.med)
        assert election.role == Election.Role.MED and election.seats == 2
        for name in ("birte", "carl", "dorte"):
            person = workplace[name]
            services.candidacy_nominate(election, person=person, by=person, acting_user=None)
        services.elections_advance(today=election.nomination_deadline + datetime.timedelta(days=1))
        election.refresh_from_db()
    assert election.state == Election.State.VOTING

    dorte = new_page()
    log_in(dorte, "dorte")
    dorte.wait_for_url("**/")
    dorte.goto(f"/valg/{election.public_id}/")
    for name in ("Birte Alfa", "Carl Alfa", "Dorte Alfa"):
        dorte.get_by_label(name).check()
    dorte.get_by_role("button", name="Afgiv stemme").click()
    expect(dorte.locator("ul.messages")).to_contain_text("Du kan højst sætte 2 kryds")
    with tenant_scope(org_a.kommune):
        assert Ballot.objects.filter(election=election).count() == 0
    dorte.get_by_label("Birte Alfa").check()
    dorte.get_by_label("Dorte Alfa").check()
    dorte.get_by_role("button", name="Afgiv stemme").click()
    expect(dorte.locator("ul.messages")).to_contain_text("din stemme er afgivet")
    with tenant_scope(org_a.kommune):
        assert sorted(
            Ballot.objects.filter(election=election).values_list(
                "candidacy__person__first_name", flat=True
            )
        ) == ["Birte", "Dorte"]
        services.elections_advance(today=election.voting_closes_on + datetime.timedelta(days=1))
    page.goto(f"/udvalg/{org_a.med.public_id}/")
    members = page.locator("table").first
    expect(members).to_contain_text("Birte Alfa")
    expect(members).to_contain_text("Dorte Alfa")
    expect(members).to_contain_text("Medarbejderrepræsentant")
    assert "Carl Alfa" not in members.inner_text()
