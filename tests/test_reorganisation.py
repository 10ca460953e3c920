"""Issue 14: a change to the organisation charts is approved by HovedMED before it takes effect
(seed 003, Albertslund's MED-aftale: "Enhver ændring i organisationsdiagrammerne skal godkendes af
KommuneMED"). HR proposes; the change goes on HovedMED's next open agenda by itself; the charts
show it as a proposal; the referent records HovedMED's decision on the item, and once the referat
is finally approved the daily tick decides the change and applies it on its day (HR registers
the decision only when the referat records none)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from committees.models import Committee, Membership
from core.tenancy import tenant_scope
from meetings import services as meeting_services
from meetings.models import AgendaItem, Referat
from organisations.models import Person, Unit
from reorganisation import services
from reorganisation.models import OrganisationChange
from reorganisation.tasks import reorganisation_tick

from . import factories as f

TODAY = datetime.date(2026, 3, 2)


def at(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9)), tick=False)


@pytest.fixture
def hoved(org_a):
    with tenant_scope(org_a.kommune):
        return Committee.objects.get(kind=Committee.Kind.HOVEDMED)


def approve_referat(meeting):
    """The formandskab's approval of the referat (the referat flow: tests/test_meetings_referat.py)."""
    referat = meeting_services.referat_for(meeting)
    Referat.objects.filter(pk=referat.pk).update(state=Referat.State.APPROVED)


def test_a_new_amg_from_proposal_to_the_chart(client, org_a, hoved, hr_a):
    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        unit = f.unit(k, "Alfa Bibliotek", parent=org_a.omraade)
        change = OrganisationChange(
            kommune=k,
            kind=OrganisationChange.Kind.NEW_AMG,
            title="Biblioteket får egen arbejdsmiljøgruppe",
            description="Biblioteket er flyttet til egen adresse.",
            effective_on=datetime.date(2026, 4, 1),
            new_name="Alfa AMG Bibliotek",
            new_parent=org_a.med,
        )
        # No HovedMED meeting planned yet: the change waits.
        services.change_propose(change, units=[unit], acting_user=hr_a)
        assert change.state == OrganisationChange.State.PROPOSED
        meeting = meeting_services.meeting_create(committee=hoved, date=datetime.date(2026, 3, 20))
        assert reorganisation_tick() == 1
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.ON_AGENDA
        assert change.agenda_item.meeting == meeting
        assert "Biblioteket får egen arbejdsmiljøgruppe" in change.agenda_item.title
        assert "01.04.2026" in change.agenda_item.recommendation
        # Not before the referat is approved.
        with pytest.raises(ValidationError) as error:
            services.change_decide(change, approved=True, acting_user=hr_a)
        assert "Referatet af HovedMED's møde 20.03.2026 er ikke godkendt" in str(error.value)

    # The charts show the approved structure, and the proposal marked as one.
    f.login_as(client, org_a, org_a.leader_person, "lene_org")
    with at(TODAY):
        page = client.get(reverse("meetings:organisation"))
    assert page.status_code == 200
    assert "Foreslåede ændringer – afventer HovedMED" in page.text
    assert "Alfa AMG Bibliotek under Alfa LokalMED Nord, dækker Alfa Bibliotek" in page.text

    with tenant_scope(k), at(datetime.date(2026, 3, 21)):
        meeting_services.minutes_write(
            change.agenda_item,
            minutes="Drøftet.",
            decisions=["HovedMED godkender den nye arbejdsmiljøgruppe."],
            acting_user=hr_a,
        )
        approve_referat(meeting)
        services.change_decide(change, approved=True, acting_user=hr_a)
        change.refresh_from_db()
        # Approved for 1 April: not applied before.
        assert change.state == OrganisationChange.State.APPROVED
        assert change.decision == "HovedMED godkender den nye arbejdsmiljøgruppe."
        assert not Committee.objects.filter(name="Alfa AMG Bibliotek").exists()
    with tenant_scope(k), at(datetime.date(2026, 4, 1)):
        reorganisation_tick()
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.APPLIED
        amg = Committee.objects.get(name="Alfa AMG Bibliotek")
        assert amg.parent == org_a.med and list(amg.units.all()) == [unit]
        assert change.created_committee == amg
        reasons = [h.history_change_reason for h in change.history.order_by("history_date")]
        assert reasons == [
            "Foreslået",
            "Sat på dagsordenen for HovedMED 20.03.2026",
            "Godkendt af HovedMED",
            "Gennemført",
        ]
        assert change.history.filter(history_change_reason="Foreslået").get().history_user == hr_a
    with at(datetime.date(2026, 4, 1)):
        page = client.get(reverse("meetings:organisation"))
    assert "Foreslåede ændringer" not in page.text


