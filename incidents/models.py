"""Incidents (arbejdsulykker, tilløb, sundhedsskader, forgiftninger, erhvervssygdomme and
krænkende handlinger), their investigation by the AMO, and Arbejdstilsynet's visits.

Incident details are health data (GDPR art. 9): incidents/access.py is the one place that decides
who sees them, and every view is logged in `IncidentViewLog` (who, which, when — not what).

- `Incident`: what happened, where, to whom, the absence, the EASY report, the AMG's
  investigation (causes, closure) and an escalation to the arbejdsmiljøudvalg
  (BEK om systematisk arbejdsmiljøarbejde § 31 stk. 2 nr. 8).
- `IncidentMeasure`: a preventive measure with owner and due date (a deadline).
- `IncidentForward`: the case forwarded to the injured person's union kreds, with their consent.
- `HealthDataAccess`: HR/arbejdsmiljø staff allowed to see incident details (plain HR sees counts).
- `IncidentNotification`: the e-mails to the unit's leader and the AMG, one row per recipient.
- `AuthorisedAdviser`, `InspectionVisit`, `InspectionOrder`: Arbejdstilsynet's visits, their
  påbud and vejledninger, and the authorised arbejdsmiljørådgiver a rådgivningspåbud requires.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxRow, StoredFile
from core.tenancy import TenantModel, tenant_history


class Kind(models.TextChoices):
    ARBEJDSULYKKE = "arbejdsulykke", _("Arbejdsulykke")
    TILLOEB = "tilloeb", _("Tilløb/nærved-ulykke")
    SUNDHEDSSKADE = "sundhedsskade", _("Sundhedsskade")
    FORGIFTNING = "forgiftning", _("Forgiftning")
    ERHVERVSSYGDOM = "erhvervssygdom", _("Erhvervssygdom")
    VOLD = "vold", _("Vold")
    TRUSLER = "trusler", _("Trusler")
    MOBNING = "mobning", _("Mobning")
    CHIKANE = "chikane", _("Chikane")
    SEKSUEL_CHIKANE = "seksuel_chikane", _("Seksuel chikane")


# Krænkende handlinger (Trivselsaftalen; seed 002 § 5, seed 003 obligation E: also from 3rd persons).
OFFENSIVE_KINDS = frozenset(
    {Kind.VOLD, Kind.TRUSLER, Kind.MOBNING, Kind.CHIKANE, Kind.SEKSUEL_CHIKANE}
)
# Kinds that are arbejdsulykker in the sense of the notification rules: an injury caused by a
# sudden event (or one within 5 days). A single episode of violence, threats or sexual harassment
# with absence is reported as an accident; mobning, chikane over time and occupational diseases
# are reported by a doctor as erhvervssygdom, and a tilløb has no injury.
ACCIDENT_KINDS = frozenset(
    {Kind.ARBEJDSULYKKE, Kind.FORGIFTNING, Kind.VOLD, Kind.TRUSLER, Kind.SEKSUEL_CHIKANE}
)


class Nature(models.TextChoices):
    PHYSICAL = "physical", _("Fysisk")
    PSYCHOLOGICAL = "psychological", _("Psykisk")
    BOTH = "both", _("Fysisk og psykisk")


class Incident(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    nature = models.CharField(
        _("fysisk/psykisk"), max_length=20, choices=Nature.choices, default=Nature.PHYSICAL
    )
    by_third_party = models.BooleanField(
        _("udøvet af tredjepart"),
        default=False,
        help_text=_("F.eks. borger, pårørende, elev eller kunde."),
    )
    occurred_on = models.DateField(_("dato for hændelsen"))
    place = models.CharField(_("sted"), max_length=200)
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("enhed"),
    )
    # The AMO group that handles the case: the AMG covering the unit when the case was reported
    # (or the nearest arbejdsmiljøudvalg when no AMG covers it). Stored, not recomputed, so a
    # reorganisation does not move a case in the middle of its investigation.
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("arbejdsmiljøgruppe"),
    )
    description = models.TextField(_("hvad skete der"))
    injured = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_injured",
        verbose_name=_("tilskadekomne"),
    )
    reported_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incidents_reported",
        verbose_name=_("anmeldt af"),
    )
    reported_on = models.DateField(_("anmeldt den"), default=timezone.localdate)
    absence_first_day = models.DateField(_("første fraværsdag"), null=True, blank=True)
    absence_days = models.PositiveIntegerField(_("fraværsdage"), default=0)
    # Anmeldelse til Arbejdstilsynet (EASY).
    easy_reference = models.CharField(_("EASY-reference"), max_length=60, blank=True)
    easy_reported_on = models.DateField(_("anmeldt til Arbejdstilsynet"), null=True, blank=True)
    # The AMG's investigation (BEK § 31 stk. 2 nr. 4, § 33 stk. 4).
    causes = models.TextField(_("årsager"), blank=True)
    closed_on = models.DateField(_("afsluttet den"), null=True, blank=True)
    closure_note = models.TextField(_("konklusion"), blank=True)
    escalated_to = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalated_incidents",
        verbose_name=_("forelagt arbejdsmiljøudvalget"),
    )
    escalated_on = models.DateField(_("forelagt den"), null=True, blank=True)
    escalation_reason = models.TextField(_("hvorfor kan sagen ikke løses lokalt"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("hændelse")
        verbose_name_plural = _("hændelser")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["kommune", "occurred_on"]),
            models.Index(fields=["committee", "closed_on"]),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """A short case reference without personal data (for deadlines and e-mails)."""
        year = self.occurred_on.year if self.occurred_on else ""
        return f"H-{year}-{self.pk or 0:05d}"

    @property
    def is_offensive(self) -> bool:
        return self.kind in OFFENSIVE_KINDS

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def clean(self):
        super().clean()
        errors = {}
        if self.absence_days and not self.absence_first_day:
            errors["absence_first_day"] = _("Angiv første fraværsdag.")
        if self.absence_first_day and not self.absence_days:
            errors["absence_days"] = _("Angiv antal fraværsdage.")
        if (
            self.absence_first_day
            and self.occurred_on
            and self.absence_first_day < self.occurred_on
        ):
            errors["absence_first_day"] = _("Fraværet kan ikke starte før hændelsen.")
        if self.occurred_on and self.occurred_on > timezone.localdate():
            errors["occurred_on"] = _("Datoen kan ikke ligge i fremtiden.")
        if self.easy_reported_on and not self.easy_reference.strip():
            errors["easy_reference"] = _("Angiv referencen fra EASY.")
        if self.easy_reference.strip() and not self.easy_reported_on:
            errors["easy_reported_on"] = _("Angiv hvornår hændelsen blev anmeldt.")
        if errors:
            raise ValidationError(errors)


class IncidentMeasure(TenantModel):
    """A preventive measure decided in the investigation (BEK § 31 stk. 2 nr. 4)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="measures", verbose_name=_("hændelse")
    )
    description = models.TextField(_("forebyggende tiltag"))
    owner = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="incident_measures",
        verbose_name=_("ansvarlig"),
    )
    due_on = models.DateField(_("frist"))
    done_on = models.DateField(_("gennemført den"), null=True, blank=True)
    note = models.TextField(_("opfølgning"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("forebyggende tiltag")
        verbose_name_plural = _("forebyggende tiltag")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.description[:80]


def incident_file_path(instance: IncidentAttachment, filename: str) -> str:
    # Opaque names under the kommune: the original name is kept in `name`, never used as a path.
    return f"incidents/{instance.kommune_id}/{uuid.uuid4()}.{instance.extension}"


class IncidentAttachment(StoredFile, TenantModel):
    """A photo or document on a case. It is health data like the case: stored privately, served
    only through the access-checked view to those who may read the case, each look logged."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("hændelse")
    )
    file = models.FileField(_("fil"), upload_to=incident_file_path)
    uploaded_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploadet af"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("bilag til hændelse")
        verbose_name_plural = _("bilag til hændelser")
        ordering = ["pk"]

    @property
    def extension(self) -> str:
        from .attachments import EXTENSIONS

        return EXTENSIONS.get(self.content_type, "bin")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class IncidentViewLog(TenantModel):
    """Who looked at which incident, when and through which door. Never the content."""

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal")
        ADMIN = "admin", _("HR-administration")
        KREDS = "kreds", _("Faglig kreds")

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="view_logs", verbose_name=_("hændelse")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("bruger"),
    )
    # Kept when the account is deleted: the log must still say who it was.
    username = models.CharField(_("brugernavn"), max_length=150)
    viewed_at = models.DateTimeField(_("tidspunkt"), default=timezone.now)
    channel = models.CharField(_("adgang"), max_length=10, choices=Channel.choices)

    class Meta:
        verbose_name = _("opslag i hændelse")
        verbose_name_plural = _("opslag i hændelser")
        ordering = ["-viewed_at"]
        indexes = [models.Index(fields=["incident", "viewed_at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.viewed_at:%d.%m.%Y %H:%M}"


class IncidentForward(TenantModel):
    """The case forwarded by an AMR to the injured person's union kreds (seed 000: the AMR
    "indsamle og registrere arbejdsskader ... og videresende til Kredsen"), only with the injured
    person's recorded consent. The kreds then sees this case and nothing else."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="forwards", verbose_name=_("hændelse")
    )
    # TODO(unions): replace with `kreds = models.ForeignKey("unions.Kreds", ...)` once the unions
    # app's models are merged; until then the kreds' public_id (unions.Kreds.public_id).
    kreds_public_id = models.UUIDField(_("kreds"))
    consent_given_on = models.DateField(_("samtykke givet den"))
    forwarded_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="incident_forwards",
        verbose_name=_("videresendt af"),
    )
    forwarded_on = models.DateField(_("videresendt den"), default=timezone.localdate)
    # The injured person may withdraw the consent: the kreds loses access at once.
    withdrawn_on = models.DateField(_("samtykke trukket tilbage"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("videresendelse til faglig kreds")
        verbose_name_plural = _("videresendelser til faglig kreds")
        ordering = ["-forwarded_on"]
        indexes = [models.Index(fields=["kreds_public_id", "withdrawn_on"])]

    def __str__(self) -> str:
        return f"{self.incident} → {self.kreds_public_id}"


class HealthDataAccess(TenantModel):
    """HR/arbejdsmiljø staff of this kommune who may see incident details (health data).

    A row per kommune rather than a Django permission: a permission would be global to the user
    across every kommune they work in, and the HR group (core/roles.py) is given every
    permission of the incidents app. Granted by superusers, like the staff rows themselves."""

    staff = models.OneToOneField(
        "organisations.KommuneStaff",
        on_delete=models.CASCADE,
        related_name="health_data_access",
        verbose_name=_("HR-medarbejder"),
    )
    granted_on = models.DateField(_("givet den"), default=timezone.localdate)
    reason = models.CharField(_("begrundelse"), max_length=200, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("adgang til helbredsoplysninger")
        verbose_name_plural = _("adgang til helbredsoplysninger")

    def __str__(self) -> str:
        return str(self.staff)


class IncidentNotification(OutboxRow):
    """One e-mail about a new incident to one person (the unit's leader or an AMG member), a row
    of the outbox (core.outbox). The e-mail says only that a case exists and where to read it:
    the details stay in the portal."""

    class Reason(models.TextChoices):
        LEADER = "leader", _("Leder af enheden")
        AMG = "amg", _("Medlem af arbejdsmiljøgruppen")

    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("hændelse"),
    )
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="incident_notifications",
        verbose_name=_("modtager"),
    )
    reason = models.CharField(_("modtager fordi"), max_length=10, choices=Reason.choices)

    class Meta(OutboxRow.Meta):
        verbose_name = _("besked om hændelse")
        verbose_name_plural = _("beskeder om hændelser")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "recipient"], name="incidentnotification_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.incident} → {self.recipient}"


