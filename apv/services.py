"""Writes to the APV. Each change updates the group's deadlines at once (inside the transaction);
e-mails are enqueued when the transaction commits."""

from __future__ import annotations

import datetime
import hashlib
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee
from core import outbox
from core.history import set_history_user
from core.tenancy import scopes_disabled, tenant_scope
from deadlines.engine import refresh

from .defaults import DEFAULT_CHECKLIST, DEFAULT_TEMPLATE_NAME
from .models import (
    ApvActionItem,
    ApvCycle,
    ApvCycleItem,
    ApvFollowUp,
    ApvMajorChange,
    ApvProblem,
    ApvSickness,
    ChecklistItem,
    ChecklistTemplate,
    SurveyInvitation,
    SurveyResponse,
)
from .selectors import covered_people, eligible_owners

logger = logging.getLogger(__name__)

# The registered name of the survey invitations' outbox (apv.outboxes).
INVITATIONS = "apv.survey_invitation"
NO_EMAIL = "Personen har ingen e-mailadresse."

Phase = ApvCycle.Phase


def _refresh(committee_id: int, kommune, acting_user, persons=()) -> None:
    refresh(kommune, committees=[committee_id], persons=persons, acting_user=acting_user)


def _save(obj, acting_user, update_fields=None) -> None:
    obj.full_clean()
    set_history_user(obj, acting_user)
    obj.save(update_fields=update_fields)


# --- checklist -----------------------------------------------------------------------------------


@transaction.atomic
def checklist_default_template(*, acting_user=None) -> ChecklistTemplate:
    """The kommune's default checklist; created from DEFAULT_CHECKLIST on first use."""
    template = ChecklistTemplate.objects.filter(is_default=True).first()
    if template is not None:
        return template
    template = ChecklistTemplate(name=str(DEFAULT_TEMPLATE_NAME), is_default=True)
    set_history_user(template, acting_user)
    template.save()
    for order, (area, text) in enumerate(DEFAULT_CHECKLIST, start=1):
        item = ChecklistItem(template=template, area=area, text=str(text), order=order)
        set_history_user(item, acting_user)
        item.save()
    return template


@transaction.atomic
def checklist_template_save(template: ChecklistTemplate, *, acting_user=None) -> ChecklistTemplate:
    """Admin edit. Making a template the default takes the mark from the previous default."""
    if template.is_default:
        ChecklistTemplate.objects.filter(is_default=True).exclude(pk=template.pk).update(
            is_default=False
        )
    _save(template, acting_user)
    return template


@transaction.atomic
def checklist_item_save(item: ChecklistItem, *, acting_user=None) -> ChecklistItem:
    _save(item, acting_user)
    return item


# --- the cycle and its phases --------------------------------------------------------------------


@transaction.atomic
def apv_cycle_start(
    *,
    committee: Committee,
    method: str = ApvCycle.Method.CHECKLIST,
    started_on: datetime.date | None = None,
    template: ChecklistTemplate | None = None,
    acting_user=None,
) -> ApvCycle:
    """Start a new APV of an AMG; its kortlægning points are a copy of the checklist."""
    if committee.kind != Committee.Kind.AMG or committee.closed_on is not None:
        raise ValidationError(_("En APV kan kun startes for en aktiv arbejdsmiljøgruppe."))
    # Two members pressing "start" at once: the second waits here and then sees the first's APV.
    Committee.objects.select_for_update().filter(pk=committee.pk).first()
    if ApvCycle.objects.filter(committee=committee, plan_adopted_on__isnull=True).exists():
        raise ValidationError(_("Gruppen har allerede en APV i gang."))
    template = template or checklist_default_template(acting_user=acting_user)
    cycle = ApvCycle(
        kommune_id=committee.kommune_id,
        committee=committee,
        method=method,
        started_on=started_on or timezone.localdate(),
    )
    _save(cycle, acting_user)
    _copy_checklist(cycle, template, acting_user)
    _refresh(committee.pk, committee.kommune, acting_user)
    return cycle


def _copy_checklist(cycle: ApvCycle, template: ChecklistTemplate, acting_user) -> None:
    for item in template.items.order_by("order", "pk"):
        copy = ApvCycleItem(cycle=cycle, area=item.area, text=item.text, order=item.order)
        copy.kommune_id = cycle.kommune_id
        set_history_user(copy, acting_user)
        copy.save()


