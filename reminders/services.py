"""Planning, grouping and sending of reminders.

The periodic tick does three things per kommune, each safe to repeat:

1. `reminders_plan`: for every open deadline whose current stage (before_30 … after_30,
   escalations) has no reminder row yet, insert one row per recipient. The unique key
   (deadline, recipient, reason) and ON CONFLICT DO NOTHING make a second run, a late run or a
   concurrent run insert nothing new. Only the latest stage is planned: a deadline first seen
   when it is already 40 days overdue gets one "after 30 days" reminder, not six.
2. `digests_build`: group each person's due, unsent items into that person's digest of the day
   (unique per person and day), so a person gets one e-mail, not one per deadline.
3. `digest_send`: the digest is a row of the one outbox (`core.outbox`): claimed with a
   conditional UPDATE (pending → sending), its deadlines re-checked (`reminders.outboxes`), one
   e-mail sent, marked sent. Of two workers only one wins the claim. A failed send is recorded
   and retried with backoff; one bad digest never stops the others.

Exactly once, with one honest exception: if a worker dies after the mail server accepted a
message but before the "sent" mark was committed, the claim expires and the digest is sent again.
Nothing can make SMTP and the database commit together; a rare duplicate beats a statutory
reminder that silently never arrives.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext, ngettext

from core import outbox
from core.history import set_history_user
from core.tenancy import scopes_disabled, tenant_scope
from core.urls import address_of_each
from deadlines.models import Deadline
from organisations.models import Kommune, Person

from .models import Frequency, ReminderDigest, ReminderItem, ReminderPreference
from .recipients import DEADLINE_COLUMNS, Recipient, Resolver
from .stages import DEADLINE_TRACK, Stage, deadline_stages, escalation_stages, horizon_days

logger = logging.getLogger(__name__)

# The registered name of the digests' outbox (reminders.outboxes).
DIGESTS = "reminders.digest"


@dataclass
class TickResult:
    planned: int = 0
    digest_ids: list[int] = field(default_factory=list)
    sent: int = 0
    failed: int = 0


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def current_stage(due_date: datetime.date, today: datetime.date) -> Stage | None:
    """The latest stage of the deadline track that has been reached today."""
    reached = [s for s in deadline_stages() if s.date_for(due_date) <= today]
    return reached[-1] if reached else None


# A tick that inserts this many rows at once (the first tick after go-live or after a large
# import: every open deadline's current stage) refreshes the table's planner statistics before
# the statements that follow. Otherwise PostgreSQL plans them for the table as it was before the
# insert — possibly empty — and a nested loop over tens of thousands of new rows takes minutes
# instead of a second. ANALYZE sees the transaction's own new rows; small ticks never pay for it.
ANALYZE_AFTER_ROWS = 1000


def _analyze(model) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


# --- 1. planning ---------------------------------------------------------------------------------


def _unplanned_deadlines(today: datetime.date):
    """Open deadlines whose current stage, or a reached escalation, has no reminder row yet.

    The stage is computed in the database, so a tick in steady state reads only the handful of
    deadlines that reached a new stage today — not every open deadline of the kommune."""
    stage = Case(
        *[
            When(due_date__lte=today - _days(s.offset), then=Value(s.reason))
            for s in reversed(deadline_stages())
        ],
        default=Value(""),
        output_field=CharField(),
    )

    def missing(reason) -> Exists:
        return ~Exists(ReminderItem.objects.filter(deadline=OuterRef("pk"), reason=reason))

    needed = missing(OuterRef("stage"))
    for esc in escalation_stages():
        needed |= Q(due_date__lte=today - _days(esc.offset)) & missing(esc.reason)
    return (
        Deadline.objects.open()
        .filter(due_date__lte=today + _days(horizon_days()))
        .annotate(stage=stage)
        .filter(needed)
        .order_by("pk")
        .values(*DEADLINE_COLUMNS)
    )


def _item(
    kommune_id: int, deadline: dict, stage: Stage, recipient: Recipient, today
) -> ReminderItem:
    item = ReminderItem(
        kommune_id=kommune_id,
        deadline_id=deadline["pk"],
        recipient_id=recipient.person_id,
        reason=stage.reason,
        track=stage.track,
        basis=recipient.basis,
        basis_role=recipient.role,
        basis_unit_id=recipient.unit_id,
        planned_for=stage.date_for(deadline["due_date"]),
        due_date=deadline["due_date"],
    )
    # Recorded, not silently dropped: HR sees who could not be reached and why.
    if recipient.contact.has_left(today):
        item.state, item.skip_reason = ReminderItem.State.SKIPPED, ReminderItem.SkipReason.LEFT
    elif not recipient.contact.email:
        item.state, item.skip_reason = ReminderItem.State.SKIPPED, ReminderItem.SkipReason.NO_EMAIL
    return item


def _items_for(kommune_id: int, deadline: dict, resolver: Resolver, today) -> list[ReminderItem]:
    items = []
    stage = current_stage(deadline["due_date"], today)
    responsible = resolver.responsible(deadline)
    if stage is not None:
        items += [_item(kommune_id, deadline, stage, r, today) for r in responsible]
    overdue = (today - deadline["due_date"]).days
    reached = [esc for esc in escalation_stages() if overdue >= esc.offset]
    if reached:
        chain = resolver.leader_chain(deadline, exclude={r.person_id for r in responsible})
        for esc, leader in zip(reached, chain, strict=False):
            items.append(_item(kommune_id, deadline, esc, leader, today))
    if not responsible:
        # Debug only: it is looked at again every tick until someone holds the role, and the
        # compliance overview already shows HR the committee without a formand.
        logger.debug("reminders: deadline %s has nobody to remind", deadline["pk"])
    return items


def _insert_new(items: list[ReminderItem]) -> None:
    """Insert the planned rows in their order, leaving out any that a concurrent tick inserted
    first (the unique deadline, recipient and reason).

    On PostgreSQL the rows are copied (COPY) into a temporary table and inserted from it with
    one statement: the first tick after go-live plans tens of thousands of rows, and building
    Django's multi-row INSERT for every 500 of them took longer than the database's own work.
    Elsewhere (SQLite) `bulk_create`."""
    if not items:
        return
    if connection.vendor != "postgresql":
        ReminderItem.objects.bulk_create(items, batch_size=500, ignore_conflicts=True)
        return
    fields = [f for f in ReminderItem._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    table = connection.ops.quote_name(ReminderItem._meta.db_table)
    stamped = [getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE reminders_new_items ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        with cursor.copy(f"COPY reminders_new_items ({columns}) FROM STDIN") as copy:
            for item in items:
                copy.write_row(
                    [
                        now if stamp else getattr(item, field.attname)
                        for field, stamp in zip(fields, stamped, strict=True)
                    ]
                )
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM reminders_new_items "
            "ORDER BY deadline_id, recipient_id, reason ON CONFLICT DO NOTHING"
        )
        cursor.execute("DROP TABLE reminders_new_items")


def reminders_plan(kommune: Kommune, *, today: datetime.date) -> int:
    """Insert the reminder rows that today's stages call for. Call in the kommune's scope."""
    deadlines = list(_unplanned_deadlines(today))
    resolver = Resolver(deadlines, today)
    items: list[ReminderItem] = []
    for deadline in deadlines:
        try:
            items += _items_for(kommune.pk, deadline, resolver, today)
        except Exception:
            logger.exception("reminders: could not plan deadline %s", deadline["pk"])
    # Sorted so that concurrent ticks insert in the same order and wait on, never deadlock with,
    # each other.
    items.sort(key=lambda i: (i.deadline_id, i.recipient_id, i.reason))
    _insert_new(items)
    if len(items) >= ANALYZE_AFTER_ROWS:
        _analyze(ReminderItem)

    waiting = ReminderItem.objects.filter(state=ReminderItem.State.PENDING, digest__isnull=True)
    # A newer stage of the same deadline replaces an older one still waiting (a weekly digest
    # held "30 days before" back, and now "7 days before" is due): one current message.
    newer = ReminderItem.objects.filter(
        deadline=OuterRef("deadline"),
        recipient=OuterRef("recipient"),
        track=OuterRef("track"),
        planned_for__gt=OuterRef("planned_for"),
    )
    waiting.filter(Exists(newer)).update(state=ReminderItem.State.SUPERSEDED)
    # Fulfilled, waived or lapsed since it was planned: nothing to remind of.
    waiting.exclude(deadline__state=Deadline.State.OPEN).update(state=ReminderItem.State.CANCELLED)
    return len(items)


# --- 2. grouping ---------------------------------------------------------------------------------


def _groupable_items(today: datetime.date):
    items = ReminderItem.objects.filter(
        state=ReminderItem.State.PENDING, digest__isnull=True, planned_for__lte=today
    )
    if today.weekday() != 0:
        # Weekly digests hold back only the reminders before a deadline. On the day, after it
        # and escalations are statutory follow-up and cannot wait for Monday.
        items = items.exclude(
            track=DEADLINE_TRACK,
            reason__startswith="before_",
            recipient__reminder_preference__frequency=Frequency.WEEKLY,
        )
    return items


def digests_build(
    kommune: Kommune, *, today: datetime.date, now: datetime.datetime | None = None
) -> int:
    """Put each person's due items into their digest of the day. Call in scope, in a transaction.

    A new digest is due at the tick's own `now`, so the tick that builds it also sends it (its
    default, the time of the insert, lies after the tick's `now` and waited for the next tick)."""
    now = now or timezone.now()
    items = _groupable_items(today)
    recipients = list(
        items.order_by("recipient_id").values_list("recipient_id", flat=True).distinct()
    )
    if not recipients:
        return 0
    ReminderDigest.objects.bulk_create(
        [
            ReminderDigest(kommune_id=kommune.pk, recipient_id=pk, day=today, next_attempt_at=now)
            for pk in recipients
        ],
        ignore_conflicts=True,
    )
    if len(recipients) >= ANALYZE_AFTER_ROWS:
        _analyze(ReminderDigest)
    # Today's digest came to nothing earlier (its deadlines were fulfilled before it went out):
    # it is still the one digest of the day, so it takes the new items.
    ReminderDigest.objects.filter(
        day=today, state=ReminderDigest.State.EMPTY, recipient_id__in=recipients
    ).update(state=ReminderDigest.State.PENDING)
    # Lock today's pending digests while items are added: a sender's claim (pending → sending)
    # waits for this transaction, so it never sends a digest while items are being added to it.
    # A digest already sent today is not pending: its person's new items wait for tomorrow.
    open_digests = list(
        ReminderDigest.objects.select_for_update()
        .filter(day=today, state=ReminderDigest.State.PENDING, recipient_id__in=recipients)
        .order_by("pk")
        .values_list("recipient_id", flat=True)
    )
    todays_digest = (
        ReminderDigest.objects.filter(
            recipient=OuterRef("recipient"), day=today, state=ReminderDigest.State.PENDING
        )
        .order_by()
        .values("pk")[:1]
    )
    return items.filter(recipient_id__in=open_digests).update(digest=Subquery(todays_digest))


