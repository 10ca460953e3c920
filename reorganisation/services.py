"""Proposing, scheduling, deciding and applying organisation changes (reorganisation/models.py).

Each step validates against the kommune, raises ValidationError in Danish keyed by field, and
saves nothing on error; each writes a history row with the acting user."""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, CommitteeUnit
from committees.selectors import free_code, hovedmed
from committees.services import committee_members_changed, committee_save
from core.history import save_with_history, set_history_user
from meetings.models import AgendaItem, Referat
from meetings.selectors import next_open_meeting
from meetings.services import item_add
from organisations.models import Person, Unit
from organisations.services import unit_save

from .models import OrganisationChange

logger = logging.getLogger(__name__)

Kind = OrganisationChange.Kind
State = OrganisationChange.State


def _validate(change: OrganisationChange, units: list[Unit]) -> None:
    errors: dict[str, str] = {}
    if not change.title.strip():
        errors["title"] = _("Giv ændringen en overskrift.")
    if not change.description.strip():
        errors["description"] = _("Beskriv ændringen og begrundelsen.")
    if any(u.kommune_id != change.kommune_id or u.closed_on for u in units):
        errors["units"] = _("Vælg åbne enheder i din egen kommune.")
    if change.kind == Kind.NEW_AMG:
        if not change.new_name.strip():
            errors["new_name"] = _("Giv den nye arbejdsmiljøgruppe et navn.")
        if not units:
            errors["units"] = _("Vælg de enheder, gruppen skal dække.")
        if change.new_parent is None:
            errors["new_parent"] = _("Vælg det udvalg, gruppen hører under.")
    elif change.kind == Kind.MERGE_UNITS:
        if change.target_unit is None:
            errors["target_unit"] = _("Vælg den enhed, der samles i.")
        elif change.target_unit.pk in {u.pk for u in units}:
            errors["target_unit"] = _("Enheden kan ikke lægges sammen med sig selv.")
        if not units:
            errors["units"] = _("Vælg de enheder, der lægges sammen.")
    elif change.kind == Kind.MOVE_COMMITTEE:
        if change.committee is None:
            errors["committee"] = _("Vælg udvalget, der flyttes.")
        if change.new_parent is None:
            errors["new_parent"] = _("Vælg det nye overordnede udvalg.")
        elif change.committee is not None and change.new_parent.pk == change.committee.pk:
            errors["new_parent"] = _("Et udvalg kan ikke ligge under sig selv.")
    for field in ("committee", "new_parent"):
        committee = getattr(change, field)
        if committee is not None and (
            committee.kommune_id != change.kommune_id or committee.closed_on is not None
        ):
            errors[field] = _("Vælg et åbent udvalg i din egen kommune.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def change_propose(change: OrganisationChange, *, units=(), acting_user=None) -> OrganisationChange:
    """HR proposes a change; it goes on HovedMED's next agenda (or waits for the next meeting)."""
    units = list(units)
    _validate(change, units)
    change.state = State.PROPOSED
    if getattr(acting_user, "is_authenticated", False):
        change.proposed_by = acting_user
    save_with_history(change, acting_user, _("Foreslået"))
    change.units.set(units)
    change_schedule(change, acting_user=acting_user)
    return change


@transaction.atomic
def change_schedule(change: OrganisationChange, *, acting_user=None, today=None):
    """Put a proposed change on HovedMED's next open agenda; without one, it waits (the daily
    tick tries again when a meeting is planned)."""
    today = today or timezone.localdate()
    change = OrganisationChange.objects.select_for_update().get(pk=change.pk)
    if change.state != State.PROPOSED:
        return change
    committee = hovedmed()
    meeting = next_open_meeting(committee, today) if committee else None
    if meeting is None:
        return change
    item = item_add(
        meeting,
        title=_("Organisationsændring: %(title)s") % {"title": change.title},
        description=change.description,
        recommendation=_(
            "HR indstiller, at ændringen godkendes med virkning fra %(day)s (MED-aftalen: "
            "enhver ændring i organisationsdiagrammerne godkendes af HovedMED)."
        )
        % {"day": change.effective_on.strftime("%d.%m.%Y")},
        # The referent records HovedMED's yes or no on the item; the finally approved referat
        # decides the change (changes_decided_by_referat).
        asks_approval=True,
        acting_user=acting_user,
    )
    change.agenda_item = item
    change.state = State.ON_AGENDA
    save_with_history(
        change,
        acting_user,
        _("Sat på dagsordenen for HovedMED %(day)s") % {"day": meeting.date.strftime("%d.%m.%Y")},
    )
    return change


@transaction.atomic
def change_decide(
    change: OrganisationChange,
    *,
    approved: bool,
    decision: str = "",
    reason: str = "",
    acting_user=None,
    today=None,
) -> OrganisationChange:
    """Register HovedMED's decision as the meeting's referat records it: by the daily tick from
    the outcome in the finally approved referat (changes_decided_by_referat, `reason` says so in
    the history), or by HR when the referat records no outcome. An approved change is applied at
    once when its day has come."""
    today = today or timezone.localdate()
    change = OrganisationChange.objects.select_for_update().get(pk=change.pk)
    if change.state != State.ON_AGENDA or change.agenda_item_id is None:
        raise ValidationError(_("Ændringen er ikke på HovedMED's dagsorden."))
    meeting = change.agenda_item.meeting
    referat = Referat.objects.filter(meeting=meeting).first()
    if referat is None or referat.state not in Referat.APPROVED_STATES:
        raise ValidationError(
            _("Referatet af HovedMED's møde %(day)s er ikke godkendt endnu.")
            % {"day": meeting.date.strftime("%d.%m.%Y")}
        )
    outcome = change.agenda_item.outcome
    if outcome and (outcome == AgendaItem.Outcome.APPROVED) != approved:
        # The referat is HovedMED's record: HR's fallback may not contradict it.
        raise ValidationError(
            _("Referatet siger, at HovedMED har truffet afgørelsen: %(outcome)s.")
            % {"outcome": change.agenda_item.get_outcome_display()}
        )
    texts = [d.text for d in change.agenda_item.decisions.all()]
    change.decision = (decision.strip() or "\n".join(texts))[:2000]
    change.decided_on = meeting.date
    change.state = State.APPROVED if approved else State.REJECTED
    if not reason:
        reason = _("Godkendt af HovedMED") if approved else _("Ikke godkendt")
    save_with_history(change, acting_user, reason)
    if approved and change.effective_on <= today:
        change_apply(change, acting_user=acting_user, today=today)
    return change


@transaction.atomic
def change_apply(change: OrganisationChange, *, acting_user=None, today=None):
    """Make the approved change: the new AMG with its coverage, the units merged (people and
    committee coverage moved to the unit they are merged into, the others closed), the committee
    moved under its new parent. Deadlines follow through the services used."""
    today = today or timezone.localdate()
    change = OrganisationChange.objects.select_for_update().get(pk=change.pk)
    if change.state != State.APPROVED:
        return change
    units = list(change.units.all())
    if change.kind == Kind.NEW_AMG:
        committee = Committee(
            kommune_id=change.kommune_id,
            code=free_code(change.new_name, "amg"),
            name=change.new_name,
            kind=Committee.Kind.AMG,
            parent=change.new_parent,
        )
        committee_save(committee, acting_user=acting_user)
        CommitteeUnit.objects.bulk_create(
            [
                CommitteeUnit(kommune_id=change.kommune_id, committee=committee, unit=unit)
                for unit in units
            ]
        )
        committee_members_changed(committee, acting_user=acting_user)
        change.created_committee = committee
    elif change.kind == Kind.MERGE_UNITS:
        target = change.target_unit
        moved = list(Person.objects.filter(unit__in=units).values_list("pk", flat=True))
        for person in Person.objects.filter(pk__in=moved):
            person.unit = target
            set_history_user(person, acting_user)
            person.save(update_fields=["unit"])
        touched = set()
        for link in CommitteeUnit.objects.filter(unit__in=units).select_related("committee"):
            touched.add(link.committee)
            if not CommitteeUnit.objects.filter(committee=link.committee, unit=target).exists():
                link.unit = target
                link.save(update_fields=["unit"])
            else:
                link.delete()
        for child in Unit.objects.filter(parent__in=units).exclude(pk=target.pk):
            child.parent = target
            unit_save(child, acting_user=acting_user)
        for unit in units:
            unit.closed_on = change.effective_on
            unit_save(unit, acting_user=acting_user)
        for committee in touched:
            committee_members_changed(committee, persons=moved, acting_user=acting_user)
    elif change.kind == Kind.MOVE_COMMITTEE:
        committee = change.committee
        committee.parent = change.new_parent
        committee_save(committee, acting_user=acting_user)
    change.state = State.APPLIED
    change.applied_on = max(change.effective_on, today)
    save_with_history(change, acting_user, _("Gennemført"))
    return change


def changes_decided_by_referat(today=None) -> int:
    """In a kommune's scope: the changes on HovedMED's agenda whose item the finally approved
    referat records an outcome for are decided by it, without HR (seed 003: the referat is
    binding once approved at the next meeting). An approved change whose day has come is applied
    at once (change_decide); a later one by the tick on its day. A referat that is not final yet,
    or an item without an outcome (postponed, or a referat written before outcomes), leaves the
    change on the agenda: HR's admin action remains for that."""
    today = today or timezone.localdate()
    Outcome = AgendaItem.Outcome
    due = OrganisationChange.objects.filter(
        state=State.ON_AGENDA,
        agenda_item__outcome__in=Outcome.values,
        agenda_item__meeting__referat__state__in=Referat.LOCKED_STATES,
    ).select_related("agenda_item")
    count = 0
    for change in due:
        approved = change.agenda_item.outcome == Outcome.APPROVED
        reason = (
            _("Godkendt i HovedMED's referat")
            if approved
            else _("Ikke godkendt i HovedMED's referat")
        )
        try:
            # change_decide re-checks the state under a row lock: a run that overlaps another
            # (or HR's action) finds the change decided and is refused, never decides twice.
            change_decide(change, approved=approved, reason=reason, acting_user=None, today=today)
        except ValidationError:
            logger.info("reorganisation: change %s already decided", change.pk)
            continue
        except Exception:
            # One bad change is logged and skipped; it never stops the batch.
            logger.exception("reorganisation: could not decide change %s", change.pk)
            continue
        count += 1
    return count


def changes_tick(today=None) -> int:
    """In a kommune's scope, daily: schedule what waits for a meeting, decide what the finally
    approved referat decided, apply what is due."""
    today = today or timezone.localdate()
    count = 0
    for change in OrganisationChange.objects.filter(state=State.PROPOSED):
        if change_schedule(change, today=today).state == State.ON_AGENDA:
            count += 1
    count += changes_decided_by_referat(today)
    for change in OrganisationChange.objects.filter(state=State.APPROVED, effective_on__lte=today):
        change_apply(change, today=today)
        count += 1
    return count
