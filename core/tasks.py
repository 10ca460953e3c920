"""The shared layer's Celery tasks, defined beside the code they run and collected here for
Celery's autodiscovery: background imports (core.imports), the outbox's send and sweep
(core.outbox) and the once-per-period guard of the beat schedule (core.periodic)."""

from __future__ import annotations

from core.imports import cleanup_import_jobs, run_import_job, sweep_import_jobs
from core.outbox import outbox_send, outbox_sweep
from core.periodic import run_periodic
from core.privacy import retention_run_task

__all__ = [
    "cleanup_import_jobs",
    "outbox_send",
    "outbox_sweep",
    "retention_run_task",
    "run_import_job",
    "run_periodic",
    "sweep_import_jobs",
]