def reminders_prepare(
    kommune: Kommune | int,
    *,
    now: datetime.datetime | None = None,
    on_ready: Callable[[list[int]], object] | None = None,
) -> TickResult:
    """Plan and group one kommune's reminders, and return the digests due for sending.

    `on_ready(digest_ids)` (`core.outbox.queue`) runs after the commit, so a worker never
    picks up a digest this transaction has not committed — or one it rolled back."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = TickResult()
    if isinstance(kommune, int):
        with scopes_disabled():
            kommune = Kommune.objects.get(pk=kommune)
    with tenant_scope(kommune), transaction.atomic():
        outbox.recover(DIGESTS, now)
        result.planned = reminders_plan(kommune, today=today)
        # Grouping waits for the morning: after the nightly deadline re-evaluation, and not at
        # night. Planning above runs anyway, so the morning tick has little left to do.
        if timezone.localtime(now).hour >= settings.REMINDER_SEND_HOUR:
            digests_build(kommune, today=today, now=now)
        result.digest_ids = list(
            ReminderDigest.objects.filter(
                state=ReminderDigest.State.PENDING, next_attempt_at__lte=now
            )
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        if on_ready is not None and result.digest_ids:
            ids = list(result.digest_ids)
            transaction.on_commit(lambda: on_ready(ids), robust=True)
    return result


# --- 3. sending ----------------------------------------------------------------------------------


def digest_send(digest_id: int, *, now: datetime.datetime | None = None) -> str:
    """Send one digest if it is still pending and due (`core.outbox.send_one`): "sent",
    "failed", "empty" or "not_claimed" (another worker has it, it was sent, or its retry is not
    due). What goes in it is `reminders.outboxes.DigestOutbox`."""
    return outbox.send_one(DIGESTS, digest_id, now=now)


def digest_context(
    recipient: Person,
    items: list[ReminderItem],
    today: datetime.date,
    *,
    sources: dict[str, str] | None = None,
) -> dict:
    """One entry per deadline with the reasons this person gets it. Titles, sources and role
    names stay lazy objects: the e-mail helper renders them in the recipient's language.
    `sources`: the kommune's `rule_sources`, when the caller has them (a batch of digests)."""
    from deadlines.sources import rule_sources

    if sources is None:
        sources = rule_sources(recipient.kommune_id)
    entries: dict[int, dict] = {}
    # Each deadline's page: the address reversed once, with each deadline's id put in its place
    # (a leader's digest links a hundred deadlines).
    detail = address_of_each("deadlines:detail")
    for item in items:
        deadline = item.deadline
        entry = entries.get(deadline.pk)
        if entry is None:
            rule = deadline.rule_obj
            days = (deadline.due_date - today).days
            entry = entries[deadline.pk] = {
                "deadline": deadline,
                "source": sources.get(deadline.rule) or deadline.source,
                "url": _absolute(detail(deadline.public_id)),
                "action": _absolute_action(rule, deadline),
                "what_to_do": rule.what_to_do if rule else "",
                "responsible": deadline.person or deadline.committee,
                "days_left": max(days, 0),
                "days_overdue": max(-days, 0),
                "status": _status(days),
                "items": [],
                "own": False,
                "escalation": False,
            }
        entry["items"].append(item)
        entry["escalation" if item.is_escalation else "own"] = True
    return {
        "recipient": recipient,
        "entries": list(entries.values()),
        "overdue_count": sum(1 for e in entries.values() if e["days_overdue"]),
        "today": today,
        "site_url": _own_page_url(),
    }


