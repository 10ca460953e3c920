"""The base of every Celery task of the product (config/celery.py: `task_cls`).

A task that loses its database connection — a restart, a failover, a connection the server
dropped while the worker was idle — is retried with backoff instead of failing for good, and
each run (the retry too) starts by dropping a connection that failed and no longer answers, so
it gets a new one. (In a worker, Celery's Django fixup also closes old connections around each
task; run eagerly, in a request, only a dead connection is touched, never the caller's open
transaction.) The tasks themselves are safe to run twice: their rows are claimed.
"""

from __future__ import annotations

from celery import Task
from django.db import InterfaceError, OperationalError, connections


class DatabaseRetryTask(Task):
    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2  # seconds, doubling: 2, 4, 8 … with jitter
    retry_backoff_max = 300
    retry_kwargs = {"max_retries": 6}

    def before_start(self, task_id, args, kwargs):
        for connection in connections.all(initialized_only=True):
            if (
                connection.connection is not None
                and connection.errors_occurred
                and not connection.is_usable()
            ):
                connection.close()
