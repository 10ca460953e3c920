"""Writes to incidents, their investigation and Arbejdstilsynet's visits. Each change updates the
case's deadlines at once; notifications are enqueued when the transaction commits."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, Membership
from core import events, outbox
from core.history import set_history_user
from deadlines.engine import refresh
from organisations.models import Person, Unit, path_ids
from organisations.selectors import leaders_by_unit, nearest_leader

from .models import (
    HealthDataAccess,
    Incident,
    IncidentAttachment,
    IncidentForward,
    IncidentMeasure,
    IncidentNotification,
    IncidentViewLog,
    InspectionOrder,
    InspectionVisit,
)
from .selectors import handling_committee, udvalg_above

logger = logging.getLogger(__name__)

# The registered name of the incident notifications' outbox (incidents.outboxes).
NOTIFICATIONS = "incidents.notification"


def _save(obj, acting_user, update_fields=None) -> None:
    obj.full_clean()
    set_history_user(obj, acting_user)
    obj.save(update_fields=update_fields)


def _refresh(kommune, committee_ids, acting_user) -> None:
    refresh(kommune, committees=[c for c in committee_ids if c], acting_user=acting_user)


def _committee_for(unit: Unit) -> Committee:
    committee = handling_committee(unit)
    if committee is None:
        raise ValidationError(
            _("Ingen arbejdsmiljøgruppe eller HovedMED dækker enheden. Kontakt HR.")
        )
    return committee


# --- reporting -----------------------------------------------------------------------------------


@transaction.atomic
def incident_report(
    *,
    kind: str,
    occurred_on: datetime.date,
    place: str,
    unit: Unit,
    description: str,
    nature: str = "physical",
    by_third_party: bool = False,
    injured: Person | None = None,
    reporter: Person | None = None,
    absence_first_day: datetime.date | None = None,
    absence_days: int = 0,
    files=(),
    acting_user=None,
) -> Incident:
    """Anyone employed reports an incident. The AMG covering the unit handles it; the unit's
    leader and the group's members are told by e-mail once the report is committed. Photos
    and attachments are checked before anything is saved: a bad one saves nothing."""
    kinds = _check_files(files, existing=0)
    incident = Incident(
        kommune_id=unit.kommune_id,
        kind=kind,
        nature=nature,
        by_third_party=by_third_party,
        occurred_on=occurred_on,
        place=place,
        unit=unit,
        committee=_committee_for(unit),
        description=description,
        injured=injured,
        reported_by=reporter,
        reported_on=timezone.localdate(),
        absence_first_day=absence_first_day,
        absence_days=absence_days or 0,
    )
    _save(incident, acting_user)
    _store_files(incident, files, kinds, reporter, acting_user)
    _notify_new(incident, exclude=reporter)
    _refresh(incident.kommune, [incident.committee_id], acting_user)
    events.emit(
        events.INCIDENT_REPORTED,
        kommune_id=incident.kommune_id,
        payload=lambda: incident_event_data(incident),
        key=f"incident:{incident.pk}",
    )
    return incident


def incident_event_data(incident: Incident) -> dict:
    """What other systems are told of a report: its kind, date and place in the organisation;
    never the description, the injured person or anything else that may be health data."""
    return {
        "incident": str(incident.public_id),
        "kind": incident.kind,
        "occurred_on": incident.occurred_on,
        "reported_on": incident.reported_on,
        "unit": str(incident.unit.public_id),
        "committee": str(incident.committee.public_id) if incident.committee_id else None,
    }


def _notify_new(incident: Incident, exclude: Person | None) -> None:
    """One notification row per recipient (unique), each sent by its own task after commit."""
    recipients: dict[int, str] = {}
    leader_id = nearest_leader(incident.unit.path, leaders_by_unit(path_ids(incident.unit.path)))
    if leader_id:
        recipients[leader_id] = IncidentNotification.Reason.LEADER
    from .access import AMG_CASE_ROLES

    for person_id in Membership.objects.filter(
        committee_id=incident.committee_id,
        role__in=AMG_CASE_ROLES,
        ended_on__isnull=True,
        person__left_on__isnull=True,
    ).values_list("person_id", flat=True):
        recipients.setdefault(person_id, IncidentNotification.Reason.AMG)
    if exclude is not None:
        recipients.pop(exclude.pk, None)
    IncidentNotification.objects.bulk_create(
        [
            IncidentNotification(
                kommune_id=incident.kommune_id,
                incident=incident,
                recipient_id=person_id,
                reason=reason,
            )
            for person_id, reason in sorted(recipients.items())
        ]
    )
    ids = IncidentNotification.objects.filter(incident=incident).values_list("pk", flat=True)
    outbox.enqueue(NOTIFICATIONS, ids)


def notification_send(notification_id: int) -> str:
    """Send one notification through the outbox (`incidents.outboxes`): claimed, so a duplicate
    task sends nothing; every attempt and error is kept on the row."""
    return outbox.send_one(NOTIFICATIONS, notification_id)


@transaction.atomic
def incident_save(incident: Incident, *, acting_user=None) -> Incident:
    """Admin create/edit. A new case (or a moved unit) gets the covering group; the deadlines of
    the old and the new group follow."""
    previous = None
    if incident.pk:
        previous = (
            Incident.objects.filter(pk=incident.pk).values_list("committee_id", flat=True).first()
        )
    if not incident.committee_id and incident.unit_id:
        incident.committee = _committee_for(incident.unit)
    _save(incident, acting_user)
    _refresh(incident.kommune, {incident.committee_id, previous}, acting_user)
    return incident


@transaction.atomic
def incident_refresh_deadlines(incident: Incident, *, acting_user=None) -> None:
    """After an admin edit of several rows at once (measures added, changed or deleted)."""
    _refresh(incident.kommune, [incident.committee_id], acting_user)


@transaction.atomic
def inspection_visit_refresh_deadlines(visit: InspectionVisit, *, acting_user=None) -> None:
    _refresh(visit.kommune, [visit.committee_id], acting_user)


def _check_files(files, existing: int) -> list[str]:
    """Each file's content type; every error at once, in Danish, before anything is saved."""
    from .attachments import check

    kinds, errors = [], []
    for number, upload in enumerate(files or ()):
        try:
            kinds.append(check(upload, existing + number))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return kinds


