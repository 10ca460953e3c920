"""Each periodic job once per period, however many beat processes run (core.periodic): in
process, and for real with two Celery beats and a worker against Redis and PostgreSQL."""

from __future__ import annotations

import datetime
import re
import time

import pytest

from config.celery import app as celery_app
from core.models import PeriodicRun
from core.periodic import claim_period, period_start

from .test_reminders_celery import celery_env, start, stop

UTC = datetime.UTC


def test_a_period_is_counted_from_the_epoch_so_two_beats_agree():
    quarter = 15 * 60
    assert period_start(datetime.datetime(2026, 3, 2, 9, 14, 59, tzinfo=UTC), quarter) == (
        datetime.datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    )
    assert period_start(datetime.datetime(2026, 3, 2, 9, 15, 0, tzinfo=UTC), quarter) == (
        datetime.datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    )
    # The nightly job at 02:30 Danish time (01:30 UTC in winter) from two beats: one day.
    day = 24 * 3600
    a = datetime.datetime(2026, 1, 5, 1, 30, 0, 20000, tzinfo=UTC)
    assert period_start(a, day) == period_start(a + datetime.timedelta(seconds=4), day)


@pytest.mark.django_db
def test_the_first_run_of_a_period_runs_and_the_second_does_not():
    nine = datetime.datetime(2026, 3, 2, 9, 0, 1, tzinfo=UTC)
    assert claim_period("reminders.tick", 900, nine) is True
    assert claim_period("reminders.tick", 900, nine + datetime.timedelta(seconds=3)) is False
    assert claim_period("meetings.tick", 900, nine) is True  # another job, its own period
    assert claim_period("reminders.tick", 900, nine + datetime.timedelta(minutes=15)) is True
    # Old records are removed as new ones are made.
    assert claim_period("reminders.tick", 900, nine + datetime.timedelta(days=40)) is True
    assert PeriodicRun.objects.filter(task="reminders.tick").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_beat_processes_run_each_job_once_per_period(require_postgres, require_redis, tmp_path):
    env = celery_env(tmp_path, REMINDER_TICK_SECONDS="2")
    celery_app.control.purge()
    worker_log = tmp_path / "worker.log"
    processes = [
        start(
            ["worker", "--pool=solo", "--loglevel=INFO", "--without-gossip", "--without-mingle"],
            env,
            worker_log,
        )
    ]
    for n in (1, 2):
        # Two beats, each with its own schedule file, as two hosts would have.
        (tmp_path / f"beat{n}").mkdir()
        processes.append(
            start(
                ["beat", "--loglevel=INFO", "-s", str(tmp_path / f"beat{n}" / "schedule")],
                env,
                tmp_path / f"beat{n}.log",
            )
        )
    try:
        deadline = time.monotonic() + 90
        while PeriodicRun.objects.filter(task="reminders.tick").count() < 6:
            assert all(p.poll() is None for p in processes), "a Celery process stopped"
            assert time.monotonic() < deadline, worker_log.read_text()
            time.sleep(0.5)
        time.sleep(2)
    finally:
        for process in processes:
            stop(process)
    log = worker_log.read_text()
    sent = [
        len(
            re.findall(
                r"Scheduler: Sending due task reminders-tick",
                (tmp_path / f"beat{n}.log").read_text(),
            )
        )
        for n in (1, 2)
    ]
    ran = log.count("periodic: running reminders.tick")
    skipped = log.count("periodic: reminders.tick already ran in this period; skipped")
    periods = PeriodicRun.objects.filter(task="reminders.tick").count()
    assert min(sent) >= 3, sent  # both beats sent the tick, again and again
    assert ran == periods, log  # each period's tick ran once
    assert skipped >= min(sent) - 2, log  # the other beat's sends were turned away
    # Never two runs in one period.
    starts = list(
        PeriodicRun.objects.filter(task="reminders.tick").values_list("period_start", flat=True)
    )
    assert len(starts) == len(set(starts))
