"""Faults, proven with real parts: an SMTP server in the test process (aiosmtpd), and Celery
workers as subprocesses against Redis and the test PostgreSQL database, killed mid-send.

- A worker killed while each outbox is in the middle of a send (the mail server
  has not accepted the message): after a restart every message is sent once — never twice,
  never lost.
- The mail server refusing, then accepting: the message waits out its backoff and is sent once.
"""

from __future__ import annotations

import asyncio
import datetime
import email
import socket
import threading
import time
from email import policy

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.utils import timezone

from config.celery import app as celery_app
from core import outbox
from core.tenancy import scopes_disabled

from .outbox_rows import ADDRESSES, rows_for_every_outbox
from .test_reminders_celery import celery_env, start, stop


class Handler:
    """Records what the server accepted. While `hold` is set, a client's RCPT gets no answer:
    the send hangs before the server has the message. While `refuse` is set, RCPT is refused
    with a temporary error (451)."""

    def __init__(self):
        self.hold = threading.Event()
        self.refuse = threading.Event()
        self.holding = 0
        self.accepted: list[email.message.EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse.is_set():
            return "451 4.3.0 Try again later"
        if self.hold.is_set():
            with self.lock:
                self.holding += 1
            while self.hold.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.accepted.append(message)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        with self.lock:
            return [m["Message-ID"] for m in self.accepted]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield handler, controller.port
    handler.hold.clear()
    controller.stop()


def wait_for(condition, seconds: float, message: str, processes=()) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert all(p.poll() is None for p in processes), "a Celery process stopped"
        assert time.monotonic() < deadline, message
        time.sleep(0.2)


def states(rows) -> dict[str, str]:
    with scopes_disabled():
        return {
            name: model.objects.filter(pk=pk).values_list("state", flat=True).get()
            for name, (model, pk) in rows.items()
        }


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_in_every_outbox_sends_each_message_once(
    require_postgres, require_redis, org_a, smtp_server, tmp_path
):
    handler, port = smtp_server
    rows = rows_for_every_outbox(org_a)
    env = celery_env(
        tmp_path,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="60",
        # A claim older than 3 seconds is taken for a dead worker's.
        OUTBOX_CLAIM_TIMEOUT_MINUTES="0.05",
    )
    worker_args = ["worker", "--loglevel=INFO", "--without-gossip", "--without-mingle"]
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    celery_app.control.purge()  # nothing left over from other tests
    handler.hold.set()
    first = start([*worker_args, "--pool=prefork", f"--concurrency={len(rows)}"], env, logs[0])
    second = None
    try:
        # Each outbox's row in a task of its own: one process per outbox, all at once.
        for name, (_model, pk) in rows.items():
            celery_app.send_task("core.outbox_send", args=[name, [pk]])
        wait_for(
            lambda: set(states(rows).values()) == {"sending"} and handler.holding == len(rows),
            90,
            "the sends did not all reach the mail server",
            [first],
        )
        stop(first, kill=True)  # SIGKILL: no shutdown, no acknowledgement, no cleanup
        handler.hold.clear()
        assert set(states(rows).values()) == {"sending"} and handler.accepted == []

        second = start([*worker_args, "--pool=solo"], env, logs[1])
        time.sleep(3.5)  # the claims run out

        def all_sent() -> bool:
            celery_app.send_task("core.outbox_sweep")
            time.sleep(1)
            return set(states(rows).values()) == {"sent"}

        wait_for(all_sent, 120, "the interrupted sends were not sent again", [second])
        # Later sweeps find nothing more to send.
        for _ in range(3):
            celery_app.send_task("core.outbox_sweep")
        time.sleep(4)
    finally:
        handler.hold.clear()
        stop(first, kill=True)
        if second is not None:
            stop(second)
    log_text = "".join(f"\n--- {path.name} ---\n{path.read_text()}" for path in logs)
    ids = handler.message_ids()
    assert len(ids) == len(rows) and len(set(ids)) == len(rows), log_text  # each message once
    recipients = sorted(a.addr_spec for m in handler.accepted for a in m["To"].addresses)
    assert recipients == sorted(ADDRESSES.values())
    with scopes_disabled():
        for name, (model, pk) in rows.items():
            row = model.objects.get(pk=pk)
            assert (row.state, row.attempts) == ("sent", 2), name
            assert [e["error"] for e in row.errors] == [outbox.INTERRUPTED], name
            assert row.to_email == ADDRESSES[name]
            assert outbox.message_id(outbox.get(name), row) in ids, name


@pytest.mark.django_db
def test_a_mail_server_that_refuses_then_accepts_gets_each_message_once(
    org_a, smtp_server, settings
):
    """Against a real SMTP server: a temporary refusal (451) is an attempt kept on the row; the
    retry after the backoff is accepted; later sweeps send nothing more."""
    handler, port = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 10
    settings.OUTBOX_RETRY_MINUTES = 15
    rows = rows_for_every_outbox(org_a)
    start_at = timezone.now()
    handler.refuse.set()
    for name, (_model, pk) in rows.items():
        assert outbox.send_one(name, pk, now=start_at) == "failed", name
    assert set(states(rows).values()) == {"pending"} and handler.accepted == []
    with scopes_disabled():
        for name, (model, pk) in rows.items():
            row = model.objects.get(pk=pk)
            assert "451" in row.last_error and "Try again later" in row.last_error, name
    handler.refuse.clear()
    later = start_at + datetime.timedelta(minutes=16)
    with time_machine.travel(later, tick=False):
        for name, (_model, pk) in rows.items():
            assert outbox.send_one(name, pk) == "sent", name
            assert outbox.send_one(name, pk) == "not_claimed", name
    assert len(handler.accepted) == len(rows) and len(set(handler.message_ids())) == len(rows)
    assert set(states(rows).values()) == {"sent"}