def _store_files(incident, files, kinds, person, acting_user) -> list[IncidentAttachment]:
    stored = []
    for upload, kind in zip(files or (), kinds, strict=True):
        attachment = IncidentAttachment(
            kommune_id=incident.kommune_id,
            incident=incident,
            name=((getattr(upload, "name", "") or "bilag").rsplit("/", 1)[-1])[:200],
            content_type=kind,
            size=upload.size,
            uploaded_by=person,
        )
        attachment.file.save("upload", upload, save=False)
        # The file is written before its row: a failed save never leaves a row without its
        # file, and the file of a row that could not be saved is removed at once.
        name, storage = attachment.file.name, attachment.file.storage
        set_history_user(attachment, acting_user)
        try:
            attachment.save()
        except Exception:
            storage.delete(name)
            raise
        stored.append(attachment)
    return stored


@transaction.atomic
def incident_attach(
    incident: Incident, *, files, person: Person | None = None, acting_user=None
) -> list[IncidentAttachment]:
    """Photos and attachments added to a case by those who handle it (or report it)."""
    existing = IncidentAttachment.objects.filter(incident=incident).count()
    kinds = _check_files(files, existing=existing)
    return _store_files(incident, files, kinds, person, acting_user)


@transaction.atomic
def incident_attachment_delete(attachment: IncidentAttachment, *, acting_user=None) -> None:
    """The row goes now (its history keeps who and when), the file once committed."""
    name, storage = attachment.file.name, attachment.file.storage
    set_history_user(attachment, acting_user)
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name), robust=True)


