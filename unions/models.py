"""Unions: union → kreds (covers kommuner, grouped in kommunegrupper) → officers; a person's
statement of union membership with their consent; the kreds' AMR network groups and meetings.

Two kinds of data live here, with opposite tenancy:

- The union side (`Union`, `Kreds`, `Kommunegruppe`, `KredsOfficer`, `NetworkGroup`,
  `NetworkMeeting`) spans kommuner and belongs to no kommune: it has no kommune-scoped manager.
  An officer's account belongs to the kreds, not to a kommune.
- What a person states about themself (`UnionMembership`) and the rows derived from it
  (`NetworkInvitation`, `NetworkAttendance`, `KredsInquiry`, `ElectionNotice`) are tenant rows
  of the person's kommune. Union membership
  is a special category of personal data (GDPR art. 9): the kommune's HR and leaders must never
  see it. These models are therefore registered in no admin, exported by no resource, and read
  only by the person themself (in their kommune's scope) and by the officers of the chosen kreds
  through `unions.selectors` — and only while the person's consent is active.

The kreds' cadence (seeds 000 and 001) is computed, not stored: see `unions.cadence`. Its
reminders to the officers are rows of `KredsMessage`, the unions' third outbox, which also
carries a member's inquiry to the kreds and the kreds' answer.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
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
    # Derived: whether the person holds an active AMR or TR seat (not ended, in a committee not
    # closed), the members the kreds follows. Kept by the database itself (triggers, migration
    # 0005_seated), whichever door changes a seat or a committee: the admin, imports, the HR
    # sync's bulk updates, a cascade. What Django writes here is replaced on every save.
    seated = models.BooleanField(default=False, editable=False)

    objects = scoped_manager(UnionMembershipQuerySet)
    history = tenant_history(excluded_fields=["next_due", "seated"])

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

    class Kind(models.TextChoices):
        # Seed 001: one network per kommunegruppe, meeting 2–4 times a year.
        NETWORK = "network", _("AMR-netværk")
        # Seed 000: "Planlægge og afholde et årligt møde for AMR og TR" — kreds-wide, once a year.
        YEARLY = "yearly", _("Årligt møde for AMR og TR")

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
    kind = models.CharField(_("slags"), max_length=10, choices=Kind.choices, default=Kind.NETWORK)
    meetings_per_year = models.PositiveSmallIntegerField(
        _("møder om året (mindst)"),
        default=2,
        validators=[MinValueValidator(2), MaxValueValidator(4)],
        help_text=_("Netværksgrupperne mødes 2–4 gange om året."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("netværksgruppe")
        verbose_name_plural = _("netværksgrupper")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kreds"],
                condition=models.Q(kind="yearly"),
                name="networkgroup_one_yearly_per_kreds",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    # Seed 001: "AMR'erne vil mødes 2-4 om året i cirka 2 timer".
    MEETINGS_PER_YEAR = (2, 4)

    @property
    def role_codes(self) -> tuple[str, ...]:
        return ("amr",) if self.roles == self.Roles.AMR else ("amr", "tr")

    @property
    def required_meetings(self) -> int:
        """Meetings the group must hold in a calendar year (unions.cadence)."""
        return 1 if self.kind == self.Kind.YEARLY else self.meetings_per_year

    def clean(self):
        super().clean()
        if self.kommunegruppe_id and self.kommunegruppe.kreds_id != self.kreds_id:
            raise ValidationError({"kommunegruppe": _("Vælg en af kredsens kommunegrupper.")})
        if self.kind == self.Kind.YEARLY:
            if self.kommunegruppe_id:
                raise ValidationError(
                    {"kommunegruppe": _("Det årlige møde for AMR og TR er for hele kredsen.")}
                )
            if self.roles != self.Roles.AMR_TR:
                raise ValidationError({"roles": _("Det årlige møde er for både AMR og TR.")})
            others = NetworkGroup.objects.filter(kreds_id=self.kreds_id, kind=self.Kind.YEARLY)
            if others.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"kind": _("Kredsen har allerede en gruppe for det årlige møde.")}
                )


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
    # A short referat written by the officer after the meeting; the invited members read it.
    referat = models.TextField(_("referat"), blank=True)
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


class NetworkAttendance(TenantModel):
    """An invited member attended a network meeting, as the officer recorded it. A tenant row of
    the member's kommune (it follows from the union membership, like the invitation) with
    scoped history: who recorded or removed the attendance, and when. Leaves with the consent
    (unions.services.union_consent_withdraw)."""

    meeting = models.ForeignKey(
        NetworkMeeting, on_delete=models.CASCADE, related_name="+", verbose_name=_("møde")
    )
    union_membership = models.ForeignKey(
        UnionMembership, on_delete=models.CASCADE, related_name="+", verbose_name=_("medlem")
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = scoped_manager(models.QuerySet)
    history = tenant_history()

    class Meta:
        verbose_name = _("fremmøde til netværksmøde")
        verbose_name_plural = _("fremmøde til netværksmøder")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "union_membership"], name="networkattendance_unique"
            ),
        ]


class KredsInquiry(TenantModel):
    """A member raises a concrete problem with their kreds from the portal (seed 000: the AMR
    "henvender sig til Kredsens miljøansvarlige ved konkrete problemstillinger"), and an officer
    of the kreds answers. A tenant row of the member's kommune, GDPR art. 9 like the membership
    it hangs on: read by the member and, while the consent lasts and the member is still of
    this kreds, by the kreds' officers (unions.access). HR and leaders never."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    union_membership = models.ForeignKey(
        UnionMembership, on_delete=models.CASCADE, related_name="+", verbose_name=_("medlem")
    )
    kreds = models.ForeignKey(
        Kreds, on_delete=models.CASCADE, related_name="+", verbose_name=_("kreds")
    )
    subject = models.CharField(_("emne"), max_length=200)
    text = models.TextField(_("henvendelse"))
    created = models.DateTimeField(_("oprettet"), default=timezone.now)
    answer = models.TextField(_("svar"), blank=True)
    answered_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besvaret af"),
    )

    objects = scoped_manager(models.QuerySet)
    history = tenant_history()

    class Meta:
        verbose_name = _("henvendelse til kredsen")
        verbose_name_plural = _("henvendelser til kredsen")
        ordering = ["-created"]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class KredsMessage(OutboxRow):
    """The unions' third outbox: a member's inquiry told to the kreds' officers, the kreds'
    answer told to the member, and the officers reminded of a cadence duty (unions.cadence).

    Every outbox row belongs to a kommune (core.outbox sends per kommune scope). An inquiry's
    messages belong to the member's kommune. A cadence reminder is about the kreds, which
    belongs to no kommune: it is carried by the first kommune the kreds covers
    (`unions.cadence.carrier_kommune_id`). Nothing in it is about a person of that kommune,
    and no admin or export of the kommune lists it."""

    class Kind(models.TextChoices):
        INQUIRY_RAISED = "raised", _("Ny henvendelse til kredsen")
        INQUIRY_ANSWERED = "answered", _("Kredsens svar")
        CADENCE_DUE = "due", _("Påmindelse: møde snart")
        CADENCE_OVERDUE = "overdue", _("Påmindelse: møde overskredet")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    kreds = models.ForeignKey(Kreds, on_delete=models.CASCADE, related_name="+")
    inquiry = models.ForeignKey(
        KredsInquiry, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # A cadence reminder: the due date it is about (one e-mail per due date and stage).
    due_date = models.DateField(null=True, blank=True)

    class Meta(OutboxRow.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["inquiry", "kind"],
                condition=models.Q(inquiry__isnull=False),
                name="kredsmessage_once_per_inquiry",
            ),
            models.UniqueConstraint(
                fields=["kreds", "kind", "due_date"],
                condition=models.Q(due_date__isnull=False),
                name="kredsmessage_once_per_due_date",
            ),
        ]
