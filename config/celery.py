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
    # Every outbox (core/outbox.py: reminder digests, meeting e-mails, incident notifications,
    # survey invitations, network invitations, election notices): sends put back after their
    # worker died, retries whose backoff is over, rows whose task was lost with the broker.
    # Safe: each row is claimed before it is sent.
    "core-outbox-sweep": {
        "task": "core.outbox_sweep",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 5 * 60},
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
