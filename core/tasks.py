"""Celery tasks of the shared layer: background imports (safe to run twice: the step is claimed
in `core.imports.run_import`) and the outbox's send and sweep (defined in `core.outbox`)."""

from __future__ import annotations

from celery import shared_task

from core import imports
from core.outbox import outbox_send, outbox_sweep
from core.periodic import run_periodic

__all__ = ["outbox_send", "outbox_sweep", "run_periodic"]


@shared_task(name="core.run_import_job", soft_time_limit=30 * 60, time_limit=35 * 60)
def run_import_job(job_id: int) -> str:
    return imports.run_import(job_id)


@shared_task(name="core.sweep_import_jobs")
def sweep_import_jobs() -> int:
    return imports.sweep_imports()


@shared_task(name="core.cleanup_import_jobs")
def cleanup_import_jobs() -> int:
    return imports.imports_cleanup()
