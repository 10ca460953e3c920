"""Deadlines from incidents and Arbejdstilsynet's visits (incidents/rules.py), each against its
legal source, with frozen time. Data is written through incidents/services.py."""

from __future__ import annotations

import datetime
import zoneinfo
from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError

from committees.models import Committee
from core.tenancy import tenant_scope
from deadlines.engine import Context, evaluate, registry
from deadlines.models import Deadline
from incidents import services
from incidents.easy import easy_due_date
from incidents.models import AuthorisedAdviser, InspectionOrder, InspectionVisit, Kind
from organisations.services import unit_save

from . import factories as f

EASY = "incidents.easy_report"
INVESTIGATION = "incidents.investigation"
MEASURE = "incidents.measure"
ORDER = "incidents.inspection_order"
# The rules this module proves (for tests/test_engine.py's coverage check).
COVERED = {EASY, INVESTIGATION, MEASURE, ORDER}

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
State = Deadline.State
INJURY_DAY = date(2026, 3, 2)  # a Monday


def at(day: date):
    moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=CPH)
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def org(org_a):
    """org_a with leaders: Lene leads the school, Otto the område above it."""
    with at(date(2026, 3, 1)), tenant_scope(org_a.kommune):
        org_a.area_leader = f.person(org_a.kommune, "Otto", "Områdeleder", unit=org_a.omraade)
        org_a.omraade.leader = org_a.area_leader
        unit_save(org_a.omraade)
        org_a.workplace.leader = org_a.leader_person
        unit_save(org_a.workplace)
        yield org_a


def report(org, *, kind=Kind.ARBEJDSULYKKE, first=None, days=0, unit=None, today=INJURY_DAY):
    with at(today):
        return services.incident_report(
            kind=kind,
            occurred_on=INJURY_DAY,
            place="Gymnastiksalen",
            unit=unit or org.workplace,
            description="Faldt over en bænk",
            injured=org.amr.person,
            absence_first_day=first,
            absence_days=days,
        )


def rows(code: str) -> dict[str, Deadline]:
    return {r.key: r for r in Deadline.objects.filter(rule=code).exclude(state=State.CANCELLED)}


def full_evaluation_changes_nothing(org, day: date) -> None:
    rules = [registry.get(code) for code in sorted(COVERED)]
    assert evaluate(Context(org.kommune, day), rules=rules).changed == 0


# --- EASY ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "days", "due"),
    [
        # Absent from Thursday (3 days after the injury): 14 days after the first day of absence.
        (date(2026, 3, 5), 3, date(2026, 3, 19)),
        # Exactly 1 day beyond the injury day: reportable.
        (date(2026, 3, 3), 1, date(2026, 3, 17)),
        # Went home on the injury day and stayed home the next day: the injury day never counts,
        # the first counted day of absence is the day after.
        (date(2026, 3, 2), 2, date(2026, 3, 17)),
        # Went home on the injury day and was back the next morning: nothing to report.
        (date(2026, 3, 2), 1, None),
        # No absence at all.
        (None, 0, None),
    ],
)
def test_easy_deadline_edges(org, first, days, due):
    """BEK om anmeldelse af arbejdsulykker m.v. § 1 (since 2022): an accident with absence of at
    least 1 day beyond the injury day is reported no later than 14 days after the first day of
    absence."""
    incident = report(org, first=first, days=days)
    found = rows(EASY)
    if due is None:
        assert found == {}
        return
    row = found[f"c{org.amg.pk}:i{incident.pk}"]
    assert (row.due_date, row.state, row.committee_id, row.unit_id) == (
        due,
        State.OPEN,
        org.amg.pk,
        org.workplace.pk,
    )
    # The employer reports: the unit's leader answers for it; the title says only the case number.
    assert row.person_id == org.leader_person.pk
    assert row.title == f"Anmeld arbejdsulykke til Arbejdstilsynet (EASY): {incident.reference}"
    full_evaluation_changes_nothing(org, INJURY_DAY)


