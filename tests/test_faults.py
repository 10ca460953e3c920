"""Faults, proven (issue 17): the database connection dropped in a request and in a task, and the
Celery broker unreachable for the web process. (A worker killed mid-send: test_outbox_faults.py;
two beats at once: test_periodic.py; the cache down: test_cache_outage.py.)"""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from config.celery import app as celery_app
from core import outbox
from core.tenancy import scopes_disabled
from incidents.models import Incident, IncidentNotification

from . import factories as f
from .test_incidents_portal import REPORT


def terminate(pid: int) -> None:
    """Drop a database connection from the server's side, as a restart or failover does."""
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


class DropAt:
    """An execute wrapper that drops the connection just before the first statement that
    starts with `prefix` (so that statement, and the transaction around it, fail)."""

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.dropped = False

    def __call__(self, execute, sql, params, many, context):
        if not self.dropped and sql.startswith(self.prefix):
            self.dropped = True
            terminate(context["connection"].connection.info.backend_pid)
        return execute(sql, params, many, context)


@pytest.fixture
def reporter(org_a):
    from core.tenancy import tenant_scope

    with tenant_scope(org_a.kommune):
        org_a.leader_person.email = "lene@a.dk"
        org_a.leader_person.save()
        person = f.person(org_a.kommune, "Mette", "Medarbejder", unit=org_a.workplace)
    user = f.user("mette_fault")
    with tenant_scope(org_a.kommune):
        person.user = user
        person.save()
    return user


def report(client, org) -> object:
    return client.post(reverse("incidents:report"), {**REPORT, "unit": org.workplace.pk})


def incident_count() -> int:
    with scopes_disabled():
        return Incident.objects.count()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
@override_settings(DEBUG=False)
def test_a_connection_dropped_mid_request_fails_it_cleanly_and_saves_nothing(
    require_postgres, org_a, reporter
):
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    assert client.get(reverse("incidents:report")).status_code == 200
    # After the incident's INSERT, inside the same transaction.
    drop = DropAt('INSERT INTO "incidents_incidentnotification"')
    with connection.execute_wrapper(drop):
        response = report(client, org_a)
    assert drop.dropped
    assert response.status_code == 500
    page = response.content.decode()
    assert "Der skete en fejl" in page and "Intet er gemt halvt" in page
    assert "Traceback" not in page and "OperationalError" not in page
    assert incident_count() == 0  # the transaction died with the connection
    # The next request gets a new connection and works.
    response = report(client, org_a)
    assert response.status_code == 302 and incident_count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_dropped_between_requests_is_replaced(
    require_postgres, org_a, reporter
):
    from django.core.signals import request_started

    client = Client()
    client.force_login(reporter)
    assert client.get(reverse("portal:home")).status_code == 200
    connection.ensure_connection()
    terminate(connection.connection.info.backend_pid)  # the server restarted in between
    try:
        # What Django's WSGI handler does as every request starts (the test client skips it):
        # the kept connection is checked (CONN_HEALTH_CHECKS) and replaced when it is dead.
        request_started.send(sender=None)
        assert client.get(reverse("portal:home")).status_code == 200
    finally:
        connection.close()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_connection_drops_is_retried_and_sends_once(
    require_postgres, org_a, eager_celery, mailoutbox
):
    from .outbox_rows import rows_for_every_outbox

    model, pk = rows_for_every_outbox(org_a)["incidents.notification"]
    drop = DropAt('UPDATE "incidents_incidentnotification"')  # the claim finds it gone
    try:
        with connection.execute_wrapper(drop):
            outbox.outbox_send.delay("incidents.notification", [pk])
    finally:
        connection.close()
    assert drop.dropped
    with scopes_disabled():
        row = model.objects.get(pk=pk)
    assert (row.state, row.attempts) == ("sent", 1)
    assert [m.to for m in mailoutbox] == [["lene@a.dk"]]


def reset_connections() -> None:
    """Make the Celery app connect afresh, to the broker URL it has now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True)
def test_with_the_broker_down_a_report_is_saved_and_its_email_waits_for_the_sweep(
    org_a, reporter, eager_celery, mailoutbox
):
    """The web process cannot reach Redis (the Celery broker): reporting still works at once,
    nothing 500s, and the notifications go out with the next sweep once it is back."""
    celery_app.conf.task_always_eager = False
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    reset_connections()
    try:
        client = Client()
        client.force_login(reporter)
        started = time.monotonic()
        response = report(client, org_a)
        elapsed = time.monotonic() - started
    finally:
        celery_app.conf.broker_url = previous
        reset_connections()
        celery_app.conf.task_always_eager = True
    assert response.status_code == 302 and elapsed < 5
    assert incident_count() == 1
    with scopes_disabled():
        assert set(IncidentNotification.objects.values_list("state", flat=True)) == {"pending"}
    assert mail.outbox == []
    assert outbox.sweep()["incidents.notification"] >= 1
    with scopes_disabled():
        assert "pending" not in set(IncidentNotification.objects.values_list("state", flat=True))
    assert "lene@a.dk" in [m.to[0] for m in mailoutbox]


def test_every_task_retries_a_lost_database_connection():
    from django.db import InterfaceError, OperationalError

    celery_app.loader.import_default_modules()
    ours = [t for name, t in celery_app.tasks.items() if not name.startswith("celery.")]
    assert len(ours) > 10
    for task in ours:
        assert {OperationalError, InterfaceError} <= set(task.autoretry_for), task.name
