"""One outbox for every message the product sends.

An app that sends e-mail keeps a table of `core.models.OutboxRow` (one row per message to
send: a reminder digest, a meeting's agenda to one member, an incident notification …) and
registers an `Outbox` in its `outboxes.py` that says how one row becomes a `Message`, or why it
is skipped. Everything else is here, the same for every kind of message:

- **The claim.** A row is sent by whoever turns it from pending to sending with one conditional
  UPDATE (`state = pending AND next_attempt_at <= now`): of two workers, a retried task and the
  sweep, exactly one sends it. An outbox of quick rows claims `claim_together` of them with one
  statement and reads them with one query; after a failure, or when they are slow, the rest are
  put back and claimed one at a time.
- **The connection.** A batch sends its e-mails over one mail connection (`Batch`).
- **The tenant.** Rows are read and written inside their kommune's scope, entered here.
- **Failures.** Each failed attempt is kept on the row (`errors`, `last_error`); the row is tried
  again after OUTBOX_RETRY_MINUTES · 2^(attempt − 1) and given up after OUTBOX_MAX_ATTEMPTS.
- **Interrupted sends.** A row left "sending" for OUTBOX_CLAIM_TIMEOUT_MINUTES (its worker died)
  is put back, counted as an attempt, and sent by the next sweep.
- **Language.** The message is rendered in the language the row's `Message` names (the
  recipient's), Danish when it names none or one the site does not offer.
- **The sweep.** One periodic task (`core.outbox_sweep`) recovers and queues what is due in every
  registered outbox, so a task lost with the broker only delays a message.

Delivery is at least once: a worker killed after the mail server accepted a message but before
the row was marked sent sends it again after the claim timeout. Every message carries a
Message-ID made from its row, the same on every attempt, so a receiving system can tell.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import get_connection
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from core.email import RenderedEmail, send_templated
from core.tenancy import scopes_disabled, tenant_scope

logger = logging.getLogger(__name__)

# Kept on the row when a claim ran out: the worker stopped in the middle of the send.
INTERRUPTED = "Afsendelsen blev afbrudt (arbejdsprocessen stoppede); forsøges igen."
# The last errors kept per row (each attempt adds one).
KEEP_ERRORS = 20
# Rows handed to one send task by the sweep and by `enqueue`.
BATCH_SIZE = 200
# Rows claimed together (`Outbox.claim_together`) and not yet sent after this long are put back,
# so a slow batch never holds a claim near OUTBOX_CLAIM_TIMEOUT_MINUTES.
HOLD_SECONDS = 60
# A batch's mail connection unused for this long is closed and a new one opened: servers drop
# idle connections (Postfix after 300 s), and a row must not fail because its batch was slow.
IDLE_SECONDS = 60


class State:
    """The states every outbox row moves through (`core.models.OutboxState` labels them)."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class Message:
    """One e-mail, as an outbox's `build` returns it: rendered and sent by `send`."""

    to: list[str]
    template: str  # "reminders/email/digest": its _subject.txt, .txt and .html
    context: dict
    language: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    attachments: list[tuple[str, bytes | str, str]] = field(default_factory=list)
    # Handed on to the outbox's `sent` hook (e.g. which reminder items went out).
    data: dict = field(default_factory=dict)


@dataclass
class Skip:
    """Why a row is not sent (no address, consent withdrawn, nothing left to say). Kept on the
    row as its last error, in Danish: HR reads it."""

    reason: str
    state: str = State.SKIPPED
    data: dict = field(default_factory=dict)


@dataclass
class Delivered:
    """What went out, as the row keeps it: the recipient(s) and the subject (an e-mail's, or a
    webhook's event and URL)."""

    to: str
    subject: str
    rendered: object = None  # the RenderedEmail of an e-mail, handed to the `sent` hook


