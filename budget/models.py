"""The budget procedure and the larger rationalisation and restructuring cases (HovedMED's
task B; seed 003, "Procedureretningslinje for drøftelse af budgettets konsekvenser for arbejds-
og personaleforhold" and "… for større rationaliserings- og omstillingsprojekter").

A kommune's budget year is one `BudgetProcess`: HR records its timeline (KommuneMED told of the
political timeline in March/April, the catalogue of savings proposals sent out, the last day of
the local MED committees' hearing responses, the day the kommunalbestyrelse adopts it). Each
step it puts before a MED committee is an `AgendaPoint`: placed on the committee's next meeting
whose agenda is open, and a deadline of the committee until the meeting's referat is finally
approved. The local committees answer the hearing with a `HearingResponse`; KommuneMED reads
them all (and in one PDF). After adoption every MED committee is told what the budget means for
it. A `RationalisationCase` outside the budget goes before KommuneMED as soon as possible, and
may set up an ad hoc MED committee with its own end date."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import OutboxRow
from core.tenancy import TenantModel, tenant_history


class BudgetProcess(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(
        _("budgetår"),
        help_text=_("Året budgettet gælder for, fx 2027 for budgettet vedtaget i 2026."),
    )
    timeline_by = models.DateField(
        _("KommuneMED orienteres om tidsplanen senest"),
        help_text=_("MED-aftalen: i marts/april orienteres KommuneMED om og drøfter tidsplanen."),
    )
    catalogue_on = models.DateField(
        _("budgetkataloget sendes i høring"),
        help_text=_("Dagen MED-udvalgene får budgetkataloget med spareforslag til høring."),
    )
    hearing_deadline = models.DateField(_("frist for høringssvar fra MED-udvalgene"))
    adoption_planned = models.DateField(_("forventet vedtagelse i kommunalbestyrelsen"))
    adopted_on = models.DateField(_("vedtaget den"), null=True, blank=True)
    orientation_by = models.DateField(
        _("MED-udvalgene orienteres om det vedtagne budget senest"),
        null=True,
        blank=True,
        help_text=_("Tom: 8 uger efter vedtagelsen."),
    )
    catalogue = models.TextField(
        _("budgetkataloget"),
        max_length=20_000,
        blank=True,
        help_text=_(
            "Spareforslag og andre forslag, der har betydning for arbejds- og personaleforhold "
            "(eller et link til kataloget). Sendes til MED-udvalgene med høringen."
        ),
    )
    adopted_summary = models.TextField(
        _("det vedtagne budget og planen for udmøntningen"),
        max_length=20_000,
        blank=True,
        help_text=_(
            "Hvad budgettet betyder for kommunen som arbejdsplads: besparelse på lønsum, "
            "omorganisering, nye initiativer."
        ),
    )
    hearing_sent_on = models.DateField(_("høring udsendt den"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("budgetproces")
        verbose_name_plural = _("budgetprocesser")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "year"], name="budget_one_process_a_year")
        ]

    def __str__(self) -> str:
        return str(_("Budget %(year)s") % {"year": self.year})

    @property
    def hearing_open(self) -> bool:
        return self.hearing_sent_on is not None and self.adopted_on is None


class RationalisationCase(TenantModel):
    class Kind(models.TextChoices):
        BUDGET = "budget", _("Budgetmæssige forhold")
        ORGANISATION = (
            "organisation",
            _("Organisatoriske ændringer, omorganiseringer, rationaliseringer"),
        )
        OUTSOURCING = "outsourcing", _("Udbud, udlicitering, privatisering")
        TRANSFER = "transfer", _("Opgaveflytning mellem offentlige myndigheder")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("overskrift"), max_length=200)
    description = models.TextField(
        _("målsætning og beskrivelse"),
        max_length=20_000,
        help_text=_(
            "Målsætningen, de personalemæssige konsekvenser, økonomien, medarbejderbehovet og "
            "tidsplanen, så langt de kendes."
        ),
    )
    units = models.ManyToManyField(
        "organisations.Unit", blank=True, related_name="+", verbose_name=_("berørte enheder")
    )
    process = models.ForeignKey(
        BudgetProcess,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("del af budgetprocessen"),
        help_text=_(
            "Et projekt, der er en del af budgettet, følger budgetprocessen; ellers orienteres "
            "KommuneMED hurtigst muligt."
        ),
    )
    announced_on = models.DateField(_("registreret den"))
    ad_hoc_committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ad hoc MED-udvalg"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("oprettet af"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("rationaliserings- eller omstillingsprojekt")
        verbose_name_plural = _("rationaliserings- og omstillingsprojekter")
        ordering = ["-announced_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class AgendaPoint(TenantModel):
    """One step of the budget procedure (or of a case) before one MED committee: an item on its
    next open agenda, a deadline until the meeting's referat is finally approved."""

    class Step(models.TextChoices):
        TIMELINE = "timeline", _("Tidsplanen for budgetprocessen")
        CATALOGUE = "catalogue", _("Budgetkataloget og høringssvarene")
        HEARING = "hearing", _("Høring over budgetkataloget")
        ADOPTED = "adopted", _("Det vedtagne budget og udmøntningen")
        CASE = "case", _("Rationaliserings- eller omstillingsprojekt")

    process = models.ForeignKey(
        BudgetProcess,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="points",
        verbose_name=_("budgetproces"),
    )
    case = models.ForeignKey(
        RationalisationCase,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="points",
        verbose_name=_("projekt"),
    )
    step = models.CharField(_("trin"), max_length=20, choices=Step.choices)
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("udvalg"),
    )
    start_on = models.DateField(_("tidligst"))
    due_on = models.DateField(_("senest"))
    agenda_item = models.ForeignKey(
        "meetings.AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dagsordenspunkt"),
    )

    class Meta:
        verbose_name = _("punkt til MED-udvalg")
        verbose_name_plural = _("punkter til MED-udvalg")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "step", "committee"], name="budget_point_once_per_committee"
            ),
            models.UniqueConstraint(fields=["case", "committee"], name="budget_case_point_once"),
            models.CheckConstraint(
                condition=models.Q(process__isnull=False) | models.Q(case__isnull=False),
                name="budget_point_has_a_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_step_display()} – {self.committee}"


class HearingResponse(TenantModel):
    """A local MED committee's answer to the hearing on the budget catalogue."""

    process = models.ForeignKey(
        BudgetProcess,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("budgetproces"),
    )
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("udvalg"),
    )
    text = models.TextField(_("høringssvar"), max_length=20_000)
    submitted_by = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("afgivet af"),
    )
    submitted_on = models.DateField(_("afgivet den"), default=timezone.localdate)

    history = tenant_history()

    class Meta:
        verbose_name = _("høringssvar")
        verbose_name_plural = _("høringssvar")
        ordering = ["committee__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["process", "committee"], name="budget_one_response_per_committee"
            )
        ]

    def __str__(self) -> str:
        return f"{self.process} – {self.committee}"


class BudgetMessage(OutboxRow):
    """One e-mail of the budget procedure to one member of a MED committee: the hearing on the
    catalogue, and the adopted budget. One row per process, committee, person and kind."""

    class Kind(models.TextChoices):
        HEARING = "hearing", _("Høring over budgetkataloget")
        ADOPTED = "adopted", _("Budgettet er vedtaget")

    process = models.ForeignKey(
        BudgetProcess,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("budgetproces"),
    )
    committee = models.ForeignKey(
        "committees.Committee",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("udvalg"),
    )
    recipient = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="budget_messages",
        verbose_name=_("modtager"),
    )
    kind = models.CharField(_("besked"), max_length=10, choices=Kind.choices)

    class Meta(OutboxRow.Meta):
        verbose_name = _("besked om budgettet")
        verbose_name_plural = _("beskeder om budgettet")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "committee", "recipient", "kind"],
                name="budget_message_once",
            )
        ]
