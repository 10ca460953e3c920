"""The demo's API client: Albertslund's HR system, with a token printed by bin/run and used by the
README's curl examples. Only the demo publishes a token; a real one is shown once and hashed."""

from __future__ import annotations

from core.tenancy import tenant_scope

from .models import ApiClient, Scope
from .services import api_client_create

DEMO_TOKEN = "medorg_demoalbertslund_demo-only-never-in-production"


def load_api_demo(kommune) -> None:
    with tenant_scope(kommune):
        if ApiClient.objects.filter(name="Lønsystem (demo)").exists():
            return
        api_client_create(
            kommune,
            name="Lønsystem (demo)",
            scopes=[scope for scope, _label in Scope.choices],
            token=DEMO_TOKEN,
        )
