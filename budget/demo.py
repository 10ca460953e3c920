"""The demo's budget year: next year's budget as this year's MED organisation has worked on it.
KommuneMED discussed the timeline in April; the catalogue went out in August and most local MED
committees answered; KommuneMED discussed the responses in September; once adopted in October
every MED committee is told, on its next meeting. A case outside the budget (the cleaning put
out to tender) is on KommuneMED's next agenda, with an ad hoc MED committee. The steps that lie
after the demo's day are left for the product to take."""

from __future__ import annotations

import datetime

from django.utils import timezone

from committees.models import Committee, Membership
from committees.selectors import hovedmed
from core.tenancy import tenant_scope
from deadlines.engine import evaluate_kommune
from meetings.models import Meeting, Referat
from meetings.services import meeting_create
from organisations.models import Unit

from .models import BudgetProcess, HearingResponse, RationalisationCase
from .services import (
    HEARD_KINDS,
    case_register,
    case_set_up_committee,
    hearing_send,
    process_adopt,
    process_save,
)

CATALOGUE = """Budgetkatalog med spareforslag og forslag til nye initiativer:

1. Administrationen i Børn og Skole samles i ét sekretariat (-3 årsværk, ingen afskedigelser: naturlig afgang).
2. Åbningstiden i borgerservice nedsættes med to timer om ugen.
3. Rengøringen sendes i udbud fra næste år (se projektet "Udbud af rengøringen").
4. Nyt initiativ: fast vikarkorps i ældreplejen (+6 årsværk)."""

RESPONSES = [
    "Udvalget bakker op om et fast vikarkorps. Vi fraråder forslag 2: borgerservice har allerede "
    "lange ventetider, og presset på medarbejderne vil stige.",
    "Udvalget tager kataloget til efterretning. Ved sammenlægningen af sekretariaterne ønsker vi, "
    "at de berørte medarbejdere inddrages tidligt, og at arbejdsmiljøet følges i APV'en.",
    "Udvalget er bekymret for forslag 3. Vi beder om, at et ad hoc MED-udvalg følger udbuddet.",
]


def _held(committee: Committee, day: datetime.date) -> Meeting:
    return meeting_create(committee=committee, date=day, location="Rådhuset")


def _close(meeting: Meeting, notes: str) -> None:
    """The meeting as held: the agenda went out a week before, the referat is finally approved."""
    sent = timezone.make_aware(
        datetime.datetime.combine(meeting.date - datetime.timedelta(days=7), datetime.time(9))
    )
    Meeting.objects.filter(pk=meeting.pk).update(agenda_settled_at=sent, dispatched_at=sent)
    Referat.objects.update_or_create(
        meeting=meeting,
        defaults={"kommune_id": meeting.kommune_id, "state": Referat.State.FINAL, "notes": notes},
    )


def load_budget_demo(kommune, today: datetime.date) -> None:
    with tenant_scope(kommune):
        if BudgetProcess.objects.exists():
            return
        top = hovedmed()
        if top is None:
            return
        year = today.year
        timeline_by = datetime.date(year, 4, 30)
        catalogue_on = datetime.date(year, 8, 20)
        deadline = datetime.date(year, 9, 10)
        adoption = datetime.date(year, 10, 8)
        start = min(today, timeline_by - datetime.timedelta(days=30))
        # The meetings that took the steps, planned before the steps (the coming meetings the
        # demo already has lie later).
        heard = list(
            Committee.objects.filter(kind__in=HEARD_KINDS, closed_on__isnull=True).order_by("pk")
        )
        april = _held(top, datetime.date(year, 4, 22)) if today > timeline_by else None
        local = []
        if today > catalogue_on + datetime.timedelta(days=10):
            for index, committee in enumerate(heard[:6]):
                local.append(_held(committee, catalogue_on + datetime.timedelta(days=4 + index)))
        september = _held(top, datetime.date(year, 9, 24)) if today > adoption else None
        process = process_save(
            BudgetProcess(
                kommune=kommune,
                year=year + 1,
                timeline_by=timeline_by,
                catalogue_on=catalogue_on,
                hearing_deadline=deadline,
                adoption_planned=adoption,
                catalogue=CATALOGUE,
            ),
            today=start,
        )
        if april is not None:
            _close(april, "KommuneMED drøftede tidsplanen for budgetprocessen.")
        if today <= catalogue_on:
            evaluate_kommune(kommune, today)
            return

        # The hearing: the local committees met on it; all but one answered in time.
        process = hearing_send(process, today=catalogue_on)
        formand = dict(
            Membership.objects.filter(
                committee__in=heard,
                role__in=(Membership.Role.FORMAND, Membership.Role.NAESTFORMAND),
                ended_on__isnull=True,
            ).values_list("committee_id", "person_id")
        )
        for index, committee in enumerate(heard[: max(len(heard) - 1, 1)]):
            HearingResponse.objects.create(
                kommune=kommune,
                process=process,
                committee=committee,
                text=RESPONSES[index % len(RESPONSES)],
                submitted_by_id=formand.get(committee.pk),
                submitted_on=min(deadline, catalogue_on + datetime.timedelta(days=6 + index)),
            )
        for meeting in local:
            _close(meeting, "Udvalget drøftede budgetkataloget og vedtog sit høringssvar.")
        if today <= adoption:
            evaluate_kommune(kommune, today)
            return

        if september is not None:
            _close(september, "KommuneMED drøftede budgetkataloget og høringssvarene.")
        process = process_adopt(
            process,
            adopted_on=adoption,
            summary=(
                "Kommunalbestyrelsen vedtog budgettet med forslag 1, 3 og 4. Lønsummen i "
                "administrationen reduceres med 3 årsværk ved naturlig afgang; ingen "
                "afskedigelser. Vikarkorpset i ældreplejen etableres fra 1. marts."
            ),
            orientation_by=datetime.date(year, 12, 31),
            today=adoption + datetime.timedelta(days=1),
        )
        # The points on the meetings planned since (the daily tick's work, done here at once).
        process_save(process, today=today)

        units = list(Unit.objects.filter(kind=Unit.Kind.ARBEJDSPLADS).order_by("path")[:2])
        case = case_register(
            RationalisationCase(
                kommune=kommune,
                kind=RationalisationCase.Kind.OUTSOURCING,
                title="Udbud af rengøringen",
                description=(
                    "Rengøringen af kommunens bygninger sendes i udbud med virkning fra næste "
                    "år. Målsætning: samme kvalitet til lavere pris. Omkring 40 medarbejdere er "
                    "berørt; ved overgang til anden arbejdsgiver gælder "
                    "virksomhedsoverdragelsesloven. Tidsplan: udbud i foråret, kontrakt 1. "
                    "september."
                ),
                announced_on=today - datetime.timedelta(days=10),
            ),
            units=units,
            today=today - datetime.timedelta(days=10),
        )
        if units:
            case_set_up_committee(
                case,
                name="Ad hoc MED-udvalg: udbud af rengøringen",
                ends_on=datetime.date(year + 1, 9, 30),
                today=today - datetime.timedelta(days=3),
            )
        evaluate_kommune(kommune, today)
