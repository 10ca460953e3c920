"""The budget procedure and the rationalisation cases, step by step (budget/models.py).

Each step validates against the kommune, raises ValidationError in Danish keyed by field, and
saves nothing on error; each writes a history row with the acting user. The deadlines of the
committees a step touches are refreshed in the same transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, CommitteeUnit, Membership
from committees.selectors import free_code, hovedmed
from committees.services import committee_members_changed, committee_save
from core import outbox
from core.history import save_with_history
from deadlines.engine import refresh
from meetings.selectors import next_open_meeting
from meetings.services import item_add

from .access import ANSWERING_ROLES
from .models import AgendaPoint, BudgetMessage, BudgetProcess, HearingResponse, RationalisationCase

Step = AgendaPoint.Step
Kind = Committee.Kind

# The registered name of the budget's outbox (budget/outboxes.py).
MESSAGES = "budget.messages"
# The local MED committees heard on the catalogue: AfdelingsMED, ArbejdspladsMED and the
# personalemøder med MED-status (seed 003: "arbejdspladsMED får mulighed for at afgive
# høringssvar til budgetkatalog").
HEARD_KINDS = (Kind.AFDELINGSMED, Kind.LOKALMED, Kind.PERSONALEMOEDE)
# Told of the adopted budget: KommuneMED, AfdelingsMED, ArbejdspladsMED and personalemøder.
TOLD_KINDS = (Kind.HOVEDMED, *HEARD_KINDS)
TEXT_LIMIT = 20_000
# After adoption, the committees are told "når budgettet er vedtaget": within 8 weeks unless HR
# sets another day (the MED-aftale gives no number).
ORIENTATION_DAYS = 56
# A case outside the budget: KommuneMED "orienteres hurtigst muligt" — on its next meeting, and
# at the latest within 30 days (the deadline shown until the referat is approved).
CASE_DAYS = 30


def _open_committees(kinds) -> list[Committee]:
    return list(
        Committee.objects.filter(kind__in=kinds, closed_on__isnull=True).order_by("name", "pk")
    )


def _day(value: datetime.date) -> str:
    return value.strftime("%d.%m.%Y")


# --- the budget year ----------------------------------------------------------------------------


def validate_process(process: BudgetProcess) -> None:
    errors: dict[str, str] = {}
    if process.year is None or not 2000 <= process.year <= 2100:
        errors["year"] = _("Skriv budgetåret, fx 2027.")
    elif BudgetProcess.objects.filter(year=process.year).exclude(pk=process.pk).exists():
        errors["year"] = _("Der er allerede en budgetproces for %(year)s.") % {"year": process.year}
    order = [
        ("timeline_by", process.timeline_by),
        ("catalogue_on", process.catalogue_on),
        ("hearing_deadline", process.hearing_deadline),
        ("adoption_planned", process.adoption_planned),
    ]
    for (_before, earlier), (field, later) in zip(order, order[1:], strict=False):
        if earlier is None or later is None:
            continue
        if later < earlier and field not in errors:
            errors[field] = {
                "catalogue_on": _("Kataloget sendes i høring efter orienteringen om tidsplanen."),
                "hearing_deadline": _("Høringsfristen ligger efter, at kataloget er sendt ud."),
                "adoption_planned": _("Budgettet vedtages efter høringsfristen."),
            }[field]
    if (
        process.adopted_on is not None
        and process.catalogue_on
        and (process.adopted_on < process.catalogue_on)
    ):
        errors["adopted_on"] = _("Budgettet kan ikke være vedtaget før kataloget blev sendt ud.")
    if process.adopted_on is not None and process.adopted_on > timezone.localdate():
        errors["adopted_on"] = _("Vedtagelsen registreres, når den har fundet sted.")
    if process.adopted_on is not None:
        if process.orientation_by is not None and process.orientation_by < process.adopted_on:
            errors["orientation_by"] = _("Orienteringen ligger efter vedtagelsen.")
    elif process.orientation_by is not None:
        errors["orientation_by"] = _("Fristen for orienteringen sættes, når budgettet er vedtaget.")
    if errors:
        raise ValidationError(errors)


def _points(process: BudgetProcess, today: datetime.date) -> list[AgendaPoint]:
    """The points the process's dates call for, before adoption: KommuneMED hears the timeline
    and later the catalogue with the responses; each local MED committee is heard."""
    points = []
    top = hovedmed()
    if top is not None:
        points.append(
            AgendaPoint(
                step=Step.TIMELINE,
                committee=top,
                start_on=min(process.timeline_by, today),
                due_on=process.timeline_by,
            )
        )
        points.append(
            AgendaPoint(
                step=Step.CATALOGUE,
                committee=top,
                start_on=process.catalogue_on,
                due_on=process.adoption_planned,
            )
        )
    for committee in _open_committees(HEARD_KINDS):
        points.append(
            AgendaPoint(
                step=Step.HEARING,
                committee=committee,
                start_on=process.catalogue_on,
                due_on=process.hearing_deadline,
            )
        )
    return points


def _sync_points(process: BudgetProcess, wanted: list[AgendaPoint]) -> set[int]:
    """Create the wanted points that are missing, move the dates of those not yet on an agenda;
    the committees touched."""
    existing = {(p.step, p.committee_id): p for p in AgendaPoint.objects.filter(process=process)}
    touched = set()
    for point in wanted:
        stored = existing.get((point.step, point.committee_id))
        if stored is None:
            point.kommune_id = process.kommune_id
            point.process = process
            point.save()
            touched.add(point.committee_id)
        elif (stored.start_on, stored.due_on) != (point.start_on, point.due_on):
            stored.start_on, stored.due_on = point.start_on, point.due_on
            stored.save(update_fields=["start_on", "due_on"])
            touched.add(stored.committee_id)
    return touched


@transaction.atomic
def process_save(process: BudgetProcess, *, acting_user=None, today=None) -> BudgetProcess:
    """HR records (or moves) the budget year's timeline. Its points are put before KommuneMED
    and the local MED committees; a point waits until its committee has a meeting to take it."""
    today = today or timezone.localdate()
    validate_process(process)
    new = process.pk is None
    if new and getattr(acting_user, "is_authenticated", False):
        process.created_by = acting_user
    adopted_before = None
    if not new:
        # What the steps recorded is theirs, not the form's: a stale copy never undoes them.
        adopted_before, process.hearing_sent_on = BudgetProcess.objects.filter(
            pk=process.pk
        ).values_list("adopted_on", "hearing_sent_on")[0]
    if process.adopted_on is not None and process.orientation_by is None:
        process.orientation_by = process.adopted_on + datetime.timedelta(days=ORIENTATION_DAYS)
    save_with_history(
        process, acting_user, _("Tidsplanen registreret") if new else _("Tidsplanen ændret")
    )
    touched = _sync_points(process, _points(process, today))
    if process.adopted_on is not None and adopted_before is None:
        touched |= _adopt(process, acting_user=acting_user, today=today)
    elif process.adopted_on is not None:
        touched |= _sync_points(process, _adopted_points(process))
    points_schedule(
        AgendaPoint.objects.filter(process=process), acting_user=acting_user, today=today
    )
    due = process.catalogue_on <= today and process.catalogue.strip()
    if process.hearing_sent_on is None and process.adopted_on is None and due:
        process.hearing_sent_on = hearing_send(
            process, acting_user=acting_user, today=today
        ).hearing_sent_on
    refresh(process.kommune, committees=touched, acting_user=acting_user, today=today)
    return process


@transaction.atomic
def hearing_send(process: BudgetProcess, *, acting_user=None, today=None) -> BudgetProcess:
    """Send the catalogue to the local MED committees' members, with the deadline for the
    response (on the day the catalogue goes out, by the tick, or at once by HR)."""
    today = today or timezone.localdate()
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if process.hearing_sent_on is not None:
        return process
    if process.adopted_on is not None:
        raise ValidationError(_("Budgettet er vedtaget; høringen er slut."))
    if not process.catalogue.strip():
        raise ValidationError(
            {"catalogue": _("Skriv budgetkataloget (eller et link til det), før høringen sendes.")}
        )
    process.hearing_sent_on = today
    save_with_history(process, acting_user, _("Høringen sendt til MED-udvalgene"))
    committees = [
        p.committee_id for p in AgendaPoint.objects.filter(process=process, step=Step.HEARING)
    ]
    _notify(process, BudgetMessage.Kind.HEARING, committees)
    return process


def _adopted_points(process: BudgetProcess) -> list[AgendaPoint]:
    return [
        AgendaPoint(
            step=Step.ADOPTED,
            committee=c,
            start_on=process.adopted_on,
            due_on=process.orientation_by,
        )
        for c in _open_committees(TOLD_KINDS)
    ]


def _adopt(process: BudgetProcess, *, acting_user, today) -> set[int]:
    touched = _sync_points(process, _adopted_points(process))
    save_with_history(
        process,
        acting_user,
        _("Budgettet vedtaget %(day)s") % {"day": _day(process.adopted_on)},
    )
    committees = [
        p.committee_id for p in AgendaPoint.objects.filter(process=process, step=Step.ADOPTED)
    ]
    _notify(process, BudgetMessage.Kind.ADOPTED, committees)
    # The hearing is over: the local committees that did not answer owe nothing any more.
    touched |= set(
        AgendaPoint.objects.filter(process=process, step=Step.HEARING).values_list(
            "committee_id", flat=True
        )
    )
    return touched


@transaction.atomic
def process_adopt(
    process: BudgetProcess,
    *,
    adopted_on: datetime.date,
    summary: str,
    orientation_by: datetime.date | None = None,
    acting_user=None,
    today=None,
) -> BudgetProcess:
    """The kommunalbestyrelse has adopted the budget: every MED committee is told what it means
    for it (a point on its next agenda, a deadline) and its members get the summary."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if process.adopted_on is not None:
        raise ValidationError(_("Vedtagelsen er allerede registreret."))
    if not summary.strip():
        raise ValidationError(
            {
                "adopted_summary": _(
                    "Skriv kort, hvad budgettet betyder, og planen for udmøntningen."
                )
            }
        )
    process.adopted_on = adopted_on
    process.adopted_summary = summary.strip()
    if orientation_by is not None:
        process.orientation_by = orientation_by
    return process_save(process, acting_user=acting_user, today=today)


