"""The reminder digests' outbox (core.outbox): what one digest says, re-checked when it is sent."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone

from core import outbox
from deadlines.models import Deadline
from deadlines.sources import rule_sources

from .models import ReminderDigest, ReminderItem
from .services import DIGESTS, digest_context


@outbox.register
class DigestOutbox(outbox.Outbox):
    name = DIGESTS
    model = ReminderDigest
    select_related = ("recipient",)
    # The first tick after go-live sends thousands of digests: claimed and read 50 at a time,
    # with their items in one query, instead of three queries each.
    claim_together = 50

    def prefetch(self, digests: list[ReminderDigest], batch: outbox.Batch) -> None:
        """The pending items of claimed digests, read after the claim: nothing is added to a
        digest once it is no longer pending (`digests_build` only fills pending ones)."""
        prefetch_related_objects(digests, Prefetch("items", _pending_items(), to_attr="pending"))

    def build(self, digest: ReminderDigest, batch: outbox.Batch) -> outbox.Message | outbox.Skip:
        """The digest's items still worth sending. A deadline fulfilled, waived or lapsed since
        it was planned is not reminded of; a person who left or has no address gets nothing
        (their items are kept as skipped, with the cause)."""
        recipient = digest.recipient
        today = timezone.localdate(batch.now)
        items = getattr(digest, "pending", None)
        if items is None:
            items = list(_pending_items().filter(digest=digest))
        live = [i.pk for i in items if i.deadline.state == Deadline.State.OPEN]
        closed = [i.pk for i in items if i.deadline.state != Deadline.State.OPEN]
        skip_reason = ""
        if recipient.left_on is not None and recipient.left_on <= today:
            skip_reason = ReminderItem.SkipReason.LEFT
        elif not recipient.email:
            skip_reason = ReminderItem.SkipReason.NO_EMAIL
        live_set = set(live)
        data = {"live": live, "closed": closed, "skip_reason": skip_reason}
        if not live or skip_reason:
            reason = ReminderItem.SkipReason(skip_reason).label if skip_reason else ""
            return outbox.Skip(str(reason), state=ReminderDigest.State.EMPTY, data=data)
        return outbox.Message(
            to=[recipient.email],
            template="reminders/email/digest",
            context=digest_context(
                recipient,
                [i for i in items if i.pk in live_set],
                today,
                sources=_sources(batch, digest.kommune_id),
            ),
            language=recipient.message_language,
            headers={"X-MED-Reminder": str(digest.public_id)},
            data=data,
        )

    def sent(self, digest, message, rendered) -> None:
        ReminderItem.objects.filter(pk__in=message.data["live"]).update(
            state=ReminderItem.State.SENT, sent_at=timezone.now()
        )
        self._cancel(message.data["closed"])

    def skipped(self, digest, skip) -> None:
        self._cancel(skip.data["closed"])
        if skip.data["skip_reason"]:
            ReminderItem.objects.filter(pk__in=skip.data["live"]).update(
                state=ReminderItem.State.SKIPPED, skip_reason=skip.data["skip_reason"]
            )

    @staticmethod
    def _cancel(pks: list[int]) -> None:
        if pks:
            ReminderItem.objects.filter(pk__in=pks).update(state=ReminderItem.State.CANCELLED)


def _pending_items():
    return (
        ReminderItem.objects.filter(state=ReminderItem.State.PENDING)
        .select_related("deadline", "deadline__person", "deadline__committee", "basis_unit")
        .order_by("deadline__due_date", "deadline_id", "track", "pk")
    )


def _sources(batch: outbox.Batch, kommune_id: int) -> dict[str, str]:
    """The kommune's rule sources, read once per batch (a batch is one kommune's)."""
    key = ("reminders.rule_sources", kommune_id)
    if key not in batch.cache:
        batch.cache[key] = rule_sources(kommune_id)
    return batch.cache[key]
