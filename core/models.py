"""Rows the shared layer keeps for every app: uploaded files, outbox rows, background imports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel


class StoredFile(models.Model):
    """What every uploaded file keeps beside its opaque storage name: the name it was uploaded
    with (shown, never used as a path), its checked type and size, and when. The file field and
    who uploaded it belong to each concrete model (meetings' bilag, incidents' photos)."""

    name = models.CharField(_("filnavn"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    size = models.PositiveIntegerField(_("størrelse"), default=0)
    uploaded_at = models.DateTimeField(_("uploadet"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class OutboxState(models.TextChoices):
    PENDING = "pending", _("Venter")
    SENDING = "sending", _("Sendes")
    SENT = "sent", _("Sendt")
    FAILED = "failed", _("Opgivet efter fejl")
    SKIPPED = "skipped", _("Ikke sendt")


class OutboxRow(TenantModel):
    """One message to send and, once sent, the record of what went out (see `core.outbox`).
    Each app's table adds what the message is about (recipient, meeting, incident …)."""

    State = OutboxState

    state = models.CharField(
        _("tilstand"), max_length=10, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("forsøg"), default=0)
    next_attempt_at = models.DateTimeField(_("næste forsøg"), default=timezone.now)
    claimed_at = models.DateTimeField(_("påbegyndt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    # What went out, as it was then (an address may change later).
    to_email = models.CharField(_("sendt til"), max_length=1000, blank=True)
    subject = models.CharField(_("emne"), max_length=255, blank=True)
    language = models.CharField(_("sprog"), max_length=10, blank=True)
    # Why it failed last, or why it was not sent; every failed attempt is kept in `errors`:
    # [{"at": iso time, "error": text}], so HR can see what happened.
    last_error = models.TextField(_("seneste fejl"), blank=True)
    errors = models.JSONField(_("fejl"), default=list, blank=True)
    created = models.DateTimeField(_("oprettet"), default=timezone.now)

    class Meta:
        abstract = True
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="%(class)s_due")]


class ImportJob(TenantModel):
    """A large CSV/XLSX import run by a Celery worker instead of the request (a file of 3,000
    people takes minutes). First a dry run checks every row; when it is clean, the HR member
    who uploaded the file confirms, and the real import runs in one transaction: any bad row
    rejects the whole file, as in the admin's own import."""

    class State(models.TextChoices):
        CHECKING = "checking", _("Kontrolleres")
        CHECKED = "checked", _("Klar til import")
        INVALID = "invalid", _("Fejl i filen")
        IMPORTING = "importing", _("Importeres")
        DONE = "done", _("Importeret")
        FAILED = "failed", _("Fejlede")

    RUNNING = (State.CHECKING, State.IMPORTING)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    model = models.CharField(_("data"), max_length=100)  # "organisations.person"
    file_format = models.PositiveSmallIntegerField(_("format"))  # index of import_formats
    file_name = models.CharField(_("fil"), max_length=255)
    data = models.BinaryField(_("indhold"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("importeret af"),
    )
    state = models.CharField(
        _("tilstand"), max_length=10, choices=State.choices, default=State.CHECKING
    )
    rows = models.PositiveIntegerField(_("rækker"), default=0)
    # Rows new / updated / unchanged, as counted by the last run (dry or real).
    totals = models.JSONField(_("optælling"), default=dict, blank=True)
    # [{"row": 12, "messages": ["…"]}, …], the first ERROR_LIMIT rows with errors.
    errors = models.JSONField(_("fejl"), default=list, blank=True)
    error_rows = models.PositiveIntegerField(_("rækker med fejl"), default=0)
    claimed_at = models.DateTimeField(_("startet"), null=True, blank=True)
    created = models.DateTimeField(_("oprettet"), auto_now_add=True)
    finished_at = models.DateTimeField(_("færdig"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def running(self) -> bool:
        return self.state in self.RUNNING


class PeriodicRun(models.Model):
    """A periodic job's run in one period (core.periodic): the unique key lets one beat's run
    through and stops the same period's run from a second beat."""

    task = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["task", "period_start"], name="periodicrun_once")
        ]

    def __str__(self) -> str:
        return f"{self.task} {self.period_start:%Y-%m-%d %H:%M}"


class RetentionPolicy(TenantModel):
    """A kommune's retention period for one kind of personal data (core.privacy), within the
    bounds the law allows. Until `enabled`, the nightly run only counts (a dry run)."""

    category = models.CharField(_("oplysninger"), max_length=60)
    days = models.PositiveIntegerField(_("opbevares i dage"))
    enabled = models.BooleanField(
        _("slet/anonymisér automatisk"),
        default=False,
        help_text=_(
            "Slået fra: natten tæller kun, hvad der ville blive slettet eller anonymiseret "
            "(prøvekørsel). Slå til, når prøvekørslen er læst."
        ),
    )

    class Meta:
        verbose_name = _("opbevaringsperiode")
        verbose_name_plural = _("opbevaringsperioder")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "category"], name="retentionpolicy_unique")
        ]

    def __str__(self) -> str:
        from core.privacy import get_retention

        try:
            return str(get_retention(self.category).label)
        except KeyError:
            return self.category

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        from core.privacy import get_retention

        item = get_retention(self.category)
        if self.days is not None and not item.min_days <= self.days <= item.max_days:
            raise ValidationError(
                {
                    "days": _("Vælg mellem %(min)s og %(max)s dage (%(basis)s).")
                    % {"min": item.min_days, "max": item.max_days, "basis": item.basis}
                }
            )


class RetentionRun(TenantModel):
    """What one night's retention run found (and, when switched on, did) for one kind of data
    in one kommune: the record HR and the DPO read."""

    category = models.CharField(_("oplysninger"), max_length=60)
    ran_at = models.DateTimeField(_("kørt"), default=timezone.now)
    days = models.PositiveIntegerField(_("opbevaringsperiode (dage)"))
    cutoff = models.DateTimeField(_("ældre end"))
    dry_run = models.BooleanField(_("prøvekørsel"), default=True)
    found = models.PositiveIntegerField(_("fundet"), default=0)
    done = models.PositiveIntegerField(_("slettet/anonymiseret"), default=0)
    error = models.TextField(_("fejl"), blank=True)

    class Meta:
        verbose_name = _("sletningskørsel")
        verbose_name_plural = _("sletningskørsler")
        ordering = ["-ran_at"]
        indexes = [models.Index(fields=["kommune", "category", "-ran_at"])]

    def __str__(self) -> str:
        return f"{self.category} {self.ran_at:%Y-%m-%d}"