def incident_log_view(incident: Incident, *, user, channel: str) -> IncidentViewLog:
    """Record that `user` looked at the case (who, which, when — never what). Not atomic on
    purpose: a log row is written even if the page later fails."""
    return IncidentViewLog.objects.create(
        kommune_id=incident.kommune_id,
        incident=incident,
        user=user if getattr(user, "is_authenticated", False) else None,
        username=getattr(user, "username", "") or "",
        channel=channel,
    )


# --- handling the case ---------------------------------------------------------------------------


@transaction.atomic
def incident_update_absence(
    incident: Incident,
    *,
    absence_first_day: datetime.date | None,
    absence_days: int,
    acting_user=None,
) -> Incident:
    """The absence decides whether the accident must be reported to EASY, and by when."""
    incident.absence_first_day = absence_first_day
    incident.absence_days = absence_days or 0
    _save(incident, acting_user, ["absence_first_day", "absence_days"])
    _refresh(incident.kommune, [incident.committee_id], acting_user)
    return incident


@transaction.atomic
def incident_record_easy(
    incident: Incident, *, reference: str, reported_on: datetime.date, acting_user=None
) -> Incident:
    """The accident was reported to Arbejdstilsynet: fulfils the EASY deadline."""
    if not reference.strip():
        raise ValidationError(_("Angiv referencen fra EASY."))
    if reported_on > timezone.localdate():
        raise ValidationError(_("Anmeldelsesdatoen kan ikke ligge i fremtiden."))
    incident.easy_reference = reference.strip()
    incident.easy_reported_on = reported_on
    _save(incident, acting_user, ["easy_reference", "easy_reported_on"])
    _refresh(incident.kommune, [incident.committee_id], acting_user)
    return incident


@transaction.atomic
def incident_record_causes(incident: Incident, *, causes: str, acting_user=None) -> Incident:
    incident.causes = causes
    _save(incident, acting_user, ["causes"])
    return incident


@transaction.atomic
def incident_close(
    incident: Incident,
    *,
    closure_note: str,
    closed_on: datetime.date | None = None,
    acting_user=None,
) -> Incident:
    """The AMG closes the investigation: causes recorded (BEK § 31 stk. 2 nr. 4). Fulfils the
    investigation deadline. Open measures stay open with their own deadlines."""
    if not incident.causes.strip():
        raise ValidationError(_("Beskriv årsagerne, før sagen afsluttes."))
    if not closure_note.strip():
        raise ValidationError(_("Skriv en konklusion."))
    incident.closed_on = closed_on or timezone.localdate()
    incident.closure_note = closure_note
    _save(incident, acting_user, ["closed_on", "closure_note"])
    _refresh(incident.kommune, [incident.committee_id], acting_user)
    return incident


@transaction.atomic
def incident_reopen(incident: Incident, *, acting_user=None) -> Incident:
    incident.closed_on = None
    _save(incident, acting_user, ["closed_on"])
    _refresh(incident.kommune, [incident.committee_id], acting_user)
    return incident


@transaction.atomic
def incident_escalate(incident: Incident, *, reason: str, acting_user=None) -> Incident:
    """BEK § 31 stk. 2 nr. 8: the AMG brings a problem it cannot solve locally (or one that is
    general for the kommune) to the arbejdsmiljøudvalg above it."""
    if incident.escalated_to_id:
        raise ValidationError(_("Sagen er allerede forelagt arbejdsmiljøudvalget."))
    if not reason.strip():
        raise ValidationError(_("Beskriv hvorfor sagen ikke kan løses lokalt."))
    udvalg = udvalg_above(incident.committee)
    if udvalg is None:
        raise ValidationError(_("Der er intet arbejdsmiljøudvalg over gruppen."))
    incident.escalated_to = udvalg
    incident.escalated_on = timezone.localdate()
    incident.escalation_reason = reason
    _save(incident, acting_user, ["escalated_to", "escalated_on", "escalation_reason"])
    return incident


