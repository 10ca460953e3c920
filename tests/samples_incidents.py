"""Sample incident objects for the admin persona tests (discovered by tests/factories.py)."""

from __future__ import annotations

import datetime

from incidents.models import (
    AuthorisedAdviser,
    HealthDataAccess,
    Incident,
    InspectionVisit,
    Kind,
)
from organisations.models import KommuneStaff


def sample_incident(org) -> Incident:
    return Incident.objects.create(
        kommune=org.kommune,
        kind=Kind.ARBEJDSULYKKE,
        occurred_on=datetime.date(2026, 1, 12),
        place="Gangen",
        unit=org.workplace,
        committee=org.amg,
        description="Faldt på glat gulv",
        injured=org.amr.person,
    )


def sample_visit(org) -> InspectionVisit:
    return InspectionVisit.objects.create(
        kommune=org.kommune,
        unit=org.workplace,
        committee=org.amg,
        visited_on=datetime.date(2026, 2, 3),
    )


def sample_adviser(org) -> AuthorisedAdviser:
    return AuthorisedAdviser.objects.create(
        kommune=org.kommune, name=f"{org.kommune.code} Rådgivning"
    )


def sample_health_access(org) -> HealthDataAccess:
    staff = KommuneStaff.objects.order_by("pk").first()
    access, _created = HealthDataAccess.objects.get_or_create(
        staff=staff, defaults={"kommune": org.kommune}
    )
    return access


SAMPLES = {
    "incidents.Incident": sample_incident,
    "incidents.InspectionVisit": sample_visit,
    "incidents.AuthorisedAdviser": sample_adviser,
    "incidents.HealthDataAccess": sample_health_access,
}


def make_incident(org, *, unit=None, committee=None, **kwargs) -> Incident:
    """A case written straight to the table (test data for counts); services are tested apart."""
    values = {
        "kind": Kind.ARBEJDSULYKKE,
        "occurred_on": datetime.date(2025, 5, 1),
        "place": "Gangen",
        "description": "Beskrivelse",
        "reported_on": datetime.date(2025, 5, 2),
        **kwargs,
    }
    return Incident.objects.create(
        kommune=org.kommune,
        unit=unit or org.workplace,
        committee=committee or org.amg,
        **values,
    )
