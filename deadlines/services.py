"""Writes to deadlines by people: marking a duty done by hand, waiving a local duty, reopening."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.history import set_history_user

from .engine import refresh
from .models import Deadline


def _refresh_for(deadline: Deadline, acting_user) -> None:
    refresh(
        deadline.kommune,
        persons=[deadline.person_id],
        committees=[deadline.committee_id],
        acting_user=acting_user,
    )


@transaction.atomic
def deadline_mark_done(
    deadline: Deadline, *, done_on: datetime.date, note: str = "", acting_user=None
) -> Deadline:
    """Register that a duty was fulfilled outside the system (e.g. the salary talk was held).
    For a recurring duty the next cycle is created at once."""
    if deadline.state == Deadline.State.CANCELLED:
        raise ValidationError(_("En bortfaldet frist kan ikke markeres som opfyldt."))
    deadline.state = Deadline.State.DONE
    deadline.done_on = done_on
    deadline.manual = True
    if note:
        deadline.note = note
    set_history_user(deadline, acting_user)
    deadline.save(update_fields=["state", "done_on", "manual", "note", "updated"])
    _refresh_for(deadline, acting_user)
    return deadline


@transaction.atomic
def deadline_waive(deadline: Deadline, *, note: str, acting_user=None) -> Deadline:
    """Waive a local duty for this case. Statutory duties cannot be waived."""
    rule = deadline.rule_obj
    if rule is None or rule.statutory:
        raise ValidationError(_("En lovpligtig frist kan ikke fraviges."))
    if not note.strip():
        raise ValidationError(_("Skriv hvorfor fristen fraviges."))
    deadline.state = Deadline.State.WAIVED
    deadline.manual = True
    deadline.note = note
    set_history_user(deadline, acting_user)
    deadline.save(update_fields=["state", "manual", "note", "updated"])
    return deadline


@transaction.atomic
def deadline_reopen(deadline: Deadline, *, acting_user=None) -> Deadline:
    """Undo a manual registration; the engine decides the state again."""
    deadline.manual = False
    deadline.state = Deadline.State.OPEN
    deadline.done_on = None
    set_history_user(deadline, acting_user)
    deadline.save(update_fields=["manual", "state", "done_on", "updated"])
    _refresh_for(deadline, acting_user)
    return deadline


@transaction.atomic
def rule_setting_save(setting, *, acting_user=None):
    """A kommune changed a local number of its MED-aftale: re-evaluate the kommune at once."""
    from .engine import Context, evaluate, registry

    set_history_user(setting, acting_user)
    setting.save()
    rule = registry.get(setting.rule)
    ctx = Context(setting.kommune, timezone.localdate())
    evaluate(ctx, acting_user, rules=[rule] if rule else None)
    return setting
