"""The Celery side: the tasks and the beat schedule, eagerly in-process, and then for real — a
Celery worker and Celery beat as subprocesses against Redis and the test PostgreSQL database,
delivering a reminder e-mail to the file backend."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from email import policy
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from config.celery import app as celery_app
from core.admin_site import site
from core.models import ImportJob
from core.tenancy import tenant_scope
from deadlines.tasks import deadlines_evaluate_all
from reminders.models import ReminderDigest
from reminders.tasks import reminders_tick

from .test_reminders import AMO_BASIC, DUE, World, at, to

ROOT = Path(__file__).resolve().parent.parent


def test_it_schedules_the_tick_and_the_nightly_evaluation_in_one_place():
    schedule = celery_app.conf.beat_schedule
    # Every entry runs its job through core.periodic: at most once per period.
    assert {entry["task"] for entry in schedule.values()} == {"core.periodic"}
    jobs = {entry["args"][0]: entry for entry in schedule.values()}
    assert {"reminders.tick", "deadlines.evaluate_each", "core.outbox_sweep"} <= set(jobs)
    celery_app.loader.import_default_modules()
    assert set(jobs) | {"core.periodic"} <= set(celery_app.tasks)  # every name is a task
    tick = jobs["reminders.tick"]
    assert tick["options"]["expires"] <= tick["schedule"].total_seconds() == tick["args"][1]


def test_it_runs_the_nightly_evaluation_task(org_a):
    with tenant_scope(org_a.kommune):
        from deadlines.models import Deadline

        Deadline.objects.all().delete()
    assert deadlines_evaluate_all() > 0  # the org's duties are back
    assert deadlines_evaluate_all() == 0  # and a second run changes nothing


def test_it_runs_the_celery_tick_twice_and_sends_once(
    org_a, eager_celery, django_capture_on_commit_callbacks
):
    world = World(org_a)
    world.deadline(person=world.arne)
    mail.outbox = []
    with time_machine.travel(at(DUE, 9), tick=False):
        for _ in range(2):
            # The tick enqueues per-kommune tasks, which enqueue sends, all after their commits.
            with django_capture_on_commit_callbacks(execute=True):
                reminders_tick.delay()
    assert len(to("arne@a.dk")) == 1
    [digest] = world.digests()
    assert digest.state == ReminderDigest.State.SENT


# --- the real thing ------------------------------------------------------------------------------


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def celery_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a Celery worker or beat started by a test: the test's PostgreSQL
    database and Redis, mails as files and beat's schedule in `var_dir`, no settings of the
    test process's own (e-mail, outbox, reminders) leaking in; `extra` on top."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "DJANGO_", "REMINDER_", "OUTBOX_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_DEBUG="1",
        DATABASE_URL=database_url(),
        DB_CONN_MAX_AGE="0",
        REDIS_URL=settings.REDIS_URL,
        VAR_DIR=str(var_dir),
        **extra,
    )
    return env


def read_mails(folder: Path) -> list[email.message.EmailMessage]:
    """The file backend appends each message to a .log file, separated by a line of dashes."""
    messages = []
    for path in sorted(folder.glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk, policy=policy.default))
    return messages


def start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        # Its own process group, so stopping it also stops anything it forked.
        start_new_session=True,
    )


def stop(process: subprocess.Popen, *, kill: bool = False) -> None:
    """A warm shutdown (SIGTERM), or `kill`: SIGKILL to the whole process group at once, as
    when a host or container dies."""
    if process.poll() is not None:
        return
    if kill:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_it_delivers_a_reminder_through_a_real_worker_and_beat(
    require_postgres, require_redis, org_a, tmp_path
):
    world = World(org_a)
    world.deadline(person=world.arne, due=timezone.localdate())  # due today: sent at once
    # Mails as files in tmp_path/mail, and beat's schedule file there too.
    env = celery_env(tmp_path, REMINDER_TICK_SECONDS="1", REMINDER_SEND_HOUR="0")
    worker_log, beat_log = tmp_path / "worker.log", tmp_path / "beat.log"
    processes = []
    found = imported = None
    try:
        processes.append(
            start(
                ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip",
                 "--without-mingle", "--purge"],
                env,
                worker_log,
            )
        )  # fmt: skip
        processes.append(start(["beat", "--loglevel=INFO"], env, beat_log))
        deadline = time.monotonic() + 90
        while found is None and time.monotonic() < deadline:
            assert all(p.poll() is None for p in processes), "a Celery process stopped"
            found = next(
                (m for m in read_mails(tmp_path / "mail") if AMO_BASIC in m["subject"]), None
            )
            time.sleep(0.5)
        if found is not None:
            # The same worker runs a background import (issue 16): checked, confirmed, imported.
            imported = import_through_worker(org_a, processes)
    finally:
        for process in processes:
            stop(process)
    logs = f"\n--- worker ---\n{worker_log.read_text()}\n--- beat ---\n{beat_log.read_text()}"
    assert found is not None, f"no reminder e-mail within 90 seconds{logs}"
    assert found["to"] == "arne@a.dk"
    assert AMO_BASIC in found.get_body(("plain",)).get_content()
    assert found.get_body(("html",)) is not None
    [digest] = world.digests()
    assert digest.state == ReminderDigest.State.SENT
    assert len(read_mails(tmp_path / "mail")) == 1  # many ticks, one e-mail
    assert imported == (ImportJob.State.DONE, 4), logs


def import_through_worker(org, processes) -> tuple[str, int]:
    from core import imports
    from organisations.models import Unit
    from tests import factories as f

    hr = f.hr_user(org.kommune, "hr_worker")
    rows = "".join(f"w-{n},Enhed {n},arbejdsplads,{org.omraade.code},{n},\n" for n in range(4))
    data = ("code,name,kind,parent,headcount,closed_on\n" + rows).encode()
    with tenant_scope(org.kommune):
        model_admin = site._registry[Unit]
        request = imports.actor_request(hr, org.kommune)
        job = imports.start_import(
            model_admin, request, data=data, file_format=0, file_name="w.csv", rows=4
        )

    def wait_for(states) -> str:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert all(p.poll() is None for p in processes), "a Celery process stopped"
            job.refresh_from_db()
            if job.state in states:
                break
            time.sleep(0.3)
        return job.state

    with tenant_scope(org.kommune):
        if wait_for({ImportJob.State.CHECKED, ImportJob.State.INVALID}) == "checked":
            imports.confirm_import(job)
            wait_for({ImportJob.State.DONE, ImportJob.State.INVALID, ImportJob.State.FAILED})
        return job.state, Unit.objects.filter(code__startswith="w-").count()
