"""The daily tick of the organisation changes: waiting proposals go on HovedMED's next open
agenda, approved changes are applied on their day."""

from __future__ import annotations

from celery import shared_task

from core.tenancy import scopes_disabled, tenant_scope

from .models import OrganisationChange


@shared_task(name="reorganisation.tick")
def reorganisation_tick() -> int:
    from .services import changes_tick

    with scopes_disabled():
        kommune_ids = sorted(
            set(
                OrganisationChange.objects.filter(
                    state__in=[OrganisationChange.State.PROPOSED, OrganisationChange.State.APPROVED]
                ).values_list("kommune_id", flat=True)
            )
        )
    done = 0
    for kommune_id in kommune_ids:
        with tenant_scope(kommune_id):
            done += changes_tick()
    return done
