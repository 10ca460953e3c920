import os
from datetime import timedelta

from celery import Celery
from celery.schedules import crontab

from core.periodic import entry

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Every task retries when the database connection was lost (core/taskbase.py).
app = Celery("medorg", task_cls="core.taskbase:DatabaseRetryTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The reminder tick is idempotent (rows, claims, unique keys), so its interval only trades latency
# for load. Read from the environment here rather than from Django settings: this module is
# imported while the settings are still loading. The Celery integration test shortens it.
REMINDER_TICK = timedelta(seconds=int(os.environ.get("REMINDER_TICK_SECONDS", "900")))

DAY = timedelta(days=1)

# The whole beat schedule lives here, in one place (filled in by the apps' periodic jobs). Each
# entry runs its job at most once per period, however many beat processes run (core.periodic).
app.conf.beat_schedule = {
    # Full re-evaluation of every kommune's deadlines: repairs whatever the services' targeted
    # refreshes missed. Before REMINDER_SEND_HOUR, so the morning's reminders see the result.
    # One task per kommune, so the workers share them on every core (deadlines.tasks).
    # A run that waited a whole day in the queue is superseded by the next one.
    "deadlines-evaluate-all": entry(
        "deadlines.evaluate_each", crontab(hour=2, minute=30), period=DAY, expires=20 * 3600
    ),
    # Plans reminder items, groups them into digests and sends what is due.
    # While the workers are down ticks would pile up; one late tick does the work of all.
    "reminders-tick": entry(
        "reminders.tick", REMINDER_TICK, period=REMINDER_TICK, expires=REMINDER_TICK.total_seconds()
    ),
    # Dispatches every agenda that is due (the committee's "senest 7 dage før") and sends the
    # queued invitations, updates, cancellations and referater. Idempotent: each meeting's
    # dispatch and each e-mail is claimed with a conditional UPDATE.
    "meetings-tick": entry(
        "meetings.tick", crontab(minute="*/15"), period=timedelta(minutes=15), expires=15 * 60
    ),
    # Closes the nominations and votes of AMR/TR elections whose last day has passed.
    "elections-tick": entry(
        "elections.tick", crontab(minute=5), period=timedelta(hours=1), expires=3600
    ),
    # Organisation changes: proposals waiting for a HovedMED meeting go on its agenda, approved
    # changes are applied on their day (reorganisation/).
    "reorganisation-tick": entry(
        "reorganisation.tick", crontab(hour=1, minute=45), period=DAY, expires=20 * 3600
    ),
    # The budget procedure (budget/): the hearing on the catalogue goes out on its day, points
    # waiting for a meeting go on the agendas now planned.
    "budget-tick": entry("budget.tick", crontab(hour=1, minute=55), period=DAY, expires=20 * 3600),
    # Ad hoc MED committees are closed after their last day.
    "committees-close-ended": entry(
        "committees.close_ended", crontab(hour=0, minute=35), period=DAY, expires=20 * 3600
    ),
    # The kreds' cadence (unions.cadence): reminds the kreds officers of the network meetings
    # and the yearly AMR + TR meeting that are due soon or overdue. Each reminder is a row
    # unique per kreds, due date and stage, so a run that is late or repeated sends it once.
    "unions-cadence-tick": entry(
        "unions.cadence_tick", crontab(hour=6, minute=45), period=DAY, expires=20 * 3600
    ),
    # Removes background documents (org charts, AMO plan) older than a week.
    "meetings-cleanup-documents": entry(
        "meetings.cleanup_documents", crontab(hour=3, minute=15), period=DAY, expires=20 * 3600
    ),
    # Every outbox (core/outbox.py: reminder digests, meeting e-mails, incident notifications,
    # survey invitations, network invitations, election notices): sends put back after their
    # worker died, retries whose backoff is over, rows whose task was lost with the broker.
    # Safe: each row is claimed before it is sent.
    "core-outbox-sweep": entry(
        "core.outbox_sweep", crontab(minute="*/5"), period=timedelta(minutes=5), expires=5 * 60
    ),
    # Background imports whose task was lost (broker down at commit) or whose worker died are
    # queued again; each step is claimed before it runs.
    "core-sweep-imports": entry(
        "core.sweep_import_jobs",
        crontab(minute="*/10"),
        period=timedelta(minutes=10),
        expires=10 * 60,
    ),
    # GDPR retention (core.privacy): counts what is past its period in every kommune, and
    # deletes or anonymises it where the kommune has switched that on (else a dry run).
    "core-retention": entry(
        "core.retention_run", crontab(hour=3, minute=40), period=DAY, expires=20 * 3600
    ),
    # Accounts whose people have left every kommune are closed (accounts.tasks).
    "accounts-deactivate-leavers": entry(
        "accounts.deactivate_leavers", crontab(hour=3, minute=50), period=DAY, expires=20 * 3600
    ),
    # Uploaded import files hold personal data: removed after a week.
    "core-cleanup-imports": entry(
        "core.cleanup_import_jobs", crontab(hour=3, minute=25), period=DAY, expires=20 * 3600
    ),
}
