"""The demo's organisation change awaiting HovedMED: in Albertslund a workplace without an AMG of
its own gets one (on HovedMED's next agenda when a meeting is planned)."""

from __future__ import annotations

import datetime

from committees.models import Committee, CommitteeUnit
from core.tenancy import tenant_scope
from organisations.models import Unit, path_ids

from .models import OrganisationChange
from .services import change_propose


def load_reorganisation_demo(kommune, today: datetime.date) -> None:
    with tenant_scope(kommune):
        if OrganisationChange.objects.exists():
            return
        amg = Committee.objects.filter(kind=Committee.Kind.AMG, closed_on__isnull=True).first()
        covered = CommitteeUnit.objects.filter(committee__kind=Committee.Kind.AMG).values("unit_id")
        unit = (
            Unit.objects.filter(kind=Unit.Kind.AFDELING, closed_on__isnull=True)
            .exclude(pk__in=covered)
            .order_by("path")
            .first()
        ) or Unit.objects.filter(kind=Unit.Kind.ARBEJDSPLADS).order_by("path").first()
        if amg is None or unit is None or amg.parent is None:
            return
        # Under the MED committee that covers the unit or the nearest unit above it.
        ancestors = path_ids(unit.path) or [unit.pk]
        covering = dict(
            CommitteeUnit.objects.filter(
                unit_id__in=ancestors,
                committee__kind__in=[Committee.Kind.LOKALMED, Committee.Kind.AFDELINGSMED],
                committee__closed_on__isnull=True,
            ).values_list("unit_id", "committee_id")
        )
        parent = next((covering[pk] for pk in reversed(ancestors) if pk in covering), amg.parent_id)
        change_propose(
            OrganisationChange(
                kommune=kommune,
                kind=OrganisationChange.Kind.NEW_AMG,
                title=f"{unit.name} får sin egen arbejdsmiljøgruppe",
                description=(
                    f"{unit.name} er flyttet til egen adresse og har fået egen daglig ledelse. "
                    "Arbejdsmiljøarbejdet skal foregå tæt på medarbejderne, så enheden får sin "
                    "egen arbejdsmiljøgruppe under samme MED-udvalg."
                ),
                effective_on=today + datetime.timedelta(days=60),
                new_name=f"AMG {unit.name}",
                new_parent_id=parent,
            ),
            units=[unit],
            acting_user=None,
        )
