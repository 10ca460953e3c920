"""Course types, providers, course dates, enrolment and completed training of people."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.tenancy import TenantModel, kommune_pk_index, tenant_history


class CourseKind(models.TextChoices):
    """The kinds the deadline rules know. A kommune may add its own course types of kind OTHER."""

    AMO_BASIC = "amo_basic", _("Obligatorisk arbejdsmiljøuddannelse (3 dage)")
    AMO_SUPPLEMENTARY_FIRST = (
        "amo_supp_first",
        _("Supplerende arbejdsmiljøuddannelse, 1. år (2 dage)"),
    )
    AMO_SUPPLEMENTARY_YEARLY = "amo_supp_yearly", _("Supplerende arbejdsmiljøuddannelse (1½ dag)")
    MED = "med", _("MED-uddannelse")
    OTHER = "other", _("Andet kursus")


class CourseType(TenantModel):
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("art"), max_length=20, choices=CourseKind.choices)
    days = models.DecimalField(_("dage"), max_digits=4, decimal_places=1, default=1)
    hours = models.DecimalField(_("timer"), max_digits=5, decimal_places=1, default=7.4)
    description = models.TextField(_("beskrivelse"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("kursustype")
        verbose_name_plural = _("kursustyper")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Provider(TenantModel):
    name = models.CharField(_("navn"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    url = models.URLField(_("hjemmeside"), blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("udbyder")
        verbose_name_plural = _("udbydere")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseDate(TenantModel):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    course_type = models.ForeignKey(
        CourseType, on_delete=models.PROTECT, related_name="dates", verbose_name=_("kursustype")
    )
    provider = models.ForeignKey(
        Provider,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dates",
        verbose_name=_("udbyder"),
    )
    starts_on = models.DateField(_("første dag"))
    ends_on = models.DateField(_("sidste dag"))
    location = models.CharField(_("sted"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(_("pladser"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("kursusdato")
        verbose_name_plural = _("kursusdatoer")
        ordering = ["starts_on"]

    def __str__(self) -> str:
        return f"{self.course_type} {self.starts_on:%d.%m.%Y}"

    def clean(self):
        super().clean()
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("Kurset kan ikke slutte før det begynder.")})


class Enrolment(TenantModel):
    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("Tilmeldt")
        WAITLISTED = "waitlisted", _("På venteliste")
        COMPLETED = "completed", _("Gennemført")
        CANCELLED = "cancelled", _("Afmeldt")

    # A seat is taken by these (a waiting list holds no seat).
    SEATED = (Status.ENROLLED, Status.COMPLETED)

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("person"),
    )
    course_date = models.ForeignKey(
        CourseDate, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("kursus")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ENROLLED
    )
    enrolled_on = models.DateField(_("tilmeldt den"), auto_now_add=True)
    # Order of the waiting list: who asked first gets the next free seat.
    requested_at = models.DateTimeField(_("ønsket"), default=timezone.now)

    history = tenant_history()

    class Meta:
        verbose_name = _("tilmelding")
        verbose_name_plural = _("tilmeldinger")
        constraints = [
            models.UniqueConstraint(fields=["person", "course_date"], name="enrolment_unique")
        ]
        indexes = [kommune_pk_index("enrolment_kommune_pk")]

    def __str__(self) -> str:
        return f"{self.person} – {self.course_date}"


def certificate_path(instance, filename: str) -> str:
    """Opaque names: a file name chosen by the uploader ("Mette Hansen cpr ….pdf") is never
    part of the path; the download is named by the view."""
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    return f"certificates/{instance.kommune_id}/{uuid.uuid4()}.{suffix}"


class Completion(TenantModel):
    """A completed course: the fact the training rules look for."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(
        "organisations.Person",
        on_delete=models.CASCADE,
        related_name="completions",
        verbose_name=_("person"),
    )
    course_type = models.ForeignKey(
        CourseType,
        on_delete=models.PROTECT,
        related_name="completions",
        verbose_name=_("kursustype"),
    )
    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completion",
        verbose_name=_("tilmelding"),
    )
    completed_on = models.DateField(_("gennemført den"))
    hours = models.DecimalField(_("timer"), max_digits=5, decimal_places=1)
    certificate = models.FileField(_("kursusbevis"), upload_to=certificate_path, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("gennemført uddannelse")
        verbose_name_plural = _("gennemførte uddannelser")
        ordering = ["-completed_on"]
        indexes = [
            models.Index(fields=["person", "completed_on"]),
            kommune_pk_index("completion_kommune_pk"),
        ]

    def __str__(self) -> str:
        return f"{self.person} – {self.course_type} ({self.completed_on:%d.%m.%Y})"
