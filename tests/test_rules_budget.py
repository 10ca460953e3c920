"""The deadlines of the budget procedure, against their source, with frozen time.

Source: Aftale om trivsel og sundhed på arbejdspladsen § 5 (HovedMED's task B: the budget's
consequences for working and staff conditions) and the kommune's MED-aftale, here seed 003
(Albertslund), "Procedureretningslinje for drøftelse af budgettets konsekvenser for arbejds- og
personaleforhold" and "… for større rationaliserings- og omstillingsprojekter":

- budget.med_point: each step before a MED committee (the timeline "i marts/april", the
  catalogue with the responses, the orientation after adoption, a case "hurtigst muligt") is due
  on HR's day and fulfilled by the meeting that took it once its referat is finally approved;
- budget.hearing_response: each local MED committee answers by the hearing's last day; the right
  to be heard ends with the adoption.

The full nightly evaluation is run for the day under test with `evaluate(Context(kommune, day))`."""

from __future__ import annotations

import datetime
import zoneinfo
from datetime import date

import pytest
import time_machine

from budget import services
from budget.models import AgendaPoint, BudgetProcess, HearingResponse, RationalisationCase
from committees.models import Committee, Membership
from committees.services import committee_save
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline
from deadlines.services import deadline_mark_done
from meetings.models import Meeting, Referat
from meetings.services import meeting_create, referat_for

from . import factories as f

State = Deadline.State
POINT = "budget.med_point"
HEARING = "budget.hearing_response"
# The rules this module proves (test_engine checks that every registered rule is covered).
COVERED = {POINT, HEARING}
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
Step = AgendaPoint.Step


def at(day: date):
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


def run(k, day: date) -> None:
    with tenant_scope(k), at(day):
        evaluate(Context(k, day))


@pytest.fixture
def k(db):
    """A kommune with KommuneMED, a LokalMED and an AMG; a budget 2027 recorded on 1.3.2026."""
    kommune = f.kommune("budgetkommune")
    with tenant_scope(kommune), at(date(2026, 3, 1)):
        unit = f.unit(kommune, "Skolen")
        hoved = f.committee(kommune, "KommuneMED", Committee.Kind.HOVEDMED)
        lokal = f.committee(
            kommune, "LokalMED Skolen", Committee.Kind.LOKALMED, parent=hoved, units=[unit]
        )
        f.committee(kommune, "AMG Skolen", parent=lokal, units=[unit])
        formand = f.person(kommune, "Frida", "Formand", unit=unit)
        f.membership(formand, lokal, Membership.Role.FORMAND)
        services.process_save(
            BudgetProcess(
                kommune=kommune,
                year=2027,
                timeline_by=date(2026, 4, 30),
                catalogue_on=date(2026, 8, 20),
                hearing_deadline=date(2026, 9, 10),
                adoption_planned=date(2026, 10, 8),
                catalogue="Spareforslag.",
            )
        )
    return kommune


def rows(k, rule):
    with tenant_scope(k):
        return {
            (d.committee.name, d.due_date, d.state, d.done_on)
            for d in Deadline.objects.filter(rule=rule).select_related("committee")
        }


def test_the_rules_name_their_source():
    for code in COVERED:
        rule = registry.get(code)
        assert "Aftale om trivsel og sundhed på arbejdspladsen § 5" in rule.source_for()
        assert "budgettets konsekvenser" in rule.source_for("Albertslunds MED-aftale")
        assert rule.subject == "committee" and not rule.statutory


def test_kommunemed_owes_the_timeline_and_the_catalogue_and_each_local_med_its_response(k):
    run(k, date(2026, 3, 2))
    assert rows(k, POINT) == {
        ("KommuneMED", date(2026, 4, 30), State.OPEN, None),
        ("KommuneMED", date(2026, 10, 8), State.OPEN, None),
    }
    # The AMG is no MED committee: only the LokalMED is heard.
    assert rows(k, HEARING) == {("LokalMED Skolen", date(2026, 9, 10), State.OPEN, None)}


def test_a_point_is_done_by_the_meeting_whose_referat_is_finally_approved_not_before(k):
    with tenant_scope(k), at(date(2026, 3, 2)):
        hoved = Committee.objects.get(kind=Committee.Kind.HOVEDMED)
        meeting = meeting_create(committee=hoved, date=date(2026, 4, 28))
        services.points_schedule(AgendaPoint.objects.all())
        referat = referat_for(meeting)
    # Approved but not final (the formandskab may still correct it): still open.
    with tenant_scope(k):
        Referat.objects.filter(pk=referat.pk).update(state=Referat.State.APPROVED)
    run(k, date(2026, 4, 29))
    assert ("KommuneMED", date(2026, 4, 30), State.OPEN, None) in rows(k, POINT)
    with tenant_scope(k):
        Referat.objects.filter(pk=referat.pk).update(state=Referat.State.FINAL)
    run(k, date(2026, 5, 4))
    assert ("KommuneMED", date(2026, 4, 30), State.DONE, date(2026, 4, 28)) in rows(k, POINT)
    with tenant_scope(k):
        row = Deadline.objects.get(rule=POINT, due_date=date(2026, 4, 30))
        assert (row.fulfilled_type.model_class(), row.fulfilled_id) == (Meeting, meeting.pk)


