"""The daily tick of the organisation changes: waiting proposals go on HovedMED's next open
agenda, changes the finally approved referat decided are decided, approved changes are applied on
their day."""

from __future__ import annotations

from celery import shared_task

from core.tenancy import in_each_kommune, scopes_disabled

from .models import OrganisationChange


@shared_task(name="reorganisation.tick")
def reorganisation_tick() -> int:
    from .services import changes_tick

    with scopes_disabled():
        kommune_ids = OrganisationChange.objects.filter(
            state__in=[
                OrganisationChange.State.PROPOSED,
                OrganisationChange.State.ON_AGENDA,
                OrganisationChange.State.APPROVED,
            ]
        ).values_list("kommune_id", flat=True)
        kommune_ids = list(kommune_ids)
    return in_each_kommune(kommune_ids, changes_tick)