def status_text(days: int) -> str:
    """A deadline's status in the active language: due in `days` (negative: overdue)."""
    if days < 0:
        return ngettext(
            "Fristen er overskredet med %(counter)s dag.",
            "Fristen er overskredet med %(counter)s dage.",
            -days,
        ) % {"counter": -days}
    if days > 0:
        return ngettext(
            "Fristen er om %(counter)s dag.", "Fristen er om %(counter)s dage.", days
        ) % {"counter": days}
    return gettext("Fristen er i dag.")


# Lazy: made in the recipient's language when the e-mail is rendered.
_status = lazy(status_text, str)


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _absolute_action(rule, deadline):
    """The action that fulfils the deadline, with an absolute address for the e-mail."""
    action = rule.action(deadline) if rule and deadline.state == deadline.State.OPEN else None
    if action is None:
        return None
    return {"label": action.label, "url": _absolute(action.url)}


def _own_page_url() -> str:
    """The person's own reminders page, or the site when that page is not routed."""
    try:
        return settings.SITE_URL.rstrip("/") + reverse("reminders:mine")
    except NoReverseMatch:
        return settings.SITE_URL


# --- the whole tick, in-process --------------------------------------------------------------------


def reminders_run(*, now: datetime.datetime | None = None) -> TickResult:
    """Prepare every kommune and send what is due, in this process. Celery runs the same steps
    as separate tasks (`reminders.tasks`); this is for tests and `manage.py shell`."""
    now = now or timezone.now()
    total = TickResult()
    with scopes_disabled():
        kommune_ids = list(Kommune.objects.order_by("pk").values_list("pk", flat=True))
    for kommune_id in kommune_ids:
        try:
            prepared = reminders_prepare(kommune_id, now=now)
        except Exception:
            logger.exception("reminders: preparing kommune %s failed", kommune_id)
            continue
        total.planned += prepared.planned
        total.digest_ids += prepared.digest_ids
        # In batches, as the outbox's task sends what `reminders_tick_kommune` queues.
        ids = prepared.digest_ids
        for start in range(0, len(ids), outbox.BATCH_SIZE):
            outcomes = outbox.send_many(DIGESTS, ids[start : start + outbox.BATCH_SIZE], now=now)
            total.sent += outcomes.get("sent", 0)
            total.failed += outcomes.get("failed", 0)
    return total


# --- preferences ---------------------------------------------------------------------------------


def preference_for(person: Person) -> ReminderPreference:
    """The person's preference, or the default (daily) when they never chose."""
    try:
        return person.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(kommune_id=person.kommune_id, person=person)


@transaction.atomic
def preference_set(
    person: Person, *, frequency: str, language: str, acting_user=None
) -> ReminderPreference:
    """A person chooses how often their digest comes and the language of what the system sends
    them (kept on the person: every e-mail uses it). Statutory reminders cannot be switched off:
    weekly only holds the "before" reminders back until Monday."""
    preference = preference_for(person)
    preference.frequency = Frequency(frequency)
    set_history_user(preference, acting_user)
    preference.save()
    if person.language != language:
        person.language = language
        set_history_user(person, acting_user)
        person.save(update_fields=["language"])
    return preference