def test_merging_units_moves_people_and_coverage(org_a, hoved, hr_a):
    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        small = f.unit(k, "Alfa Skole Nord Afd. 2", parent=org_a.omraade)
        person = f.person(k, "Pia", "Alfa", unit=small)
        amg2 = f.committee(k, "Alfa AMG Afd. 2", parent=org_a.med, units=[small])
        meeting = meeting_services.meeting_create(committee=hoved, date=TODAY)
        change = services.change_propose(
            OrganisationChange(
                kommune=k,
                kind=OrganisationChange.Kind.MERGE_UNITS,
                title="Afd. 2 lægges ind under Skole Nord",
                description="Samme ledelse og adresse.",
                effective_on=TODAY,
                target_unit=org_a.workplace,
            ),
            units=[small],
            acting_user=hr_a,
        )
        approve_referat(meeting)
        services.change_decide(change, approved=True, acting_user=hr_a)
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.APPLIED
        assert Person.objects.get(pk=person.pk).unit == org_a.workplace
        assert Unit.objects.get(pk=small.pk).closed_on == TODAY
        assert list(amg2.units.all()) == [org_a.workplace]


def test_a_rejected_change_changes_nothing_and_bad_input_is_refused(org_a, org_b, hoved, hr_a):
    k = org_a.kommune
    with tenant_scope(org_b.kommune):
        foreign = org_b.amg
    with tenant_scope(k), at(TODAY):
        with pytest.raises(ValidationError) as error:
            services.change_propose(
                OrganisationChange(
                    kommune=k,
                    kind=OrganisationChange.Kind.MOVE_COMMITTEE,
                    title="Flyt",
                    description="Flyt gruppen.",
                    effective_on=TODAY,
                    committee=org_a.amg,
                    new_parent=foreign,
                ),
                acting_user=hr_a,
            )
        assert "Vælg et åbent udvalg i din egen kommune." in error.value.message_dict["new_parent"]
        assert not OrganisationChange.objects.exists()
        meeting = meeting_services.meeting_create(committee=hoved, date=TODAY)
        change = services.change_propose(
            OrganisationChange(
                kommune=k,
                kind=OrganisationChange.Kind.MOVE_COMMITTEE,
                title="AMG Nord under HovedMED",
                description="Direkte under HovedMED.",
                effective_on=TODAY,
                committee=org_a.amg,
                new_parent=hoved,
            ),
            acting_user=hr_a,
        )
        approve_referat(meeting)
        services.change_decide(change, approved=False, acting_user=hr_a)
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.REJECTED
        assert Committee.objects.get(pk=org_a.amg.pk).parent == org_a.med
        assert Membership.objects.filter(committee=org_a.amg).exists()


def test_the_demo_has_a_change_awaiting_hovedmed(db):
    from organisations.demo_loader import load_demo
    from organisations.models import Kommune

    load_demo(today=datetime.date(2026, 11, 22))
    with tenant_scope(Kommune.objects.get(code="albertslund")):
        change = OrganisationChange.objects.get()
        assert change.state in OrganisationChange.PENDING_STATES
        assert change.kind == OrganisationChange.Kind.NEW_AMG and change.units.exists()
        if change.agenda_item is not None:
            assert change.agenda_item.meeting.committee.kind == Committee.Kind.HOVEDMED


def test_the_pdf_charts_list_the_proposed_changes_beside_the_approved_structure(org_a, hr_a):
    """The charts HR prints show the approved structure and, marked as such, the changes that
    await HovedMED; once applied, the change is in the drawing and no longer listed."""
    import io
    import unicodedata

    from pypdf import PdfReader

    from meetings import documents
    from meetings.models import DocumentJob

    def text(kind) -> str:
        data = documents.chart_pdf(kind, org_a.kommune)
        pages = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
        return unicodedata.normalize("NFKC", pages)  # cairo writes "fl" as a ligature

    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        change = services.change_propose(
            OrganisationChange(
                kommune=k,
                kind=OrganisationChange.Kind.MOVE_COMMITTEE,
                title="AMG Syd flyttes under LokalMED",
                description="Samme ledelse.",
                effective_on=datetime.date(2026, 4, 1),
                committee=org_a.other_amg,
                new_parent=org_a.med,
            ),
            acting_user=hr_a,
        )
        for kind in (DocumentJob.Kind.MED_CHART, DocumentJob.Kind.AMO_CHART):
            printed = " ".join(text(kind).split())
            assert "Foreslåede ændringer – afventer HovedMED (ikke vist i diagrammet)" in printed
            assert "AMG Syd flyttes under LokalMED (fra 1. april 2026)" in printed
        OrganisationChange.objects.filter(pk=change.pk).update(
            state=OrganisationChange.State.APPROVED
        )
        services.change_apply(change, acting_user=hr_a)
        printed = " ".join(text(DocumentJob.Kind.AMO_CHART).split())
        assert "Foreslåede ændringer" not in printed