def test_the_thresholds_are_settings(org, settings):
    """The law may change: INCIDENT_EASY_MIN_ABSENCE_DAYS and INCIDENT_EASY_REPORT_DAYS."""
    settings.INCIDENT_EASY_MIN_ABSENCE_DAYS = 2
    assert report(org, first=date(2026, 3, 3), days=1) and rows(EASY) == {}
    settings.INCIDENT_EASY_REPORT_DAYS = 9
    incident = report(org, first=date(2026, 3, 3), days=2)
    assert rows(EASY)[f"c{org.amg.pk}:i{incident.pk}"].due_date == date(2026, 3, 12)


def test_only_accidents_are_reported_to_easy():
    """A tilløb has no injury; mobning and erhvervssygdom are not sudden events (a doctor reports
    an occupational disease). Violence, threats and poisoning with absence are accidents."""
    kwargs = {"occurred_on": INJURY_DAY, "first_day": date(2026, 3, 3), "days": 5}
    assert easy_due_date(kind=Kind.TILLOEB, **kwargs) is None
    assert easy_due_date(kind=Kind.MOBNING, **kwargs) is None
    assert easy_due_date(kind=Kind.ERHVERVSSYGDOM, **kwargs) is None
    assert easy_due_date(kind=Kind.VOLD, **kwargs) == date(2026, 3, 17)
    assert easy_due_date(kind=Kind.FORGIFTNING, **kwargs) == date(2026, 3, 17)


def test_absence_registered_later_creates_the_deadline_and_the_reference_fulfils_it(org):
    incident = report(org)
    assert rows(EASY) == {}
    with at(date(2026, 3, 6)):
        services.incident_update_absence(
            incident, absence_first_day=date(2026, 3, 4), absence_days=4
        )
    key = f"c{org.amg.pk}:i{incident.pk}"
    assert rows(EASY)[key].due_date == date(2026, 3, 18)
    with at(date(2026, 3, 10)):
        with pytest.raises(ValidationError):
            services.incident_record_easy(incident, reference=" ", reported_on=date(2026, 3, 10))
        services.incident_record_easy(
            incident, reference="EASY-2026-44812", reported_on=date(2026, 3, 10)
        )
    row = rows(EASY)[key]
    assert (row.state, row.done_on, row.fulfilled_by) == (State.DONE, date(2026, 3, 10), incident)
    full_evaluation_changes_nothing(org, date(2026, 3, 10))


def test_without_a_leader_of_the_unit_the_leader_above_answers(org):
    with at(date(2026, 3, 1)):
        afdeling = f.unit(org.kommune, "Indskoling", kind="afdeling", parent=org.workplace)
        org.workplace.leader = None
        unit_save(org.workplace)
    incident = report(org, first=date(2026, 3, 3), days=2, unit=afdeling)
    row = rows(EASY)[f"c{org.amg.pk}:i{incident.pk}"]
    assert row.person_id == org.area_leader.pk
    assert incident.committee_id == org.amg.pk  # the AMG covering the workplace above


# --- investigation and measures ------------------------------------------------------------------


def test_every_case_is_investigated_and_closing_it_fulfils_the_duty(org):
    """BEK om systematisk arbejdsmiljøarbejde § 31 stk. 2 nr. 4 and § 33 stk. 4: the AMO follows
    up on every accident, poisoning, health damage and near miss (local: within 30 days)."""
    incident = report(org, kind=Kind.TILLOEB)
    key = f"c{org.amg.pk}:i{incident.pk}"
    row = rows(INVESTIGATION)[key]
    assert (row.due_date, row.person_id, row.committee_id) == (date(2026, 4, 1), None, org.amg.pk)
    with at(date(2026, 3, 20)):
        with pytest.raises(ValidationError, match="årsagerne"):
            services.incident_close(incident, closure_note="Ok")
        services.incident_record_causes(incident, causes="Bænken stod i gangzonen")
        services.incident_close(incident, closure_note="Bænke flyttes efter brug.")
    row = rows(INVESTIGATION)[key]
    assert (row.state, row.done_on) == (State.DONE, date(2026, 3, 20))
    with at(date(2026, 3, 21)):
        services.incident_reopen(incident)
    assert rows(INVESTIGATION)[key].state == State.OPEN
    full_evaluation_changes_nothing(org, date(2026, 3, 21))