@dataclass
class Batch:
    """The rows sent together: the time of the run, a cache for content that is the same for
    all of them (one meeting's agenda PDF for its thirty members), and one mail connection.

    Django's mail backends open a connection per message unless they are handed an open one:
    for SMTP that is a TCP (and TLS) handshake, EHLO and login for every e-mail. The batch opens
    one with its first e-mail and sends the rest over it. A failed send closes it (its state is
    unknown), and so does a long pause (the server may have dropped it); the next e-mail opens a
    new one. A connection that cannot be opened fails the row being sent, as before: it is
    recorded and retried with backoff."""

    now: datetime.datetime
    cache: dict = field(default_factory=dict)
    # After a failure the rest of the batch is claimed row by row (see `_send_in_scope`).
    one_by_one: bool = False
    _connection: object = field(default=None, repr=False)
    _connection_used: float = 0.0

    def mail_connection(self):
        """The batch's open mail connection, opened now if it has none."""
        if self._connection is not None and time.monotonic() - self._connection_used > IDLE_SECONDS:
            self.close_connection()
        if self._connection is None:
            connection = get_connection(fail_silently=False)
            # Opened here, not by the message: a connection a message opens is closed after it.
            connection.open()
            self._connection = connection
        self._connection_used = time.monotonic()
        return self._connection

    def close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # noqa: BLE001 - a broken connection is dropped, not repaired
                logger.debug("outbox: closing a mail connection failed", exc_info=True)


class Outbox:
    """What an app registers: its table and how one of its rows becomes a message."""

    name: str = ""  # "reminders.digest": task arguments, headers, logs
    model = None  # a concrete OutboxRow
    select_related: tuple[str, ...] = ()
    # The order a batch is sent in: rows that share content (one meeting's agenda) together.
    order_by: tuple[str, ...] = ("pk",)
    # Rows claimed with one statement and read with one query, this many at a time. For rows that
    # are quick to send (a reminder digest); the default, one, claims each row as it is sent,
    # which suits rows that may wait long (a webhook's timeout, a large PDF).
    claim_together: int = 1

    def prefetch(self, rows: list, batch: Batch) -> None:
        """Read what the claimed `rows` need in one query for all of them (e.g. with
        `prefetch_related_objects`), before each is built. Raising only loses the head start."""

    def build(self, row, batch: Batch) -> Message | Skip:
        """The message of one claimed row, or why it is skipped. Raising counts as a failed
        attempt."""
        raise NotImplementedError

    def deliver(
        self, row, message, language: str, headers: dict[str, str], batch: Batch | None = None
    ) -> Delivered:
        """Send one built message, over the batch's mail connection. E-mail by default; the
        API's webhooks post HTTP instead. Raising counts as a failed attempt."""
        rendered = send_templated(
            message.to,
            message.template,
            message.context,
            language,
            headers={**headers, **message.headers},
            attachments=message.attachments,
            connection=batch.mail_connection() if batch is not None else None,
        )
        return Delivered(to=", ".join(message.to), subject=rendered.subject, rendered=rendered)

    def sent(self, row, message: Message, rendered: RenderedEmail) -> None:
        """Runs in the transaction that marks the row sent."""

    def skipped(self, row, skip: Skip) -> None:
        """Runs in the transaction that marks the row skipped."""

    def finished(self, pks: list[int], now: datetime.datetime) -> None:
        """After a batch, in the kommune's scope (e.g. a referat is sent when its e-mails are)."""

    @property
    def max_attempts(self) -> int:
        return settings.OUTBOX_MAX_ATTEMPTS


_registry: dict[str, Outbox] = {}


def register(outbox: type[Outbox]) -> type[Outbox]:
    """Class decorator in an app's `outboxes.py` (found by `core.apps`)."""
    instance = outbox()
    assert instance.name and instance.model is not None, outbox
    _registry[instance.name] = instance
    return outbox


def outboxes() -> list[Outbox]:
    return list(_registry.values())


def get(outbox: Outbox | type[Outbox] | str) -> Outbox:
    if isinstance(outbox, Outbox):
        return outbox
    return _registry[outbox if isinstance(outbox, str) else outbox.name]


# --- sending --------------------------------------------------------------------------------------


def send_one(outbox, pk: int, *, now: datetime.datetime | None = None) -> str:
    """Send one row if it is pending and due. Returns "sent", "failed" (the attempt failed: it is
    retried or given up), the skip's state ("skipped", …) or "not_claimed" (someone else has it,
    it was sent, its retry is not due, or it does not exist)."""
    outcomes = send_many(outbox, [pk], now=now)
    return next(iter(outcomes), "not_claimed")


