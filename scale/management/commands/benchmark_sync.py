"""The HR system's sync at København size (issue 13): 45,000 people in ~1,000 units through
POST /api/v1/sync/ in this process (JSON parsing, checks, bulk writes with history, the
deadline engine), into a fresh kommune that is removed afterwards. PostgreSQL only."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client

from api.models import Scope
from api.services import api_client_create
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Kommune


def payload(people: int, *, changed: int = 0, missing: int = 0) -> dict:
    units = []
    for o in range(10):
        units.append({"external_id": f"o{o}", "name": f"Område {o}", "kind": "omraade"})
        for w in range(100):
            units.append(
                {
                    "external_id": f"o{o}-w{w}",
                    "name": f"Arbejdsplads {o}.{w}",
                    "kind": "arbejdsplads",
                    "parent": f"o{o}",
                    "headcount": people // 1000,
                }
            )
    workplaces = [u["external_id"] for u in units if u["kind"] == "arbejdsplads"]
    rows = []
    for n in range(people - missing):
        rows.append(
            {
                "external_id": f"L{n:06d}",
                "first_name": f"Fornavn{n}",
                "last_name": "Jensen" if n >= changed else "Ændret",
                "email": f"l{n}@kommune.dk",
                "job_title": "Pædagog",
                "unit": workplaces[n % len(workplaces)],
                "hired_on": "2015-08-01",
            }
        )
    return {"units": units, "people": rows}


class Command(BaseCommand):
    help = "Time the HR sync of 45,000 people (first run, unchanged run, dry run, 1% changes)."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=45_000)

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("The benchmark runs against PostgreSQL: set DATABASE_URL.")
        settings.DEBUG = False
        people = options["people"]
        with scopes_disabled():
            Kommune.objects.filter(code="sync-bench").delete()
        kommune = Kommune.objects.create(code="sync-bench", name="Sync Benchmark Kommune")
        with tenant_scope(kommune):
            _client, token = api_client_create(
                kommune, name="Benchmark", scopes=[Scope.ORG_READ, Scope.ORG_WRITE]
            )
        http = Client(headers={"Authorization": f"Bearer {token}"}, SERVER_NAME="localhost")
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]
        runs = [
            ("first sync (all new)", payload(people)),
            ("same again (unchanged)", payload(people)),
            ("dry run, 1% changed", payload(people, changed=people // 100) | {"dry_run": True}),
            (
                "full sync, 1% changed, 1% missing",
                payload(people, changed=people // 100, missing=people // 100) | {"full": True},
            ),
        ]
        try:
            for label, body in runs:
                data = json.dumps(body)
                started = time.perf_counter()
                response = http.post(
                    "/api/v1/sync/", data=data, content_type="application/json", secure=True
                )
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise CommandError(f"{label}: {response.status_code} {response.content[:500]}")
                result = response.json()
                self.stdout.write(
                    f"{label:38} {elapsed:6.1f} s  {len(data) / 1e6:4.1f} MB  "
                    f"people {result['people']}  units {result['units']}"
                )
        finally:
            self.stdout.write("removing the benchmark kommune …")
            _remove(kommune)


def _remove(kommune) -> None:
    """Delete every row of the benchmark kommune (its tenant tables, then the kommune)."""
    from django.apps import apps
    from django.db import transaction

    # Django's foreign keys on PostgreSQL are deferred: the order of the deletes is free.
    with transaction.atomic(), scopes_disabled(), connection.cursor() as cursor:
        for model in apps.get_models():
            if any(f.name == "kommune" for f in model._meta.fields):
                cursor.execute(
                    f'DELETE FROM "{model._meta.db_table}" WHERE kommune_id = %s', [kommune.pk]
                )
        cursor.execute("DELETE FROM organisations_kommune WHERE id = %s", [kommune.pk])
