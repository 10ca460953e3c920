"""Arbejdspladsvurdering (APV): one cycle per arbejdsmiljøgruppe through the four phases.

AML § 15 a and BEK om systematisk arbejdsmiljøarbejde § 2: the employer makes a written APV with
the AMO, revised at least every 3 years and when changes matter for safety and health. Seed 003
names the four phases (kortlæg og risikovurder, inddrag sygefravær, skriftlig handlingsplan,
gennemfør og følg op); seed 002 (Aabenraa) keeps the handlingsplaner in a web portal with yearly
follow-up.

- `ChecklistTemplate`/`ChecklistItem`: the kommune's kortlægning checklist (a default covering the
  usual areas is created on first use and HR edits it in the admin).
- `ApvCycle`: one APV of one AMG; its items are a snapshot of the checklist taken when the cycle
  starts (a later template edit never changes a finished APV).
- Kortlægning either by the AMG filling in the checklist (`ApvCycleItem.finding`) or by an
  anonymous survey of the employees the group covers (`SurveyInvitation`, `SurveyResponse`).
- `ApvProblem` (risk assessment), `ApvSickness` (sygefravær of the area), `ApvActionItem` (the
  handlingsplan), `ApvFollowUp` (the yearly follow-up), `ApvMajorChange` (a change that brings
  the next APV forward).
"""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxRow
from core.tenancy import TenantModel, tenant_history


class Area(models.TextChoices):
    """The usual areas of an APV (Arbejdstilsynet's APV guidance)."""

    FYSISK = "fysisk", _("Fysisk arbejdsmiljø (støj, lys, indeklima)")
    ERGONOMISK = "ergonomisk", _("Ergonomisk arbejdsmiljø")
    KEMISK = "kemisk", _("Kemisk arbejdsmiljø")
    BIOLOGISK = "biologisk", _("Biologisk arbejdsmiljø")
    PSYKISK = "psykisk", _("Psykisk arbejdsmiljø")
    ULYKKER = "ulykker", _("Ulykker og ulykkesrisici")


class ChecklistTemplate(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("navn"), max_length=200)
    is_default = models.BooleanField(
        _("standard"), default=False, help_text=_("Bruges når en ny APV startes.")
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("APV-tjekliste")
        verbose_name_plural = _("APV-tjeklister")
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kommune"],
                condition=models.Q(is_default=True),
                name="checklisttemplate_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(TenantModel):
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("tjekliste"),
    )
    area = models.CharField(_("område"), max_length=20, choices=Area.choices)
    text = models.CharField(_("spørgsmål"), max_length=300)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    history = tenant_history()

    class Meta:
        verbose_name = _("punkt i tjekliste")
        verbose_name_plural = _("punkter i tjekliste")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


class ApvCycle(TenantModel):
    class Method(models.TextChoices):
        CHECKLIST = "checklist", _("Tjekliste udfyldt af arbejdsmiljøgruppen")
        SURVEY = "survey", _("Anonymt spørgeskema til medarbejderne")

    class Phase(models.IntegerChoices):
        # Seed 003: "den løbende APV proces, der består af 4 faser".
        KORTLAEGNING = 1, _("1. Kortlæg og risikovurdér")
        SYGEFRAVAER = 2, _("2. Inddrag sygefravær")
        HANDLINGSPLAN = 3, _("3. Skriftlig handlingsplan")
        OPFOELGNING = 4, _("4. Gennemfør og følg op")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.PROTECT,
        related_name="apv_cycles",
        verbose_name=_("arbejdsmiljøgruppe"),
        limit_choices_to={"kind": "amg"},
    )
    method = models.CharField(
        _("kortlægning"), max_length=20, choices=Method.choices, default=Method.CHECKLIST
    )
    phase = models.PositiveSmallIntegerField(
        _("fase"), choices=Phase.choices, default=Phase.KORTLAEGNING
    )
    started_on = models.DateField(_("startet den"), default=timezone.localdate)
    mapped_on = models.DateField(_("kortlægning afsluttet"), null=True, blank=True)
    sickness_on = models.DateField(_("sygefravær inddraget"), null=True, blank=True)
    # The written APV exists: this date fulfils the revision duty (AML § 15 a).
    plan_adopted_on = models.DateField(_("handlingsplan vedtaget"), null=True, blank=True)
    survey_closes_on = models.DateField(_("spørgeskema lukker"), null=True, blank=True)
    survey_closed = models.BooleanField(_("spørgeskema lukket"), default=False)
    notes = models.TextField(_("bemærkninger"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("APV")
        verbose_name_plural = _("APV'er")
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["committee", "plan_adopted_on"])]

    def __str__(self) -> str:
        return f"APV {self.committee} ({self.started_on:%d.%m.%Y})"

    def clean(self):
        super().clean()
        if self.committee_id and self.committee.kind != "amg":
            raise ValidationError({"committee": _("En APV hører til en arbejdsmiljøgruppe.")})

    def survey_is_open(self, today) -> bool:
        if self.method != self.Method.SURVEY or self.survey_closed:
            return False
        return self.survey_closes_on is None or today <= self.survey_closes_on

    def survey_has_closed(self, today) -> bool:
        """The survey is over: closed by the group or HR, or its closing date has passed.

        Closing is final (`services.survey_open` refuses a closed survey): the results are
        shown only from this moment, so the set of answers behind them must never change
        again — otherwise comparing the results before and after one more answer reveals it."""
        return self.method == self.Method.SURVEY and not self.survey_is_open(today)


