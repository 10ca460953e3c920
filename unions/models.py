"""Unions: union → kreds (covers kommuner, grouped in kommunegrupper) → officers; a person's
statement of union membership with their consent; the kreds' AMR network groups and meetings.

Two kinds of data live here, with opposite tenancy:

- The union side (`Union`, `Kreds`, `Kommunegruppe`, `KredsOfficer`, `NetworkGroup`,
  `NetworkMeeting`) spans kommuner and belongs to no kommune: it has no kommune-scoped manager.
  An officer's account belongs to the kreds, not to a kommune.
- What a person states about themself (`UnionMembership`) and the rows derived from it
  (`NetworkInvitation`, `ElectionNotice`) are tenant rows of the person's kommune. Union membership
  is a special category of personal data (GDPR art. 9): the kommune's HR and leaders must never
  see it. These models are therefore registered in no admin, exported by no resource, and read
  only by the person themself (in their kommune's scope) and by the officers of the chosen kreds
  through `unions.selectors` — and only while the person's consent is active.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import OutboxRow
from core.tenancy import TenantModel, scoped_manager, tenant_history


class Union(models.Model):
    """A union (faglig organisation), e.g. Danmarks Lærerforening or Socialpædagogerne."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200, unique=True)
    short_name = models.CharField(_("forkortelse"), max_length=40, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("faglig organisation")
        verbose_name_plural = _("faglige organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Kreds(models.Model):
    """A union's local branch (kreds/afdeling), covering one or more kommuner."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    union = models.ForeignKey(
        Union, on_delete=models.PROTECT, related_name="kredse", verbose_name=_("organisation")
    )
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(
        _("e-mail"),
        blank=True,
        help_text=_("Kredsens fælles postkasse; får besked om nye valg af AMR og TR."),
    )
    # No reverse accessor on Kommune: nothing reachable from a kommune leads to union data.
    kommuner = models.ManyToManyField(
        "organisations.Kommune", related_name="+", blank=True, verbose_name=_("dækker kommuner")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kreds")
        verbose_name_plural = _("kredse")
        ordering = ["union__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["union", "name"], name="kreds_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.union} – {self.name}"


class Kommunegruppe(models.Model):
    """A kreds-owned group of kommuner (seed 001: one AMR network per kommunegruppe)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kreds = models.ForeignKey(
        Kreds, on_delete=models.CASCADE, related_name="kommunegrupper", verbose_name=_("kreds")
    )
    name = models.CharField(_("navn"), max_length=200)
    kommuner = models.ManyToManyField(
        "organisations.Kommune", related_name="+", blank=True, verbose_name=_("kommuner")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kommunegruppe")
        verbose_name_plural = _("kommunegrupper")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kreds", "name"], name="kommunegruppe_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class KredsOfficer(models.Model):
    """A user who works for a kreds, e.g. one of its arbejdsmiljøansvarlige (seed 000)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kreds_offices",
        verbose_name=_("bruger"),
    )
    kreds = models.ForeignKey(
        Kreds, on_delete=models.CASCADE, related_name="officers", verbose_name=_("kreds")
    )
    title = models.CharField(
        _("funktion"), max_length=120, blank=True, default="Arbejdsmiljøansvarlig"
    )
    receives_notifications = models.BooleanField(_("får besked om nye valg"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kredsmedarbejder")
        verbose_name_plural = _("kredsmedarbejdere")
        constraints = [
            models.UniqueConstraint(fields=["user", "kreds"], name="kredsofficer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.kreds})"


class UnionMembershipQuerySet(models.QuerySet):
    def consenting(self):
        """Rows the kreds may see: consent given and not withdrawn."""
        return self.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)


class UnionMembership(TenantModel):
    """A person's own statement: "I am a member of this kreds", and whether they consent to share
    their AMR/TR status with it. GDPR art. 9 data — see the module docstring.

    `person` is SET_NULL, not CASCADE, on purpose: the admin's delete confirmation for a person
    lists every row a delete would cascade to, which would show HR the union membership. A row
    without a person is inert (every read requires a person) and carries no personal data."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.OneToOneField(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("person"),
    )
    kreds = models.ForeignKey(
        Kreds, on_delete=models.PROTECT, related_name="+", verbose_name=_("kreds")
    )
    consent_given_at = models.DateTimeField(_("samtykke givet"), null=True, blank=True)
    consent_withdrawn_at = models.DateTimeField(
        _("samtykke trukket tilbage"), null=True, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)
    # Derived: the due date of the person's next open training deadline or AMR term end, the
    # order of the kreds overview (kept by unions.services.union_next_due_refresh).
    next_due = models.DateField(null=True, blank=True, editable=False)

    objects = scoped_manager(UnionMembershipQuerySet)
    history = tenant_history(excluded_fields=["next_due"])

    class Meta:
        verbose_name = _("medlemskab af faglig organisation")
        verbose_name_plural = _("medlemskaber af faglig organisation")

    def __str__(self) -> str:
        return f"{self.kreds} ({self.pk})"

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None


class NetworkGroup(models.Model):
    """An AMR network group of a kreds (seed 001: one per kommunegruppe, 2–4 meetings a year of
    about 2 hours around a theme). Without a kommunegruppe the group is kreds-wide — that is how
    the kreds' yearly meeting for AMR and TR (seed 000) is held.

    Note: the meetings could later move onto the meetings/ machinery (agenda, referat, calendar
    invitations); they live here so the unions do not depend on it while it is being built."""

    class Roles(models.TextChoices):
        AMR = "amr", _("AMR")
        AMR_TR = "amr_tr", _("AMR og TR")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kreds = models.ForeignKey(
        Kreds, on_delete=models.CASCADE, related_name="network_groups", verbose_name=_("kreds")
    )
    kommunegruppe = models.ForeignKey(
        Kommunegruppe,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="network_groups",
        verbose_name=_("kommunegruppe"),
        help_text=_("Tom: hele kredsen (fx det årlige møde for AMR og TR)."),
    )
    name = models.CharField(_("navn"), max_length=200)
    roles = models.CharField(_("for"), max_length=10, choices=Roles.choices, default=Roles.AMR)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("netværksgruppe")
        verbose_name_plural = _("netværksgrupper")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    # Seed 001: "AMR'erne vil mødes 2-4 om året i cirka 2 timer".
    MEETINGS_PER_YEAR = (2, 4)

    @property
    def role_codes(self) -> tuple[str, ...]:
        return ("amr",) if self.roles == self.Roles.AMR else ("amr", "tr")

    def clean(self):
        super().clean()
        if self.kommunegruppe_id and self.kommunegruppe.kreds_id != self.kreds_id:
            raise ValidationError({"kommunegruppe": _("Vælg en af kredsens kommunegrupper.")})


class NetworkMeeting(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    group = models.ForeignKey(
        NetworkGroup, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("gruppe")
    )
    starts_at = models.DateTimeField(_("starter"))
    duration = models.DurationField(_("varighed"), default=datetime.timedelta(hours=2))
    theme = models.CharField(_("tema"), max_length=200)
    location = models.CharField(_("sted"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("netværksmøde")
        verbose_name_plural = _("netværksmøder")
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"{self.group}: {self.theme}"

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + self.duration


class NetworkInvitation(OutboxRow):
    """One member invited to one network meeting: a row of the outbox (core.outbox) and the
    record of the send. A tenant row of the member's kommune, like the membership it points to;
    no history model (a send record, not something anyone edits) and no admin."""

    meeting = models.ForeignKey(NetworkMeeting, on_delete=models.CASCADE, related_name="+")
    union_membership = models.ForeignKey(
        UnionMembership, on_delete=models.CASCADE, related_name="+"
    )

    class Meta(OutboxRow.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "union_membership"], name="networkinvitation_unique"
            ),
        ]


class ElectionNotice(OutboxRow):
    """The kreds told of a new AMR/TR election of a consenting member (an outbox row).
    `membership` is SET_NULL for the same reason as `UnionMembership.person`: a cascade would
    show in HR's delete page."""

    membership = models.ForeignKey(
        "committees.Membership", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    union_membership = models.ForeignKey(
        UnionMembership, on_delete=models.CASCADE, related_name="+"
    )
    kreds = models.ForeignKey(Kreds, on_delete=models.CASCADE, related_name="+")

    class Meta(OutboxRow.Meta):
        constraints = [
            models.UniqueConstraint(fields=["membership"], name="electionnotice_unique"),
        ]
