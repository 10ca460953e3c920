"""Emailed reminders are rows, not timers.

- `ReminderItem`: one reminder of one deadline to one person for one reason (`before_7`, `due`,
  `escalation_leader`, …). Unique per (deadline, recipient, reason): planning it again is a no-op,
  which is what makes a tick that runs twice, late or on two workers harmless. A reminder that
  could not be sent (the person left, no e-mail address) is kept as `skipped` with the cause.
- `ReminderDigest`: the one e-mail a person gets on a day, listing their items. Unique per
  (recipient, day). Sending claims it (pending → sending) with a conditional UPDATE, so only one
  worker ever sends it; failures are recorded and retried with backoff.
- `ReminderPreference`: how often a person wants the digest (the language is the person's). Statutory
  reminders cannot be switched off; weekly only holds back the "before" reminders until Monday.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.models import OutboxRow
from core.tenancy import TenantModel, kommune_field, tenant_history

from .stages import DEADLINE_TRACK, ESCALATION_TRACK, reason_label


class Frequency(models.TextChoices):
    DAILY = "daily", _("Dagligt")
    WEEKLY = "weekly", _("Ugentligt (mandag)")


class ReminderPreference(TenantModel):
    person = models.OneToOneField(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("person"),
    )
    frequency = models.CharField(
        _("hyppighed"),
        max_length=10,
        choices=Frequency.choices,
        default=Frequency.DAILY,
        help_text=_(
            "Ugentligt samler påmindelserne før en frist til mandag. Påmindelser på fristdagen, "
            "efter fristen og eskaleringer kommer altid samme dag – de kan ikke fravælges."
        ),
    )
    history = tenant_history()

    class Meta:
        verbose_name = _("indstilling for påmindelser")
        verbose_name_plural = _("indstillinger for påmindelser")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_frequency_display()}"


class ReminderDigest(OutboxRow):
    """The one e-mail a person gets on a day: an outbox row (core.outbox) listing its items."""

    class State(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Opgivet efter fejl")
        SKIPPED = "skipped", _("Ikke sendt")
        EMPTY = "empty", _("Intet at sende")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="reminder_digests",
        verbose_name=_("modtager"),
    )
    day = models.DateField(_("dag"))
    state = models.CharField(
        _("tilstand"), max_length=10, choices=State.choices, default=State.PENDING
    )

    class Meta(OutboxRow.Meta):
        verbose_name = _("påmindelse (samlet e-mail)")
        verbose_name_plural = _("påmindelser (samlede e-mails)")
        ordering = ["-day", "recipient__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="reminderdigest_unique_day")
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.day:%d.%m.%Y}"


class ReminderItem(TenantModel):
    # The planner inserts and the senders update tens of thousands of these in the first tick
    # after go-live (issue 15: at L ≤ 30 s): the kommune, the deadline and the recipient are
    # each the first column of an index below, so their single indexes are left out.
    kommune = kommune_field(db_index=False)

    class State(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENT = "sent", _("Sendt")
        SKIPPED = "skipped", _("Ikke sendt")
        SUPERSEDED = "superseded", _("Erstattet af en nyere påmindelse")
        CANCELLED = "cancelled", _("Bortfaldet (fristen er lukket)")

    class SkipReason(models.TextChoices):
        NONE = "", _("—")
        LEFT = "left", _("Personen er fratrådt")
        NO_EMAIL = "no_email", _("Personen har ingen e-mailadresse")

    class Track(models.TextChoices):
        DEADLINE = DEADLINE_TRACK, _("Påmindelse")
        ESCALATION = ESCALATION_TRACK, _("Eskalering")

    class Basis(models.TextChoices):
        """Why this person gets the reminder (shown in the e-mail and to HR)."""

        RESPONSIBLE = "responsible", _("Fristen er personens egen")
        COMMITTEE = "committee", _("Rolle i det ansvarlige udvalg")
        LEADER = "leader", _("Ansvarlig leder")
        LEADER_UP = "leader_up", _("Overliggende ledelsesniveau")

    deadline = models.ForeignKey(
        "deadlines.Deadline",
        on_delete=models.CASCADE,
        related_name="reminder_items",
        verbose_name=_("frist"),
        db_index=False,  # reminderitem_unique_reason starts with it
    )
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="reminder_items",
        verbose_name=_("modtager"),
        db_index=False,  # the (recipient, state) index starts with it
    )
    reason = models.CharField(_("anledning"), max_length=30)
    track = models.CharField(_("spor"), max_length=12, choices=Track.choices)
    basis = models.CharField(_("modtager fordi"), max_length=12, choices=Basis.choices)
    # The committee role (formand, næstformand, leder, AMR) for `committee`.
    basis_role = models.CharField(_("rolle"), max_length=30, blank=True)
    # The unit whose leader the recipient is, for `leader` and `leader_up`.
    basis_unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("leder for"),
    )
    planned_for = models.DateField(_("planlagt til"))
    due_date = models.DateField(_("frist"), help_text=_("Fristen da påmindelsen blev planlagt."))
    state = models.CharField(
        _("tilstand"), max_length=12, choices=State.choices, default=State.PENDING
    )
    skip_reason = models.CharField(
        _("ikke sendt fordi"), max_length=10, choices=SkipReason.choices, blank=True
    )
    digest = models.ForeignKey(
        ReminderDigest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="items",
        verbose_name=_("samlet e-mail"),
    )
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("påmindelse om en frist")
        verbose_name_plural = _("påmindelser om frister")
        ordering = ["-planned_for", "due_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "recipient", "reason"], name="reminderitem_unique_reason"
            )
        ]
        indexes = [
            models.Index(fields=["kommune", "state", "planned_for"]),
            models.Index(fields=["recipient", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.deadline.title} → {self.recipient} ({self.reason_label})"

    @property
    def reason_label(self) -> str:
        return reason_label(self.reason)

    @property
    def basis_role_label(self):
        """Lazy: rendered in the recipient's language inside the e-mail helper."""
        from committees.models import Membership

        try:
            return Membership.Role(self.basis_role).label
        except ValueError:
            return self.basis_role

    @property
    def is_escalation(self) -> bool:
        return self.track == self.Track.ESCALATION

    @property
    def why(self) -> str:
        """Why this person gets the reminder: one sentence in the active language (the e-mail
        helper renders a digest in the recipient's), for the e-mail and the person's own pages.
        A sentence made here costs a fraction of a template include with `blocktranslate`,
        which the digest of a leader with hundreds of items notices."""
        if self.basis == self.Basis.RESPONSIBLE:
            return gettext("Du får denne påmindelse, fordi fristen er din.")
        if self.basis == self.Basis.COMMITTEE:
            return gettext(
                "Du får denne påmindelse, fordi du har rollen “%(role)s” i %(committee)s, som "
                "fristen hører under."
            ) % {"role": self.basis_role_label, "committee": self.deadline.committee}
        if self.basis == self.Basis.LEADER:
            return gettext(
                "Du får denne påmindelse, fordi du er leder for %(unit)s, hvor fristen hører til, "
                "og fristen er overskredet."
            ) % {"unit": self.basis_unit}
        if self.basis == self.Basis.LEADER_UP:
            return gettext(
                "Du får denne påmindelse, fordi du er leder for %(unit)s – ledelsesniveauet over "
                "den ansvarlige leder – og fristen stadig er overskredet (inddragelse af det "
                "overliggende ledelsesniveau)."
            ) % {"unit": self.basis_unit}
        return ""
