"""The one outbox (core.outbox): every kind of message the product sends keeps the same
promises — claimed once, sent once, failures kept and retried with backoff, given up after the
last attempt, an interrupted send recovered, the recipient's language — because they are one
piece of code. Each test runs for every registered outbox."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.core import mail

from core import outbox
from core.models import OutboxRow
from core.tenancy import scopes_disabled, tenant_scope
from organisations.models import Person

from .outbox_rows import ADDRESSES, rows_for_every_outbox

ROOT = Path(__file__).resolve().parent.parent
NAMES = sorted(ADDRESSES)
# The API's webhooks ride the same outbox with HTTP instead of e-mail (tests/test_api.py).
HTTP_NAMES = ["api.webhook"]
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def rows(org_a):
    with time_machine.travel(START, tick=False):
        return rows_for_every_outbox(org_a)


def row_of(rows, name):
    model, pk = rows[name]
    with scopes_disabled():
        return model.objects.get(pk=pk)


def at(minutes: float):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def test_every_app_that_sends_email_registers_one_outbox():
    assert sorted(o.name for o in outbox.outboxes()) == sorted(NAMES + HTTP_NAMES)
    for registered in outbox.outboxes():
        assert issubclass(registered.model, OutboxRow), registered.name


def test_only_the_outbox_sends_email():
    """No app has a send, claim or retry of its own: `send_templated` is called by the outbox
    alone, and no app outside core claims a row or counts its attempts."""
    found = []
    for path in ROOT.glob("*/*.py"):
        if path.parts[-2] in {"tests", "core"}:
            continue
        text = path.read_text()
        for pattern in ("send_templated(", 'F("attempts")', "claimed_at="):
            if pattern in text:
                found.append(f"{path.relative_to(ROOT)}: {pattern}")
    assert found == []


@pytest.mark.parametrize("name", NAMES)
def test_it_sends_once_with_a_message_id_of_its_own(rows, name):
    model, pk = rows[name]
    with at(1):
        assert outbox.send_one(name, pk) == "sent"
        assert outbox.send_one(name, pk) == "not_claimed"  # a duplicate task
        assert outbox.send_many(name, [pk]) == {"not_claimed": 1}
    [message] = mail.outbox
    assert ADDRESSES[name] in message.to
    row = row_of(rows, name)
    assert (row.state, row.attempts, row.last_error) == ("sent", 1, "")
    assert row.sent_at == START + datetime.timedelta(minutes=1)
    assert ADDRESSES[name] in row.to_email and row.subject == message.subject
    assert row.language == "da" and message.extra_headers["Content-Language"] == "da"
    assert message.extra_headers["Message-ID"] == outbox.message_id(outbox.get(name), row)
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


@pytest.mark.parametrize("name", NAMES)
def test_a_failed_send_is_kept_and_retried_after_the_backoff(rows, name, failing_smtp, settings):
    settings.OUTBOX_RETRY_MINUTES = 15
    model, pk = rows[name]
    with at(0):
        assert outbox.send_one(name, pk) == "failed"
    row = row_of(rows, name)
    assert (row.state, row.attempts) == ("pending", 1)
    assert "SMTPRecipientsRefused" in row.last_error and len(row.errors) == 1
    assert row.next_attempt_at == START + datetime.timedelta(minutes=15)
    with at(10):
        assert outbox.send_one(name, pk) == "not_claimed"  # the backoff is not over
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with at(16):
        assert outbox.send_one(name, pk) == "sent"
    row = row_of(rows, name)
    assert (row.state, row.attempts, row.last_error, len(row.errors)) == ("sent", 2, "", 1)
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("name", NAMES)
def test_it_gives_up_after_the_last_attempt(rows, name, failing_smtp, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    settings.OUTBOX_RETRY_MINUTES = 15
    model, pk = rows[name]
    for minute in (0, 15, 45):  # the backoff doubles: 15, then 30 minutes
        with at(minute):
            assert outbox.send_one(name, pk) == "failed"
    with at(24 * 60):
        assert outbox.send_one(name, pk) == "not_claimed"
    row = row_of(rows, name)
    assert (row.state, row.attempts, len(row.errors)) == ("failed", 3, 3)


@pytest.mark.parametrize("name", NAMES)
def test_a_send_whose_worker_died_is_put_back_and_sent_once(rows, name, settings):
    settings.OUTBOX_CLAIM_TIMEOUT_MINUTES = 30
    model, pk = rows[name]
    with scopes_disabled():
        # A worker claimed it at 9:00 and died before the mail server had the message.
        model.objects.filter(pk=pk).update(state="sending", claimed_at=START, attempts=1)
    with at(20):
        assert outbox.sweep()[name] == 0  # still within the claim timeout
        assert outbox.send_one(name, pk) == "not_claimed"
    with at(31), scopes_disabled():
        assert outbox.recover(name) == 1
    row = row_of(rows, name)
    assert (row.state, row.last_error) == ("pending", outbox.INTERRUPTED)
    with at(31):
        assert outbox.send_one(name, pk) == "sent"
    row = row_of(rows, name)
    assert (row.state, row.attempts) == ("sent", 2)
    assert [e["error"] for e in row.errors] == [outbox.INTERRUPTED]
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("name", sorted(set(NAMES) - {"unions.election_notice"}))
def test_it_writes_in_the_recipients_language(rows, name, org_a):
    """Everything sent to a person is in the language they chose (the kreds' notice is to the
    kreds, in Danish)."""
    with tenant_scope(org_a.kommune):
        Person.objects.filter(email=ADDRESSES[name]).update(language="en")
    model, pk = rows[name]
    with at(1):
        assert outbox.send_one(name, pk) == "sent"
    [message] = mail.outbox
    assert message.extra_headers["Content-Language"] == "en"
    assert row_of(rows, name).language == "en"


def test_a_row_that_cannot_be_built_never_stops_the_batch(org_a, monkeypatch):
    """One broken row (its content raises) is recorded as a failed attempt; the rows after it
    in the same batch are sent."""
    with time_machine.travel(START, tick=False):
        first = rows_for_every_outbox(org_a)["incidents.notification"][1]
    with tenant_scope(org_a.kommune):
        from incidents.models import IncidentNotification

        row = IncidentNotification.objects.get(pk=first)
        second = IncidentNotification.objects.create(
            kommune=org_a.kommune,
            incident=row.incident,
            recipient=org_a.amr.person,
            reason="amg",
            next_attempt_at=START,
        ).pk
    registered = outbox.get("incidents.notification")
    real_build = type(registered).build

    def build(self, row, batch):
        if row.pk == first:
            raise ValueError("a template the row cannot render")
        return real_build(self, row, batch)

    monkeypatch.setattr(type(registered), "build", build)
    with at(1):
        assert outbox.send_many(registered, [first, second]) == {"failed": 1, "sent": 1}
    with tenant_scope(org_a.kommune):
        broken = IncidentNotification.objects.get(pk=first)
    assert broken.state == "pending" and "a template the row cannot render" in broken.last_error
    assert [m.to for m in mail.outbox] == [["arne@a.dk"]]


def test_the_sweep_queues_each_kommunes_rows_in_its_own_scope(org_a, org_b, eager_celery):
    with time_machine.travel(START, tick=False):
        rows_a = rows_for_every_outbox(org_a)
    with tenant_scope(org_b.kommune):
        from incidents.models import IncidentNotification

        from .samples_incidents import make_incident

        org_b.leader_person.email = "lene@b.dk"
        org_b.leader_person.save()
        IncidentNotification.objects.create(
            kommune=org_b.kommune,
            incident=make_incident(org_b),
            recipient=org_b.leader_person,
            reason="leader",
            next_attempt_at=START,
        )
    with at(1):
        queued = outbox.sweep()
    assert queued == {name: 1 for name in NAMES} | {"incidents.notification": 2, "api.webhook": 0}
    assert sorted(a for m in mail.outbox for a in m.to) == sorted(
        [*ADDRESSES.values(), "lene@b.dk"]
    )
    for name in NAMES:
        assert row_of(rows_a, name).state == "sent"
    with at(2):
        assert set(outbox.sweep().values()) == {0}
    assert len(mail.outbox) == len(NAMES) + 1  # every outbox once, and kommune B's row
