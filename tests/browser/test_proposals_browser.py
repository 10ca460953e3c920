"""Issue 14 in a real browser: the AMR submits a proposal, the leader decides it is not followed,
gives the reasons, and the AMR reads the answer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from committees.models import AmoProposal, ProposalMessage
from core.tenancy import tenant_scope
from organisations.services import unit_save
from tests import factories as f

from .conftest import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def logins(org_a):
    """Arne (AMR of Alfa AMG Nord) and Lene (its leder and the leader of Skole Nord)."""
    with tenant_scope(org_a.kommune):
        arne, lene = org_a.amr.person, org_a.leader_person
        arne.user, arne.email = f.user("arne_b"), "arne@alfa.dk"
        lene.user, lene.email = f.user("lene_b"), "lene@alfa.dk"
        arne.save()
        lene.save()
        workplace = org_a.workplace
        workplace.leader = lene
        unit_save(workplace)
    return arne, lene


def test_the_amr_proposes_the_leader_declines_with_reasons_and_the_amr_reads_them(
    page, new_page, org_a, logins
):
    log_in(page, "arne_b")
    page.wait_for_url("**/")
    panel = page.locator("#panel-proposals")
    panel.get_by_role("link", name="Stil et forslag fra Alfa AMG Nord").click()
    page.get_by_label("Overskrift").fill("Støjdæmpning i fællesrummet")
    page.get_by_label("Forslaget").fill("Lydabsorberende plader i loftet.")
    page.get_by_role("button", name="Send forslaget").click()
    page.wait_for_url("**/forslag/*/")
    assert page.get_by_role("heading", name="Støjdæmpning i fællesrummet").is_visible()
    assert "Afventer arbejdsgiverens beslutning" in page.content()

    leader = new_page()
    log_in(leader, "lene_b")
    leader.wait_for_url("**/")
    leader.locator("#panel-proposals").get_by_role(
        "link", name="Støjdæmpning i fællesrummet"
    ).click()
    leader.get_by_label("Forslaget følges ikke").check()
    leader.get_by_role("button", name="Registrér beslutningen").click()
    expect(leader.locator("ul.messages")).to_contain_text("Beslutningen er registreret")
    assert "Begrundelse senest" in leader.locator("main").inner_text()
    leader.get_by_label("Begrundelse", exact=True).fill(
        "Budgettet er brugt; vi tager det op i 2027."
    )
    leader.get_by_role("button", name="Giv begrundelsen").click()
    expect(leader.locator("ul.messages")).to_contain_text("Begrundelsen er givet")

    page.reload()
    answer = page.locator("#svar").inner_text()
    assert "Forslaget følges ikke" in answer
    assert "Budgettet er brugt; vi tager det op i 2027." in answer
    assert "Lene AlfaLeder" in answer
    with tenant_scope(org_a.kommune):
        proposal = AmoProposal.objects.get()
        assert (proposal.outcome, proposal.decided_by) == ("not_followed", logins[1])
        kinds = set(ProposalMessage.objects.values_list("recipient__first_name", "kind"))
    assert kinds == {("Lene", "submitted"), ("Arne", "decided"), ("Arne", "reasons")}
