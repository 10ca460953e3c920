"""Superusers configure the kommuner's identity providers (no code, no restart); HR reads its
own kommune's login log."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import WholeKommuneAdmin
from core.admin_site import site
from core.keys import make_keypair

from .models import IdentityProvider, LoginEvent, Protocol
from .saml import parse_idp_metadata

# The page of one IdP, in the order a kommune's IT gives the answers.
FIELDSETS = [
    (
        None,
        {
            "fields": [
                "kommune",
                "name",
                "slug",
                "protocol",
                "enabled",
                "enforce_sso",
                "email_domains",
            ]
        },
    ),
    (
        _("Hvem er brugeren?"),
        {"fields": ["match_by", "match_attribute", "groups_attribute", "hr_group"]},
    ),
    (_("MFA fra IdP'en"), {"fields": ["trust_idp_mfa", "mfa_values"]}),
    (
        "SAML 2.0",
        {
            "fields": [
                "saml_metadata_xml",
                "saml_metadata_url",
                "saml_entity_id",
                "saml_sso_url",
                "saml_slo_url",
                "saml_x509cert",
                "saml_sign_requests",
            ]
        },
    ),
    (
        "OpenID Connect",
        {"fields": ["oidc_issuer", "oidc_client_id", "oidc_client_secret", "oidc_scopes"]},
    ),
    (_("Det sender vi kommunens IT"), {"fields": ["our_addresses"]}),
]


class IdentityProviderForm(forms.ModelForm):
    class Meta:
        model = IdentityProvider
        # What the admin page shows, but the read-only addresses (FIELDSETS).
        fields = [f for _title, opts in FIELDSETS for f in opts["fields"] if f != "our_addresses"]
        widgets = {"oidc_client_secret": forms.PasswordInput(render_value=True)}

    def clean(self):
        data = super().clean()
        protocol = data.get("protocol")
        if protocol == Protocol.SAML:
            xml = (data.get("saml_metadata_xml") or "").strip()
            if xml:
                try:
                    parsed = parse_idp_metadata(xml)
                except ValueError:
                    self.add_error(
                        "saml_metadata_xml",
                        _(
                            "Metadata kunne ikke læses: der skal være et entity ID, en SSO-adresse "
                            "og et signeringscertifikat."
                        ),
                    )
                else:
                    data.update(parsed)
                    for name, value in parsed.items():
                        setattr(self.instance, name, value)
            elif not data.get("saml_metadata_url") and not (
                data.get("saml_entity_id")
                and data.get("saml_sso_url")
                and data.get("saml_x509cert")
            ):
                self.add_error(
                    "saml_metadata_xml",
                    _(
                        "Indsæt IdP'ens metadata, angiv dens adresse, eller udfyld entity ID, "
                        "SSO-adresse og certifikat."
                    ),
                )
            if data.get("saml_metadata_url") and not data.get("saml_entity_id") and not xml:
                self.add_error("saml_entity_id", _("Angiv IdP'ens entity ID sammen med adressen."))
        elif protocol == Protocol.OIDC:
            for name in ("oidc_issuer", "oidc_client_id", "oidc_client_secret"):
                if not data.get(name):
                    self.add_error(name, _("Skal udfyldes for OpenID Connect."))
        return data


@admin.register(IdentityProvider, site=site)
class IdentityProviderAdmin(SimpleHistoryAdmin):
    form = IdentityProviderForm
    list_display = ["name", "kommune", "protocol", "enabled", "enforce_sso", "trust_idp_mfa"]
    list_filter = ["protocol", "enabled", "enforce_sso"]
    readonly_fields = ["our_addresses"]
    fieldsets = FIELDSETS

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        if obj.protocol == Protocol.SAML and not obj.sp_private_key:
            obj.sp_private_key, obj.sp_certificate = make_keypair(f"MED-systemet {obj.slug}")
        super().save_model(request, obj, form, change)

    @admin.display(description=_("vores adresser"))
    def our_addresses(self, obj):
        if obj is None or not obj.pk:
            return _("Vises, når IdP'en er gemt.")
        if obj.protocol == Protocol.SAML:
            metadata = reverse("saml_metadata", kwargs={"organization_slug": obj.slug})
            acs = reverse("saml_acs", kwargs={"organization_slug": obj.slug})
            return format_html(
                '{}: <a href="{}">{}</a><br>{}: {}',
                _("SP-metadata (entity ID og certifikat)"),
                metadata,
                metadata,
                _("ACS (POST)"),
                acs,
            )
        callback = reverse("openid_connect_callback", kwargs={"provider_id": obj.provider_id})
        return format_html("{}: {}", _("Redirect URI"), callback)


@admin.register(LoginEvent, site=site)
class LoginEventAdmin(WholeKommuneAdmin):
    """Read-only, for HR of the whole kommune (the tenant scope keeps it to the kommune)."""

    list_display = ["at", "kind", "user", "identifier", "identity_provider", "ip_address", "detail"]
    list_filter = ["kind", "identity_provider"]
    search_fields = ["identifier", "user__username", "ip_address"]
    date_hierarchy = "at"
    readonly_fields = [
        "at",
        "kind",
        "user",
        "identifier",
        "identity_provider",
        "ip_address",
        "user_agent",
        "detail",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
