"""The kommune (tenant), its organisational units and its people."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.tenancy import TenantModel, kommune_pk_index, tenant_history


class Kommune(models.Model):
    """The tenant. Local settings of its MED-aftale live here and on the apps' settings models."""

    code = models.SlugField(_("kode"), max_length=50, unique=True)
    name = models.CharField(_("navn"), max_length=120, unique=True)
    kommunenummer = models.CharField(_("kommunenummer"), max_length=3, blank=True)
    amr_term_years = models.PositiveSmallIntegerField(
        _("AMR-valgperiode (år)"),
        default=2,
        validators=[MinValueValidator(2), MaxValueValidator(4)],
        help_text=_("Arbejdsmiljølovens udgangspunkt er 2 år; der kan aftales op til 4 år."),
    )
    med_agreement_name = models.CharField(
        _("MED-aftalens navn"),
        max_length=150,
        blank=True,
        help_text=_(
            "Som den hedder i kommunen, fx “MED-aftale for Albertslund Kommune (2020)”. Vises "
            "som kilde ved de frister, den lokale aftale fastsætter."
        ),
    )
    # The nærhedsprincip of an enstrenget MED-aftale (e.g. "where a workplace has several
    # addresses, an AMG is set up at each address"): the structural check requires an AMG of
    # its own at every address of a workplace unless the kommune's agreement says otherwise.
    # BEK om systematisk arbejdsmiljøarbejde § 24 leaves the number of AMGs to the workplace,
    # weighing among other things its geography, so this is a local choice, not the law's.
    amg_may_span_addresses = models.BooleanField(
        _("én AMG må dække flere adresser"),
        default=False,
        help_text=_(
            "Sæt kryds, hvis MED-aftalen tillader, at én arbejdsmiljøgruppe dækker en "
            "arbejdsplads med flere adresser. Ellers skal der være en arbejdsmiljøgruppe på "
            "hver adresse."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class KommuneStaff(TenantModel):
    """A user who works as HR / arbejdsmiljø staff of one kommune in the admin.

    `all_units` off limits the user to the units granted with the `organisations.administer_unit`
    object permission (django-guardian) and everything below them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kommune_staff",
        verbose_name=_("bruger"),
    )
    all_units = models.BooleanField(
        _("hele kommunen"),
        default=True,
        help_text=_("Fravælg for at begrænse brugeren til de enheder, brugeren har rettighed til."),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("HR-medarbejder")
        verbose_name_plural = _("HR-medarbejdere")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "user"], name="kommunestaff_unique_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.kommune})"


def path_ids(path: str) -> list[int]:
    """A unit's materialised path "12/45/78/" → [12, 45, 78]: its ancestors from the top,
    ending with itself."""
    return [int(part) for part in path.split("/") if part]


class Unit(TenantModel):
    """An organisational unit: område/forvaltning → arbejdsplads → afdeling."""

    class Kind(models.TextChoices):
        OMRAADE = "omraade", _("Område/forvaltning")
        ARBEJDSPLADS = "arbejdsplads", _("Arbejdsplads")
        AFDELING = "afdeling", _("Afdeling")

    PARENT_KIND = {
        Kind.OMRAADE: None,
        Kind.ARBEJDSPLADS: Kind.OMRAADE,
        Kind.AFDELING: Kind.ARBEJDSPLADS,
    }

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("kode"), max_length=80)
    name = models.CharField(_("navn"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("overordnet enhed"),
    )
    # Materialised path of primary keys ("12/45/"), maintained by organisations.services.unit_save;
    # it makes "this unit and everything below it" one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    headcount = models.PositiveIntegerField(_("antal ansatte"), default=0)
    leader = models.ForeignKey(
        "organisations.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_units",
        verbose_name=_("leder"),
    )
    closed_on = models.DateField(_("nedlagt den"), null=True, blank=True)

    history = tenant_history()

    class Meta:
        verbose_name = _("enhed")
        verbose_name_plural = _("enheder")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "code"], name="unit_unique_code"),
        ]
        indexes = [kommune_pk_index("unit_kommune_pk")]
        permissions = [("administer_unit", _("Kan administrere enheden og det underliggende"))]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        expected = self.PARENT_KIND.get(self.kind)
        if expected is None and self.parent_id:
            raise ValidationError({"parent": _("Et område/en forvaltning har ingen overordnet.")})
        if expected is not None:
            if not self.parent_id:
                raise ValidationError({"parent": _("Vælg den overordnede enhed.")})
            if self.parent.kind != expected:
                raise ValidationError(
                    {
                        "parent": _("En enhed af typen %(kind)s skal ligge under en %(parent)s.")
                        % {
                            "kind": self.get_kind_display(),
                            "parent": self.Kind(expected).label,
                        }
                    }
                )
        if self.pk and self.parent_id and f"/{self.pk}/" in f"/{self.parent.path}":
            raise ValidationError({"parent": _("En enhed kan ikke ligge under sig selv.")})


class UnitUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class UnitGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Unit, on_delete=models.CASCADE)


class UnitAddress(TenantModel):
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("enhed")
    )
    street = models.CharField(_("adresse"), max_length=200)
    postcode = models.CharField(_("postnummer"), max_length=4)
    city = models.CharField(_("by"), max_length=100)

    history = tenant_history()

    class Meta:
        verbose_name = _("adresse")
        verbose_name_plural = _("adresser")
        ordering = ["street"]

    def __str__(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"


class Person(TenantModel):
    """An employee of a kommune. One user account may be linked to people in several kommuner."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    employee_number = models.CharField(
        _("medarbejdernummer"),
        max_length=40,
        blank=True,
        help_text=_("Nøglen ved import fra lønsystemet."),
    )
    first_name = models.CharField(_("fornavn"), max_length=100)
    last_name = models.CharField(_("efternavn"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=30, blank=True)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("ansat i"),
    )
    job_title = models.CharField(_("stilling"), max_length=120, blank=True)
    hired_on = models.DateField(_("ansat fra"), null=True, blank=True)
    left_on = models.DateField(_("fratrådt den"), null=True, blank=True)
    # The language of what the system sends the person (reminders, invitations, notices) and
    # of the portal they land in; blank is the kommune's language (Danish).
    language = models.CharField(
        _("sprog"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("brugerkonto"),
    )

    history = tenant_history()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kommune", "employee_number"],
                condition=~models.Q(employee_number=""),
                name="person_unique_employee_number",
            ),
            models.UniqueConstraint(
                fields=["kommune", "user"],
                condition=models.Q(user__isnull=False),
                name="person_unique_user_per_kommune",
            ),
        ]
        indexes = [
            models.Index(fields=["kommune", "last_name", "first_name"]),
            kommune_pk_index("person_kommune_pk"),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def message_language(self) -> str:
        """The language to write to this person in: theirs, or the site's default."""
        offered = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in offered else settings.LANGUAGE_CODE
