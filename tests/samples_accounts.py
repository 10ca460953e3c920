"""Sample rows of the login pages of the admin (tests/factories.py: SAMPLE_BUILDERS)."""

from __future__ import annotations

from accounts.models import EventKind, LoginEvent


def _event(org):
    return LoginEvent.objects.create(
        kommune=org.kommune, kind=EventKind.LOGIN, identifier="medarbejder", detail="adgangskode"
    )


SAMPLES = {"accounts.LoginEvent": _event}