# --- the referat decides (the issue: "approval in the referat applies it on the chosen date") ---


def finally_approve_referat(meeting):
    """The referat approved at the next meeting and locked (the flow itself:
    tests/test_meetings_referat.py)."""
    referat = meeting_services.referat_for(meeting)
    Referat.objects.filter(pk=referat.pk).update(state=Referat.State.FINAL)


def _move_amg_nord(org, acting_user, effective_on):
    change = services.change_propose(
        OrganisationChange(
            kommune=org.kommune,
            kind=OrganisationChange.Kind.MOVE_COMMITTEE,
            title="AMG Nord under HovedMED",
            description="Direkte under HovedMED.",
            effective_on=effective_on,
            committee=org.amg,
            new_parent=Committee.objects.get(kind=Committee.Kind.HOVEDMED),
        ),
        acting_user=acting_user,
    )
    change.refresh_from_db()  # scheduled on a locked copy of the row
    return change


def test_it_applies_a_change_the_final_referat_approved_on_its_day_without_hr(org_a, hoved, hr_a):
    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        meeting = meeting_services.meeting_create(committee=hoved, date=datetime.date(2026, 3, 20))
        change = _move_amg_nord(org_a, hr_a, effective_on=datetime.date(2026, 4, 1))
        item = change.agenda_item
        assert item.asks_approval and item.outcome == ""

    with tenant_scope(k), at(datetime.date(2026, 3, 21)):
        meeting_services.minutes_write(
            item,
            minutes="Drøftet.",
            decisions=["AMG Nord placeres direkte under HovedMED."],
            outcome="approved",
            acting_user=hr_a,
        )
        item.refresh_from_db()
        assert item.outcome == AgendaItem.Outcome.APPROVED
        assert item.history.latest().history_user == hr_a
        # Approved by the formandskab, not yet finally: the decision is not binding yet.
        approve_referat(meeting)
        assert reorganisation_tick() == 0
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.ON_AGENDA

    with tenant_scope(k), at(datetime.date(2026, 3, 25)):
        finally_approve_referat(meeting)
        assert reorganisation_tick() == 1
        change.refresh_from_db()
        # Decided by the referat; its day has not come.
        assert change.state == OrganisationChange.State.APPROVED
        assert change.decided_on == datetime.date(2026, 3, 20)
        assert change.decision == "AMG Nord placeres direkte under HovedMED."
        assert Committee.objects.get(pk=org_a.amg.pk).parent == org_a.med
        decided = change.history.latest()
        assert decided.history_change_reason == "Godkendt i HovedMED's referat"
        assert decided.history_user is None
        assert reorganisation_tick() == 0  # a second run decides nothing again

    with tenant_scope(k), at(datetime.date(2026, 4, 1)):
        assert reorganisation_tick() == 1
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.APPLIED
        assert change.applied_on == datetime.date(2026, 4, 1)
        assert Committee.objects.get(pk=org_a.amg.pk).parent == hoved
        reasons = [h.history_change_reason for h in change.history.order_by("history_date")]
        assert reasons == [
            "Foreslået",
            "Sat på dagsordenen for HovedMED 20.03.2026",
            "Godkendt i HovedMED's referat",
            "Gennemført",
        ]
        assert reorganisation_tick() == 0


