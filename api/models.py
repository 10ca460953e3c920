"""The API's clients (systems of one kommune with scoped, hashed tokens), the webhook endpoints
they subscribe, and the outbox of webhook deliveries (core.outbox)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxRow
from core.tenancy import TenantModel, tenant_history


class Scope(models.TextChoices):
    """What a client may do. Read scopes never include union membership or health data: no
    endpoint serves them."""

    ORG_READ = "org:read", _("Læse organisation, personer og udvalg")
    ORG_WRITE = "org:write", _("Ændre organisation, personer, ansættelser og medlemskaber")
    DEADLINES_READ = "deadlines:read", _("Læse frister og overblik")
    TRAINING_READ = "training:read", _("Læse kursustilmeldinger og gennemførte kurser")
    TRAINING_WRITE = "training:write", _("Registrere gennemførte kurser")
    DOCUMENTS_READ = "documents:read", _("Læse møder, dagsordener og offentliggjorte referater")
    APV_READ = "apv:read", _("Læse APV-forløb og handlingsplaner")
    INCIDENTS_READ = "incidents:read", _("Læse antal hændelser (aldrig helbredsoplysninger)")
    WEBHOOKS = "webhooks", _("Modtage hændelser (webhooks)")


class ApiClient(TenantModel):
    """A system of the kommune (HR/payroll, ESDH …) that calls the API. Its token is shown once
    when created and stored only as a SHA-256 hash; the prefix names it in logs and lists.

    The client acts through its own user account (no password, no login): the history of what
    it writes names that account, and the access modules decide for it as for HR of the whole
    kommune — the same decision, not a second door."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=120)
    scopes = models.JSONField(_("rettigheder"), default=list)
    token_prefix = models.CharField(_("nøgle-id"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_client",
        editable=False,
    )
    expires_at = models.DateTimeField(
        _("udløber"), null=True, blank=True, help_text=_("Tom: udløber ikke.")
    )
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senest brugt"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("oprettet af"),
    )
    created = models.DateTimeField(_("oprettet"), default=timezone.now, editable=False)

    history = tenant_history(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API-klient")
        verbose_name_plural = _("API-klienter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_usable(self) -> bool:
        now = timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class ApiAuditEntry(TenantModel):
    """Every write through the API (and every refused call), HR reads them per client."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="audit", verbose_name=_("klient")
    )
    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    method = models.CharField(_("metode"), max_length=10)
    path = models.CharField(_("adresse"), max_length=500)
    status = models.PositiveSmallIntegerField(_("svar"))
    summary = models.TextField(_("hvad"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-logpost")
        verbose_name_plural = _("API-log")
        ordering = ["-at"]


class WebhookEndpoint(TenantModel):
    """An address of the kommune's that receives events. Every delivery is signed with the
    endpoint's secret (HMAC-SHA256 over the timestamp and the body)."""

    class Kind(models.TextChoices):
        EVENTS = "events", _("Hændelser (JSON)")
        JOURNAL = "journal", _("Journalisering i ESDH (referat-PDF og metadata)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=120)
    url = models.URLField(_("adresse"), max_length=500)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.EVENTS)
    events = models.JSONField(
        _("hændelser"), default=list, blank=True, help_text=_("Tom: alle hændelser.")
    )
    secret = models.CharField(_("hemmelighed"), max_length=80, editable=False)
    active = models.BooleanField(_("aktiv"), default=True)
    # The journalising adapter: the kommune's case number (sagsnummer) for a committee's
    # referater, by committee public id; a default for the rest.
    case_numbers = models.JSONField(
        _("sagsnumre pr. udvalg"),
        default=dict,
        blank=True,
        help_text=_(
            'Udvalgets id og sagsnummer, fx {"3f0c…": "00.01.00-A00-1-24"}; bruges når mødet '
            "selv intet sagsnummer har."
        ),
    )
    default_case_number = models.CharField(_("sagsnummer"), max_length=80, blank=True)
    created = models.DateTimeField(_("oprettet"), default=timezone.now, editable=False)

    history = tenant_history(excluded_fields=["secret"])

    class Meta:
        verbose_name = _("webhook-modtager")
        verbose_name_plural = _("webhook-modtagere")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        from django.core.exceptions import ValidationError

        from core.events import EVENTS

        if self.url and not self.url.startswith("https://") and not settings.WEBHOOK_ALLOW_HTTP:
            raise ValidationError({"url": _("Adressen skal bruge https://.")})
        unknown = [event for event in self.events or [] if event not in EVENTS]
        if unknown:
            raise ValidationError(
                {"events": _("Ukendte hændelser: %(events)s.") % {"events": ", ".join(unknown)}}
            )

    def wants(self, event: str) -> bool:
        if self.kind == self.Kind.JOURNAL:
            return event == "referat.published"
        return not self.events or event in self.events


class WebhookDelivery(OutboxRow):
    """One event to one endpoint: a row of the outbox, so it is retried with backoff, recovered
    after a crash and logged like every e-mail; HR can send it again."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("modtager"),
    )
    event_id = models.UUIDField(_("hændelses-id"), default=uuid.uuid4, editable=False)
    event = models.CharField(_("hændelse"), max_length=50)
    payload = models.JSONField(_("indhold"), default=dict)
    # The occurrence (core.events key): an event raised twice is delivered once per endpoint.
    key = models.CharField(max_length=200, blank=True, default="")
    response_status = models.PositiveSmallIntegerField(_("svarkode"), null=True, blank=True)
    # "Send again" in the admin makes a new delivery of the same event (same event id).
    resent_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta(OutboxRow.Meta):
        verbose_name = _("webhook-levering")
        verbose_name_plural = _("webhook-leveringer")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "key"],
                condition=~models.Q(key="") & models.Q(resent_from__isnull=True),
                name="webhookdelivery_unique_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"
