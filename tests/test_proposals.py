"""Issue 14: the AMO's proposals to the employer, and Arbejdstilsynet in the portal.

An AMR (or the AMG's leder) submits a proposal; the employer — the leader of the units the
group covers, or HR — records the decision with its day; when the proposal is not followed the
reasons are due within 3 weeks of that decision (BEK om systematisk arbejdsmiljøarbejde § 30
stk. 3, as quoted in the kommune's MED-aftale), and the group sees the answer. Every step goes
through `committees.proposals`, leaves a history row naming the acting user and tells the
people concerned by e-mail through the one outbox. Arbejdstilsynet's visits and påbud are
shown to the AMG of the visited unit with their deadlines and the authorised adviser."""

from __future__ import annotations

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import AmoProposal, Membership, ProposalMessage
from committees.proposals import (
    MESSAGES,
    proposal_decide,
    proposal_give_reasons,
    proposal_submit,
)
from core import outbox
from core.access import access_to
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.engine import registry
from deadlines.models import Deadline
from incidents.models import AuthorisedAdviser, InspectionOrder, InspectionVisit
from organisations.services import unit_save

from . import factories as f

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
RULE = "committees.proposal_answer"
Outcome = AmoProposal.Outcome


def at(day: datetime.date):
    """Freeze the clock at 10 o'clock (Copenhagen) of `day`."""
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def people(org_a):
    """Arne (AMR of Alfa AMG Nord), Lene (its leder, and the leader of Skole Nord), each with a
    login and an e-mail address; Tim, a TR who sits in the group."""
    with tenant_scope(org_a.kommune):
        arne, lene = org_a.amr.person, org_a.leader_person
        arne.email, lene.email = "arne@alfa.dk", "lene@alfa.dk"
        arne.user, lene.user = f.user("arne"), f.user("lene")
        arne.save()
        lene.save()
        workplace = org_a.workplace
        workplace.leader = lene
        unit_save(workplace)
        tim = f.person(org_a.kommune, "Tim", "Tr", unit=workplace, email="tim@alfa.dk")
        tim.user = f.user("tim")
        tim.save()
        f.membership(tim, org_a.amg, Membership.Role.TR)
    return arne, lene, tim


def submit(org, arne, **kwargs) -> AmoProposal:
    values = {"title": "Støjdæmpning i fællesrummet", "description": "Lydabsorberende plader."}
    values.update(kwargs)
    with tenant_scope(org.kommune):
        return proposal_submit(
            committee=org.amg, submitted_by=arne, acting_user=arne.user, **values
        )


def send_all(org) -> dict:
    with tenant_scope(org.kommune):
        return outbox.send_due(MESSAGES)


def deadline_of(org, proposal) -> Deadline | None:
    with tenant_scope(org.kommune):
        return Deadline.objects.filter(rule=RULE, key=f"pr{proposal.pk}").first()


def mail_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def html_of(message) -> str:
    return message.alternatives[0][0]


# --- end to end through the services -------------------------------------------------------------


