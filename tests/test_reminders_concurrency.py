"""Two workers at once on PostgreSQL: each thread has its own database connection, as two Celery
workers would. The claim (a conditional UPDATE) lets exactly one of them send."""

from __future__ import annotations

import threading
import time

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection

from core.tenancy import tenant_scope
from reminders.models import ReminderDigest, ReminderItem
from reminders.services import digest_send, reminders_prepare, reminders_run

from .test_reminders import DUE, World, at, days, to

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


class SlowBackend(LocmemBackend):
    """An SMTP server that takes its time, so the second worker arrives mid-send."""

    def send_messages(self, messages):
        time.sleep(0.3)
        return super().send_messages(messages)


def in_threads(target, n: int = 2) -> list:
    """Run `target()` in n threads started together; each closes its own connection."""
    barrier = threading.Barrier(n)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # surfaced in the main thread below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@pytest.fixture
def slow_smtp(settings):
    settings.EMAIL_BACKEND = "tests.test_reminders_concurrency.SlowBackend"
    mail.outbox = []


def test_it_sends_once_when_two_workers_send_the_same_digest(require_postgres, org_a, slow_smtp):
    world = World(org_a)
    world.deadline(person=world.arne)
    with time_machine.travel(at(DUE, 9), tick=False):
        [digest_id] = reminders_prepare(world.kommune).digest_ids

    outcomes = in_threads(lambda: digest_send(digest_id, now=at(DUE, 9)))

    assert sorted(outcomes) == ["not_claimed", "sent"]
    assert len(to("arne@a.dk")) == 1
    [digest] = world.digests()
    assert (digest.state, digest.attempts) == (ReminderDigest.State.SENT, 1)


def test_it_sends_once_when_two_ticks_run_at_once(require_postgres, org_a, slow_smtp):
    world = World(org_a)
    world.deadline(person=world.arne)
    world.deadline(person=world.per)
    world.deadline(
        person=world.per, unit=world.afdeling, due=DUE - days(14), rule="training.med_course"
    )

    results = in_threads(lambda: reminders_run(now=at(DUE, 9)))

    assert sum(r.sent for r in results) == 3  # Arne, Per (one digest, two deadlines), Lene
    assert sorted(m.to[0] for m in mail.outbox) == ["arne@a.dk", "lene@a.dk", "per@a.dk"]
    with tenant_scope(world.kommune):
        assert ReminderDigest.objects.filter(state=ReminderDigest.State.SENT).count() == 3
        assert set(ReminderItem.objects.values_list("state", flat=True)) == {"sent"}
    assert [r.sent for r in in_threads(lambda: reminders_run(now=at(DUE, 10)))] == [0, 0]