@transaction.atomic
def apv_cycle_save(cycle: ApvCycle, *, acting_user=None) -> ApvCycle:
    """Admin create/edit (e.g. registering an APV made before the system was taken into use).
    A new cycle gets the default checklist's points."""
    is_new = cycle.pk is None
    previous = None
    if not is_new:
        stored = ApvCycle.objects.select_for_update().filter(pk=cycle.pk).first()
        previous = stored.committee_id if stored else None
        if stored is not None:
            _refuse_survey_reopen(stored, cycle, timezone.localdate())
    _save(cycle, acting_user)
    if is_new:
        _copy_checklist(cycle, checklist_default_template(acting_user=acting_user), acting_user)
    for committee_id in {cycle.committee_id, previous} - {None}:
        _refresh(committee_id, cycle.kommune, acting_user)
    return cycle


def _refuse_survey_reopen(stored: ApvCycle, cycle: ApvCycle, today: datetime.date) -> None:
    """An edit can't re-open a closed survey (un-ticking "closed" or moving the closing date):
    closing is final, see `ApvCycle.survey_has_closed`. Checked whatever the method is now,
    so switching the method away and back can't re-open it either."""
    over = stored.survey_closes_on is not None and today > stored.survey_closes_on
    if (stored.survey_closed or over) and (
        cycle.survey_closed != stored.survey_closed
        or cycle.survey_closes_on != stored.survey_closes_on
    ):
        raise ValidationError(
            _("Spørgeskemaet er lukket og kan ikke åbnes igen, så ingens svar kan udledes.")
        )


@transaction.atomic
def apv_cycle_refresh_deadlines(cycle: ApvCycle, *, acting_user=None) -> None:
    """After an admin edit of several rows at once (inline lines added, changed or deleted)."""
    _refresh(cycle.committee_id, cycle.kommune, acting_user)


@transaction.atomic
def apv_cycle_advance(
    cycle: ApvCycle, *, acting_user=None, today: datetime.date | None = None
) -> ApvCycle:
    """Move the cycle to its next phase, checking that the phase is really done (seed 003's four
    phases). Leaving phase 3 adopts the written handlingsplan: the APV is revised."""
    today = today or timezone.localdate()
    cycle = ApvCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.phase == Phase.KORTLAEGNING:
        _check_mapping_done(cycle, today)
        cycle.mapped_on = today
    elif cycle.phase == Phase.SYGEFRAVAER:
        if not cycle.sickness.exists():
            raise ValidationError(_("Registrér sygefraværet for området, før I går videre."))
        cycle.sickness_on = today
    elif cycle.phase == Phase.HANDLINGSPLAN:
        _check_plan_written(cycle)
        cycle.plan_adopted_on = today
    else:
        raise ValidationError(_("APV'en er i sidste fase: gennemfør og følg op."))
    cycle.phase += 1
    set_history_user(cycle, acting_user)
    cycle.save(update_fields=["phase", "mapped_on", "sickness_on", "plan_adopted_on"])
    _refresh(cycle.committee_id, cycle.kommune, acting_user)
    return cycle


def _lock_cycle(cycle: ApvCycle) -> ApvCycle:
    """The cycle, re-read and locked: a phase change and an edit of the same APV do not cross
    (an edit checks the phase it is allowed in against the phase as it is now)."""
    return ApvCycle.objects.select_for_update().select_related("committee").get(pk=cycle.pk)


def _check_mapping_done(cycle: ApvCycle, today: datetime.date) -> None:
    if cycle.method == ApvCycle.Method.CHECKLIST:
        if cycle.items.filter(finding=ApvCycleItem.Finding.NONE).exists():
            raise ValidationError(_("Vurdér alle punkter i tjeklisten, før I går videre."))
    elif cycle.survey_is_open(today) or not cycle.invitations.exists():
        raise ValidationError(_("Send og luk spørgeskemaet, før I går videre."))
    has_problems = cycle.problems.exists()
    found = cycle.items.filter(finding=ApvCycleItem.Finding.PROBLEM).exists()
    if found and not has_problems:
        raise ValidationError(_("Beskriv og risikovurdér de problemer, kortlægningen har fundet."))


def _check_plan_written(cycle: ApvCycle) -> None:
    """Every problem assessed above low risk has at least one line in the handlingsplan."""
    unplanned = [
        p.title
        for p in cycle.problems.prefetch_related("action_items")
        if p.level != ApvProblem.Level.LOW and not p.action_items.all()
    ]
    if unplanned:
        raise ValidationError(
            _("Disse problemer mangler en løsning i handlingsplanen: %(titles)s")
            % {"titles": ", ".join(unplanned)}
        )


