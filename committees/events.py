"""membership.changed (core.events) for every change of a seat, whichever door made it: the
admin's inlines save seats directly, so the event is raised from the model's signals."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from core import events

from .models import Membership


def membership_event_data(membership: Membership, action: str) -> dict:
    """What other systems are told of a seat (the API's webhooks)."""
    person = membership.person
    return {
        "membership": str(membership.public_id),
        "action": action,
        "person": str(person.public_id),
        "employee_number": person.employee_number,
        "committee": str(membership.committee.public_id),
        "role": membership.role,
        "side": membership.side,
        "start_date": membership.start_date,
        "term_end": membership.term_end,
        "ended_on": membership.ended_on,
    }


@receiver(post_save, sender=Membership, dispatch_uid="membership_changed_saved")
def _saved(sender, instance: Membership, created: bool, raw=False, **kwargs):
    if raw:  # loading a fixture
        return
    action = "created" if created else "updated"
    events.emit(
        events.MEMBERSHIP_CHANGED,
        kommune_id=instance.kommune_id,
        payload=lambda: membership_event_data(instance, action),
    )


@receiver(post_delete, sender=Membership, dispatch_uid="membership_changed_deleted")
def _deleted(sender, instance: Membership, **kwargs):
    events.emit(
        events.MEMBERSHIP_CHANGED,
        kommune_id=instance.kommune_id,
        payload=lambda: membership_event_data(instance, "deleted"),
    )