def send_many(outbox, pks: Iterable[int], *, now: datetime.datetime | None = None) -> dict:
    """Send rows of one outbox, each kommune's inside its scope, with one shared batch."""
    outbox = get(outbox)
    now = now or timezone.now()
    pks = list(pks)
    with scopes_disabled():
        rows = outbox.model.objects.filter(pk__in=pks).values_list("pk", "kommune_id")
        by_kommune: dict[int, list[int]] = defaultdict(list)
        for pk, kommune_id in rows:
            by_kommune[kommune_id].append(pk)
    outcomes: dict[str, int] = {}
    for kommune_id, ids in sorted(by_kommune.items()):
        with tenant_scope(kommune_id):
            _send_in_scope(outbox, sorted(ids), now, outcomes)
    return outcomes


def send_due(outbox, *, now: datetime.datetime | None = None, **filters) -> dict:
    """In a kommune's scope: recover its interrupted rows and send every due one (optionally
    only those matching `filters`, e.g. one meeting's)."""
    outbox = get(outbox)
    now = now or timezone.now()
    recover(outbox, now)
    ids = list(
        _due(outbox, now).filter(**filters).order_by(*outbox.order_by).values_list("pk", flat=True)
    )
    outcomes: dict[str, int] = {}
    _send_in_scope(outbox, ids, now, outcomes)
    return outcomes


def _due(outbox: Outbox, now: datetime.datetime):
    return outbox.model.objects.filter(state=State.PENDING, next_attempt_at__lte=now)


def _send_in_scope(outbox: Outbox, pks: list[int], now, outcomes: dict) -> None:
    batch = Batch(now=now)
    done = []

    def record(pk: int, outcome: str) -> None:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if outcome != "not_claimed":
            done.append(pk)

    todo = list(pks)
    try:
        while todo:
            size = 1 if batch.one_by_one else max(1, outbox.claim_together)
            chunk, todo = todo[:size], todo[size:]
            claimed = _claim(outbox, chunk, now)
            for pk in chunk:
                if pk not in claimed:
                    record(pk, "not_claimed")
            rows = _claimed_rows(outbox, [pk for pk in chunk if pk in claimed], batch)
            for pk in claimed - {row.pk for row in rows}:
                logger.error("outbox %s: claimed row %s has gone", outbox.name, pk)
                record(pk, "error")
            held = time.monotonic()
            for index, row in enumerate(rows):
                if index and (batch.one_by_one or time.monotonic() - held > HOLD_SECONDS):
                    # A row failed (the mail server may be down: each try can take its
                    # timeout), or the chunk is slow: the rest are put back unsent, and the
                    # rest of the batch is claimed row by row, as each is sent.
                    todo = _release(outbox, [r.pk for r in rows[index:]], now) + todo
                    batch.one_by_one = True
                    break
                outcome = _send_row(outbox, row, now, batch)
                if outcome in ("failed", "error"):
                    batch.one_by_one = True
                record(row.pk, outcome)
    finally:
        batch.close_connection()
    if done:
        outbox.finished(done, now)


