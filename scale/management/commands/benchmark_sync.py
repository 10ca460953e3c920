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
from django.test.utils import override_settings

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
        try:
            result = measure_sync(options["people"])
        except RuntimeError as error:
            raise CommandError(str(error)) from error
        for run in result["runs"]:
            self.stdout.write(
                f"{run['run']:38} {run['seconds']:6.1f} s  {run['megabytes']:4.1f} MB  "
                f"people {run['people']}  units {run['units']}"
            )


def measure_sync(people: int = 45_000) -> dict:
    """POST /api/v1/sync/ in this process into a fresh kommune (removed afterwards): the first
    sync of `people`, the same again, a dry run and a full sync with 1 % changed and missing."""
    with scopes_disabled():
        Kommune.objects.filter(code="sync-bench").delete()
    kommune = Kommune.objects.create(code="sync-bench", name="Sync Benchmark Kommune")
    with tenant_scope(kommune):
        _client, token = api_client_create(
            kommune, name="Benchmark", scopes=[Scope.ORG_READ, Scope.ORG_WRITE]
        )
    http = Client(headers={"Authorization": f"Bearer {token}"}, SERVER_NAME="localhost")
    runs = [
        ("first sync (all new)", payload(people)),
        ("same again (unchanged)", payload(people)),
        ("dry run, 1% changed", payload(people, changed=people // 100) | {"dry_run": True}),
        (
            "full sync, 1% changed, 1% missing",
            payload(people, changed=people // 100, missing=people // 100) | {"full": True},
        ),
    ]
    measured = []
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "localhost"]):
            for label, body in runs:
                data = json.dumps(body)
                started = time.perf_counter()
                response = http.post(
                    "/api/v1/sync/", data=data, content_type="application/json", secure=True
                )
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"{label}: {response.status_code} {response.content[:500]}")
                result = response.json()
                measured.append(
                    {
                        "run": label,
                        "seconds": round(elapsed, 2),
                        "megabytes": round(len(data) / 1e6, 1),
                        "people": result["people"],
                        "units": result["units"],
                    }
                )
    finally:
        _remove(kommune)
    return {"people": people, "runs": measured, "first_sync_s": measured[0]["seconds"]}


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
