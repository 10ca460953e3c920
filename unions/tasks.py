"""The beat's cadence tick (unions.cadence): reminders of the kreds' meetings to its officers."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="unions.cadence_tick")
def cadence_tick() -> int:
    from .cadence import cadence_tick as tick

    return tick()
