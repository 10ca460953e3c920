"""Sample rows of the budget procedure (tests/factories.py: SAMPLE_BUILDERS)."""

from __future__ import annotations

import datetime

from budget.models import (
    AgendaPoint,
    BudgetMessage,
    BudgetProcess,
    HearingResponse,
    RationalisationCase,
)


def make_process(org) -> BudgetProcess:
    return BudgetProcess.objects.create(
        kommune=org.kommune,
        year=2027,
        timeline_by=datetime.date(2026, 4, 30),
        catalogue_on=datetime.date(2026, 8, 20),
        hearing_deadline=datetime.date(2026, 9, 10),
        adoption_planned=datetime.date(2026, 10, 8),
        catalogue="Spareforslag: administrationen samles.",
    )


def make_case(org) -> RationalisationCase:
    return RationalisationCase.objects.create(
        kommune=org.kommune,
        kind=RationalisationCase.Kind.ORGANISATION,
        title="Administrationen samles",
        description="To sekretariater bliver ét.",
        announced_on=datetime.date(2026, 5, 4),
    )


def make_message(org) -> BudgetMessage:
    process = BudgetProcess.objects.filter(year=2027).first() or make_process(org)
    return BudgetMessage.objects.create(
        kommune=org.kommune,
        process=process,
        committee=org.med,
        recipient=org.leader_person,
        kind=BudgetMessage.Kind.HEARING,
    )


def make_point(org) -> AgendaPoint:
    process = BudgetProcess.objects.filter(year=2027).first() or make_process(org)
    return AgendaPoint.objects.create(
        kommune=org.kommune,
        process=process,
        step=AgendaPoint.Step.HEARING,
        committee=org.med,
        start_on=process.catalogue_on,
        due_on=process.hearing_deadline,
    )


def make_response(org) -> HearingResponse:
    process = BudgetProcess.objects.filter(year=2027).first() or make_process(org)
    return HearingResponse.objects.create(
        kommune=org.kommune,
        process=process,
        committee=org.med,
        text="LokalMED tager kataloget til efterretning.",
        submitted_by=org.leader_person,
    )


SAMPLES = {
    "budget.BudgetProcess": make_process,
    "budget.RationalisationCase": make_case,
    "budget.BudgetMessage": make_message,
    "budget.AgendaPoint": make_point,
    "budget.HearingResponse": make_response,
}
