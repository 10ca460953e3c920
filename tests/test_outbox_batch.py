"""Sending a batch of outbox rows (core.outbox) the way the first reminder tick after go-live
does: thousands of digests, claimed and read together, sent over one mail connection — with
the same promises as one row at a time: a failure is kept on its row and retried, one bad row
never stops the batch, and nothing is sent twice or counted twice."""

from __future__ import annotations

import datetime
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import outbox
from core.tenancy import tenant_scope
from reminders.models import ReminderDigest
from reminders.services import DIGESTS, reminders_prepare

from . import factories as f
from .test_reminders import DUE, World, at

OPENED: list[str] = []
BREAK_FOR: set[str] = set()


class CountingBackend(LocmemBackend):
    """Counts the connections opened; the connection breaks on the addresses in BREAK_FOR, as
    a mail server that hangs up does."""

    def open(self):
        OPENED.append("open")
        return True

    def send_messages(self, messages):
        for message in messages:
            if BREAK_FOR & set(message.to):
                raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture
def counting_smtp(settings):
    settings.EMAIL_BACKEND = "tests.test_outbox_batch.CountingBackend"
    OPENED.clear()
    BREAK_FOR.clear()
    mail.outbox = []
    yield
    OPENED.clear()
    BREAK_FOR.clear()


@pytest.fixture
def world(org_a) -> World:
    return World(org_a)


def prepared_digests(world: World, people: int) -> list[ReminderDigest]:
    """`people` people, each with one deadline due today: one digest each, due now."""
    with tenant_scope(world.kommune):
        for n in range(people):
            person = f.person(
                world.kommune, "Bo", f"Nr{n}", unit=world.org.workplace, email=f"bo{n}@a.dk"
            )
            world.deadline(person=person)
    with time_machine.travel(at(DUE), tick=False):
        reminders_prepare(world.kommune)
    return world.digests()


def send(pks, minutes: int = 0) -> dict:
    with time_machine.travel(at(DUE) + datetime.timedelta(minutes=minutes), tick=False):
        return outbox.send_many(DIGESTS, pks)


def test_it_sends_a_batch_over_one_mail_connection(world, counting_smtp):
    digests = prepared_digests(world, 3)
    assert send([d.pk for d in digests]) == {"sent": 3}
    assert OPENED == ["open"]
    assert sorted(m.to[0] for m in mail.outbox) == ["bo0@a.dk", "bo1@a.dk", "bo2@a.dk"]
    assert [(d.state, d.attempts) for d in world.digests()] == [("sent", 1)] * 3


def test_a_broken_connection_fails_its_row_and_the_batch_goes_on(world, counting_smtp, settings):
    """The row being sent when the connection broke is kept as a failed attempt and retried
    after the backoff; the rows after it are sent over a new connection, each counted once."""
    settings.OUTBOX_RETRY_MINUTES = 15
    digests = prepared_digests(world, 4)
    with tenant_scope(world.kommune):
        first = ReminderDigest.objects.select_related("recipient").get(pk=digests[0].pk)
    BREAK_FOR.add(first.recipient.email)
    assert send([d.pk for d in digests]) == {"failed": 1, "sent": 3}
    assert OPENED == ["open", "open"]
    states = {d.pk: (d.state, d.attempts) for d in world.digests()}
    assert states.pop(first.pk) == ("pending", 1)
    assert set(states.values()) == {("sent", 1)}
    [failed] = world.digests(pk=first.pk)
    assert "SMTPServerDisconnected" in failed.last_error and len(failed.errors) == 1

    BREAK_FOR.clear()
    assert send([d.pk for d in digests], minutes=10) == {"not_claimed": 4}  # the backoff
    assert send([d.pk for d in digests], minutes=16) == {"sent": 1, "not_claimed": 3}
    [retried] = world.digests(pk=first.pk)
    assert (retried.state, retried.attempts, len(retried.errors)) == ("sent", 2, 1)
    assert len(mail.outbox) == 4  # each digest once


def test_a_row_another_worker_claimed_is_left_to_it(world, counting_smtp):
    digests = prepared_digests(world, 3)
    with tenant_scope(world.kommune):
        ReminderDigest.objects.filter(pk=digests[1].pk).update(
            state="sending", claimed_at=at(DUE), attempts=1
        )
    assert send([d.pk for d in digests]) == {"not_claimed": 1, "sent": 2}
    [other] = world.digests(pk=digests[1].pk)
    assert (other.state, other.attempts) == ("sending", 1)
    assert len(mail.outbox) == 2


def test_the_queries_of_a_batch_grow_only_by_the_marks_of_each_row(world, counting_smtp):
    """Claimed with one statement, read with one query, items with one more: what each further
    digest adds is marking it (and its items) sent."""
    digests = prepared_digests(world, 8)
    with CaptureQueriesContext(connection) as two:
        assert send([d.pk for d in digests[:2]]) == {"sent": 2}
    with CaptureQueriesContext(connection) as six:
        assert send([d.pk for d in digests[2:]]) == {"sent": 6}
    # A savepoint, the digest's UPDATE, its items' UPDATE and the release (commit).
    assert len(six) - len(two) <= 4 * 4