def test_it_applies_at_once_when_the_day_has_come_and_shows_the_outcome(client, org_a, hoved, hr_a):
    """Decided on or after its day: the tick that reads the final referat applies it; the
    referat page and PDF say what HovedMED decided."""
    import io

    from pypdf import PdfReader

    from meetings import documents

    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        meeting = meeting_services.meeting_create(committee=hoved, date=datetime.date(2026, 3, 20))
        change = _move_amg_nord(org_a, hr_a, effective_on=datetime.date(2026, 3, 21))
        f.membership(org_a.leader_person, hoved, Membership.Role.FORMAND)
    with tenant_scope(k), at(datetime.date(2026, 4, 2)):
        meeting_services.minutes_write(
            change.agenda_item, minutes="Drøftet.", decisions=[], outcome="approved"
        )
        finally_approve_referat(meeting)
        assert reorganisation_tick() == 1
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.APPLIED
        assert change.applied_on == datetime.date(2026, 4, 2)
        assert Committee.objects.get(pk=org_a.amg.pk).parent == hoved
        referat = Referat.objects.get(meeting=meeting)
        pdf = PdfReader(io.BytesIO(documents.referat_pdf(meeting, referat)))
        assert "Afgørelse: Godkendt" in " ".join(p.extract_text() for p in pdf.pages)

    f.login_as(client, org_a, org_a.leader_person, "lene_formand")
    with at(datetime.date(2026, 4, 2)):
        page = client.get(reverse("meetings:referat", args=[meeting.public_id]))
    assert page.status_code == 200
    assert "Afgørelse:</strong> Godkendt" in page.text
    assert 'name="i' not in page.text  # locked: no editor


def test_a_change_the_final_referat_rejected_is_rejected(org_a, hoved, hr_a):
    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        meeting = meeting_services.meeting_create(committee=hoved, date=TODAY)
        change = _move_amg_nord(org_a, hr_a, effective_on=TODAY)
        meeting_services.minutes_write(
            change.agenda_item,
            minutes="Ændringen afventer en ny leder.",
            decisions=[],
            outcome="rejected",
            acting_user=hr_a,
        )
        finally_approve_referat(meeting)
        # HR's fallback may not contradict what the referat records.
        with pytest.raises(ValidationError) as error:
            services.change_decide(change, approved=True, acting_user=hr_a)
        assert "Referatet siger, at HovedMED har truffet afgørelsen: Ikke godkendt." in str(
            error.value
        )
        assert reorganisation_tick() == 1
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.REJECTED
        assert change.history.latest().history_change_reason == (
            "Ikke godkendt i HovedMED's referat"
        )
        assert Committee.objects.get(pk=org_a.amg.pk).parent == org_a.med
        assert reorganisation_tick() == 0


def test_a_final_referat_without_an_outcome_leaves_the_change_to_hr(org_a, hoved, hr_a):
    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        meeting = meeting_services.meeting_create(committee=hoved, date=TODAY)
        change = _move_amg_nord(org_a, hr_a, effective_on=TODAY)
        meeting_services.minutes_write(
            change.agenda_item, minutes="Udsat til næste møde.", decisions=[]
        )
        finally_approve_referat(meeting)
        assert reorganisation_tick() == 0
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.ON_AGENDA
        services.change_decide(change, approved=True, acting_user=hr_a)
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.APPLIED
        assert (
            change.history.filter(history_change_reason="Godkendt af HovedMED").get().history_user
            == hr_a
        )


def test_an_invalid_outcome_is_refused_and_nothing_is_saved(org_a, hoved, hr_a):
    k = org_a.kommune
    with tenant_scope(k), at(TODAY):
        meeting = meeting_services.meeting_create(committee=hoved, date=TODAY)
        change = _move_amg_nord(org_a, hr_a, effective_on=TODAY)
        item = change.agenda_item
        versions = item.history.count()
        with pytest.raises(ValidationError) as error:
            meeting_services.minutes_write(
                item, minutes="Drøftet.", decisions=["Godkendt"], outcome="maybe", acting_user=hr_a
            )
        assert error.value.message_dict["outcome"] == ["Vælg Godkendt eller Ikke godkendt."]
        # An item that asks for no decision gets none.
        plain = meeting_services.item_add(meeting, title="Orientering om budget")
        assert not plain.asks_approval
        with pytest.raises(ValidationError) as error:
            meeting_services.minutes_write(
                plain, minutes="Taget til efterretning.", decisions=[], outcome="approved"
            )
        assert error.value.message_dict["outcome"] == ["Punktet skal ikke have en afgørelse."]
        for row in (item, plain):
            row.refresh_from_db()
            assert (row.minutes, row.outcome) == ("", "")
            assert not row.decisions.exists()
        assert item.history.count() == versions
        assert not Referat.objects.filter(meeting=meeting).exists()  # refused before any write
        finally_approve_referat(meeting)
        assert reorganisation_tick() == 0
        change.refresh_from_db()
        assert change.state == OrganisationChange.State.ON_AGENDA