@transaction.atomic
def measure_add(
    incident: Incident,
    *,
    description: str,
    owner: Person,
    due_on: datetime.date,
    acting_user=None,
) -> IncidentMeasure:
    """A preventive measure with owner and due date: a deadline of the owner."""
    measure = IncidentMeasure(
        kommune_id=incident.kommune_id,
        incident=incident,
        description=description,
        owner=owner,
        due_on=due_on,
    )
    _save(measure, acting_user)
    _refresh(incident.kommune, [incident.committee_id], acting_user)
    return measure


@transaction.atomic
def measure_save(measure: IncidentMeasure, *, acting_user=None) -> IncidentMeasure:
    _save(measure, acting_user)
    _refresh(measure.kommune, [measure.incident.committee_id], acting_user)
    return measure


@transaction.atomic
def measure_complete(
    measure: IncidentMeasure, *, note: str, done_on: datetime.date | None = None, acting_user=None
) -> IncidentMeasure:
    if not note.strip():
        raise ValidationError(_("Beskriv hvad der er gjort."))
    measure.done_on = done_on or timezone.localdate()
    measure.note = note
    _save(measure, acting_user, ["done_on", "note"])
    _refresh(measure.kommune, [measure.incident.committee_id], acting_user)
    return measure


# --- forwarding to the union kreds ---------------------------------------------------------------


@transaction.atomic
def incident_forward(
    incident: Incident,
    *,
    kreds_public_id,
    consent_given_on: datetime.date | None,
    forwarded_by: Person,
    acting_user=None,
) -> IncidentForward:
    """Seed 000: the AMR forwards the injury to the kreds — only with the injured person's
    consent, recorded with its date. Without consent nothing is forwarded."""
    if incident.injured_id is None:
        raise ValidationError(_("Kun en sag med en tilskadekommen kan videresendes."))
    if consent_given_on is None:
        raise ValidationError(
            _("Sagen kan kun videresendes med den tilskadekomnes samtykke. Angiv datoen.")
        )
    if consent_given_on > timezone.localdate():
        raise ValidationError(_("Samtykket kan ikke være givet i fremtiden."))
    if not kreds_public_id:
        raise ValidationError(_("Vælg kredsen."))
    live = IncidentForward.objects.filter(
        incident=incident, kreds_public_id=kreds_public_id, withdrawn_on__isnull=True
    )
    if live.exists():
        raise ValidationError(_("Sagen er allerede videresendt til kredsen."))
    forward = IncidentForward(
        kommune_id=incident.kommune_id,
        incident=incident,
        kreds_public_id=kreds_public_id,
        consent_given_on=consent_given_on,
        forwarded_by=forwarded_by,
    )
    _save(forward, acting_user)
    return forward


@transaction.atomic
def incident_forward_withdraw(forward: IncidentForward, *, acting_user=None) -> IncidentForward:
    """The injured person withdraws the consent: the kreds loses access at once."""
    if forward.withdrawn_on is None:
        forward.withdrawn_on = timezone.localdate()
        _save(forward, acting_user, ["withdrawn_on"])
    return forward


# --- HR access and Arbejdstilsynet ---------------------------------------------------------------


@transaction.atomic
def health_data_access_save(access: HealthDataAccess, *, acting_user=None) -> HealthDataAccess:
    _save(access, acting_user)
    return access


@transaction.atomic
def inspection_visit_save(visit: InspectionVisit, *, acting_user=None) -> InspectionVisit:
    """The visit is handled by the group covering the unit (filled in when left empty)."""
    previous = None
    if visit.pk:
        previous = (
            InspectionVisit.objects.filter(pk=visit.pk)
            .values_list("committee_id", flat=True)
            .first()
        )
    if not visit.committee_id and visit.unit_id:
        visit.committee = handling_committee(visit.unit)
    _save(visit, acting_user)
    _refresh(visit.kommune, {visit.committee_id, previous}, acting_user)
    return visit


@transaction.atomic
def inspection_order_save(order: InspectionOrder, *, acting_user=None) -> InspectionOrder:
    """A påbud's deadline is a deadline; complying (with an authorised adviser where the påbud
    requires one) fulfils it."""
    _save(order, acting_user)
    _refresh(order.kommune, [order.visit.committee_id], acting_user)
    return order