def test_it_walks_a_proposal_from_the_amr_to_the_employers_reasons(org_a, people):
    arne, lene, tim = people
    with at(datetime.date(2026, 3, 2)):
        proposal = submit(org_a, arne)
        assert (proposal.outcome, proposal.submitted_on) == (Outcome.PENDING, proposal.submitted_on)
        # Awaiting the decision: nothing is owed yet.
        assert deadline_of(org_a, proposal) is None
        assert send_all(org_a) == {"sent": 1}
        [to_lene] = mail.outbox
        assert to_lene.to == ["lene@alfa.dk"]
        assert to_lene.subject == "Forslag fra Alfa AMG Nord: Støjdæmpning i fællesrummet"
        assert "Lydabsorberende plader." in to_lene.body
        assert "Fremsat af Arne AlfaAmr" in to_lene.body
        assert "inden for 3 uger efter beslutningen" in to_lene.body
        url = reverse("committees:proposal", args=[proposal.public_id])
        assert url in to_lene.body and url in html_of(to_lene)
        assert send_all(org_a) == {}  # nothing is sent twice

    mail.outbox.clear()
    with at(datetime.date(2026, 3, 12)), tenant_scope(org_a.kommune):
        proposal_decide(
            proposal,
            outcome=Outcome.NOT_FOLLOWED,
            decided_on=datetime.date(2026, 3, 10),
            decided_by=lene,
            acting_user=lene.user,
        )
        row = Deadline.objects.get(rule=RULE, key=f"pr{proposal.pk}")
        # Three weeks from the decision (10.3.), not from the submission (2.3.).
        assert (row.state, row.due_date) == ("open", datetime.date(2026, 3, 31))
        assert (row.committee_id, row.person_id) == (org_a.amg.pk, lene.pk)
        assert registry.get(RULE).action(row).url == url
    assert send_all(org_a) == {"sent": 2}  # the group's other members: Arne and Tim
    assert sorted(a for m in mail.outbox for a in m.to) == ["arne@alfa.dk", "tim@alfa.dk"]
    [to_arne] = mail_to("arne@alfa.dk")
    assert to_arne.subject == (
        "Arbejdsgiverens beslutning (Ikke fulgt): Støjdæmpning i fællesrummet"
    )
    assert "Beslutning: Ikke fulgt (den 10. marts 2026)" in to_arne.body
    assert "Besluttet af Lene AlfaLeder" in to_arne.body
    assert "ret til en skriftlig begrundelse senest 31. marts 2026" in to_arne.body

    mail.outbox.clear()
    with at(datetime.date(2026, 3, 20)), tenant_scope(org_a.kommune):
        proposal_give_reasons(
            proposal,
            reasons="Budgettet til inventar er brugt i år; vi tager det op i budget 2027.",
            given_by=lene,
            acting_user=lene.user,
        )
        row = Deadline.objects.get(rule=RULE, key=f"pr{proposal.pk}")
        assert (row.state, row.done_on, row.fulfilled_by) == (
            "done",
            datetime.date(2026, 3, 20),
            AmoProposal.objects.get(pk=proposal.pk),
        )
    send_all(org_a)
    [to_arne] = mail_to("arne@alfa.dk")
    assert to_arne.subject == "Arbejdsgiverens begrundelse: Støjdæmpning i fællesrummet"
    assert "vi tager det op i budget 2027" in to_arne.body
    assert "vi tager det op i budget 2027" in html_of(to_arne)
    assert not mail_to("lene@alfa.dk")

    # Every step is in the history, with who did it and what it was.
    with tenant_scope(org_a.kommune):
        history = list(
            AmoProposal.history.filter(id=proposal.pk).order_by("history_date", "history_id")
        )
        messages = ProposalMessage.objects.filter(proposal=proposal)
        assert [(h.history_user, h.history_change_reason, h.outcome) for h in history] == [
            (arne.user, "proposal.submitted", Outcome.PENDING),
            (lene.user, "proposal.decided", Outcome.NOT_FOLLOWED),
            (lene.user, "proposal.reasons_given", Outcome.NOT_FOLLOWED),
        ]
        assert {(m.recipient_id, m.kind, m.state) for m in messages} == {
            (lene.pk, "submitted", "sent"),
            (arne.pk, "decided", "sent"),
            (tim.pk, "decided", "sent"),
            (arne.pk, "reasons", "sent"),
            (tim.pk, "reasons", "sent"),
        }