class ApvCycleItem(TenantModel):
    """One point of the cycle's kortlægning (copied from the checklist when the cycle starts)."""

    class Finding(models.TextChoices):
        NONE = "", _("Ikke vurderet")
        OK = "ok", _("I orden")
        PROBLEM = "problem", _("Problem")
        IRRELEVANT = "irrelevant", _("Ikke relevant")

    cycle = models.ForeignKey(
        ApvCycle, on_delete=models.CASCADE, related_name="items", verbose_name=_("APV")
    )
    area = models.CharField(_("område"), max_length=20, choices=Area.choices)
    text = models.CharField(_("spørgsmål"), max_length=300)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    finding = models.CharField(
        _("vurdering"), max_length=20, choices=Finding.choices, blank=True, default=Finding.NONE
    )
    note = models.TextField(_("bemærkning"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("kortlægningspunkt")
        verbose_name_plural = _("kortlægningspunkter")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text


def risk_level(score: int) -> str:
    """The level of a 5 × 5 risk matrix (likelihood × consequence)."""
    if score >= 20:
        return ApvProblem.Level.CRITICAL
    if score >= 10:
        return ApvProblem.Level.HIGH
    if score >= 5:
        return ApvProblem.Level.MEDIUM
    return ApvProblem.Level.LOW


class ApvProblem(TenantModel):
    """An arbejdsmiljøproblem found in the kortlægning, with its risk assessment."""

    class Level(models.TextChoices):
        LOW = "low", _("Lav")
        MEDIUM = "medium", _("Middel")
        HIGH = "high", _("Høj")
        CRITICAL = "critical", _("Kritisk")

    SCALE = [MinValueValidator(1), MaxValueValidator(5)]

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(
        ApvCycle, on_delete=models.CASCADE, related_name="problems", verbose_name=_("APV")
    )
    area = models.CharField(_("område"), max_length=20, choices=Area.choices)
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    likelihood = models.PositiveSmallIntegerField(
        _("sandsynlighed (1–5)"), validators=SCALE, default=1
    )
    consequence = models.PositiveSmallIntegerField(
        _("konsekvens (1–5)"), validators=SCALE, default=1
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("problem og risikovurdering")
        verbose_name_plural = _("problemer og risikovurderinger")
        ordering = ["area", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1, likelihood__lte=5),
                name="apvproblem_likelihood_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(consequence__gte=1, consequence__lte=5),
                name="apvproblem_consequence_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def score(self) -> int:
        return self.likelihood * self.consequence

    @property
    def level(self) -> str:
        return risk_level(self.score)

    def get_level_display(self) -> str:
        return str(self.Level(self.level).label)


class ApvSickness(TenantModel):
    """Sygefravær of the group's area for a period (phase 2)."""

    cycle = models.ForeignKey(
        ApvCycle, on_delete=models.CASCADE, related_name="sickness", verbose_name=_("APV")
    )
    period_start = models.DateField(_("periode fra"))
    period_end = models.DateField(_("periode til"))
    days = models.DecimalField(
        _("fraværsdage"), max_digits=9, decimal_places=1, validators=[MinValueValidator(0)]
    )
    rate = models.DecimalField(
        _("fraværsprocent"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    comment = models.TextField(_("bemærkning"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("sygefravær")
        verbose_name_plural = _("sygefravær")
        ordering = ["period_start"]

    def __str__(self) -> str:
        return f"{self.period_start:%d.%m.%Y}–{self.period_end:%d.%m.%Y}: {self.rate} %"

    def clean(self):
        super().clean()
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("Perioden kan ikke slutte før den starter.")})


class ApvActionItem(TenantModel):
    """One line of the written handlingsplan. Its due date is a deadline; closing it fulfils it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Ikke påbegyndt")
        IN_PROGRESS = "in_progress", _("I gang")
        DONE = "done", _("Udført")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(
        ApvCycle, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("APV")
    )
    assessment = models.ForeignKey(
        ApvProblem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("risikovurdering"),
    )
    problem = models.CharField(_("problem"), max_length=300)
    cause = models.TextField(_("årsag"), blank=True)
    measure = models.TextField(_("løsning/tiltag"))
    owner = models.ForeignKey(
        "organisations.Person",
        on_delete=models.PROTECT,
        related_name="apv_action_items",
        verbose_name=_("ansvarlig"),
    )
    due_on = models.DateField(_("frist"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    closed_on = models.DateField(_("udført den"), null=True, blank=True)
    follow_up = models.TextField(_("opfølgning"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("punkt i handlingsplan")
        verbose_name_plural = _("handlingsplan")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["cycle", "status"])]

    def __str__(self) -> str:
        return self.problem

    def clean(self):
        super().clean()
        if self.assessment_id and self.cycle_id and self.assessment.cycle_id != self.cycle_id:
            raise ValidationError({"assessment": _("Risikovurderingen hører til en anden APV.")})


class ApvFollowUp(TenantModel):
    """The yearly follow-up of the handlingsplan (seed 002: "APV ... med årlig opfølgning")."""

    cycle = models.ForeignKey(
        ApvCycle, on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("APV")
    )
    held_on = models.DateField(_("holdt den"))
    note = models.TextField(_("konklusion"))

    history = tenant_history()

    class Meta:
        verbose_name = _("årlig opfølgning")
        verbose_name_plural = _("årlige opfølgninger")
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.held_on:%d.%m.%Y}"


class ApvMajorChange(TenantModel):
    """A change in the work, methods or premises of an AMG's area that matters for safety and
    health: AML § 15 a requires the APV to be revised, so it brings the next APV forward."""

    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.CASCADE,
        related_name="apv_changes",
        verbose_name=_("arbejdsmiljøgruppe"),
        limit_choices_to={"kind": "amg"},
    )
    changed_on = models.DateField(_("ændringen sker den"))
    description = models.TextField(_("ændring"))

    history = tenant_history()

    class Meta:
        verbose_name = _("væsentlig ændring (APV)")
        verbose_name_plural = _("væsentlige ændringer (APV)")
        ordering = ["-changed_on"]

    def __str__(self) -> str:
        return f"{self.committee}: {self.changed_on:%d.%m.%Y}"

    def clean(self):
        super().clean()
        if self.committee_id and self.committee.kind != "amg":
            raise ValidationError({"committee": _("Vælg en arbejdsmiljøgruppe.")})


# --- the anonymous survey -------------------------------------------------------------------------
# Neither model keeps history: django-simple-history would record when each invitation was used,
# which is exactly the timestamp that could link an answer to a person.


class SurveyInvitation(OutboxRow):
    """One employee's one-time link, a row of the outbox (core.outbox). Knows who was invited
    and whether the link was used — never what was answered. The token itself is never stored:
    the send makes it, keeps its SHA-256 and mails it."""

    cycle = models.ForeignKey(
        ApvCycle, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("APV")
    )
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="apv_invitations",
        verbose_name=_("medarbejder"),
    )
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    used = models.BooleanField(_("besvaret"), default=False)

    class Meta(OutboxRow.Meta):
        verbose_name = _("invitation til APV-spørgeskema")
        verbose_name_plural = _("invitationer til APV-spørgeskema")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="surveyinvitation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.cycle}: {self.person}"


class SurveyResponse(TenantModel):
    """One anonymous answer. No link to the invitation or the person, no timestamp, and a random
    primary key so not even the insertion order can be read from it."""

    class Rating(models.IntegerChoices):
        NONE = 0, _("Ingen problemer")
        MINOR = 1, _("Mindre problemer")
        MAJOR = 2, _("Store problemer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    cycle = models.ForeignKey(
        ApvCycle, on_delete=models.CASCADE, related_name="responses", verbose_name=_("APV")
    )
    # {cycle item id: rating}; an item left out was answered "ved ikke / ikke relevant".
    answers = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("anonymt svar")
        verbose_name_plural = _("anonyme svar")

    def __str__(self) -> str:
        return str(_("Anonymt svar"))