@transaction.atomic
def apv_item_assess(
    item: ApvCycleItem, *, finding: str, note: str = "", acting_user=None
) -> ApvCycleItem:
    """Record the group's finding on one checklist point (phase 1)."""
    if item.cycle.phase != Phase.KORTLAEGNING:
        raise ValidationError(_("Kortlægningen er afsluttet."))
    item.finding = finding
    item.note = note
    _save(item, acting_user, ["finding", "note"])
    return item


@transaction.atomic
def apv_checklist_record(
    cycle: ApvCycle,
    findings: list[tuple[ApvCycleItem, str, str]],
    *,
    acting_user=None,
) -> int:
    """The group's answers to the checklist (phase 1), all rows or none: a row that does not
    belong to this APV, or an unknown answer, stops the whole save. Returns the rows saved."""
    cycle = _lock_cycle(cycle)
    if cycle.method != ApvCycle.Method.CHECKLIST:
        raise ValidationError(_("Denne APV kortlægges med spørgeskema, ikke tjekliste."))
    if cycle.phase != Phase.KORTLAEGNING:
        raise ValidationError(_("Kortlægningen er afsluttet."))
    for item, finding, note in findings:
        if item.cycle_id != cycle.pk:
            raise ValidationError(_("Punktet hører til en anden APV."))
        item.finding = finding
        item.note = note
        _save(item, acting_user, ["finding", "note"])
    return len(findings)


@transaction.atomic
def apv_problem_record(problem: ApvProblem, *, acting_user=None) -> ApvProblem:
    """Add or edit a problem and its risk assessment (phase 1; still open until the written
    handlingsplan is adopted, since sygefravær or the plan work may show more)."""
    cycle = _lock_cycle(problem.cycle)
    if cycle.plan_adopted_on is not None or cycle.phase > Phase.HANDLINGSPLAN:
        raise ValidationError(
            _("Handlingsplanen er vedtaget; risikovurderingen kan ikke længere ændres.")
        )
    problem.kommune_id = cycle.kommune_id
    _save(problem, acting_user)
    return problem


@transaction.atomic
def apv_sickness_record(
    cycle: ApvCycle,
    *,
    save: list[ApvSickness] = (),
    delete: list[ApvSickness] = (),
    acting_user=None,
) -> None:
    """The sygefravær figures of the group's area (phase 2), all rows or none."""
    cycle = _lock_cycle(cycle)
    if cycle.phase != Phase.SYGEFRAVAER:
        raise ValidationError(_("Sygefraværet registreres i fase 2."))
    for row in [*save, *delete]:
        if row.pk is not None and row.cycle_id != cycle.pk:
            raise ValidationError(_("Tallene hører til en anden APV."))
    for row in delete:
        if row.pk is not None:
            set_history_user(row, acting_user)
            row.delete()
    for row in save:
        row.cycle = cycle
        row.kommune_id = cycle.kommune_id
        _save(row, acting_user)


@transaction.atomic
def apv_cycle_item_save(item: ApvCycleItem, *, acting_user=None) -> ApvCycleItem:
    """Admin edit of a kortlægning point (text, finding)."""
    _save(item, acting_user)
    return item


@transaction.atomic
def apv_problem_save(problem: ApvProblem, *, acting_user=None) -> ApvProblem:
    _save(problem, acting_user)
    return problem


@transaction.atomic
def apv_sickness_save(sickness: ApvSickness, *, acting_user=None) -> ApvSickness:
    _save(sickness, acting_user)
    return sickness


@transaction.atomic
def apv_major_change_save(change: ApvMajorChange, *, acting_user=None) -> ApvMajorChange:
    """A major change brings the next APV forward (AML § 15 a)."""
    previous = None
    if change.pk:
        previous = (
            ApvMajorChange.objects.filter(pk=change.pk)
            .values_list("committee_id", flat=True)
            .first()
        )
    _save(change, acting_user)
    for committee_id in {change.committee_id, previous} - {None}:
        _refresh(committee_id, change.kommune, acting_user)
    return change


@transaction.atomic
def apv_follow_up_record(
    cycle: ApvCycle, *, held_on: datetime.date, note: str, acting_user=None
) -> ApvFollowUp:
    """The yearly follow-up of the handlingsplan (seed 002); fulfils that year's deadline."""
    if cycle.plan_adopted_on is None:
        raise ValidationError(_("Handlingsplanen er ikke vedtaget endnu."))
    if held_on < cycle.plan_adopted_on:
        raise ValidationError(_("Opfølgningen kan ikke ligge før handlingsplanen blev vedtaget."))
    if not note.strip():
        raise ValidationError(_("Skriv konklusionen på opfølgningen."))
    follow_up = ApvFollowUp(kommune_id=cycle.kommune_id, cycle=cycle, held_on=held_on, note=note)
    _save(follow_up, acting_user)
    _refresh(cycle.committee_id, cycle.kommune, acting_user)
    return follow_up