# --- the hearing --------------------------------------------------------------------------------


def may_answer(person, committee: Committee) -> bool:
    if person is None:
        return False
    return Membership.objects.filter(
        person=person, committee=committee, role__in=ANSWERING_ROLES, ended_on__isnull=True
    ).exists()


@transaction.atomic
def hearing_respond(
    process: BudgetProcess,
    committee: Committee,
    *,
    text: str,
    person,
    acting_user=None,
    today=None,
) -> HearingResponse:
    """The formandskab of a local MED committee gives (or changes) the committee's response,
    until the budget is adopted. A response after the deadline is kept, and marked late."""
    today = today or timezone.localdate()
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if not AgendaPoint.objects.filter(
        process=process, step=Step.HEARING, committee=committee
    ).exists():
        raise ValidationError(_("Udvalget er ikke i høring om dette budget."))
    if process.hearing_sent_on is None:
        raise ValidationError(_("Budgetkataloget er ikke sendt i høring endnu."))
    if process.adopted_on is not None:
        raise ValidationError(_("Budgettet er vedtaget; høringen er slut."))
    if not may_answer(person, committee):
        raise ValidationError(_("Kun udvalgets formand og næstformand afgiver høringssvaret."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Skriv udvalgets høringssvar.")})
    if len(text) > TEXT_LIMIT:
        raise ValidationError(
            {"text": _("Høringssvaret er for langt (højst %(n)s tegn).") % {"n": TEXT_LIMIT}}
        )
    response = HearingResponse.objects.filter(process=process, committee=committee).first()
    reason = _("Høringssvaret ændret") if response else _("Høringssvar afgivet")
    if response is None:
        response = HearingResponse(
            kommune_id=process.kommune_id, process=process, committee=committee
        )
    response.text = text
    response.submitted_by = person
    response.submitted_on = today
    save_with_history(response, acting_user, reason)
    refresh(process.kommune, committees=[committee], acting_user=acting_user, today=today)
    return response


# --- the agenda ---------------------------------------------------------------------------------


def _item_texts(point: AgendaPoint) -> dict[str, str]:
    if point.case_id is not None:
        case = point.case
        return {
            "title": _("Rationaliserings- eller omstillingsprojekt: %(title)s")
            % {"title": case.title},
            "description": case.description,
            "recommendation": _(
                "Ledelsen orienterer, og udvalget drøfter: målsætningen, de personalemæssige "
                "konsekvenser, hvordan KommuneMED og de berørte medarbejdere informeres og "
                "inddrages, økonomien, medarbejderbehovet (også ved overgang til anden "
                "arbejdsgiver), arbejdsmiljøet, tidsplanen og om der skal nedsættes et ad hoc "
                "MED-udvalg."
            ),
        }
    process = point.process
    year = {"year": process.year}
    if point.step == Step.TIMELINE:
        return {
            "title": _("Budget %(year)s: tidsplanen for budgetprocessen") % year,
            "description": _(
                "Kataloget sendes i høring %(catalogue)s, MED-udvalgenes høringssvar senest "
                "%(deadline)s, forventet vedtagelse %(adoption)s."
            )
            % {
                "catalogue": _day(process.catalogue_on),
                "deadline": _day(process.hearing_deadline),
                "adoption": _day(process.adoption_planned),
            },
            "recommendation": _(
                "Udvalget orienteres om og drøfter den politiske og administrative tidsplan, og "
                "om MED-organisationen vil komme med forslag til budgettet."
            ),
        }
    if point.step == Step.CATALOGUE:
        return {
            "title": _("Budget %(year)s: budgetkataloget og MED-udvalgenes høringssvar") % year,
            "description": process.catalogue,
            "recommendation": _(
                "Udvalget drøfter budgetkataloget, høringssvarene og de administrative tiltag "
                "(fx ansættelsesstop, proces ved personalereduktioner)."
            ),
        }
    if point.step == Step.HEARING:
        return {
            "title": _("Budget %(year)s: høring over budgetkataloget") % year,
            "description": process.catalogue,
            "recommendation": _(
                "Udvalget drøfter kataloget og vedtager sit høringssvar; formandskabet afgiver "
                "det senest %(deadline)s."
            )
            % {"deadline": _day(process.hearing_deadline)},
        }
    return {
        "title": _("Budget %(year)s er vedtaget: betydning og udmøntning") % year,
        "description": process.adopted_summary,
        "recommendation": _(
            "Udvalget orienteres om og drøfter budgettet og hvad det betyder for arbejdspladsen, "
            "planen for udmøntningen (besparelse på lønsum, omorganisering, nye initiativer) og "
            "de udfordringer, der kan opstå."
        ),
    }


@transaction.atomic
def points_schedule(points, *, acting_user=None, today=None) -> int:
    """Put each point not yet on an agenda on its committee's next meeting (on or after the
    point's first day) whose agenda is still open. Without one it waits; the daily tick tries
    again. A late step is still taken late, but a hearing is only put on a meeting before its
    last day. The number placed."""
    today = today or timezone.localdate()
    placed = 0
    for point in points.filter(agenda_item__isnull=True).select_related(
        "committee", "process", "case"
    ):
        meeting = next_open_meeting(point.committee, max(today, point.start_on))
        if meeting is None:
            continue
        if point.step == Step.HEARING and meeting.date > point.due_on:
            continue  # a hearing point after the hearing's last day would be of no use
        point.agenda_item = item_add(meeting, **_item_texts(point), acting_user=acting_user)
        point.save(update_fields=["agenda_item"])
        placed += 1
    return placed


# --- rationalisation and restructuring cases ----------------------------------------------------


def validate_case(case: RationalisationCase, units) -> None:
    errors = {}
    if not case.title.strip():
        errors["title"] = _("Giv projektet en overskrift.")
    if not case.description.strip():
        errors["description"] = _("Beskriv målsætningen og det, der vides om konsekvenserne.")
    if any(u.kommune_id != case.kommune_id or u.closed_on for u in units):
        errors["units"] = _("Vælg åbne enheder i din egen kommune.")
    if case.process_id and case.process.kommune_id != case.kommune_id:
        errors["process"] = _("Vælg en budgetproces i din egen kommune.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_register(
    case: RationalisationCase, *, units=(), acting_user=None, today=None
) -> RationalisationCase:
    """HR registers a larger rationalisation or restructuring project. Outside the budget,
    KommuneMED is told as soon as possible: a point on its next agenda, a deadline."""
    today = today or timezone.localdate()
    units = list(units)
    validate_case(case, units)
    new = case.pk is None
    if new:
        case.announced_on = case.announced_on or today
        if getattr(acting_user, "is_authenticated", False):
            case.created_by = acting_user
    save_with_history(case, acting_user, _("Registreret") if new else _("Ændret"))
    case.units.set(units)
    touched = set()
    top = hovedmed()
    if case.process_id is None and top is not None:
        point, created = AgendaPoint.objects.get_or_create(
            case=case,
            committee=top,
            defaults={
                "kommune_id": case.kommune_id,
                "step": Step.CASE,
                "start_on": case.announced_on,
                "due_on": case.announced_on + datetime.timedelta(days=CASE_DAYS),
            },
        )
        if created:
            touched.add(top.pk)
        points_schedule(
            AgendaPoint.objects.filter(pk=point.pk), acting_user=acting_user, today=today
        )
    refresh(case.kommune, committees=touched, acting_user=acting_user, today=today)
    return case


def validate_ad_hoc(case, *, name, ends_on, parent, units, today) -> None:
    errors = {}
    if case.ad_hoc_committee_id is not None:
        raise ValidationError(_("Projektet har allerede et ad hoc MED-udvalg."))
    if not (name or "").strip():
        errors["ad_hoc_name"] = _("Giv ad hoc-udvalget et navn.")
    if ends_on is None:
        errors["ad_hoc_ends_on"] = _("Et ad hoc MED-udvalg har en slutdato.")
    elif ends_on <= today:
        errors["ad_hoc_ends_on"] = _("Slutdatoen skal ligge efter i dag.")
    if parent is None or parent.kommune_id != case.kommune_id or parent.closed_on is not None:
        errors["ad_hoc_parent"] = _("Vælg et åbent overordnet udvalg i din egen kommune.")
    if not units:
        errors["units"] = _("Vælg de enheder, projektet berører; ad hoc-udvalget dækker dem.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_set_up_committee(
    case: RationalisationCase,
    *,
    name: str,
    ends_on: datetime.date | None,
    parent: Committee | None = None,
    acting_user=None,
    today=None,
) -> Committee:
    """KommuneMED found it relevant: an ad hoc MED committee for the project, covering the
    units it concerns, under KommuneMED (or the committee chosen), closed after its last day
    (committees.tasks)."""
    today = today or timezone.localdate()
    parent = parent or hovedmed()
    units = list(case.units.all())
    validate_ad_hoc(case, name=name, ends_on=ends_on, parent=parent, units=units, today=today)
    committee = Committee(
        kommune_id=case.kommune_id,
        code=free_code(name, "ad-hoc"),
        name=name.strip()[:200],
        kind=Kind.ADHOC,
        parent=parent,
        established_on=today,
        ends_on=ends_on,
    )
    committee_save(committee, acting_user=acting_user)
    CommitteeUnit.objects.bulk_create(
        [CommitteeUnit(kommune_id=case.kommune_id, committee=committee, unit=u) for u in units]
    )
    committee_members_changed(committee, acting_user=acting_user)
    case.ad_hoc_committee = committee
    save_with_history(
        case,
        acting_user,
        _("Ad hoc MED-udvalg nedsat til og med %(day)s") % {"day": _day(ends_on)},
    )
    return committee


# --- the daily tick -----------------------------------------------------------------------------


def budget_tick(today=None) -> int:
    """In a kommune's scope, daily: send the hearings whose day has come, put waiting points
    on the agendas now planned. The number of steps taken."""
    today = today or timezone.localdate()
    done = 0
    for process in BudgetProcess.objects.filter(
        hearing_sent_on__isnull=True, adopted_on__isnull=True, catalogue_on__lte=today
    ).exclude(catalogue=""):
        hearing_send(process, today=today)
        done += 1
    waiting = AgendaPoint.objects.filter(
        agenda_item__isnull=True, committee__closed_on__isnull=True
    )
    done += points_schedule(waiting, today=today)
    return done


# --- e-mails ------------------------------------------------------------------------------------


def _notify(process: BudgetProcess, kind: str, committee_ids) -> None:
    """One e-mail per member of each committee (unique per process, committee, person and kind),
    sent after commit."""
    seats = Membership.objects.filter(
        committee_id__in=list(committee_ids), ended_on__isnull=True, person__left_on__isnull=True
    ).values_list("committee_id", "person_id")
    BudgetMessage.objects.bulk_create(
        [
            BudgetMessage(
                kommune_id=process.kommune_id,
                process=process,
                committee_id=committee_id,
                recipient_id=person_id,
                kind=kind,
            )
            for committee_id, person_id in sorted(set(seats))
        ],
        ignore_conflicts=True,
    )
    ids = BudgetMessage.objects.filter(process=process, kind=kind, state="pending").values_list(
        "pk", flat=True
    )
    outbox.enqueue(MESSAGES, ids)
