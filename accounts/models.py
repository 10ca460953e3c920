"""How people log in: a kommune's identity providers (SAML 2.0 or OpenID Connect) and the audit
log of logins, refusals and MFA changes.

An identity provider is installation configuration kept per kommune (like the kommune itself):
the login page lists them before any tenant is known, so the model is not tenant-scoped; only
superusers edit it. The audit log is tenant data: HR reads its own kommune's rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.tenancy import TenantModel


class Protocol(models.TextChoices):
    SAML = "saml", "SAML 2.0"
    OIDC = "oidc", "OpenID Connect"


class MatchBy(models.TextChoices):
    EMPLOYEE_NUMBER = "employee_number", _("medarbejdernummer")
    EMAIL = "email", _("e-mailadresse")


# Values an IdP asserts when the user passed a second factor (SAML AuthnContextClassRef, OIDC
# `amr`/`acr`): a sensible default a kommune can change per IdP.
# (`otp`, `hwk`, `swk` alone are one factor each, so they are not on the list.)
DEFAULT_MFA_VALUES = "\n".join(
    [
        "mfa",
        "http://schemas.microsoft.com/claims/multipleauthn",
        "https://data.gov.dk/concept/core/nsis/loa/Substantial",
        "https://data.gov.dk/concept/core/nsis/loa/High",
    ]
)


class IdentityProvider(models.Model):
    kommune = models.ForeignKey(
        "organisations.Kommune",
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("kommune"),
    )
    name = models.CharField(
        _("navn på knappen"),
        max_length=80,
        help_text=_("Vises som “Log ind med …” på login-siden, fx “Albertslund”."),
    )
    slug = models.SlugField(
        _("kort navn"),
        max_length=50,
        unique=True,
        help_text=_("Indgår i adresserne, fx albertslund. Kan ikke ændres, når IdP'en er i brug."),
    )
    protocol = models.CharField(_("protokol"), max_length=4, choices=Protocol.choices)
    enabled = models.BooleanField(_("aktiv"), default=True)
    enforce_sso = models.BooleanField(
        _("kræv single sign-on"),
        default=False,
        help_text=_(
            "Kommunens medarbejdere kan ikke logge ind med adgangskode (undtagen de nødadgange, "
            "installationen har navngivet)."
        ),
    )
    email_domains = models.CharField(
        _("e-maildomæner"),
        max_length=300,
        blank=True,
        help_text=_(
            "Kommaseparerede domæner, fx albertslund.dk. Den, der skriver en adresse på et af "
            "dem på login-siden, sendes til denne IdP."
        ),
    )
    match_by = models.CharField(
        _("match medarbejderen på"),
        max_length=20,
        choices=MatchBy.choices,
        default=MatchBy.EMPLOYEE_NUMBER,
    )
    match_attribute = models.CharField(
        _("attribut/claim med værdien"),
        max_length=200,
        blank=True,
        help_text=_(
            "Navnet på den SAML-attribut eller det OIDC-claim, der bærer medarbejdernummer eller "
            "e-mail. Tomt: SAML NameID / OIDC sub."
        ),
    )
    trust_idp_mfa = models.BooleanField(
        _("IdP'ens MFA gælder"),
        default=False,
        help_text=_(
            "Når IdP'en oplyser, at brugeren har brugt to faktorer (SAML AuthnContextClassRef, "
            "OIDC amr/acr), beder vi ikke om vores egen."
        ),
    )
    mfa_values = models.TextField(
        _("værdier, der betyder MFA"),
        default=DEFAULT_MFA_VALUES,
        blank=True,
        help_text=_("Én pr. linje."),
    )
    groups_attribute = models.CharField(
        _("attribut/claim med grupper"), max_length=200, blank=True, default="groups"
    )
    hr_group = models.CharField(
        _("gruppe, der giver HR for hele kommunen"),
        max_length=200,
        blank=True,
        help_text=_(
            "Tomt: ingen. Ellers får den, IdP'en melder i gruppen, HR-adgang til hele kommunen. "
            "Alle andre roller kommer fra medlemskaberne i MED-organisationen."
        ),
    )
    # SAML 2.0
    saml_metadata_xml = models.TextField(
        _("IdP-metadata (XML)"), blank=True, help_text=_("Indsæt IdP'ens metadata.")
    )
    saml_metadata_url = models.URLField(_("IdP-metadata (adresse)"), blank=True)
    saml_entity_id = models.CharField(_("IdP entity ID"), max_length=300, blank=True)
    saml_sso_url = models.URLField(_("IdP SSO-adresse"), blank=True)
    saml_slo_url = models.URLField(_("IdP logout-adresse (SLO)"), blank=True)
    saml_x509cert = models.TextField(_("IdP-certifikat"), blank=True)
    saml_sign_requests = models.BooleanField(_("signér forespørgsler"), default=True)
    # Our SP key pair, made when the IdP is created: requests are signed with it, and encrypted
    # assertions are decrypted with it. Its certificate is in our metadata.
    sp_private_key = models.TextField(editable=False, blank=True)
    sp_certificate = models.TextField(editable=False, blank=True)
    # OpenID Connect
    oidc_issuer = models.URLField(_("issuer"), blank=True)
    oidc_client_id = models.CharField(_("client id"), max_length=200, blank=True)
    oidc_client_secret = models.CharField(_("client secret"), max_length=300, blank=True)
    oidc_scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")

    history = HistoricalRecords(excluded_fields=["sp_private_key", "oidc_client_secret"])

    class Meta:
        verbose_name = _("identitetsudbyder (SSO)")
        verbose_name_plural = _("identitetsudbydere (SSO)")
        ordering = ["kommune__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_protocol_display()})"

    @property
    def provider_id(self) -> str:
        """The allauth provider id: one per IdP, so an account linked through one kommune's IdP
        is never found through another's (the uid namespaces never meet)."""
        return f"{self.protocol}-{self.slug}"

    def domains(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.email_domains.split(",") if d.strip()]

    def mfa_value_set(self) -> set[str]:
        return {v.strip() for v in self.mfa_values.splitlines() if v.strip()}