def test_a_point_handled_outside_the_system_is_marked_done_and_stays_done(k):
    run(k, date(2026, 3, 2))
    with tenant_scope(k), at(date(2026, 4, 20)):
        row = Deadline.objects.get(rule=POINT, due_date=date(2026, 4, 30))
        deadline_mark_done(row, done_on=date(2026, 4, 20), note="Drøftet på temamøde.")
    run(k, date(2026, 5, 1))
    assert ("KommuneMED", date(2026, 4, 30), State.DONE, date(2026, 4, 20)) in rows(k, POINT)


def test_a_late_response_fulfils_the_hearing_and_the_right_ends_with_the_adoption(k):
    with tenant_scope(k):
        lokal = Committee.objects.get(kind=Committee.Kind.LOKALMED)
        frida = Membership.objects.get(committee=lokal).person
    with tenant_scope(k), at(date(2026, 8, 20)):
        process = BudgetProcess.objects.get()
        services.hearing_send(process)
    run(k, date(2026, 9, 11))
    assert rows(k, HEARING) == {("LokalMED Skolen", date(2026, 9, 10), State.OPEN, None)}
    # A day late: kept, and the deadline is done on the day it was given.
    with tenant_scope(k), at(date(2026, 9, 11)):
        services.hearing_respond(process, lokal, text="Vi fraråder forslag 3.", person=frida)
    assert rows(k, HEARING) == {
        ("LokalMED Skolen", date(2026, 9, 10), State.DONE, date(2026, 9, 11))
    }
    # A second local committee, set up during the hearing, is heard too; never answering, its
    # open row ends at the adoption.
    with tenant_scope(k), at(date(2026, 9, 1)):
        unit = f.unit(k, "Plejehjemmet")
        silent = f.committee(
            k, "LokalMED Pleje", Committee.Kind.LOKALMED, parent=lokal.parent, units=[unit]
        )
        services.process_save(process)
    run(k, date(2026, 9, 2))
    assert ("LokalMED Pleje", date(2026, 9, 10), State.OPEN, None) in rows(k, HEARING)
    with tenant_scope(k), at(date(2026, 10, 9)):
        services.process_adopt(
            process, adopted_on=date(2026, 10, 8), summary="Vedtaget som foreslået."
        )
    run(k, date(2026, 10, 9))
    assert rows(k, HEARING) == {
        ("LokalMED Skolen", date(2026, 9, 10), State.DONE, date(2026, 9, 11)),
        ("LokalMED Pleje", date(2026, 9, 10), State.CANCELLED, None),
    }
    with tenant_scope(k):
        assert not HearingResponse.objects.filter(committee=silent).exists()


def test_the_orientation_after_adoption_is_due_on_hrs_day_or_eight_weeks_after(k):
    with tenant_scope(k), at(date(2026, 10, 9)):
        process = BudgetProcess.objects.get()
        services.process_adopt(process, adopted_on=date(2026, 10, 8), summary="Vedtaget.")
    run(k, date(2026, 10, 9))
    after = {r for r in rows(k, POINT) if r[1] not in (date(2026, 4, 30), date(2026, 10, 8))}
    # 8 weeks after 8 October: 3 December, for KommuneMED and the LokalMED (not the AMG).
    assert after == {
        ("KommuneMED", date(2026, 12, 3), State.OPEN, None),
        ("LokalMED Skolen", date(2026, 12, 3), State.OPEN, None),
    }


def test_a_closed_committee_owes_nothing(k):
    run(k, date(2026, 3, 2))
    with tenant_scope(k), at(date(2026, 6, 1)):
        lokal = Committee.objects.get(kind=Committee.Kind.LOKALMED)
        lokal.closed_on = date(2026, 6, 1)
        committee_save(lokal)
    run(k, date(2026, 6, 2))
    assert rows(k, HEARING) == {("LokalMED Skolen", date(2026, 9, 10), State.CANCELLED, None)}


def test_a_case_outside_the_budget_is_due_before_kommunemed_within_30_days(k):
    with tenant_scope(k), at(date(2026, 5, 4)):
        case = services.case_register(
            RationalisationCase(
                kommune=k,
                kind=RationalisationCase.Kind.TRANSFER,
                title="Opgaveflytning til regionen",
                description="Opgaven flyttes ved lov.",
            )
        )
    run(k, date(2026, 5, 5))
    assert ("KommuneMED", date(2026, 6, 3), State.OPEN, None) in rows(k, POINT)
    with tenant_scope(k):
        row = Deadline.objects.get(rule=POINT, due_date=date(2026, 6, 3))
        assert row.title == "Orientering og drøftelse: Opgaveflytning til regionen"
        assert row.params["case"] == str(case.public_id)
    # A case inside the budget follows the budget's steps: no point of its own.
    with tenant_scope(k), at(date(2026, 5, 4)):
        inside = services.case_register(
            RationalisationCase(
                kommune=k,
                kind=RationalisationCase.Kind.BUDGET,
                title="Besparelse i budget 2027",
                description="Del af kataloget.",
                process=BudgetProcess.objects.get(),
            )
        )
        assert not inside.points.exists()