def test_each_preventive_measure_is_a_deadline_of_its_owner(org):
    """BEK § 31 stk. 2 nr. 4: the AMG helps carry out measures that prevent a repeat."""
    incident = report(org)
    with at(date(2026, 3, 10)):
        measure = services.measure_add(
            incident,
            description="Skilt ved bænkene",
            owner=org.amr.person,
            due_on=date(2026, 4, 15),
        )
    key = f"c{org.amg.pk}:m{measure.pk}"
    row = rows(MEASURE)[key]
    assert (row.person_id, row.due_date, row.state) == (
        org.amr.person.pk,
        date(2026, 4, 15),
        State.OPEN,
    )
    with at(date(2026, 4, 1)):
        services.measure_complete(measure, note="Skiltet hænger")
    row = rows(MEASURE)[key]
    assert (row.state, row.fulfilled_by) == (State.DONE, measure)


def test_an_incident_outside_any_amg_goes_to_the_arbejdsmiljoeudvalg(org):
    """BEK § 33 stk. 4: every case is followed up by the AMO — where no AMG covers the unit, the
    nearest arbejdsmiljøudvalg (finally HovedMED) handles it."""
    with at(date(2026, 3, 1)):
        lonely = f.unit(org.kommune, "Ny afdeling uden AMG", parent=org.other_omraade)
    incident = report(org, unit=lonely, first=date(2026, 3, 3), days=2)
    assert incident.committee.kind == Committee.Kind.HOVEDMED
    assert f"c{incident.committee_id}:i{incident.pk}" in rows(EASY)


# --- Arbejdstilsynet -----------------------------------------------------------------------------


def test_a_paabud_has_a_deadline_and_a_vejledning_has_none(org):
    """AML § 77: a påbud is complied with by its deadline; seed 003: "Der tages action på besøg
    eller vejledninger/påbud fra Arbejdstilsynet"; a rådgivningspåbud needs an authorised
    arbejdsmiljørådgiver (seed 004)."""
    with at(date(2026, 3, 3)):
        visit = services.inspection_visit_save(
            InspectionVisit(kommune=org.kommune, unit=org.workplace, visited_on=date(2026, 3, 3))
        )
        assert visit.committee_id == org.amg.pk
        guidance = services.inspection_order_save(
            InspectionOrder(
                kommune=org.kommune,
                visit=visit,
                kind=InspectionOrder.Kind.VEJLEDNING,
                title="Indeklima",
            )
        )
        order = services.inspection_order_save(
            InspectionOrder(
                kommune=org.kommune,
                visit=visit,
                kind=InspectionOrder.Kind.RAADGIVNING,
                title="Psykisk arbejdsmiljø",
                due_on=date(2026, 6, 1),
            )
        )
    assert order.requires_adviser
    found = rows(ORDER)
    assert f"c{org.amg.pk}:o{guidance.pk}" not in found
    row = found[f"c{org.amg.pk}:o{order.pk}"]
    assert (row.due_date, row.person_id) == (date(2026, 6, 1), org.leader_person.pk)
    assert row.title == "Påbud fra Arbejdstilsynet: Psykisk arbejdsmiljø"

    with at(date(2026, 5, 20)):
        order.complied_on = date(2026, 5, 20)
        with pytest.raises(ValidationError) as excinfo:
            services.inspection_order_save(order)
        assert "adviser" in excinfo.value.message_dict
        order.adviser = AuthorisedAdviser.objects.create(kommune=org.kommune, name="Rådgiverne A/S")
        order.adviser_engaged_on = date(2026, 3, 20)
        services.inspection_order_save(order)
    row = rows(ORDER)[f"c{org.amg.pk}:o{order.pk}"]
    assert (row.state, row.done_on) == (State.DONE, date(2026, 5, 20))
    full_evaluation_changes_nothing(org, date(2026, 5, 20))


def test_a_paabud_without_a_deadline_is_refused(org):
    with at(date(2026, 3, 3)):
        visit = services.inspection_visit_save(
            InspectionVisit(kommune=org.kommune, unit=org.workplace, visited_on=date(2026, 3, 3))
        )
        with pytest.raises(ValidationError) as excinfo:
            services.inspection_order_save(
                InspectionOrder(
                    kommune=org.kommune, visit=visit, kind=InspectionOrder.Kind.PAABUD, title="Støj"
                )
            )
    assert "due_on" in excinfo.value.message_dict
