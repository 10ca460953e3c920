"""Sample rows of the organisation changes (tests/factories.py: SAMPLE_BUILDERS)."""

from __future__ import annotations

import datetime

from reorganisation.models import OrganisationChange


def make_change(org) -> OrganisationChange:
    return OrganisationChange.objects.create(
        kommune=org.kommune,
        kind=OrganisationChange.Kind.MOVE_COMMITTEE,
        title="AMG flyttes",
        description="Gruppen flyttes under HovedMED.",
        effective_on=datetime.date(2026, 6, 1),
        committee=org.amg,
        new_parent=org.med,
    )


SAMPLES = {"reorganisation.OrganisationChange": make_change}