@transaction.atomic
def apv_follow_up_save(follow_up: ApvFollowUp, *, acting_user=None) -> ApvFollowUp:
    _save(follow_up, acting_user)
    _refresh(follow_up.cycle.committee_id, follow_up.kommune, acting_user)
    return follow_up


# --- the handlingsplan ---------------------------------------------------------------------------


@transaction.atomic
def action_item_save(item: ApvActionItem, *, acting_user=None) -> ApvActionItem:
    """Create or edit a line of the handlingsplan; its due date becomes the owner's deadline."""
    if item.status == ApvActionItem.Status.DONE and item.closed_on is None:
        item.closed_on = timezone.localdate()
    if item.status != ApvActionItem.Status.DONE:
        item.closed_on = None
    _save(item, acting_user)
    _refresh(item.cycle.committee_id, item.kommune, acting_user)
    return item


@transaction.atomic
def action_item_record(item: ApvActionItem, *, acting_user=None) -> ApvActionItem:
    """The group writes a line of the handlingsplan in the portal (phase 3, and in phase 4 as
    new improvements come up — seed 002: the groups "indarbejder løbende forbedringsforslag i
    handleplanerne"). The owner is one of the people the group covers, one of its members or
    a leader of a covered unit; an owner kept unchanged on an edit stays allowed (they may
    have moved since). The due date becomes the owner's deadline (rule apv.action_item)."""
    cycle = _lock_cycle(item.cycle)
    if cycle.phase < Phase.HANDLINGSPLAN:
        raise ValidationError(
            _("Handlingsplanen skrives i fase 3, når kortlægning og sygefravær er afsluttet.")
        )
    previous_owner = None
    if item.pk is not None:
        previous_owner = (
            ApvActionItem.objects.filter(pk=item.pk).values_list("owner_id", flat=True).first()
        )
    if item.owner_id != previous_owner and not (
        eligible_owners(cycle.committee).filter(pk=item.owner_id).exists()
    ):
        raise ValidationError(
            {"owner": _("Vælg en ansvarlig blandt arbejdsmiljøgruppens folk i din kommune.")}
        )
    item.kommune_id = cycle.kommune_id
    return action_item_save(item, acting_user=acting_user)


@transaction.atomic
def action_item_update(
    item: ApvActionItem,
    *,
    status: str,
    follow_up: str,
    acting_user=None,
    today: datetime.date | None = None,
) -> ApvActionItem:
    """The group (or the owner) updates status and follow-up notes. Marking it done closes the
    item and fulfils its deadline; reopening opens the deadline again."""
    today = today or timezone.localdate()
    if status not in ApvActionItem.Status.values:
        raise ValidationError(_("Ukendt status."))
    if status == ApvActionItem.Status.DONE and not follow_up.strip():
        raise ValidationError(_("Beskriv hvad der er gjort, før punktet lukkes."))
    item.status = status
    item.follow_up = follow_up
    item.closed_on = (item.closed_on or today) if status == ApvActionItem.Status.DONE else None
    _save(item, acting_user, ["status", "follow_up", "closed_on"])
    _refresh(item.cycle.committee_id, item.kommune, acting_user)
    return item