def _claim(outbox: Outbox, pks: list[int], now) -> set[int]:
    """Turn the rows that are still pending and due from pending to sending; the ones this
    call claimed. Of two workers, a retried task and the sweep, exactly one claims a row."""
    model = outbox.model
    if len(pks) == 1:
        claimed = model.objects.filter(
            pk=pks[0], state=State.PENDING, next_attempt_at__lte=now
        ).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        return set(pks) if claimed else set()
    with transaction.atomic():
        # Locked in primary-key order, as `reminders.digests_build` locks digests: two
        # claimers wait for each other, never deadlock. A row another claimer had locked is
        # "sending" when the lock is released, and no longer matches.
        ids = list(
            model.objects.select_for_update()
            .filter(pk__in=pks, state=State.PENDING, next_attempt_at__lte=now)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if ids:
            model.objects.filter(pk__in=ids).update(
                state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
    return set(ids)


def _claimed_rows(outbox: Outbox, pks: list[int], batch: Batch) -> list:
    """The claimed rows in the order given, read after the claim (what a row says is read once
    nobody can change it any more), with what `prefetch` reads for all of them at once."""
    if not pks:
        return []
    by_pk = outbox.model.objects.select_related(*outbox.select_related).in_bulk(pks)
    rows = [by_pk[pk] for pk in pks if pk in by_pk]
    try:
        outbox.prefetch(rows, batch)
    except (OperationalError, InterfaceError):
        raise
    except Exception:  # noqa: BLE001 - without it each row's `build` reads its own
        logger.exception("outbox %s: prefetching %s rows failed", outbox.name, len(rows))
    return rows


def _release(outbox: Outbox, pks: list[int], now) -> list[int]:
    """Put claimed rows back unsent, as if they had not been claimed: pending, the attempt not
    counted. Only rows still claimed by this batch (at `now`)."""
    outbox.model.objects.filter(pk__in=pks, state=State.SENDING, claimed_at=now).update(
        state=State.PENDING, claimed_at=None, attempts=F("attempts") - 1
    )
    return pks


def _send_row(outbox: Outbox, row, now, batch: Batch) -> str:
    """Build, send and mark one claimed row. A bad row never stops the batch."""
    try:
        return _send(outbox, row, now, batch)
    except (OperationalError, InterfaceError):
        # The database is gone, not the row: the task is retried (core.taskbase); a row claimed
        # before the loss is put back by `recover`.
        raise
    except Exception:  # noqa: BLE001 - a bad row never stops the batch
        # Not even recorded (the database itself failed): the claim timeout brings it back.
        logger.exception("outbox %s: row %s could not be handled", outbox.name, row.pk)
        return "error"


def _send(outbox: Outbox, row, now, batch: Batch) -> str:
    try:
        result = outbox.build(row, batch)
        if isinstance(result, Skip):
            _mark_skipped(outbox, row, result)
            return result.state
        language = _language(getattr(result, "language", ""))
        headers = {"Message-ID": message_id(outbox, row)}
        try:
            delivered = outbox.deliver(row, result, language, headers, batch=batch)
        except Exception:
            # The mail connection may be what failed, or be left mid-conversation: the next
            # row opens a new one.
            batch.close_connection()
            raise
    except Exception as error:  # noqa: BLE001 - recorded on the row, retried with backoff
        _mark_failed(outbox, row, error, now)
        return "failed"
    # Outside the try: once the mail server has the message, a database error here must not be
    # taken for a failed send and retried at once (the claim timeout handles a crash).
    _mark_sent(outbox, row, result, delivered, language)
    return "sent"


def message_id(outbox: Outbox, row) -> str:
    """The same on every attempt of one row: a receiver can recognise a message sent twice."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<{outbox.name}.{row.pk}.{row.created:%Y%m%d%H%M%S}@{domain}>"


def _language(language: str) -> str:
    offered = {code for code, _name in settings.LANGUAGES}
    return language if language in offered else settings.LANGUAGE_CODE


def _mark_sent(outbox, row, message, delivered: Delivered, language: str) -> None:
    with transaction.atomic():
        updated = outbox.model.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=State.SENT,
            sent_at=timezone.now(),
            to_email=delivered.to[:1000],
            subject=delivered.subject[:255],
            language=language,
            last_error="",
            claimed_at=None,
        )
        if updated:
            outbox.sent(row, message, delivered.rendered)


def _mark_skipped(outbox, row, skip: Skip) -> None:
    with transaction.atomic():
        updated = outbox.model.objects.filter(pk=row.pk, state=State.SENDING).update(
            state=skip.state, last_error=skip.reason[:2000], claimed_at=None
        )
        if updated:
            outbox.skipped(row, skip)


def _mark_failed(outbox, row, error: Exception, now) -> None:
    """Keep the error and schedule the retry: 15, 30, 60 … minutes, then give up."""
    logger.warning("outbox %s: row %s failed: %r", outbox.name, row.pk, error)
    text = f"{type(error).__name__}: {error}"[:2000]
    gave_up = row.attempts >= outbox.max_attempts
    backoff = datetime.timedelta(minutes=settings.OUTBOX_RETRY_MINUTES * 2 ** (row.attempts - 1))
    outbox.model.objects.filter(pk=row.pk, state=State.SENDING).update(
        state=State.FAILED if gave_up else State.PENDING,
        next_attempt_at=now + backoff,
        last_error=text,
        errors=[*(row.errors or []), {"at": now.isoformat(), "error": text}][-KEEP_ERRORS:],
        claimed_at=None,
    )
    if gave_up:
        logger.error(
            "outbox %s: gave up row %s after %s attempts", outbox.name, row.pk, row.attempts
        )


def recover(outbox, now: datetime.datetime | None = None) -> int:
    """Rows left "sending" past the claim timeout (their worker died): back to pending, due at
    once, or given up when that was the last attempt. In the active scope, or in all kommuner
    under `scopes_disabled`."""
    outbox = get(outbox)
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.OUTBOX_CLAIM_TIMEOUT_MINUTES)
    stale = outbox.model.objects.filter(state=State.SENDING, claimed_at__lt=cutoff)
    recovered = 0
    for pk, attempts, errors in stale.values_list("pk", "attempts", "errors"):
        gave_up = attempts >= outbox.max_attempts
        recovered += outbox.model.objects.filter(
            pk=pk, state=State.SENDING, claimed_at__lt=cutoff
        ).update(
            state=State.FAILED if gave_up else State.PENDING,
            next_attempt_at=now,
            claimed_at=None,
            last_error=INTERRUPTED,
            errors=[*(errors or []), {"at": now.isoformat(), "error": INTERRUPTED}][-KEEP_ERRORS:],
        )
    if recovered:
        logger.warning("outbox %s: %s interrupted sends put back", outbox.name, recovered)
    return recovered


# --- queueing -------------------------------------------------------------------------------------


def enqueue(outbox, pks: Iterable[int]) -> None:
    """Send these rows in the background once the current transaction commits (never rows it
    rolled back). A broker that is down only delays them: the sweep finds them."""
    outbox, pks = get(outbox), list(pks)
    if pks:
        transaction.on_commit(lambda: queue(outbox, pks), robust=True)


def queue(outbox, pks: Iterable[int]) -> None:
    """Hand rows to the send task now, in batches (for code that runs after its commit)."""
    outbox, pks = get(outbox), list(pks)
    for start in range(0, len(pks), BATCH_SIZE):
        _delay(outbox.name, pks[start : start + BATCH_SIZE])


def _delay(name: str, pks: list[int]) -> None:
    try:
        outbox_send.delay(name, pks)
    except Exception:  # noqa: BLE001 - the broker is down; the sweep sends them later
        logger.warning(
            "outbox %s: could not queue %s rows; the sweep will", name, len(pks), exc_info=True
        )


def sweep(now: datetime.datetime | None = None) -> dict[str, int]:
    """Every registered outbox: put interrupted rows back and queue every due row, per kommune
    in batches. Returns the number of rows queued per outbox."""
    now = now or timezone.now()
    queued = {}
    for outbox in outboxes():
        with scopes_disabled():
            recover(outbox, now)
            rows = list(
                _due(outbox, now)
                .order_by("kommune_id", *outbox.order_by)
                .values_list("kommune_id", "pk")[: settings.OUTBOX_SWEEP_LIMIT]
            )
        by_kommune: dict[int, list[int]] = defaultdict(list)
        for kommune_id, pk in rows:
            by_kommune[kommune_id].append(pk)
        for ids in by_kommune.values():
            queue(outbox, ids)
        queued[outbox.name] = len(rows)
    return queued


@shared_task(name="core.outbox_send")
def outbox_send(name: str, pks: list[int]) -> dict:
    """Send rows of one outbox. Safe to run twice: each row's claim decides."""
    outcomes = send_many(name, pks)
    logger.info("outbox %s: %s", name, outcomes)
    return outcomes


@shared_task(name="core.outbox_sweep")
def outbox_sweep() -> dict:
    return sweep()