# --- Arbejdstilsynet ------------------------------------------------------------------------------


class AuthorisedAdviser(TenantModel):
    """An authorised arbejdsmiljørådgiver the kommune works with (seed 004: the association of
    the authorised advisers). Arbejdstilsynet orders one engaged with a rådgivningspåbud."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    cvr = models.CharField(_("CVR-nummer"), max_length=8, blank=True)
    contact = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("autoriseret arbejdsmiljørådgiver")
        verbose_name_plural = _("autoriserede arbejdsmiljørådgivere")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InspectionVisit(TenantModel):
    """A visit of Arbejdstilsynet (tilsynsbesøg) at a unit."""

    class Kind(models.TextChoices):
        RISK_BASED = "risk", _("Risikobaseret tilsyn")
        DETECTION = "detection", _("Detekterende tilsyn")
        FOLLOW_UP = "follow_up", _("Opfølgende tilsyn")
        ACCIDENT = "accident", _("Ulykkesundersøgelse")
        OTHER = "other", _("Andet")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    unit = models.ForeignKey(
        "organisations.Unit",
        on_delete=models.PROTECT,
        related_name="inspection_visits",
        verbose_name=_("enhed"),
    )
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        related_name="inspection_visits",
        verbose_name=_("arbejdsmiljøgruppe"),
        null=True,
        blank=True,
        help_text=_("Udfyldes automatisk med den gruppe, der dækker enheden."),
    )
    visited_on = models.DateField(_("besøgsdato"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.RISK_BASED)
    notes = models.TextField(_("bemærkninger"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("tilsynsbesøg")
        verbose_name_plural = _("tilsynsbesøg")
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.unit} {self.visited_on:%d.%m.%Y}"


class InspectionOrder(TenantModel):
    """A reaction of Arbejdstilsynet: a påbud with a deadline, a strakspåbud, a rådgivningspåbud
    (an authorised arbejdsmiljørådgiver must be engaged) or a vejledning (no deadline)."""

    class Kind(models.TextChoices):
        STRAKS = "straks", _("Strakspåbud")
        PAABUD = "paabud", _("Påbud med frist")
        RAADGIVNING = "raadgivning", _("Rådgivningspåbud (autoriseret rådgiver)")
        VEJLEDNING = "vejledning", _("Vejledning")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    visit = models.ForeignKey(
        InspectionVisit, on_delete=models.CASCADE, related_name="orders", verbose_name=_("besøg")
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("emne"), max_length=200)
    description = models.TextField(_("indhold"), blank=True)
    due_on = models.DateField(_("frist"), null=True, blank=True)
    requires_adviser = models.BooleanField(_("kræver autoriseret rådgiver"), default=False)
    adviser = models.ForeignKey(
        AuthorisedAdviser,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("rådgiver"),
    )
    adviser_engaged_on = models.DateField(_("rådgiver antaget den"), null=True, blank=True)
    complied_on = models.DateField(_("efterkommet den"), null=True, blank=True)
    response = models.TextField(_("hvad er gjort"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("påbud/vejledning")
        verbose_name_plural = _("påbud og vejledninger")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def has_deadline(self) -> bool:
        return self.kind != self.Kind.VEJLEDNING

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == self.Kind.RAADGIVNING:
            self.requires_adviser = True
        if self.has_deadline and not self.due_on:
            errors["due_on"] = _("Et påbud har en frist.")
        if self.adviser_id and not self.adviser_engaged_on:
            errors["adviser_engaged_on"] = _("Angiv hvornår rådgiveren blev antaget.")
        if self.complied_on and self.requires_adviser and not self.adviser_id:
            errors["adviser"] = _(
                "Påbuddet kræver en autoriseret arbejdsmiljørådgiver: angiv rådgiveren."
            )
        if errors:
            raise ValidationError(errors)