def test_the_amr_sees_the_answer_in_the_portal(client, org_a, people):
    arne, lene, _tim = people
    proposal = submit(org_a, arne)
    with tenant_scope(org_a.kommune):
        proposal_decide(
            proposal,
            outcome=Outcome.NOT_FOLLOWED,
            decided_on=proposal.submitted_on,
            decided_by=lene,
            reasons="Der er ikke plads i budgettet.",
        )
    client.force_login(arne.user)
    page = client.get(reverse("committees:proposal", args=[proposal.public_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Forslaget følges ikke" in text and "Der er ikke plads i budgettet." in text
    assert "Begrundelse givet" in text
    assert "Registrér beslutningen" not in text  # the AMR does not decide
    listing = client.get(reverse("committees:committee", args=[org_a.amg.public_id])).content
    assert "Støjdæmpning i fællesrummet" in listing.decode()


# --- the deadline: BEK § 30 stk. 3 ---------------------------------------------------------------


def test_the_reasons_are_due_3_weeks_after_the_decision_not_the_submission(org_a, people):
    """BEK om systematisk arbejdsmiljøarbejde § 30 stk. 3, as the MED-aftale quotes it: "Når
    arbejdsmiljøudvalget har bidraget med forslag ... og arbejdsgiveren ikke følger forslaget,
    har arbejdsmiljøudvalget ret til en begrundelse herfor inden for 3 uger." The 3 weeks run
    from the decision; a proposal awaiting it owes nothing, nor one that is followed."""
    arne, lene, _tim = people
    with at(datetime.date(2026, 1, 5)):
        waiting = submit(org_a, arne, title="Afventer")
        followed = submit(org_a, arne, title="Følges")
        not_followed = submit(org_a, arne, title="Følges ikke")
    with at(datetime.date(2026, 2, 27)):
        assert deadline_of(org_a, waiting) is None  # 7 weeks pending: still nothing owed
        with tenant_scope(org_a.kommune):
            for proposal, outcome in ((followed, Outcome.FOLLOWED), (not_followed, "not_followed")):
                proposal_decide(
                    proposal,
                    outcome=outcome,
                    decided_on=datetime.date(2026, 2, 10),
                    decided_by=lene,
                )
    assert deadline_of(org_a, followed) is None
    row = deadline_of(org_a, not_followed)
    assert row.due_date == datetime.date(2026, 3, 3)  # 10.2. + 21 days, not 5.1. + 21
    assert row.title == "Begrundelse til arbejdsmiljøudvalget: Følges ikke"
    assert row.rule_obj.source == "BEK om systematisk arbejdsmiljøarbejde § 30 stk. 3"


def test_reasons_written_with_the_decision_fulfil_the_duty_at_once(org_a, people):
    arne, lene, _tim = people
    with at(datetime.date(2026, 4, 1)):
        proposal = submit(org_a, arne)
        with tenant_scope(org_a.kommune):
            proposal_decide(
                proposal,
                outcome=Outcome.NOT_FOLLOWED,
                decided_on=datetime.date(2026, 4, 1),
                decided_by=lene,
                reasons="Bygningen skal renoveres næste år.",
            )
        row = deadline_of(org_a, proposal)
    assert (row.state, row.done_on) == ("done", datetime.date(2026, 4, 1))
    send_all(org_a)
    [to_arne] = mail_to("arne@alfa.dk")
    assert "Bygningen skal renoveres næste år." in to_arne.body


# --- refusals: Danish, keyed by field, nothing saved --------------------------------------------


def counts(org) -> tuple[int, int, int, int]:
    with tenant_scope(org.kommune):
        return (
            AmoProposal.objects.count(),
            AmoProposal.history.count(),
            ProposalMessage.objects.count(),
            Deadline.objects.filter(rule=RULE).count(),
        )


def refused(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_bad_input_is_refused_in_danish_and_changes_nothing(org_a, people):
    arne, lene, tim = people
    with at(datetime.date(2026, 5, 4)):
        proposal = submit(org_a, arne)
        before = counts(org_a)
        with tenant_scope(org_a.kommune):
            errors = refused(
                lambda: proposal_submit(
                    committee=org_a.amg, submitted_by=arne, title=" ", description=""
                )
            )
            assert errors == {
                "title": ["Giv forslaget en overskrift."],
                "description": ["Beskriv forslaget."],
            }
            # A TR who sits in the group's meetings is not a member of the AMO.
            errors = refused(
                lambda: proposal_submit(
                    committee=org_a.amg, submitted_by=tim, title="Støj", description="Tekst"
                )
            )
            assert errors == {
                "committee": ["Du sidder ikke i udvalget som medlem af arbejdsmiljøorganisationen."]
            }
            # A LokalMED is no AMO committee.
            errors = refused(
                lambda: proposal_submit(
                    committee=org_a.med, submitted_by=arne, title="Støj", description="Tekst"
                )
            )
            assert "arbejdsmiljøgruppe" in errors["committee"][0]
            errors = refused(
                lambda: proposal_decide(
                    proposal,
                    outcome=Outcome.NOT_FOLLOWED,
                    decided_on=datetime.date(2026, 5, 1),
                    decided_by=lene,
                )
            )
            assert errors == {
                "decided_on": ["Beslutningen kan ikke ligge før forslaget blev fremsat."]
            }
            errors = refused(
                lambda: proposal_decide(
                    proposal,
                    outcome=Outcome.NOT_FOLLOWED,
                    decided_on=datetime.date(2026, 5, 5),
                    decided_by=lene,
                )
            )
            assert errors == {"decided_on": ["Datoen kan ikke ligge i fremtiden."]}
            errors = refused(
                lambda: proposal_decide(
                    proposal,
                    outcome=Outcome.FOLLOWED,
                    decided_on=datetime.date(2026, 5, 4),
                    decided_by=arne,
                    reasons="Fint",
                )
            )
            assert errors == {
                "decided_by": ["Den, der fremsatte forslaget, kan ikke selv beslutte det."],
                "reasons": ["Et forslag, der følges, skal ikke begrundes."],
            }
            errors = refused(lambda: proposal_give_reasons(proposal, reasons="For tidligt"))
            assert errors == {"reasons": ["Kun et forslag, der ikke følges, begrundes."]}
        assert counts(org_a) == before

        with tenant_scope(org_a.kommune):
            proposal_decide(
                proposal,
                outcome=Outcome.NOT_FOLLOWED,
                decided_on=datetime.date(2026, 5, 4),
                decided_by=lene,
            )
        before = counts(org_a)
        with tenant_scope(org_a.kommune):
            errors = refused(
                lambda: proposal_decide(
                    proposal,
                    outcome=Outcome.FOLLOWED,
                    decided_on=datetime.date(2026, 5, 4),
                    decided_by=lene,
                )
            )
            assert errors == {"outcome": ["Forslaget er allerede besluttet."]}
            errors = refused(lambda: proposal_give_reasons(proposal, reasons="  "))
            assert errors == {"reasons": ["Skriv begrundelsen."]}
        assert counts(org_a) == before


def test_the_portal_form_shows_the_refusal_on_its_field(client, org_a, people):
    arne, lene, _tim = people
    proposal = submit(org_a, arne)
    client.force_login(lene.user)
    before = counts(org_a)
    response = client.post(
        reverse("committees:decide", args=[proposal.public_id]),
        {"outcome": "not_followed", "decided_on": "2000-01-01"},
    )
    assert response.status_code == 200
    assert "Beslutningen kan ikke ligge før forslaget blev fremsat." in response.content.decode()
    assert counts(org_a) == before


# --- who may do what ------------------------------------------------------------------------------


def status(client, name: str, public_id) -> int:
    return client.get(reverse(name, args=[public_id])).status_code


def test_only_the_employer_decides_and_the_submitter_never_decides_their_own(
    client, rf, org_a, people, hr_a
):
    arne, lene, tim = people
    proposal = submit(org_a, arne)
    # The AMR who proposed and the TR who sits in the group read it; neither decides.
    for user in (arne.user, tim.user):
        client.force_login(user)
        assert status(client, "committees:proposal", proposal.public_id) == 200
        assert status(client, "committees:decide", proposal.public_id) == 403
    # The TR is not a member of the AMO: no form to propose.
    assert status(client, "committees:submit", org_a.amg.public_id) == 403
    # The leader of the unit the group covers decides; so does HR of the kommune.
    for user in (lene.user, hr_a):
        client.force_login(user)
        assert status(client, "committees:decide", proposal.public_id) == 200
    # HR limited to the other område, and a colleague without a seat: not theirs at all.
    other = f.user("mette")
    with tenant_scope(org_a.kommune):
        f.person(org_a.kommune, "Mette", "Medarbejder", unit=org_a.workplace, user=other)
    for user in (hr_a_limited_to_syd(org_a), other):
        client.force_login(user)
        assert status(client, "committees:proposal", proposal.public_id) == 404
        assert status(client, "committees:committee", org_a.amg.public_id) == 404
    # A leder who proposed is answered by the leader above (or HR), never by themself.
    lene_proposal = submit(org_a, lene, title="Lenes forslag")
    client.force_login(lene.user)
    assert status(client, "committees:decide", lene_proposal.public_id) == 403
    request = rf.get("/")
    request.user, request.kommune = lene.user, org_a.kommune
    with tenant_scope(org_a.kommune):
        decided = access_to(request, AmoProposal.objects.get(pk=lene_proposal.pk))
    assert (decided.read, decided.change) == (True, False) and decided.reason


def hr_a_limited_to_syd(org):
    return f.hr_user(org.kommune, "hr_a_syd", limited_to=[org.other_omraade])


def test_another_kommunes_proposal_and_a_missing_one_are_the_same_404(client, org_a, org_b, people):
    arne, _lene, _tim = people
    with tenant_scope(org_b.kommune):
        theirs = proposal_submit(
            committee=org_b.amg,
            submitted_by=org_b.amr.person,
            title="Beta-forslag",
            description="Tekst",
        )
    client.force_login(arne.user)
    for name in ("committees:proposal", "committees:decide", "committees:reasons"):
        assert status(client, name, theirs.public_id) == 404
        assert status(client, name, uuid.uuid4()) == 404
    for name in ("committees:committee", "committees:submit"):
        assert status(client, name, org_b.amg.public_id) == 404
        assert status(client, name, uuid.uuid4()) == 404
    # A POST to another kommune's proposal changes nothing.
    response = client.post(
        reverse("committees:reasons", args=[theirs.public_id]), {"reasons": "Nej"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        assert AmoProposal.objects.get(pk=theirs.pk).reasons == ""


def test_the_portal_submits_through_the_service(client, org_a, people):
    arne, _lene, _tim = people
    client.force_login(arne.user)
    response = client.post(
        reverse("committees:submit", args=[org_a.amg.public_id]),
        {"title": "Bedre lys", "description": "Lys på parkeringspladsen."},
    )
    with tenant_scope(org_a.kommune):
        proposal = AmoProposal.objects.get(title="Bedre lys")
        assert proposal.submitted_by == arne
        assert proposal.history.get().history_user == arne.user
    assert response.url == reverse("committees:proposal", args=[proposal.public_id])


# --- pages and panel ------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    """The queries of the page computed afresh (the home page keeps its panels in the kommune
    cache, core.panels)."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def add_proposals(org, person, n: int) -> None:
    with tenant_scope(org.kommune):
        for i in range(n):
            AmoProposal.objects.create(
                kommune=org.kommune,
                committee=org.amg,
                title=f"Forslag {i}",
                submitted_on=datetime.date(2026, 1, 5),
                submitted_by=person,
                outcome=Outcome.NOT_FOLLOWED if i % 2 else Outcome.PENDING,
                decided_on=datetime.date(2026, 1, 9) if i % 2 else None,
                decided_by=org.leader_person if i % 2 else None,
            )


@pytest.mark.parametrize("name", ["committees:committee", "portal:home", "committees:index"])
def test_the_pages_run_the_same_number_of_queries_for_2_and_20_proposals(
    client, org_a, people, name
):
    arne, _lene, _tim = people
    client.force_login(arne.user)
    url = reverse(name, args=[org_a.amg.public_id]) if name == "committees:committee" else None
    url = url or reverse(name)
    add_proposals(org_a, arne, 2)
    count_queries(client, url)  # warm caches (content types, sessions)
    small = count_queries(client, url)
    add_proposals(org_a, arne, 18)
    assert count_queries(client, url) == small


def test_the_home_panel_lists_what_waits_for_the_employer(client, org_a, people):
    arne, lene, _tim = people
    with at(datetime.date(2026, 6, 1)):
        pending = submit(org_a, arne, title="Venter på beslutning")
        waiting = submit(org_a, arne, title="Venter på begrundelse")
        with tenant_scope(org_a.kommune):
            proposal_decide(
                waiting,
                outcome=Outcome.NOT_FOLLOWED,
                decided_on=datetime.date(2026, 6, 1),
                decided_by=lene,
            )
        for user in (arne.user, lene.user):
            client.force_login(user)
            home = client.get(reverse("portal:home")).content.decode()
            assert 'id="panel-proposals"' in home
            assert pending.title in home and waiting.title in home
            assert "Begrundelse senest 22. juni 2026" in home
        client.force_login(arne.user)
        home = client.get(reverse("portal:home")).content.decode()
        assert "Stil et forslag fra Alfa AMG Nord" in home
    # Someone with neither a proposal to follow nor a seat to propose from sees no panel.
    other = f.user("mette")
    with tenant_scope(org_a.kommune):
        f.person(org_a.kommune, "Mette", "Medarbejder", unit=org_a.workplace, user=other)
    client.force_login(other)
    assert 'id="panel-proposals"' not in client.get(reverse("portal:home")).content.decode()


# --- Arbejdstilsynet -----------------------------------------------------------------------------


@pytest.fixture
def visit(org_a):
    """Arbejdstilsynet at Skole Nord: a rådgivningspåbud with an authorised adviser engaged, and
    a påbud complied with."""
    with tenant_scope(org_a.kommune):
        adviser = AuthorisedAdviser.objects.create(
            kommune=org_a.kommune, name="Rådgivning Vest ApS"
        )
        visit = InspectionVisit.objects.create(
            kommune=org_a.kommune,
            unit=org_a.workplace,
            committee=org_a.amg,
            visited_on=datetime.date(2026, 5, 20),
        )
        InspectionOrder.objects.create(
            kommune=org_a.kommune,
            visit=visit,
            kind=InspectionOrder.Kind.RAADGIVNING,
            title="Stor arbejdsmængde",
            due_on=datetime.date(2026, 8, 31),
            requires_adviser=True,
            adviser=adviser,
            adviser_engaged_on=datetime.date(2026, 6, 2),
        )
        InspectionOrder.objects.create(
            kommune=org_a.kommune,
            visit=visit,
            kind=InspectionOrder.Kind.PAABUD,
            title="Tunge løft",
            due_on=datetime.date(2026, 6, 15),
            complied_on=datetime.date(2026, 6, 10),
        )
    return visit


def test_the_amg_sees_arbejdstilsynets_visit_with_deadlines_and_the_adviser(
    client, org_a, people, visit
):
    arne, lene, tim = people
    with at(datetime.date(2026, 6, 20)):
        for user in (arne.user, lene.user, tim.user):
            client.force_login(user)
            home = client.get(reverse("portal:home")).content.decode()
            panel = home[home.index('id="panel-inspections"') :]
            assert "Rådgivningspåbud (autoriseret rådgiver): Stor arbejdsmængde" in panel
            assert "Frist 31. august 2026" in panel
            assert "Autoriseret rådgiver: Rådgivning Vest ApS (antaget 2. juni 2026)" in panel
            assert "Efterkommet 10. juni 2026" in panel


def test_arbejdstilsynet_is_not_shown_outside_the_amg_and_the_portal_only_reads(
    client, rf, org_a, org_b, people, visit, hr_a
):
    # The leader of the other AMG (Syd) and a colleague without a seat see no panel.
    other = f.user("mette")
    with tenant_scope(org_a.kommune):
        syd_leader = Membership.objects.filter(committee=org_a.other_amg).first().person
        f.person(org_a.kommune, "Mette", "Medarbejder", unit=org_a.workplace, user=other)
        syd_leader.user = f.user("ole")
        syd_leader.save()
    for user in (other, syd_leader.user):
        client.force_login(user)
        home = client.get(reverse("portal:home")).content.decode()
        assert 'id="panel-inspections"' not in home
    # One decision per object type: the AMR reads, HR changes (in the admin).
    arne = people[0]
    with tenant_scope(org_a.kommune):
        order = visit.orders.first()

    def decided(user, obj):
        request = rf.get("/")
        request.user, request.kommune = user, org_a.kommune
        with tenant_scope(org_a.kommune):
            d = access_to(request, obj)
        return d.read, d.change

    assert decided(arne.user, visit) == (True, False)
    assert decided(arne.user, order) == (True, False)
    assert decided(other, visit) == (False, False)
    assert decided(hr_a, visit) == (True, True)
    # Another kommune's AMR sees nothing of kommune A's visits.
    with tenant_scope(org_b.kommune):
        beta = org_b.amr.person
        beta.user = f.user("beta")
        beta.save()
    client.force_login(beta.user)
    assert 'id="panel-inspections"' not in client.get(reverse("portal:home")).content.decode()


def test_the_decider_agrees_with_the_panel_rows(rf, org_a, people, visit):
    arne = people[0]
    request = rf.get("/")
    request.user, request.kommune = arne.user, org_a.kommune
    from committees.viewer import get_viewer
    from incidents.access import inspection_visits_for

    with tenant_scope(org_a.kommune):
        rows = list(inspection_visits_for(get_viewer(request)))
        assert rows == [visit]
        assert all(access_to(request, v).read for v in rows)


def test_hr_keeps_the_invariants_in_the_admin(client, org_a, hr_a, people):
    """The admin saves through the same invariants: a decided proposal has its day."""
    arne = people[0]
    proposal = submit(org_a, arne)
    client.force_login(hr_a)
    url = reverse("admin:committees_amoproposal_change", args=[proposal.pk])
    response = client.post(
        url,
        {
            "committee": org_a.amg.pk,
            "title": proposal.title,
            "description": proposal.description,
            "submitted_on": proposal.submitted_on.isoformat(),
            "submitted_by": arne.pk,
            "outcome": "not_followed",
            "decided_on": "",
            "reasons": "",
            "reasons_given_on": "",
            "messages-TOTAL_FORMS": "0",
            "messages-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Angiv hvornår arbejdsgiveren besluttede." in response.content.decode()
    with tenant_scope(org_a.kommune):
        assert AmoProposal.objects.get(pk=proposal.pk).outcome == Outcome.PENDING


# --- the demo ------------------------------------------------------------------------------------


def test_the_demo_has_a_proposal_awaiting_its_reasons_in_the_demo_amg(db):
    """The demo's AMR and leder logins share an AMG with a proposal not followed whose reasons
    are due (an open deadline on the leder), one awaiting the decision, and one followed."""
    from django.contrib.auth.models import User

    from organisations.demo_loader import load_demo
    from organisations.models import Kommune, Person

    today = datetime.date(2026, 11, 22)
    load_demo(today=today)
    with tenant_scope(Kommune.objects.get(code="albertslund")):
        amr = Person.objects.get(user=User.objects.get(username="amr.albertslund"))
        leder = Person.objects.get(user=User.objects.get(username="leder.albertslund"))
        found = {p.outcome: p for p in AmoProposal.objects.filter(submitted_by=amr)}
        assert set(found) == {Outcome.PENDING, Outcome.NOT_FOLLOWED, Outcome.FOLLOWED}
        waiting = found[Outcome.NOT_FOLLOWED]
        assert waiting.awaits_reasons and waiting.decided_by == leder
        assert waiting.committee.memberships.filter(person=leder, role="leder").exists()
        row = Deadline.objects.get(rule=RULE, key=f"pr{waiting.pk}")
        assert (row.state, row.person_id) == ("open", leder.pk)
        assert row.due_date == waiting.decided_on + datetime.timedelta(days=21) > today
        assert InspectionVisit.objects.filter(committee=waiting.committee).exists()