class EventKind(models.TextChoices):
    LOGIN = "login", _("logget ind")
    LOGIN_FAILED = "login_failed", _("forkert adgangskode")
    LOGOUT = "logout", _("logget ud")
    SSO_REFUSED = "sso_refused", _("SSO afvist")
    PASSWORD_REFUSED = "password_refused", _("adgangskode afvist (kommunen kræver SSO)")
    MFA_FAILED = "mfa_failed", _("forkert MFA-kode")
    MFA_ADDED = "mfa_added", _("MFA tilføjet")
    MFA_REMOVED = "mfa_removed", _("MFA fjernet")
    RECOVERY_CODES = "recovery_codes", _("nye gendannelseskoder")
    DEACTIVATED = "deactivated", _("konto lukket (fratrådt)")


class LoginEvent(TenantModel):
    """One line of the login audit log of a kommune: who, when, from where, through which IdP."""

    at = models.DateTimeField(_("tidspunkt"), default=timezone.now, db_index=True)
    kind = models.CharField(_("hændelse"), max_length=20, choices=EventKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bruger"),
    )
    identifier = models.CharField(
        _("brugernavn/id"),
        max_length=254,
        blank=True,
        help_text=_("Det brugernavn eller den identitet fra IdP'en, der blev brugt."),
    )
    identity_provider = models.ForeignKey(
        IdentityProvider,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("identitetsudbyder"),
    )
    ip_address = models.GenericIPAddressField(_("IP-adresse"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    detail = models.CharField(_("detaljer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("login-hændelse")
        verbose_name_plural = _("login-log")
        ordering = ["-at"]
        indexes = [models.Index(fields=["kommune", "-at"], name="loginevent_kommune_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
