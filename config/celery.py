import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("medorg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The reminder tick is idempotent (rows, claims, unique keys), so its interval only trades latency
# for load. Read from the environment here rather than from Django settings: this module is
# imported while the settings are still loading. The Celery integration test shortens it.
REMINDER_TICK = timedelta(seconds=int(os.environ.get("REMINDER_TICK_SECONDS", "900")))

# The whole beat schedule lives here, in one place (filled in by the apps' periodic jobs).
app.conf.beat_schedule = {
    # Full re-evaluation of every kommune's deadlines: repairs whatever the services' targeted
    # refreshes missed. Before REMINDER_SEND_HOUR, so the morning's reminders see the result.
    "deadlines-evaluate-all": {
        "task": "deadlines.evaluate_all",
        "schedule": crontab(hour=2, minute=30),
        # A run that waited a whole day in the queue is superseded by the next one.
        "options": {"expires": 20 * 3600},
    },
    # Plans reminder items, groups them into digests and sends what is due.
    "reminders-tick": {
        "task": "reminders.tick",
        "schedule": REMINDER_TICK,
        # While the workers are down ticks would pile up; one late tick does the work of all.
        "options": {"expires": REMINDER_TICK.total_seconds()},
    },
    # Dispatches every agenda that is due (the committee's "senest 7 dage før") and sends the
    # queued invitations, updates, cancellations and referater. Idempotent: each meeting's
    # dispatch and each e-mail is claimed with a conditional UPDATE.
    "meetings-tick": {
        "task": "meetings.tick",
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 15 * 60},
    },
    # Removes background documents (org charts, AMO plan) older than a week.
    "meetings-cleanup-documents": {
        "task": "meetings.cleanup_documents",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 20 * 3600},
    },
    # Re-enqueues incident notifications and APV survey invitations still pending (their task
    # was lost at commit, e.g. the broker was down). Safe: each row is claimed before sending.
    "incidents-sweep-notifications": {
        "task": "incidents.sweep_notifications",
        "schedule": crontab(minute="*/30"),
        "options": {"expires": 30 * 60},
    },
    "apv-sweep-invitations": {
        "task": "apv.sweep_invitations",
        "schedule": crontab(minute="5,35"),
        "options": {"expires": 30 * 60},
    },
    # Network invitations and election notices to a kreds whose send failed (or whose task was
    # lost) are sent again, up to unions.services.MAX_SEND_ATTEMPTS times.
    "unions-retry-sends": {
        "task": "unions.retry_sends",
        "schedule": crontab(minute="10,40"),
        "options": {"expires": 30 * 60},
    },
    # Background imports whose task was lost (broker down at commit) or whose worker died are
    # queued again; each step is claimed before it runs.
    "core-sweep-imports": {
        "task": "core.sweep_import_jobs",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 10 * 60},
    },
    # Uploaded import files hold personal data: removed after a week.
    "core-cleanup-imports": {
        "task": "core.cleanup_import_jobs",
        "schedule": crontab(hour=3, minute=25),
        "options": {"expires": 20 * 3600},
    },
}