# --- the anonymous survey ------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def survey_open(
    cycle: ApvCycle,
    *,
    closes_on: datetime.date | None = None,
    acting_user=None,
    today: datetime.date | None = None,
) -> int:
    """Invite every employee the group covers; each gets a one-time link by e-mail (sent by a
    task per invitation once this transaction commits). Returns the number invited. Opening
    again invites only people not invited yet (new employees)."""
    today = today or timezone.localdate()
    given, cycle = cycle, _lock_cycle(cycle)
    if cycle.method != ApvCycle.Method.SURVEY:
        raise ValidationError(_("Denne APV kortlægges med tjekliste, ikke spørgeskema."))
    if cycle.phase != Phase.KORTLAEGNING:
        raise ValidationError(_("Kortlægningen er afsluttet."))
    if cycle.survey_has_closed(today):
        # Closing is final: the results are shown from the close, and re-opening would let
        # a comparison of the results before and after isolate the late answers.
        raise ValidationError(
            _("Spørgeskemaet er lukket og kan ikke åbnes igen, så ingens svar kan udledes.")
        )
    closes_on = closes_on or today + datetime.timedelta(days=settings.APV_SURVEY_DEFAULT_DAYS)
    if closes_on < today:
        raise ValidationError(_("Lukkedatoen ligger i fortiden."))
    cycle.survey_closes_on = closes_on
    cycle.survey_closed = False
    set_history_user(cycle, acting_user)
    cycle.save(update_fields=["survey_closes_on", "survey_closed"])
    given.survey_closes_on, given.survey_closed = closes_on, False
    invited = set(cycle.invitations.values_list("person_id", flat=True))
    new = [
        SurveyInvitation(
            kommune_id=cycle.kommune_id,
            cycle=cycle,
            person_id=pk,
            state=SurveyInvitation.State.PENDING if email else SurveyInvitation.State.SKIPPED,
            last_error="" if email else NO_EMAIL,
        )
        for pk, email in covered_people(cycle.committee).values_list("pk", "email")
        if pk not in invited
    ]
    SurveyInvitation.objects.bulk_create(new, batch_size=500)
    ids = cycle.invitations.filter(state=SurveyInvitation.State.PENDING).values_list(
        "pk", flat=True
    )
    outbox.enqueue(INVITATIONS, ids)
    return len(new)


@transaction.atomic
def survey_close(
    cycle: ApvCycle, *, acting_user=None, today: datetime.date | None = None
) -> ApvCycle:
    """Close the survey for good; from now on its results are shown (see `survey_has_closed`).
    The lock makes an answer being stored at the same moment land before the close or be
    refused, never after the results were first shown."""
    today = today or timezone.localdate()
    given, cycle = cycle, _lock_cycle(cycle)
    if cycle.method != ApvCycle.Method.SURVEY:
        raise ValidationError(_("Denne APV kortlægges med tjekliste, ikke spørgeskema."))
    if cycle.survey_closes_on is None:
        raise ValidationError(_("Spørgeskemaet er ikke sendt endnu."))
    if cycle.survey_has_closed(today):
        raise ValidationError(_("Spørgeskemaet er allerede lukket."))
    cycle.survey_closed = True
    set_history_user(cycle, acting_user)
    cycle.save(update_fields=["survey_closed"])
    given.survey_closed = True
    return cycle


def survey_send_invitation_now(invitation_id: int) -> str:
    """Send one invitation through the outbox (`apv.outboxes`): claimed, so a duplicate task
    sends nothing. Returns "sent", "failed", "skipped" or "not_claimed"."""
    return outbox.send_one(INVITATIONS, invitation_id)


def survey_invitation_for_token(token: str) -> SurveyInvitation | None:
    """The invitation behind a link, or None (unknown token). Looked up outside any scope: the
    answer page is public; the caller enters the invitation's kommune."""
    if not token or len(token) > 100:
        return None
    with scopes_disabled():
        return (
            SurveyInvitation.objects.select_related("cycle", "cycle__committee", "kommune")
            .filter(token_hash=token_hash(token))
            .first()
        )


def survey_submit(
    token: str, answers: dict[int, int], *, today: datetime.date | None = None
) -> None:
    """Store one anonymous answer. The invitation is marked used with a conditional UPDATE (a
    link works once, even for two simultaneous submissions), and the answer is stored in a
    separate row that points to nothing but the APV — no person, no invitation, no time."""
    today = today or timezone.localdate()
    invitation = survey_invitation_for_token(token)
    if invitation is None:
        raise ValidationError(_("Linket er ugyldigt."))
    with tenant_scope(invitation.kommune_id), transaction.atomic():
        # Locked, and checked again under the lock: an answer can't slip in after a
        # concurrent `survey_close` has committed and the results have been shown.
        cycle = ApvCycle.objects.select_for_update().get(pk=invitation.cycle_id)
        if not cycle.survey_is_open(today):
            raise ValidationError(_("Spørgeskemaet er lukket."))
        valid_items = set(cycle.items.values_list("pk", flat=True))
        clean = {}
        for item_id, rating in answers.items():
            if item_id not in valid_items or rating not in SurveyResponse.Rating.values:
                raise ValidationError(_("Svaret kunne ikke læses. Prøv igen."))
            clean[str(item_id)] = rating
        used = SurveyInvitation.objects.filter(pk=invitation.pk, used=False).update(used=True)
        if not used:
            raise ValidationError(_("Linket er allerede brugt. Tak for dit svar."))
        SurveyResponse.objects.create(kommune_id=cycle.kommune_id, cycle=cycle, answers=clean)
